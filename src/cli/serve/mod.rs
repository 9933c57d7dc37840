//! `safe-markup serve`: the cleaning service over HTTP, and the playground
//! page, for backends that are not written in Rust and for people choosing
//! a policy.
//!
//! One module, one job: [`args`] the command line, [`policies`] the named
//! policies loaded at start, [`api`] the JSON and HTML endpoints,
//! [`error`] what a request can fail with, [`metrics`] the Prometheus
//! counters, [`playground`] the static page. This file starts the runtime,
//! binds, and shuts down gracefully.

mod api;
pub mod args;
mod error;
mod metrics;
mod playground;
mod policies;

use std::fmt;
use std::io::{self, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

pub use args::ServeArgs;
pub use policies::Policies;

/// Why the service could not start (or stopped with an error).
#[derive(Debug)]
pub enum ServeError {
    /// Two policies were given the same name.
    DuplicatePolicy(String),
    /// `--policies DIR` cannot be read.
    PolicyDir { path: PathBuf, source: io::Error },
    /// `--policies DIR` holds no `*.toml` file.
    EmptyPolicyDir(PathBuf),
    /// The address cannot be bound.
    Bind { addr: SocketAddr, source: io::Error },
    /// The runtime could not start, or serving failed.
    Io(io::Error),
}

impl fmt::Display for ServeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServeError::DuplicatePolicy(name) => write!(
                f,
                "policy name '{name}' given twice (a --policy file is named by its file stem)"
            ),
            ServeError::PolicyDir { path, source } => {
                write!(
                    f,
                    "cannot read policy directory {}: {source}",
                    path.display()
                )
            }
            ServeError::EmptyPolicyDir(path) => {
                write!(f, "no *.toml policy in {}", path.display())
            }
            ServeError::Bind { addr, source } => write!(f, "cannot listen on {addr}: {source}"),
            ServeError::Io(err) => write!(f, "serve: {err}"),
        }
    }
}

/// Starts the service and runs it until SIGTERM or Ctrl-C; requests in
/// flight then finish before it returns.
pub fn run(args: ServeArgs, policies: Policies) -> Result<(), ServeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(ServeError::Io)?;
    runtime.block_on(serve(args, policies))
}

async fn serve(args: ServeArgs, policies: Policies) -> Result<(), ServeError> {
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .map_err(|source| ServeError::Bind {
            addr: args.addr,
            source,
        })?;
    let local = listener.local_addr().map_err(ServeError::Io)?;
    // The first stdout line says where: with port 0 it is the only way to
    // know (the tests and scripts read it).
    {
        let mut out = io::stdout().lock();
        let _ = writeln!(
            out,
            "listening on http://{local} (policies: {})",
            policies.names().join(", ")
        );
        let _ = out.flush();
    }
    let state = Arc::new(api::App::new(args, policies));
    let app = api::router(state);
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(ServeError::Io)
}

/// Resolves on SIGTERM (how service managers stop a service) or Ctrl-C.
async fn shutdown_signal() {
    let ctrl_c = async {
        // If the handler cannot be installed, only SIGTERM stops the
        // service: waiting forever here is the right fallback.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
    let _ = writeln!(
        io::stderr(),
        "safe-markup: shutting down, finishing requests in flight"
    );
}
