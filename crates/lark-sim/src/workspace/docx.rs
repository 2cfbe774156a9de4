//! Docx (`docx/v1`): documents as a tree of blocks rooted at the page block, whose id is the
//! document id. Creating children, replacing an image or file with uploaded media, editing
//! text and deleting ranges of children each bump the document revision. The block catalogue
//! and input checks are in [`super::docx_blocks`].

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, RawQuery};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{delete, get, post};
use bytes::Bytes;
use serde::Deserialize;
use serde_json::{Value, json};

use super::Workspace;
use super::docx_blocks::{self as blocks, NewBlock};
use super::drive::Media;
use super::util::{WEB_HOST, bad, json_body, now_ms, page_size, paginate, query_map, token, ws};
use crate::auth::Tenant;
use crate::error::{ApiError, ok};
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
    fn new(title: String, folder_token: String) -> Self {
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

    /// Applies one `batch_update` request to this document.
    fn apply(
        &mut self,
        medias: &BTreeMap<String, Media>,
        i: usize,
        req: &Value,
    ) -> Result<String, ApiError> {
        let id = req
            .get("block_id")
            .and_then(Value::as_str)
            .ok_or_else(|| invalid(format!("requests[{i}].block_id is required")))?;
        let block = self
            .blocks
            .get_mut(id)
            .ok_or_else(|| not_found(&format!("block {id}")))?;
        if let Some(r) = req.get("replace_image").or_else(|| req.get("replace_file")) {
            let image = req.get("replace_image").is_some();
            let (want_type, want_parent, key) = if image {
                (blocks::IMAGE, "docx_image", "image")
            } else {
                (blocks::FILE, "docx_file", "file")
            };
            if block.block_type != want_type {
                return Err(invalid(format!(
                    "requests[{i}]: replace_{key} needs a {key} block (block_type {want_type}), block {id} has block_type {}",
                    block.block_type
                )));
            }
            let tok = r
                .get("token")
                .and_then(Value::as_str)
                .filter(|t| !t.is_empty())
                .ok_or_else(|| invalid(format!("requests[{i}].replace_{key}.token is required")))?;
            let media = medias.get(tok).ok_or_else(|| {
                bad(
                    RELATION_MISMATCH,
                    format!("relation mismatch: media {tok} was not uploaded to this tenant"),
                )
            })?;
            if media.parent_type != want_parent || media.parent_node != id {
                return Err(bad(
                    RELATION_MISMATCH,
                    format!(
                        "relation mismatch: media {tok} was uploaded with parent_type={} parent_node={}, expected {want_parent} and block {id}",
                        media.parent_type, media.parent_node
                    ),
                ));
            }
            block.body["token"] = json!(tok);
            if image {
                for k in ["width", "height", "align", "caption"] {
                    if let Some(v) = r.get(k) {
                        block.body[k] = v.clone();
                    }
                }
                if let Some((w, h)) = media.dimensions
                    && block.body.get("width").is_none()
                {
                    block.body["width"] = json!(w);
                    block.body["height"] = json!(h);
                }
            } else {
                block.body["name"] = json!(media.name);
            }
            return Ok(id.to_owned());
        }
        let text_update = req
            .get("update_text_elements")
            .or_else(|| req.get("update_text"));
        if let Some(u) = text_update {
            if !blocks::is_text(block.block_type) {
                return Err(invalid(format!("requests[{i}]: block {id} holds no text")));
            }
            let elements = u
                .get("elements")
                .ok_or_else(|| invalid(format!("requests[{i}]: elements are required")))?;
            let probe = json!({ "block_type": 2, "text": { "elements": elements } });
            blocks::check(i, &probe).map_err(invalid)?;
            block.body["elements"] = elements.clone();
            if let Some(style) = u.get("style") {
                block.body["style"] = style.clone();
            }
            if block.block_type == blocks::PAGE {
                self.title = blocks::plain_text(&self.blocks[id].body);
            }
            return Ok(id.to_owned());
        }
        if let Some(u) = req.get("update_text_style") {
            if !blocks::is_text(block.block_type) {
                return Err(invalid(format!("requests[{i}]: block {id} holds no text")));
            }
            if let Some(style) = u.get("style").and_then(Value::as_object) {
                for (k, v) in style {
                    block.body["style"][k] = v.clone();
                }
            }
            return Ok(id.to_owned());
        }
        Err(invalid(format!(
            "requests[{i}] needs one of replace_image, replace_file, update_text_elements, update_text_style"
        )))
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

fn doc_json(d: &Document) -> Value {
    json!({ "document_id": d.document_id, "revision_id": d.revision_id, "title": d.title })
}

#[derive(Deserialize)]
struct CreateDoc {
    folder_token: Option<String>,
    title: Option<String>,
}

/// `POST /docx/v1/documents`
async fn create_document(Tenant(app): Tenant, body: Bytes) -> Result<Response, ApiError> {
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
async fn get_document(Tenant(app): Tenant, Path(id): Path<String>) -> Result<Response, ApiError> {
    let w = ws(&app);
    Ok(ok(json!({ "document": doc_json(w.doc(&id)?) })))
}

/// `GET /docx/v1/documents/{document_id}/raw_content`
async fn raw_content(Tenant(app): Tenant, Path(id): Path<String>) -> Result<Response, ApiError> {
    let w = ws(&app);
    Ok(ok(json!({ "content": w.doc(&id)?.raw_content() })))
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
async fn list_blocks(
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
async fn get_block(
    Tenant(app): Tenant,
    Path((id, block_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let w = ws(&app);
    let b = w
        .doc(&id)?
        .blocks
        .get(&block_id)
        .ok_or_else(|| not_found(&format!("block {block_id}")))?;
    Ok(ok(json!({ "block": b.to_json() })))
}

/// `GET /docx/v1/documents/{document_id}/blocks/{block_id}/children`
async fn list_children(
    Tenant(app): Tenant,
    Path((id, block_id)): Path<(String, String)>,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let q = query_map(q);
    let w = ws(&app);
    let d = w.doc(&id)?;
    let b = d
        .blocks
        .get(&block_id)
        .ok_or_else(|| not_found(&format!("block {block_id}")))?;
    page_of(&b.children, d, &q)
}

#[derive(Deserialize)]
struct CreateChildren {
    children: Option<Vec<Value>>,
    index: Option<i64>,
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

/// `POST /docx/v1/documents/{document_id}/blocks/{block_id}/children`
async fn create_children(
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
    let p = d
        .blocks
        .get(&parent)
        .ok_or_else(|| not_found(&format!("block {parent}")))?;
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
async fn batch_delete(
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
    let p = d
        .blocks
        .get(&parent)
        .ok_or_else(|| not_found(&format!("block {parent}")))?;
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
        "client_token": q.get("client_token").cloned().unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
    })))
}

#[derive(Deserialize)]
struct BatchUpdate {
    requests: Option<Vec<Value>>,
}

/// Applies `requests` all or none, returning the updated blocks and the new revision.
fn update_blocks(
    w: &mut Workspace,
    id: &str,
    requests: &[Value],
) -> Result<(Vec<Value>, i64), ApiError> {
    let Workspace { docs, medias, .. } = w;
    let d = docs
        .get_mut(id)
        .ok_or_else(|| not_found(&format!("document {id}")))?;
    let mut draft = d.clone();
    let mut touched = Vec::new();
    for (i, r) in requests.iter().enumerate() {
        touched.push(draft.apply(medias, i, r)?);
    }
    let rev = draft.touch();
    *d = draft;
    let out = touched
        .iter()
        .filter_map(|b| d.blocks.get(b).map(Block::to_json))
        .collect();
    Ok((out, rev))
}

/// `PATCH /docx/v1/documents/{document_id}/blocks/batch_update`
async fn batch_update(
    Tenant(app): Tenant,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    let q = query_map(q);
    let b: BatchUpdate = json_body(&body, invalid)?;
    let requests = b.requests.unwrap_or_default();
    if requests.is_empty() {
        return Err(invalid("requests must hold at least one update"));
    }
    let mut w = ws(&app);
    check_revision(w.doc(&id)?, &q)?;
    let (blocks, rev) = update_blocks(&mut w, &id, &requests)?;
    Ok(ok(json!({
        "blocks": blocks,
        "document_revision_id": rev,
        "client_token": q.get("client_token").cloned().unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
    })))
}

/// `PATCH /docx/v1/documents/{document_id}/blocks/{block_id}`: one update request.
async fn patch_block(
    Tenant(app): Tenant,
    Path((id, block_id)): Path<(String, String)>,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    let q = query_map(q);
    let mut req: Value = json_body(&body, invalid)?;
    if !req.is_object() {
        return Err(invalid("body must be an update request object"));
    }
    req["block_id"] = json!(block_id);
    let mut w = ws(&app);
    check_revision(w.doc(&id)?, &q)?;
    let (blocks, rev) = update_blocks(&mut w, &id, &[req])?;
    Ok(ok(json!({
        "block": blocks.into_iter().next().unwrap_or(Value::Null),
        "document_revision_id": rev,
        "client_token": q.get("client_token").cloned().unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
    })))
}

pub(super) fn routes() -> Router<Arc<SimState>> {
    Router::new()
        .route("/open-apis/docx/v1/documents", post(create_document))
        .route(
            "/open-apis/docx/v1/documents/{document_id}",
            get(get_document),
        )
        .route(
            "/open-apis/docx/v1/documents/{document_id}/raw_content",
            get(raw_content),
        )
        .route(
            "/open-apis/docx/v1/documents/{document_id}/blocks",
            get(list_blocks),
        )
        .route(
            "/open-apis/docx/v1/documents/{document_id}/blocks/batch_update",
            axum::routing::patch(batch_update),
        )
        .route(
            "/open-apis/docx/v1/documents/{document_id}/blocks/{block_id}",
            get(get_block).patch(patch_block),
        )
        .route(
            "/open-apis/docx/v1/documents/{document_id}/blocks/{block_id}/children",
            post(create_children).get(list_children),
        )
        .route(
            "/open-apis/docx/v1/documents/{document_id}/blocks/{block_id}/children/batch_delete",
            delete(batch_delete),
        )
}
