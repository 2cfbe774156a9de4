//! The workspace of an app's tenant: CardKit cards, docx documents, drive files and permissions,
//! sheets and bitables.
//!
//! Each API family lives in its own file with its state types and its handlers; [`Workspace`]
//! holds all of them behind the app's mutex so that endpoints see one consistent state (a
//! media uploaded to a docx block can replace that block's image; a document created in docx is
//! found by drive search and gets permission members). The `/_sim/...` readers in
//! `control` and the `pub` methods in `view` expose the same state to tests.

mod bitable;
mod cardkit;
mod comments;
mod control;
mod docx;
mod docx_blocks;
mod drive;
mod filter;
mod permissions;
mod records;
mod search;
mod sheets;
mod sheets_range;
mod util;
mod view;
mod wiki;

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;

use crate::state::SimState;

pub use bitable::{BitableApp, Field, FieldType, Table};
pub use cardkit::{Card, StreamedContent};
pub use comments::{CommentPosted, Thread, UserComment};
pub use docx::{Block, Document};
pub use drive::{DriveFile, Media};
pub use permissions::Member;
pub use records::Record;
pub use sheets::{Sheet, Spreadsheet};
pub use view::{BitableView, BlockNode, CardView, DocView, SheetView, TableView};
pub use wiki::{Node as WikiNode, Space as WikiSpace, Wiki};

/// Every document, sheet, bitable, drive file, permission and card of one app.
#[derive(Default)]
pub struct Workspace {
    pub(crate) cards: BTreeMap<String, Card>,
    pub(crate) docs: BTreeMap<String, Document>,
    pub(crate) sheets: BTreeMap<String, Spreadsheet>,
    pub(crate) bitables: BTreeMap<String, BitableApp>,
    /// Media uploaded into documents, sheets and bitables (`drive/v1/medias`).
    pub(crate) medias: BTreeMap<String, Media>,
    /// Files uploaded into drive folders (`drive/v1/files`).
    pub(crate) files: BTreeMap<String, DriveFile>,
    /// Multipart uploads in progress (`upload_prepare` .. `upload_finish`).
    pub(crate) uploads: BTreeMap<String, drive::PendingUpload>,
    /// Collaborators per document token.
    pub(crate) permissions: BTreeMap<String, Vec<Member>>,
    /// Wiki spaces and their node trees.
    pub wiki: Wiki,
    /// Comment threads per document token.
    pub(crate) comments: BTreeMap<String, Vec<Thread>>,
}

/// The kind of a cloud object, as permission and search APIs name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjKind {
    Docx,
    Sheet,
    Bitable,
    File,
}

impl ObjKind {
    /// The `type` query value of the permission APIs.
    pub fn perm_type(self) -> &'static str {
        match self {
            ObjKind::Docx => "docx",
            ObjKind::Sheet => "sheet",
            ObjKind::Bitable => "bitable",
            ObjKind::File => "file",
        }
    }

    /// The `doc_types` value of search v2.
    pub fn search_type(self) -> &'static str {
        match self {
            ObjKind::Docx => "DOCX",
            ObjKind::Sheet => "SHEET",
            ObjKind::Bitable => "BITABLE",
            ObjKind::File => "FILE",
        }
    }
}

/// A titled cloud object of the tenant, as search and permissions see it.
#[derive(Debug, Clone)]
pub(crate) struct CloudObject {
    pub token: String,
    pub kind: ObjKind,
    pub title: String,
    pub url: String,
    pub created_ms: i64,
    pub updated_ms: i64,
}

impl Workspace {
    /// The kind of the object behind `token`, if the tenant has one.
    pub fn object_kind(&self, token: &str) -> Option<ObjKind> {
        if self.docs.contains_key(token) {
            Some(ObjKind::Docx)
        } else if self.sheets.contains_key(token) {
            Some(ObjKind::Sheet)
        } else if self.bitables.contains_key(token) {
            Some(ObjKind::Bitable)
        } else if self.files.contains_key(token) {
            Some(ObjKind::File)
        } else {
            None
        }
    }

    /// Every searchable object, newest first.
    pub(crate) fn cloud_objects(&self) -> Vec<CloudObject> {
        let mut out: Vec<CloudObject> = Vec::new();
        for d in self.docs.values() {
            out.push(CloudObject {
                token: d.document_id.clone(),
                kind: ObjKind::Docx,
                title: d.title.clone(),
                url: d.url(),
                created_ms: d.created_ms,
                updated_ms: d.updated_ms,
            });
        }
        for s in self.sheets.values() {
            out.push(CloudObject {
                token: s.token.clone(),
                kind: ObjKind::Sheet,
                title: s.title.clone(),
                url: s.url(),
                created_ms: s.created_ms,
                updated_ms: s.updated_ms,
            });
        }
        for b in self.bitables.values() {
            out.push(CloudObject {
                token: b.app_token.clone(),
                kind: ObjKind::Bitable,
                title: b.name.clone(),
                url: b.url(),
                created_ms: b.created_ms,
                updated_ms: b.created_ms,
            });
        }
        for f in self.files.values() {
            out.push(CloudObject {
                token: f.file_token.clone(),
                kind: ObjKind::File,
                title: f.name.clone(),
                url: f.url(),
                created_ms: f.created_ms,
                updated_ms: f.created_ms,
            });
        }
        out.sort_by(|a, b| b.created_ms.cmp(&a.created_ms).then(a.token.cmp(&b.token)));
        out
    }
}

/// Uploads go up to 20 MB in one request; leave room for the multipart framing.
const BODY_LIMIT: usize = 32 * 1024 * 1024;

/// REST routes under `/open-apis/...`.
pub fn routes() -> Router<Arc<SimState>> {
    Router::new()
        .merge(cardkit::routes())
        .merge(docx::routes())
        .merge(drive::routes())
        .merge(permissions::routes())
        .merge(search::routes())
        .merge(sheets::routes())
        .merge(bitable::routes())
        .merge(records::routes())
        .merge(wiki::routes())
        .merge(comments::routes())
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
}

/// Control routes under `/_sim/apps/{app_id}/...` that read documents, sheets and bitables.
pub fn control_routes() -> Router<Arc<SimState>> {
    control::routes()
}
