//! Spreadsheets: `createSpreadsheet`, `readSpreadsheet`, `writeSpreadsheet`.

use lark::api::sheets::ValueRender;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::non_empty;
use crate::error::{ToolError, ToolResult};
use crate::registry::ActionDef;
use crate::tools::Tools;
use crate::{handler, links, p};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateSpreadsheetArgs {
    #[serde(default, alias = "name")]
    pub title: Option<String>,
    #[serde(default)]
    pub folder_token: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct CreatedSpreadsheet {
    pub ok: bool,
    pub spreadsheet_token: String,
    pub url: String,
    /// The first sheet's id.
    pub sheet_id: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReadSpreadsheetArgs {
    /// Token or link (a `?sheet=` in the link picks the sheet).
    #[serde(alias = "token")]
    pub spreadsheet_token: String,
    /// A sheet's name or id; the first sheet when omitted.
    #[serde(default, alias = "sheet", alias = "sheetName")]
    pub sheet_id: Option<String>,
    /// `A1:C10`; the whole used area when omitted.
    #[serde(default)]
    pub range: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WriteSpreadsheetArgs {
    #[serde(alias = "token")]
    pub spreadsheet_token: String,
    #[serde(default, alias = "sheet", alias = "sheetName")]
    pub sheet_id: Option<String>,
    /// The top-left cell (`A1`) or the whole range; `A1` when omitted.
    #[serde(default)]
    pub range: Option<String>,
    pub values: Vec<Vec<Value>>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SheetValues {
    pub ok: bool,
    pub sheet_id: String,
    pub range: String,
    pub values: Vec<Vec<Value>>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct SheetWritten {
    pub ok: bool,
    pub updated_range: String,
    pub updated_cells: i64,
}

/// Column letters of a 0-based index (`0` → `A`, `26` → `AA`).
fn col_name(mut c: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// (row 0-based, col 0-based) of a cell reference like `B3`.
fn cell_ref(s: &str) -> Option<(usize, usize)> {
    let split = s.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = s.split_at(split);
    if letters.is_empty() || !letters.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let mut col = 0usize;
    for b in letters.bytes() {
        col = col * 26 + usize::from(b.to_ascii_uppercase() - b'A' + 1);
    }
    let row: usize = digits.parse().ok()?;
    (row >= 1).then(|| (row - 1, col - 1))
}

impl Tools {
    /// The sheet id for a name, id, or nothing (the first sheet; `Sheet1` also means it when no
    /// sheet has that title).
    async fn sheet_of(&self, token: &str, wanted: Option<&str>) -> ToolResult<String> {
        let sheets = self.client.query_sheets(token).await?;
        let wanted = wanted.map(str::trim).filter(|s| !s.is_empty());
        if let Some(w) = wanted
            && let Some(s) = sheets.iter().find(|s| s.sheet_id == w || s.title == w)
        {
            return Ok(s.sheet_id.clone());
        }
        match wanted {
            Some(w) if !w.eq_ignore_ascii_case("sheet1") => Err(ToolError::param(
                "sheetId",
                format!(
                    "no sheet named or with id {w:?}; the sheets are: {}",
                    sheets
                        .iter()
                        .map(|s| format!("{} ({})", s.title, s.sheet_id))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )),
            _ => sheets
                .first()
                .map(|s| s.sheet_id.clone())
                .ok_or_else(|| ToolError::Api("the spreadsheet has no sheet".into())),
        }
    }

    /// `createSpreadsheet`.
    pub async fn create_spreadsheet(
        &self,
        args: CreateSpreadsheetArgs,
    ) -> ToolResult<CreatedSpreadsheet> {
        let folder = args.folder_token.as_deref().map(links::token);
        let title = args.title.unwrap_or_default();
        let s = self
            .client
            .create_spreadsheet(&title, folder.as_deref())
            .await?;
        let sheet_id = self
            .sheet_of(&s.spreadsheet_token, None)
            .await
            .unwrap_or_default();
        Ok(CreatedSpreadsheet {
            ok: true,
            url: if s.url.is_empty() {
                super::docs::web_url(self, "sheets", &s.spreadsheet_token)
            } else {
                s.url
            },
            spreadsheet_token: s.spreadsheet_token,
            sheet_id,
        })
    }

    /// `readSpreadsheet`.
    pub async fn read_spreadsheet(&self, args: ReadSpreadsheetArgs) -> ToolResult<SheetValues> {
        let link = links::parse(non_empty("spreadsheetToken", &args.spreadsheet_token)?);
        let wanted = args.sheet_id.clone().or(link.sheet.clone());
        let sheet = self.sheet_of(&link.token, wanted.as_deref()).await?;
        let range = match args
            .range
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
        {
            Some(r) => format!("{sheet}!{}", r.rsplit('!').next().unwrap_or(r)),
            None => sheet.clone(),
        };
        let v = self
            .client
            .read_values(&link.token, &range, ValueRender::ToString)
            .await?;
        Ok(SheetValues {
            ok: true,
            sheet_id: sheet,
            range: v.range,
            values: v.values,
        })
    }

    /// `writeSpreadsheet`: `values` from the top-left cell of `range`.
    pub async fn write_spreadsheet(&self, args: WriteSpreadsheetArgs) -> ToolResult<SheetWritten> {
        let link = links::parse(non_empty("spreadsheetToken", &args.spreadsheet_token)?);
        if args.values.is_empty() {
            return Err(ToolError::param(
                "values",
                "is empty; give rows, e.g. [[\"姓名\",\"分数\"],[\"张三\",95]]",
            ));
        }
        let wanted = args.sheet_id.clone().or(link.sheet.clone());
        let sheet = self.sheet_of(&link.token, wanted.as_deref()).await?;
        let given = args
            .range
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .unwrap_or("A1");
        let given = given.rsplit('!').next().unwrap_or(given);
        let start = given.split(':').next().unwrap_or("A1");
        let Some((row, col)) = cell_ref(start) else {
            return Err(ToolError::param(
                "range",
                format!("{given:?} is not a cell range like A1 or A1:C10"),
            ));
        };
        // The platform wants the range to match the values: derive it from the top-left cell.
        let rows = args.values.len();
        let cols = args.values.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let range = format!(
            "{sheet}!{}{}:{}{}",
            col_name(col),
            row + 1,
            col_name(col + cols - 1),
            row + rows
        );
        let mut values = args.values;
        for r in &mut values {
            r.resize(cols, Value::Null);
        }
        let u = self
            .client
            .write_values(&link.token, &range, values)
            .await?;
        Ok(SheetWritten {
            ok: true,
            updated_range: u.updated_range,
            updated_cells: u.updated_cells,
        })
    }
}

pub(crate) fn defs() -> Vec<ActionDef> {
    vec![
        ActionDef {
            name: "createSpreadsheet",
            takes_to: false,
            description: "Create a spreadsheet; returns {spreadsheetToken, url, sheetId}.",
            example: r#"{"action": "createSpreadsheet", "title": "表格名"}"#,
            params: &[
                p!("title", Str, "the spreadsheet title"),
                p!("folderToken", Str, "optional drive folder"),
            ],
            required: &[],
            run: handler!(create_spreadsheet),
        },
        ActionDef {
            name: "readSpreadsheet",
            takes_to: false,
            description: "Read cells of a spreadsheet (token or link; sheetId is a sheet name or id, first sheet when omitted; range like A1:C10).",
            example: r#"{"action": "readSpreadsheet", "spreadsheetToken": "shtcnXXX", "sheetId": "Sheet1", "range": "A1:C10"}"#,
            params: &[
                p!("spreadsheetToken", Str, "token or link"),
                p!("sheetId", Str, "sheet name or id (optional)"),
                p!("range", Str, "A1:C10 (optional: the used area)"),
            ],
            required: &["spreadsheetToken"],
            run: handler!(read_spreadsheet),
        },
        ActionDef {
            name: "writeSpreadsheet",
            takes_to: false,
            description: "Write a 2-D array of values starting at range (e.g. A1).",
            example: r#"{"action": "writeSpreadsheet", "spreadsheetToken": "shtcnXXX", "sheetId": "Sheet1", "range": "A1", "values": [["姓名","分数"],["张三",95]]}"#,
            params: &[
                p!("spreadsheetToken", Str, "token or link"),
                p!("sheetId", Str, "sheet name or id (optional)"),
                p!("range", Str, "top-left cell, e.g. A1"),
                p!("values", Array, "rows of cell values (2-D array)"),
            ],
            required: &["spreadsheetToken", "values"],
            run: handler!(write_spreadsheet),
        },
    ]
}
