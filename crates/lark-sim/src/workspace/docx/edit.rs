//! Editing blocks in place (`batch_update` and the one-request `PATCH` of a block): point an
//! image or file block at uploaded media, replace a text block's elements, merge its style.
//! The requests of a batch are applied to a draft and kept only when all succeed.

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Path, RawQuery};
use axum::response::Response;
use bytes::Bytes;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{
    Block, Document, RELATION_MISMATCH, blocks, check_revision, echo_client_token, invalid,
    not_found,
};
use crate::auth::Tenant;
use crate::error::{ApiError, ok};
use crate::workspace::Workspace;
use crate::workspace::drive::Media;
use crate::workspace::util::{bad, json_body, query_map, ws};

impl Document {
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

#[derive(Deserialize)]
struct BatchUpdate {
    requests: Option<Vec<Value>>,
}

/// Applies `requests` all or none, returning the updated blocks and the new revision. A
/// `document_revision_id` in `q` newer than the document is rejected first.
fn update_blocks(
    w: &mut Workspace,
    id: &str,
    q: &HashMap<String, String>,
    requests: &[Value],
) -> Result<(Vec<Value>, i64), ApiError> {
    check_revision(w.doc(id)?, q)?;
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
pub(super) async fn batch_update(
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
    let (blocks, rev) = update_blocks(&mut w, &id, &q, &requests)?;
    Ok(ok(json!({
        "blocks": blocks,
        "document_revision_id": rev,
        "client_token": echo_client_token(&q),
    })))
}

/// `PATCH /docx/v1/documents/{document_id}/blocks/{block_id}`: one update request.
pub(super) async fn patch_block(
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
    let (blocks, rev) = update_blocks(&mut w, &id, &q, &[req])?;
    Ok(ok(json!({
        "block": blocks.into_iter().next().unwrap_or(Value::Null),
        "document_revision_id": rev,
        "client_token": echo_client_token(&q),
    })))
}
