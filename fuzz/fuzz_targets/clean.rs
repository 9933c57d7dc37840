//! Arbitrary input (lossily UTF-8) under every preset and the maximal policy: all output invariants.
//! The logic is `safe_markup_check::fuzz::clean`, which `cargo test` also runs.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| safe_markup_check::fuzz::clean(data));
