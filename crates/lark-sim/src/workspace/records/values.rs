//! Cell values on their way into a record: each is checked against its field's type and
//! converted to what is stored, with the platform's per-type `...FieldConvFail` errors. Select
//! values the field does not know yet become options; attachments must be media uploaded to
//! a base.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{ATTACHMENT_NOT_OURS, FIELD_NAME_NOT_FOUND, Record};
use crate::error::ApiError;
use crate::workspace::Field;
use crate::workspace::bitable::{Table, wrong_body};
use crate::workspace::drive::Media;
use crate::workspace::util::{now_ms, soft};

fn conv_fail(code: i64, kind: &str, field: &str, want: &str, got: &Value) -> ApiError {
    soft(
        code,
        format!("{kind}: field {field:?} expects {want}, got {got}"),
    )
}

/// Checks `v` against `f` and returns what to store (`None` clears the cell). Select values the
/// field does not know yet are added as options.
fn convert(
    f: &mut Field,
    v: &Value,
    medias: &BTreeMap<String, Media>,
) -> Result<Option<Value>, ApiError> {
    if v.is_null() {
        return Ok(None);
    }
    let name = f.field_name.clone();
    let t = f.field_type;
    if t.read_only() {
        return Err(wrong_body(format!(
            "field {name:?} (type {}) is computed and cannot be written",
            t.0
        )));
    }
    let is_id_list = |v: &Value| {
        v.as_array().is_some_and(|a| {
            a.iter().all(|x| {
                x.get("id")
                    .and_then(Value::as_str)
                    .is_some_and(|s| !s.is_empty())
            })
        })
    };
    let stored = match t.0 {
        1 => match v {
            Value::String(_) => v.clone(),
            Value::Array(a)
                if a.iter()
                    .all(|s| s.get("text").is_some_and(Value::is_string)) =>
            {
                json!(
                    a.iter()
                        .filter_map(|s| s["text"].as_str())
                        .collect::<String>()
                )
            }
            _ => {
                return Err(conv_fail(
                    1254060,
                    "TextFieldConvFail",
                    &name,
                    "a string",
                    v,
                ));
            }
        },
        2 => match v.as_f64() {
            Some(_) => v.clone(),
            None => {
                return Err(conv_fail(
                    1254061,
                    "NumberFieldConvFail",
                    &name,
                    "a number",
                    v,
                ));
            }
        },
        3 => match v.as_str() {
            Some(s) if !s.is_empty() => {
                f.ensure_option(s);
                v.clone()
            }
            _ => {
                return Err(conv_fail(
                    1254062,
                    "SingleSelectFieldConvFail",
                    &name,
                    "an option name",
                    v,
                ));
            }
        },
        4 => match v.as_array() {
            Some(a) if a.iter().all(|x| x.as_str().is_some_and(|s| !s.is_empty())) => {
                for s in a.iter().filter_map(Value::as_str) {
                    f.ensure_option(s);
                }
                v.clone()
            }
            _ => {
                return Err(conv_fail(
                    1254063,
                    "MultiSelectFieldConvFail",
                    &name,
                    "an array of option names",
                    v,
                ));
            }
        },
        5 => match v
            .as_i64()
            .or_else(|| v.as_f64().filter(|x| x.fract() == 0.0).map(|x| x as i64))
        {
            Some(ms) => json!(ms),
            None => {
                return Err(conv_fail(
                    1254064,
                    "DatetimeFieldConvFail",
                    &name,
                    "a timestamp in milliseconds",
                    v,
                ));
            }
        },
        7 => match v {
            Value::Bool(_) => v.clone(),
            _ => {
                return Err(conv_fail(
                    1254065,
                    "CheckboxFieldConvFail",
                    &name,
                    "true or false",
                    v,
                ));
            }
        },
        11 if is_id_list(v) => v.clone(),
        11 => {
            return Err(conv_fail(
                1254066,
                "UserFieldConvFail",
                &name,
                "an array of {\"id\": ...}",
                v,
            ));
        }
        13 => match v {
            Value::String(_) => v.clone(),
            _ => {
                return Err(conv_fail(
                    1254072,
                    "PhoneFieldConvFail",
                    &name,
                    "a string",
                    v,
                ));
            }
        },
        15 => match v {
            // The API documents `{text, link}`; a bare URL string is taken as both.
            Value::String(s) => json!({ "link": s, "text": s }),
            Value::Object(o) if o.get("link").is_some_and(Value::is_string) => {
                let link = o["link"].clone();
                json!({ "link": link, "text": o.get("text").cloned().unwrap_or(link.clone()) })
            }
            _ => {
                return Err(conv_fail(
                    1254068,
                    "URLFieldConvFail",
                    &name,
                    "{\"link\": ..., \"text\": ...}",
                    v,
                ));
            }
        },
        17 => {
            let a = v
                .as_array()
                .filter(|a| {
                    a.iter()
                        .all(|x| x.get("file_token").is_some_and(Value::is_string))
                })
                .ok_or_else(|| {
                    conv_fail(
                        1254069,
                        "AttachFieldConvFail",
                        &name,
                        "an array of {\"file_token\": ...}",
                        v,
                    )
                })?;
            let mut out = Vec::new();
            for x in a {
                let tok = x["file_token"].as_str().unwrap_or_default();
                let m = medias.get(tok).filter(|m| m.parent_type.starts_with("bitable_")).ok_or_else(|| {
                    soft(
                        ATTACHMENT_NOT_OURS,
                        format!("The attachment does not belong to this base: {tok} was not uploaded as bitable_image/bitable_file"),
                    )
                })?;
                out.push(json!({ "file_token": tok, "name": m.name, "size": m.size, "type": "application/octet-stream" }));
            }
            json!(out)
        }
        18 | 21 => match v.as_array() {
            Some(a) if a.iter().all(Value::is_string) => v.clone(),
            _ if t.0 == 18 => {
                return Err(conv_fail(
                    1254067,
                    "LinkFieldConvFail",
                    &name,
                    "an array of record ids",
                    v,
                ));
            }
            _ => {
                return Err(conv_fail(
                    1254074,
                    "DuplexLinkFieldConvFail",
                    &name,
                    "an array of record ids",
                    v,
                ));
            }
        },
        23 if is_id_list(v) => v.clone(),
        23 => {
            return Err(conv_fail(
                1254001,
                "WrongRequestBody",
                &name,
                "an array of {\"id\": ...}",
                v,
            ));
        }
        _ => v.clone(),
    };
    Ok(Some(stored))
}

/// Applies `{name: value}` to `r`, all or nothing.
pub(super) fn apply_fields(
    table: &mut Table,
    r: &mut Record,
    fields: &serde_json::Map<String, Value>,
    medias: &BTreeMap<String, Media>,
) -> Result<(), ApiError> {
    for (name, v) in fields {
        let f = table
            .fields
            .iter_mut()
            .find(|f| &f.field_name == name)
            .ok_or_else(|| soft(FIELD_NAME_NOT_FOUND, format!("FieldNameNotFound: {name:?}")))?;
        match convert(f, v, medias)? {
            Some(s) => {
                r.fields.insert(f.field_id.clone(), s);
            }
            None => {
                r.fields.remove(&f.field_id);
            }
        }
    }
    r.modified_ms = now_ms();
    Ok(())
}
