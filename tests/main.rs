//! One integration-test binary (see `autotests = false` in Cargo.toml).

mod support;

mod cli;
mod dos;
mod excerpt;
mod fastpath;
mod fuzz_seeds;
mod invariants;
mod layers;
mod legacy;
mod linear;
mod plain_text;
mod policy;
mod report_spans;
mod security;
mod serve;
mod snapshots;
mod url_evasions;
