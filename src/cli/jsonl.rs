//! `--jsonl`: database exports and data pipelines, one JSON object per line.
//!
//! Each line's HTML field is cleaned; every other field is copied as it was
//! written (`serde_json`'s `RawValue`: numbers keep every digit, nested
//! objects their spacing), in the order written, and a record whose HTML
//! needs no change is copied whole. A malformed line is reported as
//! `FILE:LINE: reason` and skipped, or stops the run with `--strict`.
//!
//! The input streams through in batches of lines: a batch is cleaned in
//! parallel and written in order, so memory holds one batch (at most
//! [`BATCH_LINES`] lines or about [`BATCH_BYTES`] bytes, or one longer line)
//! whatever the length of the input. A batch also ends where the input
//! already waiting ends, and the output is flushed there: a co-process
//! that writes one record and waits for its answer gets it at once, while
//! a file or a fast pipe still fills whole batches.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};

use rayon::prelude::*;
use serde::Deserializer as _;
use serde::de::{self, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::args::Mode;
use super::decode::{self, Undecodable};
use super::diag::{Diag, Note, Place};
use super::diff;
use super::files;
use super::report::{self, Subject};
use super::walk::Input;
use super::write::Replacement;
use super::{Ctx, Fatal};

/// Most lines in one batch.
const BATCH_LINES: usize = 1024;
/// A batch ends after the line that brings it past this many bytes.
const BATCH_BYTES: usize = 4 << 20;

/// Cleans every input; returns whether any record would change (or did).
pub fn clean_all(
    ctx: &Ctx,
    field: &str,
    inputs: &[Input],
    out: &mut impl Write,
    diag: &mut Diag,
) -> Result<bool, Fatal> {
    let mut changed = false;
    for input in inputs {
        let file = clean_input(ctx, field, input, out, diag)?;
        changed |= file.changed;
        if file.stop {
            break;
        }
    }
    Ok(changed)
}

/// How one input went.
#[derive(Default)]
struct FileOutcome {
    changed: bool,
    /// `--strict` met a bad line: the run stops.
    stop: bool,
}

/// Where cleaned lines go.
enum Sink {
    Stdout,
    InPlace(Box<Replacement>),
    /// `--check` and `--diff` write no records.
    Nowhere,
}

fn clean_input(
    ctx: &Ctx,
    field: &str,
    input: &Input,
    out: &mut impl Write,
    diag: &mut Diag,
) -> Result<FileOutcome, Fatal> {
    let name = input.to_string();
    let place = Place::new(&name);
    let mut outcome = FileOutcome::default();
    // A concrete BufReader, not any BufRead: its buffer tells whether more
    // input is already waiting (see `Lines::next_batch`).
    let mut reader: BufReader<Box<dyn Read>> = match input {
        Input::Stdin => BufReader::with_capacity(64 * 1024, Box::new(io::stdin().lock())),
        Input::File { path } => match File::open(path) {
            Ok(file) => BufReader::with_capacity(64 * 1024, Box::new(file)),
            Err(err) => {
                diag.error(place, format!("cannot read: {err}"));
                outcome.stop = ctx.strict;
                return Ok(outcome);
            }
        },
    };
    match reader.fill_buf() {
        Ok(head) => {
            if let Some(what) = files::binary(ctx, head) {
                if let Mode::Check { .. } = ctx.mode {
                    diag.error(place, format!("{what}; not checked (--skip-binary)"));
                    outcome.stop = ctx.strict;
                } else {
                    diag.emit(Note::Skipped(
                        place,
                        format!("{what}; not cleaned (--skip-binary)"),
                    ));
                }
                return Ok(outcome);
            }
        }
        Err(err) => {
            diag.error(place, format!("cannot read: {err}"));
            outcome.stop = ctx.strict;
            return Ok(outcome);
        }
    }
    let mut sink = match (&ctx.mode, input) {
        (Mode::InPlace { .. }, Input::File { path, .. }) => match Replacement::new(path) {
            Ok(replacement) => Sink::InPlace(Box::new(replacement)),
            Err(err) => {
                diag.error(place, err.to_string());
                outcome.stop = ctx.strict;
                return Ok(outcome);
            }
        },
        (Mode::Stdout, _) | (Mode::InPlace { .. }, Input::Stdin) => Sink::Stdout,
        (Mode::Check { .. }, _) => Sink::Nowhere,
    };

    let mut lines = Lines::default();
    let mut bad_lines: u64 = 0;
    'batches: loop {
        let batch = match lines.next_batch(&mut reader) {
            Ok(batch) => batch,
            Err(err) => {
                // Lines before the error were cleaned; the rest are lost.
                diag.error(place.clone(), format!("cannot read: {err}"));
                bad_lines += 1;
                outcome.stop = ctx.strict;
                break;
            }
        };
        if batch.is_empty() {
            break;
        }
        let results: Vec<LineResult> = batch
            .par_iter()
            .map(|line| clean_line(ctx, field, &name, line))
            .collect();
        for (line, result) in batch.iter().zip(results) {
            for note in result.notes {
                diag.emit(note);
            }
            let (text, old) = match result.kind {
                LineKind::Blank => continue,
                LineKind::Failed => {
                    bad_lines += 1;
                    if ctx.strict {
                        outcome.stop = true;
                        break 'batches;
                    }
                    continue;
                }
                LineKind::Same(text) => (text, None),
                LineKind::Changed { old, new } => (new, Some(old)),
            };
            if let Some(old) = &old {
                match &ctx.mode {
                    Mode::Check { diff: false } if !outcome.changed => {
                        writeln!(out, "{name}").map_err(Fatal::Output)?;
                    }
                    Mode::Check { diff: true } => {
                        if !outcome.changed {
                            out.write_all(diff::header(&name).as_bytes())
                                .map_err(Fatal::Output)?;
                        }
                        out.write_all(diff::line_hunk(line.number, old, &text).as_bytes())
                            .map_err(Fatal::Output)?;
                    }
                    _ => {}
                }
                outcome.changed = true;
            }
            match &mut sink {
                Sink::Stdout => write_line(out, &text).map_err(Fatal::Output)?,
                Sink::InPlace(replacement) => {
                    if let Err(err) = write_line(replacement.writer(), &text) {
                        diag.error(
                            place.clone(),
                            format!("not rewritten: cannot write the temporary file: {err}"),
                        );
                        outcome.stop = ctx.strict;
                        // Dropping the replacement removes its temporary file.
                        return Ok(outcome);
                    }
                }
                Sink::Nowhere => {}
            }
        }
        if reader.buffer().is_empty() {
            // Nothing more is waiting: whoever wrote these lines may be
            // waiting for their answers before writing more (a co-process).
            out.flush().map_err(Fatal::Output)?;
        }
    }

    if let (Sink::InPlace(replacement), Mode::InPlace { backup }) = (sink, &ctx.mode) {
        if bad_lines > 0 {
            // Writing the file without its bad lines would lose them.
            let s = if bad_lines == 1 { "" } else { "s" };
            diag.error(
                place,
                format!("not rewritten: {bad_lines} line{s} could not be cleaned"),
            );
        } else if outcome.changed
            && let Err(err) = replacement.commit(backup.as_ref())
        {
            diag.error(place, err.to_string());
        }
        // Unchanged: the replacement is dropped, its temporary file removed.
    }
    Ok(outcome)
}

fn write_line(out: &mut impl Write, text: &str) -> io::Result<()> {
    out.write_all(text.as_bytes())?;
    out.write_all(b"\n")
}

/// One input line, as read.
struct RawLine {
    /// 1-based, counting blank lines.
    number: u64,
    /// Byte offset of its start in the input.
    offset: u64,
    bytes: Vec<u8>,
}

/// Splits the input into batches of lines, counting as it goes.
#[derive(Default)]
struct Lines {
    number: u64,
    offset: u64,
}

impl Lines {
    /// The next lines, up to a batch's worth, but none past the end of the
    /// input already waiting: a line written on its own is answered before
    /// the next is read, while a file or a fast pipe still fills batches.
    fn next_batch<R: Read>(&mut self, reader: &mut BufReader<R>) -> io::Result<Vec<RawLine>> {
        let mut batch = Vec::new();
        let mut bytes_in_batch = 0;
        while batch.len() < BATCH_LINES
            && bytes_in_batch < BATCH_BYTES
            && (batch.is_empty() || !reader.buffer().is_empty())
        {
            let mut bytes = Vec::new();
            let len = reader.read_until(b'\n', &mut bytes)?;
            if len == 0 {
                break;
            }
            self.number += 1;
            batch.push(RawLine {
                number: self.number,
                offset: self.offset,
                bytes,
            });
            self.offset += len as u64;
            bytes_in_batch += len;
        }
        Ok(batch)
    }
}

/// What one line became.
struct LineResult {
    notes: Vec<Note>,
    kind: LineKind,
}

enum LineKind {
    Blank,
    Failed,
    /// The record needs no change: its line, as read (decoded).
    Same(String),
    /// The line as read, and with its HTML cleaned.
    Changed {
        old: String,
        new: String,
    },
}

fn clean_line(ctx: &Ctx, field: &str, name: &str, line: &RawLine) -> LineResult {
    let place = || Place::line(name, line.number);
    let mut notes = Vec::new();
    let content = line.bytes.strip_suffix(b"\n").unwrap_or(&line.bytes);
    let content = content.strip_suffix(b"\r").unwrap_or(content);
    let decoded = decode::decode_line(content, line.offset, ctx.encoding);
    let fail = |mut notes: Vec<Note>, message: String| {
        notes.push(Note::Error(place(), message));
        LineResult {
            notes,
            kind: LineKind::Failed,
        }
    };
    if let Mode::Stdout = ctx.mode {
        if let Some(warning) = decoded.warning() {
            notes.push(Note::Warning(place(), warning));
        }
    } else if let Some(refusal) = Undecodable::check(content, &decoded, ctx.encoding, false) {
        // Written back, U+FFFD would stand where the bytes were.
        return fail(notes, refusal.to_string());
    }
    let text = decoded.text;
    if text.trim().is_empty() {
        return LineResult {
            notes,
            kind: LineKind::Blank,
        };
    }
    let record = match Record::parse(&text, field) {
        Ok(record) => record,
        Err(err) => return fail(notes, err.message(field)),
    };
    let cleaned = super::render(ctx, &record.html);
    if let Some(limit) = cleaned.report.limit_exceeded() {
        let message = format!("\"{field}\" exceeds the policy's {limit} limit");
        if let Mode::Stdout = ctx.mode {
            notes.push(Note::Warning(
                place(),
                format!("{message}; shown as escaped text"),
            ));
        } else {
            return fail(notes, format!("{message}; left unchanged"));
        }
    }
    let changed = cleaned.html != record.html;
    if let Some(format) = ctx.report {
        let subject = Subject {
            file: name,
            record: Some((line.number, record.id())),
        };
        if let Some(line) = report::line(format, &subject, changed, &cleaned.report) {
            notes.push(Note::Report(line));
        }
    }
    let kind = if changed {
        match record.to_line(&cleaned.html) {
            Ok(new) => LineKind::Changed {
                old: text.to_string(),
                new,
            },
            Err(err) => return fail(notes, format!("cannot write the output line: {err}")),
        }
    } else {
        LineKind::Same(text.into_owned())
    };
    LineResult { notes, kind }
}

/// A parsed line: its fields in order, values as written.
struct Record<'a> {
    fields: Vec<(String, &'a RawValue)>,
    /// Which field holds the HTML.
    html_at: usize,
    html: String,
}

/// Why a line was skipped.
#[derive(Debug)]
enum LineError {
    Json(serde_json::Error),
    NotObject(&'static str),
    Missing,
    Duplicate,
    NotString(&'static str),
}

impl<'a> Record<'a> {
    fn parse(line: &'a str, field: &str) -> Result<Record<'a>, LineError> {
        let mut deserializer = serde_json::Deserializer::from_str(line);
        let top = (&mut deserializer)
            .deserialize_any(TopVisitor)
            .map_err(LineError::Json)?;
        deserializer.end().map_err(LineError::Json)?;
        let fields = match top {
            Top::Object(fields) => fields,
            Top::Other(found) => return Err(LineError::NotObject(found)),
        };
        let mut html_at = None;
        for (i, (key, _)) in fields.iter().enumerate() {
            if key == field {
                // Readers disagree on which duplicate wins; cleaning one
                // could pass the other through raw.
                if html_at.is_some() {
                    return Err(LineError::Duplicate);
                }
                html_at = Some(i);
            }
        }
        let html_at = html_at.ok_or(LineError::Missing)?;
        let raw = fields.get(html_at).map_or("", |(_, raw)| raw.get());
        let html = match json_type(raw) {
            "a string" => serde_json::from_str(raw).map_err(LineError::Json)?,
            other => return Err(LineError::NotString(other)),
        };
        Ok(Record {
            fields,
            html_at,
            html,
        })
    }

    /// The `id` field, as written, for reports.
    fn id(&self) -> Option<&'a RawValue> {
        self.fields
            .iter()
            .find(|(key, _)| key == "id")
            .map(|(_, raw)| *raw)
    }

    /// The line with the HTML field set to `html`.
    fn to_line(&self, html: &str) -> serde_json::Result<String> {
        let mut line = Vec::with_capacity(html.len() + 64);
        line.push(b'{');
        for (i, (key, raw)) in self.fields.iter().enumerate() {
            if i > 0 {
                line.push(b',');
            }
            serde_json::to_writer(&mut line, key)?;
            line.push(b':');
            if i == self.html_at {
                serde_json::to_writer(&mut line, html)?;
            } else {
                line.extend_from_slice(raw.get().as_bytes());
            }
        }
        line.push(b'}');
        // Built from strings and raw JSON text, all UTF-8.
        String::from_utf8(line).map_err(|err| de::Error::custom(err.to_string()))
    }
}

impl LineError {
    fn message(&self, field: &str) -> String {
        match self {
            LineError::Json(err) => {
                // serde_json appends " at line 1 column N"; each line is
                // parsed on its own, so only the column means anything.
                let message = err.to_string();
                let position = format!(" at line {} column {}", err.line(), err.column());
                let message = message.strip_suffix(&position).unwrap_or(&message);
                format!("invalid JSON at column {}: {message}", err.column())
            }
            LineError::NotObject(found) => format!("expected a JSON object, found {found}"),
            LineError::Missing => format!("missing \"{field}\" field"),
            LineError::Duplicate => format!("duplicate \"{field}\" field"),
            LineError::NotString(found) => format!("\"{field}\" must be a string, found {found}"),
        }
    }
}

/// The JSON type of a raw value, from its first character.
fn json_type(raw: &str) -> &'static str {
    match raw.trim_start().as_bytes().first() {
        Some(b'"') => "a string",
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

/// A line's top-level value: an object's fields in order, or what it was
/// instead.
enum Top<'a> {
    Object(Vec<(String, &'a RawValue)>),
    Other(&'static str),
}

struct TopVisitor;

impl<'de> Visitor<'de> for TopVisitor {
    type Value = Top<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Top<'de>, A::Error> {
        let mut fields = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let value: &'de RawValue = map.next_value()?;
            fields.push((key, value));
        }
        Ok(Top::Object(fields))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Top<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Top::Other("an array"))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Top<'de>, E> {
        Ok(Top::Other("a string"))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Top<'de>, E> {
        Ok(Top::Other("a boolean"))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Top<'de>, E> {
        Ok(Top::Other("a number"))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Top<'de>, E> {
        Ok(Top::Other("a number"))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Top<'de>, E> {
        Ok(Top::Other("a number"))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Top<'de>, E> {
        Ok(Top::Other("null"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_keep_fields_in_order_and_as_written() {
        let line = r#"{"z": 1.50, "html": "<b onclick=x>a</b>", "id": 123456789012345678901234, "meta": {"b": [1, 2]}}"#;
        let record = Record::parse(line, "html").expect("a record");
        assert_eq!(record.html, "<b onclick=x>a</b>");
        assert_eq!(
            record.id().map(RawValue::get),
            Some("123456789012345678901234")
        );
        assert_eq!(
            record.to_line("<b>a</b>").expect("serializes"),
            r#"{"z":1.50,"html":"<b>a</b>","id":123456789012345678901234,"meta":{"b": [1, 2]}}"#
        );
    }

    #[test]
    fn line_errors() {
        let cases: &[(&str, &str)] = &[
            ("[1]", "expected a JSON object, found an array"),
            ("3", "expected a JSON object, found a number"),
            ("null", "expected a JSON object, found null"),
            (r#"{"id": 1}"#, "missing \"html\" field"),
            (r#"{"html": "a", "html": "b"}"#, "duplicate \"html\" field"),
            (
                r#"{"html": true}"#,
                "\"html\" must be a string, found a boolean",
            ),
            (
                r#"{"html": "a"} x"#,
                "invalid JSON at column 15: trailing characters",
            ),
            (r#"{"html": "\ud800"}"#, "invalid JSON"),
        ];
        for (line, expected) in cases {
            let message = match Record::parse(line, "html") {
                Ok(_) => String::from("parsed"),
                Err(err) => err.message("html"),
            };
            assert!(message.starts_with(expected), "{line}: {message}");
        }
    }
}
