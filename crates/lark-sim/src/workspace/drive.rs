//! Drive uploads and downloads (`drive/v1`): media attached to a document block, sheet or
//! bitable (`medias`), and files put into drive folders (`files`), each in one request
//! (`upload_all`, up to 20 MB) or in parts (`upload_prepare` / `upload_part` /
//! `upload_finish`). The declared `size` must match the bytes, as on the platform, and media
//! must name an existing parent: a docx image uploaded here can later replace that block's image.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::Router;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::Workspace;
use super::util::{WEB_HOST, bad, json_body, now_ms, token, ws};
use crate::auth::Tenant;
use crate::error::{ApiError, ok};
use crate::state::SimState;

const PARAMS: i64 = 1061002;
const NOT_FOUND: i64 = 1061003;
const UPLOAD_EXPIRED: i64 = 1061021;
const TOO_BIG: i64 = 1061043;
const NO_PARENT: i64 = 1061044;
const CHECKSUM: i64 = 1062008;
const SIZE_MISMATCH: i64 = 1062009;
const BLOCK_MISSING: i64 = 1062010;
const BLOCK_OUT_OF_BOUNDS: i64 = 1062011;

/// `upload_all` takes at most 20 MB; larger files go through the multipart variant.
const MAX_UPLOAD_ALL: usize = 20 * 1024 * 1024;
/// The part size the platform hands out in `upload_prepare`.
const BLOCK_SIZE: usize = 4 * 1024 * 1024;

const MEDIA_PARENT_TYPES: &[&str] = &[
    "doc_image",
    "docx_image",
    "sheet_image",
    "doc_file",
    "docx_file",
    "sheet_file",
    "bitable_image",
    "bitable_file",
    "vc_virtual_background",
    "moments",
    "ccm_import_open",
];

fn params(msg: impl Into<String>) -> ApiError {
    bad(PARAMS, format!("params error: {}", msg.into()))
}

/// Media uploaded into a document, sheet or bitable.
#[derive(Debug, Clone, Serialize)]
pub struct Media {
    pub file_token: String,
    pub name: String,
    pub parent_type: String,
    pub parent_node: String,
    pub size: usize,
    /// Width and height, when the bytes are a PNG or GIF.
    pub dimensions: Option<(u32, u32)>,
    pub created_ms: i64,
    #[serde(skip)]
    pub bytes: Bytes,
}

/// A file uploaded into a drive folder.
#[derive(Debug, Clone, Serialize)]
pub struct DriveFile {
    pub file_token: String,
    pub name: String,
    pub parent_node: String,
    pub size: usize,
    pub created_ms: i64,
    #[serde(skip)]
    pub bytes: Bytes,
}

impl DriveFile {
    pub fn url(&self) -> String {
        format!("{WEB_HOST}/file/{}", self.file_token)
    }
}

/// A multipart upload between `upload_prepare` and `upload_finish`.
#[derive(Debug, Clone)]
pub struct PendingUpload {
    media: bool,
    file_name: String,
    parent_type: String,
    parent_node: String,
    size: usize,
    block_num: usize,
    parts: BTreeMap<usize, Bytes>,
}

/// Adler-32, the checksum drive uploads carry as a decimal string.
fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in data.chunks(5552) {
        for &x in chunk {
            a += u32::from(x);
            b += a;
        }
        a %= 65521;
        b %= 65521;
    }
    (b << 16) | a
}

fn dimensions(b: &[u8]) -> Option<(u32, u32)> {
    if b.len() >= 24 && b.starts_with(b"\x89PNG\r\n\x1a\n") {
        let w = u32::from_be_bytes(b[16..20].try_into().ok()?);
        let h = u32::from_be_bytes(b[20..24].try_into().ok()?);
        return Some((w, h));
    }
    if b.len() >= 10 && b.starts_with(b"GIF8") {
        let w = u16::from_le_bytes([b[6], b[7]]);
        let h = u16::from_le_bytes([b[8], b[9]]);
        return Some((u32::from(w), u32::from(h)));
    }
    None
}

/// A multipart form: its text fields and the `file` part.
struct Form {
    fields: HashMap<String, String>,
    file: Option<Bytes>,
}

impl Form {
    fn text(&self, k: &str) -> Result<String, ApiError> {
        self.fields
            .get(k)
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .ok_or_else(|| params(format!("{k} is required")))
    }

    fn number(&self, k: &str) -> Result<usize, ApiError> {
        let s = self.text(k)?;
        s.parse()
            .map_err(|_| params(format!("{k} must be a non-negative integer, got {s:?}")))
    }

    fn file(&self) -> Result<Bytes, ApiError> {
        self.file.clone().ok_or_else(|| params("file is required"))
    }
}

async fn read_form(m: Result<Multipart, MultipartRejection>) -> Result<Form, ApiError> {
    let mut m = m.map_err(|e| params(format!("the body must be multipart/form-data: {e}")))?;
    let mut form = Form {
        fields: HashMap::new(),
        file: None,
    };
    while let Some(field) = m
        .next_field()
        .await
        .map_err(|e| params(format!("bad multipart body: {e}")))?
    {
        let name = field.name().unwrap_or("").to_owned();
        if name == "file" {
            let b = field
                .bytes()
                .await
                .map_err(|e| params(format!("reading file: {e}")))?;
            form.file = Some(b);
        } else {
            let t = field
                .text()
                .await
                .map_err(|e| params(format!("reading {name}: {e}")))?;
            form.fields.insert(name, t);
        }
    }
    Ok(form)
}

/// Checks that the bytes are what the form declared.
fn check_bytes(form: &Form, bytes: &[u8], size: usize) -> Result<(), ApiError> {
    if bytes.len() != size {
        return Err(bad(
            SIZE_MISMATCH,
            format!(
                "the actual size is inconsistent with the parameter declaration size: size={size}, received {} bytes",
                bytes.len()
            ),
        ));
    }
    if let Some(c) = form.fields.get("checksum").filter(|c| !c.trim().is_empty())
        && c.trim() != adler32(bytes).to_string()
    {
        return Err(bad(
            CHECKSUM,
            "checksum param Invalid: adler32 of the bytes differs",
        ));
    }
    Ok(())
}

/// The `file` part of an `upload_all` form, checked against the declared `size` (at most
/// 20 MB in one request; larger files go through `upload_prepare`) and `checksum`.
fn upload_all_file(form: &Form) -> Result<Bytes, ApiError> {
    let size = form.number("size")?;
    let bytes = form.file()?;
    if size > MAX_UPLOAD_ALL {
        return Err(bad(
            TOO_BIG,
            "file size beyond limit: upload_all takes at most 20 MB, use upload_prepare",
        ));
    }
    check_bytes(form, &bytes, size)?;
    Ok(bytes)
}

impl Workspace {
    /// Whether media may be attached to `parent_node` as `parent_type`.
    fn check_media_parent(
        &self,
        parent_type: &str,
        parent_node: &str,
        extra: Option<&str>,
    ) -> Result<(), ApiError> {
        if !MEDIA_PARENT_TYPES.contains(&parent_type) {
            return Err(params(format!(
                "parent_type {parent_type:?} is not one of {}",
                MEDIA_PARENT_TYPES.join(", ")
            )));
        }
        let route_doc = extra
            .and_then(|e| serde_json::from_str::<Value>(e).ok())
            .and_then(|v| {
                v.get("drive_route_token")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            });
        let exists = match parent_type {
            "docx_image" | "docx_file" => self.docs.values().any(|d| {
                route_doc.as_deref().is_none_or(|r| r == d.document_id)
                    && d.blocks.contains_key(parent_node)
            }),
            "doc_image" | "doc_file" => false,
            "sheet_image" | "sheet_file" => self.sheets.contains_key(parent_node),
            "bitable_image" | "bitable_file" => self.bitables.contains_key(parent_node),
            _ => true,
        };
        if exists {
            Ok(())
        } else {
            Err(bad(
                NO_PARENT,
                format!(
                    "parent node not exist: no {parent_type} parent {parent_node:?} in this tenant"
                ),
            ))
        }
    }

    fn add_media(
        &mut self,
        name: String,
        parent_type: String,
        parent_node: String,
        bytes: Bytes,
    ) -> String {
        let t = token("boxcn", 22);
        self.medias.insert(
            t.clone(),
            Media {
                file_token: t.clone(),
                name,
                parent_type,
                parent_node,
                size: bytes.len(),
                dimensions: dimensions(&bytes),
                created_ms: now_ms(),
                bytes,
            },
        );
        t
    }

    fn add_file(&mut self, name: String, parent_node: String, bytes: Bytes) -> String {
        let t = token("boxcn", 22);
        self.files.insert(
            t.clone(),
            DriveFile {
                file_token: t.clone(),
                name,
                parent_node,
                size: bytes.len(),
                created_ms: now_ms(),
                bytes,
            },
        );
        t
    }

    /// The bytes of an uploaded media or file.
    pub fn drive_bytes(&self, file_token: &str) -> Option<Bytes> {
        self.medias
            .get(file_token)
            .map(|m| m.bytes.clone())
            .or_else(|| self.files.get(file_token).map(|f| f.bytes.clone()))
    }
}

/// `POST /drive/v1/medias/upload_all`
async fn media_upload_all(
    Tenant(app): Tenant,
    m: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    let form = read_form(m).await?;
    let name = form.text("file_name")?;
    let parent_type = form.text("parent_type")?;
    let parent_node = form.text("parent_node")?;
    let bytes = upload_all_file(&form)?;
    let mut w = ws(&app);
    w.check_media_parent(
        &parent_type,
        &parent_node,
        form.fields.get("extra").map(String::as_str),
    )?;
    let t = w.add_media(name, parent_type, parent_node, bytes);
    Ok(ok(json!({ "file_token": t })))
}

/// `POST /drive/v1/files/upload_all`
async fn file_upload_all(
    Tenant(app): Tenant,
    m: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    let form = read_form(m).await?;
    let name = form.text("file_name")?;
    let parent_type = form.text("parent_type")?;
    if parent_type != "explorer" {
        return Err(params(format!(
            "parent_type must be \"explorer\", got {parent_type:?}"
        )));
    }
    let parent_node = form.text("parent_node")?;
    let bytes = upload_all_file(&form)?;
    let t = ws(&app).add_file(name, parent_node, bytes);
    Ok(ok(json!({ "file_token": t })))
}

#[derive(Deserialize)]
struct Prepare {
    file_name: Option<String>,
    parent_type: Option<String>,
    parent_node: Option<String>,
    size: Option<i64>,
    extra: Option<String>,
}

async fn prepare(
    app: &Arc<crate::state::App>,
    body: &[u8],
    media: bool,
) -> Result<Response, ApiError> {
    let p: Prepare = json_body(body, params)?;
    let need = |v: Option<String>, k: &str| {
        v.filter(|s| !s.is_empty())
            .ok_or_else(|| params(format!("{k} is required")))
    };
    let file_name = need(p.file_name, "file_name")?;
    let parent_type = need(p.parent_type, "parent_type")?;
    let parent_node = need(p.parent_node, "parent_node")?;
    let size = match p.size {
        Some(s) if s > 0 => s as usize,
        _ => return Err(params("size must be a positive integer")),
    };
    let mut w = ws(app);
    if media {
        w.check_media_parent(&parent_type, &parent_node, p.extra.as_deref())?;
    } else if parent_type != "explorer" {
        return Err(params(format!(
            "parent_type must be \"explorer\", got {parent_type:?}"
        )));
    }
    let block_num = size.div_ceil(BLOCK_SIZE);
    let upload_id = token("", 24);
    w.uploads.insert(
        upload_id.clone(),
        PendingUpload {
            media,
            file_name,
            parent_type,
            parent_node,
            size,
            block_num,
            parts: BTreeMap::new(),
        },
    );
    Ok(ok(
        json!({ "upload_id": upload_id, "block_size": BLOCK_SIZE, "block_num": block_num }),
    ))
}

/// `POST /drive/v1/medias/upload_prepare`
async fn media_prepare(Tenant(app): Tenant, body: Bytes) -> Result<Response, ApiError> {
    prepare(&app, &body, true).await
}

/// `POST /drive/v1/files/upload_prepare`
async fn file_prepare(Tenant(app): Tenant, body: Bytes) -> Result<Response, ApiError> {
    prepare(&app, &body, false).await
}

/// `POST /drive/v1/{medias|files}/upload_part`
async fn upload_part(
    Tenant(app): Tenant,
    m: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    let form = read_form(m).await?;
    let upload_id = form.text("upload_id")?;
    let seq = form.number("seq")?;
    let size = form.number("size")?;
    let bytes = form.file()?;
    check_bytes(&form, &bytes, size)?;
    let mut w = ws(&app);
    let up = w.uploads.get_mut(&upload_id).ok_or_else(|| {
        bad(
            UPLOAD_EXPIRED,
            format!("upload id expire: {upload_id} is unknown or finished"),
        )
    })?;
    if seq >= up.block_num {
        return Err(bad(
            BLOCK_OUT_OF_BOUNDS,
            format!(
                "block num out of bounds: seq {seq}, block_num {}",
                up.block_num
            ),
        ));
    }
    up.parts.insert(seq, bytes);
    Ok(ok(json!({})))
}

#[derive(Deserialize)]
struct Finish {
    upload_id: Option<String>,
    block_num: Option<i64>,
}

/// `POST /drive/v1/{medias|files}/upload_finish`
async fn upload_finish(Tenant(app): Tenant, body: Bytes) -> Result<Response, ApiError> {
    let f: Finish = json_body(&body, params)?;
    let upload_id = f.upload_id.unwrap_or_default();
    let mut w = ws(&app);
    let up = w.uploads.get(&upload_id).cloned().ok_or_else(|| {
        bad(
            UPLOAD_EXPIRED,
            format!("upload id expire: {upload_id:?} is unknown or finished"),
        )
    })?;
    if f.block_num != Some(up.block_num as i64) {
        return Err(params(format!(
            "block_num must be {}, got {:?}",
            up.block_num, f.block_num
        )));
    }
    if up.parts.len() != up.block_num {
        return Err(bad(
            BLOCK_MISSING,
            format!(
                "block missing, please upload all blocks: {} of {}",
                up.parts.len(),
                up.block_num
            ),
        ));
    }
    let mut all = Vec::with_capacity(up.size);
    for p in up.parts.values() {
        all.extend_from_slice(p);
    }
    if all.len() != up.size {
        return Err(bad(
            SIZE_MISMATCH,
            format!(
                "the actual size is inconsistent with the parameter declaration size: {} vs {}",
                all.len(),
                up.size
            ),
        ));
    }
    w.uploads.remove(&upload_id);
    let bytes = Bytes::from(all);
    let t = if up.media {
        w.add_media(up.file_name, up.parent_type, up.parent_node, bytes)
    } else {
        w.add_file(up.file_name, up.parent_node, bytes)
    };
    Ok(ok(json!({ "file_token": t })))
}

/// `GET /drive/v1/{medias|files}/{file_token}/download`
async fn download(Tenant(app): Tenant, Path(t): Path<String>) -> Result<Response, ApiError> {
    let w = ws(&app);
    let (name, bytes) = if let Some(m) = w.medias.get(&t) {
        (m.name.clone(), m.bytes.clone())
    } else if let Some(f) = w.files.get(&t) {
        (f.name.clone(), f.bytes.clone())
    } else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            NOT_FOUND,
            format!("not found: file {t}"),
        ));
    };
    let disposition = format!("attachment; filename=\"{}\"", name.replace('"', ""));
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

pub(super) fn routes() -> Router<Arc<SimState>> {
    Router::new()
        .route(
            "/open-apis/drive/v1/medias/upload_all",
            post(media_upload_all),
        )
        .route(
            "/open-apis/drive/v1/medias/upload_prepare",
            post(media_prepare),
        )
        .route("/open-apis/drive/v1/medias/upload_part", post(upload_part))
        .route(
            "/open-apis/drive/v1/medias/upload_finish",
            post(upload_finish),
        )
        .route(
            "/open-apis/drive/v1/medias/{file_token}/download",
            get(download),
        )
        .route(
            "/open-apis/drive/v1/files/upload_all",
            post(file_upload_all),
        )
        .route(
            "/open-apis/drive/v1/files/upload_prepare",
            post(file_prepare),
        )
        .route("/open-apis/drive/v1/files/upload_part", post(upload_part))
        .route(
            "/open-apis/drive/v1/files/upload_finish",
            post(upload_finish),
        )
        .route(
            "/open-apis/drive/v1/files/{file_token}/download",
            get(download),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adler32_matches_the_reference_value() {
        // The example from RFC 1950's usual test: "Wikipedia" -> 0x11E60398.
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
    }
}
