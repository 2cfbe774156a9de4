//! The HTTP listeners: the gateway port (`/healthz`, `/status`, `/metrics` and the webhook path
//! of each account without a `webhookPort`), and one listener per `webhookHost`/`webhookPort`
//! serving the paths of the accounts that set it, as OpenClaw runs them.
//!
//! A webhook POST is verified over its raw bytes (signature, decryption, token, replay window),
//! recorded, and answered within the platform's 3 s: if recording takes longer, the answer is a
//! 500 and the platform redelivers, so nothing is lost either way.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Router, middleware};
use lark::model::event::Envelope;
use lark::webhook::{CONTENT_TYPE, Inbound, RequestHeaders, SUCCESS_BODY, crypto};
use serde_json::json;

use super::guard::{self, ControlAuth};
use crate::account::AccountRt;
use crate::intake::{Accepted, accept};
use crate::runtime::Ctx;

/// Bodies above this are refused before they are read whole.
const MAX_BODY: usize = lark::webhook::WebhookVerifier::DEFAULT_MAX_BODY_BYTES;
/// The platform waits 3 s for an answer; recording must fit well inside.
const ANSWER_WITHIN: Duration = Duration::from_millis(2500);

fn json_response(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, CONTENT_TYPE)], body).into_response()
}

fn error(status: StatusCode, msg: &str) -> Response {
    json_response(status, json!({ "msg": msg }).to_string())
}

/// The router of the gateway port: the control routes behind `control`, `/healthz` and the
/// webhook paths open.
pub fn router(ctx: Arc<Ctx>, control: Arc<ControlAuth>) -> Router {
    let protected = Router::new()
        .route("/status", get(status))
        .route("/metrics", get(metrics))
        .route_layer(middleware::from_fn_with_state(control, guard::require));
    let app = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .merge(protected);
    let own: Vec<_> = ctx
        .accounts
        .iter()
        .filter(|a| a.verifier.is_some() && a.cfg.webhook_port.is_none())
        .cloned()
        .collect();
    with_webhooks(app, &ctx, &own)
}

/// The router of a listener of its own (`webhookPort`): only these accounts' webhook paths.
pub fn webhook_router(ctx: Arc<Ctx>, accounts: &[Arc<AccountRt>]) -> Router {
    with_webhooks(Router::new(), &ctx, accounts)
}

fn with_webhooks(mut app: Router<Arc<Ctx>>, ctx: &Arc<Ctx>, accounts: &[Arc<AccountRt>]) -> Router {
    for account in accounts.iter().filter(|a| a.verifier.is_some()) {
        let state = (ctx.clone(), account.clone());
        app = app.route(
            &account.cfg.webhook_path,
            get(|| async { "OK" }).post(webhook).with_state(state),
        );
    }
    app.fallback(|| async { error(StatusCode::NOT_FOUND, "no such route") })
        .with_state(ctx.clone())
}

async fn metrics(State(ctx): State<Arc<Ctx>>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        ctx.metrics.render(),
    )
        .into_response()
}

async fn status(State(ctx): State<Arc<Ctx>>) -> Response {
    let mut accounts = Vec::new();
    for a in &ctx.accounts {
        accounts.push(crate::observe::status::account_status(&ctx, a).await);
    }
    let store = crate::observe::status::store_status(&ctx).await;
    // An LLM's MCP servers (state, tool counts), skills and workspace files with their total.
    let agent = ctx.extensions.as_ref().map(|e| e.status());
    json_response(
        StatusCode::OK,
        json!({ "running": true, "accounts": accounts, "store": store, "agent": agent })
            .to_string(),
    )
}

/// The plaintext event JSON to record: the body itself, or its decrypted `encrypt` field.
fn plaintext(account: &AccountRt, body: &[u8]) -> Option<Vec<u8>> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    match (
        v.get("encrypt").and_then(|e| e.as_str()),
        &account.cfg.encrypt_key,
    ) {
        (Some(enc), Some(key)) => crypto::decrypt(key.expose(), enc)
            .ok()
            .map(String::into_bytes),
        (Some(_), None) => None,
        (None, _) => Some(body.to_vec()),
    }
}

async fn webhook(
    State((ctx, account)): State<(Arc<Ctx>, Arc<AccountRt>)>,
    headers: HeaderMap,
    request: Request<Body>,
) -> Response {
    if ctx.stopping() {
        return error(
            StatusCode::SERVICE_UNAVAILABLE,
            "shutting down; retry later",
        );
    }
    let body: Bytes = match axum::body::to_bytes(request.into_body(), MAX_BODY).await {
        Ok(b) => b,
        Err(_) => {
            return error(
                StatusCode::PAYLOAD_TOO_LARGE,
                &format!("the body is larger than {MAX_BODY} bytes"),
            );
        }
    };
    let Some(verifier) = &*account.verifier else {
        return error(StatusCode::NOT_FOUND, "not a webhook account");
    };
    let inbound = match verifier.handle(
        &RequestHeaders::from_http(&headers),
        &body,
        SystemTime::now(),
    ) {
        Ok(i) => i,
        Err(e) => {
            tracing::warn!(target: "lark", "[{}] webhook request refused: {e}", account.id());
            let status = StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::BAD_REQUEST);
            return json_response(status, e.response_body());
        }
    };
    match inbound {
        Inbound::Challenge { response_body, .. } => {
            tracing::info!(target: "lark", "[{}] answered the URL verification challenge", account.id());
            json_response(StatusCode::OK, response_body)
        }
        Inbound::Event(envelope) => record(&ctx, &account, &envelope, &body).await,
        // Legacy card callbacks: run as a `card.action.trigger` (see intake::card).
        Inbound::CardActionV1(_) => {
            let legacy = plaintext(&account, &body)
                .and_then(|plain| crate::intake::card::legacy_envelope(&account, &plain));
            let Some((envelope, raw)) = legacy else {
                return error(StatusCode::BAD_REQUEST, "unreadable card callback");
            };
            let answer = crate::intake::card::over_webhook(&ctx, &account, &envelope, &raw).await;
            json_response(StatusCode::OK, answer)
        }
    }
}

async fn record(
    ctx: &Arc<Ctx>,
    account: &Arc<AccountRt>,
    envelope: &Envelope,
    body: &[u8],
) -> Response {
    let Some(raw) = plaintext(account, body) else {
        return error(StatusCode::BAD_REQUEST, "the event could not be decrypted");
    };
    if crate::intake::card::is_card(envelope) {
        let answer = crate::intake::card::over_webhook(ctx, account, envelope, &raw).await;
        return json_response(StatusCode::OK, answer);
    }
    match tokio::time::timeout(ANSWER_WITHIN, accept(ctx, account, envelope, &raw)).await {
        Ok(Ok(outcome)) => {
            ctx.metrics.event_acked(account.id());
            if outcome == Accepted::Dropped {
                tracing::debug!(target: "lark", "[{}] webhook event dropped", account.id());
            }
            json_response(StatusCode::OK, SUCCESS_BODY.into())
        }
        Ok(Err(e)) => {
            tracing::error!(target: "lark", "[{}] {e}; answering 500 so the platform retries", account.id());
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "could not record the event; retry",
            )
        }
        Err(_) => {
            tracing::error!(target: "lark", "[{}] recording a webhook event took over {ANSWER_WITHIN:?}; answering 500 so the platform retries", account.id());
            error(StatusCode::INTERNAL_SERVER_ERROR, "busy; retry")
        }
    }
}
