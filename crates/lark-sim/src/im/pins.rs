//! Pins: pin a message, unpin it, list a chat's pins in a time window.

use std::collections::HashMap;

use axum::extract::{Path, Query};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};

use super::store::Pin;
use super::{Page, json_body, missing};
use crate::auth::Tenant;
use crate::error::{ApiError, ApiResult, ok};
use crate::state::App;

fn pin_json(p: &Pin, app: &App) -> Value {
    let _ = app;
    json!({
        "message_id": p.message_id,
        "chat_id": p.chat_id,
        "operator_id": p.operator_id,
        "operator_id_type": "app_id",
        "create_time": p.create_ms.to_string(),
    })
}

#[derive(Deserialize)]
struct CreateBody {
    message_id: String,
}

/// `POST /open-apis/im/v1/pins`
pub async fn create(Tenant(app): Tenant, body: bytes::Bytes) -> ApiResult<Response> {
    let req: CreateBody = json_body(&body)?;
    let mut store = app.im.lock().expect("im lock");
    let m = store.message(&req.message_id).ok_or_else(|| {
        ApiError::invalid_param(format!("message_id {} not found", req.message_id))
    })?;
    if m.deleted {
        return Err(super::send::gone(&req.message_id));
    }
    let chat_id = m.chat_id.clone();
    if let Some(p) = store.pins.iter().find(|p| p.message_id == req.message_id) {
        return Ok(ok(json!({ "pin": pin_json(p, &app) })));
    }
    let now = store.tick();
    let pin = Pin {
        message_id: req.message_id,
        chat_id,
        operator_id: app.spec.app_id.clone(),
        create_ms: now,
    };
    store.pins.push(pin.clone());
    Ok(ok(json!({ "pin": pin_json(&pin, &app) })))
}

/// `DELETE /open-apis/im/v1/pins/:message_id`
pub async fn delete(Tenant(app): Tenant, Path(id): Path<String>) -> ApiResult<Response> {
    let mut store = app.im.lock().expect("im lock");
    if store.message(&id).is_none() {
        return Err(ApiError::invalid_param(format!(
            "message_id {id} not found"
        )));
    }
    let before = store.pins.len();
    store.pins.retain(|p| p.message_id != id);
    if store.pins.len() == before {
        return Err(ApiError::invalid_param(format!(
            "message {id} is not pinned"
        )));
    }
    Ok(ok(json!({})))
}

/// `GET /open-apis/im/v1/pins?chat_id=&start_time=&end_time=&page_size=&page_token=` (ms times)
pub async fn list(
    Tenant(app): Tenant,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let chat_id = q
        .get("chat_id")
        .filter(|s| !s.is_empty())
        .ok_or_else(|| missing("chat_id"))?;
    let num = |k: &str| -> ApiResult<Option<u64>> {
        match q.get(k).filter(|s| !s.is_empty()) {
            Some(s) => s
                .parse()
                .map(Some)
                .map_err(|_| ApiError::invalid_param(format!("{k} is invalid"))),
            None => Ok(None),
        }
    };
    let (start, end) = (num("start_time")?, num("end_time")?);
    let page = Page::from_query(&q, 50)?;
    let store = app.im.lock().expect("im lock");
    if !store.chats.contains_key(chat_id) {
        return Err(ApiError::invalid_param(format!(
            "chat_id {chat_id} not found"
        )));
    }
    // Newest pin first, as the platform lists them.
    let pins: Vec<&Pin> = store
        .pins
        .iter()
        .rev()
        .filter(|p| p.chat_id == *chat_id)
        .filter(|p| start.is_none_or(|s| p.create_ms >= s))
        .filter(|p| end.is_none_or(|e| p.create_ms <= e))
        .collect();
    let (items, has_more, token) = page.slice(&pins);
    let items: Vec<Value> = items.into_iter().map(|p| pin_json(p, &app)).collect();
    let mut data = json!({ "items": items, "has_more": has_more });
    if let Some(t) = token {
        data["page_token"] = json!(t);
    }
    Ok(ok(data))
}
