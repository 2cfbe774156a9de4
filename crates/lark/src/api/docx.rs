//! Docx documents: create, read, and edit their blocks (PROTOCOL §5.3).
//!
//! Block edits carry a `client_token` made once per call, so a retried request applies once.

mod blocks;
mod insert;

use futures::Stream;
use serde::{Deserialize, Serialize};

pub use blocks::*;
pub use insert::{DocFile, DocImage};

use crate::api::page::{Page, paginate};
use crate::error::{Error, Result};
use crate::http::{Client, Req};
use crate::routes::Route;

/// A document's identity.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Default)]
#[serde(default)]
pub struct Document {
    pub document_id: String,
    pub revision_id: i64,
    pub title: String,
}

#[derive(Deserialize)]
struct DocAnswer {
    document: Document,
}

/// The blocks a `children` call created, with the document's new revision.
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(default)]
pub struct CreatedBlocks {
    #[serde(deserialize_with = "crate::api::de::null_as_default")]
    pub children: Vec<Block>,
    pub document_revision_id: i64,
    pub client_token: String,
}

/// One change of a `batch_update`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UpdateBlock {
    pub block_id: String,
    #[serde(flatten)]
    pub change: BlockChange,
}

/// What a `batch_update` changes in a block.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockChange {
    /// Sets an image block's uploaded image (`token` from a `docx_image` media upload).
    ReplaceImage(ImageBlock),
    /// Sets a file block's uploaded file.
    ReplaceFile { token: String },
    /// Replaces a text block's elements.
    UpdateTextElements { elements: Vec<TextElement> },
}

#[derive(Deserialize)]
struct Raw {
    #[serde(default)]
    content: String,
}

#[derive(Deserialize)]
struct OneBlock {
    block: Block,
}

pub(crate) fn client_token() -> String {
    format!("{:032x}", rand::random::<u128>())
}

impl Client {
    /// Creates a document, in `folder_token` or the app's own space.
    pub async fn create_document(
        &self,
        title: Option<&str>,
        folder_token: Option<&str>,
    ) -> Result<Document> {
        let mut body = serde_json::Map::new();
        if let Some(t) = title {
            body.insert("title".into(), t.into());
        }
        if let Some(f) = folder_token {
            body.insert("folder_token".into(), f.into());
        }
        // Each call makes a new document; a lost answer must not make two.
        let req = Req::route(Route::DocumentCreate)
            .json(&body)
            .not_retry_safe();
        let a: DocAnswer = self.call(req).await?;
        Ok(a.document)
    }

    pub async fn get_document(&self, document_id: &str) -> Result<Document> {
        let req = Req::route(Route::DocumentGet {
            document_id: document_id.to_owned(),
        });
        let a: DocAnswer = self.call(req).await?;
        Ok(a.document)
    }

    /// The document as plain text.
    pub async fn document_raw_content(&self, document_id: &str) -> Result<String> {
        let req = Req::route(Route::DocumentRawContent {
            document_id: document_id.to_owned(),
        });
        let r: Raw = self.call(req).await?;
        Ok(r.content)
    }

    pub async fn list_blocks_page(
        &self,
        document_id: &str,
        page_token: Option<&str>,
    ) -> Result<Page<Block>> {
        let req = Req::route(Route::BlockList {
            document_id: document_id.to_owned(),
        })
        .query("page_size", 500)
        .query_opt("page_token", page_token.filter(|t| !t.is_empty()));
        self.call(req).await
    }

    /// Every block of a document, the page block first.
    pub fn list_blocks(&self, document_id: &str) -> impl Stream<Item = Result<Block>> + Send {
        let (client, doc) = (self.clone(), document_id.to_owned());
        paginate(move |token| {
            let (client, doc) = (client.clone(), doc.clone());
            async move { client.list_blocks_page(&doc, token.as_deref()).await }
        })
    }

    pub async fn get_block(&self, document_id: &str, block_id: &str) -> Result<Block> {
        let req = Req::route(Route::BlockGet {
            document_id: document_id.to_owned(),
            block_id: block_id.to_owned(),
        });
        let a: OneBlock = self.call(req).await?;
        Ok(a.block)
    }

    /// Adds `children` under `parent_block_id` (the document id for the top level), at `index`
    /// or at the end.
    pub async fn create_blocks(
        &self,
        document_id: &str,
        parent_block_id: &str,
        children: &[Block],
        index: Option<usize>,
    ) -> Result<CreatedBlocks> {
        if children.is_empty() {
            return Err(Error::InvalidArgument("no blocks to add".into()));
        }
        let mut body = serde_json::json!({ "children": children });
        if let Some(i) = index {
            body["index"] = i.into();
        }
        let req = Req::route(Route::BlockChildrenCreate {
            document_id: document_id.to_owned(),
            block_id: parent_block_id.to_owned(),
        })
        .query("document_revision_id", -1)
        .query("client_token", client_token())
        .json(&body);
        self.call(req).await
    }

    /// Applies several block changes; returns the changed blocks.
    pub async fn batch_update_blocks(
        &self,
        document_id: &str,
        requests: &[UpdateBlock],
    ) -> Result<Vec<Block>> {
        #[derive(Deserialize)]
        struct Updated {
            #[serde(default, deserialize_with = "crate::api::de::null_as_default")]
            blocks: Vec<Block>,
        }
        let req = Req::route(Route::BlockBatchUpdate {
            document_id: document_id.to_owned(),
        })
        .query("document_revision_id", -1)
        .query("client_token", client_token())
        .json(&serde_json::json!({ "requests": requests }));
        let u: Updated = self.call(req).await?;
        Ok(u.blocks)
    }

    /// Deletes the children `start..end` of a block.
    pub async fn delete_blocks(
        &self,
        document_id: &str,
        parent_block_id: &str,
        start: usize,
        end: usize,
    ) -> Result<()> {
        if start >= end {
            return Err(Error::InvalidArgument(format!(
                "empty range {start}..{end} of blocks to delete"
            )));
        }
        let req = Req::route(Route::BlockChildrenBatchDelete {
            document_id: document_id.to_owned(),
            block_id: parent_block_id.to_owned(),
        })
        .query("document_revision_id", -1)
        .query("client_token", client_token())
        .json(&serde_json::json!({ "start_index": start, "end_index": end }));
        let _: serde::de::IgnoredAny = self.call(req).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn update_requests_shape() {
        let reqs = [
            UpdateBlock {
                block_id: "b1".into(),
                change: BlockChange::ReplaceImage(ImageBlock {
                    token: Some("box".into()),
                    width: Some(100),
                    ..ImageBlock::default()
                }),
            },
            UpdateBlock {
                block_id: "b2".into(),
                change: BlockChange::ReplaceFile { token: "f".into() },
            },
            UpdateBlock {
                block_id: "b3".into(),
                change: BlockChange::UpdateTextElements {
                    elements: vec![TextElement::text("x")],
                },
            },
        ];
        assert_eq!(
            serde_json::to_string(&reqs).unwrap(),
            concat!(
                r#"[{"block_id":"b1","replace_image":{"token":"box","width":100}},"#,
                r#"{"block_id":"b2","replace_file":{"token":"f"}},"#,
                r#"{"block_id":"b3","update_text_elements":{"elements":[{"text_run":{"content":"x"}}]}}]"#
            )
        );
    }
}
