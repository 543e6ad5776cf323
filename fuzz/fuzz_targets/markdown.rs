//! cargo-fuzz target `markdown` (see docs/fuzzing.md).
#![no_main]

#[allow(dead_code)]
#[path = "../targets.rs"]
mod targets;

libfuzzer_sys::fuzz_target!(|data: &[u8]| targets::markdown(data));
