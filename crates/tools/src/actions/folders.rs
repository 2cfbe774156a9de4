//! Drive folders and files: `listDriveFiles`, `getFileMeta`, `createFolder`, `moveFile`,
//! `copyFile`, `deleteFile`, `downloadFile` (into the allowed folders only) and
//! `uploadBitableFile` (an attachment for a bitable field).

use futures::TryStreamExt;
use lark::api::drive::{DriveUpload, Upload};
use lark::api::source::Source;
use serde::{Deserialize, Serialize};

use super::non_empty;
use crate::error::{ToolError, ToolResult};
use crate::registry::ActionDef;
use crate::tools::Tools;
use crate::{handler, links, local, p};

const TYPES: &str = "docx, sheet, bitable, file, folder";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListDriveFilesArgs {
    /// The folder token or link; the bot's own top level when absent.
    #[serde(default, alias = "parentToken")]
    pub folder_token: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct FileOut {
    pub token: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub url: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct DriveFiles {
    pub ok: bool,
    pub files: Vec<FileOut>,
}

/// A drive object named by its token (or link) and type.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileRef {
    #[serde(alias = "token", alias = "docToken")]
    pub file_token: String,
    /// `docx`, `sheet`, `bitable`, `file`, `folder`; taken from the link when it is one.
    #[serde(default, rename = "type", alias = "fileType", alias = "docType")]
    pub kind: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct FileMeta {
    pub ok: bool,
    pub token: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub owner_id: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub create_time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub modify_time: Option<i64>,
    pub url: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateFolderArgs {
    #[serde(alias = "title")]
    pub name: String,
    /// The parent folder; the bot's top level when absent.
    #[serde(default, alias = "parentToken")]
    pub folder_token: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct FolderCreated {
    pub ok: bool,
    pub folder_token: String,
    pub url: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MoveFileArgs {
    #[serde(flatten)]
    pub file: FileRef,
    #[serde(default, alias = "targetFolderToken")]
    pub folder_token: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CopyFileArgs {
    #[serde(flatten)]
    pub file: FileRef,
    /// The copy's name; "<name> copy" when absent.
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, alias = "targetFolderToken")]
    pub folder_token: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct FileDone {
    pub ok: bool,
    pub token: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub url: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DownloadFileArgs {
    #[serde(alias = "token")]
    pub file_token: String,
    /// Where to save it (relative to the workspace, or absolute under an allowed folder); the
    /// file's own name in the workspace when absent.
    #[serde(default)]
    pub path: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Downloaded {
    pub ok: bool,
    pub path: String,
    pub size: u64,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UploadBitableFileArgs {
    pub app_token: String,
    #[serde(alias = "filePath")]
    pub path: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct BitableFileUploaded {
    pub ok: bool,
    pub file_token: String,
    /// The value to put in an attachment field: `[{"file_token": ...}]`.
    pub field_value: serde_json::Value,
}

/// The token and the API's type of a drive object.
fn file_ref(f: &FileRef) -> ToolResult<(String, String)> {
    let link = links::parse(non_empty("fileToken", &f.file_token)?);
    if link.kind == "wiki" {
        return Err(ToolError::param(
            "fileToken",
            "is a /wiki/ link: wiki nodes move with moveWikiNode; getWikiNode gives the object's token",
        ));
    }
    let given = f.kind.as_deref().map(str::trim).filter(|k| !k.is_empty());
    let from_link = match link.kind.as_str() {
        "docx" => Some("docx"),
        "sheets" | "sheet" => Some("sheet"),
        "base" => Some("bitable"),
        "file" => Some("file"),
        "folder" => Some("folder"),
        _ => None,
    };
    let kind = match given.or(from_link) {
        Some("sheets" | "spreadsheet") => "sheet",
        Some("base") => "bitable",
        Some(k @ ("docx" | "sheet" | "bitable" | "file" | "folder" | "doc")) => k,
        Some(other) => {
            return Err(ToolError::param(
                "type",
                format!("{other:?} is not a drive type; use one of {TYPES}"),
            ));
        }
        None => {
            return Err(ToolError::param(
                "type",
                format!("is required for a bare token (one of {TYPES}); or pass the object's link"),
            ));
        }
    };
    Ok((link.token, kind.to_owned()))
}

fn folder(v: Option<&str>) -> String {
    v.map(links::token).unwrap_or_default()
}

impl Tools {
    /// `listDriveFiles`: what a folder holds.
    pub async fn list_drive_files(&self, args: ListDriveFilesArgs) -> ToolResult<DriveFiles> {
        let f = folder(args.folder_token.as_deref());
        let all: Vec<_> = self.client.list_drive(&f).try_collect().await?;
        Ok(DriveFiles {
            ok: true,
            files: all
                .into_iter()
                .map(|e| FileOut {
                    token: e.token,
                    name: e.name,
                    kind: e.kind,
                    url: e.url,
                })
                .collect(),
        })
    }

    /// `getFileMeta`: title, owner, times and link of a document or file.
    pub async fn get_file_meta(&self, args: FileRef) -> ToolResult<FileMeta> {
        let (token, kind) = file_ref(&args)?;
        let (metas, failed) = self.client.doc_metas(&[(&token, &kind)]).await?;
        let Some(m) = metas.into_iter().next() else {
            return Err(ToolError::Api(format!(
                "no {kind} {} the bot can see{}",
                token,
                if failed.is_empty() {
                    ""
                } else {
                    " (check the token and its type)"
                }
            )));
        };
        Ok(FileMeta {
            ok: true,
            token: m.doc_token,
            kind: m.doc_type,
            title: m.title,
            owner_id: m.owner_id,
            create_time: m.create_time,
            modify_time: m.latest_modify_time,
            url: m.url,
        })
    }

    /// `createFolder`: a new folder; returns its token and link.
    pub async fn create_folder(&self, args: CreateFolderArgs) -> ToolResult<FolderCreated> {
        let name = non_empty("name", &args.name)?;
        let f = self
            .client
            .create_folder(name, &folder(args.folder_token.as_deref()))
            .await?;
        Ok(FolderCreated {
            ok: true,
            folder_token: f.token,
            url: f.url,
        })
    }

    /// `moveFile`: into another folder.
    pub async fn move_file(&self, args: MoveFileArgs) -> ToolResult<FileDone> {
        let (token, kind) = file_ref(&args.file)?;
        let Some(target) = args
            .folder_token
            .as_deref()
            .filter(|f| !f.trim().is_empty())
        else {
            return Err(ToolError::param(
                "folderToken",
                "is required: the folder (token or link) to move it into",
            ));
        };
        self.client
            .move_drive_file(&token, &kind, &links::token(target))
            .await?;
        Ok(FileDone {
            ok: true,
            token,
            kind,
            url: String::new(),
        })
    }

    /// `copyFile`: a copy in a folder (the same place's top level by default).
    pub async fn copy_file(&self, args: CopyFileArgs) -> ToolResult<FileDone> {
        let (token, kind) = file_ref(&args.file)?;
        let name = match args
            .name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            Some(n) => n.to_owned(),
            None => {
                let (metas, _) = self.client.doc_metas(&[(&token, &kind)]).await?;
                format!(
                    "{} copy",
                    metas
                        .first()
                        .map(|m| m.title.as_str())
                        .unwrap_or("untitled")
                )
            }
        };
        let e = self
            .client
            .copy_drive_file(&token, &kind, &name, &folder(args.folder_token.as_deref()))
            .await?;
        Ok(FileDone {
            ok: true,
            token: e.token,
            kind: e.kind,
            url: e.url,
        })
    }

    /// `deleteFile`: deletes a document, sheet, bitable, file or folder (with what it holds).
    pub async fn delete_file(&self, args: FileRef) -> ToolResult<FileDone> {
        let (token, kind) = file_ref(&args)?;
        self.client.delete_drive_file(&token, &kind).await?;
        Ok(FileDone {
            ok: true,
            token,
            kind,
            url: String::new(),
        })
    }

    /// `downloadFile`: a drive file saved under the allowed folders.
    pub async fn download_file(&self, args: DownloadFileArgs) -> ToolResult<Downloaded> {
        let token = links::token(non_empty("fileToken", &args.file_token)?);
        let path = match args.path.as_deref().filter(|p| !p.trim().is_empty()) {
            Some(p) => p.to_owned(),
            None => {
                let (metas, _) = self.client.doc_metas(&[(&token, "file")]).await?;
                let name = metas.first().map(|m| m.title.clone()).unwrap_or_default();
                // The platform's name, kept to one path segment.
                let name = name.replace(['/', '\\'], "_");
                if name.is_empty() || name == "." || name == ".." {
                    token.clone()
                } else {
                    name
                }
            }
        };
        let target = local::allowed_target("path", &path, &self.settings.roots)?;
        let size = self
            .client
            .drive_download_to_file(Upload::File, &token, &target)
            .await?;
        Ok(Downloaded {
            ok: true,
            path: target.display().to_string(),
            size,
        })
    }

    /// `uploadBitableFile`: a local file as an attachment for a bitable's attachment field.
    pub async fn upload_bitable_file(
        &self,
        args: UploadBitableFileArgs,
    ) -> ToolResult<BitableFileUploaded> {
        let app = links::token(non_empty("appToken", &args.app_token)?);
        let path = local::allowed_file("path", &args.path, &self.settings.roots)?;
        let kind = if local::is_image(&path) {
            "bitable_image"
        } else {
            "bitable_file"
        };
        let up = DriveUpload::media(Source::Path(path.clone()), kind, &app)
            .file_name(local::file_name(&path));
        let token = self.client.drive_upload(&up).await?;
        Ok(BitableFileUploaded {
            ok: true,
            field_value: serde_json::json!([{ "file_token": token }]),
            file_token: token,
        })
    }
}

pub(crate) fn defs() -> Vec<ActionDef> {
    const FILE: crate::registry::Param = p!("fileToken", Str, "the token or link");
    const KIND: crate::registry::Param = p!(
        "type",
        Str,
        "docx, sheet, bitable, file or folder (from the link when it is one)"
    );
    vec![
        ActionDef {
            name: "listDriveFiles",
            takes_to: false,
            description: "List a drive folder (the bot's own top level without folderToken): {files: [{token, name, type, url}]}.",
            example: r#"{"action": "listDriveFiles", "folderToken": "fldcnXXX"}"#,
            params: &[p!("folderToken", Str, "optional folder token or link")],
            required: &[],
            run: handler!(list_drive_files),
        },
        ActionDef {
            name: "getFileMeta",
            takes_to: false,
            description: "Title, owner, times and link of a document, sheet, bitable, file or folder.",
            example: r#"{"action": "getFileMeta", "fileToken": "https://xxx.feishu.cn/docx/doxcnXXX"}"#,
            params: &[FILE, KIND],
            required: &["fileToken"],
            run: handler!(get_file_meta),
        },
        ActionDef {
            name: "createFolder",
            takes_to: false,
            description: "Create a drive folder; returns {folderToken, url}.",
            example: r#"{"action": "createFolder", "name": "周报", "folderToken": "fldcnXXX"}"#,
            params: &[
                p!("name", Str, "the folder name"),
                p!("folderToken", Str, "optional parent folder"),
            ],
            required: &["name"],
            run: handler!(create_folder),
        },
        ActionDef {
            name: "moveFile",
            takes_to: false,
            description: "Move a document, sheet, bitable, file or folder into another folder.",
            example: r#"{"action": "moveFile", "fileToken": "doxcnXXX", "type": "docx", "folderToken": "fldcnXXX"}"#,
            params: &[FILE, KIND, p!("folderToken", Str, "the target folder")],
            required: &["fileToken", "folderToken"],
            run: handler!(move_file),
        },
        ActionDef {
            name: "copyFile",
            takes_to: false,
            description: "Copy a document, sheet, bitable or file; returns the copy's {token, url}.",
            example: r#"{"action": "copyFile", "fileToken": "doxcnXXX", "type": "docx", "name": "周报 副本"}"#,
            params: &[
                FILE,
                KIND,
                p!("name", Str, "the copy's name"),
                p!("folderToken", Str, "the target folder"),
            ],
            required: &["fileToken"],
            run: handler!(copy_file),
        },
        ActionDef {
            name: "deleteFile",
            takes_to: false,
            description: "Delete a document, sheet, bitable, file or folder (a folder with everything in it).",
            example: r#"{"action": "deleteFile", "fileToken": "boxcnXXX", "type": "file"}"#,
            params: &[FILE, KIND],
            required: &["fileToken"],
            run: handler!(delete_file),
        },
        ActionDef {
            name: "downloadFile",
            takes_to: false,
            description: "Download a drive file into the workspace (or path, under the allowed folders); returns {path, size}.",
            example: r#"{"action": "downloadFile", "fileToken": "boxcnXXX"}"#,
            params: &[
                p!("fileToken", Str, "the file token or link"),
                p!("path", Str, "optional target path"),
            ],
            required: &["fileToken"],
            run: handler!(download_file),
        },
        ActionDef {
            name: "uploadBitableFile",
            takes_to: false,
            description: "Upload a local file for a bitable attachment field; returns {fileToken, fieldValue} — put fieldValue in the record's attachment field.",
            example: r#"{"action": "uploadBitableFile", "appToken": "XXX", "path": "/tmp/report.pdf"}"#,
            params: &[
                p!("appToken", Str, "the bitable app token or link"),
                p!("path", Str, "local file path"),
            ],
            required: &["appToken", "path"],
            run: handler!(upload_bitable_file),
        },
    ]
}
