//! The endpoints. Cleaning runs on tokio's blocking pool, so a large post
//! never stalls the threads that accept and read other requests, and the
//! request timeout can answer even while a clean is still running.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use http_body_util::BodyExt;
use safe_markup::{Cleaned, Limit, Policy, PolicyErrorKind, Report};
use serde::{Deserialize, Serialize};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::timeout_at;

use super::ServeArgs;
use super::error::{ApiError, PolicyProblem};
use super::metrics::{BytesIn, Metrics, PolicyLabel};
use super::policies::{Policies, with_spans};

/// `excerpt_chars` when a request asks for an excerpt without it.
const DEFAULT_EXCERPT_CHARS: usize = 200;

/// What every request shares.
pub struct App {
    pub policies: Policies,
    pub metrics: Metrics,
    permits: Arc<Semaphore>,
    max_body: usize,
    max_batch: usize,
    timeout: std::time::Duration,
    playground: bool,
}

impl App {
    pub fn new(args: ServeArgs, policies: Policies) -> App {
        App {
            policies,
            metrics: Metrics::default(),
            permits: Arc::new(Semaphore::new(args.max_concurrent)),
            max_body: args.max_body,
            max_batch: args.max_batch,
            timeout: args.timeout,
            playground: args.playground,
        }
    }
}

pub fn router(app: Arc<App>) -> Router {
    let mut routes = Router::new()
        .route("/v1/clean", post(clean))
        .route("/v1/clean-many", post(clean_many))
        .route("/v1/policy/check", post(check_policy))
        .route("/v1/policies", get(list_policies))
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/metrics", get(metrics));
    if app.playground {
        routes = routes.merge(super::playground::routes());
    }
    layered(routes, app)
}

/// The layers every route gets: JSON answers for unknown paths and
/// methods, panics caught (a bug in one request must not end the others),
/// and metrics outermost, so that caught panics are counted too.
pub fn layered(routes: Router<Arc<App>>, app: Arc<App>) -> Router {
    routes
        .fallback(|| async { not_found() })
        .method_not_allowed_fallback(|| async {
            error_json(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "method not allowed here",
            )
        })
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            |_panic: Box<dyn std::any::Any + Send>| ApiError::Internal.into_response(),
        ))
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            super::metrics::track,
        ))
        .with_state(app)
}

fn not_found() -> Response {
    error_json(StatusCode::NOT_FOUND, "not_found", "no such endpoint")
}

fn error_json(status: StatusCode, code: &'static str, message: &str) -> Response {
    let body = serde_json::json!({"error": {"code": code, "message": message}});
    (status, Json(body)).into_response()
}

/// The output form of a clean.
#[derive(Clone, Copy, Debug, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Form {
    #[default]
    Html,
    Excerpt,
    Text,
}

/// One clean, as JSON (a `/v1/clean` body or a batch item) or as the query
/// of an HTML body (without `html`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CleanRequest {
    #[serde(default)]
    html: String,
    /// A configured policy's name; default the first.
    #[serde(default)]
    policy: Option<String>,
    /// A policy in TOML, built for this request (the playground).
    #[serde(default)]
    policy_toml: Option<String>,
    #[serde(default)]
    form: Form,
    #[serde(default)]
    excerpt_chars: Option<usize>,
    /// Answer with the report.
    #[serde(default)]
    report: bool,
    /// Past a policy limit, refuse (422) instead of showing the input as
    /// text.
    #[serde(default)]
    strict_limits: bool,
}

/// The JSON for an HTML body's query: the same options, no `html`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HtmlQuery {
    #[serde(default)]
    policy: Option<String>,
    #[serde(default)]
    form: Form,
    #[serde(default)]
    excerpt_chars: Option<usize>,
    #[serde(default)]
    strict_limits: bool,
}

#[derive(Debug, Serialize)]
pub struct CleanAnswer {
    html: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    report: Option<ReportJson>,
}

/// The report as `--report json` writes it for an input, less the file:
/// `{"changed": …, "changes": [Change, …]}`.
#[derive(Debug, Serialize)]
struct ReportJson {
    changed: bool,
    #[serde(flatten)]
    report: Report,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Batch {
    items: Vec<CleanRequest>,
}

/// One batch item's answer: the clean, or why it failed.
#[derive(Debug, Serialize)]
#[serde(untagged)]
enum BatchItem {
    Ok(CleanAnswer),
    Err(super::error::ErrorBody),
}

#[derive(Debug, Serialize)]
struct BatchAnswer {
    items: Vec<BatchItem>,
}

/// The library's serde name of a limit (`depth`, `input_bytes`).
pub fn limit_name(limit: Limit) -> String {
    match serde_json::to_value(limit) {
        Ok(serde_json::Value::String(s)) => s,
        _ => limit.to_string(),
    }
}

/// What the metrics learn from one request, whatever its outcome.
#[derive(Default)]
struct Seen {
    bytes_in: u64,
    policy: Option<String>,
}

impl Seen {
    fn tag(self, mut response: Response) -> Response {
        response.extensions_mut().insert(BytesIn(self.bytes_in));
        if let Some(policy) = self.policy {
            response.extensions_mut().insert(PolicyLabel(policy));
        }
        response
    }
}

/// How a body is framed.
enum BodyKind {
    Json,
    Html,
}

fn body_kind(headers: &HeaderMap) -> Result<BodyKind, ApiError> {
    let raw = headers
        .get(header::CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default();
    let essence = raw
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "application/json" => Ok(BodyKind::Json),
        "text/html" => Ok(BodyKind::Html),
        _ if raw.is_empty() => Err(ApiError::UnsupportedMediaType("(none)".to_owned())),
        _ => Err(ApiError::UnsupportedMediaType(raw)),
    }
}

/// Reads at most `max` bytes of body; refuses a larger one as soon as it
/// is known to be larger (from `Content-Length`, before reading anything),
/// so an oversized upload costs no more than `max` bytes of memory.
async fn read_body(headers: &HeaderMap, body: Body, max: usize) -> Result<Vec<u8>, ApiError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max as u64) {
        return Err(ApiError::BodyTooLarge { max });
    }
    let capacity = declared.map_or(0, |n| n.min(max as u64) as usize);
    let mut buf = Vec::with_capacity(capacity);
    let mut body = body;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| ApiError::BodyRead(e.to_string()))?;
        if let Ok(data) = frame.into_data() {
            if buf.len() + data.len() > max {
                return Err(ApiError::BodyTooLarge { max });
            }
            buf.extend_from_slice(&data);
        }
    }
    Ok(buf)
}

/// A permit to handle one request, or `Busy`.
fn permit(app: &App) -> Result<OwnedSemaphorePermit, ApiError> {
    app.permits
        .clone()
        .try_acquire_owned()
        .map_err(|_| ApiError::Busy)
}

/// Bodies up to this size are cleaned on the thread that read them: a
/// clean of 16 KiB takes well under a millisecond, less than handing it to
/// another thread costs in latency (measured with `examples/load.rs`:
/// 1 KB posts went from 18 000 to 29 000 requests per second on 2 busy
/// cores).
/// Larger ones go to the blocking pool, where the timeout can answer for
/// them.
const INLINE_MAX: usize = 16 * 1024;

/// Runs `work` on the blocking pool before `deadline`, or right here for a
/// body of at most [`INLINE_MAX`] bytes. The permit goes with the work: a
/// clean that outlives its request still holds it, so timed-out cleans
/// cannot pile up past `--max-concurrent`.
async fn blocking<T: Send + 'static>(
    permit: OwnedSemaphorePermit,
    deadline: tokio::time::Instant,
    body_len: usize,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    if body_len <= INLINE_MAX {
        let value = work();
        drop(permit);
        return Ok(value);
    }
    let task = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        work()
    });
    match timeout_at(deadline, task).await {
        Err(_) => Err(ApiError::CleanTimeout),
        Ok(Err(_join)) => Err(ApiError::Internal),
        Ok(Ok(value)) => Ok(value),
    }
}

async fn clean(State(app): State<Arc<App>>, uri: Uri, headers: HeaderMap, body: Body) -> Response {
    let mut seen = Seen::default();
    let response = match clean_inner(&app, &uri, &headers, body, &mut seen).await {
        Ok(response) => response,
        Err(err) => err.into_response(),
    };
    seen.tag(response)
}

async fn clean_inner(
    app: &Arc<App>,
    uri: &Uri,
    headers: &HeaderMap,
    body: Body,
    seen: &mut Seen,
) -> Result<Response, ApiError> {
    let permit = permit(app)?;
    let deadline = tokio::time::Instant::now() + app.timeout;
    let kind = body_kind(headers)?;
    let bytes = timeout_at(deadline, read_body(headers, body, app.max_body))
        .await
        .map_err(|_| ApiError::BodyTimeout)??;
    seen.bytes_in = bytes.len() as u64;
    let body_len = bytes.len();
    let (request, html_body) = match kind {
        BodyKind::Json => (parse_json::<CleanRequest>(&bytes)?, false),
        BodyKind::Html => {
            let Query(query) = Query::<HtmlQuery>::try_from_uri(uri)
                .map_err(|e| ApiError::BadRequest(format!("bad query: {}", e.body_text())))?;
            let html = String::from_utf8(bytes)
                .map_err(|_| ApiError::BadRequest("the HTML body is not UTF-8".to_owned()))?;
            let request = CleanRequest {
                html,
                policy: query.policy,
                policy_toml: None,
                form: query.form,
                excerpt_chars: query.excerpt_chars,
                report: false,
                strict_limits: query.strict_limits,
            };
            (request, true)
        }
    };
    seen.policy = Some(policy_label(app, &request));
    let worker = app.clone();
    let start = Instant::now();
    let answer = blocking(permit, deadline, body_len, move || {
        clean_one(&worker, request)
    })
    .await??;
    let timing = format!("clean;dur={:.3}", start.elapsed().as_secs_f64() * 1000.0);
    let mut response = if html_body {
        (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            answer.html,
        )
            .into_response()
    } else {
        Json(answer).into_response()
    };
    if let Ok(value) = HeaderValue::from_str(&timing) {
        response.headers_mut().insert("server-timing", value);
    }
    Ok(response)
}

async fn clean_many(State(app): State<Arc<App>>, headers: HeaderMap, body: Body) -> Response {
    let mut seen = Seen::default();
    let response = match clean_many_inner(&app, &headers, body, &mut seen).await {
        Ok(response) => response,
        Err(err) => err.into_response(),
    };
    seen.tag(response)
}

async fn clean_many_inner(
    app: &Arc<App>,
    headers: &HeaderMap,
    body: Body,
    seen: &mut Seen,
) -> Result<Response, ApiError> {
    let permit = permit(app)?;
    let deadline = tokio::time::Instant::now() + app.timeout;
    if !matches!(body_kind(headers)?, BodyKind::Json) {
        return Err(ApiError::UnsupportedMediaType(
            "text/html (a batch is JSON)".to_owned(),
        ));
    }
    let bytes = timeout_at(deadline, read_body(headers, body, app.max_body))
        .await
        .map_err(|_| ApiError::BodyTimeout)??;
    seen.bytes_in = bytes.len() as u64;
    let batch = parse_json::<Batch>(&bytes)?;
    if batch.items.len() > app.max_batch {
        return Err(ApiError::BatchTooLarge {
            items: batch.items.len(),
            max: app.max_batch,
        });
    }
    // A batch is counted under its items' policy when they share one.
    let mut labels = batch.items.iter().map(|item| policy_label(app, item));
    if let Some(first) = labels.next()
        && labels.all(|l| l == first)
    {
        seen.policy = Some(first);
    }
    let worker = app.clone();
    let items = blocking(permit, deadline, bytes.len(), move || {
        batch
            .items
            .into_iter()
            .map(|item| match clean_one(&worker, item) {
                Ok(answer) => BatchItem::Ok(answer),
                Err(err) => BatchItem::Err(err.body()),
            })
            .collect::<Vec<_>>()
    })
    .await?;
    Ok(Json(BatchAnswer { items }).into_response())
}

fn parse_json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| ApiError::BadRequest(format!("bad JSON: {e}")))
}

/// The metrics label of a request's policy: a configured name, `inline`,
/// or `unknown` (never the name a client sent, which would add series).
fn policy_label(app: &App, request: &CleanRequest) -> String {
    if request.policy_toml.is_some() {
        return "inline".to_owned();
    }
    match app.policies.get(request.policy.as_deref()) {
        Some(named) => named.name.clone(),
        None => "unknown".to_owned(),
    }
}

/// One clean, on the calling (blocking) thread.
fn clean_one(app: &App, request: CleanRequest) -> Result<CleanAnswer, ApiError> {
    let inline;
    let policy: &Policy = match (&request.policy_toml, &request.policy) {
        (Some(_), Some(_)) => {
            return Err(ApiError::BadRequest(
                "give either policy or policy_toml, not both".to_owned(),
            ));
        }
        (Some(toml), None) => {
            if !app.playground {
                return Err(ApiError::InlinePolicyDisabled);
            }
            let built = build_policy(toml)?;
            inline = if request.report {
                with_spans(&built).map_err(|e| ApiError::InvalidPolicy(problem(toml, &e)))?
            } else {
                built
            };
            &inline
        }
        (None, name) => {
            let named = app
                .policies
                .get(name.as_deref())
                .ok_or_else(|| ApiError::UnknownPolicy(name.clone().unwrap_or_default()))?;
            if request.report {
                &named.spans
            } else {
                &named.plain
            }
        }
    };
    let input = request.html.as_str();
    let cleaned: Option<Cleaned> = if request.strict_limits {
        Some(policy.try_clean(input).map_err(ApiError::LimitExceeded)?)
    } else if request.report {
        Some(policy.clean_report(input))
    } else {
        None
    };
    let html = match request.form {
        Form::Html => match &cleaned {
            Some(c) => c.html.clone(),
            // The common case: no report wanted, so the fast path may
            // answer.
            None => policy.clean(input),
        },
        Form::Excerpt => policy.excerpt(
            input,
            request.excerpt_chars.unwrap_or(DEFAULT_EXCERPT_CHARS),
        ),
        Form::Text => policy.to_text(input),
    };
    let report = match cleaned {
        Some(c) if request.report => Some(ReportJson {
            changed: html != input,
            report: c.report,
        }),
        _ => None,
    };
    Ok(CleanAnswer { html, report })
}

fn build_policy(toml: &str) -> Result<Policy, ApiError> {
    Policy::from_toml(toml).map_err(|e| ApiError::InvalidPolicy(problem(toml, &e)))
}

/// The error, with the line (and column) of the TOML it is about: the
/// parser's own position for syntax and schema errors, else the first line
/// that names the refused tag, attribute, scheme, ….
fn problem(toml: &str, err: &safe_markup::PolicyError) -> PolicyProblem {
    let message = err.to_string();
    let (line, column) = match err.kind() {
        PolicyErrorKind::File { message } => position(message),
        kind => match named_in(kind) {
            Some(name) => (line_naming(toml, name), None),
            None => (None, None),
        },
    };
    PolicyProblem {
        message,
        line,
        column,
    }
}

/// The toml parser says `… at line 3, column 9`.
fn position(message: &str) -> (Option<usize>, Option<usize>) {
    let number_after = |key: &str| -> Option<usize> {
        let at = message.find(key)? + key.len();
        let digits: String = message[at..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().ok()
    };
    (number_after("line "), number_after("column "))
}

/// The name an error is about.
fn named_in(kind: &PolicyErrorKind) -> Option<&str> {
    match kind {
        PolicyErrorKind::RawTextTag { tag }
        | PolicyErrorKind::UnsupportedTag { tag, .. }
        | PolicyErrorKind::MissingTag { tag, .. } => Some(tag),
        PolicyErrorKind::UnsafeAttribute { attr, .. } => Some(attr),
        PolicyErrorKind::InvalidName { name } => Some(name),
        PolicyErrorKind::UnsafeScheme { scheme } => Some(scheme),
        PolicyErrorKind::InvalidBaseUrl { base } => Some(base),
        PolicyErrorKind::InvalidRel { token } => Some(token),
        PolicyErrorKind::InvalidHost { host } => Some(host),
        PolicyErrorKind::UnsafeStyleProperty { property, .. } => Some(property),
        PolicyErrorKind::InvalidIdPrefix { prefix } => Some(prefix),
        _ => None,
    }
}

/// The 1-based number of the first line holding `name` as a quoted TOML
/// string (or inside one, for a `rel` token).
fn line_naming(toml: &str, name: &str) -> Option<usize> {
    let quoted = [format!("\"{name}\""), format!("'{name}'")];
    let lines = || toml.lines().enumerate();
    lines()
        .find(|(_, line)| quoted.iter().any(|q| line.contains(q.as_str())))
        .or_else(|| lines().find(|(_, line)| !name.is_empty() && line.contains(name)))
        .map(|(i, _)| i + 1)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckRequest {
    toml: String,
}

async fn check_policy(State(app): State<Arc<App>>, headers: HeaderMap, body: Body) -> Response {
    let result = async {
        if !app.playground {
            return Err(ApiError::InlinePolicyDisabled);
        }
        let _permit = permit(&app)?;
        if !matches!(body_kind(&headers)?, BodyKind::Json) {
            return Err(ApiError::UnsupportedMediaType("text/html".to_owned()));
        }
        let deadline = tokio::time::Instant::now() + app.timeout;
        let bytes = timeout_at(deadline, read_body(&headers, body, app.max_body))
            .await
            .map_err(|_| ApiError::BodyTimeout)??;
        let request = parse_json::<CheckRequest>(&bytes)?;
        build_policy(&request.toml)?;
        Ok(Json(serde_json::json!({"ok": true})).into_response())
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

async fn list_policies(State(app): State<Arc<App>>) -> Response {
    let names = app.policies.names();
    Json(serde_json::json!({
        "policies": names,
        "default": names.first(),
        "inline": app.playground,
    }))
    .into_response()
}

async fn metrics(State(app): State<Arc<App>>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        app.metrics.render(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower::ServiceExt;

    fn app() -> Arc<App> {
        let Ok(super::super::args::ServeCommand::Serve(args)) =
            ServeArgs::parse(lexopt::Parser::from_args(["--preset", "ugc"]))
        else {
            panic!("serve args");
        };
        let policies = Policies::load(&args).unwrap_or_else(|e| panic!("{e}"));
        Arc::new(App::new(args, policies))
    }

    async fn get(router: &Router, path: &str) -> (StatusCode, String) {
        let request = axum::http::Request::get(path)
            .body(Body::empty())
            .unwrap_or_else(|e| panic!("{e}"));
        let response = router
            .clone()
            .oneshot(request)
            .await
            .unwrap_or_else(|e| match e {});
        let status = response.status();
        let bytes = response
            .into_body()
            .collect()
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .to_bytes();
        (status, String::from_utf8_lossy(&bytes).into_owned())
    }

    /// A handler that panics answers 500 with a JSON error, and the next
    /// request is served: the layer that `router` uses catches it. No
    /// real route panics, so the test adds one.
    #[tokio::test]
    async fn a_panic_is_one_500_not_a_crash() {
        let app = app();
        let routes = Router::new()
            .route("/boom", get_route())
            .route("/healthz", axum::routing::get(|| async { "ok\n" }));
        let router = layered(routes, app.clone());
        let (status, body) = get(&router, "/boom").await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        let value: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
        assert_eq!(value["error"]["code"], "internal");
        assert_eq!(
            get(&router, "/healthz").await,
            (StatusCode::OK, "ok\n".to_owned())
        );
        let metrics = app.metrics.render();
        assert!(
            metrics.contains("endpoint=\"other\",policy=\"\",status=\"500\"} 1"),
            "{metrics}"
        );
    }

    fn get_route() -> axum::routing::MethodRouter<Arc<App>> {
        axum::routing::get(|| async {
            let v: Vec<u8> = Vec::new();
            // An out-of-bounds index: the kind of bug the layer is for.
            let i = v.len() + 1;
            v[i].to_string()
        })
    }

    #[test]
    fn policy_errors_point_at_their_line() {
        let toml = "preset = \"ugc\"\ntags = [\"p\",\n  \"script\"]\n";
        let Err(err) = Policy::from_toml(toml) else {
            panic!("script cannot be kept");
        };
        let p = problem(toml, &err);
        assert_eq!(p.line, Some(3), "{p:?}");

        let toml = "preset = \"ugc\"\n\ntags = 3\n";
        let Err(err) = Policy::from_toml(toml) else {
            panic!("tags must be a list");
        };
        let p = problem(toml, &err);
        assert_eq!(p.line, Some(3), "{p:?}");
        assert!(p.column.is_some(), "{p:?}");
    }
}
