//! Reading and changing messages: get, list (chat or thread container, time window in seconds,
//! sort, paging), edit of text/post, card patch, and recall.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

use super::send::{check_content, gone};
use super::store::Message;
use super::view::rest_message;
use super::{Page, json_body, missing};
use crate::auth::Tenant;
use crate::error::{ApiError, ApiResult, ok};
use crate::state::{App, SimState};

fn not_found(id: &str) -> ApiError {
    ApiError::invalid_param(format!("message_id {id} not found"))
}

fn not_yours(id: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        230027,
        format!(
            "The operator is not allowed to change this message, ext=message_id {id} was not sent by this bot"
        ),
    )
}

/// `GET /open-apis/im/v1/messages/:message_id` → `data.items[]`
pub async fn get(Tenant(app): Tenant, Path(id): Path<String>) -> ApiResult<Response> {
    let store = app.im.lock().expect("im lock");
    let m = store.message(&id).ok_or_else(|| not_found(&id))?;
    Ok(ok(json!({ "items": [rest_message(m, &app)] })))
}

fn parse_secs(q: &HashMap<String, String>, key: &str) -> ApiResult<Option<u64>> {
    match q.get(key).filter(|s| !s.is_empty()) {
        Some(s) => s
            .parse::<u64>()
            .map(Some)
            .map_err(|_| ApiError::invalid_param(format!("{key} must be a unix time in seconds"))),
        None => Ok(None),
    }
}

/// `GET /open-apis/im/v1/messages?container_id_type=chat|thread&container_id=...`
pub async fn list(
    Tenant(app): Tenant,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let kind = q
        .get("container_id_type")
        .filter(|s| !s.is_empty())
        .ok_or_else(|| missing("container_id_type"))?;
    let container = q
        .get("container_id")
        .filter(|s| !s.is_empty())
        .ok_or_else(|| missing("container_id"))?;
    let start = parse_secs(&q, "start_time")?;
    let end = parse_secs(&q, "end_time")?;
    let desc = match q.get("sort_type").map(String::as_str) {
        None | Some("") | Some("ByCreateTimeAsc") => false,
        Some("ByCreateTimeDesc") => true,
        Some(other) => {
            return Err(ApiError::invalid_param(format!(
                "sort_type {other} is invalid"
            )));
        }
    };
    let page = Page::from_query(&q, 50)?;
    let store = app.im.lock().expect("im lock");
    let in_container: Box<dyn Fn(&Message) -> bool> = match kind.as_str() {
        "chat" => {
            if !store.chats.contains_key(container) {
                return Err(ApiError::invalid_param(format!(
                    "chat_id {container} not found"
                )));
            }
            // Replies inside a thread are listed under the thread, not the chat; the root stays.
            Box::new(|m: &Message| {
                m.chat_id == *container && (m.thread_id.is_none() || m.root_id.is_none())
            })
        }
        "thread" => {
            if !store
                .messages
                .iter()
                .any(|m| m.thread_id.as_deref() == Some(container))
            {
                return Err(ApiError::invalid_param(format!(
                    "thread_id {container} not found"
                )));
            }
            Box::new(|m: &Message| m.thread_id.as_deref() == Some(container))
        }
        other => {
            return Err(ApiError::invalid_param(format!(
                "container_id_type {other} is not supported"
            )));
        }
    };
    let mut items: Vec<&Message> = store
        .messages
        .iter()
        .filter(|m| in_container(m))
        .filter(|m| start.is_none_or(|s| m.create_ms / 1000 >= s))
        .filter(|m| end.is_none_or(|e| m.create_ms / 1000 <= e))
        .collect();
    if desc {
        items.reverse();
    }
    let (page_items, has_more, token) = page.slice(&items);
    let items: Vec<_> = page_items.iter().map(|m| rest_message(m, &app)).collect();
    let mut data = json!({ "has_more": has_more, "items": items });
    if let Some(t) = token {
        data["page_token"] = json!(t);
    }
    Ok(ok(data))
}

#[derive(Deserialize)]
struct EditBody {
    msg_type: String,
    content: String,
}

fn own_live_message<'a>(
    app: &App,
    store: &'a mut super::ImStore,
    id: &str,
) -> ApiResult<&'a mut Message> {
    let m = store.message_mut(id).ok_or_else(|| not_found(id))?;
    if m.deleted {
        return Err(gone(id));
    }
    if !(m.sender_is_bot && m.sender_id == app.spec.app_id) {
        return Err(not_yours(id));
    }
    Ok(m)
}

/// `PUT /open-apis/im/v1/messages/:message_id`: edit a text or post message.
pub async fn edit(
    Tenant(app): Tenant,
    Path(id): Path<String>,
    body: bytes::Bytes,
) -> ApiResult<Response> {
    let req: EditBody = json_body(&body)?;
    if !matches!(req.msg_type.as_str(), "text" | "post") {
        return Err(ApiError::invalid_param(
            "only text and post messages can be edited",
        ));
    }
    let mut store = app.im.lock().expect("im lock");
    check_content(&app, &store, &req.msg_type, &req.content)?;
    let now = store.tick();
    let m = own_live_message(&app, &mut store, &id)?;
    if !matches!(m.msg_type.as_str(), "text" | "post") {
        return Err(ApiError::invalid_param(format!(
            "a {} message cannot be edited",
            m.msg_type
        )));
    }
    m.msg_type = req.msg_type;
    m.content = req.content;
    m.updated = true;
    m.update_ms = now;
    Ok(ok(rest_message(m, &app)))
}

#[derive(Deserialize)]
struct PatchBody {
    content: String,
}

/// `PATCH /open-apis/im/v1/messages/:message_id`: replace a card's content.
pub async fn patch_card(
    Tenant(app): Tenant,
    Path(id): Path<String>,
    body: bytes::Bytes,
) -> ApiResult<Response> {
    let req: PatchBody = json_body(&body)?;
    let mut store = app.im.lock().expect("im lock");
    check_content(&app, &store, "interactive", &req.content)?;
    let now = store.tick();
    let m = own_live_message(&app, &mut store, &id)?;
    if m.msg_type != "interactive" {
        return Err(ApiError::invalid_param(
            "only card (interactive) messages can be patched",
        ));
    }
    m.content = req.content;
    m.updated = true;
    m.update_ms = now;
    Ok(ok(json!({})))
}

/// `DELETE /open-apis/im/v1/messages/:message_id`: recall a message the bot sent.
pub async fn recall(
    State(_state): State<Arc<SimState>>,
    Tenant(app): Tenant,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let mut store = app.im.lock().expect("im lock");
    let now = store.tick();
    let m = own_live_message(&app, &mut store, &id)?;
    m.deleted = true;
    m.update_ms = now;
    Ok(ok(json!({})))
}
