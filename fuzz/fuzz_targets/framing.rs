#![no_main]
//! See [`charter_fuzz::framing`].

libfuzzer_sys::fuzz_target!(|data: &[u8]| charter_fuzz::framing(data));
