//! `auth/v3`: tenant and app access tokens, and the extractor every REST handler uses to turn a
//! bearer token into its app.

use std::sync::Arc;

use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use crate::error::{ApiCode, ApiError};
use crate::state::{App, SimState};

/// The app behind a valid `Authorization: Bearer t-...` header.
pub struct Tenant(pub Arc<App>);

impl FromRequestParts<Arc<SimState>> for Tenant {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<SimState>,
    ) -> Result<Self, Self::Rejection> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .trim();
        let token = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .unwrap_or("")
            .trim();
        if token.is_empty() {
            return Err(ApiError::missing_token());
        }
        state.app_for_token(token).map(Tenant)
    }
}

#[derive(Deserialize)]
pub struct Credentials {
    #[serde(default)]
    app_id: String,
    #[serde(default)]
    app_secret: String,
}

// The error is the finished platform answer; boxing it would only add noise at two call sites.
#[allow(clippy::result_large_err)]
fn check(state: &SimState, creds: &Credentials) -> Result<(), Response> {
    if creds.app_id.is_empty() || creds.app_secret.is_empty() {
        return Err(top_level_error(10003, "invalid param"));
    }
    match state.app(&creds.app_id) {
        Some(app) if app.spec.app_secret == creds.app_secret => Ok(()),
        // The platform answers wrong credentials with HTTP 200 and a non-zero top-level code.
        _ => Err(top_level_error(10014, "app secret invalid")),
    }
}

fn top_level_error(code: i64, msg: &str) -> Response {
    let mut resp = (
        StatusCode::OK,
        axum::Json(json!({ "code": code, "msg": msg })),
    )
        .into_response();
    resp.extensions_mut().insert(ApiCode(code));
    resp
}

#[allow(clippy::result_large_err)]
fn parse(body: &[u8]) -> Result<Credentials, Response> {
    serde_json::from_slice(body).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            10003,
            format!("invalid param: {e}"),
        )
        .into_response()
    })
}

/// `POST /open-apis/auth/v3/tenant_access_token/internal`
pub async fn tenant_access_token(
    State(state): State<Arc<SimState>>,
    body: bytes::Bytes,
) -> Response {
    let creds = match parse(&body) {
        Ok(c) => c,
        Err(r) => return r,
    };
    if let Err(r) = check(&state, &creds) {
        return r;
    }
    let (token, ttl) = state.issue_token(&creds.app_id, "t-");
    let mut resp = axum::Json(json!({
        "code": 0, "msg": "ok", "tenant_access_token": token, "expire": ttl.as_secs(),
    }))
    .into_response();
    resp.extensions_mut().insert(ApiCode(0));
    resp
}

/// `POST /open-apis/auth/v3/app_access_token/internal`
pub async fn app_access_token(State(state): State<Arc<SimState>>, body: bytes::Bytes) -> Response {
    let creds = match parse(&body) {
        Ok(c) => c,
        Err(r) => return r,
    };
    if let Err(r) = check(&state, &creds) {
        return r;
    }
    let (token, ttl) = state.issue_token(&creds.app_id, "a-");
    let mut resp = axum::Json(json!({
        "code": 0, "msg": "ok", "app_access_token": token, "expire": ttl.as_secs(),
    }))
    .into_response();
    resp.extensions_mut().insert(ApiCode(0));
    resp
}
