#![no_main]
//! See [`charter_fuzz::triage`].

libfuzzer_sys::fuzz_target!(|data: &[u8]| charter_fuzz::triage(data));
