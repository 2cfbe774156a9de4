//! Bitable field types and the field endpoints (`.../tables/{table_id}/fields`): list, create,
//! update and delete. A field request body is checked here the same way for a new table's
//! fields and for a single field: a known type number, a unique name, select options given
//! ids (kept on update when matched by id or name), a link field naming its table.

use axum::extract::{Path, RawQuery};
use axum::response::Response;
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{FIELD_ID_NOT_FOUND, FIELD_NAME_DUPLICATED, Table, paged, wrong_body, wrong_json};
use crate::auth::Tenant;
use crate::error::{ApiError, ok};
use crate::workspace::util::{json_body, query_map, soft, token, ws};

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

impl Table {
    /// Builds a field from a create/update request body.
    pub(super) fn build_field(
        &self,
        b: &FieldBody,
        keep: Option<&Field>,
    ) -> Result<Field, ApiError> {
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
}

pub(super) fn simple_field(
    name: &str,
    ty: FieldType,
    primary: bool,
    property: Option<Value>,
) -> Field {
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

#[derive(Deserialize)]
pub(super) struct FieldBody {
    field_name: Option<String>,
    #[serde(rename = "type")]
    field_type: Option<u32>,
    property: Option<Value>,
    description: Option<Value>,
    ui_type: Option<String>,
}

/// `GET /bitable/v1/apps/{app_token}/tables/{table_id}/fields`
pub(super) async fn list_fields(
    Tenant(app): Tenant,
    Path((t, table_id)): Path<(String, String)>,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let q = query_map(q);
    let w = ws(&app);
    let table = w.bitable(&t)?.table(&table_id)?;
    table.check_view(q.get("view_id").map(String::as_str))?;
    Ok(ok(paged(&table.fields, &q, 20, 100, Field::to_json)?))
}

/// `POST /bitable/v1/apps/{app_token}/tables/{table_id}/fields`
pub(super) async fn create_field(
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
pub(super) async fn update_field(
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
pub(super) async fn delete_field(
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
