//! Bitable apps, tables and fields: `createBitable`, `listBitableTables`, `addBitableField`,
//! `updateBitableField`, `deleteBitableField`.

use futures::TryStreamExt;
use lark::api::bitable::{Field, FieldType, ListRecords};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::non_empty;
use crate::error::{ToolError, ToolResult};
use crate::registry::ActionDef;
use crate::tools::Tools;
use crate::{handler, links, p};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateBitableArgs {
    #[serde(alias = "title")]
    pub name: String,
    #[serde(default)]
    pub folder_token: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct CreatedBitable {
    pub ok: bool,
    pub app_token: String,
    pub name: String,
    pub url: String,
    pub table_id: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppArgs {
    /// Token or `/base/` link.
    pub app_token: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct FieldInfo {
    pub field_id: String,
    pub name: String,
    /// The type's name (text, number, select...).
    #[serde(rename = "type")]
    pub type_name: String,
    pub type_number: i64,
    pub is_primary: bool,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub options: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct TableInfo {
    pub table_id: String,
    pub name: String,
    pub fields: Vec<FieldInfo>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Tables {
    pub ok: bool,
    pub app_token: String,
    pub tables: Vec<TableInfo>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddFieldArgs {
    pub app_token: String,
    pub table_id: String,
    pub field_name: String,
    /// A name (text, number, select, multi_select, date, checkbox, person, url, attachment) or
    /// the platform's number.
    pub field_type: Value,
    /// Option names, or `{name, color}` objects.
    #[serde(default)]
    pub options: Vec<Value>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateFieldArgs {
    pub app_token: String,
    pub table_id: String,
    pub field_id: String,
    /// A new name.
    #[serde(default)]
    pub field_name: Option<String>,
    /// Options added to the existing ones.
    #[serde(default)]
    pub add_options: Vec<Value>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteFieldArgs {
    pub app_token: String,
    pub table_id: String,
    pub field_id: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct FieldResult {
    pub ok: bool,
    pub field: FieldInfo,
}

/// The document's names of field types.
pub(crate) fn type_name(t: FieldType) -> &'static str {
    match t {
        FieldType::Text => "text",
        FieldType::Number => "number",
        FieldType::SingleSelect => "select",
        FieldType::MultiSelect => "multi_select",
        FieldType::DateTime => "date",
        FieldType::Checkbox => "checkbox",
        FieldType::User => "person",
        FieldType::Phone => "phone",
        FieldType::Url => "url",
        FieldType::Attachment => "attachment",
        FieldType::Formula => "formula",
        FieldType::CreatedTime => "created_time",
        FieldType::ModifiedTime => "modified_time",
        FieldType::AutoNumber => "auto_number",
        _ => "other",
    }
}

fn field_type(v: &Value) -> ToolResult<FieldType> {
    let bad = || {
        ToolError::param(
            "fieldType",
            format!(
                "{v} is not a field type; use text(1), number(2), select(3), multi_select(4), date(5), checkbox(7), person(11), url(15) or attachment(17)"
            ),
        )
    };
    match v {
        Value::String(s) => match s.trim().parse::<i64>() {
            Ok(n) => Ok(FieldType::from_number(n)),
            Err(_) => FieldType::from_name(s.trim()).ok_or_else(bad),
        },
        Value::Number(n) => n.as_i64().map(FieldType::from_number).ok_or_else(bad),
        _ => Err(bad()),
    }
}

/// Options as the platform takes them: `{name}` or `{name, color}`.
fn options(param: &str, given: &[Value]) -> ToolResult<Vec<Value>> {
    given
        .iter()
        .map(|o| match o {
            Value::String(s) if !s.trim().is_empty() => Ok(json!({ "name": s.trim() })),
            Value::Object(m) if m.get("name").is_some_and(Value::is_string) => {
                let mut out = json!({ "name": m["name"] });
                if let Some(c) = m.get("color").and_then(Value::as_i64) {
                    out["color"] = json!(c);
                }
                Ok(out)
            }
            other => Err(ToolError::param(
                param,
                format!("option {other} is neither a name nor {{\"name\": ..., \"color\": 0-9}}"),
            )),
        })
        .collect()
}

pub(crate) fn field_info(f: &Field) -> FieldInfo {
    let options = f
        .property
        .as_ref()
        .and_then(|p| p.get("options"))
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|o| o.get("name").and_then(Value::as_str).map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    FieldInfo {
        field_id: f.field_id.clone().unwrap_or_default(),
        name: f.field_name.clone(),
        type_name: type_name(f.field_type).into(),
        type_number: f.field_type.number(),
        is_primary: f.is_primary,
        options,
    }
}

impl Tools {
    pub(crate) async fn fields(&self, app: &str, table: &str) -> ToolResult<Vec<Field>> {
        Ok(self.client.list_fields(app, table).try_collect().await?)
    }

    /// `createBitable`: a base whose default table is emptied of its sample records and of its
    /// default fields (the primary field stays: it cannot be deleted).
    pub async fn create_bitable(&self, args: CreateBitableArgs) -> ToolResult<CreatedBitable> {
        let name = non_empty("name", &args.name)?.to_owned();
        let folder = args.folder_token.as_deref().map(links::token);
        let app = self.client.create_bitable(&name, folder.as_deref()).await?;
        let table = if app.default_table_id.is_empty() {
            let t: Vec<_> = self
                .client
                .list_tables(&app.app_token)
                .try_collect()
                .await?;
            t.first().map(|t| t.table_id.clone()).unwrap_or_default()
        } else {
            app.default_table_id.clone()
        };
        if !table.is_empty() {
            let records: Vec<_> = self
                .client
                .list_records(&app.app_token, &table, ListRecords::default())
                .try_collect()
                .await?;
            let ids: Vec<String> = records.into_iter().map(|r| r.record_id).collect();
            for chunk in ids.chunks(500) {
                self.client
                    .batch_delete_records(&app.app_token, &table, chunk)
                    .await?;
            }
            for f in self.fields(&app.app_token, &table).await? {
                if !f.is_primary
                    && let Some(id) = &f.field_id
                {
                    self.client.delete_field(&app.app_token, &table, id).await?;
                }
            }
        }
        Ok(CreatedBitable {
            ok: true,
            url: if app.url.is_empty() {
                super::docs::web_url(self, "base", &app.app_token)
            } else {
                app.url
            },
            app_token: app.app_token,
            name,
            table_id: table,
        })
    }

    /// `listBitableTables`: every table with its fields.
    pub async fn list_bitable_tables(&self, args: AppArgs) -> ToolResult<Tables> {
        let app = links::token(non_empty("appToken", &args.app_token)?);
        let tables: Vec<_> = self.client.list_tables(&app).try_collect().await?;
        let mut out = Vec::new();
        for t in tables {
            let fields = self.fields(&app, &t.table_id).await?;
            out.push(TableInfo {
                table_id: t.table_id,
                name: t.name,
                fields: fields.iter().map(field_info).collect(),
            });
        }
        Ok(Tables {
            ok: true,
            app_token: app,
            tables: out,
        })
    }

    /// `addBitableField`.
    pub async fn add_bitable_field(&self, args: AddFieldArgs) -> ToolResult<FieldResult> {
        let app = links::token(non_empty("appToken", &args.app_token)?);
        let table = non_empty("tableId", &args.table_id)?;
        let name = non_empty("fieldName", &args.field_name)?;
        let t = field_type(&args.field_type)?;
        let existing = self.fields(&app, table).await?;
        if let Some(f) = existing.iter().find(|f| f.field_name == name) {
            return Err(ToolError::param(
                "fieldName",
                format!(
                    "a field named {name:?} already exists (fieldId {}); to add options to it use {{\"action\": \"updateBitableField\", \"appToken\": \"{app}\", \"tableId\": \"{table}\", \"fieldId\": \"{}\", \"addOptions\": [...]}}",
                    f.field_id.as_deref().unwrap_or(""),
                    f.field_id.as_deref().unwrap_or("")
                ),
            ));
        }
        let mut field = Field::new(name, t);
        if !args.options.is_empty() {
            if !matches!(t, FieldType::SingleSelect | FieldType::MultiSelect) {
                return Err(ToolError::param(
                    "options",
                    "only select and multi_select fields take options",
                ));
            }
            field.property = Some(json!({ "options": options("options", &args.options)? }));
        }
        let made = self.client.create_field(&app, table, &field).await?;
        Ok(FieldResult {
            ok: true,
            field: field_info(&made),
        })
    }

    /// `updateBitableField`: renames, and merges `addOptions` into the existing options.
    pub async fn update_bitable_field(&self, args: UpdateFieldArgs) -> ToolResult<FieldResult> {
        let app = links::token(non_empty("appToken", &args.app_token)?);
        let table = non_empty("tableId", &args.table_id)?;
        let id = non_empty("fieldId", &args.field_id)?;
        let fields = self.fields(&app, table).await?;
        let Some(current) = fields.iter().find(|f| f.field_id.as_deref() == Some(id)) else {
            return Err(ToolError::param(
                "fieldId",
                format!("no field {id} in table {table}; listBitableTables shows the field ids"),
            ));
        };
        if args.field_name.is_none() && args.add_options.is_empty() {
            return Err(ToolError::param(
                "addOptions",
                "nothing to change: give addOptions and/or fieldName",
            ));
        }
        let mut field = Field::new(
            args.field_name
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .unwrap_or(&current.field_name),
            current.field_type,
        );
        field.property = current.property.clone();
        if !args.add_options.is_empty() {
            if !matches!(
                current.field_type,
                FieldType::SingleSelect | FieldType::MultiSelect
            ) {
                return Err(ToolError::param(
                    "addOptions",
                    format!(
                        "field {:?} is a {} field; only select and multi_select fields have options",
                        current.field_name,
                        type_name(current.field_type)
                    ),
                ));
            }
            let mut opts: Vec<Value> = current
                .property
                .as_ref()
                .and_then(|p| p.get("options"))
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            for o in options("addOptions", &args.add_options)? {
                if !opts.iter().any(|e| e.get("name") == o.get("name")) {
                    opts.push(o);
                }
            }
            let mut prop = field.property.take().unwrap_or_else(|| json!({}));
            prop["options"] = Value::Array(opts);
            field.property = Some(prop);
        }
        let made = self.client.update_field(&app, table, id, &field).await?;
        Ok(FieldResult {
            ok: true,
            field: field_info(&made),
        })
    }

    /// `deleteBitableField`: any field but the primary one.
    pub async fn delete_bitable_field(&self, args: DeleteFieldArgs) -> ToolResult<Value> {
        let app = links::token(non_empty("appToken", &args.app_token)?);
        let table = non_empty("tableId", &args.table_id)?;
        let id = non_empty("fieldId", &args.field_id)?;
        let fields = self.fields(&app, table).await?;
        match fields.iter().find(|f| f.field_id.as_deref() == Some(id)) {
            None => Err(ToolError::param(
                "fieldId",
                format!("no field {id} in table {table}"),
            )),
            Some(f) if f.is_primary => Err(ToolError::Refused(format!(
                "field {:?} is the table's primary field and cannot be deleted; rename it with updateBitableField (fieldName) instead",
                f.field_name
            ))),
            Some(_) => {
                self.client.delete_field(&app, table, id).await?;
                Ok(json!({ "ok": true, "fieldId": id, "deleted": true }))
            }
        }
    }
}

const APP: crate::registry::Param = p!("appToken", Str, "bitable app token or /base/ link");
const TABLE: crate::registry::Param = p!("tableId", Str, "tblXXX (from listBitableTables)");

pub(crate) fn defs() -> Vec<ActionDef> {
    vec![
        ActionDef {
            name: "createBitable",
            takes_to: false,
            description: "Create a bitable (base); the default table's sample records and default fields are removed. Returns {appToken, name, url, tableId}.",
            example: r#"{"action": "createBitable", "name": "表格名"}"#,
            params: &[
                p!("name", Str, "the base's name"),
                p!("folderToken", Str, "optional drive folder"),
            ],
            required: &["name"],
            run: handler!(create_bitable),
        },
        ActionDef {
            name: "listBitableTables",
            takes_to: false,
            description: "List a bitable's tables with their fields (fieldId, name, type).",
            example: r#"{"action": "listBitableTables", "appToken": "XXX"}"#,
            params: &[APP],
            required: &["appToken"],
            run: handler!(list_bitable_tables),
        },
        ActionDef {
            name: "addBitableField",
            takes_to: false,
            description: "Add a field: fieldType text(1), number(2), select(3), multi_select(4), date(5), checkbox(7), person(11), url(15), attachment(17); options for selects.",
            example: r#"{"action": "addBitableField", "appToken": "XXX", "tableId": "tblXXX", "fieldName": "状态", "fieldType": "select", "options": ["待读", "在读", "已读"]}"#,
            params: &[
                APP,
                TABLE,
                p!("fieldName", Str, "the field's name"),
                p!("fieldType", Any, "type name or number"),
                p!(
                    "options",
                    Array,
                    "select options: names or {name, color 0-9}"
                ),
            ],
            required: &["appToken", "tableId", "fieldName", "fieldType"],
            run: handler!(add_bitable_field),
        },
        ActionDef {
            name: "updateBitableField",
            takes_to: false,
            description: "Add options to a select field (merged with the existing ones) or rename a field.",
            example: r#"{"action": "updateBitableField", "appToken": "XXX", "tableId": "tblXXX", "fieldId": "fldXXX", "addOptions": ["新选项A", "新选项B"]}"#,
            params: &[
                APP,
                TABLE,
                p!("fieldId", Str, "fldXXX"),
                p!("fieldName", Str, "a new name"),
                p!("addOptions", Array, "options to add"),
            ],
            required: &["appToken", "tableId", "fieldId"],
            run: handler!(update_bitable_field),
        },
        ActionDef {
            name: "deleteBitableField",
            takes_to: false,
            description: "Delete a field (not the primary field).",
            example: r#"{"action": "deleteBitableField", "appToken": "XXX", "tableId": "tblXXX", "fieldId": "fldXXX"}"#,
            params: &[APP, TABLE, p!("fieldId", Str, "fldXXX")],
            required: &["appToken", "tableId", "fieldId"],
            run: handler!(delete_bitable_field),
        },
    ]
}
