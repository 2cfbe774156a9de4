//! The platform's error envelope: `{"code": N, "msg": "...", "error": {"log_id": "..."}}` with the
//! HTTP status the platform uses for that code, and the log id in `X-Tt-Logid`.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// The platform code of a response, stored in its extensions so the call log can record it.
#[derive(Debug, Clone, Copy)]
pub struct ApiCode(pub i64);

/// An error answered in the platform's envelope.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: i64,
    pub msg: String,
    /// More fields of the `error` object, such as `permission_violations` and `helps`.
    pub detail: Option<serde_json::Map<String, serde_json::Value>>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, code: i64, msg: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            msg: msg.into(),
            detail: None,
        }
    }

    /// Adds fields to the `error` object (next to `log_id`).
    pub fn with_detail(mut self, detail: serde_json::Map<String, serde_json::Value>) -> Self {
        self.detail = Some(detail);
        self
    }

    /// 99991661: no `Authorization` header.
    pub fn missing_token() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            99991661,
            "Missing access token for authorization. Please make a request with token attached.",
        )
    }

    /// 99991663: the tenant access token is expired, revoked or never existed.
    pub fn invalid_token() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            99991663,
            "Invalid access token for authorization. Please make a request with token attached.",
        )
    }

    /// 99991671: the token does not look like a tenant or user token.
    pub fn bad_token_format() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            99991671,
            "Invalid access token format, it should start with 't-' or 'u-'.",
        )
    }

    /// A generic invalid parameter, as IM answers it (230001, with the reason after `ext=`).
    pub fn invalid_param(reason: impl std::fmt::Display) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            230001,
            format!("Your request contains an invalid request parameter, ext={reason}"),
        )
    }

    /// 1254xxx-style "field validation failed", used by the docs/sheets/bitable families.
    pub fn bad_request(code: i64, msg: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, msg)
    }

    pub fn not_found(code: i64, msg: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, msg)
    }

    /// 99991400, HTTP 429, with `x-ogw-ratelimit-reset` added by the caller.
    pub fn rate_limited() -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            99991400,
            "request trigger frequency limit",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let log_id = new_log_id();
        let mut error = self.detail.unwrap_or_default();
        error.insert("log_id".into(), log_id.clone().into());
        let body = json!({
            "code": self.code,
            "msg": self.msg,
            "error": error,
        });
        let mut resp = (self.status, axum::Json(body)).into_response();
        if let Ok(v) = HeaderValue::from_str(&log_id) {
            resp.headers_mut().insert("x-tt-logid", v);
        }
        if self.code == 99991400 {
            resp.headers_mut()
                .insert("x-ogw-ratelimit-limit", HeaderValue::from_static("5"));
            resp.headers_mut()
                .insert("x-ogw-ratelimit-reset", HeaderValue::from_static("1"));
        }
        resp.extensions_mut().insert(ApiCode(self.code));
        resp
    }
}

/// A success envelope `{"code":0,"msg":"success","data":...}`.
pub fn ok(data: serde_json::Value) -> Response {
    let mut resp = axum::Json(json!({ "code": 0, "msg": "success", "data": data })).into_response();
    if let Ok(v) = HeaderValue::from_str(&new_log_id()) {
        resp.headers_mut().insert("x-tt-logid", v);
    }
    resp.extensions_mut().insert(ApiCode(0));
    resp
}

/// A log id shaped like the platform's (a timestamp and random hex).
pub fn new_log_id() -> String {
    let now = chrono_like_stamp();
    format!("{now}{:016X}", rand::random::<u64>())
}

fn chrono_like_stamp() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
