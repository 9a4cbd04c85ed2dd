#![no_main]
//! See [`charter_fuzz::protobuf_descriptor`].

libfuzzer_sys::fuzz_target!(|data: &[u8]| charter_fuzz::protobuf_descriptor(data));
