//! Card components by `element_id`: find them anywhere in the card JSON, add new ones
//! before, after or inside another, replace or patch one, delete one.

use axum::extract::Path;
use axum::response::Response;
use bytes::Bytes;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{
    ADD_ELEMENT_FAILED, Card, DELETE_ELEMENT_FAILED, DUPLICATE_ELEMENT_ID, INVALID_PARAM,
    UPDATE_ELEMENT_FAILED, card_mut, invalid,
};
use crate::auth::Tenant;
use crate::error::{ApiError, ok};
use crate::workspace::util::{bad, json_body, ws};

pub(super) fn collect_element_ids(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if let Some(id) = m.get("element_id").and_then(Value::as_str) {
                out.push(id.to_owned());
            }
            m.values().for_each(|c| collect_element_ids(c, out));
        }
        Value::Array(a) => a.iter().for_each(|c| collect_element_ids(c, out)),
        _ => {}
    }
}

/// The element with `element_id` anywhere in the card.
pub(super) fn find_element<'a>(v: &'a mut Value, id: &str) -> Option<&'a mut Value> {
    if v.get("element_id").and_then(Value::as_str) == Some(id) {
        return Some(v);
    }
    match v {
        Value::Object(m) => m.values_mut().find_map(|c| find_element(c, id)),
        Value::Array(a) => a.iter_mut().find_map(|c| find_element(c, id)),
        _ => None,
    }
}

/// The array holding the element with `element_id`, and its index there.
fn find_parent<'a>(v: &'a mut Value, id: &str) -> Option<(&'a mut Vec<Value>, usize)> {
    match v {
        Value::Array(a) => {
            if let Some(i) = a
                .iter()
                .position(|e| e.get("element_id").and_then(Value::as_str) == Some(id))
            {
                return Some((a, i));
            }
            a.iter_mut().find_map(|c| find_parent(c, id))
        }
        Value::Object(m) => m.values_mut().find_map(|c| find_parent(c, id)),
        _ => None,
    }
}

fn body_elements(card: &mut Value) -> Option<&mut Vec<Value>> {
    let obj = card.as_object_mut()?;
    let body = obj.entry("body").or_insert_with(|| json!({}));
    let body = body.as_object_mut()?;
    body.entry("elements")
        .or_insert_with(|| json!([]))
        .as_array_mut()
}

impl Card {
    pub(super) fn add_elements(
        &mut self,
        kind: &str,
        target: Option<&str>,
        elements: Vec<Value>,
    ) -> Result<(), ApiError> {
        let mut ids = Vec::new();
        collect_element_ids(&self.json, &mut ids);
        for e in &elements {
            let mut new_ids = Vec::new();
            collect_element_ids(e, &mut new_ids);
            if let Some(dup) = new_ids.iter().find(|i| ids.contains(i)) {
                return Err(bad(
                    DUPLICATE_ELEMENT_ID,
                    format!("Duplicate element_id {dup}"),
                ));
            }
            ids.extend(new_ids);
        }
        let target = target.filter(|t| !t.is_empty());
        match kind {
            "insert_before" | "insert_after" => {
                let t = target.ok_or_else(|| {
                    bad(
                        ADD_ELEMENT_FAILED,
                        format!("{kind} needs target_element_id"),
                    )
                })?;
                let (arr, i) = find_parent(&mut self.json, t).ok_or_else(|| {
                    bad(ADD_ELEMENT_FAILED, format!("target element {t} not found"))
                })?;
                let at = if kind == "insert_before" { i } else { i + 1 };
                for (k, e) in elements.into_iter().enumerate() {
                    arr.insert(at + k, e);
                }
            }
            "append" => {
                let arr = match target {
                    None => body_elements(&mut self.json),
                    Some(t) => find_element(&mut self.json, t).and_then(|el| {
                        el.as_object_mut()?
                            .entry("elements")
                            .or_insert_with(|| json!([]))
                            .as_array_mut()
                    }),
                }
                .ok_or_else(|| bad(ADD_ELEMENT_FAILED, "append target not found"))?;
                arr.extend(elements);
            }
            other => {
                return Err(bad(
                    INVALID_PARAM,
                    format!(
                        "invalid param: type must be insert_before, insert_after or append, got {other:?}"
                    ),
                ));
            }
        }
        Ok(())
    }

    pub(super) fn update_element(&mut self, id: &str, element: Value) -> Result<(), ApiError> {
        let el = find_element(&mut self.json, id)
            .ok_or_else(|| bad(UPDATE_ELEMENT_FAILED, format!("element {id} not found")))?;
        let mut element = element;
        if let Some(o) = element.as_object_mut() {
            o.insert("element_id".into(), Value::String(id.to_owned()));
        }
        *el = element;
        Ok(())
    }

    pub(super) fn patch_element(&mut self, id: &str, partial: Value) -> Result<(), ApiError> {
        let el = find_element(&mut self.json, id)
            .ok_or_else(|| bad(UPDATE_ELEMENT_FAILED, format!("element {id} not found")))?;
        let (Some(dst), Some(src)) = (el.as_object_mut(), partial.as_object()) else {
            return Err(bad(
                UPDATE_ELEMENT_FAILED,
                "partial_element must be an object",
            ));
        };
        for (k, v) in src {
            if k == "element_id" || k == "tag" {
                continue;
            }
            dst.insert(k.clone(), v.clone());
        }
        Ok(())
    }

    pub(super) fn delete_element(&mut self, id: &str) -> Result<(), ApiError> {
        let (arr, i) = find_parent(&mut self.json, id)
            .ok_or_else(|| bad(DELETE_ELEMENT_FAILED, format!("element {id} not found")))?;
        arr.remove(i);
        Ok(())
    }
}

#[derive(Deserialize)]
struct ElementsBody {
    #[serde(rename = "type")]
    kind: Option<String>,
    target_element_id: Option<String>,
    elements: Option<String>,
    sequence: Option<i64>,
    uuid: Option<String>,
}

fn parse_elements(s: &str) -> Result<Vec<Value>, ApiError> {
    match serde_json::from_str::<Value>(s) {
        Ok(Value::Array(a)) if a.iter().all(Value::is_object) => Ok(a),
        Ok(Value::Object(o)) => Ok(vec![Value::Object(o)]),
        _ => Err(bad(
            ADD_ELEMENT_FAILED,
            "elements must be a JSON array of components",
        )),
    }
}

/// `POST /cardkit/v1/cards/{card_id}/elements`
pub(super) async fn create_elements(
    Tenant(app): Tenant,
    Path(card_id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let b: ElementsBody = json_body(&body, invalid)?;
    let kind = b.kind.ok_or_else(|| invalid("type is required".into()))?;
    let elements = parse_elements(&b.elements.unwrap_or_default())?;
    let mut w = ws(&app);
    card_mut(&mut w, &card_id)?.once(b.sequence, b.uuid.as_deref(), "element.create", |c, _| {
        c.add_elements(&kind, b.target_element_id.as_deref(), elements)
    })?;
    Ok(ok(json!({})))
}

#[derive(Deserialize)]
struct ElementBody {
    element: Option<String>,
    partial_element: Option<String>,
    sequence: Option<i64>,
    uuid: Option<String>,
}

fn parse_object(s: Option<String>, what: &str) -> Result<Value, ApiError> {
    let s = s.ok_or_else(|| invalid(format!("{what} is required")))?;
    match serde_json::from_str::<Value>(&s) {
        Ok(v @ Value::Object(_)) => Ok(v),
        _ => Err(bad(
            UPDATE_ELEMENT_FAILED,
            format!("{what} must be a JSON object string"),
        )),
    }
}

/// `PUT /cardkit/v1/cards/{card_id}/elements/{element_id}`
pub(super) async fn update_element(
    Tenant(app): Tenant,
    Path((card_id, element_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let b: ElementBody = json_body(&body, invalid)?;
    let element = parse_object(b.element, "element")?;
    let mut w = ws(&app);
    card_mut(&mut w, &card_id)?.once(b.sequence, b.uuid.as_deref(), "element.update", |c, _| {
        c.update_element(&element_id, element)
    })?;
    Ok(ok(json!({})))
}

/// `PATCH /cardkit/v1/cards/{card_id}/elements/{element_id}`
pub(super) async fn patch_element(
    Tenant(app): Tenant,
    Path((card_id, element_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let b: ElementBody = json_body(&body, invalid)?;
    let partial = parse_object(b.partial_element, "partial_element")?;
    let mut w = ws(&app);
    card_mut(&mut w, &card_id)?.once(b.sequence, b.uuid.as_deref(), "element.patch", |c, _| {
        c.patch_element(&element_id, partial)
    })?;
    Ok(ok(json!({})))
}

/// `DELETE /cardkit/v1/cards/{card_id}/elements/{element_id}`
pub(super) async fn delete_element(
    Tenant(app): Tenant,
    Path((card_id, element_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let b: ElementBody = json_body(&body, invalid)?;
    let mut w = ws(&app);
    card_mut(&mut w, &card_id)?.once(b.sequence, b.uuid.as_deref(), "element.delete", |c, _| {
        c.delete_element(&element_id)
    })?;
    Ok(ok(json!({})))
}
