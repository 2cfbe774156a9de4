//! Drive uploads and downloads (PROTOCOL §5.3, §5.6): media attached to documents (`medias`) and
//! files in folders (`files`). Up to 20 MB go in one `upload_all`; larger ones go through
//! `upload_prepare`, one `upload_part` per block, and `upload_finish`, as the platform requires.

use std::path::Path;

use bytes::Bytes;
use serde::{Deserialize, Serialize};

use crate::api::download;
use crate::api::source::{Source, check_upload};
use crate::error::{Error, Result};
use crate::http::{Client, FormField, Req};
use crate::routes::Route;

/// Above this size an upload must be chunked.
pub const UPLOAD_ALL_LIMIT: usize = 20 * 1024 * 1024;

/// What an upload is attached to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upload {
    /// Media inside a document (`/drive/v1/medias`).
    Media,
    /// A file in a folder (`/drive/v1/files`, `parent_type=explorer`).
    File,
}

/// One upload: the bytes, where they go, and under which name.
#[derive(Debug, Clone)]
pub struct DriveUpload {
    pub kind: Upload,
    pub source: Source,
    pub file_name: Option<String>,
    /// For media: `docx_image`, `docx_file`, `sheet_image`, `bitable_image`, ...; for files
    /// always `explorer`.
    pub parent_type: String,
    /// The block, document or folder token the upload belongs to.
    pub parent_node: String,
    /// For media: extra JSON such as `{"drive_route_token":"<document_id>"}`.
    pub extra: Option<String>,
}

impl DriveUpload {
    /// Media for a document block or table (`parent_type` such as `docx_image`).
    pub fn media(source: impl Into<Source>, parent_type: &str, parent_node: &str) -> DriveUpload {
        DriveUpload {
            kind: Upload::Media,
            source: source.into(),
            file_name: None,
            parent_type: parent_type.to_owned(),
            parent_node: parent_node.to_owned(),
            extra: None,
        }
    }

    /// A file into the folder `folder_token` (required: files always go into a folder).
    pub fn file(source: impl Into<Source>, folder_token: &str) -> DriveUpload {
        DriveUpload {
            kind: Upload::File,
            source: source.into(),
            file_name: None,
            parent_type: "explorer".to_owned(),
            parent_node: folder_token.to_owned(),
            extra: None,
        }
    }

    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    pub fn extra(mut self, extra: impl Into<String>) -> Self {
        self.extra = Some(extra.into());
        self
    }

    fn routes(&self) -> [Route; 4] {
        match self.kind {
            Upload::Media => [
                Route::MediaUploadAll,
                Route::MediaUploadPrepare,
                Route::MediaUploadPart,
                Route::MediaUploadFinish,
            ],
            Upload::File => [
                Route::FileUploadAll,
                Route::FileUploadPrepare,
                Route::FileUploadPart,
                Route::FileUploadFinish,
            ],
        }
    }
}

#[derive(Deserialize)]
struct Token {
    file_token: String,
}

#[derive(Serialize)]
struct Prepare<'a> {
    file_name: &'a str,
    parent_type: &'a str,
    parent_node: &'a str,
    size: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    extra: Option<&'a str>,
}

#[derive(Deserialize)]
struct Prepared {
    upload_id: String,
    block_size: usize,
    #[serde(default)]
    block_num: Option<usize>,
}

impl Client {
    /// Uploads to drive and returns the file token; chunks the upload above 20 MB.
    pub async fn drive_upload(&self, upload: &DriveUpload) -> Result<String> {
        if upload.parent_node.trim().is_empty() {
            return Err(Error::InvalidArgument(format!(
                "the upload needs a parent_node ({})",
                match upload.kind {
                    Upload::File => "the token of the folder the file goes into",
                    Upload::Media => "the block, document or table the media belongs to",
                }
            )));
        }
        let size = upload.source.len().await?;
        // The chunked upload is limited by the platform's space, not by a documented size.
        check_upload(
            "upload",
            usize::try_from(size).unwrap_or(usize::MAX),
            usize::MAX,
        )?;
        if size > UPLOAD_ALL_LIMIT as u64 {
            self.drive_upload_chunked(upload, size).await
        } else {
            let bytes = upload.source.load().await?;
            self.drive_upload_all(upload, bytes).await
        }
    }

    /// One-request upload (up to 20 MB).
    pub async fn drive_upload_all(&self, upload: &DriveUpload, bytes: Bytes) -> Result<String> {
        check_upload("upload", bytes.len(), UPLOAD_ALL_LIMIT)?;
        let name = self::name(upload);
        let mut form = vec![
            FormField::Text("file_name", name.clone()),
            FormField::Text("parent_type", upload.parent_type.clone()),
            FormField::Text("parent_node", upload.parent_node.clone()),
            FormField::Text("size", bytes.len().to_string()),
        ];
        if let Some(extra) = &upload.extra {
            form.push(FormField::Text("extra", extra.clone()));
        }
        form.push(FormField::File {
            name: "file",
            file_name: name,
            bytes,
        });
        let [all, ..] = upload.routes();
        // Each upload makes a new file; a lost answer must not make two.
        let t: Token = self
            .call(Req::route(all).form(form).not_retry_safe())
            .await?;
        Ok(t.file_token)
    }

    /// Chunked upload of the `size` bytes of `upload.source`: prepare, one part per block (each
    /// retried on its own, read from the source only when sent, with its adler32 checksum),
    /// finish.
    pub async fn drive_upload_chunked(&self, upload: &DriveUpload, size: u64) -> Result<String> {
        let [_, prepare, part, finish] = upload.routes();
        let name = self::name(upload);
        let body = Prepare {
            file_name: &name,
            parent_type: &upload.parent_type,
            parent_node: &upload.parent_node,
            size,
            extra: upload.extra.as_deref(),
        };
        let p: Prepared = self.call(Req::route(prepare).json(&body)).await?;
        if p.block_size == 0 {
            return Err(Error::Decode {
                status: 200,
                path: "upload_prepare".into(),
                snippet: "block_size 0".into(),
            });
        }
        let block_size = p.block_size as u64;
        let block_num = size.div_ceil(block_size);
        if let Some(n) = p.block_num.filter(|n| *n as u64 != block_num) {
            tracing::warn!(expected = n, got = block_num, "upload block count differs");
        }
        for seq in 0..block_num {
            let offset = seq * block_size;
            let len = block_size.min(size - offset) as usize;
            let block = upload.source.read_range(offset, len).await?;
            let form = vec![
                FormField::Text("upload_id", p.upload_id.clone()),
                FormField::Text("seq", seq.to_string()),
                FormField::Text("size", block.len().to_string()),
                FormField::Text("checksum", adler32(&block).to_string()),
                FormField::File {
                    name: "file",
                    file_name: name.clone(),
                    bytes: block,
                },
            ];
            // A part is keyed by upload id and seq: sending it again replaces it.
            let _: serde::de::IgnoredAny = self.call(Req::route(part.clone()).form(form)).await?;
        }
        let body = serde_json::json!({ "upload_id": p.upload_id, "block_num": block_num });
        let t: Token = self.call(Req::route(finish).json(&body)).await?;
        Ok(t.file_token)
    }

    /// Streams a drive file (`Upload::File`) or document media (`Upload::Media`) to `path`.
    pub async fn drive_download_to_file(
        &self,
        kind: Upload,
        file_token: &str,
        path: &Path,
    ) -> Result<u64> {
        let answer = self.execute(download_req(kind, file_token)).await?;
        download::to_file(answer, path).await
    }

    /// A drive file or document media, in memory.
    pub async fn drive_download(&self, kind: Upload, file_token: &str) -> Result<Bytes> {
        let answer = self.execute(download_req(kind, file_token)).await?;
        download::to_bytes(answer).await
    }
}

/// The adler32 checksum the platform uses to check each part.
fn adler32(bytes: &[u8]) -> u32 {
    const MOD: u32 = 65521;
    let (mut a, mut b) = (1u32, 0u32);
    // 5552 is the largest run before the sums can overflow a u32.
    for chunk in bytes.chunks(5552) {
        for &x in chunk {
            a += x as u32;
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16) | a
}

fn download_req(kind: Upload, file_token: &str) -> Req {
    let file_token = file_token.to_owned();
    Req::route(match kind {
        Upload::Media => Route::MediaDownload { file_token },
        Upload::File => Route::FileDownload { file_token },
    })
}

fn name(upload: &DriveUpload) -> String {
    upload
        .file_name
        .clone()
        .unwrap_or_else(|| upload.source.file_name("file"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn adler32_of_known_strings() {
        assert_eq!(super::adler32(b""), 1);
        // The reference value from RFC 1950's algorithm for "Wikipedia".
        assert_eq!(super::adler32(b"Wikipedia"), 0x11E6_0398);
        let big = vec![0xffu8; 100_000];
        let naive = big.iter().fold((1u64, 0u64), |(a, b), &x| {
            let a = (a + x as u64) % 65521;
            (a, (b + a) % 65521)
        });
        assert_eq!(super::adler32(&big), ((naive.1 << 16) | naive.0) as u32);
    }
}
