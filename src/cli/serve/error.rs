//! What a request can fail with. Every error answers with its status and a
//! JSON body `{"error": {"code": "...", "message": "..."}}` (plus `line`
//! and `column` for a policy that does not build), and the service goes
//! on.

use std::fmt;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// One request's failure.
#[derive(Debug)]
pub enum ApiError {
    /// The body is not the JSON the endpoint takes (syntax, a wrong type,
    /// a missing field), or not UTF-8.
    BadRequest(String),
    /// No policy by that name.
    UnknownPolicy(String),
    /// The body is larger than `--max-body`.
    BodyTooLarge { max: usize },
    /// More batch items than `--max-batch`.
    BatchTooLarge { items: usize, max: usize },
    /// Neither JSON nor HTML.
    UnsupportedMediaType(String),
    /// `strict_limits`: the input crossed one of the policy's limits.
    LimitExceeded(safe_markup::CleanError),
    /// A policy sent in the request does not build.
    InvalidPolicy(PolicyProblem),
    /// A policy sent in the request while the playground is off.
    InlinePolicyDisabled,
    /// `--max-concurrent` requests are already being handled.
    Busy,
    /// The body did not arrive within `--timeout`.
    BodyTimeout,
    /// Cleaning did not finish within `--timeout`.
    CleanTimeout,
    /// Reading the body failed (the client went away mid-body).
    BodyRead(String),
    /// A bug: a handler panicked. The panic is caught and the service goes
    /// on.
    Internal,
}

/// Why a policy does not build, and where in its TOML, when known.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyProblem {
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) | ApiError::BodyRead(_) => StatusCode::BAD_REQUEST,
            ApiError::UnknownPolicy(_) => StatusCode::NOT_FOUND,
            ApiError::BodyTooLarge { .. } | ApiError::BatchTooLarge { .. } => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::LimitExceeded(_) | ApiError::InvalidPolicy(_) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ApiError::InlinePolicyDisabled => StatusCode::FORBIDDEN,
            ApiError::Busy | ApiError::CleanTimeout => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::BodyTimeout => StatusCode::REQUEST_TIMEOUT,
            ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A stable name for clients to match on.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest(_) => "bad_request",
            ApiError::BodyRead(_) => "body_read",
            ApiError::UnknownPolicy(_) => "unknown_policy",
            ApiError::BodyTooLarge { .. } => "body_too_large",
            ApiError::BatchTooLarge { .. } => "batch_too_large",
            ApiError::UnsupportedMediaType(_) => "unsupported_media_type",
            ApiError::LimitExceeded(_) => "limit_exceeded",
            ApiError::InvalidPolicy(_) => "invalid_policy",
            ApiError::InlinePolicyDisabled => "inline_policy_disabled",
            ApiError::Busy => "busy",
            ApiError::BodyTimeout => "body_timeout",
            ApiError::CleanTimeout => "clean_timeout",
            ApiError::Internal => "internal",
        }
    }

    /// The name under which `/metrics` counts this as a limit hit, if it
    /// is one.
    pub fn limit(&self) -> Option<String> {
        match self {
            ApiError::BodyTooLarge { .. } => Some("body".to_owned()),
            ApiError::BatchTooLarge { .. } => Some("batch".to_owned()),
            ApiError::Busy => Some("concurrency".to_owned()),
            ApiError::BodyTimeout | ApiError::CleanTimeout => Some("timeout".to_owned()),
            ApiError::LimitExceeded(err) => match err.kind() {
                safe_markup::CleanErrorKind::LimitExceeded { limit, .. } => {
                    Some(format!("policy_{}", super::api::limit_name(*limit)))
                }
                _ => Some("policy".to_owned()),
            },
            _ => None,
        }
    }

    /// The JSON body, also used for one failed item of a batch.
    pub fn body(&self) -> ErrorBody {
        let (line, column) = match self {
            ApiError::InvalidPolicy(p) => (p.line, p.column),
            _ => (None, None),
        };
        ErrorBody {
            error: ErrorDetail {
                code: self.code(),
                message: self.to_string(),
                line,
                column,
            },
        }
    }
}

#[derive(Debug, Serialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize)]
pub struct ErrorDetail {
    pub code: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::BadRequest(message) => f.write_str(message),
            ApiError::BodyRead(message) => write!(f, "cannot read the request body: {message}"),
            ApiError::UnknownPolicy(name) => write!(f, "no policy named '{name}'"),
            ApiError::BodyTooLarge { max } => {
                write!(f, "request body larger than {max} bytes")
            }
            ApiError::BatchTooLarge { items, max } => {
                write!(f, "{items} items in the batch; at most {max}")
            }
            ApiError::UnsupportedMediaType(got) => write!(
                f,
                "content type '{got}' not supported: send application/json or text/html"
            ),
            ApiError::LimitExceeded(err) => err.fmt(f),
            ApiError::InvalidPolicy(problem) => f.write_str(&problem.message),
            ApiError::InlinePolicyDisabled => f.write_str(
                "policies sent in the request are off (the service runs with --no-playground)",
            ),
            ApiError::Busy => f.write_str("too many requests in flight; retry shortly"),
            ApiError::BodyTimeout => f.write_str("the request body did not arrive in time"),
            ApiError::CleanTimeout => f.write_str("cleaning did not finish in time"),
            ApiError::Internal => f.write_str("internal error (a bug; the service goes on)"),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status(), Json(self.body())).into_response();
        if matches!(self, ApiError::Busy) {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("1"),
            );
        }
        if let Some(limit) = self.limit() {
            response
                .extensions_mut()
                .insert(super::metrics::LimitHit(limit));
        }
        response
    }
}
