//! Arbitrary bytes as a response body, decoded into every envelope, result
//! and request type as the client can decode them (bytes, a `Value`, with
//! integral floats written as integers): never a panic, the ways agree, and
//! whatever decodes survives a round trip.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    cloudflare_spectrum_fuzz::decode_every_type(data);
});
