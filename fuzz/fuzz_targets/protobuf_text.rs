#![no_main]
//! See [`charter_fuzz::protobuf_text`].

libfuzzer_sys::fuzz_target!(|data: &[u8]| charter_fuzz::protobuf_text(data));
