//! The fuzz targets' logic (`safe_markup_check::fuzz`, which the cargo-fuzz
//! targets in `fuzz/` call in one line) run on stable: over fixed seeds
//! (every XSS vector and some diary entries) and over every input the
//! fuzzers found and saved under `fuzz/regressions/<target>/`.
//!
//! A saved input whose file name starts with `open-<id>` is a finding not
//! fixed yet, `<id>` one of `fuzz::known_issues()`, which the targets pass
//! over: the test checks that it still fails, and only for that reason (so
//! a fix shows up here: then drop the known issue and the prefix), and
//! lists it. Every other saved input must pass.

use std::path::{Path, PathBuf};

use safe_markup_check::fuzz::{self, Failure, KNOB_BYTES, PolicySpec};

use crate::support;

/// A target's checking function.
type Target = fn(&[u8]) -> Result<(), Box<Failure>>;

/// `(name, strict check, check less known issues)`.
const TARGETS: [(&str, Target, Target); 4] = [
    ("clean", fuzz::try_clean, fuzz::check_clean),
    ("policy", fuzz::try_policy, fuzz::check_policy),
    ("roundtrip", fuzz::try_roundtrip, fuzz::check_roundtrip),
    ("fastpath", fuzz::try_fastpath, fuzz::check_fastpath),
];

/// How many diary entries are seeds (the corpus tests run all of them).
const DIARY_SEEDS: usize = 16;

/// `(name, bytes)`: every XSS vector, then the first diary entries.
fn seeds() -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = support::xss_vectors()
        .into_iter()
        .map(|(id, input)| (id, input.into_bytes()))
        .collect();
    out.extend(
        support::html_files("diary")
            .into_iter()
            .take(DIARY_SEEDS)
            .map(|(name, input)| (name, input.into_bytes())),
    );
    out
}

/// Deterministic knob bytes for the `policy` target's seed `n`
/// (xorshift64*).
fn knobs(n: u64) -> Vec<u8> {
    let mut x = n.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..KNOB_BYTES)
        .map(|_| {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8
        })
        .collect()
}

fn failure_list(failures: &[String]) -> String {
    failures
        .iter()
        .take(10)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join("\n")
}

fn run_seeds(target: &str, check: Target, inputs: &[(String, Vec<u8>)]) {
    let failures: Vec<String> = inputs
        .iter()
        .filter_map(|(name, data)| check(data).err().map(|f| format!("[{name}] {f}")))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} {target} seeds failed (showing up to 10):\n{}",
        failures.len(),
        inputs.len(),
        failure_list(&failures)
    );
}

#[test]
fn clean_seeds() {
    run_seeds("clean", fuzz::check_clean, &seeds());
}

#[test]
fn roundtrip_seeds() {
    run_seeds("roundtrip", fuzz::check_roundtrip, &seeds());
}

#[test]
fn fastpath_seeds() {
    run_seeds("fastpath", fuzz::check_fastpath, &seeds());
}

/// Each seed under a policy from deterministic knob bytes; most of those
/// policies must build, or the seeds check little.
#[test]
fn policy_seeds() {
    let inputs: Vec<(String, Vec<u8>)> = seeds()
        .into_iter()
        .enumerate()
        .map(|(n, (name, data))| {
            let mut bytes = knobs(n as u64);
            let spec = PolicySpec::from_knobs(&bytes);
            bytes.extend_from_slice(&data);
            (format!("{name} with {}", spec.to_rust()), bytes)
        })
        .collect();
    let built = inputs
        .iter()
        .filter(|(_, data)| PolicySpec::from_knobs(&data[..KNOB_BYTES]).build().is_ok())
        .count();
    assert!(
        built * 4 >= inputs.len(),
        "only {built} of {} seed policies build",
        inputs.len()
    );
    run_seeds("policy", fuzz::check_policy, &inputs);
}

/// `fuzz/regressions/<target>/*`, sorted (README and hidden files, such as
/// `.gitkeep`, excluded).
fn regression_files(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("directory entry").path())
        .filter(|p| {
            let name = p.file_name().unwrap_or_default().to_string_lossy();
            p.is_file() && !name.starts_with("README") && !name.starts_with('.')
        })
        .collect();
    files.sort();
    files
}

#[test]
fn regressions() {
    let mut problems = Vec::new();
    let mut open = Vec::new();
    let mut checked = 0;
    for (target, strict, _) in TARGETS {
        for path in regression_files(target) {
            checked += 1;
            let data = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            match (name.strip_prefix("open-"), strict(&data)) {
                (None, Ok(())) => {}
                (None, Err(f)) => problems.push(format!("{target}/{name} fails:\n{f}")),
                (Some(_), Ok(())) => problems.push(format!(
                    "{target}/{name} passes now: drop its known issue and the `open-` prefix"
                )),
                (Some(rest), Err(f)) => match fuzz::known_issue(&f) {
                    Some(known) if rest.starts_with(known.id) => {
                        open.push(format!("{target}/{name}: {}", f.violations[0]));
                    }
                    _ => problems.push(format!(
                        "{target}/{name} fails, but not only as its known issue says:\n{f}"
                    )),
                },
            }
        }
    }
    for known in fuzz::known_issues() {
        let saved = TARGETS.iter().any(|(target, _, _)| {
            regression_files(target).iter().any(|p| {
                p.file_name().is_some_and(|n| {
                    n.to_string_lossy()
                        .starts_with(&format!("open-{}", known.id))
                })
            })
        });
        if !saved {
            problems.push(format!(
                "known issue `{}` has no fuzz/regressions/<target>/open-{}… input",
                known.id, known.id
            ));
        }
    }
    eprintln!(
        "{checked} saved fuzz inputs checked, {} open finding(s){}",
        open.len(),
        open.iter().map(|o| format!("\n  {o}")).collect::<String>()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
