//! `safe-markup`: clean untrusted HTML from a file or stdin.
//!
//! `main` is thin: [`run`] does the work and returns an [`Outcome`] or a
//! fatal [`Error`]; `main` turns either into an exit code. Problems with a
//! single input (an unreadable file, a malformed JSONL line) are not fatal:
//! they are reported on stderr as they happen, the run goes on, and the exit
//! code is 3. A closed stdout (`| head -1`) is not an error at all.
//!
//! Exit codes: 0 ok, 2 usage or policy error, 3 some inputs failed.

#![forbid(unsafe_code)]

use std::borrow::Cow;
use std::ffi::OsString;
use std::fmt;
use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use safe_markup::{Limit, Policy, PolicyError, Report};
use serde_json::Value;

const NAME: &str = env!("CARGO_PKG_NAME");
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Exit code for a bad command line or a bad policy.
const EXIT_USAGE: u8 = 2;
/// Exit code when some input failed (or the output could not be written).
const EXIT_INPUT: u8 = 3;

const USAGE: &str = "Usage: safe-markup [--preset NAME | --policy FILE.toml] [--jsonl] [FILE]";

const HELP: &str = r#"Clean untrusted HTML into safe, well-formed markup.

Usage: safe-markup [--preset NAME | --policy FILE.toml] [--jsonl] [FILE]

Reads FILE (stdin if FILE is missing or `-`) and writes the cleaned HTML to
stdout. Bytes that are not valid UTF-8 are replaced with U+FFFD, with a
warning on stderr giving the byte offset of the first one.

Options:
      --preset NAME    Policy preset: ugc (default), strict or text
      --policy FILE    Policy from a TOML file (cannot be used with --preset)
      --jsonl          Input is JSON lines {"id": ..., "html": "..."}; writes one
                       line {"id": ..., "html": "<cleaned>", "report": {...}}
                       per input line. A malformed line is reported on stderr
                       as FILE:LINE: REASON and skipped; blank lines are skipped.
  -h, --help           Print this help
  -V, --version        Print the version

Examples:
  safe-markup examples/diary.html
  safe-markup --preset strict < comment.html > comment.safe.html
  safe-markup --policy site.toml --jsonl posts.jsonl > posts.clean.jsonl

Exit codes:
  0  success (also when stdout is closed early, as by `| head`)
  2  usage error or policy error (unknown preset, unreadable or invalid
     policy file)
  3  some input failed: an unreadable input file, a skipped JSONL line, or
     output that could not be written; each is named on stderr with the reason
"#;

fn main() -> ExitCode {
    match run() {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::SomeInputsFailed) => ExitCode::from(EXIT_INPUT),
        // The reader went away (`| head`): it has all it wanted.
        Err(err) if err.is_broken_pipe() => ExitCode::SUCCESS,
        Err(err) => {
            let _ = writeln!(io::stderr(), "{NAME}: {err}");
            if matches!(err, Error::Usage(_)) {
                let _ = writeln!(
                    io::stderr(),
                    "{USAGE}\nTry '{NAME} --help' for more information."
                );
            }
            ExitCode::from(err.exit_code())
        }
    }
}

/// Parses the command line, builds the policy and cleans the input.
fn run() -> Result<Outcome, Error> {
    let args = match Command::parse(lexopt::Parser::from_env())? {
        Command::Help => return print(HELP),
        Command::Version => return print(&format!("{NAME} {VERSION}\n")),
        Command::Clean(args) => args,
    };
    let policy = args.policy.load()?;
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut diag = Diagnostics::default();
    match args.format {
        Format::Html => clean_html(&policy, &args.input, &mut out, &mut diag)?,
        Format::Jsonl => clean_jsonl(&policy, &args.input, &mut out, &mut diag)?,
    }
    out.flush().map_err(Error::Output)?;
    Ok(diag.outcome())
}

fn print(text: &str) -> Result<Outcome, Error> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(Error::Output)?;
    Ok(Outcome::Ok)
}

// ---------------------------------------------------------------------------
// Command line

/// What the command line asks for.
enum Command {
    Help,
    Version,
    Clean(Args),
}

/// Options for a cleaning run.
struct Args {
    policy: PolicySource,
    format: Format,
    input: Input,
}

/// Where the policy comes from.
enum PolicySource {
    Preset(String),
    File(PathBuf),
}

/// How the input is framed.
enum Format {
    /// The whole input is one HTML fragment.
    Html,
    /// One JSON object per line.
    Jsonl,
}

/// One input to clean.
enum Input {
    Stdin,
    File(PathBuf),
}

impl Command {
    fn parse(mut parser: lexopt::Parser) -> Result<Command, Error> {
        use lexopt::prelude::*;

        let mut preset = None;
        let mut policy_file = None;
        let mut format = Format::Html;
        let mut input = None;
        while let Some(arg) = parser.next().map_err(UsageError::Parse)? {
            match arg {
                Short('h') | Long("help") => return Ok(Command::Help),
                Short('V') | Long("version") => return Ok(Command::Version),
                Long("preset") => {
                    let value = parser.value().map_err(UsageError::Parse)?;
                    preset = Some(value.string().map_err(UsageError::Parse)?);
                }
                Long("policy") => {
                    let value = parser.value().map_err(UsageError::Parse)?;
                    policy_file = Some(PathBuf::from(value));
                }
                Long("jsonl") => format = Format::Jsonl,
                Value(value) if input.is_none() => input = Some(Input::from_arg(value)),
                Value(value) => return Err(UsageError::ExtraInput(value).into()),
                _ => return Err(UsageError::Parse(arg.unexpected()).into()),
            }
        }
        let policy = match (preset, policy_file) {
            (Some(_), Some(_)) => return Err(UsageError::PresetAndPolicy.into()),
            (Some(name), None) => PolicySource::Preset(name),
            (None, Some(path)) => PolicySource::File(path),
            (None, None) => PolicySource::Preset("ugc".to_owned()),
        };
        Ok(Command::Clean(Args {
            policy,
            format,
            input: input.unwrap_or(Input::Stdin),
        }))
    }
}

impl PolicySource {
    fn load(&self) -> Result<Policy, Error> {
        match self {
            PolicySource::Preset(name) => {
                Policy::preset(name).ok_or_else(|| Error::UnknownPreset(name.clone()))
            }
            PolicySource::File(path) => {
                let text = fs::read_to_string(path).map_err(|source| Error::PolicyRead {
                    path: path.clone(),
                    source,
                })?;
                Policy::from_toml(&text).map_err(|source| Error::PolicyInvalid {
                    path: path.clone(),
                    source,
                })
            }
        }
    }
}

impl Input {
    fn from_arg(arg: OsString) -> Input {
        if arg == "-" {
            Input::Stdin
        } else {
            Input::File(PathBuf::from(arg))
        }
    }

    fn open(&self) -> io::Result<Box<dyn BufRead>> {
        Ok(match self {
            Input::Stdin => Box::new(io::stdin().lock()),
            Input::File(path) => Box::new(BufReader::with_capacity(64 * 1024, File::open(path)?)),
        })
    }
}

/// How inputs are named on stderr.
impl fmt::Display for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Input::Stdin => f.write_str("stdin"),
            Input::File(path) => write!(f, "{}", path.display()),
        }
    }
}

// ---------------------------------------------------------------------------
// Cleaning

/// Cleans the whole input as one fragment.
fn clean_html(
    policy: &Policy,
    input: &Input,
    out: &mut impl Write,
    diag: &mut Diagnostics,
) -> Result<(), Error> {
    let mut bytes = Vec::new();
    if let Err(err) = input.open().and_then(|mut r| r.read_to_end(&mut bytes)) {
        diag.fail(input, InputError::Read(err));
        return Ok(());
    }
    let (text, invalid_at) = decode(&bytes);
    if let Some(offset) = invalid_at {
        let offset = offset as u64;
        diag.warn(input, None, Warning::InvalidUtf8 { offset });
    }
    let cleaned = policy.clean_report(&text);
    if let Some(limit) = cleaned.report.limit_exceeded() {
        diag.warn(input, None, Warning::LimitExceeded(limit));
    }
    out.write_all(cleaned.html.as_bytes())
        .map_err(Error::Output)
}

/// One line of `--jsonl` output.
#[derive(serde::Serialize)]
struct JsonlOutput<'a> {
    id: &'a Value,
    html: &'a str,
    report: &'a Report,
}

/// Cleans JSON lines as they are read, so an export of any size streams
/// through in constant memory. A bad line is reported and skipped.
fn clean_jsonl(
    policy: &Policy,
    input: &Input,
    out: &mut impl Write,
    diag: &mut Diagnostics,
) -> Result<(), Error> {
    let mut reader = match input.open() {
        Ok(reader) => reader,
        Err(err) => {
            diag.fail(input, InputError::Read(err));
            return Ok(());
        }
    };
    let mut line = Vec::new();
    let mut json = Vec::new();
    let mut line_number: u64 = 0;
    let mut line_start: u64 = 0;
    loop {
        line.clear();
        let len = match reader.read_until(b'\n', &mut line) {
            Ok(0) => break,
            Ok(len) => len,
            Err(err) => {
                diag.fail(input, InputError::Read(err));
                break;
            }
        };
        line_number += 1;
        let (text, invalid_at) = decode(&line);
        if let Some(offset) = invalid_at {
            let offset = line_start + offset as u64;
            diag.warn(input, Some(line_number), Warning::InvalidUtf8 { offset });
        }
        line_start += len as u64;
        let text = text.strip_suffix('\n').unwrap_or(&text);
        let text = text.strip_suffix('\r').unwrap_or(text);
        if text.trim().is_empty() {
            continue;
        }
        let record = match Record::parse(text) {
            Ok(record) => record,
            Err(error) => {
                diag.fail(input, InputError::Line { line_number, error });
                continue;
            }
        };
        let cleaned = policy.clean_report(&record.html);
        let output = JsonlOutput {
            id: &record.id,
            html: &cleaned.html,
            report: &cleaned.report,
        };
        json.clear();
        if let Err(err) = serde_json::to_writer(&mut json, &output) {
            let error = LineError::Serialize(err);
            diag.fail(input, InputError::Line { line_number, error });
            continue;
        }
        json.push(b'\n');
        out.write_all(&json).map_err(Error::Output)?;
    }
    Ok(())
}

/// The fields of a `--jsonl` input line that the CLI uses.
struct Record {
    id: Value,
    html: String,
}

impl Record {
    fn parse(line: &str) -> Result<Record, LineError> {
        let mut map = match serde_json::from_str(line).map_err(LineError::Json)? {
            Value::Object(map) => map,
            other => return Err(LineError::NotObject(json_type(&other))),
        };
        let id = map.remove("id").unwrap_or(Value::Null);
        match map.remove("html") {
            Some(Value::String(html)) => Ok(Record { id, html }),
            Some(other) => Err(LineError::HtmlNotString(json_type(&other))),
            None => Err(LineError::MissingHtml),
        }
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Decodes UTF-8, replacing invalid bytes with U+FFFD; also returns the
/// offset of the first invalid byte, if any. Borrows when the input is
/// valid.
fn decode(bytes: &[u8]) -> (Cow<'_, str>, Option<usize>) {
    match std::str::from_utf8(bytes) {
        Ok(text) => (Cow::Borrowed(text), None),
        Err(err) => (String::from_utf8_lossy(bytes), Some(err.valid_up_to())),
    }
}

// ---------------------------------------------------------------------------
// Errors and diagnostics

/// How the run went, when nothing fatal happened.
enum Outcome {
    Ok,
    SomeInputsFailed,
}

/// A fatal error: the run stops.
#[derive(Debug)]
enum Error {
    /// The command line is wrong.
    Usage(UsageError),
    /// `--preset` names no preset.
    UnknownPreset(String),
    /// The `--policy` file cannot be read.
    PolicyRead { path: PathBuf, source: io::Error },
    /// The `--policy` file is not a valid policy.
    PolicyInvalid { path: PathBuf, source: PolicyError },
    /// Writing to stdout failed.
    Output(io::Error),
}

#[derive(Debug)]
enum UsageError {
    /// lexopt's own errors: unknown option, missing value, …
    Parse(lexopt::Error),
    PresetAndPolicy,
    ExtraInput(OsString),
}

impl Error {
    fn exit_code(&self) -> u8 {
        match self {
            Error::Usage(_)
            | Error::UnknownPreset(_)
            | Error::PolicyRead { .. }
            | Error::PolicyInvalid { .. } => EXIT_USAGE,
            Error::Output(_) => EXIT_INPUT,
        }
    }

    fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Output(err) if err.kind() == io::ErrorKind::BrokenPipe)
    }
}

impl From<UsageError> for Error {
    fn from(err: UsageError) -> Error {
        Error::Usage(err)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage(err) => err.fmt(f),
            Error::UnknownPreset(name) => {
                write!(f, "unknown preset '{name}' (expected ugc, strict or text)")
            }
            Error::PolicyRead { path, source } => {
                write!(f, "cannot read policy file {}: {source}", path.display())
            }
            Error::PolicyInvalid { path, source } => write!(f, "{}: {source}", path.display()),
            Error::Output(err) => write!(f, "cannot write output: {err}"),
        }
    }
}

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UsageError::Parse(err) => err.fmt(f),
            UsageError::PresetAndPolicy => {
                f.write_str("--preset and --policy cannot be used together")
            }
            UsageError::ExtraInput(arg) => write!(
                f,
                "unexpected argument {:?}: only one FILE can be given",
                arg.to_string_lossy()
            ),
        }
    }
}

/// A problem with one input: reported, and the run goes on.
#[derive(Debug)]
enum InputError {
    Read(io::Error),
    Line { line_number: u64, error: LineError },
}

/// Why a `--jsonl` line was skipped.
#[derive(Debug)]
enum LineError {
    Json(serde_json::Error),
    NotObject(&'static str),
    MissingHtml,
    HtmlNotString(&'static str),
    Serialize(serde_json::Error),
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LineError::Json(err) => {
                // serde_json appends " at line 1 column N"; every line is
                // parsed on its own, so only the column means anything.
                let message = err.to_string();
                let position = format!(" at line {} column {}", err.line(), err.column());
                let message = message.strip_suffix(&position).unwrap_or(&message);
                write!(f, "invalid JSON at column {}: {message}", err.column())
            }
            LineError::NotObject(found) => write!(f, "expected a JSON object, found {found}"),
            LineError::MissingHtml => f.write_str("missing \"html\" field"),
            LineError::HtmlNotString(found) => {
                write!(f, "\"html\" must be a string, found {found}")
            }
            LineError::Serialize(err) => write!(f, "cannot write the output line: {err}"),
        }
    }
}

/// Something worth telling the user that does not fail the input.
enum Warning {
    /// Bytes that are not UTF-8 were replaced; `offset` is the byte offset
    /// of the first one, from the start of the input.
    InvalidUtf8 { offset: u64 },
    /// The input crossed a policy limit and is shown as escaped text.
    LimitExceeded(Limit),
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::InvalidUtf8 { offset } => write!(
                f,
                "invalid UTF-8 at byte offset {offset}; invalid bytes replaced with U+FFFD"
            ),
            Warning::LimitExceeded(limit) => write!(
                f,
                "input exceeds the policy's {limit} limit; shown as escaped text"
            ),
        }
    }
}

/// Reports problems on stderr as they happen and remembers whether any
/// input failed. Writing to stderr can fail too; that is ignored, so a
/// closed stderr never stops a run.
#[derive(Default)]
struct Diagnostics {
    failed: bool,
}

impl Diagnostics {
    fn fail(&mut self, input: &Input, err: InputError) {
        self.failed = true;
        let _ = match err {
            InputError::Read(err) => writeln!(io::stderr(), "{NAME}: {input}: {err}"),
            InputError::Line { line_number, error } => {
                writeln!(io::stderr(), "{NAME}: {input}:{line_number}: {error}")
            }
        };
    }

    fn warn(&self, input: &Input, line_number: Option<u64>, warning: Warning) {
        let _ = match line_number {
            Some(n) => writeln!(io::stderr(), "{NAME}: warning: {input}:{n}: {warning}"),
            None => writeln!(io::stderr(), "{NAME}: warning: {input}: {warning}"),
        };
    }

    fn outcome(&self) -> Outcome {
        if self.failed {
            Outcome::SomeInputsFailed
        } else {
            Outcome::Ok
        }
    }
}
