//! Writing records: create, update and delete, one or a batch of up to 500. A batch is
//! applied to a draft of the table and kept only when every record in it is valid.

use axum::extract::Path;
use axum::response::Response;
use bytes::Bytes;
use serde::Deserialize;
use serde_json::{Value, json};

use super::values::apply_fields;
use super::{MAX_BATCH, RECORD_NOT_FOUND, Record, TOO_MANY, how, render};
use crate::auth::Tenant;
use crate::error::{ApiError, ok};
use crate::state::App;
use crate::workspace::Workspace;
use crate::workspace::bitable::{APP_NOT_FOUND, Table, wrong_body, wrong_json};
use crate::workspace::util::{json_body, soft, ws};

#[derive(Deserialize)]
struct RecordBody {
    record_id: Option<String>,
    fields: Option<serde_json::Map<String, Value>>,
}

/// Creates (`record_id: None`) or updates records on a draft of the table, all or nothing.
fn write_records(
    w: &mut Workspace,
    t: &str,
    table_id: &str,
    items: Vec<RecordBody>,
    create: bool,
) -> Result<(Table, Vec<String>), ApiError> {
    if items.is_empty() {
        return Err(wrong_body("records must not be empty"));
    }
    if items.len() > MAX_BATCH {
        return Err(soft(
            TOO_MANY,
            format!("RecordAddOnceExceedLimit: at most {MAX_BATCH} records per request"),
        ));
    }
    let Workspace {
        bitables, medias, ..
    } = w;
    let a = bitables
        .get_mut(t)
        .ok_or_else(|| soft(APP_NOT_FOUND, format!("BaseTokenNotFound: {t}")))?;
    let table = a.table_mut(table_id)?;
    let mut draft = table.clone();
    let mut ids = Vec::new();
    for it in items {
        let fields = it.fields.ok_or_else(|| wrong_body("fields is required"))?;
        if create {
            let mut r = Record::new(&mut draft);
            apply_fields(&mut draft, &mut r, &fields, medias)?;
            ids.push(r.record_id.clone());
            draft.records.push(r);
        } else {
            let id = it.record_id.unwrap_or_default();
            let i = draft
                .records
                .iter()
                .position(|r| r.record_id == id)
                .ok_or_else(|| soft(RECORD_NOT_FOUND, format!("RecordIdNotFound: {id}")))?;
            let mut r = draft.records[i].clone();
            apply_fields(&mut draft, &mut r, &fields, medias)?;
            draft.records[i] = r;
            ids.push(id);
        }
    }
    draft.revision += 1;
    *table = draft.clone();
    Ok((draft, ids))
}

fn rendered(table: &Table, ids: &[String], app: &App) -> Vec<Value> {
    ids.iter()
        .filter_map(|id| table.records.iter().find(|r| &r.record_id == id))
        .map(|r| render(table, r, None, how(app)))
        .collect()
}

/// `POST .../records`
pub(super) async fn create(
    Tenant(app): Tenant,
    Path((t, table_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let b: RecordBody = json_body(&body, wrong_json)?;
    let mut w = ws(&app);
    let (table, ids) = write_records(&mut w, &t, &table_id, vec![b], true)?;
    let r = rendered(&table, &ids, &app).pop().unwrap_or(Value::Null);
    Ok(ok(json!({ "record": r })))
}

/// `PUT .../records/{record_id}`
pub(super) async fn update(
    Tenant(app): Tenant,
    Path((t, table_id, record_id)): Path<(String, String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let mut b: RecordBody = json_body(&body, wrong_json)?;
    b.record_id = Some(record_id);
    let mut w = ws(&app);
    let (table, ids) = write_records(&mut w, &t, &table_id, vec![b], false)?;
    let r = rendered(&table, &ids, &app).pop().unwrap_or(Value::Null);
    Ok(ok(json!({ "record": r })))
}

fn delete_ids(
    w: &mut Workspace,
    t: &str,
    table_id: &str,
    ids: &[String],
) -> Result<Vec<Value>, ApiError> {
    if ids.len() > MAX_BATCH {
        return Err(soft(
            TOO_MANY,
            format!("at most {MAX_BATCH} records per request"),
        ));
    }
    let table = w.bitable_mut(t)?.table_mut(table_id)?;
    if let Some(id) = ids
        .iter()
        .find(|id| !table.records.iter().any(|r| &r.record_id == *id))
    {
        return Err(soft(RECORD_NOT_FOUND, format!("RecordIdNotFound: {id}")));
    }
    table.records.retain(|r| !ids.contains(&r.record_id));
    table.revision += 1;
    Ok(ids
        .iter()
        .map(|id| json!({ "deleted": true, "record_id": id }))
        .collect())
}

/// `DELETE .../records/{record_id}`
pub(super) async fn delete_one(
    Tenant(app): Tenant,
    Path((t, table_id, record_id)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    let mut w = ws(&app);
    let mut out = delete_ids(&mut w, &t, &table_id, std::slice::from_ref(&record_id))?;
    Ok(ok(out.pop().unwrap_or(Value::Null)))
}

#[derive(Deserialize)]
struct Batch {
    records: Option<Vec<RecordBody>>,
}

/// `POST .../records/batch_create`
pub(super) async fn batch_create(
    Tenant(app): Tenant,
    Path((t, table_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let b: Batch = json_body(&body, wrong_json)?;
    let mut w = ws(&app);
    let (table, ids) = write_records(&mut w, &t, &table_id, b.records.unwrap_or_default(), true)?;
    Ok(ok(json!({ "records": rendered(&table, &ids, &app) })))
}

/// `POST .../records/batch_update`
pub(super) async fn batch_update(
    Tenant(app): Tenant,
    Path((t, table_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let b: Batch = json_body(&body, wrong_json)?;
    let items = b.records.unwrap_or_default();
    if items
        .iter()
        .any(|r| r.record_id.as_deref().is_none_or(str::is_empty))
    {
        return Err(wrong_body("every record needs a record_id"));
    }
    let mut w = ws(&app);
    let (table, ids) = write_records(&mut w, &t, &table_id, items, false)?;
    Ok(ok(json!({ "records": rendered(&table, &ids, &app) })))
}

#[derive(Deserialize)]
struct BatchDelete {
    records: Option<Vec<String>>,
}

/// `POST .../records/batch_delete`
pub(super) async fn batch_delete(
    Tenant(app): Tenant,
    Path((t, table_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let b: BatchDelete = json_body(&body, wrong_json)?;
    let ids = b
        .records
        .filter(|r| !r.is_empty())
        .ok_or_else(|| wrong_body("records must list record ids"))?;
    let mut w = ws(&app);
    let out = delete_ids(&mut w, &t, &table_id, &ids)?;
    Ok(ok(json!({ "records": out })))
}
