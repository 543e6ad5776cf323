//! cargo-fuzz target `page` (see docs/fuzzing.md).
#![no_main]

#[allow(dead_code)]
#[path = "../targets.rs"]
mod targets;

libfuzzer_sys::fuzz_target!(|data: &[u8]| targets::page(data));
