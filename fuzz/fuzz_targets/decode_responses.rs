//! Arbitrary bytes as the body of every operation's response: decoded as
//! the client decodes them, never a panic, and whatever decodes survives a
//! round trip.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    cloudflare_spectrum_fuzz::decode_every_envelope(data);
});
