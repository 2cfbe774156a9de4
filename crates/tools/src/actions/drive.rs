//! Drive: `searchDrive`, `uploadFile`.

use lark::api::drive::DriveUpload;
use lark::api::search::DocSearch;
use serde::{Deserialize, Serialize};

use super::non_empty;
use crate::error::{ToolError, ToolResult};
use crate::registry::ActionDef;
use crate::tools::Tools;
use crate::{handler, links, local, p};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchDriveArgs {
    #[serde(alias = "keyword", alias = "q")]
    pub query: String,
    #[serde(default)]
    pub page_size: Option<u32>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Hit {
    pub token: String,
    pub title: String,
    #[serde(rename = "type")]
    pub doc_type: String,
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub url: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct SearchResult {
    pub ok: bool,
    pub results: Vec<Hit>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UploadFileArgs {
    #[serde(alias = "filePath")]
    pub path: String,
    /// The folder token (or link) the file goes into.
    #[serde(default, alias = "folderToken")]
    pub parent_token: Option<String>,
    /// The name in drive; the file's own name when omitted.
    #[serde(default)]
    pub file_name: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Uploaded {
    pub ok: bool,
    pub file_token: String,
    pub file_name: String,
    pub size: u64,
    pub url: String,
}

/// `<em>` marks of highlighted titles removed.
fn unmark(s: &str) -> String {
    s.replace("<em>", "")
        .replace("</em>", "")
        .replace("<h>", "")
        .replace("</h>", "")
}

impl Tools {
    /// `searchDrive`: documents, sheets, bitables and files whose title or text matches.
    pub async fn search_drive(&self, args: SearchDriveArgs) -> ToolResult<SearchResult> {
        let q = non_empty("query", &args.query)?;
        let mut s = DocSearch::new(q);
        s.page_size = Some(args.page_size.unwrap_or(20).clamp(1, 50));
        let results = match self.client.search_docs(&s).await {
            Ok(page) => page
                .res_units
                .into_iter()
                .map(|h| Hit {
                    token: h.result_meta.token,
                    title: unmark(&h.title_highlighted),
                    doc_type: h.result_meta.doc_types.to_ascii_lowercase(),
                    url: h.result_meta.url,
                })
                .collect(),
            // The v2 search may refuse a tenant token; the legacy search is the fallback.
            Err(first) => match self
                .client
                .search_docs_legacy(q, s.page_size.unwrap_or(20), 0, &[])
                .await
            {
                Ok(l) => l
                    .docs_entities
                    .into_iter()
                    .map(|h| Hit {
                        url: super::docs::web_url(self, &h.docs_type, &h.docs_token),
                        token: h.docs_token,
                        title: h.title,
                        doc_type: h.docs_type,
                    })
                    .collect(),
                Err(_) => return Err(first.into()),
            },
        };
        Ok(SearchResult { ok: true, results })
    }

    /// `uploadFile`: a local file (under the allowed roots) into a drive folder.
    pub async fn upload_file(&self, args: UploadFileArgs) -> ToolResult<Uploaded> {
        let path = local::allowed_file("path", &args.path, &self.settings.roots)?;
        let Some(folder) = args
            .parent_token
            .as_deref()
            .map(links::token)
            .filter(|t| !t.is_empty())
        else {
            return Err(ToolError::param(
                "parentToken",
                "is required: the token (or link) of the drive folder the file goes into, e.g. fldcnXXX",
            ));
        };
        let name = args
            .file_name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| local::file_name(&path));
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let progress = self
            .settings
            .progress
            .as_ref()
            .map(|p| p.start(&name, size));
        let up = DriveUpload::file(path.as_path(), &folder).file_name(name.clone());
        let res = self.client.drive_upload(&up).await;
        if let Some(p) = progress {
            p.finish(res.is_ok());
        }
        let token = res?;
        Ok(Uploaded {
            ok: true,
            url: super::docs::web_url(self, "file", &token),
            file_token: token,
            file_name: name,
            size,
        })
    }
}

pub(crate) fn defs() -> Vec<ActionDef> {
    vec![
        ActionDef {
            name: "searchDrive",
            takes_to: false,
            description: "Search the drive (documents, sheets, bitables, files) by keyword.",
            example: r#"{"action": "searchDrive", "query": "周报"}"#,
            params: &[
                p!("query", Str, "keywords"),
                p!("pageSize", Int, "1-50, default 20"),
            ],
            required: &["query"],
            run: handler!(search_drive),
        },
        ActionDef {
            name: "uploadFile",
            takes_to: false,
            description: "Upload a local file into a drive folder.",
            example: r#"{"action": "uploadFile", "path": "/tmp/report.pdf", "parentToken": "fldcnXXX"}"#,
            params: &[
                p!("path", Str, "local file path"),
                p!("parentToken", Str, "drive folder token or link"),
                p!("fileName", Str, "name in drive (optional)"),
            ],
            required: &["path", "parentToken"],
            run: handler!(upload_file),
        },
    ]
}
