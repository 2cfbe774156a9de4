//! Small helpers shared by the workspace handlers: body and query parsing that answers in the
//! caller's error family, platform-shaped tokens, clocks and paging.

use std::collections::HashMap;
use std::sync::{Arc, MutexGuard};

use axum::http::StatusCode;
use rand::Rng;
use rand::distr::Alphanumeric;
use serde::de::DeserializeOwned;

use super::Workspace;
use crate::error::ApiError;
use crate::state::App;

/// The app's workspace. A poisoned lock only means another handler panicked mid-update; the
/// state is still the best we have, so keep serving it.
pub(crate) fn ws(app: &Arc<App>) -> MutexGuard<'_, Workspace> {
    app.workspace.lock().unwrap_or_else(|e| e.into_inner())
}

/// Parses a JSON body, answering malformed input with the family's error.
pub(crate) fn json_body<T: DeserializeOwned>(
    body: &[u8],
    err: impl Fn(String) -> ApiError,
) -> Result<T, ApiError> {
    if body.is_empty() {
        return serde_json::from_slice(b"{}").map_err(|e| err(format!("request body: {e}")));
    }
    serde_json::from_slice(body).map_err(|e| err(format!("request body is not valid: {e}")))
}

/// The query string as a map (later keys win).
pub(crate) fn query_map(raw: Option<String>) -> HashMap<String, String> {
    raw.map(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .into_owned()
            .collect()
    })
    .unwrap_or_default()
}

/// A random token such as `doxcnAbC...`: a prefix and base62 characters.
pub(crate) fn token(prefix: &str, len: usize) -> String {
    let tail: String = rand::rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect();
    format!("{prefix}{tail}")
}

/// A random lowercase hex id of `len` characters.
pub(crate) fn hex_id(len: usize) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| char::from_digit(rng.random_range(0..16), 16).unwrap_or('0'))
        .collect()
}

/// A random decimal id of 19 digits, like CardKit's card ids.
pub(crate) fn numeric_id() -> String {
    let mut rng = rand::rng();
    let mut s = String::from("7");
    for _ in 0..18 {
        s.push(char::from(b'0' + rng.random_range(0..10u8)));
    }
    s
}

pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// One page of `items`, with the platform's `has_more` and an opaque `page_token`.
pub(crate) struct Page<T> {
    pub items: Vec<T>,
    pub has_more: bool,
    pub page_token: Option<String>,
}

/// Cuts a page out of `items`. `page_token` is the one a previous page returned; a token this
/// simulator never issued is an error (`None`).
pub(crate) fn paginate<T: Clone>(
    items: &[T],
    page_size: usize,
    page_token: Option<&str>,
) -> Option<Page<T>> {
    let start = match page_token.filter(|t| !t.is_empty()) {
        None => 0,
        Some(t) => t.strip_prefix("pt")?.parse::<usize>().ok()?,
    };
    let size = page_size.max(1);
    let end = (start + size).min(items.len());
    let slice = if start < items.len() {
        items[start..end].to_vec()
    } else {
        Vec::new()
    };
    let has_more = end < items.len();
    Some(Page {
        items: slice,
        has_more,
        page_token: has_more.then(|| format!("pt{end}")),
    })
}

/// `page_size` from the query: default when absent, an error when not a number or out of
/// `1..=max`.
pub(crate) fn page_size(
    q: &HashMap<String, String>,
    default: usize,
    max: usize,
) -> Result<usize, String> {
    match q
        .get("page_size")
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
    {
        None => Ok(default),
        Some(s) => match s.parse::<usize>() {
            Ok(0) => Ok(default),
            Ok(n) if n <= max => Ok(n),
            _ => Err(format!(
                "page_size must be a number between 1 and {max}, got {s:?}"
            )),
        },
    }
}

/// An HTTP-400 error with the family's code.
pub(crate) fn bad(code: i64, msg: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, code, msg)
}

/// An error the platform answers with HTTP 200 and a non-zero code (the bitable family).
pub(crate) fn soft(code: i64, msg: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::OK, code, msg)
}

/// A host for the web URLs of documents, so links look like the platform's.
pub(crate) const WEB_HOST: &str = "https://sim.feishu.cn";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_walk_the_whole_list_and_reject_foreign_tokens() {
        let items: Vec<u32> = (0..5).collect();
        let p1 = paginate(&items, 2, None).unwrap();
        assert_eq!(p1.items, vec![0, 1]);
        assert!(p1.has_more);
        let p2 = paginate(&items, 2, p1.page_token.as_deref()).unwrap();
        let p3 = paginate(&items, 2, p2.page_token.as_deref()).unwrap();
        assert_eq!(p3.items, vec![4]);
        assert!(!p3.has_more && p3.page_token.is_none());
        assert!(paginate(&items, 2, Some("bogus")).is_none());
    }
}
