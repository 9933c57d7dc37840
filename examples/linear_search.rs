//! The search for slow shapes, in full (see `tests/linear.rs`, whose
//! shapes and timing it uses, and LINEAR.md).
//!
//! ```text
//! cargo run --release --example linear_search [-- [--small BYTES] [--confirm N] [--only TEXT]]
//! ```
//!
//! Every shape (each fragment alone and each pair of fragments, repeated
//! flat, and the named regressions) under every preset is first screened
//! at `--small` bytes (default 1 KiB) against 16 times as many, timing in
//! one the preset through `clean` and, with options (links for bare URLs,
//! line breaks, the report's spans), through `clean_report`, `excerpt`
//! and `to_text`. The `--confirm` worst (default 16), every regression,
//! and every case over the limit are then timed again at 16 KiB against
//! 256 KiB (1 KiB against 16 KiB where only 256 KiB crosses a limit,
//! after which the input is shown as text: a step, not a trend); the
//! regressions each part on its own (policy and operation). Each is set
//! beside the same work on 256 KiB of the diary corpus
//! (`corpus/diary`): "x corpus" is the shape's time
//! per byte over the corpus's. It prints the worst
//! cases and exits with 1 if any confirmed case grows by more than
//! `MAX_GROWTH` (24 for 16 times the bytes).

#[path = "../tests/linear.rs"]
mod linear;

use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use linear::{Growth, MAX_GROWTH, Operation, SIZE_RATIO, Shape};

/// The smaller size a case is confirmed at. 16 KiB against 256 KiB
/// keeps the larger input's tree small enough that memory, not work,
/// does not dominate: from 512 KiB on, shapes that make a node every few
/// bytes (a `<br>` for every line break) cost up to twice as much a byte
/// for the same work (the tree of 350 000 nodes no longer in cache), and
/// bare URLs glued to words, which is all copying, 2.2 ns a byte up to
/// 256 KiB and 2.7 at 1 MiB; with a shared machine's noise that put
/// linear shapes over the limit.
const CONFIRM: usize = 16 << 10;

struct Case {
    shape: usize,
    preset: usize,
    screen: Growth,
}

struct Row {
    /// The smaller size it was confirmed at.
    small: usize,
    shape: usize,
    preset: usize,
    /// Which of `Preset::parts`, or `None` for all in one.
    part: Option<usize>,
    growth: Growth,
    times_corpus: Option<f64>,
}

fn main() -> ExitCode {
    let mut small = 1 << 10;
    let mut confirm = 16;
    let mut only = String::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next();
        match (arg.as_str(), value) {
            ("--small", Some(v)) => small = v.parse().unwrap_or(small),
            ("--confirm", Some(v)) => confirm = v.parse().unwrap_or(confirm),
            ("--only", Some(v)) => only = v,
            _ => {
                eprintln!("usage: linear_search [--small BYTES] [--confirm N] [--only TEXT]");
                return ExitCode::from(2);
            }
        }
    }
    let started = Instant::now();
    let shapes: Vec<Shape> = linear::shapes(true)
        .into_iter()
        .filter(|s| s.name.contains(&only))
        .collect();
    let presets = linear::presets();

    let mut cases = Vec::new();
    for (k, shape) in shapes.iter().enumerate() {
        if k % 200 == 0 {
            eprintln!("screening shape {k} of {}", shapes.len());
        }
        for (j, preset) in presets.iter().enumerate() {
            let screen = linear::growth(shape, &|input| preset.work(input), small, 1, 2);
            cases.push(Case {
                shape: k,
                preset: j,
                screen,
            });
        }
    }
    let screened = cases.len();
    let screen_time = started.elapsed();
    cases.sort_by(|a, b| b.screen.ratio().total_cmp(&a.screen.ratio()));
    let worst_screen = cases.first().map_or(0.0, |c| c.screen.ratio());

    let corpus = diary_corpus(CONFIRM * SIZE_RATIO);
    let mut corpus_ns: Vec<Option<f64>> = vec![None; presets.len() * 5];
    let mut rows = Vec::new();
    for (rank, case) in cases.iter().enumerate() {
        let name = shapes[case.shape].name.as_str();
        let regression = linear::REGRESSIONS.iter().any(|r| r.0 == name);
        if rank >= confirm && case.screen.linear() && !regression {
            continue;
        }
        eprintln!(
            "confirming {} under {}",
            shapes[case.shape].name, presets[case.preset].name
        );
        let preset = &presets[case.preset];
        // Past a limit (nodes, depth, nesting) the input comes back as
        // text, a step in cost and not a trend: where only the larger
        // input crosses one, both sizes are taken 16 times smaller.
        let shape = &shapes[case.shape];
        let crosses = |len: usize| {
            let input = shape.input(len);
            [&preset.plain, &preset.options]
                .map(|p| p.clean_report(&input).report.limit_exceeded().is_some())
        };
        let small = if crosses(CONFIRM) == crosses(CONFIRM * SIZE_RATIO) {
            CONFIRM
        } else {
            CONFIRM / SIZE_RATIO
        };
        // The regressions part by part, for the cost of each against the
        // corpus; the others as screened, all parts in one timing.
        let parts = if regression {
            vec![Some(0), Some(1), Some(2), Some(3)]
        } else {
            vec![None]
        };
        for part in parts {
            let work = |input: &str| match part {
                Some(k) => {
                    let (policy, _, operation) = preset.parts()[k];
                    operation.run(policy, input);
                }
                None => preset.work(input),
            };
            let growth = linear::growth(shape, &work, small, 1, 5);
            let slot = case.preset * 5 + part.unwrap_or(4);
            if corpus_ns[slot].is_none() {
                corpus_ns[slot] = corpus
                    .as_deref()
                    .map(|text| per_byte(linear::fastest(&work, text, 1, 2), text.len()));
            }
            rows.push(Row {
                small,
                shape: case.shape,
                preset: case.preset,
                part,
                growth,
                times_corpus: corpus_ns[slot]
                    .map(|c| per_byte(growth.large, small * SIZE_RATIO) / c),
            });
        }
    }
    rows.sort_by(|a, b| b.growth.ratio().total_cmp(&a.growth.ratio()));
    let failed = rows.iter().filter(|r| !r.growth.linear()).count();
    let describe = |r: &Row| match r.part {
        Some(k) => {
            let (_, options, operation) = presets[r.preset].parts()[k];
            (
                format!("{}{options}", presets[r.preset].name),
                operation_name(operation),
            )
        }
        None => (presets[r.preset].name.to_owned(), "all"),
    };

    println!(
        "screened {screened} cases ({} shapes x {} presets) at {small} against {} bytes in {:.0} s; worst growth {worst_screen:.1}",
        shapes.len(),
        presets.len(),
        small * SIZE_RATIO,
        screen_time.as_secs_f64()
    );
    println!(
        "confirmed {} cases at {CONFIRM} against {} bytes (limit {MAX_GROWTH:.0}; the worst):",
        rows.len(),
        CONFIRM * SIZE_RATIO
    );
    println!(
        "{:<28} {:<15} {:<20} {:>7} {:>9}",
        "shape", "policy", "operation", "growth", "x corpus"
    );
    for r in rows.iter().take(20) {
        let (policy, operation) = describe(r);
        println!(
            "{:<28} {policy:<15} {operation:<20} {:>7.1} {:>9}{}{}",
            shapes[r.shape].name,
            r.growth.ratio(),
            r.times_corpus.map_or("-".to_owned(), |t| format!("{t:.2}")),
            if r.growth.linear() { "" } else { "  FAIL" },
            if r.small == CONFIRM {
                ""
            } else {
                "  (1 KiB to 16 KiB: a limit is crossed at 256 KiB)"
            }
        );
    }
    let mut by_cost: Vec<&Row> = rows.iter().filter(|r| r.times_corpus.is_some()).collect();
    by_cost.sort_by(|a, b| {
        b.times_corpus
            .unwrap_or(0.0)
            .total_cmp(&a.times_corpus.unwrap_or(0.0))
    });
    println!(
        "most per byte against the corpus, both at {} bytes:",
        CONFIRM * SIZE_RATIO
    );
    for r in by_cost.iter().take(8) {
        let (policy, operation) = describe(r);
        println!(
            "{:<28} {policy:<15} {operation:<20} {:>7.1} {:>9.2}",
            shapes[r.shape].name,
            r.growth.ratio(),
            r.times_corpus.unwrap_or(0.0)
        );
    }
    println!("total {:.0} s", started.elapsed().as_secs_f64());
    if failed > 0 {
        println!("{failed} parts grow faster than linear");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

fn operation_name(operation: Operation) -> &'static str {
    match operation {
        Operation::Clean => "clean",
        Operation::Others => "report+excerpt+text",
    }
}

fn per_byte(d: Duration, bytes: usize) -> f64 {
    d.as_secs_f64() * 1e9 / bytes.max(1) as f64
}

/// The diary corpus's documents, joined in name order and cut to `len`
/// bytes (at a character boundary), or `None` without the corpus.
fn diary_corpus(len: usize) -> Option<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/diary");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    files.sort();
    let mut text = String::new();
    while text.len() < len && !files.is_empty() {
        for path in &files {
            let bytes = std::fs::read(path).ok()?;
            text.push_str(&String::from_utf8_lossy(&bytes));
        }
    }
    let mut end = len.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    Some(text)
}
