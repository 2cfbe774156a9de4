//! Bitable records: list (with a filter formula), search (with structured conditions), create,
//! update, delete, and their batch forms.

use futures::Stream;
use serde::{Deserialize, Serialize};

use crate::api::page::{Page, paginate};
use crate::error::{Error, Result};
use crate::http::{Client, Req};
use crate::routes::Route;

/// Field values by field name; each value's shape depends on the field type.
pub type Fields = serde_json::Map<String, serde_json::Value>;

/// A record (row).
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(default)]
pub struct Record {
    pub record_id: String,
    #[serde(deserialize_with = "crate::api::de::null_as_default")]
    pub fields: Fields,
    #[serde(deserialize_with = "crate::api::de::opt_i64")]
    pub created_time: Option<i64>,
    #[serde(deserialize_with = "crate::api::de::opt_i64")]
    pub last_modified_time: Option<i64>,
}

/// A deleted record.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Default)]
#[serde(default)]
pub struct DeletedRecord {
    pub record_id: String,
    pub deleted: bool,
}

/// A sort key.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SortBy {
    pub field_name: String,
    pub desc: bool,
}

/// A listing of records.
#[derive(Debug, Clone, Default)]
pub struct ListRecords {
    pub view_id: Option<String>,
    /// A filter formula such as `CurrentValue.[Score] > 8`.
    pub filter: Option<String>,
    pub sort: Vec<SortBy>,
    pub field_names: Vec<String>,
    pub page_size: Option<u32>,
}

/// A structured search.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SearchRecords {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub view_id: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub field_names: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sort: Vec<SortBy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter: Option<Filter>,
}

/// Conditions joined by `and` or `or`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Filter {
    pub conjunction: String,
    pub conditions: Vec<Condition>,
}

/// `field_name operator value…`, e.g. `Score isGreater ["8"]`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Condition {
    pub field_name: String,
    /// `is`, `isNot`, `contains`, `doesNotContain`, `isEmpty`, `isNotEmpty`, `isGreater`,
    /// `isGreaterEqual`, `isLess`, `isLessEqual`.
    pub operator: String,
    pub value: Vec<String>,
}

impl Filter {
    pub fn and(conditions: Vec<Condition>) -> Filter {
        Filter {
            conjunction: "and".into(),
            conditions,
        }
    }

    pub fn or(conditions: Vec<Condition>) -> Filter {
        Filter {
            conjunction: "or".into(),
            conditions,
        }
    }
}

impl Condition {
    pub fn new(field_name: &str, operator: &str, value: &[&str]) -> Condition {
        Condition {
            field_name: field_name.to_owned(),
            operator: operator.to_owned(),
            value: value.iter().map(|v| (*v).to_owned()).collect(),
        }
    }
}

fn table(app_token: &str, table_id: &str) -> (String, String) {
    (app_token.to_owned(), table_id.to_owned())
}

#[derive(Deserialize)]
struct One {
    record: Record,
}

#[derive(Deserialize)]
struct Many {
    #[serde(default, deserialize_with = "crate::api::de::null_as_default")]
    records: Vec<Record>,
}

impl Client {
    pub async fn list_records_page(
        &self,
        app_token: &str,
        table_id: &str,
        query: &ListRecords,
        page_token: Option<&str>,
    ) -> Result<Page<Record>> {
        let (app_token, table_id) = table(app_token, table_id);
        let mut req = Req::route(Route::BitableRecordList {
            app_token,
            table_id,
        })
        .query_opt("view_id", query.view_id.as_deref())
        .query_opt("filter", query.filter.as_deref())
        .query_opt("page_size", query.page_size)
        .query_opt("page_token", page_token.filter(|t| !t.is_empty()));
        if !query.sort.is_empty() {
            let sort: Vec<String> = query
                .sort
                .iter()
                .map(|s| format!("{} {}", s.field_name, if s.desc { "DESC" } else { "ASC" }))
                .collect();
            req = req.query("sort", serde_json::to_string(&sort).unwrap_or_default());
        }
        if !query.field_names.is_empty() {
            let names = serde_json::to_string(&query.field_names).unwrap_or_default();
            req = req.query("field_names", names);
        }
        self.call(req).await
    }

    /// Every record matching `query`.
    pub fn list_records(
        &self,
        app_token: &str,
        table_id: &str,
        query: ListRecords,
    ) -> impl Stream<Item = Result<Record>> + Send {
        let (client, (app, table)) = (self.clone(), table(app_token, table_id));
        paginate(move |token| {
            let (client, app, table, q) =
                (client.clone(), app.clone(), table.clone(), query.clone());
            async move {
                client
                    .list_records_page(&app, &table, &q, token.as_deref())
                    .await
            }
        })
    }

    /// One page of a structured search.
    pub async fn search_records(
        &self,
        app_token: &str,
        table_id: &str,
        search: &SearchRecords,
        page_token: Option<&str>,
    ) -> Result<Page<Record>> {
        let (app_token, table_id) = table(app_token, table_id);
        let req = Req::route(Route::BitableRecordSearch {
            app_token,
            table_id,
        })
        .query_opt("page_token", page_token.filter(|t| !t.is_empty()))
        .json(search);
        self.call(req).await
    }

    /// Every record a structured search finds.
    pub fn search_records_all(
        &self,
        app_token: &str,
        table_id: &str,
        search: SearchRecords,
    ) -> impl Stream<Item = Result<Record>> + Send {
        let (client, (app, table)) = (self.clone(), table(app_token, table_id));
        paginate(move |token| {
            let (client, app, table, s) =
                (client.clone(), app.clone(), table.clone(), search.clone());
            async move {
                client
                    .search_records(&app, &table, &s, token.as_deref())
                    .await
            }
        })
    }

    pub async fn create_record(
        &self,
        app_token: &str,
        table_id: &str,
        fields: Fields,
    ) -> Result<Record> {
        let (app_token, table_id) = table(app_token, table_id);
        let req = Req::route(Route::BitableRecordCreate {
            app_token,
            table_id,
        })
        .json(&serde_json::json!({ "fields": fields }))
        .not_retry_safe();
        let a: One = self.call(req).await?;
        Ok(a.record)
    }

    /// Sets some fields of a record (fields not named keep their values).
    pub async fn update_record(
        &self,
        app_token: &str,
        table_id: &str,
        record_id: &str,
        fields: Fields,
    ) -> Result<Record> {
        let (app_token, table_id) = table(app_token, table_id);
        let req = Req::route(Route::BitableRecordUpdate {
            app_token,
            table_id,
            record_id: record_id.to_owned(),
        })
        .json(&serde_json::json!({ "fields": fields }));
        let a: One = self.call(req).await?;
        Ok(a.record)
    }

    pub async fn delete_record(
        &self,
        app_token: &str,
        table_id: &str,
        record_id: &str,
    ) -> Result<DeletedRecord> {
        let (app_token, table_id) = table(app_token, table_id);
        let req = Req::route(Route::BitableRecordDelete {
            app_token,
            table_id,
            record_id: record_id.to_owned(),
        });
        self.call(req).await
    }

    pub async fn batch_create_records(
        &self,
        app_token: &str,
        table_id: &str,
        rows: Vec<Fields>,
    ) -> Result<Vec<Record>> {
        check_batch(rows.len())?;
        let (app_token, table_id) = table(app_token, table_id);
        let records: Vec<_> = rows
            .into_iter()
            .map(|fields| serde_json::json!({ "fields": fields }))
            .collect();
        let req = Req::route(Route::BitableRecordBatchCreate {
            app_token,
            table_id,
        })
        .json(&serde_json::json!({ "records": records }))
        .not_retry_safe();
        let a: Many = self.call(req).await?;
        Ok(a.records)
    }

    /// Updates several records: `(record_id, fields)` pairs.
    pub async fn batch_update_records(
        &self,
        app_token: &str,
        table_id: &str,
        rows: Vec<(String, Fields)>,
    ) -> Result<Vec<Record>> {
        check_batch(rows.len())?;
        let (app_token, table_id) = table(app_token, table_id);
        let records: Vec<_> = rows
            .into_iter()
            .map(|(id, fields)| serde_json::json!({ "record_id": id, "fields": fields }))
            .collect();
        let req = Req::route(Route::BitableRecordBatchUpdate {
            app_token,
            table_id,
        })
        .json(&serde_json::json!({ "records": records }));
        let a: Many = self.call(req).await?;
        Ok(a.records)
    }

    pub async fn batch_delete_records(
        &self,
        app_token: &str,
        table_id: &str,
        record_ids: &[String],
    ) -> Result<Vec<DeletedRecord>> {
        #[derive(Deserialize)]
        struct A {
            #[serde(default, deserialize_with = "crate::api::de::null_as_default")]
            records: Vec<DeletedRecord>,
        }
        check_batch(record_ids.len())?;
        let (app_token, table_id) = table(app_token, table_id);
        let req = Req::route(Route::BitableRecordBatchDelete {
            app_token,
            table_id,
        })
        .json(&serde_json::json!({ "records": record_ids }));
        let a: A = self.call(req).await?;
        Ok(a.records)
    }
}

/// The batch endpoints take 1 to 500 records.
fn check_batch(n: usize) -> Result<()> {
    if n == 0 || n > 500 {
        return Err(Error::InvalidArgument(format!(
            "a batch holds 1 to 500 records, not {n}"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_body() {
        let s = SearchRecords {
            field_names: vec!["Name".into()],
            sort: vec![SortBy {
                field_name: "Score".into(),
                desc: true,
            }],
            filter: Some(Filter::and(vec![Condition::new(
                "Score",
                "isGreater",
                &["8"],
            )])),
            ..SearchRecords::default()
        };
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            concat!(
                r#"{"field_names":["Name"],"sort":[{"field_name":"Score","desc":true}],"#,
                r#""filter":{"conjunction":"and","conditions":[{"field_name":"Score","operator":"isGreater","value":["8"]}]}}"#
            )
        );
        assert!(check_batch(0).is_err() && check_batch(501).is_err() && check_batch(1).is_ok());
    }
}
