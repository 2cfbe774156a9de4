//! The structured record search (`POST .../records/search`): nested `and`/`or` groups of
//! conditions with the platform's operators (`is`, `contains`, `isGreater`, ...), date
//! conditions by day (`ExactDate`, `Today`, ...), then the sort and paging of a list.

use std::cmp::Ordering;

use axum::extract::{Path, RawQuery};
use axum::response::Response;
use bytes::Bytes;
use serde::Deserialize;
use serde_json::Value;

use super::list::{check_names, filter_val, page_out, parse_sort, sort_records};
use super::{FIELD_NAME_NOT_FOUND, INVALID_FILTER, Record, Render};
use crate::auth::Tenant;
use crate::error::ApiError;
use crate::workspace::bitable::{Table, wrong_json};
use crate::workspace::filter::{self, Val};
use crate::workspace::util::{json_body, now_ms, query_map, soft, ws};

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
pub(super) async fn search(
    Tenant(app): Tenant,
    Path((t, table_id)): Path<(String, String)>,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    let q = query_map(q);
    let b: SearchBody = json_body(&body, wrong_json)?;
    let w = ws(&app);
    let table = w.bitable(&t)?.table(&table_id)?;
    table.check_view(b.view_id.as_deref())?;
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
