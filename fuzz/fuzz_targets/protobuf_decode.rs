#![no_main]
//! See [`charter_fuzz::protobuf_decode`].

libfuzzer_sys::fuzz_target!(|data: &[u8]| charter_fuzz::protobuf_decode(data));
