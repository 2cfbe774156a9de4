//! Bitable apps, tables and views (`bitable/v1/apps...`): create and get an app (which comes
//! with the platform's default table), list, create and delete tables, and list a table's one
//! grid view.

use axum::extract::{Path, RawQuery};
use axum::response::Response;
use bytes::Bytes;
use serde::Deserialize;
use serde_json::{Value, json};

use super::fields::{FieldBody, FieldType, simple_field};
use super::{
    BitableApp, DEFAULT_EMPTY_RECORDS, Field, TABLE_NAME_DUPLICATED, Table, paged, wrong_body,
    wrong_json,
};
use crate::auth::Tenant;
use crate::error::{ApiError, ok};
use crate::workspace::records::Record;
use crate::workspace::util::{json_body, now_ms, query_map, soft, token, ws};

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

#[derive(Deserialize)]
struct CreateApp {
    name: Option<String>,
    folder_token: Option<String>,
    time_zone: Option<String>,
}

impl BitableApp {
    /// A new base with its default table.
    pub(crate) fn new(name: String, folder_token: String) -> BitableApp {
        BitableApp {
            app_token: token("bascn", 22),
            name,
            folder_token,
            time_zone: "Asia/Shanghai".into(),
            revision: 1,
            tables: vec![default_table()],
            created_ms: now_ms(),
        }
    }
}

/// `POST /bitable/v1/apps`
pub(super) async fn create_app(Tenant(app): Tenant, body: Bytes) -> Result<Response, ApiError> {
    let b: CreateApp = json_body(&body, wrong_json)?;
    let mut a = BitableApp::new(
        b.name.unwrap_or_default(),
        b.folder_token.unwrap_or_default(),
    );
    if let Some(tz) = b.time_zone {
        a.time_zone = tz;
    }
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
pub(super) async fn get_app(
    Tenant(app): Tenant,
    Path(t): Path<String>,
) -> Result<Response, ApiError> {
    let w = ws(&app);
    let a = w.bitable(&t)?;
    Ok(ok(json!({ "app": {
        "app_token": a.app_token, "name": a.name, "revision": a.revision,
        "is_advanced": false, "time_zone": a.time_zone, "url": a.url(),
    }})))
}

/// `GET /bitable/v1/apps/{app_token}/tables`
pub(super) async fn list_tables(
    Tenant(app): Tenant,
    Path(t): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let q = query_map(q);
    let w = ws(&app);
    let items: Vec<Value> = w.bitable(&t)?.tables.iter().map(Table::json).collect();
    Ok(ok(paged(&items, &q, 20, 100, Value::clone)?))
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
pub(super) async fn create_table(
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
pub(super) async fn delete_table(
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
pub(super) async fn list_views(
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
