//! The HTTP side both providers share: one POST that expects an event stream, its failure
//! classified (status, `retry-after`, the provider's error text scrubbed of the key), and the
//! body turned into [`SseEvent`]s.

use std::time::{Duration, SystemTime};

use futures::StreamExt;
use futures::stream::BoxStream;
use serde_json::Value;

use super::provider::ProviderError;
use super::sse::{SseEvent, SseParser};
use crate::credentials::ApiKey;

/// How much of an error body is read and kept.
const ERROR_BODY_MAX: usize = 16 * 1024;
const ERROR_TEXT_MAX: usize = 300;

/// A client for model calls: a short connect timeout, and a read timeout per chunk so a stream
/// that goes silent is noticed (and retried) instead of hanging the turn.
pub(crate) fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(15))
        .read_timeout(Duration::from_secs(120))
        .build()
        .unwrap_or_default()
}

/// Posts `body` and returns the event stream of a 2xx answer.
pub(crate) async fn post_stream(
    provider: &'static str,
    req: reqwest::RequestBuilder,
    key: &ApiKey,
    body: &Value,
) -> Result<BoxStream<'static, Result<SseEvent, ProviderError>>, ProviderError> {
    let resp = req
        .header("content-type", "application/json")
        .header("accept", "text/event-stream")
        .body(body.to_string())
        .send()
        .await
        .map_err(|e| ProviderError::Network {
            provider,
            message: scrub(&without_url(&e), key),
        })?;
    let status = resp.status().as_u16();
    if !(200..300).contains(&status) {
        let retry_after = retry_after(resp.headers());
        let text = read_capped(resp).await;
        return Err(ProviderError::Http {
            provider,
            status,
            message: scrub(&error_text(&text), key),
            retry_after,
        });
    }
    Ok(events(provider, resp, key.clone()))
}

/// The body as SSE events; a transport error mid-body is a dropped stream.
fn events(
    provider: &'static str,
    resp: reqwest::Response,
    key: ApiKey,
) -> BoxStream<'static, Result<SseEvent, ProviderError>> {
    let bytes = resp.bytes_stream();
    let state = (
        bytes,
        SseParser::new(),
        std::collections::VecDeque::new(),
        false,
    );
    futures::stream::unfold(state, move |(mut bytes, mut parser, mut queue, ended)| {
        let key = key.clone();
        async move {
            loop {
                if let Some(ev) = queue.pop_front() {
                    return Some((Ok(ev), (bytes, parser, queue, ended)));
                }
                if ended {
                    return None;
                }
                match bytes.next().await {
                    Some(Ok(chunk)) => match parser.push(&chunk) {
                        Ok(evs) => queue.extend(evs),
                        Err(message) => {
                            let e = ProviderError::Protocol { provider, message };
                            return Some((Err(e), (bytes, parser, queue, true)));
                        }
                    },
                    Some(Err(e)) => {
                        let e = ProviderError::Dropped {
                            provider,
                            message: scrub(&without_url(&e), &key),
                        };
                        return Some((Err(e), (bytes, parser, queue, true)));
                    }
                    None => {
                        parser.finish();
                        return None;
                    }
                }
            }
        }
    })
    .boxed()
}

async fn read_capped(mut resp: reqwest::Response) -> String {
    let mut buf = Vec::new();
    while let Ok(Some(chunk)) = resp.chunk().await {
        buf.extend_from_slice(&chunk);
        if buf.len() >= ERROR_BODY_MAX {
            break;
        }
    }
    buf.truncate(ERROR_BODY_MAX);
    String::from_utf8_lossy(&buf).into_owned()
}

/// The provider's own words: `{"error":{"type","message"}}` (both providers), else the body.
fn error_text(body: &str) -> String {
    let parsed: Option<Value> = serde_json::from_str(body).ok();
    let from_json = parsed.as_ref().and_then(|v| {
        let e = v.get("error")?;
        let message = e
            .get("message")
            .and_then(Value::as_str)
            .or_else(|| e.as_str())?;
        Some(match e.get("type").and_then(Value::as_str) {
            Some(kind) => format!("{kind}: {message}"),
            None => message.to_owned(),
        })
    });
    let text = from_json.unwrap_or_else(|| body.trim().to_owned());
    let mut text: String = text.chars().take(ERROR_TEXT_MAX).collect();
    if text.is_empty() {
        text = "(no details)".into();
    }
    text
}

/// Removes the key, and anything that looks like a key, from text that will be logged.
pub(crate) fn scrub(text: &str, key: &ApiKey) -> String {
    let mut out = text.to_owned();
    if !key.expose().is_empty() {
        out = out.replace(key.expose(), "<redacted>");
    }
    // OpenAI echoes a masked key ("Incorrect API key provided: sk-abc***xyz"): drop such words.
    out.split(' ')
        .map(|w| {
            if w.starts_with("sk-") && w.len() > 8 {
                "<redacted>"
            } else {
                w
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A reqwest error without its URL (a base URL may carry credentials in its query).
fn without_url(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection failed"
    } else if e.is_body() || e.is_decode() {
        "the response body broke off"
    } else {
        "request failed"
    };
    let mut source = std::error::Error::source(e);
    let mut detail = String::new();
    while let Some(s) = source {
        detail = s.to_string();
        source = s.source();
    }
    if detail.is_empty() {
        kind.to_owned()
    } else {
        format!("{kind} ({detail})")
    }
}

/// `retry-after` (seconds or an HTTP date) or OpenAI's `retry-after-ms`, as a wait from now.
fn retry_after(h: &reqwest::header::HeaderMap) -> Option<Duration> {
    retry_after_at(h, SystemTime::now())
}

/// [`retry_after`] with the current time given: an HTTP date (RFC 7231 IMF-fixdate, or the
/// obsolete RFC 850 and asctime forms) becomes the time left until then, zero if it is past.
/// The retry policy's maximum wait still bounds it (see `run::backoff`). A value that is
/// neither a number nor a date is ignored (the policy's own backoff applies).
pub(super) fn retry_after_at(h: &reqwest::header::HeaderMap, now: SystemTime) -> Option<Duration> {
    if let Some(ms) = h
        .get("retry-after-ms")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok())
    {
        return Duration::try_from_secs_f64(ms / 1000.0).ok();
    }
    let v = h.get("retry-after")?.to_str().ok()?.trim();
    if let Ok(secs) = v.parse::<f64>() {
        return Duration::try_from_secs_f64(secs).ok();
    }
    let at = httpdate::parse_http_date(v).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_texts_are_short_and_keyless() {
        let key = ApiKey::new("sk-live-123456789");
        let body = r#"{"error":{"type":"invalid_request_error","message":"Incorrect API key provided: sk-live-123456789 and sk-li***789."}}"#;
        let text = scrub(&error_text(body), &key);
        assert!(!text.contains("123456789"), "{text}");
        assert!(text.starts_with("invalid_request_error: Incorrect API key"));
        assert_eq!(error_text(""), "(no details)");
        assert_eq!(error_text(&"x".repeat(1000)).len(), ERROR_TEXT_MAX);
    }

    fn headers(pairs: &[(&'static str, &str)]) -> reqwest::header::HeaderMap {
        let mut h = reqwest::header::HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn retry_after_as_an_http_date_is_the_time_left_until_then() {
        // Wed, 21 Oct 2015 07:28:00 GMT
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480);
        let date = headers(&[("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")]);
        let now = at - Duration::from_secs(42);
        assert_eq!(retry_after_at(&date, now), Some(Duration::from_secs(42)));
        let now = at - Duration::from_millis(1500);
        assert_eq!(
            retry_after_at(&date, now),
            Some(Duration::from_millis(1500))
        );
        // Already past: retry at once.
        let now = at + Duration::from_secs(10);
        assert_eq!(retry_after_at(&date, now), Some(Duration::ZERO));
        // The obsolete forms HTTP also allows.
        let now = at - Duration::from_secs(7);
        for v in [
            "Wednesday, 21-Oct-15 07:28:00 GMT",
            "Wed Oct 21 07:28:00 2015",
        ] {
            let h = headers(&[("retry-after", v)]);
            assert_eq!(retry_after_at(&h, now), Some(Duration::from_secs(7)), "{v}");
        }
    }

    #[test]
    fn retry_after_in_seconds_or_ms_and_garbage() {
        let now = SystemTime::UNIX_EPOCH;
        let h = headers(&[("retry-after", " 3 ")]);
        assert_eq!(retry_after_at(&h, now), Some(Duration::from_secs(3)));
        let h = headers(&[("retry-after", "3"), ("retry-after-ms", "250")]);
        assert_eq!(retry_after_at(&h, now), Some(Duration::from_millis(250)));
        let h = headers(&[("retry-after", "soon")]);
        assert_eq!(retry_after_at(&h, now), None);
        assert_eq!(retry_after_at(&headers(&[]), now), None);
    }
}

/// Where a provider is and what it answers as: the model, the API root (no trailing slash), the
/// key and the HTTP client. Both providers are built on one.
#[derive(Debug, Clone)]
pub(crate) struct Endpoint {
    pub model: String,
    pub base_url: String,
    pub key: crate::credentials::KeySource,
    pub http: reqwest::Client,
}

impl Endpoint {
    pub fn new(
        model: Option<String>,
        base_url: Option<String>,
        key: crate::credentials::KeySource,
        default_model: &str,
        default_base_url: &str,
    ) -> Endpoint {
        Endpoint {
            model: model.unwrap_or_else(|| default_model.to_owned()),
            base_url: base_url
                .unwrap_or_else(|| default_base_url.to_owned())
                .trim_end_matches('/')
                .to_owned(),
            key,
            http: client(),
        }
    }
}
