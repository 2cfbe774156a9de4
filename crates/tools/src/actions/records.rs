//! Bitable records: `createBitableRecord`, `listBitableRecords`, `updateBitableRecord`,
//! `deleteBitableRecord`. Values are checked against each field's type before sending, so a
//! wrong value fails with the right format for that type (the document's table).

use futures::TryStreamExt;
use lark::api::bitable::{Field, FieldType, Fields, ListRecords};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::bitable::type_name;
use super::non_empty;
use crate::error::{ToolError, ToolResult};
use crate::registry::ActionDef;
use crate::tools::Tools;
use crate::{handler, links, p};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordFieldsArgs {
    pub app_token: String,
    pub table_id: String,
    /// Field name → value.
    pub fields: Map<String, Value>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateRecordArgs {
    pub app_token: String,
    pub table_id: String,
    pub record_id: String,
    pub fields: Map<String, Value>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordIdArgs {
    pub app_token: String,
    pub table_id: String,
    pub record_id: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListRecordsArgs {
    pub app_token: String,
    pub table_id: String,
    /// A filter formula, e.g. `CurrentValue.[评分] > 8`.
    #[serde(default)]
    pub filter: Option<String>,
    #[serde(default)]
    pub page_size: Option<u32>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RecordOut {
    pub record_id: String,
    pub fields: Map<String, Value>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RecordResult {
    pub ok: bool,
    pub record: RecordOut,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RecordList {
    pub ok: bool,
    pub total: usize,
    pub records: Vec<RecordOut>,
}

/// The document's value format for a field type, with an example.
pub fn format_of(t: FieldType) -> &'static str {
    match t {
        FieldType::Text => "a string, e.g. \"三体\"",
        FieldType::Number => "a number, e.g. 9.5",
        FieldType::SingleSelect => "an option name string, e.g. \"在读\"",
        FieldType::MultiSelect => "an array of option names, e.g. [\"科幻\", \"文学\"]",
        FieldType::DateTime => "a timestamp in milliseconds, e.g. 1735084800000",
        FieldType::Checkbox => "a boolean, e.g. true",
        FieldType::User => {
            "an array of objects, e.g. [{\"id\": \"ou_xxx\"}] (not a bare \"ou_xxx\" string)"
        }
        FieldType::Url => "a string, e.g. \"https://example.com\"",
        FieldType::Attachment => "an array of file tokens, e.g. [{\"file_token\": \"xxx\"}]",
        FieldType::Phone => "a string, e.g. \"13800000000\"",
        _ => "a value the field's type accepts",
    }
}

/// `v` as the platform takes it for a field of type `t`, or why not.
fn convert(t: FieldType, v: &Value) -> Option<Value> {
    if v.is_null() {
        return Some(Value::Null);
    }
    let ok = match t {
        FieldType::Text | FieldType::Phone => v.is_string(),
        FieldType::Number => v.is_number(),
        FieldType::SingleSelect => v.as_str().is_some_and(|s| !s.is_empty()),
        FieldType::MultiSelect => v
            .as_array()
            .is_some_and(|a| a.iter().all(|x| x.as_str().is_some_and(|s| !s.is_empty()))),
        FieldType::DateTime => v.as_i64().is_some() || v.as_f64().is_some_and(|x| x.fract() == 0.0),
        FieldType::Checkbox => v.is_boolean(),
        FieldType::User => v.as_array().is_some_and(|a| {
            a.iter().all(|x| {
                x.get("id")
                    .and_then(Value::as_str)
                    .is_some_and(|s| !s.is_empty())
            })
        }),
        FieldType::Url => {
            if let Some(s) = v.as_str() {
                return Some(json!({ "link": s, "text": s }));
            }
            v.get("link").is_some_and(Value::is_string)
        }
        FieldType::Attachment => v.as_array().is_some_and(|a| {
            a.iter()
                .all(|x| x.get("file_token").is_some_and(Value::is_string))
        }),
        _ => true,
    };
    ok.then(|| v.clone())
}

/// The record's values checked and converted by field name (a field id works too).
fn checked(fields: &[Field], given: &Map<String, Value>) -> ToolResult<Fields> {
    if given.is_empty() {
        return Err(ToolError::param(
            "fields",
            "is empty; give field name → value",
        ));
    }
    let mut out = Fields::new();
    for (k, v) in given {
        let Some(f) = fields
            .iter()
            .find(|f| &f.field_name == k || f.field_id.as_deref() == Some(k))
        else {
            return Err(ToolError::param(
                format!("fields.{k}"),
                format!(
                    "there is no field {k:?}; the fields are: {} (add it first with addBitableField)",
                    fields
                        .iter()
                        .map(|f| format!("{:?} ({})", f.field_name, type_name(f.field_type)))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        };
        let Some(conv) = convert(f.field_type, v) else {
            return Err(ToolError::param(
                format!("fields.{k}"),
                format!(
                    "{v} is not a valid value for a {} field; it must be {}",
                    type_name(f.field_type),
                    format_of(f.field_type)
                ),
            ));
        };
        out.insert(f.field_name.clone(), conv);
    }
    Ok(out)
}

fn out(r: lark::api::bitable::Record) -> RecordOut {
    RecordOut {
        record_id: r.record_id,
        fields: r.fields,
    }
}

impl Tools {
    /// `createBitableRecord`.
    pub async fn create_bitable_record(&self, args: RecordFieldsArgs) -> ToolResult<RecordResult> {
        let app = links::token(non_empty("appToken", &args.app_token)?);
        let table = non_empty("tableId", &args.table_id)?;
        let fields = checked(&self.fields(&app, table).await?, &args.fields)?;
        let r = self.client.create_record(&app, table, fields).await?;
        Ok(RecordResult {
            ok: true,
            record: out(r),
        })
    }

    /// `listBitableRecords`, optionally filtered.
    pub async fn list_bitable_records(&self, args: ListRecordsArgs) -> ToolResult<RecordList> {
        let app = links::token(non_empty("appToken", &args.app_token)?);
        let table = non_empty("tableId", &args.table_id)?;
        let q = ListRecords {
            filter: args.filter.clone().filter(|f| !f.trim().is_empty()),
            page_size: Some(args.page_size.unwrap_or(100).clamp(1, 500)),
            ..ListRecords::default()
        };
        let all: Vec<_> = self
            .client
            .list_records(&app, table, q)
            .try_collect()
            .await
            .map_err(|e| match &args.filter {
                Some(f) => ToolError::param(
                    "filter",
                    format!("{f:?} was refused ({e}); write it like CurrentValue.[评分] > 8"),
                ),
                None => e.into(),
            })?;
        let records: Vec<RecordOut> = all.into_iter().map(out).collect();
        Ok(RecordList {
            ok: true,
            total: records.len(),
            records,
        })
    }

    /// `updateBitableRecord`: sets the given fields, leaving the others.
    pub async fn update_bitable_record(&self, args: UpdateRecordArgs) -> ToolResult<RecordResult> {
        let app = links::token(non_empty("appToken", &args.app_token)?);
        let table = non_empty("tableId", &args.table_id)?;
        let id = non_empty("recordId", &args.record_id)?;
        let fields = checked(&self.fields(&app, table).await?, &args.fields)?;
        let r = self.client.update_record(&app, table, id, fields).await?;
        Ok(RecordResult {
            ok: true,
            record: out(r),
        })
    }

    /// `deleteBitableRecord`.
    pub async fn delete_bitable_record(&self, args: RecordIdArgs) -> ToolResult<Value> {
        let app = links::token(non_empty("appToken", &args.app_token)?);
        let table = non_empty("tableId", &args.table_id)?;
        let id = non_empty("recordId", &args.record_id)?;
        let d = self.client.delete_record(&app, table, id).await?;
        Ok(json!({ "ok": true, "recordId": d.record_id, "deleted": d.deleted }))
    }
}

const APP: crate::registry::Param = p!("appToken", Str, "bitable app token or /base/ link");
const TABLE: crate::registry::Param = p!("tableId", Str, "tblXXX");
const FIELDS: crate::registry::Param = p!(
    "fields",
    Object,
    "field name → value: text \"s\", number 9.5, select \"opt\", multi_select [\"a\"], date ms, checkbox true, person [{\"id\":\"ou_xxx\"}], url \"https://...\", attachment [{\"file_token\":\"x\"}]"
);

pub(crate) fn defs() -> Vec<ActionDef> {
    vec![
        ActionDef {
            name: "createBitableRecord",
            takes_to: false,
            description: "Add a record; fields maps field names to values (person fields: [{\"id\": \"ou_xxx\"}], dates in ms).",
            example: r#"{"action": "createBitableRecord", "appToken": "XXX", "tableId": "tblXXX", "fields": {"书名": "三体", "评分": 9.5}}"#,
            params: &[APP, TABLE, FIELDS],
            required: &["appToken", "tableId", "fields"],
            run: handler!(create_bitable_record),
        },
        ActionDef {
            name: "listBitableRecords",
            takes_to: false,
            description: "List records, optionally with a filter formula like CurrentValue.[评分] > 8.",
            example: r#"{"action": "listBitableRecords", "appToken": "XXX", "tableId": "tblXXX", "filter": "CurrentValue.[评分] > 8"}"#,
            params: &[
                APP,
                TABLE,
                p!("filter", Str, "e.g. CurrentValue.[评分] > 8"),
                p!("pageSize", Int, "page size (all pages are read)"),
            ],
            required: &["appToken", "tableId"],
            run: handler!(list_bitable_records),
        },
        ActionDef {
            name: "updateBitableRecord",
            takes_to: false,
            description: "Update fields of a record.",
            example: r#"{"action": "updateBitableRecord", "appToken": "XXX", "tableId": "tblXXX", "recordId": "recXXX", "fields": {"评分": 10}}"#,
            params: &[APP, TABLE, p!("recordId", Str, "recXXX"), FIELDS],
            required: &["appToken", "tableId", "recordId", "fields"],
            run: handler!(update_bitable_record),
        },
        ActionDef {
            name: "deleteBitableRecord",
            takes_to: false,
            description: "Delete a record.",
            example: r#"{"action": "deleteBitableRecord", "appToken": "XXX", "tableId": "tblXXX", "recordId": "recXXX"}"#,
            params: &[APP, TABLE, p!("recordId", Str, "recXXX")],
            required: &["appToken", "tableId", "recordId"],
            run: handler!(delete_bitable_record),
        },
    ]
}
