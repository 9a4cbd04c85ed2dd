#![no_main]
//! See [`charter_fuzz::json_schema`].

libfuzzer_sys::fuzz_target!(|data: &[u8]| charter_fuzz::json_schema(data));
