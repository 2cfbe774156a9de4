//! Searching the tenant's cloud objects by title: search v2 (`search/v2/doc_wiki/search`, the
//! `res_units` shape of the SDKs' `SearchDocWikiResponseBody`) and the legacy
//! `suite/docs-api/search/object`. Both see the same documents, sheets, bitables and files.

use std::sync::Arc;

use axum::Router;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use bytes::Bytes;
use serde::Deserialize;
use serde_json::{Value, json};

use super::CloudObject;
use super::util::{json_body, paginate, ws};
use crate::auth::Tenant;
use crate::error::{ApiError, ok};
use crate::state::SimState;

const MISSING_FIELDS: i64 = 1274001;
const BAD_ENUM: i64 = 1274002;
const LEGACY_INVALID: i64 = 91402;

fn missing(msg: impl Into<String>) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        MISSING_FIELDS,
        format!("invalid param: {}", msg.into()),
    )
}

const DOC_TYPES: &[&str] = &[
    "DOC", "SHEET", "BITABLE", "MINDNOTE", "FILE", "WIKI", "DOCX", "FOLDER", "CATALOG", "SLIDES",
    "SHORTCUT",
];

#[derive(Deserialize, Default)]
struct DocFilter {
    doc_types: Option<Vec<String>>,
    folder_tokens: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct SearchV2 {
    query: Option<String>,
    doc_filter: Option<DocFilter>,
    wiki_filter: Option<Value>,
    page_token: Option<String>,
    page_size: Option<i64>,
}

fn matches(o: &CloudObject, query: &str) -> bool {
    query.trim().is_empty()
        || o.title
            .to_lowercase()
            .contains(&query.trim().to_lowercase())
}

/// The title with the matched part wrapped in `<h>`, as search highlights it.
fn highlight(title: &str, query: &str) -> String {
    let q = query.trim();
    if q.is_empty() {
        return title.to_owned();
    }
    let lower = title.to_lowercase();
    match lower.find(&q.to_lowercase()) {
        // Lowercasing can change byte lengths outside ASCII; only highlight when it did not.
        Some(i)
            if lower.len() == title.len()
                && title.is_char_boundary(i)
                && title.is_char_boundary(i + q.len()) =>
        {
            format!(
                "{}<h>{}</h>{}",
                &title[..i],
                &title[i..i + q.len()],
                &title[i + q.len()..]
            )
        }
        _ => title.to_owned(),
    }
}

/// `POST /search/v2/doc_wiki/search`
async fn search_v2(Tenant(app): Tenant, body: Bytes) -> Result<Response, ApiError> {
    let b: SearchV2 = json_body(&body, missing)?;
    let query = b.query.ok_or_else(|| missing("query is required"))?;
    if query.chars().count() > 50 {
        return Err(missing("query is longer than 50 characters"));
    }
    if b.doc_filter.is_none() && b.wiki_filter.is_none() {
        return Err(missing(
            "at least one of doc_filter or wiki_filter must be passed",
        ));
    }
    let size = match b.page_size {
        None | Some(0) => 20,
        Some(n) if (1..=20).contains(&n) => n as usize,
        Some(n) => return Err(missing(format!("page_size must be 0..=20, got {n}"))),
    };
    let filter = b.doc_filter.unwrap_or_default();
    let types = filter.doc_types.unwrap_or_default();
    if let Some(t) = types.iter().find(|t| !DOC_TYPES.contains(&t.as_str())) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            BAD_ENUM,
            format!("invalid param: illegal enum value {t:?} in doc_types"),
        ));
    }
    let w = ws(&app);
    let folders = filter.folder_tokens.unwrap_or_default();
    let hits: Vec<CloudObject> = w
        .cloud_objects()
        .into_iter()
        .filter(|o| matches(o, &query))
        .filter(|o| types.is_empty() || types.iter().any(|t| t == o.kind.search_type()))
        .filter(|o| {
            folders.is_empty() || w.folder_of(&o.token).is_some_and(|f| folders.contains(&f))
        })
        .collect();
    let page = paginate(&hits, size, b.page_token.as_deref())
        .ok_or_else(|| missing("page_token is not valid"))?;
    let units: Vec<Value> = page
        .items
        .iter()
        .map(|o| {
            json!({
                "title_highlighted": highlight(&o.title, &query),
                "summary_highlighted": "",
                "entity_type": "DOC",
                "result_meta": {
                    "doc_types": o.kind.search_type(),
                    "token": o.token,
                    "url": o.url,
                    "owner_id": app.bot_open_id,
                    "owner_name": app.bot_name,
                    "is_cross_tenant": false,
                    "create_time": o.created_ms / 1000,
                    "update_time": o.updated_ms / 1000,
                    "last_open_time": o.updated_ms / 1000,
                    "edit_user_id": app.bot_open_id,
                    "edit_user_name": app.bot_name,
                }
            })
        })
        .collect();
    let mut data = json!({ "total": hits.len(), "has_more": page.has_more, "res_units": units });
    if let Some(t) = page.page_token {
        data["page_token"] = json!(t);
    }
    Ok(ok(data))
}

#[derive(Deserialize)]
struct Legacy {
    search_key: Option<String>,
    count: Option<i64>,
    offset: Option<i64>,
    docs_types: Option<Vec<String>>,
}

/// The legacy type name of an object (`doc` filters also match docx documents).
fn legacy_type(o: &CloudObject) -> &'static str {
    match o.kind {
        super::ObjKind::Docx => "docx",
        super::ObjKind::Sheet => "sheet",
        super::ObjKind::Bitable => "bitable",
        super::ObjKind::File => "file",
    }
}

/// `POST /suite/docs-api/search/object`
async fn search_legacy(Tenant(app): Tenant, body: Bytes) -> Result<Response, ApiError> {
    let invalid = |m: String| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            LEGACY_INVALID,
            format!("invalid param: {m}"),
        )
    };
    let b: Legacy = json_body(&body, invalid)?;
    let key = b
        .search_key
        .ok_or_else(|| invalid("search_key is required".into()))?;
    let count = b.count.unwrap_or(50);
    let offset = b.offset.unwrap_or(0);
    if !(0..=50).contains(&count) || offset < 0 || offset + count >= 200 {
        return Err(invalid(format!(
            "need 0 <= count <= 50 and offset + count < 200, got count={count} offset={offset}"
        )));
    }
    let types = b.docs_types.unwrap_or_default();
    let w = ws(&app);
    let hits: Vec<CloudObject> = w
        .cloud_objects()
        .into_iter()
        .filter(|o| matches(o, &key))
        .filter(|o| {
            let t = legacy_type(o);
            types.is_empty() || types.iter().any(|x| x == t || (x == "doc" && t == "docx"))
        })
        .collect();
    let page: Vec<Value> = hits
        .iter()
        .skip(offset as usize)
        .take(count as usize)
        .map(|o| {
            json!({
                "docs_token": o.token,
                "docs_type": legacy_type(o),
                "title": o.title,
                "owner_id": app.bot_open_id,
            })
        })
        .collect();
    Ok(ok(json!({
        "docs_entities": page,
        "has_more": (offset + count) < hits.len() as i64,
        "total": hits.len(),
    })))
}

impl super::Workspace {
    /// The folder an object was created in, when it names one.
    fn folder_of(&self, token: &str) -> Option<String> {
        let f = if let Some(d) = self.docs.get(token) {
            d.folder_token.clone()
        } else if let Some(s) = self.sheets.get(token) {
            s.folder_token.clone()
        } else if let Some(b) = self.bitables.get(token) {
            b.folder_token.clone()
        } else {
            self.files.get(token)?.parent_node.clone()
        };
        (!f.is_empty()).then_some(f)
    }
}

pub(super) fn routes() -> Router<Arc<SimState>> {
    Router::new()
        .route("/open-apis/search/v2/doc_wiki/search", post(search_v2))
        .route(
            "/open-apis/suite/docs-api/search/object",
            post(search_legacy),
        )
}

#[cfg(test)]
mod tests {
    use super::highlight;

    #[test]
    fn highlight_wraps_the_match_case_insensitively() {
        assert_eq!(highlight("Weekly Report", "report"), "Weekly <h>Report</h>");
        assert_eq!(highlight("周报 2024", "周报"), "<h>周报</h> 2024");
        assert_eq!(highlight("abc", ""), "abc");
    }
}
