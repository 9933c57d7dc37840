//! Whole HTML inputs (files and stdin), cleaned in parallel.
//!
//! Inputs are taken in batches: each batch is cleaned on rayon's pool, and
//! then its results — output, `--check` lines, diffs, warnings, errors,
//! report lines — are written by the main thread in input order. So the
//! output never depends on timing, and memory holds one batch of results,
//! however many files there are. `--in-place` writes happen on the workers
//! (each to its own file); only their messages wait for the batch.

use std::fs;
use std::io::{self, Read, Write};

use rayon::prelude::*;

use super::args::Mode;
use super::decode::{self, Undecodable};
use super::diag::{Diag, Note, Place};
use super::diff;
use super::encode;
use super::report::{self, Subject};
use super::walk::Input;
use super::write;
use super::{Ctx, Fatal};

/// Cleans every input; returns whether any would change (or did).
pub fn clean_all(
    ctx: &Ctx,
    inputs: &[Input],
    out: &mut impl Write,
    diag: &mut Diag,
) -> Result<bool, Fatal> {
    let progress = diag.start_progress(inputs.len());
    // Enough per batch to keep every thread busy while the slowest file of
    // the batch finishes, few enough that a batch of outputs stays small.
    let batch = (rayon::current_num_threads() * 8).max(16);
    let mut changed = false;
    for chunk in inputs.chunks(batch) {
        let results: Vec<Cleaned> = chunk
            .par_iter()
            .map(|input| {
                let result = clean_one(ctx, input);
                progress.inc(1);
                result
            })
            .collect();
        for result in results {
            for note in result.notes {
                diag.emit(note);
            }
            out.write_all(&result.output).map_err(Fatal::Output)?;
            changed |= result.changed;
            if result.failed && ctx.strict {
                return Ok(changed);
            }
        }
    }
    Ok(changed)
}

/// What cleaning one input produced, for the main thread to write out.
#[derive(Default)]
struct Cleaned {
    /// For stdout: the cleaned HTML, the `--check` line or the diff.
    output: Vec<u8>,
    notes: Vec<Note>,
    changed: bool,
    failed: bool,
}

impl Cleaned {
    fn fail(&mut self, place: &Place, message: impl Into<String>) {
        self.failed = true;
        self.notes.push(Note::Error(place.clone(), message.into()));
    }

    fn warn(&mut self, place: &Place, message: impl Into<String>) {
        self.notes
            .push(Note::Warning(place.clone(), message.into()));
    }
}

fn clean_one(ctx: &Ctx, input: &Input) -> Cleaned {
    let mut result = Cleaned::default();
    let name = input.to_string();
    let place = Place::new(&name);
    let bytes = match read(input) {
        Ok(bytes) => bytes,
        Err(err) => {
            result.fail(&place, format!("cannot read: {err}"));
            return result;
        }
    };
    if let Some(what) = binary(ctx, &bytes) {
        match ctx.mode {
            // A check that left a file out cannot pass as if it had not.
            Mode::Check { .. } => {
                result.fail(&place, format!("{what}; not checked (--skip-binary)"))
            }
            Mode::Stdout | Mode::InPlace { .. } => result.notes.push(Note::Skipped(
                place,
                format!("{what}; not cleaned (--skip-binary)"),
            )),
        }
        return result;
    }
    let decoded = decode::decode(&bytes, ctx.encoding);
    let writes_back = !matches!(ctx.mode, Mode::Stdout);
    if writes_back {
        if let Some(refusal) = Undecodable::check(&bytes, &decoded, ctx.encoding, true) {
            result.fail(&place, refusal.to_string());
            return result;
        }
    } else if let Some(warning) = decoded.warning() {
        result.warn(&place, warning);
    }
    let cleaned = super::render(ctx, &decoded.text);
    if let Some(limit) = cleaned.report.limit_exceeded() {
        if let Mode::Stdout = ctx.mode {
            result.warn(
                &place,
                format!("input exceeds the policy's {limit} limit; shown as escaped text"),
            );
        } else {
            // Rewriting a whole file as escaped text is never what an
            // archive run wants; the policy's [limits] can be raised.
            result.fail(
                &place,
                format!(
                    "input exceeds the policy's {limit} limit; left unchanged (a policy file's [limits] can raise it)"
                ),
            );
            return result;
        }
    }
    // What --in-place writes, which --check and --diff compare with the
    // file; stdout gets the UTF-8 text.
    let written = if writes_back {
        match encode::encode_back(&bytes, &decoded, &cleaned.html, |text| {
            ctx.policy.clean(text)
        }) {
            Ok(written) => Some(written),
            Err(err) => {
                result.fail(&place, err.to_string());
                return result;
            }
        }
    } else {
        None
    };
    let changed = written.as_deref().unwrap_or(cleaned.html.as_bytes()) != bytes.as_slice();
    result.changed = changed;
    if let Some(format) = ctx.report {
        let subject = Subject {
            file: &name,
            record: None,
        };
        if let Some(line) = report::line(format, &subject, changed, &cleaned.report) {
            result.notes.push(Note::Report(line));
        }
    }
    match &ctx.mode {
        Mode::Stdout => result.output = cleaned.html.into_bytes(),
        Mode::Check { .. } if !changed => {}
        Mode::Check { diff: false } => result.output = format!("{name}\n").into_bytes(),
        Mode::Check { diff: true } => {
            let diff = diff::unified(&name, &decoded.text, &cleaned.html);
            if diff.is_empty() {
                result.warn(
                    &place,
                    format!(
                        "the text does not change but its bytes do: written back in {}, the same characters take other bytes",
                        decoded.encoding.name(),
                    ),
                );
            }
            result.output = diff.into_bytes();
        }
        Mode::InPlace { .. } if !changed => {}
        Mode::InPlace { backup } => {
            if let (Input::File { path, .. }, Some(written)) = (input, &written)
                && let Err(err) = write::replace(path, written, backup.as_ref())
            {
                result.fail(&place, err.to_string());
            }
        }
    }
    result
}

/// Why `--skip-binary` leaves `bytes` out, if it does.
pub fn binary(ctx: &Ctx, bytes: &[u8]) -> Option<String> {
    if !ctx.skip_binary {
        return None;
    }
    decode::binary_offset(bytes, ctx.encoding)
        .map(|offset| format!("binary file (NUL byte at offset {offset})"))
}

fn read(input: &Input) -> io::Result<Vec<u8>> {
    match input {
        Input::Stdin => {
            let mut bytes = Vec::new();
            io::stdin().lock().read_to_end(&mut bytes)?;
            Ok(bytes)
        }
        Input::File { path, .. } => fs::read(path),
    }
}
