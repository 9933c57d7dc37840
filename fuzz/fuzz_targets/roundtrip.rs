//! Re-parse stability, idempotence and containment under every preset and the maximal policy.
//! The logic is `safe_markup_check::fuzz::roundtrip`, which `cargo test` also runs.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| safe_markup_check::fuzz::roundtrip(data));
