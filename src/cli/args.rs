//! The command line: options, the checks between them, and the help text.
//!
//! Parsing only builds [`Args`]; nothing is read or opened here, so every
//! mistake on the command line is found before any input is touched.

use std::ffi::OsString;
use std::fmt;
use std::path::PathBuf;

use encoding_rs::Encoding;

use super::decode::EncodingChoice;
use super::report::ReportFormat;

pub const USAGE: &str = "Usage: safe-markup [OPTIONS] [PATH]...";

pub const HELP: &str = r#"Clean untrusted HTML into safe, well-formed markup.

Usage: safe-markup [OPTIONS] [PATH]...
       safe-markup serve [OPTIONS]   (HTTP service; see safe-markup serve --help)

With no PATH, or PATH `-`, reads stdin and writes the cleaned HTML to stdout.
Files are cleaned to stdout one after another, in the order given. A
directory is searched recursively, in sorted order, for *.html and *.htm
files (*.jsonl and *.ndjson with --jsonl), skipping hidden files and files
ignored by .gitignore or .ignore files, as ripgrep does; a file named on the
command line is always cleaned. Files are cleaned in parallel; output and
messages come in the same order whatever the timing.

Policy:
      --preset NAME      Policy preset: ugc (default), strict, text, diary
                         (the legacy diary markup: other tags shown as typed,
                         paragraphs, <person>/<proj>/<wiki>) or
                         diary-untrusted (diary, with rel="nofollow ugc" on
                         links that leave the site)
      --policy FILE      Policy from a TOML file (cannot be used with --preset)
      --untrusted        The authors are not trusted: links that leave the
                         site get rel="nofollow ugc" (any preset or policy)
      --trusted          The authors are trusted: no rel="nofollow ugc"
      --site-host HOST   A host name of the site itself: links to it are
                         internal (no nofollow, no new tab). Repeatable
      --new-tab          External links open in a new tab (target="_blank",
                         always with rel="noopener noreferrer")
      --site-prefix P    Turn on the special tags <person>, <proj>, <wiki>
                         with their person and project links under P (a
                         path like /community or a URL); default InterMap
      --line-breaks      <br> for single line breaks in text
      --linkify          Link bare http:// and https:// URLs in text

Output form (default: the cleaned HTML):
      --excerpt N        At most N visible characters of the cleaned HTML, cut
                         at a word, every tag closed, with an ellipsis; for
                         "recent posts" pages (stdout or --jsonl only)
      --text             Plain text for feeds and search: blocks on their own
                         lines, entities decoded (NOT HTML: escape it before
                         putting it in a page; stdout or --jsonl only)
      --text-links       With --text, show each link as `text (url)`

Input:
      --jsonl            Input is JSON Lines, one object per line such as
                         {"id": 7, "html": "<b>hi</b>", "author": "ann"}. Each
                         output line is that object with its HTML field cleaned
                         and every other field copied unchanged, in order; a
                         record that needs no change is copied as it is. A
                         malformed line (bad JSON, missing or duplicate field,
                         field not a string) is reported as FILE:LINE: REASON
                         and skipped, and the exit code is 3. Blank lines are
                         skipped. Streams: memory stays flat for any length,
                         and each record is answered as soon as no more input
                         is waiting, so a program can keep one process and
                         write a line, then read its answer (see README)
      --field NAME       With --jsonl, the field that holds the HTML
                         (default: html)
      --strict           Stop at the first input that fails (a malformed JSONL
                         line, an unreadable file), with exit code 3
                         (with --in-place, files already being cleaned in
                         parallel are still written)
      --encoding LABEL   Decode the input as LABEL, a WHATWG encoding label
                         (utf-8, windows-1252, iso-8859-2, shift_jis, ...), or
                         `auto`. Default: a byte order mark, else UTF-8.
                         auto: a byte order mark, else a <meta charset> in the
                         first 1024 bytes, else UTF-8 if the whole file is
                         valid UTF-8, else windows-1252 (legacy archives).
                         Bytes that do not decode: see "Encodings" below
      --skip-binary      Do not clean files that look binary (a NUL byte in
                         the first 8 KiB, unless the input is UTF-16). Each
                         is still named on stderr, even with --quiet; with
                         --check or --diff the exit code is then 3, as not
                         every file was checked. Default: clean them
      --binary           Accepted for old scripts; does nothing (files that
                         look binary are cleaned unless --skip-binary)
  -g, --glob GLOB        When searching directories, clean only files whose
                         path matches GLOB (gitignore syntax, case-insensitive;
                         `!GLOB` excludes). Repeatable; replaces the default
                         *.html and *.htm (*.jsonl and *.ndjson with --jsonl)
      --hidden           Also search hidden files and directories
      --no-ignore        Do not skip files ignored by .gitignore or .ignore

Output:
  -i, --in-place         Rewrite each file with its cleaned content. The new
                         content goes to a temporary file in the same
                         directory, is synced to disk and renamed over the
                         original, keeping its permissions: an error or a
                         crash never leaves a half-written file. Unchanged
                         files are not rewritten; read-only files are refused.
      --backup SUFFIX    With --in-place, keep each rewritten original as
                         FILE + SUFFIX
      --check            Change nothing; list on stdout the files (with
                         --jsonl: files with records) that would change, and
                         exit with code 1 if there is any
      --diff             Like --check, but print a unified diff of each change
      --report FORMAT    Report on stderr what was removed or changed, per
                         file and per JSONL record: text (one line per input
                         with changes) or json (one JSON object per input and
                         per record; warnings and errors become JSON objects
                         too, so that stderr is JSON Lines)
  -q, --quiet            No warnings and no progress bar (errors still show)
  -j, --jobs N           Clean N files at once (default: one per CPU; four per
                         CPU with --in-place, which mostly waits for the disk)
  -h, --help             Print this help
  -V, --version          Print the version

No file is left as it was without saying so: a file that is not cleaned
(unreadable, undecodable, over a policy limit, not rewritable, or a file
reached only through a symbolic link found in a directory, which is not
followed) is named on stderr with the reason and the exit code is 3; only --skip-binary skips
files by request (still naming each one).

Files with NUL bytes are cleaned as a browser reads them: each NUL becomes
U+FFFD or is dropped. --skip-binary leaves them out instead.

Encodings: a file is read as --encoding says. Bytes that do not decode
become U+FFFD, with a warning giving the byte offset, only where the output
is shown (stdout, always UTF-8). --in-place never does that: such a file is
left as it was (exit 3) with the --encoding that would decode it, and
--check and --diff say the same. --in-place writes a file back in the
encoding it was read in, with its byte order mark; a character that
encoding lacks is written as a numeric character reference (&#26085;), and
if that would not read back the same (in a comment) the file is left as it
was (exit 3). JSON Lines files are written back as UTF-8, as JSON requires.

A progress bar is shown on stderr when it is a terminal and there are more
than 8 files (not with --quiet).

Examples:
  Clean stdin to stdout:
    safe-markup < comment.html > comment.safe.html
  Clean files to stdout, in order, with a stricter preset:
    safe-markup --preset strict post1.html post2.html
  Clean a site archive in place, keeping backups, with a site policy:
    safe-markup --policy site.toml --in-place --backup .orig archive/
  List the files that would change (exit 1 if any), or show the diff:
    safe-markup --check archive/
    safe-markup --diff archive/2009/
  Clean a database export, HTML in the "body" field, with a JSON report:
    safe-markup --jsonl --field body --report json export.jsonl > clean.jsonl 2> report.jsonl
  Clean only some files of a tree:
    safe-markup --check --glob '*.htm' --glob '!drafts/' archive/
  Decode a legacy archive (meta charset, else windows-1252):
    safe-markup --encoding auto --in-place old-site/
  Decode a Latin-1 file:
    safe-markup --encoding windows-1252 guestbook.html
  Stop a pipeline early; the closed stdout is not an error:
    safe-markup --jsonl export.jsonl | head -n 5

Exit codes:
  0  success (also when stdout is closed early, as by `| head`)
  1  --check or --diff found inputs that would change (and none failed)
  2  usage error or policy error (unknown option or preset, conflicting
     options, unreadable or invalid policy file, bad glob or encoding label)
  3  some input failed: an unreadable or too large file, one with bytes its
     encoding cannot decode (--in-place, --check, --diff), a file that could
     not be rewritten (left unchanged), a skipped JSONL line, output that
     could not be written, or with --check or --diff a file left out by
     --skip-binary; each is named on stderr with the reason
"#;

/// What the command line asks for.
pub enum Command {
    Help,
    Version,
    Clean(Box<Args>),
}

/// Options for a cleaning run.
pub struct Args {
    pub policy: PolicySource,
    pub tweaks: PolicyTweaks,
    pub output: OutputForm,
    /// Paths as given; empty means stdin.
    pub paths: Vec<OsString>,
    pub mode: Mode,
    pub format: Format,
    pub strict: bool,
    pub report: Option<ReportFormat>,
    pub encoding: EncodingChoice,
    /// `--skip-binary`: leave out inputs that look binary.
    pub skip_binary: bool,
    pub walk: WalkOptions,
    pub quiet: bool,
    pub jobs: Option<usize>,
}

/// Where the policy comes from.
#[derive(Clone, Debug)]
pub enum PolicySource {
    Preset(String),
    File(PathBuf),
}

/// Command-line changes to the policy, applied over the preset or file.
#[derive(Default)]
pub struct PolicyTweaks {
    /// `Some(true)`: `--trusted`; `Some(false)`: `--untrusted`.
    pub trusted: Option<bool>,
    pub site_hosts: Vec<String>,
    pub new_tab: bool,
    pub site_prefix: Option<String>,
    pub line_breaks: bool,
    pub linkify: bool,
}

/// What is written for each input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputForm {
    Html,
    Excerpt(usize),
    Text { link_urls: bool },
}

/// What happens to the cleaned result.
#[derive(Clone, Debug)]
pub enum Mode {
    /// Written to stdout.
    Stdout,
    /// Written back over the input file.
    InPlace { backup: Option<OsString> },
    /// Nothing is written; changes are listed (or shown as a diff).
    Check { diff: bool },
}

/// How an input is framed.
#[derive(Clone, Debug)]
pub enum Format {
    /// The whole input is one HTML fragment.
    Html,
    /// One JSON object per line; `field` holds the HTML.
    Jsonl { field: String },
}

/// How directories are searched.
pub struct WalkOptions {
    pub globs: Vec<String>,
    pub hidden: bool,
    pub no_ignore: bool,
}

/// A mistake on the command line.
#[derive(Debug)]
pub enum UsageError {
    /// lexopt's own errors: unknown option, missing value, …
    Parse(lexopt::Error),
    PresetAndPolicy,
    /// Two options that cannot be used together, or one that needs another.
    Conflict(&'static str),
    UnknownEncoding(String),
    ReplacementEncoding(String),
    BadReport(String),
    BadJobs(String),
    BadExcerpt(String),
    StdinTwice,
    /// A `serve` option's value does not parse.
    #[cfg(feature = "serve")]
    BadServeOption(&'static str, String),
}

impl Command {
    pub fn parse(mut parser: lexopt::Parser) -> Result<Command, UsageError> {
        use lexopt::prelude::*;

        let mut preset = None;
        let mut policy_file = None;
        let mut tweaks = PolicyTweaks::default();
        let mut excerpt = None;
        let mut text = false;
        let mut text_links = false;
        let mut jsonl = false;
        let mut field = None;
        let mut strict = false;
        let mut encoding = None;
        let mut skip_binary = false;
        let mut in_place = false;
        let mut backup = None;
        let mut check = false;
        let mut diff = false;
        let mut report = None;
        let mut walk = WalkOptions {
            globs: Vec::new(),
            hidden: false,
            no_ignore: false,
        };
        let mut quiet = false;
        let mut jobs = None;
        let mut paths = Vec::new();
        while let Some(arg) = parser.next().map_err(UsageError::Parse)? {
            match arg {
                Short('h') | Long("help") => return Ok(Command::Help),
                Short('V') | Long("version") => return Ok(Command::Version),
                // The policy. Options that shape a preset (the diary
                // preset's author trust, site prefix, …) belong here.
                Long("preset") => preset = Some(string(&mut parser)?),
                Long("policy") => policy_file = Some(PathBuf::from(value(&mut parser)?)),
                Long("untrusted") => tweaks.trusted = Some(false),
                Long("trusted") => tweaks.trusted = Some(true),
                Long("site-host") => tweaks.site_hosts.push(string(&mut parser)?),
                Long("new-tab") => tweaks.new_tab = true,
                Long("site-prefix") => tweaks.site_prefix = Some(string(&mut parser)?),
                Long("line-breaks") => tweaks.line_breaks = true,
                Long("linkify") => tweaks.linkify = true,
                // The output form.
                Long("excerpt") => {
                    let n = string(&mut parser)?;
                    excerpt = Some(n.parse::<usize>().map_err(|_| UsageError::BadExcerpt(n))?);
                }
                Long("text") => text = true,
                Long("text-links") => text_links = true,
                // The input.
                Long("jsonl") => jsonl = true,
                Long("field") => field = Some(string(&mut parser)?),
                Long("strict") => strict = true,
                Long("encoding") => encoding = Some(string(&mut parser)?),
                Long("skip-binary") => skip_binary = true,
                // Cleaning binary-looking files is the default now; scripts
                // that asked for it keep working.
                Long("binary") => {}
                Short('g') | Long("glob") => walk.globs.push(string(&mut parser)?),
                Long("hidden") => walk.hidden = true,
                Long("no-ignore") => walk.no_ignore = true,
                // The output.
                Short('i') | Long("in-place") => in_place = true,
                Long("backup") => backup = Some(value(&mut parser)?),
                Long("check") => check = true,
                Long("diff") => diff = true,
                Long("report") => report = Some(string(&mut parser)?),
                Short('q') | Long("quiet") => quiet = true,
                Short('j') | Long("jobs") => jobs = Some(string(&mut parser)?),
                Value(path) => paths.push(path),
                _ => return Err(UsageError::Parse(arg.unexpected())),
            }
        }

        let output = match (excerpt, text) {
            (Some(_), true) => {
                return Err(UsageError::Conflict(
                    "--excerpt and --text cannot be used together",
                ));
            }
            (Some(n), false) => OutputForm::Excerpt(n),
            (None, true) => OutputForm::Text {
                link_urls: text_links,
            },
            (None, false) => {
                if text_links {
                    return Err(UsageError::Conflict("--text-links needs --text"));
                }
                OutputForm::Html
            }
        };
        if output != OutputForm::Html && (in_place || check || diff) {
            return Err(UsageError::Conflict(
                "--excerpt and --text write a different form, not a cleaned file: \
                 they cannot be used with --in-place, --check or --diff",
            ));
        }
        let policy = match (preset, policy_file) {
            (Some(_), Some(_)) => return Err(UsageError::PresetAndPolicy),
            (Some(name), None) => PolicySource::Preset(name),
            (None, Some(path)) => PolicySource::File(path),
            (None, None) => PolicySource::Preset("ugc".to_owned()),
        };
        let mode = match (in_place, check || diff) {
            (true, true) => {
                return Err(UsageError::Conflict(
                    "--in-place cannot be used with --check or --diff",
                ));
            }
            (true, false) => Mode::InPlace { backup },
            (false, checking) => {
                if backup.is_some() {
                    return Err(UsageError::Conflict("--backup needs --in-place"));
                }
                if checking {
                    Mode::Check { diff }
                } else {
                    Mode::Stdout
                }
            }
        };
        let stdin_count = paths.iter().filter(|p| *p == "-").count();
        if stdin_count > 1 {
            return Err(UsageError::StdinTwice);
        }
        if matches!(mode, Mode::InPlace { .. }) && (paths.is_empty() || stdin_count > 0) {
            return Err(UsageError::Conflict(
                "--in-place needs files or directories, not stdin",
            ));
        }
        let format = if jsonl {
            Format::Jsonl {
                field: field.unwrap_or_else(|| "html".to_owned()),
            }
        } else if field.is_some() {
            return Err(UsageError::Conflict("--field needs --jsonl"));
        } else {
            Format::Html
        };
        let encoding = match encoding {
            None => EncodingChoice::Default,
            Some(label) => parse_encoding(&label)?,
        };
        if jsonl {
            // JSON Lines are split on b'\n' before decoding, which only an
            // ASCII-compatible encoding survives; a <meta> means nothing there.
            match encoding {
                EncodingChoice::Auto => {
                    return Err(UsageError::Conflict(
                        "--encoding auto cannot be used with --jsonl (JSON has no <meta charset>)",
                    ));
                }
                EncodingChoice::Fixed(e) if !e.is_ascii_compatible() => {
                    return Err(UsageError::Conflict(
                        "--jsonl needs an ASCII-compatible --encoding (not UTF-16 or ISO-2022-JP)",
                    ));
                }
                _ => {}
            }
        }
        let report = match report.as_deref() {
            None => None,
            Some("json") => Some(ReportFormat::Json),
            Some("text") => Some(ReportFormat::Text),
            Some(other) => return Err(UsageError::BadReport(other.to_owned())),
        };
        let jobs = match jobs {
            None => None,
            Some(text) => match text.parse::<usize>() {
                Ok(n) if n > 0 => Some(n),
                _ => return Err(UsageError::BadJobs(text)),
            },
        };
        Ok(Command::Clean(Box::new(Args {
            policy,
            tweaks,
            output,
            paths,
            mode,
            format,
            strict,
            report,
            encoding,
            skip_binary,
            walk,
            quiet,
            jobs,
        })))
    }
}

fn value(parser: &mut lexopt::Parser) -> Result<OsString, UsageError> {
    parser.value().map_err(UsageError::Parse)
}

fn string(parser: &mut lexopt::Parser) -> Result<String, UsageError> {
    use lexopt::ValueExt;
    value(parser)?.string().map_err(UsageError::Parse)
}

fn parse_encoding(label: &str) -> Result<EncodingChoice, UsageError> {
    if label.eq_ignore_ascii_case("auto") {
        return Ok(EncodingChoice::Auto);
    }
    match Encoding::for_label(label.as_bytes()) {
        // The replacement encoding (ISO-2022-KR, HZ-GB-2312, …) decodes any
        // input to a single U+FFFD: never what an operator means.
        Some(e) if e == encoding_rs::REPLACEMENT => {
            Err(UsageError::ReplacementEncoding(label.to_owned()))
        }
        Some(e) => Ok(EncodingChoice::Fixed(e)),
        None => Err(UsageError::UnknownEncoding(label.to_owned())),
    }
}

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UsageError::Parse(err) => err.fmt(f),
            UsageError::PresetAndPolicy => {
                f.write_str("--preset and --policy cannot be used together")
            }
            UsageError::Conflict(message) => f.write_str(message),
            UsageError::UnknownEncoding(label) => write!(
                f,
                "unknown encoding label '{label}' (expected a WHATWG label such as utf-8, windows-1252 or shift_jis, or auto)"
            ),
            UsageError::ReplacementEncoding(label) => write!(
                f,
                "encoding label '{label}' names the replacement encoding, which decodes any input to U+FFFD"
            ),
            UsageError::BadReport(format) => {
                write!(
                    f,
                    "unknown report format '{format}' (expected text or json)"
                )
            }
            UsageError::BadJobs(text) => {
                write!(f, "invalid --jobs '{text}' (expected a number above 0)")
            }
            UsageError::BadExcerpt(text) => {
                write!(
                    f,
                    "invalid --excerpt '{text}' (expected a number of characters)"
                )
            }
            UsageError::StdinTwice => f.write_str("stdin (-) can be given only once"),
            #[cfg(feature = "serve")]
            UsageError::BadServeOption(option, value) => {
                write!(f, "invalid {option} '{value}'")
            }
        }
    }
}
