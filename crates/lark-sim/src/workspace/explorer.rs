//! Drive folders (`drive/v1/files`): folders, and listing, moving, copying and deleting what
//! they hold (documents, sheets, bitables, uploaded files, folders), plus the metadata of any of
//! them (`metas/batch_query`). The top level (`folder_token` empty) is the app's own space.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, RawQuery};
use axum::response::Response;
use axum::routing::{delete, get, post};
use bytes::Bytes;
use serde::Deserialize;
use serde_json::{Value, json};

use super::Workspace;
use super::util::{WEB_HOST, bad, json_body, now_ms, page_size, paginate, query_map, token, ws};
use crate::auth::Tenant;
use crate::error::{ApiError, ok};
use crate::state::SimState;

const PARAMS: i64 = 1061002;
const NOT_FOUND: i64 = 1061003;

fn params(msg: impl Into<String>) -> ApiError {
    bad(PARAMS, format!("params error: {}", msg.into()))
}

fn not_found(what: &str) -> ApiError {
    bad(NOT_FOUND, format!("not found: {what}"))
}

/// A drive folder.
#[derive(Debug, Clone)]
pub struct Folder {
    pub token: String,
    pub name: String,
    /// Empty at the top level.
    pub parent: String,
    pub created_ms: i64,
}

/// Anything a folder holds, as the listing shows it.
#[derive(Debug, Clone)]
pub struct Entry {
    pub token: String,
    pub name: String,
    /// `docx`, `sheet`, `bitable`, `file` or `folder`.
    pub kind: &'static str,
    pub parent: String,
    pub created_ms: i64,
    pub modified_ms: i64,
}

impl Entry {
    pub fn url(&self) -> String {
        let path = match self.kind {
            "sheet" => "sheets",
            "bitable" => "base",
            "folder" => "drive/folder",
            k => k,
        };
        format!("{WEB_HOST}/{path}/{}", self.token)
    }

    fn json(&self, owner: &str) -> Value {
        json!({
            "token": self.token, "name": self.name, "type": self.kind, "parent_token": self.parent,
            "url": self.url(), "created_time": (self.created_ms / 1000).to_string(),
            "modified_time": (self.modified_ms / 1000).to_string(), "owner_id": owner,
        })
    }
}

impl Workspace {
    /// Every object of the drive with its folder.
    pub fn drive_entries(&self) -> Vec<Entry> {
        let mut out = Vec::new();
        for d in self.docs.values() {
            out.push(Entry {
                token: d.document_id.clone(),
                name: d.title.clone(),
                kind: "docx",
                parent: d.folder_token.clone(),
                created_ms: d.created_ms,
                modified_ms: d.updated_ms,
            });
        }
        for s in self.sheets.values() {
            out.push(Entry {
                token: s.token.clone(),
                name: s.title.clone(),
                kind: "sheet",
                parent: s.folder_token.clone(),
                created_ms: s.created_ms,
                modified_ms: s.updated_ms,
            });
        }
        for b in self.bitables.values() {
            out.push(Entry {
                token: b.app_token.clone(),
                name: b.name.clone(),
                kind: "bitable",
                parent: b.folder_token.clone(),
                created_ms: b.created_ms,
                modified_ms: b.created_ms,
            });
        }
        for f in self.files.values() {
            out.push(Entry {
                token: f.file_token.clone(),
                name: f.name.clone(),
                kind: "file",
                parent: f.parent_node.clone(),
                created_ms: f.created_ms,
                modified_ms: f.created_ms,
            });
        }
        for f in self.folders.values() {
            out.push(Entry {
                token: f.token.clone(),
                name: f.name.clone(),
                kind: "folder",
                parent: f.parent.clone(),
                created_ms: f.created_ms,
                modified_ms: f.created_ms,
            });
        }
        out.sort_by(|a, b| a.created_ms.cmp(&b.created_ms).then(a.token.cmp(&b.token)));
        out
    }

    fn entry(&self, token: &str, kind: &str) -> Result<Entry, ApiError> {
        self.drive_entries()
            .into_iter()
            .find(|e| e.token == token && (kind.is_empty() || e.kind == kind))
            .ok_or_else(|| not_found(&format!("{kind} {token}")))
    }

    fn check_folder(&self, folder: &str) -> Result<(), ApiError> {
        if folder.is_empty() || self.folders.contains_key(folder) {
            Ok(())
        } else {
            Err(not_found(&format!("folder {folder}")))
        }
    }

    fn set_parent(&mut self, token: &str, kind: &str, folder: &str) {
        let f = folder.to_owned();
        match kind {
            "docx" => self.docs.get_mut(token).map(|d| d.folder_token = f),
            "sheet" => self.sheets.get_mut(token).map(|s| s.folder_token = f),
            "bitable" => self.bitables.get_mut(token).map(|b| b.folder_token = f),
            "file" => self.files.get_mut(token).map(|x| x.parent_node = f),
            _ => self.folders.get_mut(token).map(|x| x.parent = f),
        };
    }

    /// Deletes an object (a folder with everything inside it).
    fn remove(&mut self, token: &str, kind: &str) {
        if kind == "folder" {
            let inside: Vec<Entry> = self
                .drive_entries()
                .into_iter()
                .filter(|e| e.parent == token)
                .collect();
            for e in inside {
                self.remove(&e.token, e.kind);
            }
        }
        match kind {
            "docx" => drop(self.docs.remove(token)),
            "sheet" => drop(self.sheets.remove(token)),
            "bitable" => drop(self.bitables.remove(token)),
            "file" => drop(self.files.remove(token)),
            _ => drop(self.folders.remove(token)),
        }
        self.comments.remove(token);
        self.permissions.remove(token);
    }

    /// A copy of a document, sheet, bitable or file named `name` in `folder`; its token.
    fn copy(
        &mut self,
        token: &str,
        kind: &str,
        name: &str,
        folder: &str,
    ) -> Result<String, ApiError> {
        let now = now_ms();
        let new = match kind {
            "docx" => {
                let mut d = self
                    .docs
                    .get(token)
                    .cloned()
                    .ok_or_else(|| not_found(token))?;
                let id = token_for("doxcn");
                let mut root = d.blocks.remove(token).ok_or_else(|| not_found(token))?;
                root.block_id = id.clone();
                for c in &root.children {
                    if let Some(b) = d.blocks.get_mut(c) {
                        b.parent_id = id.clone();
                    }
                }
                d.blocks.insert(id.clone(), root);
                d.document_id = id.clone();
                d.title = name.to_owned();
                d.folder_token = folder.to_owned();
                (d.created_ms, d.updated_ms) = (now, now);
                self.docs.insert(id.clone(), d);
                id
            }
            "sheet" => {
                let mut s = self
                    .sheets
                    .get(token)
                    .cloned()
                    .ok_or_else(|| not_found(token))?;
                s.token = token_for("shtcn");
                (s.title, s.folder_token, s.created_ms, s.updated_ms) =
                    (name.to_owned(), folder.to_owned(), now, now);
                let id = s.token.clone();
                self.sheets.insert(id.clone(), s);
                id
            }
            "bitable" => {
                let mut b = self
                    .bitables
                    .get(token)
                    .cloned()
                    .ok_or_else(|| not_found(token))?;
                b.app_token = token_for("bascn");
                (b.name, b.folder_token, b.created_ms) = (name.to_owned(), folder.to_owned(), now);
                let id = b.app_token.clone();
                self.bitables.insert(id.clone(), b);
                id
            }
            "file" => {
                let mut f = self
                    .files
                    .get(token)
                    .cloned()
                    .ok_or_else(|| not_found(token))?;
                f.file_token = token_for("boxcn");
                (f.name, f.parent_node, f.created_ms) = (name.to_owned(), folder.to_owned(), now);
                let id = f.file_token.clone();
                self.files.insert(id.clone(), f);
                id
            }
            other => return Err(params(format!("type {other:?} cannot be copied"))),
        };
        Ok(new)
    }
}

fn token_for(prefix: &str) -> String {
    token(prefix, 22)
}

/// `GET /drive/v1/files?folder_token=`
async fn list(Tenant(app): Tenant, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    let q = query_map(q);
    let folder = q.get("folder_token").cloned().unwrap_or_default();
    let size = page_size(&q, 50, 200).map_err(params)?;
    let w = ws(&app);
    w.check_folder(&folder)?;
    let items: Vec<Value> = w
        .drive_entries()
        .iter()
        .filter(|e| e.parent == folder)
        .map(|e| e.json(&app.bot_open_id))
        .collect();
    let page = paginate(&items, size, q.get("page_token").map(String::as_str))
        .ok_or_else(|| params("page_token is not one this API returned"))?;
    Ok(ok(
        json!({ "files": page.items, "has_more": page.has_more, "next_page_token": page.page_token }),
    ))
}

#[derive(Deserialize)]
struct NewFolder {
    name: Option<String>,
    folder_token: Option<String>,
}

/// `POST /drive/v1/files/create_folder`
async fn create_folder(Tenant(app): Tenant, body: Bytes) -> Result<Response, ApiError> {
    let b: NewFolder = json_body(&body, params)?;
    let name = b.name.unwrap_or_default();
    if name.trim().is_empty() {
        return Err(params("name is required"));
    }
    let parent = b.folder_token.unwrap_or_default();
    let mut w = ws(&app);
    w.check_folder(&parent)?;
    let f = Folder {
        token: token_for("fldcn"),
        name,
        parent,
        created_ms: now_ms(),
    };
    let tok = f.token.clone();
    w.folders.insert(tok.clone(), f);
    Ok(ok(
        json!({ "token": tok, "url": format!("{WEB_HOST}/drive/folder/{tok}") }),
    ))
}

#[derive(Deserialize)]
struct Target {
    #[serde(rename = "type")]
    kind: Option<String>,
    folder_token: Option<String>,
    name: Option<String>,
}

/// `POST /drive/v1/files/{token}/move`
async fn move_file(
    Tenant(app): Tenant,
    Path(tok): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let b: Target = json_body(&body, params)?;
    let kind = b.kind.ok_or_else(|| params("type is required"))?;
    let folder = b.folder_token.unwrap_or_default();
    let mut w = ws(&app);
    w.entry(&tok, &kind)?;
    w.check_folder(&folder)?;
    // A folder cannot go inside itself or one of its own folders.
    let mut up = folder.clone();
    while !up.is_empty() {
        if up == tok {
            return Err(params(
                "a folder cannot move into itself or its own subfolders",
            ));
        }
        up = w
            .folders
            .get(&up)
            .map(|f| f.parent.clone())
            .unwrap_or_default();
    }
    w.set_parent(&tok, &kind, &folder);
    Ok(ok(if kind == "folder" {
        json!({ "task_id": format!("task_{tok}") })
    } else {
        json!({})
    }))
}

/// `POST /drive/v1/files/{token}/copy`
async fn copy_file(
    Tenant(app): Tenant,
    Path(tok): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let b: Target = json_body(&body, params)?;
    let kind = b.kind.ok_or_else(|| params("type is required"))?;
    let name = b
        .name
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| params("name is required"))?;
    let folder = b.folder_token.unwrap_or_default();
    let mut w = ws(&app);
    w.entry(&tok, &kind)?;
    w.check_folder(&folder)?;
    let new = w.copy(&tok, &kind, &name, &folder)?;
    let e = w.entry(&new, &kind)?;
    Ok(ok(json!({ "file": e.json(&app.bot_open_id) })))
}

/// `DELETE /drive/v1/files/{token}?type=`
async fn delete_file(
    Tenant(app): Tenant,
    Path(tok): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let q = query_map(q);
    let kind = q
        .get("type")
        .cloned()
        .ok_or_else(|| params("type is required"))?;
    let mut w = ws(&app);
    w.entry(&tok, &kind)?;
    w.remove(&tok, &kind);
    Ok(ok(if kind == "folder" {
        json!({ "task_id": format!("task_{tok}") })
    } else {
        json!({})
    }))
}

#[derive(Deserialize)]
struct MetaQuery {
    request_docs: Option<Vec<BTreeMap<String, String>>>,
    with_url: Option<bool>,
}

/// `POST /drive/v1/metas/batch_query`
async fn metas(Tenant(app): Tenant, body: Bytes) -> Result<Response, ApiError> {
    let b: MetaQuery = json_body(&body, params)?;
    let docs = b
        .request_docs
        .filter(|d| !d.is_empty())
        .ok_or_else(|| params("request_docs is required"))?;
    let w = ws(&app);
    let (mut found, mut failed) = (Vec::new(), Vec::new());
    for d in docs {
        let tok = d.get("doc_token").cloned().unwrap_or_default();
        let kind = d.get("doc_type").cloned().unwrap_or_default();
        match w.entry(&tok, &kind) {
            Ok(e) => {
                let mut m = json!({
                    "doc_token": e.token, "doc_type": e.kind, "title": e.name,
                    "owner_id": app.bot_open_id, "create_time": (e.created_ms / 1000).to_string(),
                    "latest_modify_user": app.bot_open_id,
                    "latest_modify_time": (e.modified_ms / 1000).to_string(),
                });
                if b.with_url.unwrap_or(false) {
                    m["url"] = json!(e.url());
                }
                found.push(m);
            }
            Err(_) => failed.push(json!({ "token": tok, "code": 970005 })),
        }
    }
    Ok(ok(json!({ "metas": found, "failed_list": failed })))
}

pub(super) fn routes() -> Router<Arc<SimState>> {
    Router::new()
        .route("/open-apis/drive/v1/files", get(list))
        .route(
            "/open-apis/drive/v1/files/create_folder",
            post(create_folder),
        )
        .route(
            "/open-apis/drive/v1/files/{file_token}/move",
            post(move_file),
        )
        .route(
            "/open-apis/drive/v1/files/{file_token}/copy",
            post(copy_file),
        )
        .route(
            "/open-apis/drive/v1/files/{file_token}",
            delete(delete_file),
        )
        .route("/open-apis/drive/v1/metas/batch_query", post(metas))
}
