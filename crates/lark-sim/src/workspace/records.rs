//! Bitable records (`.../tables/{table_id}/records`): list with `filter`, `sort`,
//! `field_names` and paging, structured `search`, get, create, update, delete and the batch
//! variants. Values are checked against their field's type the way the platform does (a
//! number field given "abc" is `NumberFieldConvFail`, an unknown name `FieldNameNotFound`, a
//! new select value adds the option). Records store values by field id, so renaming a field
//! keeps its data.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, RawQuery};
use axum::response::Response;
use axum::routing::{get, post};
use bytes::Bytes;
use serde::Deserialize;
use serde_json::{Value, json};

use super::bitable::{FieldType, Table, VIEW_NOT_FOUND, wrong_body, wrong_json};
use super::filter::{self, Val};
use super::util::{json_body, now_ms, page_size, paginate, query_map, soft, token, ws};
use super::{Field, Workspace};
use crate::auth::Tenant;
use crate::error::{ApiError, ok};
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
    medias: &BTreeMap<String, super::Media>,
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
fn apply_fields(
    table: &mut Table,
    r: &mut Record,
    fields: &serde_json::Map<String, Value>,
    medias: &BTreeMap<String, super::Media>,
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

/// A record's value of `f` as the filter sees it.
fn filter_val(r: &Record, f: &Field, bot: &str) -> Val {
    let Some(v) = r.value(f, bot) else {
        return Val::Null;
    };
    fn conv(v: &Value) -> Val {
        match v {
            Value::Null => Val::Null,
            Value::Bool(b) => Val::Bool(*b),
            Value::Number(n) => Val::Num(n.as_f64().unwrap_or(0.0)),
            Value::String(s) => Val::Str(s.clone()),
            Value::Array(a) => Val::List(
                a.iter()
                    .map(|x| match x {
                        Value::Object(o) => o
                            .get("text")
                            .or_else(|| o.get("name"))
                            .or_else(|| o.get("id"))
                            .map_or(Val::Null, conv),
                        other => conv(other),
                    })
                    .collect(),
            ),
            Value::Object(o) => o
                .get("link")
                .or_else(|| o.get("text"))
                .map_or(Val::Null, conv),
        }
    }
    match f.field_type.0 {
        1005 => v
            .as_str()
            .and_then(|s| s.parse::<f64>().ok())
            .map_or(Val::Null, Val::Num),
        _ => conv(&v),
    }
}

/// Parses `["Field DESC", ...]` or `[{"field_name", "desc"}]` into (field, descending).
fn parse_sort(table: &Table, v: &Value) -> Result<Vec<(Field, bool)>, ApiError> {
    let bad = |m: String| soft(INVALID_SORT, format!("InvalidSort: {m}"));
    let items = v
        .as_array()
        .ok_or_else(|| bad("sort must be an array".into()))?;
    let mut out = Vec::new();
    for it in items {
        let (name, desc) = match it {
            Value::String(s) => {
                let s = s.trim();
                match s.rsplit_once(' ') {
                    Some((n, d)) if d.eq_ignore_ascii_case("desc") => (n.trim().to_owned(), true),
                    Some((n, d)) if d.eq_ignore_ascii_case("asc") => (n.trim().to_owned(), false),
                    _ => (s.to_owned(), false),
                }
            }
            Value::Object(o) => (
                o.get("field_name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                o.get("desc").and_then(Value::as_bool).unwrap_or(false),
            ),
            _ => return Err(bad(format!("bad sort item {it}"))),
        };
        let f = table
            .field_by_name(&name)
            .ok_or_else(|| bad(format!("unknown field {name:?}")))?;
        out.push((f.clone(), desc));
    }
    Ok(out)
}

fn sort_records(records: &mut [Record], keys: &[(Field, bool)], bot: &str) {
    records.sort_by(|a, b| {
        for (f, desc) in keys {
            let (x, y) = (filter_val(a, f, bot), filter_val(b, f, bot));
            let o = match filter::order(&x, &y) {
                Some(o) => o,
                // Empty values sort last either way.
                None => match (x == Val::Null, y == Val::Null) {
                    (true, false) => Ordering::Greater,
                    (false, true) => Ordering::Less,
                    _ => Ordering::Equal,
                },
            };
            let o = if *desc && filter::order(&x, &y).is_some() {
                o.reverse()
            } else {
                o
            };
            if o != Ordering::Equal {
                return o;
            }
        }
        Ordering::Equal
    });
}

fn check_names(table: &Table, names: &[String]) -> Result<(), ApiError> {
    match names.iter().find(|n| table.field_by_name(n).is_none()) {
        Some(n) => Err(soft(
            FIELD_NAME_NOT_FOUND,
            format!("FieldNameNotFound: {n:?}"),
        )),
        None => Ok(()),
    }
}

fn check_view(table: &Table, view: Option<&str>) -> Result<(), ApiError> {
    match view.filter(|v| !v.is_empty()) {
        Some(v) if v != table.default_view_id => {
            Err(soft(VIEW_NOT_FOUND, format!("ViewIdNotFound: {v}")))
        }
        _ => Ok(()),
    }
}

fn page_out(
    table: &Table,
    records: &[Record],
    q: &HashMap<String, String>,
    only: Option<&[String]>,
    how: Render,
) -> Result<Response, ApiError> {
    let size = page_size(q, 20, 500).map_err(wrong_body)?;
    let page = paginate(records, size, q.get("page_token").map(String::as_str))
        .ok_or_else(|| wrong_body("page_token is not valid"))?;
    let items: Vec<Value> = page
        .items
        .iter()
        .map(|r| render(table, r, only, how))
        .collect();
    let mut data = json!({ "items": items, "has_more": page.has_more, "total": records.len() });
    if let Some(t) = page.page_token {
        data["page_token"] = json!(t);
    }
    Ok(ok(data))
}

fn flag(q: &HashMap<String, String>, k: &str) -> bool {
    q.get(k).is_some_and(|v| v == "true")
}

/// `GET .../records?filter=&sort=&field_names=&view_id=&page_size=&page_token=`
async fn list(
    Tenant(app): Tenant,
    Path((t, table_id)): Path<(String, String)>,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let q = query_map(q);
    let w = ws(&app);
    let table = w.bitable(&t)?.table(&table_id)?;
    check_view(table, q.get("view_id").map(String::as_str))?;
    let only: Option<Vec<String>> = match q.get("field_names").filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(serde_json::from_str(s).map_err(|e| {
            soft(
                INVALID_FIELD_NAMES,
                format!("field_names must be a JSON array of names: {e}"),
            )
        })?),
    };
    if let Some(o) = &only {
        check_names(table, o)?;
    }
    let mut records = table.records.clone();
    if let Some(f) = q.get("filter").filter(|s| !s.trim().is_empty()) {
        let expr =
            filter::parse(f).map_err(|e| soft(INVALID_FILTER, format!("InvalidFilter: {e}")))?;
        let mut names = Vec::new();
        filter::fields(&expr, &mut names);
        if let Some(n) = names.iter().find(|n| table.field_by_name(n).is_none()) {
            return Err(soft(
                INVALID_FILTER,
                format!("InvalidFilter: unknown field {n:?}"),
            ));
        }
        records.retain(|r| {
            filter::eval(&expr, &|name: &str| {
                table
                    .field_by_name(name)
                    .map_or(Val::Null, |f| filter_val(r, f, &app.bot_open_id))
            })
        });
    }
    if let Some(s) = q.get("sort").filter(|s| !s.trim().is_empty()) {
        let v: Value = serde_json::from_str(s).map_err(|e| {
            soft(
                INVALID_SORT,
                format!("InvalidSort: sort must be a JSON array: {e}"),
            )
        })?;
        sort_records(&mut records, &parse_sort(table, &v)?, &app.bot_open_id);
    }
    let how = Render {
        bot: &app.bot_open_id,
        text_as_array: flag(&q, "text_field_as_array"),
        automatic: flag(&q, "automatic_fields"),
    };
    page_out(table, &records, &q, only.as_deref(), how)
}

#[derive(Deserialize)]
struct Condition {
    field_name: String,
    operator: String,
    #[serde(default)]
    value: Vec<Value>,
}

#[derive(Deserialize)]
struct FilterGroup {
    conjunction: Option<String>,
    #[serde(default)]
    conditions: Vec<Condition>,
    #[serde(default)]
    children: Vec<FilterGroup>,
}

#[derive(Deserialize)]
struct SearchBody {
    view_id: Option<String>,
    field_names: Option<Vec<String>>,
    sort: Option<Value>,
    filter: Option<FilterGroup>,
    automatic_fields: Option<bool>,
}

/// The timestamp a date condition names: `["ExactDate", "<ms>"]`, `["Today"]`, ...
fn date_arg(v: &[Value]) -> Option<f64> {
    let day = 86_400_000.0;
    let today = (now_ms() as f64 / day).floor() * day;
    match v.first()?.as_str()? {
        "ExactDate" => v
            .get(1)
            .and_then(|x| x.as_str().and_then(|s| s.parse().ok()).or(x.as_f64())),
        "Today" => Some(today),
        "Tomorrow" => Some(today + day),
        "Yesterday" => Some(today - day),
        s => s.parse().ok(),
    }
}

fn check_condition(table: &Table, c: &Condition) -> Result<(), ApiError> {
    const OPS: &[&str] = &[
        "is",
        "isNot",
        "contains",
        "doesNotContain",
        "isEmpty",
        "isNotEmpty",
        "isGreater",
        "isGreaterEqual",
        "isLess",
        "isLessEqual",
    ];
    if table.field_by_name(&c.field_name).is_none() {
        return Err(soft(
            FIELD_NAME_NOT_FOUND,
            format!("FieldNameNotFound: {:?}", c.field_name),
        ));
    }
    if !OPS.contains(&c.operator.as_str()) {
        return Err(soft(
            INVALID_FILTER,
            format!("InvalidFilter: unknown operator {:?}", c.operator),
        ));
    }
    let needs_value = !matches!(c.operator.as_str(), "isEmpty" | "isNotEmpty");
    if needs_value && c.value.is_empty() {
        return Err(soft(
            INVALID_FILTER,
            format!("InvalidFilter: operator {} needs a value", c.operator),
        ));
    }
    Ok(())
}

fn check_group(table: &Table, g: &FilterGroup, depth: usize) -> Result<(), ApiError> {
    if depth > 4 {
        return Err(soft(
            INVALID_FILTER,
            "InvalidFilter: filter groups nest too deeply",
        ));
    }
    match g.conjunction.as_deref() {
        None | Some("and") | Some("or") => {}
        Some(c) => {
            return Err(soft(
                INVALID_FILTER,
                format!("InvalidFilter: conjunction {c:?}"),
            ));
        }
    }
    g.conditions
        .iter()
        .try_for_each(|c| check_condition(table, c))?;
    g.children
        .iter()
        .try_for_each(|c| check_group(table, c, depth + 1))
}

fn condition_holds(table: &Table, r: &Record, c: &Condition, bot: &str) -> bool {
    let Some(f) = table.field_by_name(&c.field_name) else {
        return false;
    };
    let v = filter_val(r, f, bot);
    let blank = matches!(&v, Val::Null) || v == Val::Str(String::new()) || v == Val::List(vec![]);
    let is_date = matches!(f.field_type.0, 5 | 1001 | 1002);
    let arg = || -> Val {
        if is_date {
            return date_arg(&c.value).map_or(Val::Null, Val::Num);
        }
        match c.value.first() {
            Some(Value::String(s)) => Val::Str(s.clone()),
            Some(Value::Number(n)) => Val::Num(n.as_f64().unwrap_or(0.0)),
            Some(Value::Bool(b)) => Val::Bool(*b),
            _ => Val::Null,
        }
    };
    let same = |x: &Val| -> bool {
        if is_date {
            let day = 86_400_000.0;
            return match (x, &arg()) {
                (Val::Num(a), Val::Num(b)) => (a / day).floor() == (b / day).floor(),
                _ => false,
            };
        }
        let wanted: Vec<String> = c
            .value
            .iter()
            .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_owned))
            .collect();
        match x {
            Val::List(l) => {
                let mut have: Vec<String> = l.iter().map(filter_text).collect();
                let mut want = wanted.clone();
                have.sort();
                want.sort();
                have == want
            }
            Val::Bool(b) => wanted.first().is_some_and(|w| w == &b.to_string()),
            Val::Num(n) => wanted.first().and_then(|w| w.parse::<f64>().ok()) == Some(*n),
            other => wanted.first().is_some_and(|w| *w == filter_text(other)),
        }
    };
    let has = |x: &Val| -> bool {
        c.value.iter().filter_map(Value::as_str).any(|w| match x {
            Val::List(l) => l.iter().any(|e| filter_text(e).contains(w)),
            other => filter_text(other).contains(w),
        })
    };
    let cmp = || filter::order(&v, &arg());
    match c.operator.as_str() {
        "is" => same(&v),
        "isNot" => !same(&v),
        "contains" => has(&v),
        "doesNotContain" => !has(&v),
        "isEmpty" => blank,
        "isNotEmpty" => !blank,
        "isGreater" => cmp() == Some(Ordering::Greater),
        "isGreaterEqual" => matches!(cmp(), Some(Ordering::Greater | Ordering::Equal)),
        "isLess" => cmp() == Some(Ordering::Less),
        "isLessEqual" => matches!(cmp(), Some(Ordering::Less | Ordering::Equal)),
        _ => false,
    }
}

fn filter_text(v: &Val) -> String {
    match v {
        Val::Str(s) => s.clone(),
        Val::Num(n) => n.to_string(),
        Val::Bool(b) => b.to_string(),
        Val::Null => String::new(),
        Val::List(l) => l.iter().map(filter_text).collect::<Vec<_>>().join(","),
    }
}

fn group_holds(table: &Table, r: &Record, g: &FilterGroup, bot: &str) -> bool {
    let mut results = g
        .conditions
        .iter()
        .map(|c| condition_holds(table, r, c, bot))
        .chain(g.children.iter().map(|c| group_holds(table, r, c, bot)));
    if g.conjunction.as_deref() == Some("or") {
        results.any(|x| x)
    } else {
        results.all(|x| x)
    }
}

/// `POST .../records/search?page_size=&page_token=`
async fn search(
    Tenant(app): Tenant,
    Path((t, table_id)): Path<(String, String)>,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    let q = query_map(q);
    let b: SearchBody = json_body(&body, wrong_json)?;
    let w = ws(&app);
    let table = w.bitable(&t)?.table(&table_id)?;
    check_view(table, b.view_id.as_deref())?;
    if let Some(names) = &b.field_names {
        check_names(table, names)?;
    }
    let mut records = table.records.clone();
    if let Some(g) = &b.filter {
        check_group(table, g, 0)?;
        records.retain(|r| group_holds(table, r, g, &app.bot_open_id));
    }
    if let Some(s) = b.sort.as_ref().filter(|s| !s.is_null()) {
        sort_records(&mut records, &parse_sort(table, s)?, &app.bot_open_id);
    }
    // Search answers text cells as segment arrays, as the platform does.
    let how = Render {
        bot: &app.bot_open_id,
        text_as_array: true,
        automatic: b.automatic_fields.unwrap_or(false),
    };
    page_out(table, &records, &q, b.field_names.as_deref(), how)
}

fn how(app: &App) -> Render<'_> {
    Render {
        bot: &app.bot_open_id,
        text_as_array: false,
        automatic: false,
    }
}

/// `GET .../records/{record_id}`
async fn get_record(
    Tenant(app): Tenant,
    Path((t, table_id, record_id)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    let w = ws(&app);
    let table = w.bitable(&t)?.table(&table_id)?;
    let r = table
        .records
        .iter()
        .find(|r| r.record_id == record_id)
        .ok_or_else(|| soft(RECORD_NOT_FOUND, format!("RecordIdNotFound: {record_id}")))?;
    Ok(ok(json!({ "record": render(table, r, None, how(&app)) })))
}

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
    let a = bitables.get_mut(t).ok_or_else(|| {
        soft(
            super::bitable::APP_NOT_FOUND,
            format!("BaseTokenNotFound: {t}"),
        )
    })?;
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
async fn create(
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
async fn update(
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
async fn delete_one(
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
async fn batch_create(
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
async fn batch_update(
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
async fn batch_delete(
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
        .route(BASE, get(list).post(create))
        .route(&format!("{BASE}/search"), post(search))
        .route(&format!("{BASE}/batch_create"), post(batch_create))
        .route(&format!("{BASE}/batch_update"), post(batch_update))
        .route(&format!("{BASE}/batch_delete"), post(batch_delete))
        .route(
            &format!("{BASE}/{{record_id}}"),
            get(get_record).put(update).delete(delete_one),
        )
}
