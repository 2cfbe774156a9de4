//! The call log and injected call failures: two middleware layers around every platform route
//! (`/open-apis/...` and `/callback/ws/endpoint`). The log records method, path, HTTP status and
//! platform code of each call and the app it was made for; the fault layer answers the next N
//! calls matching a path with a chosen status and code before they reach their handler.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::error::{ApiCode, ApiError};
use crate::ids::now_ms;
use crate::state::SimState;

/// At most this many calls are kept; the oldest are forgotten first.
const MAX_CALLS: usize = 100_000;
/// Token and endpoint requests are small; larger bodies are not inspected for an app id.
const MAX_INSPECTED_BODY: usize = 64 * 1024;

/// One API call as the platform saw it.
#[derive(Debug, Clone, Serialize)]
pub struct CallRecord {
    pub at_ms: u64,
    /// The app whose token (or credentials) the call carried, when known.
    pub app_id: Option<String>,
    pub method: String,
    pub path: String,
    pub status: u16,
    /// The platform code of the answer (`code` of the envelope), when it had one.
    pub code: Option<i64>,
}

/// Fail the next `remaining` calls whose path matches `pattern`.
#[derive(Debug, Clone, Serialize)]
pub struct FailRule {
    /// `*` matches any run of characters; a pattern without `*` matches any path containing it.
    pub pattern: String,
    pub remaining: u32,
    pub status: u16,
    pub code: i64,
}

/// Whether `path` matches a fail-rule pattern.
pub fn matches(pattern: &str, path: &str) -> bool {
    if !pattern.contains('*') {
        return path.contains(pattern);
    }
    let parts: Vec<&str> = pattern.split('*').collect();
    let mut rest = path;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            match rest.strip_prefix(part) {
                Some(r) => rest = r,
                None => return false,
            }
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(at) => rest = &rest[at + part.len()..],
                None => return false,
            }
        }
    }
    rest.is_empty()
}

fn is_platform_path(path: &str) -> bool {
    path.starts_with("/open-apis/") || path == "/callback/ws/endpoint"
}

/// Answers the call with an injected failure when a rule matches it.
pub async fn inject_faults(
    State(state): State<Arc<SimState>>,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_owned();
    if is_platform_path(&path) {
        let hit = {
            let mut rules = state.faults.lock().expect("faults lock");
            let hit = rules
                .iter_mut()
                .find(|r| r.remaining > 0 && matches(&r.pattern, &path))
                .map(|r| {
                    r.remaining -= 1;
                    (r.status, r.code)
                });
            rules.retain(|r| r.remaining > 0);
            hit
        };
        if let Some((status, code)) = hit {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            return ApiError::new(status, code, "injected failure").into_response();
        }
    }
    next.run(req).await
}

/// Records the call in the log.
pub async fn record_calls(
    State(state): State<Arc<SimState>>,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_owned();
    if !is_platform_path(&path) {
        return next.run(req).await;
    }
    let method = req.method().to_string();
    let (req, app_id) = identify(&state, req).await;
    let resp = next.run(req).await;
    let record = CallRecord {
        at_ms: now_ms(),
        app_id,
        method,
        path,
        status: resp.status().as_u16(),
        code: resp.extensions().get::<ApiCode>().map(|c| c.0),
    };
    push(&state, record);
    resp
}

/// Appends a record to the bounded call log.
pub(crate) fn push(state: &SimState, record: CallRecord) {
    let mut calls = state.calls.lock().expect("calls lock");
    if calls.len() >= MAX_CALLS {
        calls.pop_front();
    }
    calls.push_back(record);
}

/// The token of an `Authorization: Bearer ...` header.
pub(crate) fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().strip_prefix("Bearer "))
        .map(str::trim)
}

/// The app whose token a request carries in `Authorization: Bearer ...`, even an expired one.
pub(crate) fn bearer_app(state: &SimState, headers: &axum::http::HeaderMap) -> Option<String> {
    let token = bearer(headers)?;
    state
        .app_for_token(token)
        .ok()
        .map(|a| a.spec.app_id.clone())
        .or_else(|| state.token_owner(token))
}

/// The app a call is made for: from its bearer token, or for token and endpoint requests from the
/// credentials in the body (which is read and put back).
async fn identify(state: &SimState, req: Request) -> (Request, Option<String>) {
    if bearer(req.headers()).is_some() {
        let app = bearer_app(state, req.headers());
        return (req, app);
    }
    let path = req.uri().path();
    if !(path.starts_with("/open-apis/auth/") || path == "/callback/ws/endpoint") {
        return (req, None);
    }
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_INSPECTED_BODY).await {
        Ok(b) => b,
        Err(_) => return (Request::from_parts(parts, Body::empty()), None),
    };
    let app_id = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|v| {
            v.get("app_id")
                .or_else(|| v.get("AppID"))
                .and_then(|x| x.as_str())
                .map(str::to_owned)
        });
    (Request::from_parts(parts, Body::from(bytes)), app_id)
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn patterns() {
        assert!(matches("/im/v1/messages", "/open-apis/im/v1/messages"));
        assert!(matches(
            "/open-apis/im/*/reply",
            "/open-apis/im/v1/messages/om_1/reply"
        ));
        assert!(!matches(
            "/open-apis/im/*/reply",
            "/open-apis/im/v1/messages/om_1"
        ));
        assert!(matches("*", "/anything"));
    }
}
