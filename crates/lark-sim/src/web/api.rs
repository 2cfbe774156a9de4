//! The page's own routes under `/_sim/page/apps/{app_id}/...`: what the control API lacks for a
//! chat client. The chat list with members, a conversation with pins and CardKit cards resolved,
//! user uploads and downloads of images and files, card clicks that apply the bot's answer, and
//! the list of everything in the workspace. Like the rest of `/_sim`, nothing here needs a token.

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use bytes::Bytes;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::control::{CardAction, SimError};
use crate::im::view::sim_message;
use crate::state::SimState;

type St = State<Arc<SimState>>;

/// Uploads from the page go up to this size.
const UPLOAD_LIMIT: usize = 20 * 1024 * 1024;

pub(super) fn routes() -> Router<Arc<SimState>> {
    Router::new()
        .route("/_sim/page/apps/{app_id}/chats", get(chats))
        .route(
            "/_sim/page/apps/{app_id}/chats/{chat_id}/messages",
            get(messages),
        )
        .route(
            "/_sim/page/apps/{app_id}/uploads",
            post(upload).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/_sim/page/apps/{app_id}/resources/{key}", get(resource))
        .route("/_sim/page/apps/{app_id}/medias/{token}", get(media))
        .route("/_sim/page/apps/{app_id}/card_actions", post(card_action))
        .route("/_sim/page/apps/{app_id}/workspace", get(workspace))
        .route("/_sim/page/apps/{app_id}/inspector", get(inspector))
}

fn reply(r: Result<Value, SimError>) -> Response {
    match r {
        Ok(v) => axum::Json(v).into_response(),
        Err(e) => e.into_response(),
    }
}

/// A short plain-text preview of a message for the chat list.
fn preview(msg_type: &str, content: &str, deleted: bool) -> String {
    if deleted {
        return crate::im::view::RECALLED.to_owned();
    }
    let v: Value = serde_json::from_str(content).unwrap_or(Value::Null);
    let text = match msg_type {
        "text" => v["text"].as_str().unwrap_or("").to_owned(),
        "post" => {
            let body = v.get("zh_cn").or_else(|| v.get("en_us")).unwrap_or(&v);
            body["title"].as_str().unwrap_or("[Post]").to_owned()
        }
        "interactive" => "[Card]".to_owned(),
        "image" => "[Image]".to_owned(),
        "file" => format!("[File] {}", v["file_name"].as_str().unwrap_or("")),
        "sticker" => "[Sticker]".to_owned(),
        "merge_forward" => "[Chat history]".to_owned(),
        other => format!("[{other}]"),
    };
    text.chars().take(80).collect()
}

/// Every chat with its members and last message, the users, and the bot.
async fn chats(State(s): St, Path(app_id): Path<String>) -> Response {
    reply(s.app_or_err(&app_id).map(|app| {
        let store = app.im.lock().expect("im lock");
        let name_of = |id: &str| {
            store
                .users
                .get(id)
                .map(|u| u.name.clone())
                .unwrap_or_else(|| id.to_owned())
        };
        let chats: Vec<Value> = store
            .chat_order
            .iter()
            .filter_map(|id| store.chats.get(id))
            .map(|c| {
                let msgs = store.messages.iter().filter(|m| m.chat_id == c.chat_id);
                let (count, last) = msgs.fold((0usize, None), |(n, _), m| (n + 1, Some(m)));
                json!({
                    "chat_id": c.chat_id,
                    "name": c.name,
                    "mode": c.mode.as_str(),
                    "members": c.members.iter().map(|m| json!({"open_id": m, "name": name_of(m)})).collect::<Vec<_>>(),
                    "count": count,
                    "last_ms": last.map(|m| m.create_ms).unwrap_or(c.created_ms),
                    "last": last.map(|m| preview(&m.msg_type, &m.content, m.deleted)),
                })
            })
            .collect();
        let mut users: Vec<Value> = store
            .users
            .values()
            .map(|u| json!({"open_id": u.open_id, "name": u.name}))
            .collect();
        users.sort_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));
        json!({
            "bot": {"app_id": app.spec.app_id, "open_id": app.bot_open_id, "name": app.bot_name},
            "connected": crate::delivery::connection_count(&app.runtime),
            "chats": chats,
            "users": users,
        })
    }))
}

/// A conversation: the control API's messages with pins, CardKit cards and reactor names.
async fn messages(State(s): St, Path((app_id, chat_id)): Path<(String, String)>) -> Response {
    reply(s.app_or_err(&app_id).and_then(|app| {
        let store = app.im.lock().expect("im lock");
        if !store.chats.contains_key(&chat_id) {
            return Err(SimError::UnknownChat(chat_id));
        }
        let ws = app.workspace.lock().expect("workspace lock");
        let items: Vec<Value> = store
            .messages
            .iter()
            .filter(|m| m.chat_id == chat_id)
            .map(|m| {
                let mut v = sim_message(m, &store, &app);
                v["pinned"] = json!(store.pins.iter().any(|p| p.message_id == m.message_id));
                if let Some(id) = v.pointer("/content/data/card_id").and_then(Value::as_str)
                    && let Some(card) = ws.card_view(id)
                {
                    v["card"] = card.card;
                }
                for r in v["reactions"].as_array_mut().into_iter().flatten() {
                    let id = r["operator_id"].as_str().unwrap_or("");
                    let name = if r["operator_type"] == "app" {
                        app.bot_name.clone()
                    } else {
                        store
                            .users
                            .get(id)
                            .map(|u| u.name.clone())
                            .unwrap_or_default()
                    };
                    r["operator_name"] = json!(name);
                }
                v
            })
            .collect();
        Ok(json!({ "items": items }))
    }))
}

#[derive(Deserialize)]
struct UploadQuery {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
}

/// A user's image or file (the raw body): stored as lark-sim resources, so the bot downloads it
/// with `GET /open-apis/im/v1/messages/{id}/resources/{key}` like any user upload.
async fn upload(
    State(s): St,
    Path(app_id): Path<String>,
    Query(q): Query<UploadQuery>,
    body: Bytes,
) -> Response {
    if body.is_empty() {
        return SimError::Invalid("empty upload".into()).into_response();
    }
    let image = q.kind == "image";
    let name = if q.name.is_empty() {
        "upload".to_owned()
    } else {
        q.name
    };
    reply(
        s.upload_resource(&app_id, image, &name, body.to_vec())
            .map(|key| json!({ "key": key })),
    )
}

/// The content type of an image, from its first bytes.
fn sniff(bytes: &[u8]) -> &'static str {
    match bytes {
        [0x89, b'P', b'N', b'G', ..] => "image/png",
        [0xff, 0xd8, ..] => "image/jpeg",
        [b'G', b'I', b'F', ..] => "image/gif",
        [
            b'R',
            b'I',
            b'F',
            b'F',
            _,
            _,
            _,
            _,
            b'W',
            b'E',
            b'B',
            b'P',
            ..,
        ] => "image/webp",
        _ if bytes.starts_with(b"<svg") || bytes.starts_with(b"<?xml") => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

/// Bytes for the browser: images inline, anything else as a download named `name`.
fn serve(bytes: Bytes, name: &str) -> Response {
    let kind = sniff(&bytes);
    let disposition = if kind.starts_with("image/") {
        "inline".to_owned()
    } else {
        let safe: String = name
            .chars()
            .filter(|c| !c.is_control() && *c != '"' && *c != '\\')
            .collect();
        format!("attachment; filename=\"{safe}\"")
    };
    (
        [
            (header::CONTENT_TYPE, kind.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

/// An image or file of a message (the bot's uploads and the users').
async fn resource(State(s): St, Path((app_id, key)): Path<(String, String)>) -> Response {
    let Some(app) = s.app(&app_id) else {
        return SimError::UnknownApp(app_id).into_response();
    };
    let found = app.im.lock().expect("im lock").resources.get(&key).cloned();
    match found {
        Some(r) => serve(r.bytes, &r.name),
        None => (StatusCode::NOT_FOUND, "no such resource").into_response(),
    }
}

/// A medium uploaded into a document, sheet or bitable (`drive/v1/medias`).
async fn media(State(s): St, Path((app_id, token)): Path<(String, String)>) -> Response {
    let Some(app) = s.app(&app_id) else {
        return SimError::UnknownApp(app_id).into_response();
    };
    let found = app
        .workspace
        .lock()
        .expect("workspace lock")
        .medias
        .get(&token)
        .cloned();
    match found {
        Some(m) => serve(m.bytes, &m.name),
        None => (StatusCode::NOT_FOUND, "no such media").into_response(),
    }
}

/// A card click: `card.action.trigger` goes to the bot and, when its answer carries a card
/// (`{"card": {"type": "raw", "data": {...}}}`), the message shows that card from now on, as
/// the platform does.
async fn card_action(State(s): St, Path(app_id): Path<String>, body: Bytes) -> Response {
    let a: CardAction = match serde_json::from_slice(&body) {
        Ok(a) => a,
        Err(e) => return SimError::Invalid(e.to_string()).into_response(),
    };
    match s.card_action(&app_id, a).await {
        Ok(outcome) => axum::Json(json!(outcome)).into_response(),
        Err(e) => e.into_response(),
    }
}

/// Documents, sheets and bitables of the tenant, newest first (each with its comment count),
/// the wiki's spaces and nodes, the calendar's events and the tasks.
async fn workspace(State(s): St, Path(app_id): Path<String>) -> Response {
    reply(s.app_or_err(&app_id).map(|app| {
        let ws = app.workspace.lock().expect("workspace lock");
        let items: Vec<Value> = ws
            .cloud_objects()
            .into_iter()
            .map(|o| {
                let comments = ws.comment_view(&o.token).len();
                json!({"token": o.token, "kind": o.kind.perm_type(), "title": o.title, "url": o.url, "comments": comments})
            })
            .collect();
        json!({
            "items": items,
            "wiki": ws.wiki_view()["spaces"],
            "events": ws.calendar_view(),
            "tasks": ws.task_view(),
        })
    }))
}

/// The latest event deliveries and API calls of the app, newest first, and the scheduled jobs
/// its gateway reported (`null`: none reported).
async fn inspector(State(s): St, Path(app_id): Path<String>) -> Response {
    const LAST: usize = 100;
    reply(s.deliveries(&app_id).map(|d| {
        let deliveries: Vec<_> = d.into_iter().rev().take(LAST).collect();
        let calls: Vec<_> = s.calls(&app_id).into_iter().rev().take(LAST).collect();
        let jobs = s.page_note(&app_id, "jobs");
        json!({ "deliveries": deliveries, "calls": calls, "jobs": jobs })
    }))
}
