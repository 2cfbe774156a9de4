//! The card itself: create it from card JSON (checked as the platform does: 2.0 schema only,
//! `update_multi` not false, unique element ids, at most 30 KB), replace its whole JSON, and
//! merge its `config` and `card_link` settings.

use axum::extract::Path;
use axum::response::Response;
use bytes::Bytes;
use serde::Deserialize;
use serde_json::{Value, json};

use super::elements::collect_element_ids;
use super::{
    BAD_CONTENT, Card, DUPLICATE_ELEMENT_ID, EMPTY_DSL, MAX_CARD_BYTES, SCHEMA_2_ONLY,
    SETTINGS_FAILED, TOO_LARGE, UPDATE_MULTI_FALSE, card_mut, invalid,
};
use crate::auth::Tenant;
use crate::error::{ApiError, ok};
use crate::workspace::util::{bad, json_body, now_ms, numeric_id, ws};

/// Checks a card JSON string as the create and full-update endpoints do.
fn parse_card(data: &str) -> Result<Value, ApiError> {
    if data.trim().is_empty() {
        return Err(bad(EMPTY_DSL, "The card DSL is empty"));
    }
    if data.len() > MAX_CARD_BYTES {
        return Err(bad(TOO_LARGE, "Card content exceeds limit (30 KB)"));
    }
    let card: Value = serde_json::from_str(data)
        .map_err(|e| bad(BAD_CONTENT, format!("Failed to generate card content: {e}")))?;
    if !card.is_object() {
        return Err(bad(
            BAD_CONTENT,
            "Failed to generate card content: not an object",
        ));
    }
    if card.get("schema").and_then(Value::as_str) != Some("2.0") {
        return Err(bad(SCHEMA_2_ONLY, "Only schema 2.0 is supported"));
    }
    if card.pointer("/config/update_multi") == Some(&Value::Bool(false)) {
        return Err(bad(UPDATE_MULTI_FALSE, "update_multi property is false"));
    }
    let mut ids = Vec::new();
    collect_element_ids(&card, &mut ids);
    ids.sort();
    if let Some(w) = ids.windows(2).find(|w| w[0] == w[1]) {
        return Err(bad(
            DUPLICATE_ELEMENT_ID,
            format!("Duplicate element_id in card component: {}", w[0]),
        ));
    }
    Ok(card)
}

impl Card {
    pub(super) fn apply_settings(&mut self, settings: &str) -> Result<(), ApiError> {
        let s: Value = serde_json::from_str(settings)
            .map_err(|e| bad(SETTINGS_FAILED, format!("settings is not valid JSON: {e}")))?;
        let Some(obj) = s.as_object() else {
            return Err(bad(SETTINGS_FAILED, "settings must be a JSON object"));
        };
        if let Some(cfg) = obj.get("config").and_then(Value::as_object) {
            if cfg.get("update_multi") == Some(&Value::Bool(false)) {
                return Err(bad(UPDATE_MULTI_FALSE, "update_multi property is false"));
            }
            let card = self
                .json
                .as_object_mut()
                .ok_or_else(|| bad(SETTINGS_FAILED, "card is not an object"))?;
            let dst = card.entry("config").or_insert_with(|| json!({}));
            if let Some(dst) = dst.as_object_mut() {
                for (k, v) in cfg {
                    dst.insert(k.clone(), v.clone());
                }
            }
        }
        if let Some(link) = obj.get("card_link")
            && let Some(card) = self.json.as_object_mut()
        {
            card.insert("card_link".into(), link.clone());
        }
        Ok(())
    }
}

#[derive(Deserialize)]
struct CreateBody {
    #[serde(rename = "type")]
    kind: Option<String>,
    data: Option<String>,
}

/// `POST /cardkit/v1/cards`
pub(super) async fn create(Tenant(app): Tenant, body: Bytes) -> Result<Response, ApiError> {
    let b: CreateBody = json_body(&body, invalid)?;
    if b.kind.as_deref() != Some("card_json") {
        return Err(invalid(format!(
            "type must be \"card_json\", got {:?}",
            b.kind.unwrap_or_default()
        )));
    }
    let data = b.data.ok_or_else(|| invalid("data is required".into()))?;
    let json = parse_card(&data)?;
    let card_id = numeric_id();
    ws(&app).cards.insert(
        card_id.clone(),
        Card {
            card_id: card_id.clone(),
            json,
            sequence: 0,
            sent: false,
            created_ms: now_ms(),
            streamed: Vec::new(),
            operations: Vec::new(),
            uuids: Vec::new(),
        },
    );
    Ok(ok(json!({ "card_id": card_id })))
}

#[derive(Deserialize)]
struct SettingsBody {
    settings: Option<String>,
    sequence: Option<i64>,
    uuid: Option<String>,
}

/// `PATCH /cardkit/v1/cards/{card_id}/settings`
pub(super) async fn settings(
    Tenant(app): Tenant,
    Path(card_id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let b: SettingsBody = json_body(&body, invalid)?;
    let settings = b
        .settings
        .ok_or_else(|| invalid("settings is required".into()))?;
    let mut w = ws(&app);
    card_mut(&mut w, &card_id)?.once(b.sequence, b.uuid.as_deref(), "settings", |c, _| {
        c.apply_settings(&settings)
    })?;
    Ok(ok(json!({})))
}

#[derive(Deserialize)]
struct UpdateBody {
    card: Option<CreateBody>,
    sequence: Option<i64>,
    uuid: Option<String>,
}

/// `PUT /cardkit/v1/cards/{card_id}`
pub(super) async fn update(
    Tenant(app): Tenant,
    Path(card_id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let b: UpdateBody = json_body(&body, invalid)?;
    let c = b.card.ok_or_else(|| invalid("card is required".into()))?;
    if c.kind.as_deref() != Some("card_json") {
        return Err(invalid("card.type must be \"card_json\"".into()));
    }
    let json = parse_card(&c.data.unwrap_or_default())?;
    let mut w = ws(&app);
    card_mut(&mut w, &card_id)?.once(b.sequence, b.uuid.as_deref(), "update", |c, _| {
        c.json = json;
        Ok(())
    })?;
    Ok(ok(json!({})))
}
