//! `batch_update`: several settings and element operations under one sequence number,
//! applied to a draft of the card and kept only when all of them succeed.

use axum::extract::Path;
use axum::response::Response;
use bytes::Bytes;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{
    ADD_ELEMENT_FAILED, Card, DELETE_ELEMENT_FAILED, UPDATE_ELEMENT_FAILED, card_mut, invalid,
};
use crate::auth::Tenant;
use crate::error::{ApiError, ok};
use crate::workspace::util::{bad, json_body, ws};

#[derive(Deserialize)]
struct BatchBody {
    actions: Option<String>,
    sequence: Option<i64>,
    uuid: Option<String>,
}

#[derive(Deserialize)]
struct Action {
    action: String,
    #[serde(default)]
    params: Value,
}

fn str_param(p: &Value, key: &str) -> Option<String> {
    p.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// Applies one `batch_update` action. Element payloads may be given as JSON or as strings.
fn apply_action(card: &mut Card, a: &Action) -> Result<(), ApiError> {
    let p = &a.params;
    let as_value = |key: &str| -> Option<Value> {
        match p.get(key)? {
            Value::String(s) => serde_json::from_str(s).ok(),
            v => Some(v.clone()),
        }
    };
    match a.action.as_str() {
        "partial_update_setting" => {
            let s = match p.get("settings") {
                Some(Value::String(s)) => s.clone(),
                Some(v) => v.to_string(),
                None => {
                    return Err(invalid(
                        "partial_update_setting needs params.settings".into(),
                    ));
                }
            };
            card.apply_settings(&s)
        }
        "add_elements" => {
            let elements = match as_value("elements") {
                Some(Value::Array(a)) => a,
                _ => {
                    return Err(bad(
                        ADD_ELEMENT_FAILED,
                        "add_elements needs params.elements",
                    ));
                }
            };
            let kind = str_param(p, "type").unwrap_or_else(|| "append".into());
            card.add_elements(
                &kind,
                str_param(p, "target_element_id").as_deref(),
                elements,
            )
        }
        "delete_elements" => {
            let ids = p
                .get("element_ids")
                .and_then(Value::as_array)
                .ok_or_else(|| {
                    bad(
                        DELETE_ELEMENT_FAILED,
                        "delete_elements needs params.element_ids",
                    )
                })?;
            for id in ids.iter().filter_map(Value::as_str) {
                card.delete_element(id)?;
            }
            Ok(())
        }
        "partial_update_element" => {
            let id = str_param(p, "element_id")
                .ok_or_else(|| bad(UPDATE_ELEMENT_FAILED, "needs params.element_id"))?;
            let partial = as_value("partial_element")
                .ok_or_else(|| bad(UPDATE_ELEMENT_FAILED, "needs params.partial_element"))?;
            card.patch_element(&id, partial)
        }
        "update_element" => {
            let id = str_param(p, "element_id")
                .ok_or_else(|| bad(UPDATE_ELEMENT_FAILED, "needs params.element_id"))?;
            let element = as_value("element")
                .ok_or_else(|| bad(UPDATE_ELEMENT_FAILED, "needs params.element"))?;
            card.update_element(&id, element)
        }
        other => Err(invalid(format!("unknown batch_update action {other:?}"))),
    }
}

/// `POST /cardkit/v1/cards/{card_id}/batch_update`: all actions or none.
pub(super) async fn batch_update(
    Tenant(app): Tenant,
    Path(card_id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let b: BatchBody = json_body(&body, invalid)?;
    let actions: Vec<Action> = serde_json::from_str(&b.actions.unwrap_or_default())
        .map_err(|e| invalid(format!("actions must be a JSON array of actions: {e}")))?;
    let mut w = ws(&app);
    card_mut(&mut w, &card_id)?.once(b.sequence, b.uuid.as_deref(), "batch_update", |c, _| {
        let mut draft = c.clone();
        for a in &actions {
            apply_action(&mut draft, a)?;
        }
        *c = draft;
        Ok(())
    })?;
    Ok(ok(json!({})))
}
