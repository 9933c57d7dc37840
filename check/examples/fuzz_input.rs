//! Shows what a fuzz target makes of a saved input (crash artifact or
//! regression file), strictly (known issues included):
//!
//! ```text
//! cargo run -p safe-markup-check --example fuzz_input -- TARGET FILE [--zero-knobs]
//! ```
//!
//! With `--zero-knobs` (`policy` target), also sets each policy knob byte
//! to 0 where the same invariants still break, and writes the result to
//! `FILE.zeroed`: a smaller policy to report and save.

use std::process::ExitCode;

use safe_markup_check::Invariant;
use safe_markup_check::fuzz::{self, Failure, KNOB_BYTES, PolicySpec};

fn run(target: &str, data: &[u8]) -> Option<Result<(), Box<Failure>>> {
    Some(match target {
        "clean" => fuzz::try_clean(data),
        "policy" => fuzz::try_policy(data),
        "roundtrip" => fuzz::try_roundtrip(data),
        "fastpath" => fuzz::try_fastpath(data),
        _ => return None,
    })
}

fn broken(failure: &Failure) -> Vec<Invariant> {
    let mut out: Vec<Invariant> = failure.violations.iter().map(|v| v.invariant).collect();
    out.sort();
    out.dedup();
    out
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(target), Some(path)) = (args.first(), args.get(1)) else {
        eprintln!("usage: fuzz_input TARGET FILE [--zero-knobs]");
        return ExitCode::from(2);
    };
    let data = match std::fs::read(path) {
        Ok(data) => data,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::from(2);
        }
    };
    let Some(result) = run(target, &data) else {
        eprintln!("unknown target `{target}` (clean, policy, roundtrip, fastpath)");
        return ExitCode::from(2);
    };
    let Err(failure) = result else {
        println!("{target}: {path} passes");
        return ExitCode::SUCCESS;
    };
    print!("{failure}");
    if let Some(known) = fuzz::known_issue(&failure) {
        println!("known issue `{}`: {}", known.id, known.what);
    }
    if target == "policy" && args.iter().any(|a| a == "--zero-knobs") {
        let want = broken(&failure);
        let mut data = data;
        for i in 0..KNOB_BYTES.min(data.len()) {
            let old = data[i];
            data[i] = 0;
            let same = matches!(fuzz::try_policy(&data), Err(f) if broken(&f) == want);
            if !same {
                data[i] = old;
            }
        }
        let out = format!("{path}.zeroed");
        if let Err(e) = std::fs::write(&out, &data) {
            eprintln!("{out}: {e}");
            return ExitCode::from(2);
        }
        let spec = PolicySpec::from_knobs(&data[..KNOB_BYTES.min(data.len())]);
        println!("zeroed knobs written to {out}: {}", spec.to_rust());
    }
    ExitCode::FAILURE
}
