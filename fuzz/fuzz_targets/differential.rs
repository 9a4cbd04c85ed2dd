#![no_main]
//! See [`charter_fuzz::differential`].

libfuzzer_sys::fuzz_target!(|pair: charter_fuzz::Pair| charter_fuzz::differential(&pair));
