//! Paging: one page as a value, and every page as a `Stream` of items.
//!
//! The platform pages with `page_token` + `has_more`. The stream stops when `has_more` is false,
//! and also when a page claims more but gives no new token, so a misbehaving server cannot make
//! it loop forever.

use std::future::Future;

use futures::stream::{self, Stream, StreamExt, TryStreamExt};
use serde::Deserialize;

use crate::error::Result;

/// One page of a listing.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
pub struct Page<T> {
    /// `null` on the wire for an empty page.
    #[serde(default, deserialize_with = "super::de::null_as_default")]
    pub items: Vec<T>,
    #[serde(default)]
    pub has_more: bool,
    #[serde(default)]
    pub page_token: Option<String>,
}

impl<T> Page<T> {
    /// The token of the next page, when there is one.
    pub fn next_token(&self) -> Option<&str> {
        self.page_token
            .as_deref()
            .filter(|t| self.has_more && !t.is_empty())
    }
}

/// Every item of every page; `fetch` gets the token of the page to load (`None` for the first).
pub(crate) fn paginate<T, F, Fut>(fetch: F) -> impl Stream<Item = Result<T>> + Send
where
    T: Send + 'static,
    F: FnMut(Option<String>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Page<T>>> + Send,
{
    // State: the fetcher, and the token of the next page (`None` once the end is reached).
    stream::try_unfold(
        (fetch, Some(None::<String>)),
        |(mut fetch, next)| async move {
            let Some(token) = next else {
                return Ok::<_, crate::error::Error>(None);
            };
            let page = fetch(token.clone()).await?;
            let following = page
                .next_token()
                .filter(|t| Some(*t) != token.as_deref())
                .map(|t| Some(t.to_owned()));
            Ok(Some((page.items, (fetch, following))))
        },
    )
    .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
    .try_flatten()
    .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn follows_tokens_and_stops_on_a_repeated_one() {
        let pages = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = pages.clone();
        let s = paginate(move |tok: Option<String>| {
            seen.lock().unwrap().push(tok.clone());
            async move {
                Ok(match tok.as_deref() {
                    None => Page {
                        items: vec![1, 2],
                        has_more: true,
                        page_token: Some("a".into()),
                    },
                    // Claims more but repeats its own token: must end here.
                    _ => Page {
                        items: vec![3],
                        has_more: true,
                        page_token: Some("a".into()),
                    },
                })
            }
        });
        let all: Vec<i32> = s.try_collect().await.unwrap();
        assert_eq!(all, vec![1, 2, 3]);
        assert_eq!(*pages.lock().unwrap(), vec![None, Some("a".to_string())]);
    }

    #[test]
    fn null_items_is_an_empty_page() {
        let p: Page<i32> =
            serde_json::from_str(r#"{"items":null,"has_more":false,"page_token":""}"#).unwrap();
        assert!(p.items.is_empty());
        assert_eq!(p.next_token(), None);
    }
}
