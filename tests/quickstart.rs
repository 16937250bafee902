//! The quickstart, run as a newcomer runs it: piped into `head`, and with
//! a base URL but no credentials in the environment.

use std::io::{BufRead as _, BufReader};

mod examples_support;
use examples_support::{example, finish};

#[test]
fn piped_into_head_it_stops_quietly() {
    let mut child = example("quickstart").spawn().expect("quickstart starts");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    for _ in 0..3 {
        lines.next().expect("a line").expect("text");
    }
    drop(lines); // what `head -3` does after three lines
    let run = finish(child);
    assert!(run.status.success(), "{run:?}");
}

#[test]
fn a_base_url_without_credentials_is_named_not_silently_ignored() {
    let mut command = example("quickstart");
    command.env("CLOUDFLARE_BASE_URL", "http://127.0.0.1:9/client/v4");
    let run = finish(command.spawn().expect("quickstart starts"));
    assert!(run.status.success(), "{run:?}");
    assert!(
        run.stderr.starts_with("note: CLOUDFLARE_BASE_URL is set but no credentials are, so it is not used"),
        "{run:?}"
    );
    assert!(run.stdout.contains("using the built-in fake API"), "{run:?}");
    assert!(run.stdout.contains("Done."), "{run:?}");
}
