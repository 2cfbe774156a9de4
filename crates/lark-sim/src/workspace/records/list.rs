//! Reading records: `list` with its formula `filter`, `sort`, `field_names` and paging, and
//! `get` by id. The sort, the field-name check and the paged answer are shared with
//! [`super::search`].

use std::cmp::Ordering;
use std::collections::HashMap;

use axum::extract::{Path, RawQuery};
use axum::response::Response;
use serde_json::{Value, json};

use super::{
    FIELD_NAME_NOT_FOUND, INVALID_FIELD_NAMES, INVALID_FILTER, INVALID_SORT, RECORD_NOT_FOUND,
    Record, Render, how, render,
};
use crate::auth::Tenant;
use crate::error::{ApiError, ok};
use crate::workspace::Field;
use crate::workspace::bitable::{Table, paged};
use crate::workspace::filter::{self, Val};
use crate::workspace::util::{query_map, soft, ws};

/// A record's value of `f` as the filter sees it.
pub(super) fn filter_val(r: &Record, f: &Field, bot: &str) -> Val {
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
pub(super) fn parse_sort(table: &Table, v: &Value) -> Result<Vec<(Field, bool)>, ApiError> {
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

pub(super) fn sort_records(records: &mut [Record], keys: &[(Field, bool)], bot: &str) {
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

pub(super) fn check_names(table: &Table, names: &[String]) -> Result<(), ApiError> {
    match names.iter().find(|n| table.field_by_name(n).is_none()) {
        Some(n) => Err(soft(
            FIELD_NAME_NOT_FOUND,
            format!("FieldNameNotFound: {n:?}"),
        )),
        None => Ok(()),
    }
}

/// One page of `records`, rendered.
pub(super) fn page_out(
    table: &Table,
    records: &[Record],
    q: &HashMap<String, String>,
    only: Option<&[String]>,
    how: Render,
) -> Result<Response, ApiError> {
    Ok(ok(paged(records, q, 20, 500, |r| {
        render(table, r, only, how)
    })?))
}

fn flag(q: &HashMap<String, String>, k: &str) -> bool {
    q.get(k).is_some_and(|v| v == "true")
}

/// `GET .../records?filter=&sort=&field_names=&view_id=&page_size=&page_token=`
pub(super) async fn list(
    Tenant(app): Tenant,
    Path((t, table_id)): Path<(String, String)>,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let q = query_map(q);
    let w = ws(&app);
    let table = w.bitable(&t)?.table(&table_id)?;
    table.check_view(q.get("view_id").map(String::as_str))?;
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

/// `GET .../records/{record_id}`
pub(super) async fn get_record(
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
