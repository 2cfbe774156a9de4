//! The `/_sim/...` routes: thin JSON wrappers over the [`SimState`] methods.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{CardAction, Person, SeedChat, SimError, UserMessage, UserReaction};
use crate::state::{AppSpec, SimState};

type St = State<Arc<SimState>>;

fn body<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, SimError> {
    serde_json::from_slice(bytes).map_err(|e| SimError::Invalid(e.to_string()))
}

fn reply(r: Result<Value, SimError>) -> Response {
    match r {
        Ok(v) => axum::Json(v).into_response(),
        Err(e) => e.into_response(),
    }
}

pub fn routes() -> Router<Arc<SimState>> {
    Router::new()
        .route("/_sim/apps", post(create_app).get(list_apps))
        .route("/_sim/apps/{app_id}/chats", post(seed_chat))
        .route(
            "/_sim/apps/{app_id}/chats/{chat_id}/messages",
            get(chat_messages),
        )
        .route("/_sim/apps/{app_id}/messages", post(user_sends))
        .route("/_sim/apps/{app_id}/reactions", post(user_reacts))
        .route("/_sim/apps/{app_id}/bot_added", post(bot_added))
        .route("/_sim/apps/{app_id}/p2p_entered", post(p2p_entered))
        .route("/_sim/apps/{app_id}/message_read", post(message_read))
        .route("/_sim/apps/{app_id}/card_actions", post(card_action))
        .route("/_sim/apps/{app_id}/events", post(inject_event))
        .route("/_sim/apps/{app_id}/webhook/verify", post(verify_webhook))
        .route("/_sim/apps/{app_id}/deliveries", get(deliveries))
        .route("/_sim/apps/{app_id}/calls", get(calls))
        .route("/_sim/apps/{app_id}/connections", get(connections))
        .route(
            "/_sim/apps/{app_id}/faults/drop_connections",
            post(drop_connections),
        )
        .route(
            "/_sim/apps/{app_id}/faults/drop_connection",
            post(drop_connection),
        )
        .route("/_sim/apps/{app_id}/faults/silent", post(silent))
        .route("/_sim/apps/{app_id}/faults/acks", post(acks))
        .route("/_sim/faults/fail_next", post(fail_next))
        .route("/_sim/faults/clear", post(clear_faults))
        .route("/_sim/tokens/expire", post(expire_tokens))
}

async fn create_app(State(s): St, b: bytes::Bytes) -> Response {
    reply((|| {
        let spec: AppSpec = body(&b)?;
        if spec.app_id.is_empty() || spec.app_secret.is_empty() {
            return Err(SimError::Invalid(
                "app_id and app_secret are required".into(),
            ));
        }
        if spec.mode == crate::DeliveryMode::Webhook && spec.webhook_url.is_none() {
            return Err(SimError::Invalid("webhook mode needs webhook_url".into()));
        }
        let app = s.add_app(spec);
        Ok(json!({
            "app_id": app.spec.app_id,
            "tenant_key": app.tenant_key,
            "bot": { "open_id": app.bot_open_id, "app_name": app.bot_name },
        }))
    })())
}

async fn list_apps(State(s): St) -> Response {
    let apps: Vec<Value> = s
        .apps_snapshot()
        .iter()
        .map(|a| json!({ "app_id": a.spec.app_id, "mode": a.spec.mode, "bot": { "open_id": a.bot_open_id, "app_name": a.bot_name } }))
        .collect();
    axum::Json(json!({ "apps": apps })).into_response()
}

async fn seed_chat(State(s): St, Path(app_id): Path<String>, b: bytes::Bytes) -> Response {
    reply(
        body::<SeedChat>(&b)
            .and_then(|seed| s.seed_chat(&app_id, seed))
            .map(|id| json!({ "chat_id": id })),
    )
}

async fn chat_messages(State(s): St, Path((app_id, chat_id)): Path<(String, String)>) -> Response {
    reply(
        s.chat_messages(&app_id, &chat_id)
            .map(|items| json!({ "items": items })),
    )
}

async fn user_sends(State(s): St, Path(app_id): Path<String>, b: bytes::Bytes) -> Response {
    reply(
        body::<UserMessage>(&b)
            .and_then(|m| s.user_sends(&app_id, m))
            .map(|i| json!(i)),
    )
}

async fn user_reacts(State(s): St, Path(app_id): Path<String>, b: bytes::Bytes) -> Response {
    reply(
        body::<UserReaction>(&b)
            .and_then(|r| s.user_reacts(&app_id, r))
            .map(|id| json!({ "event_id": id })),
    )
}

#[derive(Deserialize)]
struct BotAdded {
    chat_id: String,
    operator: Person,
}

async fn bot_added(State(s): St, Path(app_id): Path<String>, b: bytes::Bytes) -> Response {
    reply(
        body::<BotAdded>(&b)
            .and_then(|r| s.bot_added(&app_id, &r.chat_id, r.operator))
            .map(|id| json!({ "event_id": id })),
    )
}

#[derive(Deserialize)]
struct UserOnly {
    user: Person,
}

async fn p2p_entered(State(s): St, Path(app_id): Path<String>, b: bytes::Bytes) -> Response {
    reply(
        body::<UserOnly>(&b)
            .and_then(|r| s.p2p_entered(&app_id, r.user))
            .map(|id| json!({ "event_id": id })),
    )
}

#[derive(Deserialize)]
struct Read {
    user: Person,
    message_ids: Vec<String>,
}

async fn message_read(State(s): St, Path(app_id): Path<String>, b: bytes::Bytes) -> Response {
    reply(
        body::<Read>(&b)
            .and_then(|r| s.message_read(&app_id, r.user, r.message_ids))
            .map(|id| json!({ "event_id": id })),
    )
}

async fn card_action(State(s): St, Path(app_id): Path<String>, b: bytes::Bytes) -> Response {
    let a = match body::<CardAction>(&b) {
        Ok(a) => a,
        Err(e) => return e.into_response(),
    };
    reply(s.card_action(&app_id, a).await.map(|o| json!(o)))
}

/// `{event_type, event}` is wrapped in a schema 2.0 envelope; `{raw}` is delivered as is.
#[derive(Deserialize)]
struct Inject {
    #[serde(default)]
    event_type: Option<String>,
    #[serde(default)]
    event: Value,
    #[serde(default)]
    raw: Option<Value>,
}

async fn inject_event(State(s): St, Path(app_id): Path<String>, b: bytes::Bytes) -> Response {
    reply(
        body::<Inject>(&b)
            .and_then(|r| match (r.raw, r.event_type) {
                (Some(raw), _) => s.inject_raw(&app_id, raw),
                (None, Some(t)) => s.inject_event(&app_id, &t, r.event),
                (None, None) => Err(SimError::Invalid(
                    "event_type + event, or raw, is required".into(),
                )),
            })
            .map(|id| json!({ "event_id": id })),
    )
}

async fn verify_webhook(State(s): St, Path(app_id): Path<String>) -> Response {
    reply(
        s.verify_webhook(&app_id)
            .await
            .map(|_| json!({ "verified": true })),
    )
}

async fn deliveries(State(s): St, Path(app_id): Path<String>) -> Response {
    reply(s.deliveries(&app_id).map(|items| json!({ "items": items })))
}

async fn calls(State(s): St, Path(app_id): Path<String>) -> Response {
    reply(
        s.app_or_err(&app_id)
            .map(|_| json!({ "items": s.calls(&app_id) })),
    )
}

async fn connections(State(s): St, Path(app_id): Path<String>) -> Response {
    reply(
        s.app_or_err(&app_id)
            .map(|_| json!({ "count": s.connection_count(&app_id), "ids": s.connection_ids(&app_id), "pings": s.pings(&app_id) })),
    )
}

async fn drop_connections(State(s): St, Path(app_id): Path<String>) -> Response {
    reply(s.drop_connections(&app_id).map(|n| json!({ "dropped": n })))
}

#[derive(Deserialize)]
struct Silent {
    silent: bool,
    /// One connection only (an id from `GET .../connections`); all of them when absent.
    #[serde(default)]
    connection_id: Option<u64>,
}

#[derive(Deserialize, Default)]
struct OneConnection {
    #[serde(default)]
    connection_id: Option<u64>,
}

async fn drop_connection(State(s): St, Path(app_id): Path<String>, b: bytes::Bytes) -> Response {
    let req = if b.is_empty() {
        Ok(OneConnection::default())
    } else {
        body::<OneConnection>(&b)
    };
    reply(
        req.and_then(|r| s.drop_connection(&app_id, r.connection_id))
            .map(|id| json!({ "dropped": id })),
    )
}

async fn silent(State(s): St, Path(app_id): Path<String>, b: bytes::Bytes) -> Response {
    reply(
        body::<Silent>(&b)
            .and_then(|r| match r.connection_id {
                Some(id) => s
                    .set_silent_connection(&app_id, Some(id), r.silent)
                    .map(drop),
                None => s.set_silent(&app_id, r.silent),
            })
            .map(|_| json!({})),
    )
}

#[derive(Deserialize)]
struct Acks {
    #[serde(default)]
    withhold: Option<bool>,
    #[serde(default)]
    delay_ms: Option<u64>,
}

async fn acks(State(s): St, Path(app_id): Path<String>, b: bytes::Bytes) -> Response {
    reply(body::<Acks>(&b).and_then(|r| {
        if let Some(w) = r.withhold {
            s.withhold_acks(&app_id, w)?;
        }
        if let Some(ms) = r.delay_ms {
            s.delay_acks(&app_id, Duration::from_millis(ms))?;
        }
        s.app_or_err(&app_id).map(|_| json!({}))
    }))
}

#[derive(Deserialize)]
struct FailNext {
    path: String,
    #[serde(default = "one")]
    n: u32,
    status: u16,
    code: i64,
}

fn one() -> u32 {
    1
}

async fn fail_next(State(s): St, b: bytes::Bytes) -> Response {
    reply(body::<FailNext>(&b).map(|r| {
        s.fail_next(&r.path, r.n, r.status, r.code);
        json!({})
    }))
}

async fn clear_faults(State(s): St) -> Response {
    s.clear_faults();
    reply(Ok(json!({})))
}

async fn expire_tokens(State(s): St) -> Response {
    s.expire_tokens();
    axum::Json(json!({})).into_response()
}
