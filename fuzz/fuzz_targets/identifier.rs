//! Arbitrary text as a path id: `Identifier` never accepts a value that
//! could change the endpoint, and what it accepts is one path segment.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match std::str::from_utf8(data) {
        Ok(id) => cloudflare_spectrum_fuzz::check_identifier(id),
        Err(_) => cloudflare_spectrum_fuzz::check_identifier(&String::from_utf8_lossy(data)),
    }
});
