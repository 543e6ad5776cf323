//! cargo-fuzz target `assessment` (see docs/fuzzing.md).
#![no_main]

#[allow(dead_code)]
#[path = "../targets.rs"]
mod targets;

libfuzzer_sys::fuzz_target!(|data: &[u8]| targets::assessment(data));
