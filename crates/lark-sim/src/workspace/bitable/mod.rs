//! Bitable apps, tables and fields (`bitable/v1`). A new app comes with the platform's default
//! table: a primary text field and single-select, date and attachment fields, plus empty
//! records that a caller is expected to clean up. Fields carry the platform's type numbers and
//! select options with generated ids. Errors mostly come back with HTTP 200 and a 1254xxx code,
//! as the platform answers them.
//!
//! This file holds the state types, the error helpers every bitable handler shares and the
//! routes; [`apps`] serves apps, tables and views, [`fields`] the field types and field
//! endpoints. Records live in [`super::records`].

mod apps;
mod fields;

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::routing::{delete, get, post, put};
use serde_json::{Value, json};

pub use fields::{Field, FieldType};

use super::Workspace;
use super::records::Record;
use super::util::{WEB_HOST, page_size, paginate, soft};
use crate::error::ApiError;
use crate::state::SimState;

pub(crate) const WRONG_JSON: i64 = 1254000;
pub(crate) const WRONG_BODY: i64 = 1254001;
pub(crate) const APP_NOT_FOUND: i64 = 1254040;
pub(crate) const TABLE_NOT_FOUND: i64 = 1254041;
pub(crate) const VIEW_NOT_FOUND: i64 = 1254042;
pub(crate) const FIELD_ID_NOT_FOUND: i64 = 1254044;
const TABLE_NAME_DUPLICATED: i64 = 1254013;
const FIELD_NAME_DUPLICATED: i64 = 1254014;

/// How many empty records the default table starts with.
const DEFAULT_EMPTY_RECORDS: usize = 10;

pub(crate) fn wrong_json(e: String) -> ApiError {
    soft(WRONG_JSON, format!("WrongRequestJson: {e}"))
}

pub(crate) fn wrong_body(m: impl Into<String>) -> ApiError {
    soft(WRONG_BODY, format!("WrongRequestBody: {}", m.into()))
}

/// A table of a bitable app.
#[derive(Debug, Clone)]
pub struct Table {
    pub table_id: String,
    pub name: String,
    pub revision: i64,
    pub default_view_id: String,
    pub default_view_name: String,
    pub fields: Vec<Field>,
    pub records: Vec<Record>,
    pub(crate) next_auto_number: u64,
}

impl Table {
    pub fn field_by_name(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.field_name == name)
    }

    pub fn field_by_id(&self, id: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.field_id == id)
    }

    /// Rejects a `view_id` other than the table's one view (an empty one means the default).
    pub(crate) fn check_view(&self, view: Option<&str>) -> Result<(), ApiError> {
        match view.filter(|v| !v.is_empty()) {
            Some(v) if v != self.default_view_id => {
                Err(soft(VIEW_NOT_FOUND, format!("ViewIdNotFound: {v}")))
            }
            _ => Ok(()),
        }
    }

    fn json(&self) -> Value {
        json!({ "table_id": self.table_id, "revision": self.revision, "name": self.name })
    }
}

/// A bitable app (a "base").
#[derive(Debug, Clone)]
pub struct BitableApp {
    pub app_token: String,
    pub name: String,
    pub folder_token: String,
    pub time_zone: String,
    pub revision: i64,
    pub tables: Vec<Table>,
    pub created_ms: i64,
}

impl BitableApp {
    pub fn url(&self) -> String {
        format!("{WEB_HOST}/base/{}", self.app_token)
    }

    pub fn table(&self, id: &str) -> Result<&Table, ApiError> {
        self.tables
            .iter()
            .find(|t| t.table_id == id)
            .ok_or_else(|| soft(TABLE_NOT_FOUND, format!("TableIdNotFound: {id}")))
    }

    pub fn table_mut(&mut self, id: &str) -> Result<&mut Table, ApiError> {
        self.tables
            .iter_mut()
            .find(|t| t.table_id == id)
            .ok_or_else(|| soft(TABLE_NOT_FOUND, format!("TableIdNotFound: {id}")))
    }
}

impl Workspace {
    pub(crate) fn bitable(&self, t: &str) -> Result<&BitableApp, ApiError> {
        self.bitables
            .get(t)
            .ok_or_else(|| soft(APP_NOT_FOUND, format!("BaseTokenNotFound: {t}")))
    }

    pub(crate) fn bitable_mut(&mut self, t: &str) -> Result<&mut BitableApp, ApiError> {
        self.bitables
            .get_mut(t)
            .ok_or_else(|| soft(APP_NOT_FOUND, format!("BaseTokenNotFound: {t}")))
    }
}

/// One page of `items` as the bitable list endpoints answer it: `items` rendered by `render`,
/// `has_more`, `total` and, when more follow, `page_token`. A bad `page_size` or a foreign
/// `page_token` is `WrongRequestBody`.
pub(crate) fn paged<T: Clone>(
    items: &[T],
    q: &HashMap<String, String>,
    default: usize,
    max: usize,
    render: impl Fn(&T) -> Value,
) -> Result<Value, ApiError> {
    let size = page_size(q, default, max).map_err(wrong_body)?;
    let page = paginate(items, size, q.get("page_token").map(String::as_str))
        .ok_or_else(|| wrong_body("page_token is not valid"))?;
    let rendered: Vec<Value> = page.items.iter().map(render).collect();
    let mut v = json!({ "items": rendered, "has_more": page.has_more, "total": items.len() });
    if let Some(t) = page.page_token {
        v["page_token"] = json!(t);
    }
    Ok(v)
}

pub(super) fn routes() -> Router<Arc<SimState>> {
    Router::new()
        .route("/open-apis/bitable/v1/apps", post(apps::create_app))
        .route("/open-apis/bitable/v1/apps/{app_token}", get(apps::get_app))
        .route(
            "/open-apis/bitable/v1/apps/{app_token}/tables",
            get(apps::list_tables).post(apps::create_table),
        )
        .route(
            "/open-apis/bitable/v1/apps/{app_token}/tables/{table_id}",
            delete(apps::delete_table),
        )
        .route(
            "/open-apis/bitable/v1/apps/{app_token}/tables/{table_id}/views",
            get(apps::list_views),
        )
        .route(
            "/open-apis/bitable/v1/apps/{app_token}/tables/{table_id}/fields",
            get(fields::list_fields).post(fields::create_field),
        )
        .route(
            "/open-apis/bitable/v1/apps/{app_token}/tables/{table_id}/fields/{field_id}",
            put(fields::update_field).delete(fields::delete_field),
        )
}
