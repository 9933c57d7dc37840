//! A bounded load test for `safe-markup serve` (or any service with the
//! same `POST /v1/clean {"html": …}` API, such as `examples/nh3_service.py`),
//! on loopback only.
//!
//! ```text
//! cargo run --release -- serve --preset ugc &        # listens on 127.0.0.1:8080
//! cargo run --release --example load -- --addr 127.0.0.1:8080 --size 1k
//! ```
//!
//! Each of `--connections` threads keeps one HTTP/1.1 connection open and
//! sends requests one after another, posts taken in turn from
//! `corpus/diary` (`--size 1k`: the files of 0.8–1.3 KB; `20k`: 15–25 KB),
//! until `--requests` in all or `--seconds` have passed, whichever comes
//! first. It prints requests per second and latency percentiles. It
//! refuses any address that is not loopback: it is for measuring on this
//! machine, never for loading someone else's.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

struct Options {
    addr: SocketAddr,
    size: String,
    connections: usize,
    requests: usize,
    seconds: f64,
    warmup: usize,
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("load: {message}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), String> {
    let options = parse_args()?;
    if !options.addr.ip().is_loopback() {
        return Err(format!(
            "{} is not a loopback address: this tool only loads services on this machine",
            options.addr
        ));
    }
    let posts = Arc::new(load_posts(&options.size)?);
    let mean = posts.iter().map(String::len).sum::<usize>() / posts.len();
    // Warm up (connections, caches, the service's allocator), unmeasured.
    let warmup = AtomicUsize::new(options.warmup);
    worker_until(
        options.addr,
        &posts,
        Instant::now() + Duration::from_secs(5),
        &warmup,
    )?;

    let deadline = Instant::now() + Duration::from_secs_f64(options.seconds);
    let budget = Arc::new(AtomicUsize::new(options.requests));
    let start = Instant::now();
    let handles: Vec<_> = (0..options.connections)
        .map(|_| {
            let posts = posts.clone();
            let budget = budget.clone();
            let addr = options.addr;
            std::thread::spawn(move || worker_until(addr, &posts, deadline, &budget))
        })
        .collect();
    let mut latencies = Vec::new();
    for handle in handles {
        let mut mine = handle
            .join()
            .map_err(|_| "a worker panicked".to_owned())??;
        latencies.append(&mut mine);
    }
    let elapsed = start.elapsed().as_secs_f64();
    if latencies.is_empty() {
        return Err("no request completed".to_owned());
    }
    latencies.sort_unstable();
    let pct = |p: f64| {
        let i = ((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len()) - 1;
        latencies[i].as_secs_f64() * 1000.0
    };
    println!(
        "{} posts of {} (mean {} bytes), {} connections: {} requests in {:.2} s = {:.0} req/s; latency ms p50 {:.3} p90 {:.3} p99 {:.3} max {:.3}",
        posts.len(),
        options.size,
        mean,
        options.connections,
        latencies.len(),
        elapsed,
        latencies.len() as f64 / elapsed,
        pct(0.50),
        pct(0.90),
        pct(0.99),
        pct(1.0),
    );
    Ok(())
}

fn parse_args() -> Result<Options, String> {
    let mut options = Options {
        addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
        size: "1k".to_owned(),
        connections: 8,
        requests: 20_000,
        seconds: 10.0,
        warmup: 200,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let bad = |_| format!("bad value for {flag}: {value}");
        match flag.as_str() {
            "--addr" => options.addr = value.parse().map_err(|_| format!("bad --addr {value}"))?,
            "--size" => options.size = value,
            "--connections" => options.connections = value.parse().map_err(bad)?,
            "--requests" => options.requests = value.parse().map_err(bad)?,
            "--seconds" => {
                options.seconds = value
                    .parse::<f64>()
                    .ok()
                    .filter(|s| *s > 0.0 && *s <= 120.0)
                    .ok_or_else(|| format!("--seconds must be in (0, 120]: {value}"))?;
            }
            "--warmup" => options.warmup = value.parse().map_err(bad)?,
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    if options.connections == 0 || options.connections > 256 {
        return Err("--connections must be 1 to 256".to_owned());
    }
    Ok(options)
}

/// The request bodies: each post of the size class as `{"html": …}`.
fn load_posts(size: &str) -> Result<Vec<String>, String> {
    let range = match size {
        "1k" => 800..1300,
        "20k" => 15_000..25_000,
        _ => return Err(format!("--size must be 1k or 20k, not {size}")),
    };
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/diary");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    paths.sort();
    let mut posts = Vec::new();
    for path in paths {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        if range.contains(&text.len()) {
            posts.push(json_body(&text));
        }
    }
    if posts.is_empty() {
        return Err(format!("no {size} post in {}", dir.display()));
    }
    Ok(posts)
}

/// `{"html": "…"}` with the text as a JSON string.
fn json_body(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    out.push_str("{\"html\": \"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push_str("\"}");
    out
}

/// Sends until the shared budget or the deadline runs out; the latency of
/// each request.
fn worker_until(
    addr: SocketAddr,
    posts: &[String],
    deadline: Instant,
    budget: &AtomicUsize,
) -> Result<Vec<Duration>, String> {
    let mut latencies = Vec::new();
    let mut conn = Conn::open(addr)?;
    let mut i = 0;
    while Instant::now() < deadline
        && budget
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
            .is_ok()
    {
        let start = Instant::now();
        conn.post(&posts[i % posts.len()])?;
        latencies.push(start.elapsed());
        i += 1;
    }
    Ok(latencies)
}

/// One keep-alive HTTP/1.1 connection.
struct Conn {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Conn {
    fn open(addr: SocketAddr) -> Result<Conn, String> {
        let stream = TcpStream::connect(addr).map_err(|e| format!("connect {addr}: {e}"))?;
        stream.set_nodelay(true).map_err(|e| e.to_string())?;
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .map_err(|e| e.to_string())?;
        let writer = stream.try_clone().map_err(|e| e.to_string())?;
        Ok(Conn {
            reader: BufReader::new(stream),
            writer,
        })
    }

    /// Posts one body and reads the whole answer; anything but 200 is an
    /// error, so a failing service cannot look fast.
    fn post(&mut self, body: &str) -> Result<(), String> {
        let head = format!(
            "POST /v1/clean HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        let mut request = head.into_bytes();
        request.extend_from_slice(body.as_bytes());
        self.writer
            .write_all(&request)
            .map_err(|e| format!("write: {e}"))?;
        let mut line = String::new();
        self.reader
            .read_line(&mut line)
            .map_err(|e| format!("read: {e}"))?;
        if !line.starts_with("HTTP/1.1 200") {
            return Err(format!("unexpected status line {line:?}"));
        }
        let mut length = None;
        loop {
            line.clear();
            self.reader
                .read_line(&mut line)
                .map_err(|e| format!("read: {e}"))?;
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse::<usize>().ok();
            }
        }
        let length = length.ok_or("no content-length in the answer")?;
        let mut body = vec![0; length];
        self.reader
            .read_exact(&mut body)
            .map_err(|e| format!("read body: {e}"))?;
        Ok(())
    }
}
