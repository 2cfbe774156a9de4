//! Sending as the bot: `POST im/v1/messages` and `POST im/v1/messages/:id/reply`, with content
//! validation, the platform's size limits, the 1-hour `uuid` idempotency, thread creation for
//! `reply_in_thread`, and the per-chat rate limit when it is switched on.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;

use super::store::{ChatMode, ImStore, Message, ResourceKind};
use super::view::{extract_mentions, rest_message};
use super::{json_body, missing};
use crate::auth::Tenant;
use crate::error::{ApiError, ApiResult, ok};
use crate::ids;
use crate::state::{App, SimState};

/// Content limits (PROTOCOL §6): text 150 KB, post and card 30 KB.
pub const TEXT_LIMIT: usize = 150 * 1024;
pub const CARD_POST_LIMIT: usize = 30 * 1024;

const MSG_TYPES: &[&str] = &[
    "text",
    "post",
    "image",
    "file",
    "audio",
    "media",
    "sticker",
    "interactive",
    "share_chat",
    "share_user",
];

fn too_long(limit_kb: usize) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        230025,
        format!("The message content exceeds the length limit ({limit_kb} KB)."),
    )
}

pub(crate) fn gone(id: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        230011,
        format!("The message was recalled, ext=message_id {id}"),
    )
}

/// Checks a `(msg_type, content)` pair as the platform does before accepting it.
pub(crate) fn check_content(
    app: &App,
    store: &ImStore,
    msg_type: &str,
    content: &str,
) -> ApiResult<()> {
    if !MSG_TYPES.contains(&msg_type) {
        return Err(ApiError::invalid_param(format!(
            "msg_type {msg_type} is not supported"
        )));
    }
    let limit = match msg_type {
        "post" | "interactive" => CARD_POST_LIMIT,
        _ => TEXT_LIMIT,
    };
    if content.len() > limit {
        return Err(too_long(limit / 1024));
    }
    let v: Value = serde_json::from_str(content)
        .map_err(|_| ApiError::invalid_param("content is not a valid JSON string"))?;
    let field = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
    let resource = |key: String, kind: ResourceKind, what: &str| -> ApiResult<()> {
        match store.resources.get(&key) {
            Some(r) if r.kind == kind => Ok(()),
            _ => Err(ApiError::invalid_param(format!("invalid {what} {key}"))),
        }
    };
    match msg_type {
        "text" if !v.get("text").is_some_and(Value::is_string) => Err(ApiError::invalid_param(
            "text content needs a \"text\" string",
        )),
        "post" if !v.is_object() || v.as_object().is_some_and(|o| o.is_empty()) => Err(
            ApiError::invalid_param("post content must be a non-empty object"),
        ),
        "image" => resource(field("image_key"), ResourceKind::Image, "image_key"),
        "file" | "audio" | "media" => resource(field("file_key"), ResourceKind::File, "file_key"),
        "interactive" if !v.is_object() => Err(ApiError::invalid_param(
            "card content must be a JSON object",
        )),
        "interactive" if v.get("type").and_then(Value::as_str) == Some("card") => {
            let card_id = v
                .pointer("/data/card_id")
                .and_then(Value::as_str)
                .unwrap_or("");
            if card_id.is_empty() {
                return Err(ApiError::invalid_param("data.card_id is required"));
            }
            let _ = app;
            Ok(())
        }
        "share_chat" if field("chat_id").is_empty() => {
            Err(ApiError::invalid_param("chat_id is required"))
        }
        "share_user" if field("user_id").is_empty() => {
            Err(ApiError::invalid_param("user_id is required"))
        }
        _ => Ok(()),
    }
}

/// A card sent by reference can be sent once; the workspace keeps that state.
fn claim_card_ref(app: &App, msg_type: &str, content: &str) -> ApiResult<()> {
    if msg_type != "interactive" {
        return Ok(());
    }
    let Ok(v) = serde_json::from_str::<Value>(content) else {
        return Ok(());
    };
    if v.get("type").and_then(Value::as_str) != Some("card") {
        return Ok(());
    }
    let card_id = v
        .pointer("/data/card_id")
        .and_then(Value::as_str)
        .unwrap_or("");
    app.workspace
        .lock()
        .expect("workspace lock")
        .mark_card_sent(card_id)
}

/// Where a new bot message goes.
pub(crate) struct Placement {
    pub chat_id: String,
    pub root_id: Option<String>,
    pub parent_id: Option<String>,
    pub thread_id: Option<String>,
}

/// Validates, rate-limits, dedups and stores a message from the bot. Returns the message
/// (the earlier one when `uuid` was already used within the hour).
pub(crate) fn post_as_bot(
    state: &SimState,
    app: &App,
    place: Placement,
    msg_type: &str,
    content: &str,
    uuid: Option<&str>,
) -> ApiResult<Value> {
    let mut store = app.im.lock().expect("im lock");
    if let Some(uuid) = uuid.filter(|u| !u.is_empty())
        && let Some(id) = store.dedup(uuid)
        && let Some(m) = store.message(&id)
    {
        return Ok(rest_message(m, app));
    }
    check_content(app, &store, msg_type, content)?;
    let cfg = state.config();
    if (cfg.rate_limit || cfg.platform_limits) && !store.admit_send(&place.chat_id) {
        return Err(ApiError::rate_limited());
    }
    claim_card_ref(app, msg_type, content)?;
    let (content, mentions) = if msg_type == "text" {
        let v: Value = serde_json::from_str(content).unwrap_or_default();
        let text = v.get("text").and_then(Value::as_str).unwrap_or("");
        let (text, mentions) = extract_mentions(text, &store);
        (serde_json::json!({ "text": text }).to_string(), mentions)
    } else {
        (content.to_owned(), Vec::new())
    };
    let topic = store.chats.get(&place.chat_id).map(|c| c.mode) == Some(ChatMode::Topic);
    let now = store.tick();
    let message_id = ids::message_id();
    // In a topic chat every top-level message opens a topic of its own.
    let thread_id = place
        .thread_id
        .or_else(|| (topic && place.root_id.is_none()).then(ids::thread_id));
    let msg = Message {
        message_id: message_id.clone(),
        chat_id: place.chat_id,
        root_id: place.root_id,
        parent_id: place.parent_id,
        thread_id,
        msg_type: msg_type.to_owned(),
        content,
        create_ms: now,
        update_ms: now,
        deleted: false,
        updated: false,
        sender_id: app.spec.app_id.clone(),
        sender_is_bot: true,
        mentions,
        reactions: Vec::new(),
    };
    let view = rest_message(&msg, app);
    if !store.insert(msg.clone()) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            230001,
            "message store is full",
        ));
    }
    if let Some(uuid) = uuid.filter(|u| !u.is_empty()) {
        store.remember_uuid(uuid, &message_id);
    }
    drop(store);
    super::relay::to_other_bots(state, app, &msg);
    Ok(view)
}

#[derive(Deserialize)]
struct SendBody {
    receive_id: String,
    msg_type: String,
    content: String,
    #[serde(default)]
    uuid: Option<String>,
}

/// The chat a `receive_id` of the given type leads to.
fn resolve_chat(app: &App, id_type: &str, id: &str) -> ApiResult<String> {
    let mut store = app.im.lock().expect("im lock");
    match id_type {
        "chat_id" => store
            .chats
            .get(id)
            .map(|c| c.chat_id.clone())
            .ok_or_else(|| ApiError::invalid_param(format!("chat_id {id} not found"))),
        "open_id" if id.starts_with("ou_") => Ok(store.p2p_chat_with(id)),
        "open_id" => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            99992361,
            "open_id is invalid",
        )),
        "user_id" | "union_id" | "email" => match store.find_user(id_type, id) {
            Some(open_id) => Ok(store.p2p_chat_with(&open_id)),
            None => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                230013,
                format!("Bot has NO availability to this user, ext={id_type} {id} not found"),
            )),
        },
        _ => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            99992402,
            "field validation failed: receive_id_type must be open_id, user_id, union_id, email or chat_id",
        )),
    }
}

/// `POST /open-apis/im/v1/messages?receive_id_type=...`
pub async fn send(
    State(state): State<Arc<SimState>>,
    Tenant(app): Tenant,
    Query(q): Query<HashMap<String, String>>,
    body: bytes::Bytes,
) -> ApiResult<Response> {
    let id_type = q
        .get("receive_id_type")
        .filter(|s| !s.is_empty())
        .ok_or_else(|| missing("receive_id_type"))?;
    let req: SendBody = json_body(&body)?;
    if req.receive_id.is_empty() {
        return Err(missing("receive_id"));
    }
    let chat_id = resolve_chat(&app, id_type, &req.receive_id)?;
    let place = Placement {
        chat_id,
        root_id: None,
        parent_id: None,
        thread_id: None,
    };
    let msg = post_as_bot(
        &state,
        &app,
        place,
        &req.msg_type,
        &req.content,
        req.uuid.as_deref(),
    )?;
    Ok(ok(msg))
}

#[derive(Deserialize)]
struct ReplyBody {
    content: String,
    msg_type: String,
    #[serde(default)]
    reply_in_thread: Option<bool>,
    #[serde(default)]
    uuid: Option<String>,
}

/// `POST /open-apis/im/v1/messages/:message_id/reply`
pub async fn reply(
    State(state): State<Arc<SimState>>,
    Tenant(app): Tenant,
    Path(message_id): Path<String>,
    body: bytes::Bytes,
) -> ApiResult<Response> {
    let req: ReplyBody = json_body(&body)?;
    let place = {
        let mut store = app.im.lock().expect("im lock");
        if let Some(uuid) = req.uuid.as_deref().filter(|u| !u.is_empty())
            && let Some(id) = store.dedup(uuid)
            && let Some(m) = store.message(&id)
        {
            return Ok(ok(rest_message(m, &app)));
        }
        let target = store
            .message(&message_id)
            .ok_or_else(|| ApiError::invalid_param(format!("message_id {message_id} not found")))?
            .clone();
        if target.deleted {
            return Err(gone(&message_id));
        }
        let topic = store.chats.get(&target.chat_id).map(|c| c.mode) == Some(ChatMode::Topic);
        let in_thread = req.reply_in_thread.unwrap_or(false) || topic;
        // A reply to a message that is already in a thread stays in that thread.
        let thread_id = store.thread_for(&message_id, in_thread);
        Placement {
            chat_id: target.chat_id.clone(),
            root_id: Some(target.root_id.clone().unwrap_or(target.message_id.clone())),
            parent_id: Some(target.message_id.clone()),
            thread_id,
        }
    };
    let msg = post_as_bot(
        &state,
        &app,
        place,
        &req.msg_type,
        &req.content,
        req.uuid.as_deref(),
    )?;
    Ok(ok(msg))
}
