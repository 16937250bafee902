//! Arbitrary text as a path id: `Identifier` never accepts a value that
//! could change the endpoint, its ways in agree, and the real client
//! (`spectrum_apps_get`, through `dry`) refuses exactly the values it
//! refuses, before sending anything, and puts an accepted one into the URL
//! as exactly one path segment that percent-decodes back to the id.
#![no_main]

use cloudflare_spectrum_fuzz::dry::{BASE_SEGMENTS, dry, invalid_field, sent_url};
use cloudflare_spectrum_fuzz::{check_identifier, percent_decode};
use libfuzzer_sys::fuzz_target;

const ZONE: &str = "023e105f4ecef8ad9ca31a8372d0c353";

fn check(id: &str) {
    let accepted = check_identifier(id);
    let dry = dry();
    // As the zone: refused before anything else is looked at.
    if !accepted {
        let refused =
            dry.runtime.block_on(dry.client.spectrum_apps_get(id, "a")).expect_err("an invalid zone id was accepted");
        assert_eq!(invalid_field(&refused), "zone_id");
    }
    // As the app id, after a valid zone.
    let url = sent_url(dry.runtime.block_on(dry.client.spectrum_apps_get(ZONE, id)));
    let url = match (accepted, url) {
        (true, Ok(url)) => url,
        (false, Err(e)) => {
            assert_eq!(invalid_field(&e), "app_id");
            return;
        }
        (true, Err(e)) => panic!("the client refused the identifier {id:?}: {e}"),
        (false, Ok(url)) => panic!("the client sent the non-identifier {id:?} as {url}"),
    };
    let segments: Vec<&str> = url.path_segments().expect("a base").collect();
    assert_eq!(segments.len(), 7, "{id:?} made {}", url.path());
    assert_eq!(&segments[..2], BASE_SEGMENTS);
    assert_eq!(&segments[2..6], ["zones", ZONE, "spectrum", "apps"]);
    assert_eq!(percent_decode(segments[6]), id.as_bytes(), "{id:?} read back differently from {}", url.path());
    assert!(url.query().is_none() && url.fragment().is_none(), "{id:?} made {url}");
}

fuzz_target!(|data: &[u8]| {
    match std::str::from_utf8(data) {
        Ok(id) => check(id),
        Err(_) => check(&String::from_utf8_lossy(data)),
    }
});
