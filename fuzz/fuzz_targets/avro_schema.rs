#![no_main]
//! See [`charter_fuzz::avro_schema`].

libfuzzer_sys::fuzz_target!(|data: &[u8]| charter_fuzz::avro_schema(data));
