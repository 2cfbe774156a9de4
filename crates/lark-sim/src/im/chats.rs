//! Chats the bot is in: list, info (`chat_mode`, counts as strings), members with paging (bots
//! excluded), and the bot's own identity (`bot/v3/info`, answered at the top level).

use std::collections::HashMap;

use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::Page;
use super::store::{Chat, ChatMode};
use crate::auth::Tenant;
use crate::error::{ApiCode, ApiError, ApiResult, ok};
use crate::state::App;

fn chat_or_404<'a>(store: &'a super::ImStore, id: &str) -> ApiResult<&'a Chat> {
    store
        .chats
        .get(id)
        .ok_or_else(|| ApiError::invalid_param(format!("chat_id {id} not found")))
}

fn owner(chat: &Chat, app: &App) -> (String, &'static str) {
    match &chat.owner_open_id {
        Some(o) => (o.clone(), "open_id"),
        None => (app.spec.app_id.clone(), "app_id"),
    }
}

/// `GET /open-apis/im/v1/chats/:chat_id`
pub async fn info(Tenant(app): Tenant, Path(id): Path<String>) -> ApiResult<Response> {
    let store = app.im.lock().expect("im lock");
    let chat = chat_or_404(&store, &id)?;
    let (owner_id, owner_id_type) = owner(chat, &app);
    Ok(ok(json!({
        "avatar": "",
        "name": chat.name,
        "description": chat.description,
        "i18n_names": {},
        "add_member_permission": "all_members",
        "share_card_permission": "allowed",
        "at_all_permission": "all_members",
        "edit_permission": "all_members",
        "owner_id_type": owner_id_type,
        "owner_id": owner_id,
        "chat_mode": chat.mode.as_str(),
        "chat_type": if chat.mode == ChatMode::P2p { "private" } else { "public" },
        "chat_tag": "inner",
        "group_message_type": if chat.mode == ChatMode::Topic { "thread" } else { "chat" },
        "external": false,
        "tenant_key": app.tenant_key,
        "user_count": chat.members.len().to_string(),
        "bot_count": "1",
        "moderation_permission": "all_members",
    })))
}

/// `GET /open-apis/im/v1/chats`: the chats the bot is in (p2p chats excluded, as the platform does).
pub async fn list(
    Tenant(app): Tenant,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let page = Page::from_query(&q, 100)?;
    let store = app.im.lock().expect("im lock");
    let chats: Vec<&Chat> = store
        .chat_order
        .iter()
        .filter_map(|id| store.chats.get(id))
        .filter(|c| c.mode != ChatMode::P2p)
        .collect();
    let (items, has_more, token) = page.slice(&chats);
    let items: Vec<Value> = items
        .into_iter()
        .map(|c| {
            let (owner_id, owner_id_type) = owner(c, &app);
            json!({
                "chat_id": c.chat_id, "avatar": "", "name": c.name, "description": c.description,
                "owner_id": owner_id, "owner_id_type": owner_id_type, "external": false,
                "tenant_key": app.tenant_key, "chat_status": "normal",
            })
        })
        .collect();
    let mut data = json!({ "items": items, "has_more": has_more });
    if let Some(t) = token {
        data["page_token"] = json!(t);
    }
    Ok(ok(data))
}

/// `GET /open-apis/im/v1/chats/:chat_id/members?member_id_type=&page_size=&page_token=`
pub async fn members(
    Tenant(app): Tenant,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let id_type = q
        .get("member_id_type")
        .filter(|s| !s.is_empty())
        .cloned()
        .unwrap_or_else(|| "open_id".into());
    if !matches!(id_type.as_str(), "open_id" | "user_id" | "union_id") {
        return Err(ApiError::invalid_param(format!(
            "member_id_type {id_type} is invalid"
        )));
    }
    let page = Page::from_query(&q, 100)?;
    let store = app.im.lock().expect("im lock");
    let chat = chat_or_404(&store, &id)?;
    let (items, has_more, token) = page.slice(&chat.members);
    let items: Vec<Value> = items
        .iter()
        .filter_map(|open_id| store.users.get(open_id))
        .map(|u| {
            let member_id = match id_type.as_str() {
                "user_id" => &u.user_id,
                "union_id" => &u.union_id,
                _ => &u.open_id,
            };
            json!({ "member_id_type": id_type, "member_id": member_id, "name": u.name, "tenant_key": app.tenant_key })
        })
        .collect();
    let mut data =
        json!({ "items": items, "has_more": has_more, "member_total": chat.members.len() });
    data["page_token"] = json!(token.unwrap_or_default());
    Ok(ok(data))
}

/// `GET /open-apis/bot/v3/info`: `bot` at the top level, not under `data`.
pub async fn bot_info(Tenant(app): Tenant) -> Response {
    let mut resp = axum::Json(json!({
        "code": 0,
        "msg": "ok",
        "bot": {
            "activate_status": 2,
            "app_name": app.bot_name,
            "avatar_url": "",
            "ip_white_list": [],
            "open_id": app.bot_open_id,
        },
    }))
    .into_response();
    resp.extensions_mut().insert(ApiCode(0));
    resp
}
