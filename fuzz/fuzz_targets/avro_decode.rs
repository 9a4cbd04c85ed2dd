#![no_main]
//! See [`charter_fuzz::avro_decode`].

libfuzzer_sys::fuzz_target!(|data: &[u8]| charter_fuzz::avro_decode(data));
