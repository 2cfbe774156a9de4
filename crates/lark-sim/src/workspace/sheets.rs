//! Spreadsheets: created and listed through `sheets/v3`, read and written through the v2
//! values API (`values/{range}`, `values`, `values_append`, `values_batch_get`,
//! `values_batch_update`). Cells keep the JSON type they were written with (strings, numbers,
//! booleans, null, or the platform's rich objects). Every write bumps the revision.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, RawQuery};
use axum::response::Response;
use axum::routing::{get, post};
use bytes::Bytes;
use serde::Deserialize;
use serde_json::{Value, json};

use super::Workspace;
use super::sheets_range::{self as a1, Rect};
use super::util::{WEB_HOST, bad, hex_id, json_body, now_ms, query_map, token, ws};
use crate::auth::Tenant;
use crate::error::{ApiError, ok};
use crate::state::SimState;

const WRONG_RANGE: i64 = 1310202;
const WRONG_BODY: i64 = 1310204;
const NOT_FOUND: i64 = 1310214;
const SHEET_NOT_FOUND: i64 = 1310215;

/// A new sheet's grid, as the platform creates it.
const DEFAULT_ROWS: usize = 200;
const DEFAULT_COLS: usize = 20;

/// One sheet (tab) of a spreadsheet.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub sheet_id: String,
    pub title: String,
    pub row_count: usize,
    pub column_count: usize,
    /// Non-empty cells by (row, column), 0-based.
    pub cells: BTreeMap<(usize, usize), Value>,
}

/// A spreadsheet.
#[derive(Debug, Clone)]
pub struct Spreadsheet {
    pub token: String,
    pub title: String,
    pub folder_token: String,
    pub revision: i64,
    pub sheets: Vec<Sheet>,
    pub created_ms: i64,
    pub updated_ms: i64,
}

impl Sheet {
    fn new(title: &str) -> Self {
        Sheet {
            sheet_id: hex_id(6),
            title: title.to_owned(),
            row_count: DEFAULT_ROWS,
            column_count: DEFAULT_COLS,
            cells: BTreeMap::new(),
        }
    }

    /// The last non-empty row and column, if any cell holds a value.
    pub fn used_extent(&self) -> Option<(usize, usize)> {
        let max_row = self.cells.keys().map(|k| k.0).max()?;
        let max_col = self.cells.keys().map(|k| k.1).max()?;
        Some((max_row, max_col))
    }

    /// The values of a closed rectangle, rows of columns, `null` where empty.
    pub fn values(&self, row0: usize, col0: usize, row1: usize, col1: usize) -> Vec<Vec<Value>> {
        (row0..=row1)
            .map(|r| {
                (col0..=col1)
                    .map(|c| self.cells.get(&(r, c)).cloned().unwrap_or(Value::Null))
                    .collect()
            })
            .collect()
    }

    /// Resolves a range to a closed rectangle: the whole used range for a bare sheet, the used
    /// rows for an open range, and the grid's bounds as the limit.
    fn close(&self, rect: Option<Rect>) -> (usize, usize, usize, usize) {
        let (ur, uc) = self.used_extent().unwrap_or((0, 0));
        let (r0, c0, r1, c1) = match rect {
            None => (0, 0, ur, uc),
            Some(r) => (r.row0, r.col0, r.row1.unwrap_or(ur.max(r.row0)), r.col1),
        };
        let rmax = self.row_count.max(1) - 1;
        let cmax = self.column_count.max(1) - 1;
        (r0.min(rmax), c0.min(cmax), r1.min(rmax), c1.min(cmax))
    }

    fn write(&mut self, row0: usize, col0: usize, values: &[Vec<Value>]) {
        for (i, row) in values.iter().enumerate() {
            for (j, v) in row.iter().enumerate() {
                let key = (row0 + i, col0 + j);
                if v.is_null() || v.as_str() == Some("") {
                    self.cells.remove(&key);
                } else {
                    self.cells.insert(key, v.clone());
                }
            }
        }
        let rows = row0 + values.len();
        let cols = col0 + values.iter().map(Vec::len).max().unwrap_or(0);
        self.row_count = self.row_count.max(rows);
        self.column_count = self.column_count.max(cols);
    }

    /// Moves every row from `at` down by `n`.
    fn insert_rows(&mut self, at: usize, n: usize) {
        let moved: Vec<((usize, usize), Value)> = self
            .cells
            .iter()
            .filter(|(k, _)| k.0 >= at)
            .map(|(k, v)| (*k, v.clone()))
            .collect();
        for (k, _) in &moved {
            self.cells.remove(k);
        }
        for ((r, c), v) in moved {
            self.cells.insert((r + n, c), v);
        }
        self.row_count += n;
    }

    fn json(&self, index: usize) -> Value {
        json!({
            "sheet_id": self.sheet_id,
            "title": self.title,
            "index": index,
            "hidden": false,
            "resource_type": "sheet",
            "grid_properties": {
                "frozen_row_count": 0,
                "frozen_column_count": 0,
                "row_count": self.row_count,
                "column_count": self.column_count,
            },
        })
    }
}

impl Spreadsheet {
    /// A new spreadsheet with one default sheet.
    pub(crate) fn new(title: String, folder_token: String) -> Self {
        let now = now_ms();
        Spreadsheet {
            token: token("shtcn", 22),
            title,
            folder_token,
            revision: 1,
            sheets: vec![Sheet::new("Sheet1")],
            created_ms: now,
            updated_ms: now,
        }
    }

    pub fn url(&self) -> String {
        format!("{WEB_HOST}/sheets/{}", self.token)
    }

    /// The sheet a range names, by id first and then by title.
    pub fn sheet(&self, r: &str) -> Option<&Sheet> {
        self.sheets
            .iter()
            .find(|s| s.sheet_id == r)
            .or_else(|| self.sheets.iter().find(|s| s.title == r))
    }

    fn sheet_index(&self, r: &str) -> Result<usize, ApiError> {
        self.sheets
            .iter()
            .position(|s| s.sheet_id == r)
            .or_else(|| self.sheets.iter().position(|s| s.title == r))
            .ok_or_else(|| bad(SHEET_NOT_FOUND, format!("Sheet Id Not Found: {r}")))
    }

    fn bump(&mut self) -> i64 {
        self.revision += 1;
        self.updated_ms = now_ms();
        self.revision
    }
}

impl Workspace {
    fn spreadsheet(&self, t: &str) -> Result<&Spreadsheet, ApiError> {
        self.sheets
            .get(t)
            .ok_or_else(|| bad(NOT_FOUND, format!("SpreadSheet Not Found: {t}")))
    }

    fn spreadsheet_mut(&mut self, t: &str) -> Result<&mut Spreadsheet, ApiError> {
        self.sheets
            .get_mut(t)
            .ok_or_else(|| bad(NOT_FOUND, format!("SpreadSheet Not Found: {t}")))
    }
}

fn wrong_body(m: impl Into<String>) -> ApiError {
    bad(WRONG_BODY, format!("Wrong Request Body: {}", m.into()))
}

fn wrong_range(m: impl Into<String>) -> ApiError {
    bad(WRONG_RANGE, format!("Wrong Range: {}", m.into()))
}

#[derive(Deserialize)]
struct CreateBody {
    title: Option<String>,
    folder_token: Option<String>,
}

/// `POST /sheets/v3/spreadsheets`: a spreadsheet with one default sheet.
async fn create(Tenant(app): Tenant, body: Bytes) -> Result<Response, ApiError> {
    let b: CreateBody = json_body(&body, wrong_body)?;
    let title = b.title.unwrap_or_default();
    if title.chars().count() > 255 {
        return Err(wrong_body("title is longer than 255 characters"));
    }
    let s = Spreadsheet::new(title, b.folder_token.unwrap_or_default());
    let out = json!({ "spreadsheet": {
        "title": s.title, "folder_token": s.folder_token, "url": s.url(), "spreadsheet_token": s.token,
    }});
    ws(&app).sheets.insert(s.token.clone(), s);
    Ok(ok(out))
}

/// `GET /sheets/v3/spreadsheets/{token}`
async fn get_spreadsheet(Tenant(app): Tenant, Path(t): Path<String>) -> Result<Response, ApiError> {
    let w = ws(&app);
    let s = w.spreadsheet(&t)?;
    Ok(ok(json!({ "spreadsheet": {
        "title": s.title, "owner_id": app.bot_open_id, "token": s.token, "url": s.url(),
    }})))
}

/// `GET /sheets/v3/spreadsheets/{token}/sheets/query`
async fn query_sheets(Tenant(app): Tenant, Path(t): Path<String>) -> Result<Response, ApiError> {
    let w = ws(&app);
    let s = w.spreadsheet(&t)?;
    let sheets: Vec<Value> = s
        .sheets
        .iter()
        .enumerate()
        .map(|(i, sh)| sh.json(i))
        .collect();
    Ok(ok(json!({ "sheets": sheets })))
}

/// `GET /sheets/v3/spreadsheets/{token}/sheets/{sheet_id}`
async fn get_sheet(
    Tenant(app): Tenant,
    Path((t, sheet_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let w = ws(&app);
    let s = w.spreadsheet(&t)?;
    let i = s
        .sheets
        .iter()
        .position(|x| x.sheet_id == sheet_id)
        .ok_or_else(|| bad(SHEET_NOT_FOUND, format!("Sheet Id Not Found: {sheet_id}")))?;
    Ok(ok(json!({ "sheet": s.sheets[i].json(i) })))
}

/// A value range as the v2 API returns it.
fn value_range(s: &Spreadsheet, range: &str) -> Result<Value, ApiError> {
    let r = a1::parse(range).map_err(wrong_range)?;
    let sh = &s.sheets[s.sheet_index(&r.sheet)?];
    let (r0, c0, r1, c1) = sh.close(r.rect);
    Ok(json!({
        "majorDimension": "ROWS",
        "range": format!("{}!{}", sh.sheet_id, a1::a1(r0, c0, r1, c1)),
        "revision": s.revision,
        "values": sh.values(r0, c0, r1, c1),
    }))
}

/// `GET /sheets/v2/spreadsheets/{token}/values/{range}`
async fn read(
    Tenant(app): Tenant,
    Path((t, range)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let w = ws(&app);
    let s = w.spreadsheet(&t)?;
    let vr = value_range(s, &range)?;
    Ok(ok(
        json!({ "revision": s.revision, "spreadsheetToken": s.token, "valueRange": vr }),
    ))
}

/// `GET /sheets/v2/spreadsheets/{token}/values_batch_get?ranges=a,b`
async fn batch_read(
    Tenant(app): Tenant,
    Path(t): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let q = query_map(q);
    let ranges = q
        .get("ranges")
        .filter(|r| !r.is_empty())
        .ok_or_else(|| wrong_range("ranges is required"))?;
    let w = ws(&app);
    let s = w.spreadsheet(&t)?;
    let mut out = Vec::new();
    let mut total = 0usize;
    for r in ranges.split(',') {
        let vr = value_range(s, r)?;
        total += vr["values"].as_array().map_or(0, |rows| {
            rows.iter().map(|x| x.as_array().map_or(0, Vec::len)).sum()
        });
        out.push(vr);
    }
    Ok(ok(json!({
        "revision": s.revision, "spreadsheetToken": s.token, "totalCells": total, "valueRanges": out,
    })))
}

#[derive(Deserialize)]
struct InRange {
    range: Option<String>,
    values: Option<Vec<Value>>,
}

#[derive(Deserialize)]
struct WriteBody {
    #[serde(rename = "valueRange")]
    value_range: Option<InRange>,
}

/// The range and rows of a body holding one `valueRange` (write and append).
fn write_body(body: &[u8]) -> Result<(String, Vec<Vec<Value>>), ApiError> {
    let b: WriteBody = json_body(body, wrong_body)?;
    let vr = b
        .value_range
        .ok_or_else(|| wrong_body("valueRange is required"))?;
    let range = vr
        .range
        .ok_or_else(|| wrong_range("valueRange.range is required"))?;
    Ok((range, rows(vr.values)?))
}

/// Rows of a request's `values`, each an array.
fn rows(values: Option<Vec<Value>>) -> Result<Vec<Vec<Value>>, ApiError> {
    let values = values.ok_or_else(|| wrong_body("valueRange.values is required"))?;
    values
        .into_iter()
        .enumerate()
        .map(|(i, r)| match r {
            Value::Array(a) => Ok(a),
            _ => Err(wrong_body(format!(
                "valueRange.values[{i}] must be an array"
            ))),
        })
        .collect()
}

/// Writes `values` at `range`; returns the update summary the v2 API answers with.
fn write_range(s: &mut Spreadsheet, range: &str, values: &[Vec<Value>]) -> Result<Value, ApiError> {
    let r = a1::parse(range).map_err(wrong_range)?;
    let idx = s.sheet_index(&r.sheet)?;
    let height = values.len();
    let width = values.iter().map(Vec::len).max().unwrap_or(0);
    if height == 0 || width == 0 {
        return Err(wrong_body("valueRange.values holds no cells"));
    }
    let (row0, col0) = r.rect.map_or((0, 0), |x| (x.row0, x.col0));
    if let Some(x) = r.rect {
        let single = x.row1 == Some(x.row0) && x.col1 == x.col0;
        let too_tall = x.row1.is_some_and(|r1| row0 + height - 1 > r1);
        if !single && (too_tall || col0 + width - 1 > x.col1) {
            return Err(wrong_range(format!(
                "{height} rows x {width} columns of values do not fit in {range}"
            )));
        }
    }
    let sheet = &mut s.sheets[idx];
    sheet.write(row0, col0, values);
    let updated = format!(
        "{}!{}",
        sheet.sheet_id,
        a1::a1(row0, col0, row0 + height - 1, col0 + width - 1)
    );
    let rev = s.bump();
    Ok(json!({
        "revision": rev,
        "spreadsheetToken": s.token,
        "updatedCells": height * width,
        "updatedColumns": width,
        "updatedRange": updated,
        "updatedRows": height,
    }))
}

/// `PUT /sheets/v2/spreadsheets/{token}/values`
async fn write(
    Tenant(app): Tenant,
    Path(t): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (range, values) = write_body(&body)?;
    let mut w = ws(&app);
    let s = w.spreadsheet_mut(&t)?;
    Ok(ok(write_range(s, &range, &values)?))
}

#[derive(Deserialize)]
struct BatchWriteBody {
    #[serde(rename = "valueRanges")]
    value_ranges: Option<Vec<InRange>>,
}

/// `POST /sheets/v2/spreadsheets/{token}/values_batch_update`: all ranges or none.
async fn batch_write(
    Tenant(app): Tenant,
    Path(t): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let b: BatchWriteBody = json_body(&body, wrong_body)?;
    let ranges = b.value_ranges.unwrap_or_default();
    if ranges.is_empty() {
        return Err(wrong_body("valueRanges is required"));
    }
    let mut w = ws(&app);
    let s = w.spreadsheet_mut(&t)?;
    let mut draft = s.clone();
    let mut responses = Vec::new();
    for vr in ranges {
        let range = vr
            .range
            .ok_or_else(|| wrong_range("valueRanges[].range is required"))?;
        responses.push(write_range(&mut draft, &range, &rows(vr.values)?)?);
    }
    *s = draft;
    Ok(ok(
        json!({ "responses": responses, "revision": s.revision, "spreadsheetToken": s.token }),
    ))
}

/// `POST /sheets/v2/spreadsheets/{token}/values_append?insertDataOption=OVERWRITE|INSERT_ROWS`:
/// writes below the last non-empty row of the range's columns.
async fn append(
    Tenant(app): Tenant,
    Path(t): Path<String>,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    let q = query_map(q);
    let insert = match q.get("insertDataOption").map(String::as_str) {
        None | Some("") | Some("OVERWRITE") => false,
        Some("INSERT_ROWS") => true,
        Some(o) => {
            return Err(wrong_body(format!(
                "insertDataOption must be OVERWRITE or INSERT_ROWS, got {o:?}"
            )));
        }
    };
    let (range, values) = write_body(&body)?;
    let height = values.len();
    let width = values.iter().map(Vec::len).max().unwrap_or(0);
    if height == 0 || width == 0 {
        return Err(wrong_body("valueRange.values holds no cells"));
    }
    let r = a1::parse(&range).map_err(wrong_range)?;
    let mut w = ws(&app);
    let s = w.spreadsheet_mut(&t)?;
    let idx = s.sheet_index(&r.sheet)?;
    let sheet = &mut s.sheets[idx];
    let (row0, col0) = r.rect.map_or((0, 0), |x| (x.row0, x.col0));
    let col1 = r
        .rect
        .map_or(col0 + width - 1, |x| x.col1.max(col0 + width - 1));
    let last = sheet
        .cells
        .keys()
        .filter(|(rr, cc)| *rr >= row0 && (col0..=col1).contains(cc))
        .map(|k| k.0)
        .max();
    let at = last.map_or(row0, |l| l + 1);
    let table_end = last.unwrap_or(row0);
    if insert {
        sheet.insert_rows(at, height);
    }
    sheet.write(at, col0, &values);
    let sheet_id = sheet.sheet_id.clone();
    let rev = s.bump();
    let updates = json!({
        "revision": rev,
        "spreadsheetToken": s.token,
        "updatedCells": height * width,
        "updatedColumns": width,
        "updatedRange": format!("{sheet_id}!{}", a1::a1(at, col0, at + height - 1, col0 + width - 1)),
        "updatedRows": height,
    });
    Ok(ok(json!({
        "revision": rev,
        "spreadsheetToken": s.token,
        "tableRange": format!("{sheet_id}!{}", a1::a1(row0, col0, table_end, col1)),
        "updates": updates,
    })))
}

impl Workspace {
    /// The used range of one sheet (by id or title), rows of cells from `A1`.
    pub fn sheet_values(&self, token: &str, sheet: &str) -> Option<Vec<Vec<Value>>> {
        let s = self.sheets.get(token)?.sheet(sheet)?;
        let (r, c) = s.used_extent()?;
        Some(s.values(0, 0, r, c))
    }
}

pub(super) fn routes() -> Router<Arc<SimState>> {
    Router::new()
        .route("/open-apis/sheets/v3/spreadsheets", post(create))
        .route(
            "/open-apis/sheets/v3/spreadsheets/{token}",
            get(get_spreadsheet),
        )
        .route(
            "/open-apis/sheets/v3/spreadsheets/{token}/sheets/query",
            get(query_sheets),
        )
        .route(
            "/open-apis/sheets/v3/spreadsheets/{token}/sheets/{sheet_id}",
            get(get_sheet),
        )
        .route(
            "/open-apis/sheets/v2/spreadsheets/{token}/values/{range}",
            get(read),
        )
        .route(
            "/open-apis/sheets/v2/spreadsheets/{token}/values",
            axum::routing::put(write),
        )
        .route(
            "/open-apis/sheets/v2/spreadsheets/{token}/values_append",
            post(append),
        )
        .route(
            "/open-apis/sheets/v2/spreadsheets/{token}/values_batch_get",
            get(batch_read),
        )
        .route(
            "/open-apis/sheets/v2/spreadsheets/{token}/values_batch_update",
            post(batch_write),
        )
}
