//! Images and files: multipart upload (`im/v1/images`, `im/v1/files`) within the platform's size
//! limits, and download, including `GET im/v1/messages/:id/resources/:key` with `Range` support.

use std::collections::HashMap;

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde_json::json;

use super::missing;
use super::store::{Resource, ResourceKind};
use crate::auth::Tenant;
use crate::error::{ApiCode, ApiError, ApiResult, ok};
use crate::ids;

pub const IMAGE_LIMIT: usize = 10 * 1024 * 1024;
pub const FILE_LIMIT: usize = 30 * 1024 * 1024;

const IMAGE_TYPES: &[&str] = &["message", "avatar"];
const FILE_TYPES: &[&str] = &["opus", "mp4", "pdf", "doc", "xls", "ppt", "stream"];

fn too_large(limit_mb: usize) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        234006,
        format!("The file size exceeds the limit ({limit_mb} MB)."),
    )
}

fn empty_file() -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, 234010, "The file is empty.")
}

/// Text fields and the one file field of a multipart upload.
struct Form {
    fields: HashMap<String, String>,
    file: Option<(Option<String>, Bytes)>,
}

async fn read_form(mp: Result<Multipart, MultipartRejection>, file_field: &str) -> ApiResult<Form> {
    let mut mp = mp.map_err(|e| {
        ApiError::invalid_param(format!("expected a multipart/form-data body: {e}"))
    })?;
    let mut form = Form {
        fields: HashMap::new(),
        file: None,
    };
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                return Err(ApiError::invalid_param(format!(
                    "malformed multipart body: {e}"
                )));
            }
        };
        let name = field.name().unwrap_or("").to_owned();
        if name == file_field {
            let file_name = field.file_name().map(str::to_owned);
            let bytes = field.bytes().await.map_err(|e| {
                ApiError::invalid_param(format!("reading {file_field} failed: {e}"))
            })?;
            form.file = Some((file_name, bytes));
        } else {
            let text = field.text().await.unwrap_or_default();
            form.fields.insert(name, text);
        }
    }
    Ok(form)
}

/// `POST /open-apis/im/v1/images` (multipart: `image_type`, `image`) → `{image_key}`
pub async fn upload_image(
    Tenant(app): Tenant,
    mp: Result<Multipart, MultipartRejection>,
) -> ApiResult<Response> {
    let form = read_form(mp, "image").await?;
    let image_type = form.fields.get("image_type").cloned().unwrap_or_default();
    if !IMAGE_TYPES.contains(&image_type.as_str()) {
        return Err(ApiError::invalid_param(
            "image_type must be message or avatar",
        ));
    }
    let (_, bytes) = form.file.ok_or_else(|| missing("image"))?;
    if bytes.is_empty() {
        return Err(empty_file());
    }
    if bytes.len() > IMAGE_LIMIT {
        return Err(too_large(10));
    }
    let key = ids::image_key();
    app.im.lock().expect("im lock").resources.insert(
        key.clone(),
        Resource {
            kind: ResourceKind::Image,
            name: format!("{key}.img"),
            file_type: image_type,
            bytes,
        },
    );
    Ok(ok(json!({ "image_key": key })))
}

/// `POST /open-apis/im/v1/files` (multipart: `file_type`, `file_name`, `duration?`, `file`) → `{file_key}`
pub async fn upload_file(
    Tenant(app): Tenant,
    mp: Result<Multipart, MultipartRejection>,
) -> ApiResult<Response> {
    let form = read_form(mp, "file").await?;
    let file_type = form.fields.get("file_type").cloned().unwrap_or_default();
    if !FILE_TYPES.contains(&file_type.as_str()) {
        return Err(ApiError::invalid_param(
            "file_type must be one of opus, mp4, pdf, doc, xls, ppt, stream",
        ));
    }
    let file_name = form
        .fields
        .get("file_name")
        .cloned()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| missing("file_name"))?;
    let (_, bytes) = form.file.ok_or_else(|| missing("file"))?;
    if bytes.is_empty() {
        return Err(empty_file());
    }
    if bytes.len() > FILE_LIMIT {
        return Err(too_large(30));
    }
    let key = ids::file_key();
    app.im.lock().expect("im lock").resources.insert(
        key.clone(),
        Resource {
            kind: ResourceKind::File,
            name: file_name,
            file_type,
            bytes,
        },
    );
    Ok(ok(json!({ "file_key": key })))
}

fn content_type(r: &Resource) -> &'static str {
    let b = &r.bytes;
    if b.starts_with(b"\x89PNG") {
        "image/png"
    } else if b.starts_with(b"\xff\xd8") {
        "image/jpeg"
    } else if b.starts_with(b"GIF8") {
        "image/gif"
    } else if b.starts_with(b"%PDF") {
        "application/pdf"
    } else {
        "application/octet-stream"
    }
}

/// The bytes of a resource, honouring a single `bytes=` range (206) as the platform does.
fn serve(r: &Resource, headers: &HeaderMap) -> Response {
    let total = r.bytes.len();
    let range = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .map(str::trim);
    let (status, body, content_range) = match range.and_then(|v| v.strip_prefix("bytes=")) {
        None => (StatusCode::OK, r.bytes.clone(), None),
        Some(spec) => match parse_range(spec, total) {
            Some((a, b)) => (
                StatusCode::PARTIAL_CONTENT,
                r.bytes.slice(a..=b),
                Some(format!("bytes {a}-{b}/{total}")),
            ),
            None => {
                let mut resp = StatusCode::RANGE_NOT_SATISFIABLE.into_response();
                if let Ok(v) = HeaderValue::from_str(&format!("bytes */{total}")) {
                    resp.headers_mut().insert(header::CONTENT_RANGE, v);
                }
                return resp;
            }
        },
    };
    let mut resp = (status, body).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(r)),
    );
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if let Some(cr) = content_range.and_then(|c| HeaderValue::from_str(&c).ok()) {
        h.insert(header::CONTENT_RANGE, cr);
    }
    let disposition = format!("attachment; filename=\"{}\"", r.name.replace('"', ""));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    resp.extensions_mut().insert(ApiCode(0));
    resp
}

/// `a-b`, `a-` or `-n` within `total` bytes, as an inclusive range.
fn parse_range(spec: &str, total: usize) -> Option<(usize, usize)> {
    if total == 0 || spec.contains(',') {
        return None;
    }
    let (a, b) = spec.split_once('-')?;
    let (start, end) = match (a.trim(), b.trim()) {
        ("", n) => {
            let n: usize = n.parse().ok()?;
            (total.saturating_sub(n), total - 1)
        }
        (a, "") => (a.parse().ok()?, total - 1),
        (a, b) => (a.parse().ok()?, b.parse::<usize>().ok()?.min(total - 1)),
    };
    (start <= end && start < total).then_some((start, end))
}

/// `GET /open-apis/im/v1/messages/:message_id/resources/:file_key?type=image|file`
pub async fn download(
    Tenant(app): Tenant,
    Path((message_id, key)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let kind = match q.get("type").map(String::as_str) {
        Some("image") => ResourceKind::Image,
        Some("file") => ResourceKind::File,
        Some(_) => return Err(ApiError::invalid_param("type must be image or file")),
        None => return Err(missing("type")),
    };
    let store = app.im.lock().expect("im lock");
    let m = store
        .message(&message_id)
        .ok_or_else(|| ApiError::invalid_param(format!("message_id {message_id} not found")))?;
    if m.deleted {
        return Err(super::send::gone(&message_id));
    }
    if !m.content.contains(&key) {
        return Err(ApiError::invalid_param(format!(
            "file_key {key} does not belong to message {message_id}"
        )));
    }
    let r = store
        .resources
        .get(&key)
        .filter(|r| r.kind == kind)
        .ok_or_else(|| ApiError::invalid_param(format!("resource {key} of that type not found")))?;
    Ok(serve(r, &headers))
}

fn download_key(
    app: &crate::state::App,
    key: &str,
    kind: ResourceKind,
    headers: &HeaderMap,
) -> ApiResult<Response> {
    let store = app.im.lock().expect("im lock");
    let r = store
        .resources
        .get(key)
        .filter(|r| r.kind == kind)
        .ok_or_else(|| ApiError::invalid_param(format!("{key} not found")))?;
    Ok(serve(r, headers))
}

/// `GET /open-apis/im/v1/images/:image_key` (images the bot uploaded)
pub async fn download_image(
    Tenant(app): Tenant,
    Path(key): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    download_key(&app, &key, ResourceKind::Image, &headers)
}

/// `GET /open-apis/im/v1/files/:file_key` (files the bot uploaded)
pub async fn download_file(
    Tenant(app): Tenant,
    Path(key): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    download_key(&app, &key, ResourceKind::File, &headers)
}

#[cfg(test)]
mod tests {
    use super::parse_range;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("0-3", 10), Some((0, 3)));
        assert_eq!(parse_range("5-", 10), Some((5, 9)));
        assert_eq!(parse_range("-4", 10), Some((6, 9)));
        assert_eq!(parse_range("8-100", 10), Some((8, 9)));
        assert_eq!(parse_range("12-", 10), None);
        assert_eq!(parse_range("x-1", 10), None);
    }
}
