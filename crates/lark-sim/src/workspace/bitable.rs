//! Bitable apps, tables and fields (`bitable/v1`). A new app comes with the platform's default
//! table: a primary text field and single-select, date and attachment fields, plus empty
//! records that a caller is expected to clean up. Fields carry the platform's type numbers and
//! select options with generated ids. Errors mostly come back with HTTP 200 and a 1254xxx code,
//! as the platform answers them. Records live in [`super::records`].

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, RawQuery};
use axum::response::Response;
use axum::routing::{delete, get, post, put};
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::Workspace;
use super::records::Record;
use super::util::{WEB_HOST, json_body, now_ms, page_size, paginate, query_map, soft, token, ws};
use crate::auth::Tenant;
use crate::error::{ApiError, ok};
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

/// A field type number (1 text, 2 number, 3 single select, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FieldType(pub u32);

impl FieldType {
    pub const TEXT: FieldType = FieldType(1);
    pub const NUMBER: FieldType = FieldType(2);
    pub const SINGLE_SELECT: FieldType = FieldType(3);
    pub const MULTI_SELECT: FieldType = FieldType(4);
    pub const DATETIME: FieldType = FieldType(5);
    pub const CHECKBOX: FieldType = FieldType(7);
    pub const ATTACHMENT: FieldType = FieldType(17);
    pub const LINK: FieldType = FieldType(18);
    pub const DUPLEX_LINK: FieldType = FieldType(21);

    /// The `ui_type` the platform reports for the type, or `None` for an unknown number.
    pub fn ui_type(self) -> Option<&'static str> {
        Some(match self.0 {
            1 => "Text",
            2 => "Number",
            3 => "SingleSelect",
            4 => "MultiSelect",
            5 => "DateTime",
            7 => "Checkbox",
            11 => "User",
            13 => "Phone",
            15 => "Url",
            17 => "Attachment",
            18 => "SingleLink",
            19 => "Lookup",
            20 => "Formula",
            21 => "DuplexLink",
            22 => "Location",
            23 => "GroupChat",
            1001 => "CreatedTime",
            1002 => "ModifiedTime",
            1003 => "CreatedUser",
            1004 => "ModifiedUser",
            1005 => "AutoNumber",
            _ => return None,
        })
    }

    pub fn is_select(self) -> bool {
        self == Self::SINGLE_SELECT || self == Self::MULTI_SELECT
    }

    /// Types whose values the platform computes; writes to them are rejected.
    pub fn read_only(self) -> bool {
        matches!(self.0, 19 | 20 | 1001..=1005)
    }
}

/// An option of a select field.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SelectOption {
    pub name: String,
    pub id: String,
    pub color: i64,
}

/// A field (column) of a table.
#[derive(Debug, Clone)]
pub struct Field {
    pub field_id: String,
    pub field_name: String,
    pub field_type: FieldType,
    pub is_primary: bool,
    pub ui_type: String,
    /// Type-specific settings other than select options (formatter, link table, ...).
    pub property: Option<Value>,
    pub options: Vec<SelectOption>,
    pub description: Option<Value>,
}

impl Field {
    pub fn to_json(&self) -> Value {
        let mut property = self.property.clone();
        if self.field_type.is_select() {
            let p = property.get_or_insert_with(|| json!({}));
            p["options"] = json!(self.options);
        }
        let mut v = json!({
            "field_id": self.field_id,
            "field_name": self.field_name,
            "type": self.field_type.0,
            "property": property,
            "is_primary": self.is_primary,
            "ui_type": self.ui_type,
        });
        if let Some(d) = &self.description {
            v["description"] = d.clone();
        }
        v
    }

    /// Adds a select option named `name` (the platform does this when a record uses a new
    /// value) and returns it.
    pub fn ensure_option(&mut self, name: &str) -> SelectOption {
        if let Some(o) = self.options.iter().find(|o| o.name == name) {
            return o.clone();
        }
        let o = SelectOption {
            name: name.to_owned(),
            id: token("opt", 10),
            color: (self.options.len() % 55) as i64,
        };
        self.options.push(o.clone());
        o
    }
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

    /// Builds a field from a create/update request body.
    fn build_field(&self, b: &FieldBody, keep: Option<&Field>) -> Result<Field, ApiError> {
        let name = b.field_name.clone().unwrap_or_default();
        if name.trim().is_empty() {
            return Err(wrong_body("field_name is required"));
        }
        if self
            .fields
            .iter()
            .any(|f| f.field_name == name && keep.is_none_or(|k| k.field_id != f.field_id))
        {
            return Err(soft(
                FIELD_NAME_DUPLICATED,
                format!("FieldNameDuplicated: {name:?} already exists"),
            ));
        }
        let ty = b.field_type.ok_or_else(|| wrong_body("type is required"))?;
        let ft = FieldType(ty);
        let ui = ft
            .ui_type()
            .ok_or_else(|| wrong_body(format!("type {ty} is not a field type")))?;
        let mut property = b.property.clone().filter(|p| !p.is_null());
        if property.as_ref().is_some_and(|p| !p.is_object()) {
            return Err(wrong_body("property must be an object"));
        }
        let mut options = Vec::new();
        if ft.is_select() {
            let given = property
                .as_mut()
                .and_then(|p| p.as_object_mut())
                .and_then(|p| p.remove("options"));
            let given = match given {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::Array(a)) => a,
                Some(_) => return Err(wrong_body("property.options must be an array")),
            };
            let old: &[SelectOption] = keep.map_or(&[], |k| &k.options);
            for (i, o) in given.iter().enumerate() {
                let oname = o
                    .get("name")
                    .and_then(Value::as_str)
                    .filter(|n| !n.is_empty())
                    .ok_or_else(|| wrong_body(format!("property.options[{i}].name is required")))?;
                if options.iter().any(|x: &SelectOption| x.name == oname) {
                    continue;
                }
                let prev = o
                    .get("id")
                    .and_then(Value::as_str)
                    .and_then(|id| old.iter().find(|x| x.id == id))
                    .or_else(|| old.iter().find(|x| x.name == oname));
                options.push(SelectOption {
                    name: oname.to_owned(),
                    id: prev.map_or_else(|| token("opt", 10), |p| p.id.clone()),
                    color: o
                        .get("color")
                        .and_then(Value::as_i64)
                        .unwrap_or((options.len() % 55) as i64),
                });
            }
            if property
                .as_ref()
                .is_some_and(|p| p.as_object().is_some_and(|m| m.is_empty()))
            {
                property = None;
            }
        }
        if ft == FieldType::LINK || ft == FieldType::DUPLEX_LINK {
            let linked = property
                .as_ref()
                .and_then(|p| p.get("table_id"))
                .and_then(Value::as_str)
                .ok_or_else(|| wrong_body("a link field needs property.table_id"))?;
            if linked.is_empty() {
                return Err(wrong_body("a link field needs property.table_id"));
            }
        }
        Ok(Field {
            field_id: keep.map_or_else(|| token("fld", 10), |k| k.field_id.clone()),
            field_name: name,
            field_type: ft,
            is_primary: keep.is_some_and(|k| k.is_primary),
            ui_type: b.ui_type.clone().unwrap_or_else(|| ui.to_owned()),
            property,
            options,
            description: b.description.clone(),
        })
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

fn simple_field(name: &str, ty: FieldType, primary: bool, property: Option<Value>) -> Field {
    Field {
        field_id: token("fld", 10),
        field_name: name.to_owned(),
        field_type: ty,
        is_primary: primary,
        ui_type: ty.ui_type().unwrap_or("Text").to_owned(),
        property,
        options: Vec::new(),
        description: None,
    }
}

fn new_table(name: &str, view_name: Option<String>, fields: Vec<Field>) -> Table {
    Table {
        table_id: token("tbl", 13),
        name: name.to_owned(),
        revision: 1,
        default_view_id: token("vew", 7),
        default_view_name: view_name.unwrap_or_else(|| "表格".to_owned()),
        fields,
        records: Vec::new(),
        next_auto_number: 1,
    }
}

/// The table every new app starts with, as the platform creates it.
fn default_table() -> Table {
    let fields = vec![
        simple_field("文本", FieldType::TEXT, true, None),
        simple_field("单选", FieldType::SINGLE_SELECT, false, None),
        simple_field(
            "日期",
            FieldType::DATETIME,
            false,
            Some(json!({ "date_formatter": "yyyy/MM/dd", "auto_fill": false })),
        ),
        simple_field("附件", FieldType::ATTACHMENT, false, None),
    ];
    let mut t = new_table("数据表", None, fields);
    for _ in 0..DEFAULT_EMPTY_RECORDS {
        let r = Record::new(&mut t);
        t.records.push(r);
    }
    t
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

#[derive(Deserialize)]
struct CreateApp {
    name: Option<String>,
    folder_token: Option<String>,
    time_zone: Option<String>,
}

/// `POST /bitable/v1/apps`
async fn create_app(Tenant(app): Tenant, body: Bytes) -> Result<Response, ApiError> {
    let b: CreateApp = json_body(&body, wrong_json)?;
    let table = default_table();
    let a = BitableApp {
        app_token: token("bascn", 22),
        name: b.name.unwrap_or_default(),
        folder_token: b.folder_token.unwrap_or_default(),
        time_zone: b.time_zone.unwrap_or_else(|| "Asia/Shanghai".into()),
        revision: 1,
        tables: vec![table],
        created_ms: now_ms(),
    };
    let out = json!({ "app": {
        "app_token": a.app_token,
        "name": a.name,
        "revision": a.revision,
        "folder_token": a.folder_token,
        "url": a.url(),
        "default_table_id": a.tables[0].table_id,
        "time_zone": a.time_zone,
    }});
    ws(&app).bitables.insert(a.app_token.clone(), a);
    Ok(ok(out))
}

/// `GET /bitable/v1/apps/{app_token}`
async fn get_app(Tenant(app): Tenant, Path(t): Path<String>) -> Result<Response, ApiError> {
    let w = ws(&app);
    let a = w.bitable(&t)?;
    Ok(ok(json!({ "app": {
        "app_token": a.app_token, "name": a.name, "revision": a.revision,
        "is_advanced": false, "time_zone": a.time_zone, "url": a.url(),
    }})))
}

fn paged(
    items: Vec<Value>,
    q: &std::collections::HashMap<String, String>,
    default: usize,
    max: usize,
) -> Result<Value, ApiError> {
    let size = page_size(q, default, max).map_err(wrong_body)?;
    let total = items.len();
    let page = paginate(&items, size, q.get("page_token").map(String::as_str))
        .ok_or_else(|| wrong_body("page_token is not valid"))?;
    let mut v = json!({ "items": page.items, "has_more": page.has_more, "total": total });
    if let Some(t) = page.page_token {
        v["page_token"] = json!(t);
    }
    Ok(v)
}

/// `GET /bitable/v1/apps/{app_token}/tables`
async fn list_tables(
    Tenant(app): Tenant,
    Path(t): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let q = query_map(q);
    let w = ws(&app);
    let items = w.bitable(&t)?.tables.iter().map(Table::json).collect();
    Ok(ok(paged(items, &q, 20, 100)?))
}

#[derive(Deserialize)]
struct FieldBody {
    field_name: Option<String>,
    #[serde(rename = "type")]
    field_type: Option<u32>,
    property: Option<Value>,
    description: Option<Value>,
    ui_type: Option<String>,
}

#[derive(Deserialize)]
struct TableSpec {
    name: Option<String>,
    default_view_name: Option<String>,
    fields: Option<Vec<FieldBody>>,
}

#[derive(Deserialize)]
struct CreateTable {
    table: Option<TableSpec>,
}

/// `POST /bitable/v1/apps/{app_token}/tables`: the first given field is the primary one; with
/// no fields the table gets a primary text field.
async fn create_table(
    Tenant(app): Tenant,
    Path(t): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let b: CreateTable = json_body(&body, wrong_json)?;
    let spec = b.table.ok_or_else(|| wrong_body("table is required"))?;
    let name = spec.name.unwrap_or_default();
    if name.trim().is_empty() {
        return Err(wrong_body("table.name is required"));
    }
    let mut w = ws(&app);
    let a = w.bitable_mut(&t)?;
    if a.tables.iter().any(|x| x.name == name) {
        return Err(soft(
            TABLE_NAME_DUPLICATED,
            format!("TableNameDuplicated: {name:?}"),
        ));
    }
    let mut table = new_table(&name, spec.default_view_name, Vec::new());
    for (i, fb) in spec.fields.unwrap_or_default().iter().enumerate() {
        let mut f = table.build_field(fb, None)?;
        f.is_primary = i == 0;
        table.fields.push(f);
    }
    if table.fields.is_empty() {
        table
            .fields
            .push(simple_field("文本", FieldType::TEXT, true, None));
    }
    let out = json!({
        "table_id": table.table_id,
        "default_view_id": table.default_view_id,
        "field_id_list": table.fields.iter().map(|f| f.field_id.clone()).collect::<Vec<_>>(),
    });
    a.tables.push(table);
    a.revision += 1;
    Ok(ok(out))
}

/// `DELETE /bitable/v1/apps/{app_token}/tables/{table_id}`: the last table cannot go.
async fn delete_table(
    Tenant(app): Tenant,
    Path((t, table_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let mut w = ws(&app);
    let a = w.bitable_mut(&t)?;
    a.table(&table_id)?;
    if a.tables.len() == 1 {
        return Err(wrong_body("the last table of an app cannot be deleted"));
    }
    a.tables.retain(|x| x.table_id != table_id);
    a.revision += 1;
    Ok(ok(json!({})))
}

/// `GET /bitable/v1/apps/{app_token}/tables/{table_id}/views`
async fn list_views(
    Tenant(app): Tenant,
    Path((t, table_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let w = ws(&app);
    let table = w.bitable(&t)?.table(&table_id)?;
    Ok(ok(json!({
        "items": [{ "view_id": table.default_view_id, "view_name": table.default_view_name, "view_type": "grid" }],
        "has_more": false, "total": 1,
    })))
}

/// `GET /bitable/v1/apps/{app_token}/tables/{table_id}/fields`
async fn list_fields(
    Tenant(app): Tenant,
    Path((t, table_id)): Path<(String, String)>,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let q = query_map(q);
    let w = ws(&app);
    let table = w.bitable(&t)?.table(&table_id)?;
    if let Some(v) = q.get("view_id").filter(|v| !v.is_empty())
        && *v != table.default_view_id
    {
        return Err(soft(VIEW_NOT_FOUND, format!("ViewIdNotFound: {v}")));
    }
    let items = table.fields.iter().map(Field::to_json).collect();
    Ok(ok(paged(items, &q, 20, 100)?))
}

/// `POST /bitable/v1/apps/{app_token}/tables/{table_id}/fields`
async fn create_field(
    Tenant(app): Tenant,
    Path((t, table_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let b: FieldBody = json_body(&body, wrong_json)?;
    let mut w = ws(&app);
    let a = w.bitable_mut(&t)?;
    let table = a.table_mut(&table_id)?;
    let f = table.build_field(&b, None)?;
    let out = f.to_json();
    table.fields.push(f);
    table.revision += 1;
    Ok(ok(json!({ "field": out })))
}

/// `PUT /bitable/v1/apps/{app_token}/tables/{table_id}/fields/{field_id}`: replaces the
/// field's name, type and property; select options keep their ids when matched by id or name.
async fn update_field(
    Tenant(app): Tenant,
    Path((t, table_id, field_id)): Path<(String, String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let b: FieldBody = json_body(&body, wrong_json)?;
    let mut w = ws(&app);
    let table = w.bitable_mut(&t)?.table_mut(&table_id)?;
    let old = table
        .field_by_id(&field_id)
        .cloned()
        .ok_or_else(|| soft(FIELD_ID_NOT_FOUND, format!("FieldIdNotFound: {field_id}")))?;
    let f = table.build_field(&b, Some(&old))?;
    let out = f.to_json();
    if let Some(slot) = table.fields.iter_mut().find(|x| x.field_id == field_id) {
        *slot = f;
    }
    table.revision += 1;
    Ok(ok(json!({ "field": out })))
}

/// `DELETE /bitable/v1/apps/{app_token}/tables/{table_id}/fields/{field_id}`
async fn delete_field(
    Tenant(app): Tenant,
    Path((t, table_id, field_id)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    let mut w = ws(&app);
    let table = w.bitable_mut(&t)?.table_mut(&table_id)?;
    let f = table
        .field_by_id(&field_id)
        .ok_or_else(|| soft(FIELD_ID_NOT_FOUND, format!("FieldIdNotFound: {field_id}")))?;
    if f.is_primary {
        return Err(wrong_body(format!(
            "the primary field {:?} cannot be deleted",
            f.field_name
        )));
    }
    table.fields.retain(|x| x.field_id != field_id);
    for r in &mut table.records {
        r.fields.remove(&field_id);
    }
    table.revision += 1;
    Ok(ok(json!({ "field_id": field_id, "deleted": true })))
}

pub(super) fn routes() -> Router<Arc<SimState>> {
    Router::new()
        .route("/open-apis/bitable/v1/apps", post(create_app))
        .route("/open-apis/bitable/v1/apps/{app_token}", get(get_app))
        .route(
            "/open-apis/bitable/v1/apps/{app_token}/tables",
            get(list_tables).post(create_table),
        )
        .route(
            "/open-apis/bitable/v1/apps/{app_token}/tables/{table_id}",
            delete(delete_table),
        )
        .route(
            "/open-apis/bitable/v1/apps/{app_token}/tables/{table_id}/views",
            get(list_views),
        )
        .route(
            "/open-apis/bitable/v1/apps/{app_token}/tables/{table_id}/fields",
            get(list_fields).post(create_field),
        )
        .route(
            "/open-apis/bitable/v1/apps/{app_token}/tables/{table_id}/fields/{field_id}",
            put(update_field).delete(delete_field),
        )
}
