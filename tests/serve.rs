//! `safe-markup serve`, run for real: the built binary listens on a free
//! loopback port and the tests talk HTTP/1.1 to it over plain TCP, faults
//! included (bad JSON, unknown policies, oversized and slow bodies, a full
//! house, SIGTERM with a request in flight).

// The service needs the `serve` feature.
#![cfg(feature = "serve")]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use safe_markup::Policy;
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_safe-markup");

/// A running service, killed on drop.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    fn start(args: &[&str]) -> Server {
        let mut child = Command::new(BIN)
            .arg("serve")
            .args(["--addr", "127.0.0.1:0"])
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn safe-markup serve");
        let stdout = child.stdout.take().expect("child stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the listening line");
        let addr = line
            .strip_prefix("listening on http://")
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|addr| addr.parse().ok())
            .unwrap_or_else(|| panic!("no address in {line:?}"));
        Server { child, addr }
    }

    fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(self.addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .expect("read timeout");
        stream
    }

    fn post(&self, path: &str, content_type: &str, body: &str) -> Reply {
        self.send(&format!(
            "POST {path} HTTP/1.1\r\nHost: t\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ))
    }

    fn post_json(&self, path: &str, body: &Value) -> Reply {
        self.post(path, "application/json", &body.to_string())
    }

    fn get(&self, path: &str) -> Reply {
        self.send(&format!(
            "GET {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
        ))
    }

    fn send(&self, raw: &str) -> Reply {
        let mut stream = self.connect();
        stream.write_all(raw.as_bytes()).expect("write request");
        read_reply(&mut stream)
    }

    /// Sends SIGTERM (no libc in the tests: the `kill` command does it).
    fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success());
    }

    fn wait_exit(&mut self, within: Duration) -> Option<i32> {
        let start = Instant::now();
        while start.elapsed() < within {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("the service did not exit within {within:?}");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {self:?}"))
    }

    /// The error code of a JSON error body; every error has one.
    fn error_code(&self) -> String {
        let value = self.json();
        assert!(
            value["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "no message: {self:?}"
        );
        value["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}

/// Reads one response; the requests say `Connection: close`, so the body
/// runs to the end of the stream.
fn read_reply(stream: &mut TcpStream) -> Reply {
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read response");
    let text = String::from_utf8(raw).expect("UTF-8 response");
    let (head, body) = text.split_once("\r\n\r\n").expect("response head");
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line in {head:?}"));
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Reply {
        status,
        headers,
        body: body.to_owned(),
    }
}

#[test]
fn json_clean_with_report_and_forms() {
    let server = Server::start(&["--preset", "ugc", "--preset", "strict"]);
    let input = "<p>Hi <b onclick=x>there</b><script>evil()</script> and more words</p>";
    let reply = server.post_json("/v1/clean", &json!({"html": input, "report": true}));
    assert_eq!(reply.status, 200, "{reply:?}");
    assert!(
        reply
            .header("server-timing")
            .is_some_and(|t| t.starts_with("clean;dur="))
    );
    let value = reply.json();
    assert_eq!(value["html"], "<p>Hi <b>there</b> and more words</p>");
    // The report has the shape `--report json` writes, spans included.
    assert_eq!(value["report"]["changed"], true);
    let changes = value["report"]["changes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(changes.len(), 2, "{value}");
    assert_eq!(changes[0]["name"], "onclick");
    assert_eq!(changes[1]["rule"], "dropped");
    let span = &changes[1]["span"];
    let (start, end) = (span["start"].as_u64(), span["end"].as_u64());
    assert_eq!(
        start.zip(end).map(|(s, e)| &input[s as usize..e as usize]),
        Some("<script>")
    );

    // No report unless asked; the second policy by name.
    let strict = server.post_json("/v1/clean", &json!({"html": input, "policy": "strict"}));
    assert_eq!(
        strict.json(),
        json!({"html": "Hi <b>there</b> and more words"})
    );

    // The other forms are the library's, through the same policy.
    let excerpt = server.post_json(
        "/v1/clean",
        &json!({"html": input, "form": "excerpt", "excerpt_chars": 12}),
    );
    let ugc = Policy::ugc();
    assert_eq!(excerpt.json()["html"], ugc.excerpt(input, 12));
    assert!(ugc.excerpt(input, 12).ends_with("…</b></p>"));
    let text = server.post_json("/v1/clean", &json!({"html": input, "form": "text"}));
    assert_eq!(text.json()["html"], "Hi there and more words");
}

#[test]
fn html_body_answers_html() {
    let server = Server::start(&["--preset", "ugc", "--preset", "strict"]);
    let post = "<p>x<img src=y onerror=alert(1)></p>";
    let reply = server.post("/v1/clean", "text/html; charset=utf-8", post);
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(
        reply.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(reply.body, "<p>x<img src=\"y\"></p>");
    let strict = server.post("/v1/clean?policy=strict", "text/html", post);
    assert_eq!(strict.body, "x");
    let unknown = server.post("/v1/clean?policy=nope", "text/html", post);
    assert_eq!(
        (unknown.status, unknown.error_code().as_str()),
        (404, "unknown_policy")
    );
    let bad_query = server.post("/v1/clean?form=pdf", "text/html", post);
    assert_eq!(
        (bad_query.status, bad_query.error_code().as_str()),
        (400, "bad_request")
    );
}

#[test]
fn batch_answers_each_item_and_is_bounded() {
    let server = Server::start(&["--max-batch", "3"]);
    let reply = server.post_json(
        "/v1/clean-many",
        &json!({"items": [
            {"html": "<i onclick=x>a</i>"},
            {"html": "b", "policy": "missing"},
            {"html": "<u>c</u>", "report": true},
        ]}),
    );
    assert_eq!(reply.status, 200, "{reply:?}");
    let items = reply.json()["items"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(items.len(), 3);
    assert_eq!(items[0], json!({"html": "<i>a</i>"}));
    assert_eq!(items[1]["error"]["code"], "unknown_policy");
    assert_eq!(items[2]["report"]["changed"], false);

    let four = json!({"items": [{"html": "a"}, {"html": "b"}, {"html": "c"}, {"html": "d"}]});
    let reply = server.post_json("/v1/clean-many", &four);
    assert_eq!(
        (reply.status, reply.error_code().as_str()),
        (413, "batch_too_large")
    );
}

/// Each fault answers with its status and a JSON error, and the service
/// answers the next request.
#[test]
fn faults_answer_json_errors_and_the_service_stays_up() {
    let server = Server::start(&["--max-body", "1000"]);
    let cases: Vec<(&str, Reply, u16, &str)> = vec![
        (
            "malformed JSON",
            server.post("/v1/clean", "application/json", "{\"html\": "),
            400,
            "bad_request",
        ),
        (
            "wrong type",
            server.post_json("/v1/clean", &json!({"html": ["x"]})),
            400,
            "bad_request",
        ),
        (
            "unknown field",
            server.post_json("/v1/clean", &json!({"html": "x", "polcy": "ugc"})),
            400,
            "bad_request",
        ),
        (
            "unknown policy",
            server.post_json("/v1/clean", &json!({"html": "x", "policy": "nope"})),
            404,
            "unknown_policy",
        ),
        (
            "form content type",
            server.post("/v1/clean", "application/x-www-form-urlencoded", "html=x"),
            415,
            "unsupported_media_type",
        ),
        (
            "strict limits",
            server.post_json(
                "/v1/clean",
                &json!({"html": "<div>".repeat(150), "strict_limits": true}),
            ),
            422,
            "limit_exceeded",
        ),
        (
            "bad inline policy",
            server.post_json(
                "/v1/clean",
                &json!({"html": "x", "policy_toml": "tags = 3"}),
            ),
            422,
            "invalid_policy",
        ),
        ("unknown path", server.get("/v2/clean"), 404, "not_found"),
        (
            "wrong method",
            server.get("/v1/clean"),
            405,
            "method_not_allowed",
        ),
    ];
    for (name, reply, status, code) in cases {
        assert_eq!(reply.status, status, "{name}: {reply:?}");
        assert_eq!(reply.error_code(), code, "{name}");
    }
    // Without strict_limits, the same input is shown as text, with the
    // limit in the report.
    let deep = "<div>".repeat(150);
    let lenient = server.post_json("/v1/clean", &json!({"html": deep, "report": true}));
    assert_eq!(lenient.status, 200);
    let value = lenient.json();
    let library = Policy::ugc().clean_report(&deep);
    assert_eq!(value["html"], library.html);
    assert!(library.report.limit_exceeded().is_some());
    assert_eq!(value["report"]["changes"][0]["kind"], "input");
    assert_eq!(server.get("/healthz").body, "ok\n");
}

/// A body over `--max-body` is refused from its Content-Length, before any
/// of it is sent; a chunked one as soon as it passes the limit.
#[test]
fn oversized_bodies_are_refused_without_reading_them() {
    let server = Server::start(&["--max-body", "1000"]);
    let mut stream = server.connect();
    stream
        .write_all(
            b"POST /v1/clean HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 50000000\r\n\r\n",
        )
        .expect("write head");
    // No body is sent: the answer must come without it.
    let reply = read_reply(&mut stream);
    assert_eq!(
        (reply.status, reply.error_code().as_str()),
        (413, "body_too_large")
    );

    let mut stream = server.connect();
    let chunk = format!("{{\"html\": \"{}\"}}", "x".repeat(1500));
    let raw = format!(
        "POST /v1/clean HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n{:x}\r\n{chunk}\r\n0\r\n\r\n",
        chunk.len()
    );
    stream.write_all(raw.as_bytes()).expect("write chunked");
    let reply = read_reply(&mut stream);
    assert_eq!(
        (reply.status, reply.error_code().as_str()),
        (413, "body_too_large")
    );
    let ok = server.post_json("/v1/clean", &json!({"html": "<b>fine</b>"}));
    assert_eq!(ok.json()["html"], "<b>fine</b>");
}

/// Starts a request whose body never finishes arriving: it holds its
/// place (a permit) until the timeout or until the rest is sent.
fn slow_request(server: &Server, body: &str, sent: usize) -> TcpStream {
    let mut stream = server.connect();
    let head = format!(
        "POST /v1/clean HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).expect("write head");
    stream
        .write_all(&body.as_bytes()[..sent])
        .expect("write part of the body");
    stream.flush().expect("flush");
    stream
}

/// Polls until the service counts `n` requests in flight, so that the
/// next step does not race the slow request's arrival.
fn wait_in_flight(server: &Server, n: usize) {
    let start = Instant::now();
    // The /metrics request itself is in flight while it is answered.
    let want = format!("safe_markup_in_flight {}\n", n + 1);
    while !server.get("/metrics").body.contains(&want) {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "never {n} in flight"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn slow_body_times_out() {
    let server = Server::start(&["--timeout", "0.5"]);
    let start = Instant::now();
    let mut stream = slow_request(&server, "{\"html\": \"<b>x</b>\"}", 5);
    let reply = read_reply(&mut stream);
    assert_eq!(
        (reply.status, reply.error_code().as_str()),
        (408, "body_timeout")
    );
    let waited = start.elapsed();
    assert!(
        waited >= Duration::from_millis(450) && waited < Duration::from_secs(5),
        "{waited:?}"
    );
    let metrics = server.get("/metrics").body;
    assert!(
        metrics.contains("safe_markup_limit_hits_total{limit=\"timeout\"} 1"),
        "{metrics}"
    );
}

#[test]
fn concurrency_limit_refuses_with_503() {
    let server = Server::start(&["--max-concurrent", "1"]);
    let body = "{\"html\": \"<i>held</i>\"}";
    let mut held = slow_request(&server, body, 4);
    wait_in_flight(&server, 1);
    let refused = server.post_json("/v1/clean", &json!({"html": "x"}));
    assert_eq!(
        (refused.status, refused.error_code().as_str()),
        (503, "busy")
    );
    assert_eq!(refused.header("retry-after"), Some("1"));
    // The held request completes once its body arrives, and frees its place.
    held.write_all(&body.as_bytes()[4..])
        .expect("rest of the body");
    assert_eq!(read_reply(&mut held).json()["html"], "<i>held</i>");
    let after = server.post_json("/v1/clean", &json!({"html": "x"}));
    assert_eq!(after.status, 200, "{after:?}");
    let metrics = server.get("/metrics").body;
    assert!(
        metrics.contains("safe_markup_limit_hits_total{limit=\"concurrency\"} 1"),
        "{metrics}"
    );
}

/// SIGTERM: no new connections, but the request in flight is answered,
/// then the process exits 0.
#[test]
fn sigterm_finishes_requests_in_flight() {
    let mut server = Server::start(&[]);
    let body = "{\"html\": \"<b onclick=x>last</b>\"}";
    let mut in_flight = slow_request(&server, body, 10);
    wait_in_flight(&server, 1);
    server.terminate();
    // Give the signal time to land before the rest of the body.
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        server.child.try_wait().expect("try_wait").is_none(),
        "exited with a request in flight"
    );
    in_flight
        .write_all(&body.as_bytes()[10..])
        .expect("rest of the body");
    let reply = read_reply(&mut in_flight);
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.json()["html"], "<b>last</b>");
    assert_eq!(server.wait_exit(Duration::from_secs(10)), Some(0));
    assert!(TcpStream::connect(server.addr).is_err(), "still accepting");
}

#[test]
fn metrics_count_by_status_policy_and_bytes() {
    let server = Server::start(&["--preset", "ugc", "--preset", "strict"]);
    let body = json!({"html": "<b>x</b>", "policy": "strict"}).to_string();
    for _ in 0..3 {
        assert_eq!(
            server.post("/v1/clean", "application/json", &body).status,
            200
        );
    }
    server.post_json("/v1/clean", &json!({"html": "x", "policy": "made-up-name"}));
    let reply = server.get("/metrics");
    assert_eq!(reply.status, 200);
    assert!(
        reply
            .header("content-type")
            .is_some_and(|t| t.starts_with("text/plain; version=0.0.4"))
    );
    let text = reply.body;
    for line in [
        "safe_markup_requests_total{endpoint=\"/v1/clean\",policy=\"strict\",status=\"200\"} 3",
        // A name the client made up is never a label.
        "safe_markup_requests_total{endpoint=\"/v1/clean\",policy=\"unknown\",status=\"404\"} 1",
        "safe_markup_request_duration_seconds_count{endpoint=\"/v1/clean\"} 4",
    ] {
        assert!(text.contains(line), "missing {line} in\n{text}");
    }
    assert!(!text.contains("made-up-name"));
    let bytes_in = text
        .lines()
        .find_map(|l| l.strip_prefix("safe_markup_request_bytes_total "))
        .and_then(|n| n.parse::<usize>().ok());
    let sent = 3 * body.len()
        + json!({"html": "x", "policy": "made-up-name"})
            .to_string()
            .len();
    assert_eq!(bytes_in, Some(sent));
}

/// A bad policy stops the start with the error a cleaning run prints, and
/// exit code 2.
#[test]
fn bad_policy_file_stops_the_start() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("site.toml");
    std::fs::write(&path, "tags = [\"script\"]\n").expect("write policy");
    let path = path.to_str().expect("UTF-8 temp path");
    let serve = Command::new(BIN)
        .args(["serve", "--addr", "127.0.0.1:0", "--policy", path])
        .output()
        .expect("run serve");
    let clean = Command::new(BIN)
        .args(["--policy", path])
        .stdin(Stdio::null())
        .output()
        .expect("run clean");
    assert_eq!(serve.status.code(), Some(2));
    assert_eq!(clean.status.code(), Some(2));
    let first_line = |out: &[u8]| {
        String::from_utf8_lossy(out)
            .lines()
            .next()
            .map(str::to_owned)
    };
    let serve_err = first_line(&serve.stderr);
    assert!(
        serve_err
            .as_deref()
            .is_some_and(|l| l.contains("`script` cannot be kept")),
        "{serve_err:?}"
    );
    assert_eq!(serve_err, first_line(&clean.stderr));
    assert!(serve.stdout.is_empty(), "it must not say it listens");

    let twice = Command::new(BIN)
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--preset",
            "ugc",
            "--preset",
            "ugc",
        ])
        .output()
        .expect("run serve");
    assert_eq!(twice.status.code(), Some(2));
}

#[test]
fn playground_page_and_policy_check() {
    let server = Server::start(&[]);
    let page = server.get("/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<iframe id=\"preview\" sandbox=\"\""));
    let csp = page.header("content-security-policy").unwrap_or_default();
    assert!(
        csp.contains("default-src 'none'") && csp.contains("script-src 'self';"),
        "{csp}"
    );
    assert_eq!(server.get("/assets/app.js").status, 200);
    let check = server.post_json(
        "/v1/policy/check",
        &json!({"toml": "preset = \"ugc\"\ntags = [\"p\",\n  \"style\"]\n"}),
    );
    assert_eq!(
        (check.status, check.error_code().as_str()),
        (422, "invalid_policy")
    );
    assert_eq!(check.json()["error"]["line"], 3);
    let ok = server.post_json("/v1/policy/check", &json!({"toml": "preset = \"strict\""}));
    assert_eq!(ok.json(), json!({"ok": true}));

    let off = Server::start(&["--no-playground"]);
    assert_eq!(off.get("/").status, 404);
    let inline = off.post_json(
        "/v1/clean",
        &json!({"html": "x", "policy_toml": "preset = \"ugc\""}),
    );
    assert_eq!(
        (inline.status, inline.error_code().as_str()),
        (403, "inline_policy_disabled")
    );
}
