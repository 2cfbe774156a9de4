//! Documents: `createDocument`, `appendDocument` (markdown with images), `readDocument`.

use futures::TryStreamExt;
use lark::api::docx::{Block, BlockChange, DocImage, UpdateBlock, block_type as bt};
use lark::api::source::Source;
use serde::{Deserialize, Serialize};

use crate::docmd::write::{Item, parse};
use crate::error::{ToolError, ToolResult};
use crate::registry::ActionDef;
use crate::tools::Tools;
use crate::{handler, links, local, p};

/// The platform takes at most 50 children per request.
const MAX_CHILDREN: usize = 50;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateDocumentArgs {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub folder_token: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct CreatedDocument {
    pub ok: bool,
    pub document_id: String,
    pub url: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppendDocumentArgs {
    /// The document id or its link.
    #[serde(alias = "docToken", alias = "documentToken")]
    pub document_id: String,
    /// Markdown.
    #[serde(alias = "markdown", alias = "text")]
    pub content: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Appended {
    pub ok: bool,
    pub document_id: String,
    /// Top-level blocks added (images included).
    pub blocks: usize,
    pub images: usize,
    /// Images that could not be uploaded and became text links, with why.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub image_failures: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReadDocumentArgs {
    #[serde(alias = "docToken", alias = "documentToken")]
    pub document_id: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct DocumentText {
    pub ok: bool,
    pub document_id: String,
    pub title: String,
    pub markdown: String,
    /// The top-level blocks: their ids (for editDocument and deleteDocumentBlocks) and text.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blocks: Vec<BlockRef>,
}

/// A top-level block of a document as readDocument lists it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct BlockRef {
    pub block_id: String,
    pub block_type: u32,
    /// The start of its text (up to 80 characters).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
}

/// The web address people open: the tenant's domain is unknown to the API, so the product
/// domain is used (it redirects to the tenant).
pub(crate) fn web_url(tools: &Tools, kind: &str, token: &str) -> String {
    let base = tools.client.base_url();
    let host = if base.contains("larksuite") {
        "https://www.larksuite.com"
    } else {
        "https://www.feishu.cn"
    };
    format!("{host}/{kind}/{token}")
}

impl Tools {
    /// `createDocument`: an empty document; returns its id and link.
    pub async fn create_document(&self, args: CreateDocumentArgs) -> ToolResult<CreatedDocument> {
        let folder = args.folder_token.as_deref().map(links::token);
        let d = self
            .client
            .create_document(args.title.as_deref(), folder.as_deref())
            .await?;
        Ok(CreatedDocument {
            ok: true,
            url: web_url(self, "docx", &d.document_id),
            document_id: d.document_id,
        })
    }

    /// `appendDocument`: markdown at the end of a document, in as many requests as it takes.
    pub async fn append_document(&self, args: AppendDocumentArgs) -> ToolResult<Appended> {
        let doc = self.doc_token("documentId", &args.document_id).await?;
        if args.content.trim().is_empty() {
            return Err(ToolError::param(
                "content",
                "is empty; give the markdown to append",
            ));
        }
        self.write_markdown(&doc, &args.content, None).await
    }

    /// Writes `markdown` as blocks at `at` of the document's top level (the end when `None`),
    /// in order; images are uploaded into the document, failed ones become text links.
    pub(crate) async fn write_markdown(
        &self,
        doc: &str,
        markdown: &str,
        mut at: Option<usize>,
    ) -> ToolResult<Appended> {
        let items = parse(markdown);
        let mut out = Appended {
            ok: true,
            document_id: doc.to_owned(),
            blocks: items.len(),
            ..Appended::default()
        };
        let mut pending: Vec<Item> = Vec::new();
        for item in items {
            match item {
                Item::Image { alt, src } => {
                    // An image block is its own request, so what comes before goes first.
                    let before = std::mem::take(&mut pending);
                    let n = before.len();
                    self.flush(doc, doc, before, at).await?;
                    at = at.map(|i| i + n);
                    match self.image(doc, &src, at).await {
                        Ok(()) => out.images += 1,
                        Err(e) => {
                            out.image_failures.push(format!("{src}: {e}"));
                            let link = lark::api::docx::TextElement::text(if alt.is_empty() {
                                src.clone()
                            } else {
                                alt
                            })
                            .link(src);
                            self.flush(doc, doc, vec![item_of(Block::text(vec![link]))], at)
                                .await?;
                        }
                    }
                    at = at.map(|i| i + 1);
                }
                other => pending.push(other),
            }
        }
        self.flush(doc, doc, pending, at).await?;
        Ok(out)
    }

    /// Uploads one image (local path under the roots, or a URL) into a new image block.
    async fn image(&self, doc: &str, src: &str, at: Option<usize>) -> ToolResult<()> {
        let image = if src.starts_with("http://") || src.starts_with("https://") {
            let (bytes, name) = self.fetch_url(src).await?;
            let mut i = DocImage::new(Source::Bytes(bytes));
            i.file_name = Some(name);
            i
        } else {
            let path = src.strip_prefix("file://").unwrap_or(src);
            let path = local::allowed_file("content (image path)", path, &self.settings.roots)?;
            let mut i = DocImage::new(Source::Path(path.clone()));
            i.file_name = Some(local::file_name(&path));
            i
        };
        match at {
            Some(i) => self.client.insert_image_at(doc, image, i).await?,
            None => self.client.insert_image(doc, image).await?,
        };
        Ok(())
    }

    /// Creates `items` under `parent` (at `at` of its children, or at the end) in requests of at
    /// most 50 blocks and about the configured number of characters, then their nested children
    /// and table cells.
    async fn flush(
        &self,
        doc: &str,
        parent: &str,
        items: Vec<Item>,
        mut at: Option<usize>,
    ) -> ToolResult<()> {
        let budget = self.settings.doc_chunk_chars.max(1000) * 4;
        let mut batch: Vec<Item> = Vec::new();
        let mut weight = 0;
        for item in items {
            let w = item.weight();
            if !batch.is_empty() && (batch.len() == MAX_CHILDREN || weight + w > budget) {
                let n = batch.len();
                Box::pin(self.create_batch(doc, parent, std::mem::take(&mut batch), at)).await?;
                at = at.map(|i| i + n);
                weight = 0;
            }
            weight += w;
            batch.push(item);
        }
        if !batch.is_empty() {
            Box::pin(self.create_batch(doc, parent, batch, at)).await?;
        }
        Ok(())
    }

    async fn create_batch(
        &self,
        doc: &str,
        parent: &str,
        items: Vec<Item>,
        at: Option<usize>,
    ) -> ToolResult<()> {
        let blocks: Vec<Block> = items
            .iter()
            .map(|i| match i {
                Item::Block { block, .. } => (**block).clone(),
                Item::Table { rows } => {
                    let cols = rows.iter().map(Vec::len).max().unwrap_or(1).max(1);
                    let mut t = Block::table(rows.len().max(1) as u32, cols as u32);
                    if let Some(tb) = t.table.as_mut() {
                        tb.property.header_row = true;
                    }
                    t
                }
                // Images below the top level cannot be placed; they are text links.
                Item::Image { alt, src } => Block::text(vec![
                    lark::api::docx::TextElement::text(if alt.is_empty() { src } else { alt })
                        .link(src.clone()),
                ]),
            })
            .collect();
        let created = self.client.create_blocks(doc, parent, &blocks, at).await?;
        let mut cell_updates = Vec::new();
        for (item, made) in items.into_iter().zip(created.children) {
            let Some(id) = made.block_id.clone() else {
                continue;
            };
            match item {
                Item::Block { children, .. } if !children.is_empty() => {
                    self.flush(doc, &id, children, None).await?;
                }
                Item::Table { rows } => {
                    let cells = made.table.map(|t| t.cells).unwrap_or_default();
                    let cells = if cells.is_empty() {
                        made.children
                    } else {
                        cells
                    };
                    let cols = rows.iter().map(Vec::len).max().unwrap_or(1).max(1);
                    for (i, cell) in cells.iter().enumerate() {
                        let els = rows
                            .get(i / cols)
                            .and_then(|r| r.get(i % cols))
                            .cloned()
                            .unwrap_or_default();
                        if els.is_empty() {
                            continue;
                        }
                        // Each new cell holds an empty paragraph: fill it.
                        let c = self.client.get_block(doc, cell).await?;
                        if let Some(para) = c.children.first() {
                            cell_updates.push(UpdateBlock {
                                block_id: para.clone(),
                                change: BlockChange::UpdateTextElements { elements: els },
                            });
                        }
                    }
                }
                _ => {}
            }
        }
        for chunk in cell_updates.chunks(200) {
            self.client.batch_update_blocks(doc, chunk).await?;
        }
        Ok(())
    }

    /// `readDocument`: the document as markdown.
    pub async fn read_document(&self, args: ReadDocumentArgs) -> ToolResult<DocumentText> {
        let doc = self.doc_token("documentId", &args.document_id).await?;
        let info = self.client.get_document(&doc).await?;
        let blocks: Vec<Block> = self.client.list_blocks(&doc).try_collect().await?;
        let by_id: std::collections::HashMap<&str, &Block> = blocks
            .iter()
            .filter_map(|b| b.block_id.as_deref().map(|id| (id, b)))
            .collect();
        let top = by_id
            .get(doc.as_str())
            .map(|root| root.children.clone())
            .unwrap_or_default();
        let refs = top
            .iter()
            .filter_map(|id| by_id.get(id.as_str()))
            .map(|b| BlockRef {
                block_id: b.block_id.clone().unwrap_or_default(),
                block_type: b.block_type,
                text: b.plain_text().chars().take(80).collect(),
            })
            .collect();
        Ok(DocumentText {
            ok: true,
            blocks: refs,
            markdown: crate::docmd::read::render(&doc, &blocks),
            title: info.title,
            document_id: doc,
        })
    }
}

fn item_of(block: Block) -> Item {
    Item::Block {
        block: Box::new(block),
        children: Vec::new(),
    }
}

/// Keeps `bt` in use for readers of this file: tables are block type 31.
const _: u32 = bt::TABLE;

pub(crate) fn defs() -> Vec<ActionDef> {
    vec![
        ActionDef {
            name: "createDocument",
            takes_to: false,
            description: "Create a document; returns {documentId, url}. Then appendDocument, then manageDocPermission (add) for the user, then send the url.",
            example: r#"{"action": "createDocument", "title": "标题"}"#,
            params: &[
                p!("title", Str, "the document title"),
                p!("folderToken", Str, "optional drive folder token or link"),
            ],
            required: &[],
            run: handler!(create_document),
        },
        ActionDef {
            name: "appendDocument",
            takes_to: false,
            description: "Append markdown to a document: headings, lists (nested, ordered, tasks), code, quotes, tables, dividers, and images ![alt](local path or URL) uploaded into the document. Long content is split automatically.",
            example: r##"{"action": "appendDocument", "documentId": "doxcnXXX", "content": "# 第一部分\n内容..."}"##,
            params: &[
                p!("documentId", Str, "the document id or link"),
                p!("content", Str, "markdown"),
            ],
            required: &["documentId", "content"],
            run: handler!(append_document),
        },
        ActionDef {
            name: "readDocument",
            takes_to: false,
            description: "Read a document (docx or wiki link) as markdown.",
            example: r#"{"action": "readDocument", "documentId": "doxcnXXX"}"#,
            params: &[p!("documentId", Str, "the document id or link")],
            required: &["documentId"],
            run: handler!(read_document),
        },
    ]
}
