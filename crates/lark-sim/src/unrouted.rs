//! Requests to routes lark-sim does not know. Each is answered 404 with a JSON body, logged at
//! warn and recorded in the call log (for the app whose bearer token it carries, else app-less),
//! so a client calling an API the simulator lacks shows up instead of failing silently.
//! `GET /_sim/calls` lists every recorded call, app-less ones included.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;

use crate::calls::{self, CallRecord};
use crate::error::ApiCode;
use crate::ids::now_ms;
use crate::state::SimState;

/// The platform code recorded for (and answered to) an unknown route.
pub const UNKNOWN_ROUTE_CODE: i64 = 404;

pub fn routes() -> Router<Arc<SimState>> {
    Router::new().route("/_sim/calls", get(all_calls))
}

async fn all_calls(State(s): State<Arc<SimState>>) -> Response {
    axum::Json(json!({ "items": s.all_calls() })).into_response()
}

/// The router's fallback: records the request and answers 404.
pub async fn fallback(State(state): State<Arc<SimState>>, req: Request) -> Response {
    let method = req.method().to_string();
    let path = req.uri().path().to_owned();
    let app_id = calls::bearer_app(&state, req.headers());
    tracing::warn!(
        %method,
        %path,
        app_id = app_id.as_deref().unwrap_or("-"),
        "lark-sim has no such route; answered 404"
    );
    calls::push(
        &state,
        CallRecord {
            at_ms: now_ms(),
            app_id,
            method,
            path,
            status: StatusCode::NOT_FOUND.as_u16(),
            code: Some(UNKNOWN_ROUTE_CODE),
        },
    );
    let mut resp = (
        StatusCode::NOT_FOUND,
        axum::Json(json!({ "code": UNKNOWN_ROUTE_CODE, "msg": "404 page not found" })),
    )
        .into_response();
    resp.extensions_mut().insert(ApiCode(UNKNOWN_ROUTE_CODE));
    resp
}
