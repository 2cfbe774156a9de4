//! Bitable records (`.../tables/{table_id}/records`): list with `filter`, `sort`,
//! `field_names` and paging, structured `search`, get, create, update, delete and the batch
//! variants. Values are checked against their field's type the way the platform does (a
//! number field given "abc" is `NumberFieldConvFail`, an unknown name `FieldNameNotFound`, a
//! new select value adds the option). Records store values by field id, so renaming a field
//! keeps its data.
//!
//! This file holds the record type, how a record is rendered and the routes. [`list`] reads
//! (list with its formula filter and sort, get), [`search`] answers the structured search,
//! [`write`] creates, updates and deletes, one or a batch, and [`values`] checks and converts
//! cell values on the way in.

mod list;
mod search;
mod values;
mod write;

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::bitable::{FieldType, Table};
use super::util::{now_ms, token};
use super::{Field, Workspace};
use crate::state::{App, SimState};

const INVALID_SORT: i64 = 1254016;
const INVALID_FILTER: i64 = 1254018;
const INVALID_FIELD_NAMES: i64 = 1254024;
const RECORD_NOT_FOUND: i64 = 1254043;
const FIELD_NAME_NOT_FOUND: i64 = 1254045;
const TOO_MANY: i64 = 1254104;
const ATTACHMENT_NOT_OURS: i64 = 1254303;
/// At most this many records per batch request.
const MAX_BATCH: usize = 500;

/// A record (row) of a table.
#[derive(Debug, Clone)]
pub struct Record {
    pub record_id: String,
    /// Values by field id.
    pub fields: BTreeMap<String, Value>,
    pub created_ms: i64,
    pub modified_ms: i64,
    pub auto_number: u64,
}

impl Record {
    /// An empty record of `table`, taking the table's next auto number.
    pub fn new(table: &mut Table) -> Record {
        let now = now_ms();
        let n = table.next_auto_number;
        table.next_auto_number += 1;
        Record {
            record_id: token("rec", 10),
            fields: BTreeMap::new(),
            created_ms: now,
            modified_ms: now,
            auto_number: n,
        }
    }

    /// The stored or computed value of `f`.
    fn value(&self, f: &Field, bot: &str) -> Option<Value> {
        match f.field_type.0 {
            1001 => Some(json!(self.created_ms)),
            1002 => Some(json!(self.modified_ms)),
            1003 | 1004 => Some(json!([{ "id": bot }])),
            1005 => Some(json!(self.auto_number.to_string())),
            _ => self.fields.get(&f.field_id).cloned(),
        }
    }
}

/// How a record is rendered.
#[derive(Clone, Copy)]
struct Render<'a> {
    bot: &'a str,
    text_as_array: bool,
    automatic: bool,
}

fn text_segments(s: &str) -> Value {
    json!([{ "text": s, "type": "text" }])
}

fn render(table: &Table, r: &Record, only: Option<&[String]>, how: Render) -> Value {
    let mut fields = serde_json::Map::new();
    for f in &table.fields {
        if only.is_some_and(|o| !o.contains(&f.field_name)) {
            continue;
        }
        if let Some(v) = r.value(f, how.bot) {
            let v = match (&v, f.field_type) {
                (Value::String(s), FieldType::TEXT) if how.text_as_array => text_segments(s),
                _ => v,
            };
            fields.insert(f.field_name.clone(), v);
        }
    }
    let mut out = json!({
        "record_id": r.record_id,
        "id": r.record_id,
        "fields": fields,
        "created_time": r.created_ms,
        "last_modified_time": r.modified_ms,
    });
    if how.automatic {
        out["created_by"] = json!({ "id": how.bot });
        out["last_modified_by"] = json!({ "id": how.bot });
    }
    out
}

fn how(app: &App) -> Render<'_> {
    Render {
        bot: &app.bot_open_id,
        text_as_array: false,
        automatic: false,
    }
}

impl Workspace {
    /// The records of a table as `{field name: value}` maps, in table order.
    pub fn bitable_records(
        &self,
        app_token: &str,
        table_id: &str,
    ) -> Option<Vec<(String, serde_json::Map<String, Value>)>> {
        let table = self
            .bitables
            .get(app_token)?
            .tables
            .iter()
            .find(|t| t.table_id == table_id)?;
        Some(
            table
                .records
                .iter()
                .map(|r| {
                    let v = render(
                        table,
                        r,
                        None,
                        Render {
                            bot: "",
                            text_as_array: false,
                            automatic: false,
                        },
                    );
                    (
                        r.record_id.clone(),
                        v["fields"].as_object().cloned().unwrap_or_default(),
                    )
                })
                .collect(),
        )
    }
}

pub(super) fn routes() -> Router<Arc<SimState>> {
    const BASE: &str = "/open-apis/bitable/v1/apps/{app_token}/tables/{table_id}/records";
    Router::new()
        .route(BASE, get(list::list).post(write::create))
        .route(&format!("{BASE}/search"), post(search::search))
        .route(&format!("{BASE}/batch_create"), post(write::batch_create))
        .route(&format!("{BASE}/batch_update"), post(write::batch_update))
        .route(&format!("{BASE}/batch_delete"), post(write::batch_delete))
        .route(
            &format!("{BASE}/{{record_id}}"),
            get(list::get_record)
                .put(write::update)
                .delete(write::delete_one),
        )
}
