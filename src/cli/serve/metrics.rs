//! `/metrics` in the Prometheus text format (version 0.0.4), written by
//! hand: a few counters and one histogram do not need a metrics crate.
//!
//! Labels take only values the service chose (endpoint paths it serves,
//! policy names it loaded, status codes, limit names), so a client cannot
//! grow the number of series.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::body::HttpBody;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

use super::api::App;

/// Upper bounds of the latency histogram's buckets, in seconds: fine below
/// 10 ms, where a clean of a post should be.
const BUCKETS: [f64; 14] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 2.5, 10.0,
];

/// Put in a response's extensions by a handler: the policy it cleaned with.
#[derive(Clone)]
pub struct PolicyLabel(pub String);
/// Put in a response's extensions by a handler: the body bytes it read.
#[derive(Clone, Copy)]
pub struct BytesIn(pub u64);
/// Put in an error response's extensions: the limit that refused it.
#[derive(Clone)]
pub struct LimitHit(pub String);

#[derive(Default)]
pub struct Metrics {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    /// (endpoint, policy, status) → count.
    requests: BTreeMap<(&'static str, String, u16), u64>,
    /// endpoint → (bucket counts, sum of seconds, count).
    latency: BTreeMap<&'static str, Histogram>,
    bytes_in: u64,
    bytes_out: u64,
    limit_hits: BTreeMap<String, u64>,
    in_flight: i64,
}

#[derive(Default)]
struct Histogram {
    buckets: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

impl Metrics {
    fn with<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        // A panic while holding the lock leaves plain counters, still
        // meaningful: keep counting rather than fail every request.
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut inner)
    }

    fn record(&self, endpoint: &'static str, response: &Response, elapsed: Duration) {
        let policy = response
            .extensions()
            .get::<PolicyLabel>()
            .map_or_else(String::new, |p| p.0.clone());
        let bytes_in = response.extensions().get::<BytesIn>().map_or(0, |b| b.0);
        let bytes_out = response.body().size_hint().exact().unwrap_or(0);
        let limit = response.extensions().get::<LimitHit>().map(|l| l.0.clone());
        let status = response.status().as_u16();
        let seconds = elapsed.as_secs_f64();
        self.with(|m| {
            *m.requests.entry((endpoint, policy, status)).or_default() += 1;
            let h = m.latency.entry(endpoint).or_default();
            // Cumulative buckets are summed when written; here each
            // observation counts in the first bucket that holds it.
            if let Some(i) = BUCKETS.iter().position(|b| seconds <= *b) {
                h.buckets[i] += 1;
            }
            h.sum += seconds;
            h.count += 1;
            m.bytes_in += bytes_in;
            m.bytes_out += bytes_out;
            if let Some(limit) = limit {
                *m.limit_hits.entry(limit).or_default() += 1;
            }
        });
    }

    /// The text exposition.
    pub fn render(&self) -> String {
        self.with(|m| {
            let mut out = String::new();
            out.push_str("# HELP safe_markup_requests_total HTTP requests answered, by endpoint, policy and status.\n");
            out.push_str("# TYPE safe_markup_requests_total counter\n");
            for ((endpoint, policy, status), n) in &m.requests {
                let _ = writeln!(
                    out,
                    "safe_markup_requests_total{{endpoint=\"{endpoint}\",policy=\"{}\",status=\"{status}\"}} {n}",
                    escape_label(policy)
                );
            }
            out.push_str("# HELP safe_markup_request_duration_seconds Time from request to response head.\n");
            out.push_str("# TYPE safe_markup_request_duration_seconds histogram\n");
            for (endpoint, h) in &m.latency {
                let mut cumulative = 0;
                for (bound, n) in BUCKETS.iter().zip(h.buckets) {
                    cumulative += n;
                    let _ = writeln!(
                        out,
                        "safe_markup_request_duration_seconds_bucket{{endpoint=\"{endpoint}\",le=\"{bound}\"}} {cumulative}"
                    );
                }
                let _ = writeln!(
                    out,
                    "safe_markup_request_duration_seconds_bucket{{endpoint=\"{endpoint}\",le=\"+Inf\"}} {}\n\
                     safe_markup_request_duration_seconds_sum{{endpoint=\"{endpoint}\"}} {}\n\
                     safe_markup_request_duration_seconds_count{{endpoint=\"{endpoint}\"}} {}",
                    h.count, h.sum, h.count
                );
            }
            let _ = writeln!(
                out,
                "# HELP safe_markup_request_bytes_total Request body bytes read.\n\
                 # TYPE safe_markup_request_bytes_total counter\n\
                 safe_markup_request_bytes_total {}\n\
                 # HELP safe_markup_response_bytes_total Response body bytes written.\n\
                 # TYPE safe_markup_response_bytes_total counter\n\
                 safe_markup_response_bytes_total {}\n\
                 # HELP safe_markup_in_flight Requests being handled now.\n\
                 # TYPE safe_markup_in_flight gauge\n\
                 safe_markup_in_flight {}",
                m.bytes_in, m.bytes_out, m.in_flight
            );
            out.push_str("# HELP safe_markup_limit_hits_total Requests refused by a limit (body, batch, concurrency, timeout, policy_*).\n");
            out.push_str("# TYPE safe_markup_limit_hits_total counter\n");
            for (limit, n) in &m.limit_hits {
                let _ = writeln!(out, "safe_markup_limit_hits_total{{limit=\"{limit}\"}} {n}");
            }
            out
        })
    }
}

/// Label values are policy names from file stems: escape what the format
/// reserves.
fn escape_label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The endpoints counted by name; anything else is `other`, so that
/// scanning for paths cannot add series.
fn endpoint(path: &str) -> &'static str {
    match path {
        "/v1/clean" => "/v1/clean",
        "/v1/clean-many" => "/v1/clean-many",
        "/v1/policy/check" => "/v1/policy/check",
        "/v1/policies" => "/v1/policies",
        "/healthz" => "/healthz",
        "/metrics" => "/metrics",
        "/" => "/",
        p if p.starts_with("/assets/") => "/assets",
        _ => "other",
    }
}

/// Middleware: counts every request, with its latency to the response
/// head.
pub async fn track(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let endpoint = endpoint(request.uri().path());
    let start = Instant::now();
    app.metrics.with(|m| m.in_flight += 1);
    let response = next.run(request).await;
    app.metrics.with(|m| m.in_flight -= 1);
    app.metrics.record(endpoint, &response, start.elapsed());
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_is_cumulative_and_labels_escaped() {
        let metrics = Metrics::default();
        let mut response = Response::new(axum::body::Body::from("12345"));
        response
            .extensions_mut()
            .insert(PolicyLabel("a\"b".to_owned()));
        metrics.record("/v1/clean", &response, Duration::from_micros(300));
        metrics.record("/v1/clean", &response, Duration::from_millis(3));
        let text = metrics.render();
        assert!(
            text.contains(
                "safe_markup_requests_total{endpoint=\"/v1/clean\",policy=\"a\\\"b\",status=\"200\"} 2"
            ),
            "{text}"
        );
        assert!(text.contains("le=\"0.0005\"} 1\n"), "{text}");
        assert!(text.contains("le=\"0.005\"} 2\n"), "{text}");
        assert!(text.contains("le=\"+Inf\"} 2\n"), "{text}");
        assert!(
            text.contains("safe_markup_response_bytes_total 10\n"),
            "{text}"
        );
    }
}
