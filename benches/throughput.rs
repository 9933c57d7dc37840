//! Throughput of safe-markup against ammonia (the same html5ever parser, the
//! same allowlist in `Policy::ugc()`), on the corpora in `corpus/` and on
//! adversarial inputs that grow, so that superlinear cost shows as a curve.
//!
//! `cargo bench --bench throughput`; figures and how to read them are in
//! BENCHMARKS.md. The corpora are read from `corpus/` in the
//! crate, not copied into it.
//!
//! Time is wall-clock time by default. With `SAFE_MARKUP_BENCH_CLOCK=cpu`
//! (Linux, 64-bit) it is the benchmark thread's CPU time instead, which
//! leaves out the time the thread spent waiting for a core: on a shared,
//! loaded machine that is the difference between a usable figure and noise.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::measurement::Measurement;
use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group};
use safe_markup::Policy;

/// Every `*.html` file of `corpus/NAME`, in name order.
fn corpus(name: &str) -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(name);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|err| panic!("{}: {err}", dir.display()))
        .map(|entry| entry.expect("read corpus directory").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "html"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "{}: no .html files", dir.display());
    paths
        .iter()
        .map(|path| {
            std::fs::read_to_string(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
        })
        .collect()
}

fn clean_safe_markup(policy: &Policy, docs: &[String]) -> usize {
    docs.iter()
        .map(|doc| policy.clean(black_box(doc)).len())
        .sum()
}

/// The full pipeline alone (parse, sanitize, serialize), never the fast
/// path: what every input the fast path leaves costs, and the baseline the
/// `dos` shapes are read against.
fn clean_full(policy: &Policy, docs: &[String]) -> usize {
    docs.iter()
        .map(|doc| policy.clean_full(black_box(doc)).len())
        .sum()
}

fn clean_ammonia(builder: &ammonia::Builder<'_>, docs: &[String]) -> usize {
    docs.iter()
        .map(|doc| builder.clean(black_box(doc)).to_string().len())
        .sum()
}

/// A whole corpus per iteration: one clean of every document. With
/// `presets`, also the `strict` and `diary` presets.
fn corpus_group<M: Measurement>(c: &mut Criterion<M>, name: &str, presets: bool) {
    let docs = corpus(name);
    let bytes: usize = docs.iter().map(String::len).sum();
    let ugc = Policy::ugc();
    let strict = Policy::strict();
    let diary = Policy::diary();
    let ammonia = ammonia::Builder::default();

    let mut group = c.benchmark_group(name);
    // One iteration takes tens of milliseconds or more: flat sampling keeps
    // the run short (10 samples of equal size instead of a 1..=10 ramp).
    group
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("safe-markup-ugc", |b| {
        b.iter(|| clean_safe_markup(&ugc, &docs))
    });
    group.bench_function("ammonia", |b| b.iter(|| clean_ammonia(&ammonia, &docs)));
    group.bench_function("safe-markup-ugc-full", |b| {
        b.iter(|| clean_full(&ugc, &docs))
    });
    if presets {
        group.bench_function("safe-markup-strict", |b| {
            b.iter(|| clean_safe_markup(&strict, &docs))
        });
        group.bench_function("safe-markup-diary", |b| {
            b.iter(|| clean_safe_markup(&diary, &docs))
        });
    }
    group.finish();
}

fn diary<M: Measurement>(c: &mut Criterion<M>) {
    corpus_group(c, "diary", true);
}

fn pages<M: Measurement>(c: &mut Criterion<M>) {
    corpus_group(c, "pages", false);
}

/// One input per size `n`, cleaned by safe-markup (ugc) and by ammonia; the
/// throughput is per byte, so a linear shape gives a flat MB/s line and a
/// quadratic one falls as `n` grows.
fn growth<M: Measurement>(
    c: &mut Criterion<M>,
    name: &str,
    sizes: &[usize],
    make: impl Fn(usize) -> String,
) {
    let ugc = Policy::ugc();
    let ammonia = ammonia::Builder::default();
    let mut group = c.benchmark_group(name);
    group
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    for &n in sizes {
        let input = make(n);
        group.throughput(Throughput::Bytes(input.len() as u64));
        group.bench_with_input(
            BenchmarkId::new("safe-markup-ugc", n),
            &input,
            |b, input| b.iter(|| ugc.clean(black_box(input)).len()),
        );
        group.bench_with_input(BenchmarkId::new("ammonia", n), &input, |b, input| {
            b.iter(|| ammonia.clean(black_box(input)).to_string().len())
        });
    }
    group.finish();
}

/// `<div>` nested `n` deep. html5ever's cost per element grows with the
/// depth of the open-element stack; safe-markup stops at its depth limit
/// (512 by default) and shows the input as text, so 1000 is over the limit.
fn depth_div<M: Measurement>(c: &mut Criterion<M>) {
    growth(c, "depth_div", &[50, 100, 200, 400, 1000], |n| {
        "<div>".repeat(n) + "x"
    });
}

/// `n` unclosed `<b>`: formatting elements the parser must track (and,
/// nested, past safe-markup's depth limit from 513 on).
fn unclosed_b<M: Measurement>(c: &mut Criterion<M>) {
    growth(c, "unclosed_b", &[100, 500, 5_000, 50_000], |n| {
        "<b>".repeat(n) + "x"
    });
}

/// One `<p>` with `n` distinct attributes.
fn attributes<M: Measurement>(c: &mut Criterion<M>) {
    growth(
        c,
        "attributes",
        &[1_000, 5_000, 10_000, 20_000, 40_000],
        |n| {
            let mut s = String::from("<p");
            for i in 0..n {
                s.push_str(&format!(" a{i}=\"x\""));
            }
            s + ">x</p>"
        },
    );
}

/// `n` unclosed links: each `<a>` makes the parser run the adoption agency
/// algorithm on the one before it.
fn unclosed_a<M: Measurement>(c: &mut Criterion<M>) {
    growth(c, "unclosed_a", &[100, 1_000, 10_000, 50_000], |n| {
        r#"<a href="http://example.com/">x"#.repeat(n)
    });
}

/// The adversarial shapes of `tests/dos.rs`, each at its test size and a
/// tenth of it, so that superlinear cost shows as a falling MB/s. Each
/// figure is read against the diary corpus's ns/byte from the same run,
/// through the full pipeline (`diary/safe-markup-ugc-full`) and through
/// `clean`:
/// `cargo bench --bench throughput -- '^(diary/safe-markup-ugc(-full)?|dos_.*)$'`.
///
/// Two controls are ordinary markup as dense in tags as the shapes: what
/// any parse of that density costs, attack or not. ammonia runs the flat
/// shapes and the controls; not the nested ones, where it has no depth
/// limit and html5ever's cost grows with the square of the depth (one
/// iteration of 16 000 nested `<ul><li>` would take seconds).
fn dos<M: Measurement>(c: &mut Criterion<M>) {
    type Make = fn(usize) -> String;
    let shapes: [(&str, usize, bool, Make); 14] = [
        ("dos_nested_b", 60_000, false, |n| "<b>".repeat(n) + "deep"),
        ("dos_nested_ul_li", 16_000, false, |n| {
            "<ul><li>".repeat(n) + "x"
        }),
        ("dos_table_fostered_nested", 20_000, false, |n| {
            "<table>".to_owned() + &"<b>x".repeat(n)
        }),
        ("dos_table_fostered_flat", 20_000, true, |n| {
            "<table>".to_owned() + &"x<br>".repeat(n) + "</table>"
        }),
        ("dos_unclosed_a", 100_000, true, |n| "<a>".repeat(n) + "x"),
        ("dos_lt_run", 1 << 20, true, |n| "<".repeat(n)),
        ("dos_entities", 100_000, true, |n| {
            "&lt;&#x41;&eacute;&#169;&copy ".repeat(n / 5)
        }),
        ("dos_attributes", 40_000, false, |n| {
            let mut s = String::from("<p");
            for i in 0..n {
                s.push_str(&format!(" a{i}=\"x\""));
            }
            s + ">x</p>"
        }),
        // Open elements make each later token dearer for the parser: 250
        // open `span`s (near the depth limit), then end tags that close
        // none of them, each a look through all 250; and nesting near the
        // depth limit, where
        // each `ul` and `li` looks through every open element.
        ("dos_open_spans_end_tags", 20_000, true, |n| {
            "<span>".repeat(250) + &"</div>".repeat(n)
        }),
        ("dos_nested_ul_li_short", 2_560, false, |n| {
            "<ul><li>".repeat(n) + "x"
        }),
        ("dos_control_br", 20_000, true, |n| "x<br>".repeat(n)),
        ("dos_control_b", 20_000, true, |n| "<b>x</b> ".repeat(n)),
        // Two more of the same density: a table of rows and cells, and
        // misnested formatting (the adoption agency, which the fast path
        // follows in this, its simplest case; the full
        // pipeline's figure is what the other cases cost).
        ("dos_control_rows", 5_000, true, |n| {
            "<table>".to_owned() + &"<tr><td>x</td></tr>".repeat(n) + "</table>"
        }),
        ("dos_control_misnested", 6_666, true, |n| {
            "<b><i>x</b></i>".repeat(n)
        }),
    ];
    let ugc = Policy::ugc();
    // The other presets at the named size, each read against its own
    // figure on the diary corpus.
    let presets = [
        ("safe-markup-strict", Policy::strict()),
        ("safe-markup-diary", Policy::diary()),
    ];
    let ammonia = ammonia::Builder::default();
    for (name, n, with_ammonia, make) in shapes {
        let mut group = c.benchmark_group(name);
        group
            .sampling_mode(SamplingMode::Flat)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(2));
        for size in [n / 10, n] {
            let input = make(size);
            group.throughput(Throughput::Bytes(input.len() as u64));
            group.bench_with_input(
                BenchmarkId::new("safe-markup-ugc", size),
                &input,
                |b, input| b.iter(|| ugc.clean(black_box(input)).len()),
            );
            // Where the fast path answers, the full pipeline's cost is the
            // one a variation of the shape that it leaves would pay.
            if ugc.clean_fast(&input).is_some() {
                group.bench_with_input(
                    BenchmarkId::new("safe-markup-ugc-full", size),
                    &input,
                    |b, input| b.iter(|| ugc.clean_full(black_box(input)).len()),
                );
            }
            if size == n {
                for (preset, policy) in &presets {
                    group.bench_with_input(BenchmarkId::new(*preset, size), &input, |b, input| {
                        b.iter(|| policy.clean(black_box(input)).len())
                    });
                }
            }
            if with_ammonia {
                group.bench_with_input(BenchmarkId::new("ammonia", size), &input, |b, input| {
                    b.iter(|| ammonia.clean(black_box(input)).to_string().len())
                });
            }
        }
        group.finish();
    }
}

criterion_group! {
    name = wall_clock;
    config = Criterion::default().sample_size(10);
    targets = diary, pages, depth_div, unclosed_b, attributes, unclosed_a, dos
}

#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
criterion_group! {
    name = cpu_clock;
    config = Criterion::default()
        .with_measurement(cpu_time::ThreadCpuTime::default())
        .sample_size(10);
    targets = diary, pages, depth_div, unclosed_b, attributes, unclosed_a, dos
}

fn main() {
    let cpu = std::env::var_os("SAFE_MARKUP_BENCH_CLOCK").is_some_and(|v| v == "cpu");
    #[cfg(all(target_os = "linux", target_pointer_width = "64"))]
    if cpu {
        cpu_clock();
    } else {
        wall_clock();
    }
    #[cfg(not(all(target_os = "linux", target_pointer_width = "64")))]
    {
        if cpu {
            eprintln!("SAFE_MARKUP_BENCH_CLOCK=cpu needs 64-bit Linux; using wall-clock time");
        }
        wall_clock();
    }
    Criterion::default().configure_from_args().final_summary();
}

/// The calling thread's CPU time as a criterion measurement.
// The thread's CPU clock needs `clock_gettime`, a C call: the one use of
// `unsafe` in the repository (the crate's lints deny it elsewhere).
#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
#[allow(unsafe_code)]
mod cpu_time {
    use std::time::Duration;

    use criterion::measurement::{Measurement, ValueFormatter, WallTime};

    /// Values are nanoseconds, like [`WallTime`]'s, so its formatter (and
    /// its throughput units) serve as they are.
    pub struct ThreadCpuTime {
        wall: WallTime,
    }

    impl Default for ThreadCpuTime {
        fn default() -> ThreadCpuTime {
            ThreadCpuTime { wall: WallTime }
        }
    }

    impl Measurement for ThreadCpuTime {
        type Intermediate = Duration;
        type Value = Duration;

        fn start(&self) -> Duration {
            now()
        }
        fn end(&self, start: Duration) -> Duration {
            now().saturating_sub(start)
        }
        fn add(&self, a: &Duration, b: &Duration) -> Duration {
            *a + *b
        }
        fn zero(&self) -> Duration {
            Duration::ZERO
        }
        fn to_f64(&self, value: &Duration) -> f64 {
            value.as_nanos() as f64
        }
        fn formatter(&self) -> &dyn ValueFormatter {
            self.wall.formatter()
        }
    }

    /// `struct timespec` on 64-bit Linux.
    #[repr(C)]
    struct Timespec {
        tv_sec: i64,
        tv_nsec: i64,
    }

    unsafe extern "C" {
        fn clock_gettime(clock: i32, tp: *mut Timespec) -> i32;
    }

    /// `CLOCK_THREAD_CPUTIME_ID` in Linux's `<time.h>`.
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;

    fn now() -> Duration {
        let mut ts = Timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `ts` is a valid, writable `struct timespec` for the call,
        // and the clock id is a constant the kernel supports since 2.6.12.
        let rc = unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut ts) };
        assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
        Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
    }
}
