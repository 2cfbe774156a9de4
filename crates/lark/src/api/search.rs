//! Searching documents and wiki pages (PROTOCOL §5.6): `POST /search/v2/doc_wiki/search` and the
//! legacy `POST /suite/docs-api/search/object`. Whether the platform accepts a tenant token for
//! them is UNCONFIRMED; both are here so a caller can fall back from one to the other.

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::http::{Client, Req};
use crate::routes::Route;

/// A doc/wiki search.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DocSearch {
    pub query: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_size: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_token: Option<String>,
    /// Search documents (an empty filter means all of them).
    pub doc_filter: SearchFilter,
    /// Search wiki pages.
    pub wiki_filter: SearchFilter,
}

/// Narrows a search; empty lists are left out.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SearchFilter {
    /// `DOC`, `SHEET`, `BITABLE`, `DOCX`, `WIKI`, `FILE`, `FOLDER`, ...
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub doc_types: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub creator_ids: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub only_title: Option<bool>,
}

impl DocSearch {
    pub fn new(query: impl Into<String>) -> DocSearch {
        DocSearch {
            query: query.into(),
            ..DocSearch::default()
        }
    }
}

/// One page of hits.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Default)]
#[serde(default)]
pub struct DocSearchPage {
    pub total: Option<i64>,
    pub has_more: bool,
    pub page_token: Option<String>,
    #[serde(deserialize_with = "crate::api::de::null_as_default")]
    pub res_units: Vec<SearchHit>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Default)]
#[serde(default)]
pub struct SearchHit {
    pub title_highlighted: String,
    pub summary_highlighted: String,
    /// `DOC` or `WIKI`.
    pub entity_type: String,
    pub result_meta: SearchMeta,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Default)]
#[serde(default)]
pub struct SearchMeta {
    pub token: String,
    pub url: String,
    pub doc_types: String,
    pub owner_id: String,
    pub owner_name: String,
    #[serde(deserialize_with = "crate::api::de::opt_i64")]
    pub create_time: Option<i64>,
    #[serde(deserialize_with = "crate::api::de::opt_i64")]
    pub update_time: Option<i64>,
}

/// The legacy search's answer.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Default)]
#[serde(default)]
pub struct LegacySearch {
    #[serde(deserialize_with = "crate::api::de::null_as_default")]
    pub docs_entities: Vec<LegacyHit>,
    pub has_more: bool,
    pub total: Option<i64>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Default)]
#[serde(default)]
pub struct LegacyHit {
    pub docs_token: String,
    /// `doc`, `sheet`, `bitable`, `docx`, `file`, ...
    pub docs_type: String,
    pub title: String,
    pub owner_id: String,
}

impl Client {
    pub async fn search_docs(&self, search: &DocSearch) -> Result<DocSearchPage> {
        self.call(Req::route(Route::DocWikiSearch).json(search))
            .await
    }

    /// The legacy search: `count` hits from `offset`, optionally of some `docs_types`.
    pub async fn search_docs_legacy(
        &self,
        query: &str,
        count: u32,
        offset: u32,
        docs_types: &[&str],
    ) -> Result<LegacySearch> {
        let mut body = serde_json::json!({ "search_key": query, "count": count, "offset": offset });
        if !docs_types.is_empty() {
            body["docs_types"] = docs_types.into();
        }
        self.call(Req::route(Route::DocsSearchLegacy).json(&body))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_body() {
        assert_eq!(
            serde_json::to_string(&DocSearch::new("q")).unwrap(),
            r#"{"query":"q","doc_filter":{},"wiki_filter":{}}"#
        );
    }
}
