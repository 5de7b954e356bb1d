//! Fuzz target: the laws of `laws::line`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| laws::line(data));
