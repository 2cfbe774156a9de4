//! Docx (`docx/v1`): documents as a tree of blocks rooted at the page block, whose id is the
//! document id. Creating children, replacing an image or file with uploaded media, editing
//! text and deleting ranges of children each bump the document revision. The block catalogue
//! and input checks are in [`super::docx_blocks`].
//!
//! This file holds the document and block types, the errors and request checks every docx
//! handler shares, and the routes. [`documents`] creates and reads documents, [`tree`] reads
//! blocks and inserts or deletes children, and [`edit`] changes blocks in place (media, text,
//! style).

mod documents;
mod edit;
mod tree;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use serde_json::{Value, json};

use super::Workspace;
use super::docx_blocks as blocks;
use super::util::{WEB_HOST, bad, now_ms, token};
use crate::error::ApiError;
use crate::state::SimState;

const INVALID: i64 = 1770001;
const NOT_FOUND: i64 = 1770002;
const RELATION_MISMATCH: i64 = 1770013;
const PARENT_CHILD_MISMATCH: i64 = 1770014;
/// At most this many children per create request.
const MAX_CHILDREN: usize = 50;

fn invalid(msg: impl Into<String>) -> ApiError {
    bad(INVALID, format!("invalid param: {}", msg.into()))
}

fn not_found(what: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        NOT_FOUND,
        format!("not found: {what}"),
    )
}

/// One block of a document.
#[derive(Debug, Clone)]
pub struct Block {
    pub block_id: String,
    pub parent_id: String,
    pub block_type: u32,
    pub children: Vec<String>,
    /// The body under the type's key (`text`, `heading1`, `image`, ...), as user JSON.
    pub body: Value,
}

impl Block {
    /// The block as the API returns it.
    pub fn to_json(&self) -> Value {
        let mut m = serde_json::Map::new();
        m.insert("block_id".into(), json!(self.block_id));
        m.insert("block_type".into(), json!(self.block_type));
        m.insert("parent_id".into(), json!(self.parent_id));
        if !self.children.is_empty() {
            m.insert("children".into(), json!(self.children));
        }
        let mut body = self.body.clone();
        if self.block_type == blocks::TABLE {
            body["cells"] = json!(self.children);
        }
        if let Some(key) = blocks::key_of(self.block_type) {
            m.insert(key.into(), body);
        }
        Value::Object(m)
    }

    pub fn text(&self) -> String {
        if blocks::is_text(self.block_type) {
            blocks::plain_text(&self.body)
        } else {
            String::new()
        }
    }
}

/// A docx document.
#[derive(Debug, Clone)]
pub struct Document {
    pub document_id: String,
    pub title: String,
    pub folder_token: String,
    pub revision_id: i64,
    pub blocks: BTreeMap<String, Block>,
    pub created_ms: i64,
    pub updated_ms: i64,
    /// Answers already given per `client_token`, replayed for a retried request.
    client_tokens: HashMap<String, Value>,
}

impl Document {
    pub(crate) fn new(title: String, folder_token: String) -> Self {
        let id = token("doxcn", 22);
        let now = now_ms();
        let mut page = blocks::text_body(&title);
        page["style"] = json!({ "align": 1 });
        let root = Block {
            block_id: id.clone(),
            parent_id: String::new(),
            block_type: blocks::PAGE,
            children: Vec::new(),
            body: page,
        };
        Document {
            document_id: id.clone(),
            title,
            folder_token,
            revision_id: 1,
            blocks: BTreeMap::from([(id, root)]),
            created_ms: now,
            updated_ms: now,
            client_tokens: HashMap::new(),
        }
    }

    pub fn url(&self) -> String {
        format!("{WEB_HOST}/docx/{}", self.document_id)
    }

    pub fn root(&self) -> Option<&Block> {
        self.blocks.get(&self.document_id)
    }

    /// Block ids in document order (depth first, the page first).
    pub fn ordered_ids(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut stack = vec![self.document_id.clone()];
        while let Some(id) = stack.pop() {
            if let Some(b) = self.blocks.get(&id) {
                stack.extend(b.children.iter().rev().cloned());
                out.push(id);
            }
        }
        out
    }

    /// All text of the document: the title, then every text block, one per line.
    pub fn raw_content(&self) -> String {
        let mut lines = vec![self.title.clone()];
        for id in self.ordered_ids().iter().skip(1) {
            if let Some(b) = self.blocks.get(id)
                && blocks::is_text(b.block_type)
            {
                lines.push(b.text());
            }
        }
        let mut s = lines.join("\n");
        s.push('\n');
        s
    }

    fn touch(&mut self) -> i64 {
        self.revision_id += 1;
        self.updated_ms = now_ms();
        self.revision_id
    }

    /// The block `id`, or the API's not-found error.
    fn block(&self, id: &str) -> Result<&Block, ApiError> {
        self.blocks
            .get(id)
            .ok_or_else(|| not_found(&format!("block {id}")))
    }
}

impl Workspace {
    fn doc_mut(&mut self, id: &str) -> Result<&mut Document, ApiError> {
        self.docs
            .get_mut(id)
            .ok_or_else(|| not_found(&format!("document {id}")))
    }

    fn doc(&self, id: &str) -> Result<&Document, ApiError> {
        self.docs
            .get(id)
            .ok_or_else(|| not_found(&format!("document {id}")))
    }
}

/// Rejects a `document_revision_id` newer than the document (`-1` means latest).
fn check_revision(d: &Document, q: &HashMap<String, String>) -> Result<(), ApiError> {
    if let Some(r) = q.get("document_revision_id").filter(|s| !s.is_empty()) {
        let r: i64 = r
            .parse()
            .map_err(|_| invalid("document_revision_id must be a number"))?;
        if r != -1 && r > d.revision_id {
            return Err(invalid(format!(
                "document_revision_id {r} is newer than the document's revision {}",
                d.revision_id
            )));
        }
    }
    Ok(())
}

/// The `client_token` of the query, echoed back, or a fresh one when the caller gave none.
fn echo_client_token(q: &HashMap<String, String>) -> String {
    q.get("client_token")
        .cloned()
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string())
}

pub(super) fn routes() -> Router<Arc<SimState>> {
    Router::new()
        .route(
            "/open-apis/docx/v1/documents",
            post(documents::create_document),
        )
        .route(
            "/open-apis/docx/v1/documents/{document_id}",
            get(documents::get_document),
        )
        .route(
            "/open-apis/docx/v1/documents/{document_id}/raw_content",
            get(documents::raw_content),
        )
        .route(
            "/open-apis/docx/v1/documents/{document_id}/blocks",
            get(tree::list_blocks),
        )
        .route(
            "/open-apis/docx/v1/documents/{document_id}/blocks/batch_update",
            axum::routing::patch(edit::batch_update),
        )
        .route(
            "/open-apis/docx/v1/documents/{document_id}/blocks/{block_id}",
            get(tree::get_block).patch(edit::patch_block),
        )
        .route(
            "/open-apis/docx/v1/documents/{document_id}/blocks/{block_id}/children",
            post(tree::create_children).get(tree::list_children),
        )
        .route(
            "/open-apis/docx/v1/documents/{document_id}/blocks/{block_id}/children/batch_delete",
            delete(tree::batch_delete),
        )
}
