//! Reactions on messages: create, delete (only the bot's own), list with paging.

use std::collections::HashMap;

use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};

use super::store::Reaction;
use super::{Page, json_body};
use crate::auth::Tenant;
use crate::error::{ApiError, ApiResult, ok};
use crate::ids;
use crate::state::App;

/// The REST shape of a reaction.
pub fn reaction_json(r: &Reaction) -> Value {
    json!({
        "reaction_id": r.reaction_id,
        "operator": { "operator_id": r.operator_id, "operator_type": r.operator_type },
        "action_time": r.action_ms.to_string(),
        "reaction_type": { "emoji_type": r.emoji_type },
    })
}

pub fn valid_emoji(e: &str) -> bool {
    lark::model::emoji::is_known(e)
}

fn invalid_emoji(e: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        231001,
        format!("reaction type is invalid, ext=emoji_type {e}"),
    )
}

#[derive(Deserialize)]
struct CreateBody {
    reaction_type: EmojiBody,
}

#[derive(Deserialize)]
struct EmojiBody {
    emoji_type: String,
}

fn live<'a>(store: &'a mut super::ImStore, id: &str) -> ApiResult<&'a mut super::store::Message> {
    let m = store
        .message_mut(id)
        .ok_or_else(|| ApiError::invalid_param(format!("message_id {id} not found")))?;
    if m.deleted {
        return Err(super::send::gone(id));
    }
    Ok(m)
}

/// `POST /open-apis/im/v1/messages/:message_id/reactions`
pub async fn create(
    Tenant(app): Tenant,
    Path(id): Path<String>,
    body: bytes::Bytes,
) -> ApiResult<Response> {
    let req: CreateBody = json_body(&body)?;
    let emoji = req.reaction_type.emoji_type;
    if !valid_emoji(&emoji) {
        return Err(invalid_emoji(&emoji));
    }
    let mut store = app.im.lock().expect("im lock");
    let now = store.tick();
    let m = live(&mut store, &id)?;
    let r = Reaction {
        reaction_id: ids::reaction_id(),
        emoji_type: emoji,
        operator_id: app.spec.app_id.clone(),
        operator_type: "app",
        action_ms: now,
    };
    m.reactions.push(r.clone());
    Ok(ok(reaction_json(&r)))
}

/// `DELETE /open-apis/im/v1/messages/:message_id/reactions/:reaction_id`
pub async fn delete(
    Tenant(app): Tenant,
    Path((id, reaction_id)): Path<(String, String)>,
) -> ApiResult<Response> {
    let mut store = app.im.lock().expect("im lock");
    let m = live(&mut store, &id)?;
    let at = m
        .reactions
        .iter()
        .position(|r| r.reaction_id == reaction_id)
        .ok_or_else(|| ApiError::invalid_param(format!("reaction_id {reaction_id} not found")))?;
    if !is_own(&app, &m.reactions[at]) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            231003,
            "only the operator who added a reaction can delete it",
        ));
    }
    let r = m.reactions.remove(at);
    Ok(ok(reaction_json(&r)))
}

fn is_own(app: &App, r: &Reaction) -> bool {
    r.operator_type == "app" && r.operator_id == app.spec.app_id
}

/// `GET /open-apis/im/v1/messages/:message_id/reactions?reaction_type=&page_size=&page_token=`
pub async fn list(
    Tenant(app): Tenant,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let page = Page::from_query(&q, 50)?;
    let filter = q.get("reaction_type").filter(|s| !s.is_empty()).cloned();
    let mut store = app.im.lock().expect("im lock");
    let m = live(&mut store, &id)?;
    let items: Vec<&Reaction> = m
        .reactions
        .iter()
        .filter(|r| filter.as_ref().is_none_or(|f| &r.emoji_type == f))
        .collect();
    let (items, has_more, token) = page.slice(&items);
    let items: Vec<Value> = items.into_iter().map(reaction_json).collect();
    let mut data = json!({ "items": items, "has_more": has_more });
    if let Some(t) = token {
        data["page_token"] = json!(t);
    }
    Ok(ok(data))
}
