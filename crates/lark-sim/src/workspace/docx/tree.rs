//! The block tree: list a document's blocks or a block's children, get one block, insert
//! checked children at an index (with the children the platform adds by itself, and replies
//! replayed per `client_token`), and delete a range of children with their subtrees.

use std::collections::HashMap;

use axum::extract::{Path, RawQuery};
use axum::response::Response;
use bytes::Bytes;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{
    Block, Document, MAX_CHILDREN, PARENT_CHILD_MISMATCH, blocks, check_revision,
    echo_client_token, invalid,
};
use crate::auth::Tenant;
use crate::error::{ApiError, ok};
use crate::workspace::docx_blocks::NewBlock;
use crate::workspace::util::{bad, json_body, page_size, paginate, query_map, token, ws};

impl Document {
    fn new_block(&mut self, parent: &str, block_type: u32, body: Value) -> String {
        let id = token("doxcn", 22);
        self.blocks.insert(
            id.clone(),
            Block {
                block_id: id.clone(),
                parent_id: parent.to_owned(),
                block_type,
                children: Vec::new(),
                body,
            },
        );
        id
    }

    /// Creates a checked block under `parent`, with the children the platform adds by itself:
    /// table cells each holding an empty paragraph, the paragraph inside a callout or quote
    /// container, and the view wrapping a file block. Returns the new top-level block id.
    fn create(&mut self, parent: &str, nb: NewBlock) -> String {
        match nb.block_type {
            blocks::FILE => {
                let view = self.new_block(parent, blocks::VIEW, json!({ "view_type": 1 }));
                let file = self.new_block(&view, blocks::FILE, nb.body);
                self.push_child(&view, file);
                view
            }
            blocks::TABLE => {
                let (rows, cols) = nb.table.unwrap_or((1, 1));
                let mut body = nb.body;
                let prop = &mut body["property"];
                if prop.get("column_width").is_none() {
                    prop["column_width"] = json!(vec![100; cols]);
                }
                let table = self.new_block(parent, blocks::TABLE, body);
                for _ in 0..rows * cols {
                    let cell = self.new_block(&table, blocks::TABLE_CELL, json!({}));
                    let para = self.new_block(&cell, blocks::TEXT, blocks::text_body(""));
                    self.push_child(&cell, para);
                    self.push_child(&table, cell);
                }
                table
            }
            blocks::CALLOUT | blocks::QUOTE_CONTAINER => {
                let id = self.new_block(parent, nb.block_type, nb.body);
                let para = self.new_block(&id, blocks::TEXT, blocks::text_body(""));
                self.push_child(&id, para);
                id
            }
            bt => self.new_block(parent, bt, nb.body),
        }
    }

    fn push_child(&mut self, parent: &str, child: String) {
        if let Some(p) = self.blocks.get_mut(parent) {
            p.children.push(child);
        }
    }

    fn remove_subtree(&mut self, id: &str) {
        if let Some(b) = self.blocks.remove(id) {
            for c in b.children {
                self.remove_subtree(&c);
            }
        }
    }
}

fn page_of(
    ids: &[String],
    d: &Document,
    q: &HashMap<String, String>,
) -> Result<Response, ApiError> {
    let size = page_size(q, 500, 500).map_err(invalid)?;
    let page = paginate(ids, size, q.get("page_token").map(String::as_str))
        .ok_or_else(|| invalid("page_token is not valid"))?;
    let items: Vec<Value> = page
        .items
        .iter()
        .filter_map(|id| d.blocks.get(id).map(Block::to_json))
        .collect();
    let mut data = json!({ "items": items, "has_more": page.has_more });
    if let Some(t) = page.page_token {
        data["page_token"] = json!(t);
    }
    Ok(ok(data))
}

/// `GET /docx/v1/documents/{document_id}/blocks`
pub(super) async fn list_blocks(
    Tenant(app): Tenant,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let q = query_map(q);
    let w = ws(&app);
    let d = w.doc(&id)?;
    page_of(&d.ordered_ids(), d, &q)
}

/// `GET /docx/v1/documents/{document_id}/blocks/{block_id}`
pub(super) async fn get_block(
    Tenant(app): Tenant,
    Path((id, block_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let w = ws(&app);
    let b = w.doc(&id)?.block(&block_id)?;
    Ok(ok(json!({ "block": b.to_json() })))
}

/// `GET /docx/v1/documents/{document_id}/blocks/{block_id}/children`
pub(super) async fn list_children(
    Tenant(app): Tenant,
    Path((id, block_id)): Path<(String, String)>,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let q = query_map(q);
    let w = ws(&app);
    let d = w.doc(&id)?;
    let b = d.block(&block_id)?;
    page_of(&b.children, d, &q)
}

#[derive(Deserialize)]
struct CreateChildren {
    children: Option<Vec<Value>>,
    index: Option<i64>,
}

/// `POST /docx/v1/documents/{document_id}/blocks/{block_id}/children`
pub(super) async fn create_children(
    Tenant(app): Tenant,
    Path((id, parent)): Path<(String, String)>,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    let q = query_map(q);
    let b: CreateChildren = json_body(&body, invalid)?;
    let children = b.children.unwrap_or_default();
    if children.is_empty() {
        return Err(invalid("children must hold at least one block"));
    }
    if children.len() > MAX_CHILDREN {
        return Err(invalid(format!(
            "at most {MAX_CHILDREN} children per request, got {}",
            children.len()
        )));
    }
    let checked = children
        .iter()
        .enumerate()
        .map(|(i, c)| blocks::check(i, c))
        .collect::<Result<Vec<_>, _>>()
        .map_err(invalid)?;
    let client_token = q.get("client_token").cloned().filter(|t| !t.is_empty());
    let mut w = ws(&app);
    let d = w.doc_mut(&id)?;
    if let Some(prev) = client_token.as_ref().and_then(|t| d.client_tokens.get(t)) {
        return Ok(ok(prev.clone()));
    }
    check_revision(d, &q)?;
    let p = d.block(&parent)?;
    if !blocks::accepts_children(p.block_type) {
        return Err(bad(
            PARENT_CHILD_MISMATCH,
            format!(
                "parent children relation mismatch: block {parent} (block_type {}) cannot have children",
                p.block_type
            ),
        ));
    }
    let len = p.children.len() as i64;
    let at = match b.index {
        None | Some(-1) => len,
        Some(i) if (0..=len).contains(&i) => i,
        Some(i) => return Err(invalid(format!("index {i} is out of range 0..={len}"))),
    } as usize;
    let mut new_ids = Vec::new();
    for nb in checked {
        new_ids.push(d.create(&parent, nb));
    }
    if let Some(p) = d.blocks.get_mut(&parent) {
        p.children.splice(at..at, new_ids.iter().cloned());
    }
    let rev = d.touch();
    let created: Vec<Value> = new_ids
        .iter()
        .filter_map(|i| d.blocks.get(i).map(Block::to_json))
        .collect();
    let out = json!({
        "children": created,
        "document_revision_id": rev,
        "client_token": client_token.clone().unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
    });
    if let Some(t) = client_token {
        d.client_tokens.insert(t, out.clone());
    }
    Ok(ok(out))
}

#[derive(Deserialize)]
struct BatchDelete {
    start_index: Option<i64>,
    end_index: Option<i64>,
}

/// `DELETE /docx/v1/documents/{document_id}/blocks/{block_id}/children/batch_delete`
pub(super) async fn batch_delete(
    Tenant(app): Tenant,
    Path((id, parent)): Path<(String, String)>,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    let q = query_map(q);
    let b: BatchDelete = json_body(&body, invalid)?;
    let (Some(start), Some(end)) = (b.start_index, b.end_index) else {
        return Err(invalid("start_index and end_index are required"));
    };
    let mut w = ws(&app);
    let d = w.doc_mut(&id)?;
    check_revision(d, &q)?;
    let p = d.block(&parent)?;
    if p.block_type == blocks::TABLE {
        return Err(invalid("table cells cannot be deleted with batch_delete"));
    }
    let len = p.children.len() as i64;
    if start < 0 || end <= start || end > len {
        return Err(invalid(format!(
            "need 0 <= start_index < end_index <= {len}, got {start}..{end}"
        )));
    }
    let removed: Vec<String> = d
        .blocks
        .get_mut(&parent)
        .map(|p| p.children.drain(start as usize..end as usize).collect())
        .unwrap_or_default();
    for r in removed {
        d.remove_subtree(&r);
    }
    let rev = d.touch();
    Ok(ok(json!({
        "document_revision_id": rev,
        "client_token": echo_client_token(&q),
    })))
}
