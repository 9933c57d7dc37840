//! `safe-markup`: clean untrusted HTML files, directories, stdin or JSON
//! Lines exports. See `safe-markup --help` and the README's CLI section.
//!
//! `main` stays thin: the work is in the bin-only [`cli`] modules, one job
//! each (command line, walking, decoding, cleaning files, JSON Lines,
//! writing in place, reports, diffs, diagnostics).

#![forbid(unsafe_code)]

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
