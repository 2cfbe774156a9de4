//! Putting an image or a file into a document, the way the platform requires (PROTOCOL §5.3,
//! CLI `doc_media_insert.go`): create an empty block at the end, upload the bytes as media of
//! that block, then point the block at the upload.

use std::path::PathBuf;

use super::{Block, BlockChange, ImageBlock, UpdateBlock, block_type};
use crate::api::drive::DriveUpload;
use crate::api::source::Source;
use crate::error::{Error, Result};
use crate::http::Client;

/// The image to put in a document.
#[derive(Debug, Clone)]
pub struct DocImage {
    pub source: Source,
    pub file_name: Option<String>,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

impl DocImage {
    pub fn new(source: impl Into<Source>) -> DocImage {
        DocImage {
            source: source.into(),
            file_name: None,
            width: None,
            height: None,
        }
    }

    pub fn size(mut self, width: u32, height: u32) -> Self {
        self.width = Some(width);
        self.height = Some(height);
        self
    }
}

impl From<PathBuf> for DocImage {
    fn from(p: PathBuf) -> Self {
        DocImage::new(p)
    }
}

/// The file to attach to a document.
#[derive(Debug, Clone)]
pub struct DocFile {
    pub source: Source,
    /// Shown in the document; defaults to the path's file name.
    pub file_name: Option<String>,
}

impl DocFile {
    pub fn new(source: impl Into<Source>) -> DocFile {
        DocFile {
            source: source.into(),
            file_name: None,
        }
    }

    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }
}

fn no_block(what: &str) -> Error {
    Error::Decode {
        status: 200,
        path: "blocks/children".into(),
        snippet: format!("no block_id for the new {what} block"),
    }
}

impl Client {
    /// Appends an empty `block` at the end of the document; returns the created block.
    async fn append_empty(&self, document_id: &str, block: Block) -> Result<Block> {
        let root = self.get_block(document_id, document_id).await?;
        self.insert_empty(document_id, block, root.children.len())
            .await
    }

    /// Inserts an empty `block` at `index` of the document's top level.
    async fn insert_empty(&self, document_id: &str, block: Block, index: usize) -> Result<Block> {
        let created = self
            .create_blocks(document_id, document_id, &[block], Some(index))
            .await?;
        created
            .children
            .into_iter()
            .next()
            .ok_or_else(|| no_block("empty"))
    }

    /// Appends an image to the end of a document; returns the image block's id.
    pub async fn insert_image(&self, document_id: &str, image: DocImage) -> Result<String> {
        let block = self.append_empty(document_id, Block::image()).await?;
        self.fill_image(document_id, block, image).await
    }

    /// Inserts an image at `index` of the document's top level; returns the image block's id.
    pub async fn insert_image_at(
        &self,
        document_id: &str,
        image: DocImage,
        index: usize,
    ) -> Result<String> {
        let block = self
            .insert_empty(document_id, Block::image(), index)
            .await?;
        self.fill_image(document_id, block, image).await
    }

    /// Uploads the image into the new empty image `block` and points the block at it.
    async fn fill_image(&self, document_id: &str, block: Block, image: DocImage) -> Result<String> {
        let block_id = block.block_id.ok_or_else(|| no_block("image"))?;
        let mut upload = DriveUpload::media(image.source, "docx_image", &block_id)
            .extra(serde_json::json!({ "drive_route_token": document_id }).to_string());
        upload.file_name = image.file_name;
        let token = self.drive_upload(&upload).await?;
        let change = UpdateBlock {
            block_id: block_id.clone(),
            change: BlockChange::ReplaceImage(ImageBlock {
                token: Some(token),
                width: image.width,
                height: image.height,
                align: None,
            }),
        };
        self.batch_update_blocks(document_id, &[change]).await?;
        Ok(block_id)
    }

    /// Attaches a file at the end of a document; returns the file block's id.
    ///
    /// The platform wraps a new file block in a view block (type 33); the upload belongs to the
    /// file block inside it, so that is the one looked up.
    pub async fn insert_file(&self, document_id: &str, file: DocFile) -> Result<String> {
        let block = self.append_empty(document_id, Block::file()).await?;
        let block_id = if block.block_type == block_type::FILE {
            block.block_id
        } else {
            block.children.first().cloned()
        }
        .ok_or_else(|| no_block("file"))?;
        let name = file
            .file_name
            .clone()
            .unwrap_or_else(|| file.source.file_name("file"));
        let upload = DriveUpload::media(file.source, "docx_file", &block_id)
            .file_name(name)
            .extra(serde_json::json!({ "drive_route_token": document_id }).to_string());
        let token = self.drive_upload(&upload).await?;
        let change = UpdateBlock {
            block_id: block_id.clone(),
            change: BlockChange::ReplaceFile { token },
        };
        self.batch_update_blocks(document_id, &[change]).await?;
        Ok(block_id)
    }
}
