//! One integration-test binary (see `autotests = false` in Cargo.toml).

mod support;

mod cli;
mod fuzz_seeds;
mod invariants;
mod policy;
mod snapshots;
