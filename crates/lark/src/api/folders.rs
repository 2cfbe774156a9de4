//! Drive folders and what they hold (`drive/v1/files`, `drive/v1/metas`): list a folder, make
//! one, move, copy and delete documents, sheets, bitables, files and folders, and read their
//! metadata. Uploads and downloads are in [`super::drive`].

use futures::Stream;
use serde::Deserialize;

use crate::api::Page;
use crate::api::page::paginate;
use crate::error::Result;
use crate::http::{Client, Req};
use crate::model::event::de;
use crate::routes::Route;
use crate::routes::workspace::WorkspaceRoute as W;

/// Something in a folder.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct DriveEntry {
    #[serde(deserialize_with = "de::string")]
    pub token: String,
    #[serde(deserialize_with = "de::string")]
    pub name: String,
    /// `docx`, `doc`, `sheet`, `bitable`, `mindnote`, `file`, `folder`, `shortcut`, ...
    #[serde(rename = "type", deserialize_with = "de::string")]
    pub kind: String,
    #[serde(deserialize_with = "de::string")]
    pub parent_token: String,
    #[serde(deserialize_with = "de::string")]
    pub url: String,
    #[serde(deserialize_with = "crate::api::de::opt_i64")]
    pub created_time: Option<i64>,
    #[serde(deserialize_with = "crate::api::de::opt_i64")]
    pub modified_time: Option<i64>,
    #[serde(deserialize_with = "de::string")]
    pub owner_id: String,
}

/// The metadata of a document or file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct DocMeta {
    #[serde(deserialize_with = "de::string")]
    pub doc_token: String,
    #[serde(deserialize_with = "de::string")]
    pub doc_type: String,
    #[serde(deserialize_with = "de::string")]
    pub title: String,
    #[serde(deserialize_with = "de::string")]
    pub owner_id: String,
    /// Seconds since the epoch.
    #[serde(deserialize_with = "crate::api::de::opt_i64")]
    pub create_time: Option<i64>,
    #[serde(deserialize_with = "crate::api::de::opt_i64")]
    pub latest_modify_time: Option<i64>,
    #[serde(deserialize_with = "de::string")]
    pub url: String,
}

#[derive(Deserialize)]
struct Listing {
    #[serde(default, deserialize_with = "crate::api::de::null_as_default")]
    files: Vec<DriveEntry>,
    #[serde(default)]
    has_more: bool,
    #[serde(default)]
    next_page_token: Option<String>,
}

/// A folder just made: its token and link.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct NewFolder {
    pub token: String,
    pub url: String,
}

impl Client {
    /// One page of a folder (the app's own top level when `folder` is empty).
    pub async fn list_drive_page(
        &self,
        folder: &str,
        page_token: Option<&str>,
    ) -> Result<Page<DriveEntry>> {
        let req = Req::route(Route::Workspace(W::DriveFileList))
            .query_opt("folder_token", Some(folder).filter(|f| !f.is_empty()))
            .query("page_size", 200)
            .query_opt("page_token", page_token.filter(|t| !t.is_empty()));
        let l: Listing = self.call(req).await?;
        Ok(Page {
            items: l.files,
            has_more: l.has_more,
            page_token: l.next_page_token,
        })
    }

    /// Everything in a folder.
    pub fn list_drive(&self, folder: &str) -> impl Stream<Item = Result<DriveEntry>> + Send {
        let (client, folder) = (self.clone(), folder.to_owned());
        paginate(move |token| {
            let (client, folder) = (client.clone(), folder.clone());
            async move { client.list_drive_page(&folder, token.as_deref()).await }
        })
    }

    /// A new folder in `parent` (the top level when empty).
    pub async fn create_folder(&self, name: &str, parent: &str) -> Result<NewFolder> {
        let body = serde_json::json!({ "name": name, "folder_token": parent });
        let req = Req::route(Route::Workspace(W::DriveFolderCreate))
            .json(&body)
            .not_retry_safe();
        self.call(req).await
    }

    /// Moves an object of type `kind` into `folder`.
    pub async fn move_drive_file(&self, token: &str, kind: &str, folder: &str) -> Result<()> {
        let body = serde_json::json!({ "type": kind, "folder_token": folder });
        let req = Req::route(Route::Workspace(W::DriveFileMove {
            file_token: token.to_owned(),
        }))
        .json(&body);
        let _: serde::de::IgnoredAny = self.call(req).await?;
        Ok(())
    }

    /// A copy named `name` in `folder`.
    pub async fn copy_drive_file(
        &self,
        token: &str,
        kind: &str,
        name: &str,
        folder: &str,
    ) -> Result<DriveEntry> {
        #[derive(Deserialize)]
        struct Copied {
            file: DriveEntry,
        }
        let body = serde_json::json!({ "type": kind, "name": name, "folder_token": folder });
        let req = Req::route(Route::Workspace(W::DriveFileCopy {
            file_token: token.to_owned(),
        }))
        .json(&body)
        .not_retry_safe();
        let c: Copied = self.call(req).await?;
        Ok(c.file)
    }

    /// Deletes an object (a folder with what it holds).
    pub async fn delete_drive_file(&self, token: &str, kind: &str) -> Result<()> {
        let req = Req::route(Route::Workspace(W::DriveFileDelete {
            file_token: token.to_owned(),
        }))
        .query("type", kind);
        let _: serde::de::IgnoredAny = self.call(req).await?;
        Ok(())
    }

    /// The metadata of `(token, type)` pairs, with their links; the tokens that failed come
    /// back in the second list.
    pub async fn doc_metas(&self, docs: &[(&str, &str)]) -> Result<(Vec<DocMeta>, Vec<String>)> {
        #[derive(Deserialize)]
        struct Failed {
            #[serde(default, deserialize_with = "de::string")]
            token: String,
        }
        #[derive(Deserialize)]
        struct Metas {
            #[serde(default, deserialize_with = "crate::api::de::null_as_default")]
            metas: Vec<DocMeta>,
            #[serde(default, deserialize_with = "crate::api::de::null_as_default")]
            failed_list: Vec<Failed>,
        }
        let request_docs: Vec<_> = docs
            .iter()
            .map(|(t, k)| serde_json::json!({ "doc_token": t, "doc_type": k }))
            .collect();
        let body = serde_json::json!({ "request_docs": request_docs, "with_url": true });
        let req = Req::route(Route::Workspace(W::DriveMetaBatch)).json(&body);
        let m: Metas = self.call(req).await?;
        Ok((
            m.metas,
            m.failed_list.into_iter().map(|f| f.token).collect(),
        ))
    }
}
