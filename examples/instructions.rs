//! Cleans every document of a corpus once, for instruction counts and peak
//! memory (see BENCHMARKS.md).
//!
//! ```text
//! instructions DIR ENGINE [--concat BYTES]
//! instructions shape:NAME:N ENGINE
//! instructions DIR ENGINE --hit-rate
//! instructions DIR ENGINE --fast-only
//! ```
//!
//! `ENGINE` is `safe-markup-ugc`, `safe-markup-strict`, `safe-markup-diary`, `ammonia` (its
//! default builder) or `none` (load only, for a baseline). Every `*.html`
//! file in `DIR` is read into memory first; only then does [`clean_all`]
//! run, so under `valgrind --tool=callgrind
//! --toggle-collect=instructions::clean_all` the count covers cleaning and
//! nothing else. With `--concat BYTES` the files are joined, in name order,
//! into one input of exactly `BYTES` bytes (cut at a character boundary),
//! which is cleaned as a single document. `shape:NAME:N` cleans one
//! generated input instead, the same shapes as the growth groups of
//! `benches/throughput.rs`: `div` (`<div>` nested `N` deep), `b` (`N`
//! unclosed `<b>`), `attrs` (one `<p>` with `N` attributes), `a` (`N`
//! unclosed links) and the DoS shapes `bare-a` (`N` × `<a>`), `lt` (a run
//! of `N` `<`), `fostered` (`N` × `x<br>` in a `<table>`), `entities`
//! (`N` character references of five kinds), `open-spans` (250 `<span>`,
//! then `N` × `</div>`) and `ul-li` (`<ul><li>` nested `N` times), and
//! controls as dense in tags: `control-br` (`N` × `x<br>`), `rows` (a
//! table of `N / 4` rows of one cell) and `misnested` (`N / 3` ×
//! `<b><i>x</b></i>`).
//!
//! It prints the bytes cleaned, the bytes written, and memory (Linux
//! only): the resident set (`VmRSS`) just before cleaning and its peak
//! (`VmHWM`) during it. The peak is reset first (`/proc/self/clear_refs`),
//! so loading the input, whose buffers may be freed by then, does not
//! count; and a small document is cleaned before, so the code cleaning
//! runs is already resident. The difference is the memory cleaning takes.
//!
//! With `--hit-rate` (a safe-markup engine), it prints instead how many
//! documents, and bytes, the fast path answers on its own
//! (`Policy::clean_fast`) rather than leaving to the full pipeline, and
//! how many `Policy::clean` cleans in two parts (`Policy::clean_resumed`).
//! With `--fast-only` (a safe-markup engine), [`clean_all`] runs only the
//! fast path on every document, so the count is the fast path's own cost,
//! including the partial scans of documents it then leaves to the full
//! pipeline; it also prints how many bytes it accepted. With
//! `--full-only`, only the full pipeline (`Policy::clean_full`) runs.

use std::path::PathBuf;
use std::process::ExitCode;

enum Engine {
    SafeMarkup(Box<safe_markup::Policy>),
    /// The fast path alone (`Policy::clean_fast`).
    FastOnly(Box<safe_markup::Policy>),
    /// The full pipeline alone (`Policy::clean_full`).
    FullOnly(Box<safe_markup::Policy>),
    Ammonia(Box<ammonia::Builder<'static>>),
    None,
}

impl Engine {
    fn from_name(name: &str) -> Option<Engine> {
        Some(match name {
            "safe-markup-ugc" => Engine::SafeMarkup(Box::new(safe_markup::Policy::ugc())),
            "safe-markup-strict" => Engine::SafeMarkup(Box::new(safe_markup::Policy::strict())),
            "safe-markup-diary" => Engine::SafeMarkup(Box::new(safe_markup::Policy::diary())),
            "safe-markup-diary-untrusted" => {
                Engine::SafeMarkup(Box::new(safe_markup::Policy::diary_untrusted()))
            }
            "ammonia" => Engine::Ammonia(Box::default()),
            "none" => Engine::None,
            _ => return None,
        })
    }
}

/// Everything that is measured: one clean of each document. Kept out of
/// line so callgrind can toggle collection on it by name.
#[inline(never)]
fn clean_all(engine: &Engine, docs: &[String]) -> usize {
    let mut written = 0;
    for doc in docs {
        written += match engine {
            Engine::SafeMarkup(policy) => policy.clean(doc).len(),
            Engine::FastOnly(policy) => policy.clean_fast(doc).map_or(0, |s| s.len()),
            Engine::FullOnly(policy) => policy.clean_full(doc).len(),
            Engine::Ammonia(builder) => builder.clean(doc).to_string().len(),
            Engine::None => 0,
        };
    }
    written
}

/// A field of `/proc/self/status` in KiB: `VmRSS` (resident now) or
/// `VmHWM` (peak since start or the last reset).
fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Cleans a small document with every kind of markup, so that the code
/// cleaning runs is resident before memory is measured, and resets the
/// peak to the current resident set (Linux: writing 5 to `clear_refs`).
fn settle(engine: &Engine) -> bool {
    let warm = [
        "<p>a <b>b</b> <a href=\"https://x.example/\">c</a> &amp; d</p>\n\
                 <table><tr><td>e</td></tr></table><svg><g/></svg><ul><li>f<li>g</ul>"
            .to_owned(),
    ];
    std::hint::black_box(clean_all(engine, &warm));
    // Without the reset the peak includes the load's: the output says so.
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// Every `*.html` file in `dir`, in name order; with `concat`, only as many
/// as it takes to reach `concat` bytes, joined into one input of exactly
/// that size (or less, if the files are shorter), cut back to a character
/// boundary. Files past that point are never read, so the memory they would
/// have used cannot be reused by the cleaning and hide its peak.
fn load(dir: &str, concat: Option<usize>) -> std::io::Result<Vec<String>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    paths.retain(|p| p.extension().is_some_and(|e| e == "html"));
    paths.sort();
    let Some(bytes) = concat else {
        return paths.iter().map(std::fs::read_to_string).collect();
    };
    let mut joined = String::with_capacity(bytes + 4);
    for path in &paths {
        if joined.len() >= bytes {
            break;
        }
        joined.push_str(&std::fs::read_to_string(path)?);
    }
    let mut end = bytes.min(joined.len());
    while !joined.is_char_boundary(end) {
        end -= 1;
    }
    joined.truncate(end);
    Ok(vec![joined])
}

/// The adversarial inputs of the benchmark's growth groups.
fn shape(name: &str, n: usize) -> Option<String> {
    Some(match name {
        "div" => "<div>".repeat(n) + "x",
        "b" => "<b>".repeat(n) + "x",
        "attrs" => {
            let mut s = String::from("<p");
            for i in 0..n {
                s.push_str(&format!(" a{i}=\"x\""));
            }
            s + ">x</p>"
        }
        "a" => r#"<a href="http://example.com/">x"#.repeat(n),
        "bare-a" => "<a>".repeat(n) + "x",
        "lt" => "<".repeat(n),
        "fostered" => "<table>".to_owned() + &"x<br>".repeat(n) + "</table>",
        "entities" => "&lt;&#x41;&eacute;&#169;&copy ".repeat(n / 5),
        "open-spans" => "<span>".repeat(250) + &"</div>".repeat(n),
        "ul-li" => "<ul><li>".repeat(n) + "x",
        "control-br" => "x<br>".repeat(n),
        "misnested" => "<b><i>x</b></i>".repeat(n / 3),
        "rows" => "<table>".to_owned() + &"<tr><td>x</td></tr>".repeat(n / 4) + "</table>",
        _ => return None,
    })
}

/// Prints the fast path's hit rate over the documents in `dir`.
fn hit_rate(dir: &str, engine: &str) -> ExitCode {
    let Some(Engine::SafeMarkup(policy)) = Engine::from_name(engine) else {
        eprintln!("instructions: --hit-rate needs a safe-markup engine");
        return ExitCode::from(2);
    };
    let docs = match load(dir, None) {
        Ok(docs) => docs,
        Err(err) => {
            eprintln!("instructions: {dir}: {err}");
            return ExitCode::FAILURE;
        }
    };
    let hits: Vec<&String> = docs
        .iter()
        .filter(|d| policy.clean_fast(d).is_some())
        .collect();
    let bytes: usize = docs.iter().map(|d| d.len()).sum();
    let hit_bytes: usize = hits.iter().map(|d| d.len()).sum();
    let percent = |part: usize, whole: usize| 100.0 * part as f64 / whole.max(1) as f64;
    println!(
        "fast path {engine}: {} of {} docs ({:.1}%), {hit_bytes} of {bytes} bytes ({:.1}%)",
        hits.len(),
        docs.len(),
        percent(hits.len(), docs.len()),
        percent(hit_bytes, bytes),
    );
    // The rest: cleaned in two parts (a start through the fast path), or
    // all through the full pipeline.
    let two_parts: Vec<&String> = docs
        .iter()
        .filter(|d| policy.clean_resumed(d).is_some())
        .collect();
    println!(
        "in two parts: {} docs, {} bytes",
        two_parts.len(),
        two_parts.iter().map(|d| d.len()).sum::<usize>(),
    );
    ExitCode::SUCCESS
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: instructions DIR|shape:div|b|attrs|a|bare-a|lt|fostered|entities|open-spans|ul-li|control-br|rows|misnested:N safe-markup-ugc|safe-markup-strict|safe-markup-diary|ammonia|none [--concat BYTES | --hit-rate | --fast-only | --full-only]";
    let (dir, engine, flags) = match args.as_slice() {
        [dir, engine, flags @ ..] => (dir, engine, flags),
        _ => {
            eprintln!("{usage}");
            return ExitCode::from(2);
        }
    };
    let mut only = None;
    let mut concat_bytes = None;
    let mut flags = flags.iter();
    while let Some(flag) = flags.next() {
        match flag.as_str() {
            "--hit-rate" => return hit_rate(dir, engine),
            "--fast-only" | "--full-only" => only = Some(flag.as_str()),
            "--concat" => match flags.next().map(|b| b.parse::<usize>()) {
                Some(Ok(bytes)) => concat_bytes = Some(bytes),
                _ => {
                    eprintln!("{usage}");
                    return ExitCode::from(2);
                }
            },
            _ => {
                eprintln!("{usage}");
                return ExitCode::from(2);
            }
        }
    }
    let engine = match (Engine::from_name(engine), only) {
        (Some(Engine::SafeMarkup(policy)), Some("--fast-only")) => Engine::FastOnly(policy),
        (Some(Engine::SafeMarkup(policy)), Some(_)) => Engine::FullOnly(policy),
        (Some(_), Some(flag)) => {
            eprintln!("instructions: {flag} needs a safe-markup engine");
            return ExitCode::from(2);
        }
        (Some(engine), None) => engine,
        (None, _) => {
            eprintln!("{usage}");
            return ExitCode::from(2);
        }
    };
    let loaded = match dir.strip_prefix("shape:").and_then(|s| s.split_once(':')) {
        Some((name, n)) => match n.parse().ok().and_then(|n| shape(name, n)) {
            Some(input) => Ok(vec![input]),
            None => {
                eprintln!("{usage}");
                return ExitCode::from(2);
            }
        },
        None => load(dir, concat_bytes),
    };
    let docs = match loaded {
        Ok(docs) => docs,
        Err(err) => {
            eprintln!("instructions: {dir}: {err}");
            return ExitCode::FAILURE;
        }
    };
    let input: usize = docs.iter().map(String::len).sum();
    let reset = settle(&engine);
    let before = status_kib("VmRSS:");
    let written = std::hint::black_box(clean_all(&engine, std::hint::black_box(&docs)));
    let after = status_kib("VmHWM:");
    let kib = |v: Option<u64>| v.map_or_else(|| "?".to_string(), |v| v.to_string());
    if let Engine::FastOnly(policy) = &engine {
        // Outside the measured call: which documents it accepted.
        let accepted: usize = docs
            .iter()
            .filter(|d| policy.clean_fast(d).is_some())
            .map(|d| d.len())
            .sum();
        println!("fast_path_accepted_bytes {accepted}");
    }
    println!(
        "docs {} bytes_in {input} bytes_out {written} rss_kib_before {} peak_rss_kib {} peak_reset {reset}",
        docs.len(),
        kib(before),
        kib(after),
    );
    ExitCode::SUCCESS
}
