//! IM: chats, messages, reactions, pins, images, files and resources, under `/open-apis/im/v1`,
//! plus `bot/v3/info`. State lives in [`store::ImStore`], one per app (tenant).

pub mod chats;
pub mod media;
pub mod messages;
pub mod pins;
pub mod reactions;
pub mod relay;
pub mod send;
pub mod store;
pub mod view;

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use serde::de::DeserializeOwned;

use crate::error::{ApiError, ApiResult};
use crate::state::SimState;
pub use store::ImStore;

/// Files go up to 30 MB; leave room for the multipart framing so the size check, not the body
/// limit, answers an oversized upload.
const BODY_LIMIT: usize = 40 * 1024 * 1024;

pub fn routes() -> Router<Arc<SimState>> {
    Router::new()
        .route(
            "/open-apis/im/v1/messages",
            post(send::send).get(messages::list),
        )
        .route(
            "/open-apis/im/v1/messages/{message_id}",
            get(messages::get)
                .put(messages::edit)
                .patch(messages::patch_card)
                .delete(messages::recall),
        )
        .route(
            "/open-apis/im/v1/messages/{message_id}/reply",
            post(send::reply),
        )
        .route(
            "/open-apis/im/v1/messages/{message_id}/reactions",
            post(reactions::create).get(reactions::list),
        )
        .route(
            "/open-apis/im/v1/messages/{message_id}/reactions/{reaction_id}",
            delete(reactions::delete),
        )
        .route(
            "/open-apis/im/v1/messages/{message_id}/resources/{file_key}",
            get(media::download),
        )
        .route("/open-apis/im/v1/pins", post(pins::create).get(pins::list))
        .route("/open-apis/im/v1/pins/{message_id}", delete(pins::delete))
        .route("/open-apis/im/v1/chats", get(chats::list))
        .route("/open-apis/im/v1/chats/{chat_id}", get(chats::info))
        .route(
            "/open-apis/im/v1/chats/{chat_id}/members",
            get(chats::members),
        )
        .route("/open-apis/im/v1/images", post(media::upload_image))
        .route(
            "/open-apis/im/v1/images/{image_key}",
            get(media::download_image),
        )
        .route("/open-apis/im/v1/files", post(media::upload_file))
        .route(
            "/open-apis/im/v1/files/{file_key}",
            get(media::download_file),
        )
        .route("/open-apis/bot/v3/info", get(chats::bot_info))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
}

/// Parses a JSON body; a malformed one or a missing field is the platform's 400.
pub(crate) fn json_body<T: DeserializeOwned>(body: &[u8]) -> ApiResult<T> {
    serde_json::from_slice(body).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            99992402,
            format!("field validation failed: {e}"),
        )
    })
}

pub(crate) fn missing(field: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        99992402,
        format!("field validation failed: {field} is required"),
    )
}

/// Paging shared by list endpoints: `page_size` (default 20, at most `max`) and an opaque
/// `page_token` that is really an offset.
pub(crate) struct Page {
    pub offset: usize,
    pub size: usize,
}

impl Page {
    pub fn from_query(q: &HashMap<String, String>, max: usize) -> ApiResult<Page> {
        let size = match q.get("page_size").filter(|s| !s.is_empty()) {
            Some(s) => s
                .parse::<usize>()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| ApiError::invalid_param("page_size is invalid"))?
                .min(max),
            None => 20.min(max),
        };
        let offset = match q.get("page_token").filter(|s| !s.is_empty()) {
            Some(t) => {
                decode_token(t).ok_or_else(|| ApiError::invalid_param("page_token is invalid"))?
            }
            None => 0,
        };
        Ok(Page { offset, size })
    }

    /// The page of `items`, whether more follow, and the token for the next page.
    pub fn slice<T: Clone>(&self, items: &[T]) -> (Vec<T>, bool, Option<String>) {
        let end = (self.offset + self.size).min(items.len());
        let page = items
            .get(self.offset.min(items.len())..end)
            .unwrap_or(&[])
            .to_vec();
        let has_more = end < items.len();
        (page, has_more, has_more.then(|| encode_token(end)))
    }
}

fn encode_token(offset: usize) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("offset:{offset}"))
}

fn decode_token(token: &str) -> Option<usize> {
    use base64::Engine;
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token)
        .ok()?;
    String::from_utf8(raw)
        .ok()?
        .strip_prefix("offset:")?
        .parse()
        .ok()
}
