//! The `safe-markup serve` command line. As for cleaning runs, parsing
//! only builds [`ServeArgs`]; policies are loaded by
//! [`Policies::load`](super::Policies::load).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use super::super::args::{PolicySource, UsageError};

pub const HELP: &str = r#"Serve the cleaner over HTTP, with a playground page at /.

Usage: safe-markup serve [OPTIONS]

Policies (named, loaded and checked at start; the first is the default):
      --preset NAME      A preset, named NAME (ugc, strict, text, diary,
                         diary-untrusted). Repeatable
      --policy FILE      A TOML policy, named by its file stem. Repeatable
      --policies DIR     Every *.toml in DIR (sorted), named by file stem
                         Default: --preset ugc

Service:
      --addr ADDR        Address to listen on (default 127.0.0.1:8080; port
                         0 picks a free port). The first line on stdout says
                         where it listens
      --max-body BYTES   Largest request body (default 1048576); a larger one
                         is refused with 413 before it is read
      --max-batch N      Most items in one /v1/clean-many batch (default 100)
      --max-concurrent N Requests handled at once (default 64); more are
                         refused with 503
      --timeout SECS     Time for one request, reading and cleaning
                         (default 10)
      --no-playground    Do not serve the playground page (/) or clean with a
                         policy sent in the request
  -h, --help             Print this help

Endpoints:
  POST /v1/clean         JSON {"html", "policy", "form": html|excerpt|text,
                         "excerpt_chars", "report", "strict_limits"} ->
                         {"html", "report"}; or a text/html body (policy and
                         form in the query) -> the cleaned HTML
  POST /v1/clean-many    {"items": [request, ...]} -> {"items": [answer, ...]}
  POST /v1/policy/check  {"toml": "..."} -> 200, or 422 with the line
  GET  /v1/policies      the policy names
  GET  /healthz          200 "ok"
  GET  /metrics          Prometheus text format

SIGTERM or Ctrl-C stops accepting connections and finishes the requests in
flight before exiting.
"#;

/// Options of `safe-markup serve`.
#[derive(Debug)]
pub struct ServeArgs {
    pub addr: SocketAddr,
    /// `--preset` and `--policy`, in order, with their names.
    pub policies: Vec<(String, PolicySource)>,
    pub policy_dir: Option<PathBuf>,
    pub max_body: usize,
    pub max_batch: usize,
    pub max_concurrent: usize,
    pub timeout: Duration,
    pub playground: bool,
}

/// What `safe-markup serve …` asks for.
pub enum ServeCommand {
    Help,
    Serve(ServeArgs),
}

impl ServeArgs {
    /// Parses the arguments after `serve`.
    pub fn parse(mut parser: lexopt::Parser) -> Result<ServeCommand, UsageError> {
        use lexopt::prelude::*;

        let mut args = ServeArgs {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            policies: Vec::new(),
            policy_dir: None,
            max_body: 1 << 20,
            max_batch: 100,
            max_concurrent: 64,
            timeout: Duration::from_secs(10),
            playground: true,
        };
        while let Some(arg) = parser.next().map_err(UsageError::Parse)? {
            match arg {
                Short('h') | Long("help") => return Ok(ServeCommand::Help),
                Long("addr") => {
                    let text = string(&mut parser)?;
                    args.addr = text
                        .parse()
                        .map_err(|_| UsageError::BadServeOption("--addr", text))?;
                }
                Long("preset") => {
                    let name = string(&mut parser)?;
                    args.policies
                        .push((name.clone(), PolicySource::Preset(name)));
                }
                Long("policy") => {
                    let path = PathBuf::from(parser.value().map_err(UsageError::Parse)?);
                    let name = stem(&path).ok_or_else(|| {
                        UsageError::BadServeOption("--policy", path.display().to_string())
                    })?;
                    args.policies.push((name, PolicySource::File(path)));
                }
                Long("policies") => {
                    args.policy_dir =
                        Some(PathBuf::from(parser.value().map_err(UsageError::Parse)?));
                }
                Long("max-body") => args.max_body = number(&mut parser, "--max-body")?,
                Long("max-batch") => args.max_batch = number(&mut parser, "--max-batch")?,
                Long("max-concurrent") => {
                    args.max_concurrent = number(&mut parser, "--max-concurrent")?;
                }
                Long("timeout") => {
                    let text = string(&mut parser)?;
                    let secs = text
                        .parse::<f64>()
                        .ok()
                        .filter(|s| s.is_finite() && *s > 0.0 && *s < 86_400.0)
                        .ok_or(UsageError::BadServeOption("--timeout", text))?;
                    args.timeout = Duration::from_secs_f64(secs);
                }
                Long("no-playground") => args.playground = false,
                _ => return Err(UsageError::Parse(arg.unexpected())),
            }
        }
        Ok(ServeCommand::Serve(args))
    }
}

/// A policy's name from its file: the stem, if it is UTF-8.
pub fn stem(path: &std::path::Path) -> Option<String> {
    path.file_stem()?.to_str().map(str::to_owned)
}

fn string(parser: &mut lexopt::Parser) -> Result<String, UsageError> {
    use lexopt::ValueExt;
    parser
        .value()
        .map_err(UsageError::Parse)?
        .string()
        .map_err(UsageError::Parse)
}

/// A count above zero.
fn number(parser: &mut lexopt::Parser, option: &'static str) -> Result<usize, UsageError> {
    let text = string(parser)?;
    match text.parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(UsageError::BadServeOption(option, text)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<ServeCommand, UsageError> {
        ServeArgs::parse(lexopt::Parser::from_args(args.iter().copied()))
    }

    #[test]
    fn options_in_order_and_defaults() {
        let Ok(ServeCommand::Serve(args)) = parse(&[
            "--preset",
            "strict",
            "--policy",
            "site/blog.toml",
            "--addr",
            "127.0.0.1:0",
            "--timeout",
            "0.5",
        ]) else {
            panic!("expected serve args");
        };
        let names: Vec<&str> = args.policies.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["strict", "blog"]);
        assert_eq!(args.addr.port(), 0);
        assert_eq!(args.timeout, Duration::from_millis(500));
        assert_eq!(args.max_body, 1 << 20);
        assert!(args.playground);
    }

    #[test]
    fn bad_values_are_usage_errors() {
        for bad in [
            &["--addr", "nowhere"][..],
            &["--max-body", "0"],
            &["--max-batch", "x"],
            &["--timeout", "-1"],
            &["--timeout", "NaN"],
            &["--frobnicate"],
        ] {
            assert!(parse(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
