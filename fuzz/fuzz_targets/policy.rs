//! A policy from the first KNOB_BYTES bytes, the rest as HTML: all output invariants.
//! The logic is `safe_markup_check::fuzz::policy`, which `cargo test` also runs.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| safe_markup_check::fuzz::policy(data));
