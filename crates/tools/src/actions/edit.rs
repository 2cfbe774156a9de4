//! Editing an existing document: `editDocument` (overwrite, replace_all, replace_range,
//! insert_before, insert_after, delete_range) and `deleteDocumentBlocks`.
//!
//! A selection is made of the document's top-level blocks: `find` picks the first block whose
//! text contains it; when that block is a heading, the selection is its whole section (up to
//! the next heading of the same or a higher level); `"start...end"` selects from the block
//! holding `start` through the block holding `end`. New content is markdown written as blocks,
//! exactly as `appendDocument` writes it, at the selection's place.

use std::collections::HashMap;

use futures::TryStreamExt;
use lark::api::docx::{Block, BlockChange, UpdateBlock, block_type as bt};
use serde::{Deserialize, Serialize};

use super::non_empty;
use crate::error::{ToolError, ToolResult};
use crate::registry::ActionDef;
use crate::tools::Tools;
use crate::{handler, p};

const MODES: &str =
    "overwrite, replace_all, replace_range, insert_before, insert_after, delete_range";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EditDocumentArgs {
    #[serde(alias = "docToken", alias = "documentToken")]
    pub document_id: String,
    pub mode: String,
    /// The text (or heading) selecting where to edit; `"start...end"` selects a range.
    #[serde(default, alias = "selection")]
    pub find: Option<String>,
    /// Markdown (or, for replace_all, the replacement text).
    #[serde(default, alias = "markdown", alias = "text")]
    pub content: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Edited {
    pub ok: bool,
    pub document_id: String,
    pub mode: String,
    /// Blocks changed in place (replace_all).
    pub blocks_changed: usize,
    pub blocks_inserted: usize,
    pub blocks_deleted: usize,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub image_failures: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteDocumentBlocksArgs {
    #[serde(alias = "docToken", alias = "documentToken")]
    pub document_id: String,
    pub block_ids: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct BlocksDeleted {
    pub ok: bool,
    pub document_id: String,
    pub blocks_deleted: usize,
}

/// A document's blocks by id, and the ids of its top level in order.
struct Outline {
    blocks: HashMap<String, Block>,
    top: Vec<String>,
}

impl Outline {
    /// All text of a block and of the blocks inside it (table cells).
    fn text(&self, id: &str) -> String {
        let Some(b) = self.blocks.get(id) else {
            return String::new();
        };
        let mut s = b.plain_text();
        for c in &b.children {
            s.push_str(&self.text(c));
        }
        s
    }

    fn heading_level(&self, id: &str) -> Option<u32> {
        let t = self.blocks.get(id)?.block_type;
        (bt::HEADING1..bt::HEADING1 + 9)
            .contains(&t)
            .then(|| t - bt::HEADING1 + 1)
    }

    fn find(&self, needle: &str, from: usize) -> Option<usize> {
        (from..self.top.len()).find(|&i| self.text(&self.top[i]).contains(needle))
    }

    /// The top-level range `start..end` that `find` selects.
    fn select(&self, find: &str) -> ToolResult<(usize, usize)> {
        let not_found = |what: &str| {
            ToolError::param(
                "find",
                format!(
                    "{what:?} is not in the document's text; readDocument shows its text (find matches a block's text exactly, case included)"
                ),
            )
        };
        if let Some((a, b)) = find
            .split_once("...")
            .filter(|(a, b)| !a.is_empty() && !b.is_empty())
        {
            let start = self.find(a, 0).ok_or_else(|| not_found(a))?;
            let end = self.find(b, start).ok_or_else(|| not_found(b))?;
            return Ok((start, end + 1));
        }
        let start = self.find(find, 0).ok_or_else(|| not_found(find))?;
        let Some(level) = self.heading_level(&self.top[start]) else {
            return Ok((start, start + 1));
        };
        let end = (start + 1..self.top.len())
            .find(|&i| self.heading_level(&self.top[i]).is_some_and(|l| l <= level))
            .unwrap_or(self.top.len());
        Ok((start, end))
    }
}

impl Tools {
    async fn outline(&self, doc: &str) -> ToolResult<Outline> {
        let all: Vec<Block> = self.client.list_blocks(doc).try_collect().await?;
        let mut blocks = HashMap::new();
        for b in all {
            if let Some(id) = b.block_id.clone() {
                blocks.insert(id, b);
            }
        }
        let top = blocks
            .get(doc)
            .map(|root| root.children.clone())
            .unwrap_or_default();
        Ok(Outline { blocks, top })
    }

    /// Deletes the top-level blocks `start..end`.
    async fn delete_top(&self, doc: &str, start: usize, end: usize) -> ToolResult<usize> {
        if start < end {
            self.client.delete_blocks(doc, doc, start, end).await?;
        }
        Ok(end - start)
    }

    /// `editDocument`: changes an existing document in place.
    pub async fn edit_document(&self, args: EditDocumentArgs) -> ToolResult<Edited> {
        let doc = self.doc_token("documentId", &args.document_id).await?;
        let mode = args.mode.trim();
        let find = args.find.as_deref().filter(|f| !f.is_empty());
        let content = args.content.as_deref().filter(|c| !c.trim().is_empty());
        let needs_find = !matches!(mode, "overwrite");
        let needs_content = !matches!(mode, "delete_range");
        if !MODES.split(", ").any(|m| m == mode) {
            return Err(ToolError::param(
                "mode",
                format!("{mode:?} is not a mode; use one of {MODES}"),
            ));
        }
        if needs_find && find.is_none() {
            return Err(ToolError::param(
                "find",
                format!(
                    "is required for mode {mode}: the text (or heading) that selects where to edit"
                ),
            ));
        }
        // replace_all may replace with nothing; every other writing mode needs content.
        if needs_content && mode != "replace_all" && content.is_none() {
            return Err(ToolError::param(
                "content",
                format!("is required for mode {mode}: the markdown to write"),
            ));
        }
        let outline = self.outline(&doc).await?;
        let mut out = Edited {
            ok: true,
            document_id: doc.clone(),
            mode: mode.to_owned(),
            ..Edited::default()
        };
        let find = find.unwrap_or("");
        let content = content.unwrap_or("");
        let (insert_at, delete) = match mode {
            "overwrite" => (Some(0), Some((0, outline.top.len()))),
            "replace_all" => {
                out.blocks_changed = self
                    .replace_all(&doc, &outline, find, args.content.as_deref().unwrap_or(""))
                    .await?;
                return Ok(out);
            }
            _ => {
                let (start, end) = outline.select(find)?;
                match mode {
                    "replace_range" => (Some(start), Some((start, end))),
                    "insert_before" => (Some(start), None),
                    "insert_after" => (Some(end), None),
                    _ => (None, Some((start, end))),
                }
            }
        };
        // Delete first, so the new blocks' index is the selection's start.
        if let Some((s, e)) = delete {
            out.blocks_deleted = self.delete_top(&doc, s, e).await?;
        }
        if let (Some(at), true) = (insert_at, needs_content) {
            let w = self.write_markdown(&doc, content, Some(at)).await?;
            out.blocks_inserted = w.blocks;
            out.image_failures = w.image_failures;
        }
        Ok(out)
    }

    /// Replaces every occurrence of `find` in the text blocks; returns how many blocks changed.
    async fn replace_all(
        &self,
        doc: &str,
        o: &Outline,
        find: &str,
        with: &str,
    ) -> ToolResult<usize> {
        let mut updates = Vec::new();
        let mut ids: Vec<&String> = o.blocks.keys().filter(|id| id.as_str() != doc).collect();
        ids.sort();
        for id in ids {
            let b = &o.blocks[id];
            let Some(t) = b.text_block() else { continue };
            if !b.plain_text().contains(find) {
                continue;
            }
            let mut elements = t.elements.clone();
            let in_runs = elements.iter().any(|e| {
                e.text_run
                    .as_ref()
                    .is_some_and(|r| r.content.contains(find))
            });
            if in_runs {
                for e in &mut elements {
                    if let Some(r) = e.text_run.as_mut() {
                        r.content = r.content.replace(find, with);
                    }
                }
            } else {
                // The text spans styled runs: the block's text is replaced as one plain run.
                elements = vec![lark::api::docx::TextElement::text(
                    b.plain_text().replace(find, with),
                )];
            }
            updates.push(UpdateBlock {
                block_id: id.clone(),
                change: BlockChange::UpdateTextElements { elements },
            });
        }
        if updates.is_empty() {
            return Err(ToolError::param(
                "find",
                format!("{find:?} is not in the document's text; readDocument shows its text"),
            ));
        }
        for chunk in updates.chunks(200) {
            self.client.batch_update_blocks(doc, chunk).await?;
        }
        Ok(updates.len())
    }

    /// `deleteDocumentBlocks`: deletes blocks by id (from readDocument's `blocks`).
    pub async fn delete_document_blocks(
        &self,
        args: DeleteDocumentBlocksArgs,
    ) -> ToolResult<BlocksDeleted> {
        let doc = self.doc_token("documentId", &args.document_id).await?;
        if args.block_ids.is_empty() {
            return Err(ToolError::param(
                "blockIds",
                "is empty; give the blockId of each block to delete (readDocument lists them)",
            ));
        }
        let o = self.outline(&doc).await?;
        // (parent, index) of each block, deepest-last index first so earlier indices stay valid.
        let mut places = Vec::new();
        let mut unknown = Vec::new();
        for raw in &args.block_ids {
            let id = non_empty("blockIds", raw)?;
            if id == doc {
                return Err(ToolError::param(
                    "blockIds",
                    "the page block (the document itself) cannot be deleted",
                ));
            }
            let found = o.blocks.get(id).and_then(|b| {
                let parent = b.parent_id.clone()?;
                let i = o
                    .blocks
                    .get(&parent)?
                    .children
                    .iter()
                    .position(|c| c == id)?;
                Some((parent, i))
            });
            match found {
                Some(p) => places.push(p),
                None => unknown.push(id.to_owned()),
            }
        }
        if !unknown.is_empty() {
            return Err(ToolError::param(
                "blockIds",
                format!(
                    "no block {} in document {doc}; readDocument lists the blocks with their blockId",
                    unknown.join(", ")
                ),
            ));
        }
        places.sort();
        places.dedup();
        for (parent, i) in places.iter().rev() {
            self.client.delete_blocks(&doc, parent, *i, i + 1).await?;
        }
        Ok(BlocksDeleted {
            ok: true,
            document_id: doc,
            blocks_deleted: places.len(),
        })
    }
}

pub(crate) fn defs() -> Vec<ActionDef> {
    vec![
        ActionDef {
            name: "editDocument",
            takes_to: false,
            description: "Edit an existing document. mode: overwrite (replace everything with content), replace_all (replace every occurrence of the text find with content), replace_range (replace the block holding find — or the whole section when find is a heading, or \"start...end\" — with content), insert_before / insert_after (content before / after that selection), delete_range (delete it). content is markdown (tables, code, images) as in appendDocument. Returns {blocksChanged, blocksInserted, blocksDeleted}.",
            example: r###"{"action": "editDocument", "documentId": "doxcnXXX", "mode": "replace_range", "find": "第二部分", "content": "## 第二部分\n新内容"}"###,
            params: &[
                p!("documentId", Str, "the document id or link (docx or wiki)"),
                p!(
                    "mode",
                    Str,
                    "overwrite | replace_all | replace_range | insert_before | insert_after | delete_range"
                ),
                p!(
                    "find",
                    Str,
                    "the text or heading selecting where to edit; \"start...end\" for a range"
                ),
                p!(
                    "content",
                    Str,
                    "markdown to write (replacement text for replace_all)"
                ),
            ],
            required: &["documentId", "mode"],
            run: handler!(edit_document),
        },
        ActionDef {
            name: "deleteDocumentBlocks",
            takes_to: false,
            description: "Delete blocks of a document by their blockId (readDocument lists the top-level blocks with their ids).",
            example: r#"{"action": "deleteDocumentBlocks", "documentId": "doxcnXXX", "blockIds": ["doxcnBlock1"]}"#,
            params: &[
                p!("documentId", Str, "the document id or link"),
                p!("blockIds", StrArray, "the ids of the blocks to delete"),
            ],
            required: &["documentId", "blockIds"],
            run: handler!(delete_document_blocks),
        },
    ]
}
