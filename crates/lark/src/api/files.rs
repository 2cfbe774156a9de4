//! File upload for messages (`POST /im/v1/files`, PROTOCOL §5.1): documents, opus audio, mp4
//! video, anything else as `stream`.

use std::path::Path;

use serde::Deserialize;

use crate::api::source::{Source, check_upload};
use crate::error::Result;
use crate::http::{Client, FormField, Req};
use crate::model::FileKey;
use crate::routes::Route;

/// Files up to 30 MB are accepted.
pub const FILE_LIMIT: usize = 30 * 1024 * 1024;

/// The platform's file categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    Opus,
    Mp4,
    Pdf,
    Doc,
    Xls,
    Ppt,
    /// Any other file.
    Stream,
}

impl FileType {
    pub fn as_str(self) -> &'static str {
        match self {
            FileType::Opus => "opus",
            FileType::Mp4 => "mp4",
            FileType::Pdf => "pdf",
            FileType::Doc => "doc",
            FileType::Xls => "xls",
            FileType::Ppt => "ppt",
            FileType::Stream => "stream",
        }
    }

    /// The category a file name's extension implies; `stream` when none fits.
    pub fn from_file_name(name: &str) -> FileType {
        let ext = Path::new(name)
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        match ext.as_str() {
            "opus" | "ogg" => FileType::Opus,
            "mp4" => FileType::Mp4,
            "pdf" => FileType::Pdf,
            "doc" | "docx" => FileType::Doc,
            "xls" | "xlsx" => FileType::Xls,
            "ppt" | "pptx" => FileType::Ppt,
            _ => FileType::Stream,
        }
    }
}

/// A file to upload.
#[derive(Debug, Clone)]
pub struct UploadFile {
    pub source: Source,
    /// Shown to readers; defaults to the path's file name.
    pub file_name: Option<String>,
    /// Inferred from the file name's extension when not given.
    pub file_type: Option<FileType>,
    /// Length in milliseconds, for audio and video.
    pub duration_ms: Option<u64>,
}

impl UploadFile {
    pub fn new(source: impl Into<Source>) -> UploadFile {
        UploadFile {
            source: source.into(),
            file_name: None,
            file_type: None,
            duration_ms: None,
        }
    }

    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    pub fn file_type(mut self, t: FileType) -> Self {
        self.file_type = Some(t);
        self
    }

    pub fn duration_ms(mut self, ms: u64) -> Self {
        self.duration_ms = Some(ms);
        self
    }
}

#[derive(Deserialize)]
struct Answer {
    file_key: FileKey,
}

impl Client {
    /// Uploads a file for `file`, `audio` or `media` messages. Empty files and files over 30 MB
    /// are refused before sending.
    pub async fn upload_file(&self, file: UploadFile) -> Result<FileKey> {
        let bytes = file.source.load().await?;
        check_upload("file", bytes.len(), FILE_LIMIT)?;
        let name = file
            .file_name
            .clone()
            .unwrap_or_else(|| file.source.file_name("file"));
        let file_type = file
            .file_type
            .unwrap_or_else(|| FileType::from_file_name(&name));
        let mut form = vec![
            FormField::Text("file_type", file_type.as_str().to_owned()),
            FormField::Text("file_name", name.clone()),
        ];
        if let Some(ms) = file.duration_ms {
            form.push(FormField::Text("duration", ms.to_string()));
        }
        form.push(FormField::File {
            name: "file",
            file_name: name,
            bytes,
        });
        let a: Answer = self.call(Req::route(Route::FileCreate).form(form)).await?;
        Ok(a.file_key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_type_from_extension() {
        let cases = [
            ("a.PDF", FileType::Pdf),
            ("v.mp4", FileType::Mp4),
            ("voice.opus", FileType::Opus),
            ("r.docx", FileType::Doc),
            ("s.xlsx", FileType::Xls),
            ("d.pptx", FileType::Ppt),
            ("x.tar.gz", FileType::Stream),
            ("noext", FileType::Stream),
        ];
        for (name, t) in cases {
            assert_eq!(FileType::from_file_name(name), t, "{name}");
        }
    }
}
