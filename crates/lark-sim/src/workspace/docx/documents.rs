//! Documents as a whole: create one (a page block titled as the document), read its metadata
//! and its plain-text content.

use axum::extract::Path;
use axum::response::Response;
use bytes::Bytes;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Document, invalid};
use crate::auth::Tenant;
use crate::error::{ApiError, ok};
use crate::workspace::util::{json_body, ws};

fn doc_json(d: &Document) -> Value {
    json!({ "document_id": d.document_id, "revision_id": d.revision_id, "title": d.title })
}

#[derive(Deserialize)]
struct CreateDoc {
    folder_token: Option<String>,
    title: Option<String>,
}

/// `POST /docx/v1/documents`
pub(super) async fn create_document(
    Tenant(app): Tenant,
    body: Bytes,
) -> Result<Response, ApiError> {
    let b: CreateDoc = json_body(&body, invalid)?;
    let title = b.title.unwrap_or_default();
    if title.chars().count() > 800 {
        return Err(invalid("title is longer than 800 characters"));
    }
    let doc = Document::new(title, b.folder_token.unwrap_or_default());
    let out = doc_json(&doc);
    ws(&app).docs.insert(doc.document_id.clone(), doc);
    Ok(ok(json!({ "document": out })))
}

/// `GET /docx/v1/documents/{document_id}`
pub(super) async fn get_document(
    Tenant(app): Tenant,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let w = ws(&app);
    Ok(ok(json!({ "document": doc_json(w.doc(&id)?) })))
}

/// `GET /docx/v1/documents/{document_id}/raw_content`
pub(super) async fn raw_content(
    Tenant(app): Tenant,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let w = ws(&app);
    Ok(ok(json!({ "content": w.doc(&id)?.raw_content() })))
}
