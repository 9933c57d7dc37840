//! The fast path against the full pipeline: wherever `clean_fast` answers,
//! under every preset, the maximal policy and a `ugc` variant, its answer
//! is `clean_full`'s. The logic is `safe_markup_check::fuzz::fastpath`,
//! which `cargo test` also runs.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| safe_markup_check::fuzz::fastpath(data));
