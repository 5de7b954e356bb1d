//! Fuzz target: the laws of `laws::contract`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| laws::contract(data));
