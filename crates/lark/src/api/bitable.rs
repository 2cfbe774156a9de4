//! Bitable (Base): apps, tables and fields here; records in `records` (PROTOCOL §5.5).
//!
//! Field properties and record values are the user's JSON: their shape depends on the field type.

mod field_type;
mod records;

use futures::Stream;
use serde::{Deserialize, Serialize};

pub use field_type::FieldType;
pub use records::*;

use crate::api::page::{Page, paginate};
use crate::error::Result;
use crate::http::{Client, Req};
use crate::routes::Route;

/// A bitable app (a base).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Default)]
#[serde(default)]
pub struct BitableApp {
    pub app_token: String,
    pub name: String,
    pub revision: i64,
    pub folder_token: String,
    pub url: String,
    pub default_table_id: String,
    pub time_zone: String,
}

#[derive(Deserialize)]
struct AppAnswer {
    app: BitableApp,
}

/// A table of an app.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Default)]
#[serde(default)]
pub struct Table {
    pub table_id: String,
    pub name: String,
    pub revision: i64,
}

/// A created table.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Default)]
#[serde(default)]
pub struct CreatedTable {
    pub table_id: String,
    pub default_view_id: String,
    #[serde(deserialize_with = "crate::api::de::null_as_default")]
    pub field_id_list: Vec<String>,
}

/// A field (column): in a create/update request, or as listed.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Default)]
#[serde(default)]
pub struct Field {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field_id: Option<String>,
    pub field_name: String,
    #[serde(rename = "type")]
    pub field_type: FieldType,
    /// Type-specific settings, e.g. `{"options":[{"name":"A"}]}` for selects.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub property: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ui_type: Option<String>,
    #[serde(skip_serializing)]
    pub is_primary: bool,
}

impl Field {
    pub fn new(name: impl Into<String>, field_type: FieldType) -> Field {
        Field {
            field_name: name.into(),
            field_type,
            ..Field::default()
        }
    }

    /// A single or multi select with these option names.
    pub fn select(name: impl Into<String>, multi: bool, options: &[&str]) -> Field {
        let t = if multi {
            FieldType::MultiSelect
        } else {
            FieldType::SingleSelect
        };
        let opts: Vec<_> = options
            .iter()
            .map(|o| serde_json::json!({ "name": o }))
            .collect();
        Field::new(name, t).property(serde_json::json!({ "options": opts }))
    }

    pub fn property(mut self, property: serde_json::Value) -> Field {
        self.property = Some(property);
        self
    }
}

impl Client {
    /// Creates a bitable app in `folder_token` or the app's own space.
    pub async fn create_bitable(
        &self,
        name: &str,
        folder_token: Option<&str>,
    ) -> Result<BitableApp> {
        let mut body = serde_json::json!({ "name": name });
        if let Some(f) = folder_token {
            body["folder_token"] = f.into();
        }
        // Each call makes a new base; a lost answer must not make two.
        let req = Req::route(Route::BitableAppCreate)
            .json(&body)
            .not_retry_safe();
        let a: AppAnswer = self.call(req).await?;
        Ok(a.app)
    }

    pub async fn get_bitable(&self, app_token: &str) -> Result<BitableApp> {
        let req = Req::route(Route::BitableAppGet {
            app_token: app_token.to_owned(),
        });
        let a: AppAnswer = self.call(req).await?;
        Ok(a.app)
    }

    pub async fn list_tables_page(
        &self,
        app_token: &str,
        page_token: Option<&str>,
    ) -> Result<Page<Table>> {
        let req = Req::route(Route::BitableTableList {
            app_token: app_token.to_owned(),
        })
        .query("page_size", 100)
        .query_opt("page_token", page_token.filter(|t| !t.is_empty()));
        self.call(req).await
    }

    pub fn list_tables(&self, app_token: &str) -> impl Stream<Item = Result<Table>> + Send {
        let (client, app) = (self.clone(), app_token.to_owned());
        paginate(move |token| {
            let (client, app) = (client.clone(), app.clone());
            async move { client.list_tables_page(&app, token.as_deref()).await }
        })
    }

    /// Creates a table with these fields (the first becomes the primary field).
    pub async fn create_table(
        &self,
        app_token: &str,
        name: &str,
        fields: &[Field],
    ) -> Result<CreatedTable> {
        let mut table = serde_json::json!({ "name": name });
        if !fields.is_empty() {
            table["fields"] = serde_json::to_value(fields).unwrap_or_default();
        }
        let req = Req::route(Route::BitableTableCreate {
            app_token: app_token.to_owned(),
        })
        .json(&serde_json::json!({ "table": table }))
        .not_retry_safe();
        self.call(req).await
    }

    pub async fn list_fields_page(
        &self,
        app_token: &str,
        table_id: &str,
        page_token: Option<&str>,
    ) -> Result<Page<Field>> {
        let req = Req::route(Route::BitableFieldList {
            app_token: app_token.to_owned(),
            table_id: table_id.to_owned(),
        })
        .query("page_size", 100)
        .query_opt("page_token", page_token.filter(|t| !t.is_empty()));
        self.call(req).await
    }

    pub fn list_fields(
        &self,
        app_token: &str,
        table_id: &str,
    ) -> impl Stream<Item = Result<Field>> + Send {
        let (client, app, table) = (self.clone(), app_token.to_owned(), table_id.to_owned());
        paginate(move |token| {
            let (client, app, table) = (client.clone(), app.clone(), table.clone());
            async move {
                client
                    .list_fields_page(&app, &table, token.as_deref())
                    .await
            }
        })
    }

    pub async fn create_field(
        &self,
        app_token: &str,
        table_id: &str,
        field: &Field,
    ) -> Result<Field> {
        let req = Req::route(Route::BitableFieldCreate {
            app_token: app_token.to_owned(),
            table_id: table_id.to_owned(),
        })
        .json(field)
        .not_retry_safe();
        let a: FieldAnswer = self.call(req).await?;
        Ok(a.field)
    }

    /// Replaces a field's name, type and property.
    pub async fn update_field(
        &self,
        app_token: &str,
        table_id: &str,
        field_id: &str,
        field: &Field,
    ) -> Result<Field> {
        let req = Req::route(Route::BitableFieldUpdate {
            app_token: app_token.to_owned(),
            table_id: table_id.to_owned(),
            field_id: field_id.to_owned(),
        })
        .json(field);
        let a: FieldAnswer = self.call(req).await?;
        Ok(a.field)
    }

    pub async fn delete_field(
        &self,
        app_token: &str,
        table_id: &str,
        field_id: &str,
    ) -> Result<()> {
        let req = Req::route(Route::BitableFieldDelete {
            app_token: app_token.to_owned(),
            table_id: table_id.to_owned(),
            field_id: field_id.to_owned(),
        });
        let _: serde::de::IgnoredAny = self.call(req).await?;
        Ok(())
    }
}

#[derive(Deserialize)]
struct FieldAnswer {
    field: Field,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_body() {
        assert_eq!(
            serde_json::to_string(&Field::select("S", false, &["a", "b"])).unwrap(),
            r#"{"field_name":"S","type":3,"property":{"options":[{"name":"a"},{"name":"b"}]}}"#
        );
        let f: Field = serde_json::from_str(
            r#"{"field_id":"fld1","field_name":"N","type":2,"property":null,"is_primary":true,"ui_type":"Number"}"#,
        )
        .unwrap();
        assert_eq!(f.field_type, FieldType::Number);
        assert!(f.is_primary);
    }
}
