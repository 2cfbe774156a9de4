//! CardKit (`cardkit/v1`): card entities that a bot creates, sends once by reference and then
//! streams into. The card JSON is the user's JSON and is kept as such; what the platform
//! enforces is modelled: JSON 2.0 only, `update_multi` not false, one strictly increasing
//! `sequence` per card shared by every update endpoint, streaming only while
//! `config.streaming_mode` is on, and only into text elements.

use std::sync::Arc;

use axum::Router;
use axum::extract::Path;
use axum::response::Response;
use axum::routing::{patch, post, put};
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::Workspace;
use super::util::{bad, json_body, now_ms, numeric_id, ws};
use crate::auth::Tenant;
use crate::error::{ApiError, ok};
use crate::state::SimState;

const INVALID_PARAM: i64 = 10002;
const NOT_FOUND: i64 = 200740;
const BAD_CONTENT: i64 = 200220;
const TOO_LARGE: i64 = 200860;
const DUPLICATE_ELEMENT_ID: i64 = 300301;
const UPDATE_MULTI_FALSE: i64 = 300302;
const SCHEMA_2_ONLY: i64 = 300303;
const EMPTY_DSL: i64 = 300307;
const STREAMING_CLOSED: i64 = 300309;
const ONLY_TEXT: i64 = 300310;
const UPDATE_ELEMENT_FAILED: i64 = 300313;
const DELETE_ELEMENT_FAILED: i64 = 300314;
const ADD_ELEMENT_FAILED: i64 = 300315;
const SEQUENCE: i64 = 300317;
const SETTINGS_FAILED: i64 = 300122;
/// A card entity was already sent in a message (the IM send answers with this).
const ALREADY_SENT: i64 = 230099;

/// A card body limit of 30 KB, as for card messages.
const MAX_CARD_BYTES: usize = 30 * 1024;

/// One streamed write into an element: what the user would see typed out.
#[derive(Debug, Clone, Serialize)]
pub struct StreamedContent {
    pub element_id: String,
    pub sequence: i64,
    pub content: String,
    /// True when the previous text was a prefix of this one (the typewriter effect).
    pub typewriter: bool,
}

/// A card entity.
#[derive(Debug, Clone)]
pub struct Card {
    pub card_id: String,
    /// The current card JSON (user JSON, updated by every operation).
    pub json: Value,
    /// The last accepted `sequence` (0 before any update).
    pub sequence: i64,
    pub sent: bool,
    pub created_ms: i64,
    pub streamed: Vec<StreamedContent>,
    /// Each accepted operation, e.g. `settings`, `update`, `element.create`.
    pub operations: Vec<(i64, String)>,
    uuids: Vec<String>,
}

impl Workspace {
    /// Whether a CardKit card with this id exists (for IM sends by `card_id`).
    pub fn card_exists(&self, card_id: &str) -> bool {
        self.cards.contains_key(card_id)
    }

    /// Records that the card was sent in a message. A card entity can be sent only once.
    pub fn mark_card_sent(&mut self, card_id: &str) -> Result<(), ApiError> {
        let card = self.cards.get_mut(card_id).ok_or_else(|| {
            crate::error::ApiError::invalid_param(format!("card_id {card_id} does not exist"))
        })?;
        if card.sent {
            return Err(bad(
                ALREADY_SENT,
                format!(
                    "Failed to create card content, ext=card entity {card_id} has already been sent; a card entity can be sent only once"
                ),
            ));
        }
        card.sent = true;
        Ok(())
    }
}

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

fn collect_element_ids(v: &Value, out: &mut Vec<String>) {
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
fn find_element<'a>(v: &'a mut Value, id: &str) -> Option<&'a mut Value> {
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
    /// Accepts `sequence` for one operation: it must exceed every earlier one. A repeated
    /// `uuid` is a replay of an operation already applied, answered as success (`Ok(false)`),
    /// which is what a client retrying a timed-out call needs.
    fn begin(&mut self, sequence: Option<i64>, uuid: Option<&str>) -> Result<bool, ApiError> {
        let sequence =
            sequence.ok_or_else(|| bad(INVALID_PARAM, "invalid param: sequence is required"))?;
        if let Some(u) = uuid.filter(|u| !u.is_empty())
            && self.uuids.iter().any(|x| x == u)
        {
            return Ok(false);
        }
        if sequence <= self.sequence {
            return Err(bad(
                SEQUENCE,
                format!(
                    "The sequence number for operating on the card did not increment consecutively: got {sequence}, last accepted {}",
                    self.sequence
                ),
            ));
        }
        Ok(true)
    }

    fn commit(&mut self, sequence: i64, uuid: Option<&str>, op: &str) {
        self.sequence = sequence;
        if let Some(u) = uuid.filter(|u| !u.is_empty()) {
            self.uuids.push(u.to_owned());
        }
        self.operations.push((sequence, op.to_owned()));
    }

    fn streaming(&self) -> bool {
        self.json.pointer("/config/streaming_mode") == Some(&Value::Bool(true))
    }

    fn stream(&mut self, element_id: &str, content: String, sequence: i64) -> Result<(), ApiError> {
        if !self.streaming() {
            return Err(bad(
                STREAMING_CLOSED,
                "Card streaming closed: set config.streaming_mode to true first",
            ));
        }
        let el = find_element(&mut self.json, element_id).ok_or_else(|| {
            bad(
                UPDATE_ELEMENT_FAILED,
                format!("element {element_id} not found in card"),
            )
        })?;
        let tag = el.get("tag").and_then(Value::as_str).unwrap_or("");
        if tag != "markdown" && tag != "plain_text" {
            return Err(bad(
                ONLY_TEXT,
                format!(
                    "Only update text: element {element_id} is a {tag:?}, not markdown or plain_text"
                ),
            ));
        }
        let old = el
            .get("content")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        el["content"] = Value::String(content.clone());
        self.streamed.push(StreamedContent {
            element_id: element_id.to_owned(),
            sequence,
            typewriter: content.starts_with(&old),
            content,
        });
        Ok(())
    }

    fn add_elements(
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

    fn update_element(&mut self, id: &str, element: Value) -> Result<(), ApiError> {
        let el = find_element(&mut self.json, id)
            .ok_or_else(|| bad(UPDATE_ELEMENT_FAILED, format!("element {id} not found")))?;
        let mut element = element;
        if let Some(o) = element.as_object_mut() {
            o.insert("element_id".into(), Value::String(id.to_owned()));
        }
        *el = element;
        Ok(())
    }

    fn patch_element(&mut self, id: &str, partial: Value) -> Result<(), ApiError> {
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

    fn delete_element(&mut self, id: &str) -> Result<(), ApiError> {
        let (arr, i) = find_parent(&mut self.json, id)
            .ok_or_else(|| bad(DELETE_ELEMENT_FAILED, format!("element {id} not found")))?;
        arr.remove(i);
        Ok(())
    }

    fn apply_settings(&mut self, settings: &str) -> Result<(), ApiError> {
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

fn card_mut<'a>(ws: &'a mut Workspace, id: &str) -> Result<&'a mut Card, ApiError> {
    ws.cards
        .get_mut(id)
        .ok_or_else(|| bad(NOT_FOUND, format!("card entity {id} does not exist")))
}

fn invalid(e: String) -> ApiError {
    bad(INVALID_PARAM, format!("invalid param: {e}"))
}

#[derive(Deserialize)]
struct CreateBody {
    #[serde(rename = "type")]
    kind: Option<String>,
    data: Option<String>,
}

/// `POST /cardkit/v1/cards`
async fn create(Tenant(app): Tenant, body: Bytes) -> Result<Response, ApiError> {
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
struct ContentBody {
    content: Option<String>,
    sequence: Option<i64>,
    uuid: Option<String>,
}

/// `PUT /cardkit/v1/cards/{card_id}/elements/{element_id}/content`
async fn stream_content(
    Tenant(app): Tenant,
    Path((card_id, element_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let b: ContentBody = json_body(&body, invalid)?;
    let content = b
        .content
        .ok_or_else(|| invalid("content is required".into()))?;
    let mut w = ws(&app);
    let card = card_mut(&mut w, &card_id)?;
    if card.begin(b.sequence, b.uuid.as_deref())? {
        let seq = b.sequence.unwrap_or_default();
        card.stream(&element_id, content, seq)?;
        card.commit(seq, b.uuid.as_deref(), "element.content");
    }
    Ok(ok(json!({})))
}

#[derive(Deserialize)]
struct SettingsBody {
    settings: Option<String>,
    sequence: Option<i64>,
    uuid: Option<String>,
}

/// `PATCH /cardkit/v1/cards/{card_id}/settings`
async fn settings(
    Tenant(app): Tenant,
    Path(card_id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let b: SettingsBody = json_body(&body, invalid)?;
    let settings = b
        .settings
        .ok_or_else(|| invalid("settings is required".into()))?;
    let mut w = ws(&app);
    let card = card_mut(&mut w, &card_id)?;
    if card.begin(b.sequence, b.uuid.as_deref())? {
        card.apply_settings(&settings)?;
        card.commit(
            b.sequence.unwrap_or_default(),
            b.uuid.as_deref(),
            "settings",
        );
    }
    Ok(ok(json!({})))
}

#[derive(Deserialize)]
struct UpdateBody {
    card: Option<CreateBody>,
    sequence: Option<i64>,
    uuid: Option<String>,
}

/// `PUT /cardkit/v1/cards/{card_id}`
async fn update(
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
    let card = card_mut(&mut w, &card_id)?;
    if card.begin(b.sequence, b.uuid.as_deref())? {
        card.json = json;
        card.commit(b.sequence.unwrap_or_default(), b.uuid.as_deref(), "update");
    }
    Ok(ok(json!({})))
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
async fn create_elements(
    Tenant(app): Tenant,
    Path(card_id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let b: ElementsBody = json_body(&body, invalid)?;
    let kind = b.kind.ok_or_else(|| invalid("type is required".into()))?;
    let elements = parse_elements(&b.elements.unwrap_or_default())?;
    let mut w = ws(&app);
    let card = card_mut(&mut w, &card_id)?;
    if card.begin(b.sequence, b.uuid.as_deref())? {
        card.add_elements(&kind, b.target_element_id.as_deref(), elements)?;
        card.commit(
            b.sequence.unwrap_or_default(),
            b.uuid.as_deref(),
            "element.create",
        );
    }
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
async fn update_element(
    Tenant(app): Tenant,
    Path((card_id, element_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let b: ElementBody = json_body(&body, invalid)?;
    let element = parse_object(b.element, "element")?;
    let mut w = ws(&app);
    let card = card_mut(&mut w, &card_id)?;
    if card.begin(b.sequence, b.uuid.as_deref())? {
        card.update_element(&element_id, element)?;
        card.commit(
            b.sequence.unwrap_or_default(),
            b.uuid.as_deref(),
            "element.update",
        );
    }
    Ok(ok(json!({})))
}

/// `PATCH /cardkit/v1/cards/{card_id}/elements/{element_id}`
async fn patch_element(
    Tenant(app): Tenant,
    Path((card_id, element_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let b: ElementBody = json_body(&body, invalid)?;
    let partial = parse_object(b.partial_element, "partial_element")?;
    let mut w = ws(&app);
    let card = card_mut(&mut w, &card_id)?;
    if card.begin(b.sequence, b.uuid.as_deref())? {
        card.patch_element(&element_id, partial)?;
        card.commit(
            b.sequence.unwrap_or_default(),
            b.uuid.as_deref(),
            "element.patch",
        );
    }
    Ok(ok(json!({})))
}

/// `DELETE /cardkit/v1/cards/{card_id}/elements/{element_id}`
async fn delete_element(
    Tenant(app): Tenant,
    Path((card_id, element_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let b: ElementBody = json_body(&body, invalid)?;
    let mut w = ws(&app);
    let card = card_mut(&mut w, &card_id)?;
    if card.begin(b.sequence, b.uuid.as_deref())? {
        card.delete_element(&element_id)?;
        card.commit(
            b.sequence.unwrap_or_default(),
            b.uuid.as_deref(),
            "element.delete",
        );
    }
    Ok(ok(json!({})))
}

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
async fn batch_update(
    Tenant(app): Tenant,
    Path(card_id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let b: BatchBody = json_body(&body, invalid)?;
    let actions: Vec<Action> = serde_json::from_str(&b.actions.unwrap_or_default())
        .map_err(|e| invalid(format!("actions must be a JSON array of actions: {e}")))?;
    let mut w = ws(&app);
    let card = card_mut(&mut w, &card_id)?;
    if card.begin(b.sequence, b.uuid.as_deref())? {
        let mut draft = card.clone();
        for a in &actions {
            apply_action(&mut draft, a)?;
        }
        *card = draft;
        card.commit(
            b.sequence.unwrap_or_default(),
            b.uuid.as_deref(),
            "batch_update",
        );
    }
    Ok(ok(json!({})))
}

pub(super) fn routes() -> Router<Arc<SimState>> {
    Router::new()
        .route("/open-apis/cardkit/v1/cards", post(create))
        .route("/open-apis/cardkit/v1/cards/{card_id}", put(update))
        .route(
            "/open-apis/cardkit/v1/cards/{card_id}/settings",
            patch(settings),
        )
        .route(
            "/open-apis/cardkit/v1/cards/{card_id}/batch_update",
            post(batch_update),
        )
        .route(
            "/open-apis/cardkit/v1/cards/{card_id}/elements",
            post(create_elements),
        )
        .route(
            "/open-apis/cardkit/v1/cards/{card_id}/elements/{element_id}",
            put(update_element)
                .patch(patch_element)
                .delete(delete_element),
        )
        .route(
            "/open-apis/cardkit/v1/cards/{card_id}/elements/{element_id}/content",
            put(stream_content),
        )
}
