//! The `safe-markup` command line.
//!
//! [`main`] turns the outcome of [`run`] into an exit code. A problem with
//! one input (an unreadable or undecodable file, a malformed JSONL line, a
//! file that cannot be rewritten) is not fatal: it is reported on stderr,
//! naming the input and the reason, the run goes on, and the exit code is 3.
//! No run ends with 0 having left a file it was given uncleaned without
//! saying so: the only files left out by request (`--skip-binary`) are
//! named too, and fail a `--check`. A closed stdout (`| head -1`) is not an
//! error at all.
//!
//! Exit codes: 0 ok, 1 `--check`/`--diff` found changes, 2 usage or policy
//! error, 3 some inputs failed.
//!
//! One module, one job: [`args`] the command line, [`walk`] paths to
//! inputs, [`decode`] bytes to text, [`encode`] cleaned text back to the
//! file's bytes, [`files`] HTML files in parallel,
//! [`jsonl`] JSON Lines as a stream, [`write`](mod@write) atomic in-place writes,
//! [`report`] `--report` lines, [`diff`] `--diff` output, [`diag`] stderr.

mod args;
mod decode;
mod diag;
mod diff;
mod encode;
mod files;
mod jsonl;
mod report;
#[cfg(feature = "serve")]
mod serve;
mod walk;
mod write;

use std::fmt;
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use safe_markup::{Policy, PolicyError};

use args::{Command, Format, Mode, OutputForm, PolicySource, PolicyTweaks, USAGE, UsageError};
use decode::EncodingChoice;
use diag::Diag;
use report::ReportFormat;
use walk::Walker;

pub const NAME: &str = env!("CARGO_PKG_NAME");
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Exit code when `--check` or `--diff` found something to change.
const EXIT_CHANGES: u8 = 1;
/// Exit code for a bad command line or a bad policy.
const EXIT_USAGE: u8 = 2;
/// Exit code when some input failed (or the output could not be written).
const EXIT_INPUT: u8 = 3;

pub fn main() -> ExitCode {
    match run() {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::Changes) => ExitCode::from(EXIT_CHANGES),
        Ok(Outcome::SomeInputsFailed) => ExitCode::from(EXIT_INPUT),
        // The reader went away (`| head`): it has all it wanted.
        Err(err) if err.is_broken_pipe() => ExitCode::SUCCESS,
        Err(err) => {
            let _ = writeln!(io::stderr(), "{NAME}: {err}");
            if matches!(err, Fatal::Usage(_)) {
                let _ = writeln!(
                    io::stderr(),
                    "{USAGE}\nTry '{NAME} --help' for more information."
                );
            }
            ExitCode::from(err.exit_code())
        }
    }
}

/// What every input is cleaned with: shared, read-only, by all workers.
pub struct Ctx {
    pub policy: Policy,
    pub output: OutputForm,
    pub mode: Mode,
    pub encoding: EncodingChoice,
    /// `--skip-binary`: leave out inputs that look binary.
    pub skip_binary: bool,
    pub report: Option<ReportFormat>,
    pub strict: bool,
}

/// Parses the command line, builds the policy, finds the inputs and
/// cleans them.
fn run() -> Result<Outcome, Fatal> {
    let argv: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    // `serve` only as the first argument: `safe-markup ./serve` still
    // cleans a file of that name.
    #[cfg(feature = "serve")]
    if argv.first().is_some_and(|first| first == "serve") {
        return run_serve(lexopt::Parser::from_args(argv.into_iter().skip(1)));
    }
    let args = match Command::parse(lexopt::Parser::from_args(argv))? {
        Command::Help => return print(args::HELP),
        Command::Version => return print(&format!("{NAME} {VERSION}\n")),
        Command::Clean(args) => args,
    };
    let mut policy = tweak_policy(load_policy(&args.policy)?, &args.tweaks)?;
    if args.report.is_some() {
        // A report names where in the file each change is.
        policy = policy
            .to_builder()
            .report_spans(true)
            .build()
            .map_err(Fatal::PolicyOptions)?;
    }
    let jsonl_field = match &args.format {
        Format::Html => None,
        Format::Jsonl { field } => Some(field.as_str()),
    };
    let walker = Walker::new(&args.walk, jsonl_field.is_some()).map_err(Fatal::Glob)?;
    // An --in-place run mostly waits for fsync, not for the CPU: more
    // threads than CPUs keep the disk busy (10,000 files: 27 s with 2
    // threads, 7 s with 8, on a 2-CPU machine).
    let jobs = args.jobs.or_else(|| match args.mode {
        Mode::InPlace { .. } => {
            let cpus = std::thread::available_parallelism().map_or(1, usize::from);
            Some(cpus * 4)
        }
        Mode::Stdout | Mode::Check { .. } => None,
    });
    if let Some(jobs) = jobs {
        // Fails only if the pool already exists, which it cannot yet.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .build_global();
    }
    let mut diag = Diag::new(args.report == Some(ReportFormat::Json), args.quiet);
    let inputs = walker.expand(&args.paths, &mut diag);
    let inputs = match args.mode {
        Mode::Stdout => inputs,
        // Two paths to one file would be rewritten (or listed) twice.
        Mode::InPlace { .. } | Mode::Check { .. } => walk::dedup(inputs),
    };
    if args.strict && diag.failed() {
        // A directory could not be searched: that input failed first.
        return Ok(Outcome::SomeInputsFailed);
    }
    let ctx = Ctx {
        policy,
        output: args.output,
        mode: args.mode,
        encoding: args.encoding,
        skip_binary: args.skip_binary,
        report: args.report,
        strict: args.strict,
    };
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(64 * 1024, stdout.lock());
    let changed = match jsonl_field {
        None => files::clean_all(&ctx, &inputs, &mut out, &mut diag),
        Some(field) => jsonl::clean_all(&ctx, field, &inputs, &mut out, &mut diag),
    };
    diag.finish_progress();
    let changed = changed?;
    out.flush().map_err(Fatal::Output)?;
    Ok(if diag.failed() {
        Outcome::SomeInputsFailed
    } else if changed && matches!(ctx.mode, Mode::Check { .. }) {
        Outcome::Changes
    } else {
        Outcome::Ok
    })
}

/// `safe-markup serve`: loads the policies (a bad one stops the start with
/// the error a cleaning run gives) and serves until SIGTERM.
#[cfg(feature = "serve")]
fn run_serve(parser: lexopt::Parser) -> Result<Outcome, Fatal> {
    let args = match serve::args::ServeArgs::parse(parser)? {
        serve::args::ServeCommand::Help => return print(serve::args::HELP),
        serve::args::ServeCommand::Serve(args) => args,
    };
    let policies = serve::Policies::load(&args)?;
    serve::run(args, policies).map_err(Fatal::Serve)?;
    Ok(Outcome::Ok)
}

fn print(text: &str) -> Result<Outcome, Fatal> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(Fatal::Output)?;
    Ok(Outcome::Ok)
}

/// Applies the command line's policy options over the preset or file.
fn tweak_policy(policy: Policy, tweaks: &PolicyTweaks) -> Result<Policy, Fatal> {
    let PolicyTweaks {
        trusted,
        site_hosts,
        new_tab,
        site_prefix,
        line_breaks,
        linkify,
    } = tweaks;
    if trusted.is_none()
        && site_hosts.is_empty()
        && !new_tab
        && site_prefix.is_none()
        && !line_breaks
        && !linkify
    {
        return Ok(policy);
    }
    let mut b = policy.to_builder();
    match trusted {
        Some(true) => b = b.external_link_rel(""),
        Some(false) => b = b.external_link_rel("nofollow ugc"),
        None => {}
    }
    if !site_hosts.is_empty() {
        b = b.site_hosts(site_hosts);
    }
    if *new_tab {
        b = b.external_links_new_tab(true);
    }
    if let Some(prefix) = site_prefix {
        b = b.special_tags(safe_markup::SpecialTags::new().site_prefix(prefix));
    }
    if *line_breaks {
        b = b.line_breaks(true);
    }
    if *linkify {
        b = b.linkify(true);
    }
    b.build().map_err(Fatal::PolicyOptions)
}

/// The cleaned form of one input that the run writes: the HTML, an
/// excerpt of it, or its plain text; the report is the clean's either way.
pub fn render(ctx: &Ctx, input: &str) -> safe_markup::Cleaned {
    let mut cleaned = ctx.policy.clean_report(input);
    match ctx.output {
        OutputForm::Html => {}
        OutputForm::Excerpt(n) => cleaned.html = ctx.policy.excerpt(input, n),
        OutputForm::Text { link_urls } => {
            let options = safe_markup::TextOptions::new().link_urls(link_urls);
            cleaned.html = ctx.policy.to_text_with(input, &options);
        }
    }
    cleaned
}

fn load_policy(source: &PolicySource) -> Result<Policy, Fatal> {
    match source {
        PolicySource::Preset(name) => {
            Policy::preset(name).ok_or_else(|| Fatal::UnknownPreset(name.clone()))
        }
        PolicySource::File(path) => {
            let text = fs::read_to_string(path).map_err(|source| Fatal::PolicyRead {
                path: path.clone(),
                source,
            })?;
            Policy::from_toml(&text).map_err(|source| Fatal::PolicyInvalid {
                path: path.clone(),
                source,
            })
        }
    }
}

/// How the run went, when nothing fatal happened.
enum Outcome {
    Ok,
    Changes,
    SomeInputsFailed,
}

/// A fatal error: the run stops.
#[derive(Debug)]
pub enum Fatal {
    /// The command line is wrong.
    Usage(UsageError),
    /// A `--glob` does not compile.
    Glob(ignore::Error),
    /// `--preset` names no preset.
    UnknownPreset(String),
    /// The `--policy` file cannot be read.
    PolicyRead { path: PathBuf, source: io::Error },
    /// The `--policy` file is not a valid policy.
    PolicyInvalid { path: PathBuf, source: PolicyError },
    /// The policy options on the command line make an invalid policy (a
    /// bad `--site-host` or `--site-prefix`).
    PolicyOptions(PolicyError),
    /// Writing to stdout failed.
    Output(io::Error),
    /// `safe-markup serve` could not start or stopped with an error.
    #[cfg(feature = "serve")]
    Serve(serve::ServeError),
}

impl Fatal {
    fn exit_code(&self) -> u8 {
        match self {
            Fatal::Usage(_)
            | Fatal::Glob(_)
            | Fatal::UnknownPreset(_)
            | Fatal::PolicyRead { .. }
            | Fatal::PolicyInvalid { .. }
            | Fatal::PolicyOptions(_) => EXIT_USAGE,
            Fatal::Output(_) => EXIT_INPUT,
            #[cfg(feature = "serve")]
            Fatal::Serve(serve::ServeError::Bind { .. } | serve::ServeError::Io(_)) => EXIT_INPUT,
            #[cfg(feature = "serve")]
            Fatal::Serve(_) => EXIT_USAGE,
        }
    }

    fn is_broken_pipe(&self) -> bool {
        matches!(self, Fatal::Output(err) if err.kind() == io::ErrorKind::BrokenPipe)
    }
}

impl From<UsageError> for Fatal {
    fn from(err: UsageError) -> Fatal {
        Fatal::Usage(err)
    }
}

impl fmt::Display for Fatal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fatal::Usage(err) => err.fmt(f),
            Fatal::Glob(err) => write!(f, "invalid --glob: {err}"),
            Fatal::UnknownPreset(name) => {
                write!(
                    f,
                    "unknown preset '{name}' (expected ugc, strict, text, diary or diary-untrusted)"
                )
            }
            Fatal::PolicyRead { path, source } => {
                write!(f, "cannot read policy file {}: {source}", path.display())
            }
            Fatal::PolicyInvalid { path, source } => write!(f, "{}: {source}", path.display()),
            Fatal::PolicyOptions(source) => write!(f, "invalid policy options: {source}"),
            Fatal::Output(err) => write!(f, "cannot write output: {err}"),
            #[cfg(feature = "serve")]
            Fatal::Serve(err) => err.fmt(f),
        }
    }
}
