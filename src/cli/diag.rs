//! Everything written to stderr: errors, warnings, report lines and the
//! progress bar. Only the main thread writes, in input order; workers hand
//! back [`Note`]s with their results.
//!
//! Writing to stderr can fail too; that is ignored, so a closed stderr
//! never stops a run.

use std::fmt;
use std::io::{self, IsTerminal, Write};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

use super::NAME;

/// Above this many inputs a terminal gets a progress bar.
const PROGRESS_MIN_INPUTS: usize = 8;

/// Something to say on stderr about one input.
#[derive(Debug)]
pub enum Note {
    /// The input (or one JSONL line) failed: the exit code will be 3.
    Error(Place, String),
    /// Worth knowing; does not fail the input.
    Warning(Place, String),
    /// The input was left out as the command line asked (`--skip-binary`):
    /// it does not fail the run, but unlike a warning `--quiet` never hides
    /// it, since the file is left as it was.
    Skipped(Place, String),
    /// A `--report` line, already formatted.
    Report(String),
}

/// Which input, and for JSONL which line, a note is about.
#[derive(Clone, Debug)]
pub struct Place {
    pub input: String,
    pub line: Option<u64>,
}

impl Place {
    pub fn new(input: &impl fmt::Display) -> Place {
        Place {
            input: input.to_string(),
            line: None,
        }
    }

    pub fn line(input: &str, line: u64) -> Place {
        Place {
            input: input.to_owned(),
            line: Some(line),
        }
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}", self.input),
            None => f.write_str(&self.input),
        }
    }
}

/// A note as a JSON object, for `--report json`.
#[derive(Serialize)]
struct JsonNote<'a> {
    file: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    warning: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    skipped: Option<&'a str>,
}

/// How bad a note is, with its message.
#[derive(Clone, Copy)]
enum Level<'a> {
    Error(&'a str),
    Warning(&'a str),
    Skipped(&'a str),
}

/// The stderr writer for one run.
pub struct Diag {
    /// Errors and warnings as JSON objects (`--report json`).
    json: bool,
    quiet: bool,
    progress: Option<ProgressBar>,
    failed: bool,
}

impl Diag {
    pub fn new(json: bool, quiet: bool) -> Diag {
        Diag {
            json,
            quiet,
            progress: None,
            failed: false,
        }
    }

    /// Whether any input failed so far.
    pub fn failed(&self) -> bool {
        self.failed
    }

    pub fn emit(&mut self, note: Note) {
        let line = match &note {
            Note::Error(place, message) => {
                self.failed = true;
                self.format(place, Level::Error(message))
            }
            Note::Warning(_, _) if self.quiet => return,
            Note::Warning(place, message) => self.format(place, Level::Warning(message)),
            Note::Skipped(place, message) => self.format(place, Level::Skipped(message)),
            Note::Report(line) => line.clone(),
        };
        self.write_line(&line);
    }

    pub fn error(&mut self, place: Place, message: impl Into<String>) {
        self.emit(Note::Error(place, message.into()));
    }

    pub fn warn(&mut self, place: Place, message: impl Into<String>) {
        self.emit(Note::Warning(place, message.into()));
    }

    fn format(&self, place: &Place, level: Level<'_>) -> String {
        if self.json {
            let mut note = JsonNote {
                file: &place.input,
                line: place.line,
                error: None,
                warning: None,
                skipped: None,
            };
            match level {
                Level::Error(message) => note.error = Some(message),
                Level::Warning(message) => note.warning = Some(message),
                Level::Skipped(message) => note.skipped = Some(message),
            }
            if let Ok(line) = serde_json::to_string(&note) {
                return line;
            }
        }
        match level {
            Level::Error(message) => format!("{NAME}: {place}: {message}"),
            Level::Warning(message) => format!("{NAME}: warning: {place}: {message}"),
            Level::Skipped(message) => format!("{NAME}: skipped: {place}: {message}"),
        }
    }

    fn write_line(&self, line: &str) {
        let write = || {
            let mut err = io::stderr().lock();
            let _ = err.write_all(line.as_bytes());
            let _ = err.write_all(b"\n");
        };
        match &self.progress {
            // The bar is cleared, the line written, and the bar redrawn.
            Some(bar) => bar.suspend(write),
            None => write(),
        }
    }

    /// Starts a progress bar over `inputs` inputs if stderr is a terminal,
    /// there are more than a handful of inputs, and not `--quiet`. Returns
    /// a handle for the workers to advance (a hidden bar otherwise).
    pub fn start_progress(&mut self, inputs: usize) -> ProgressBar {
        if self.quiet || inputs <= PROGRESS_MIN_INPUTS || !io::stderr().is_terminal() {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::with_draw_target(Some(inputs as u64), ProgressDrawTarget::stderr());
        if let Ok(style) =
            ProgressStyle::with_template("{bar:40} {pos}/{len} files {elapsed_precise} (eta {eta})")
        {
            bar.set_style(style);
        }
        self.progress = Some(bar.clone());
        bar
    }

    pub fn finish_progress(&mut self) {
        if let Some(bar) = self.progress.take() {
            bar.finish_and_clear();
        }
    }
}
