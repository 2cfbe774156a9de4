//! Spreadsheets: create, inspect, and read/write/append cell values (PROTOCOL §5.4).
//!
//! Creation and the sheet list are v3; values are v2, whose fields are camelCase. Ranges are
//! `<sheetId>!A1:D10`. Cell values are the user's JSON (strings, numbers, formulas, links).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::http::{Client, Req};
use crate::routes::Route;

/// A created spreadsheet.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Default)]
#[serde(default)]
pub struct Spreadsheet {
    pub spreadsheet_token: String,
    pub title: String,
    pub folder_token: String,
    pub url: String,
}

/// A spreadsheet's metadata.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Default)]
#[serde(default)]
pub struct SpreadsheetInfo {
    pub token: String,
    pub title: String,
    pub owner_id: String,
    pub url: String,
}

/// One sheet (tab) of a spreadsheet.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Default)]
#[serde(default)]
pub struct Sheet {
    pub sheet_id: String,
    pub title: String,
    pub index: i64,
    pub hidden: bool,
    pub grid_properties: Option<GridProperties>,
    pub resource_type: String,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Default)]
#[serde(default)]
pub struct GridProperties {
    pub frozen_row_count: i64,
    pub frozen_column_count: i64,
    pub row_count: i64,
    pub column_count: i64,
}

/// How read values are rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ValueRender {
    #[default]
    ToString,
    FormattedValue,
    Formula,
    UnformattedValue,
}

impl ValueRender {
    pub fn as_str(self) -> &'static str {
        match self {
            ValueRender::ToString => "ToString",
            ValueRender::FormattedValue => "FormattedValue",
            ValueRender::Formula => "Formula",
            ValueRender::UnformattedValue => "UnformattedValue",
        }
    }
}

/// Values of a range.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct ValueRange {
    pub range: String,
    /// Rows of cells; empty cells are `null`.
    #[serde(deserialize_with = "crate::api::de::null_as_default")]
    pub values: Vec<Vec<serde_json::Value>>,
    #[serde(skip_serializing)]
    pub revision: i64,
    #[serde(skip_serializing)]
    pub major_dimension: String,
}

/// What a write changed.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct Updated {
    pub spreadsheet_token: String,
    pub updated_range: String,
    pub updated_rows: i64,
    pub updated_columns: i64,
    pub updated_cells: i64,
    pub revision: i64,
}

/// What an append changed: the table it found and the rows it added.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct Appended {
    pub spreadsheet_token: String,
    pub table_range: String,
    pub revision: i64,
    pub updates: Updated,
}

fn check_range(range: &str) -> Result<()> {
    if range.trim().is_empty() {
        return Err(Error::InvalidArgument(
            "the range is empty; use <sheetId>!A1:D10".into(),
        ));
    }
    Ok(())
}

impl Client {
    pub async fn create_spreadsheet(
        &self,
        title: &str,
        folder_token: Option<&str>,
    ) -> Result<Spreadsheet> {
        #[derive(Deserialize)]
        struct A {
            spreadsheet: Spreadsheet,
        }
        let mut body = serde_json::json!({ "title": title });
        if let Some(f) = folder_token {
            body["folder_token"] = f.into();
        }
        // Each call makes a new spreadsheet; a lost answer must not make two.
        let req = Req::route(Route::SpreadsheetCreate)
            .json(&body)
            .not_retry_safe();
        let a: A = self.call(req).await?;
        Ok(a.spreadsheet)
    }

    pub async fn get_spreadsheet(&self, token: &str) -> Result<SpreadsheetInfo> {
        #[derive(Deserialize)]
        struct A {
            spreadsheet: SpreadsheetInfo,
        }
        let req = Req::route(Route::SpreadsheetGet {
            token: token.to_owned(),
        });
        let a: A = self.call(req).await?;
        Ok(a.spreadsheet)
    }

    /// The sheets (tabs) of a spreadsheet, in order.
    pub async fn query_sheets(&self, token: &str) -> Result<Vec<Sheet>> {
        #[derive(Deserialize)]
        struct A {
            #[serde(default, deserialize_with = "crate::api::de::null_as_default")]
            sheets: Vec<Sheet>,
        }
        let req = Req::route(Route::SheetsQuery {
            token: token.to_owned(),
        });
        let a: A = self.call(req).await?;
        Ok(a.sheets)
    }

    /// Reads `range` (`<sheetId>!A1:D10`).
    pub async fn read_values(
        &self,
        token: &str,
        range: &str,
        render: ValueRender,
    ) -> Result<ValueRange> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct A {
            value_range: ValueRange,
        }
        check_range(range)?;
        let req = Req::route(Route::ValuesGet {
            token: token.to_owned(),
            range: range.to_owned(),
        })
        .query("valueRenderOption", render.as_str());
        let a: A = self.call(req).await?;
        Ok(a.value_range)
    }

    /// Writes rows of values starting at `range` (its top-left cell decides where).
    pub async fn write_values(
        &self,
        token: &str,
        range: &str,
        values: Vec<Vec<serde_json::Value>>,
    ) -> Result<Updated> {
        check_range(range)?;
        let body = serde_json::json!({ "valueRange": { "range": range, "values": values } });
        // Writing the same cells twice leaves the same result, so this is retried.
        let req = Req::route(Route::ValuesPut {
            token: token.to_owned(),
        })
        .json(&body);
        self.call(req).await
    }

    /// Appends rows after the last non-empty row of the table at `range`.
    pub async fn append_values(
        &self,
        token: &str,
        range: &str,
        values: Vec<Vec<serde_json::Value>>,
    ) -> Result<Appended> {
        check_range(range)?;
        let body = serde_json::json!({ "valueRange": { "range": range, "values": values } });
        // A lost answer after an append must not append the rows twice.
        let req = Req::route(Route::ValuesAppend {
            token: token.to_owned(),
        })
        .json(&body)
        .not_retry_safe();
        self.call(req).await
    }
}
