//! Incoming custom-bot webhooks: posting into one group through the URL a group's "Custom Bot"
//! gives (`https://open.feishu.cn/open-apis/bot/v2/hook/<id>`), without an app.
//!
//! The URL is a credential (anyone holding it can post), and so is the optional signing secret:
//! both are kept as [`Secret`], never appear in `Debug` output or errors, and network errors are
//! stripped of the URL.
//!
//! With a secret, each request carries `timestamp` (seconds) and
//! `sign = base64(HMAC-SHA256(key = "<timestamp>\n<secret>", message = ""))`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::Sha256;

use crate::error::{ApiError, Error, Result};
use crate::model::content::{Card, Content};
use crate::secret::Secret;

/// A custom bot of one group.
#[derive(Clone)]
pub struct CustomBot {
    url: Secret,
    secret: Option<Secret>,
    http: reqwest::Client,
}

impl std::fmt::Debug for CustomBot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CustomBot")
            .field("url", &self.url)
            .field("secret", &self.secret)
            .finish()
    }
}

/// `sign` for `timestamp` (seconds since the epoch) and the bot's signing secret.
pub fn sign(timestamp: u64, secret: &Secret) -> String {
    let key = format!("{timestamp}\n{}", secret.expose());
    // HMAC accepts keys of any length, so this cannot fail.
    let mac = Hmac::<Sha256>::new_from_slice(key.as_bytes())
        .map(|m| m.finalize().into_bytes().to_vec())
        .unwrap_or_default();
    base64::engine::general_purpose::STANDARD.encode(mac)
}

/// The answer of a hook: `{code, msg}` or, from older deployments, `{StatusCode, StatusMessage}`.
#[derive(Deserialize, Default)]
struct HookAnswer {
    #[serde(default)]
    code: Option<i64>,
    #[serde(default)]
    msg: Option<String>,
    #[serde(default, rename = "StatusCode")]
    status_code: Option<i64>,
    #[serde(default, rename = "StatusMessage")]
    status_message: Option<String>,
}

impl CustomBot {
    /// A bot posting to `url`, signing requests when `secret` is given.
    pub fn new(url: impl Into<Secret>, secret: Option<Secret>) -> Result<CustomBot> {
        let url = url.into();
        if !(url.expose().starts_with("https://") || url.expose().starts_with("http://")) {
            return Err(Error::Config(
                "the custom bot webhook URL must start with https:// (copy it from the group's bot settings)".into(),
            ));
        }
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?;
        Ok(CustomBot {
            url,
            secret: secret.filter(|s| !s.is_empty()),
            http,
        })
    }

    /// The request body for `content`, signed when a secret is set.
    pub fn body(&self, content: &Content, now: SystemTime) -> Result<Value> {
        content.check_size()?;
        let mut body = match content {
            Content::Text(t) => json!({ "msg_type": "text", "content": { "text": t.as_str() } }),
            Content::Post(p) => json!({ "msg_type": "post", "content": { "post": p } }),
            Content::Image { image_key } => {
                json!({ "msg_type": "image", "content": { "image_key": image_key } })
            }
            Content::ShareChat { chat_id } => {
                json!({ "msg_type": "share_chat", "content": { "share_chat_id": chat_id } })
            }
            Content::Interactive(Card::Json(card)) => {
                json!({ "msg_type": "interactive", "card": card })
            }
            other => {
                return Err(Error::InvalidArgument(format!(
                    "a custom bot cannot send {} messages (text, post, image, share_chat and card JSON only)",
                    other.msg_type()
                )));
            }
        };
        if let Some(secret) = &self.secret {
            let ts = now.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
            body["timestamp"] = Value::String(ts.to_string());
            body["sign"] = Value::String(sign(ts, secret));
        }
        Ok(body)
    }

    /// Posts `content` to the group. Not retried: the hook has no idempotency key.
    pub async fn send(&self, content: &Content) -> Result<()> {
        let body = self.body(content, SystemTime::now())?;
        let resp = self
            .http
            .post(self.url.expose())
            .json(&body)
            .send()
            .await
            .map_err(Error::network)?;
        let status = resp.status().as_u16();
        let log_id = crate::http::log_id_of(resp.headers());
        let bytes = resp.bytes().await.map_err(Error::network)?;
        let answer: HookAnswer = serde_json::from_slice(&bytes).map_err(|_| Error::Decode {
            status,
            // Never the URL: it is the credential.
            path: "custom bot webhook".into(),
            snippet: crate::http::snippet(&bytes),
        })?;
        let code = answer.code.or(answer.status_code).unwrap_or(0);
        if code == 0 && (200..300).contains(&status) {
            return Ok(());
        }
        Err(Error::Api(Box::new(ApiError {
            code: if code == 0 { -i64::from(status) } else { code },
            msg: answer.msg.or(answer.status_message).unwrap_or_default(),
            log_id,
            http_status: status,
            permission_violations: Vec::new(),
        })))
    }

    /// Posts a text message.
    pub async fn send_text(&self, text: &str) -> Result<()> {
        self.send(&Content::text(text)).await
    }

    /// Posts a card (card JSON v1 or v2).
    pub async fn send_card(&self, card: &Value) -> Result<()> {
        self.send(&Content::Interactive(Card::Json(card.clone())))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_is_hmac_of_an_empty_message_keyed_by_timestamp_and_secret() {
        // Computed independently with Python's hmac module over the same key and an empty message.
        assert_eq!(
            sign(1599360473, &Secret::new("demo")),
            "l1N0gAcBjdwBvGm1xMjOF0XSyaLRpR7tuO5dHfhAYc8="
        );
    }

    #[test]
    fn bodies() {
        let bot = CustomBot::new("https://example.com/open-apis/bot/v2/hook/x", None).unwrap();
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(
            bot.body(&Content::text("hi"), now).unwrap().to_string(),
            r#"{"content":{"text":"hi"},"msg_type":"text"}"#
        );
        let card = json!({"elements":[]});
        assert_eq!(
            bot.body(&Content::card(card), now).unwrap().to_string(),
            r#"{"card":{"elements":[]},"msg_type":"interactive"}"#
        );
        assert!(bot.body(&Content::file("f"), now).is_err());
        let signed = CustomBot::new(
            "https://example.com/open-apis/bot/v2/hook/x",
            Some(Secret::new("demo")),
        )
        .unwrap();
        let b = signed.body(&Content::text("hi"), now).unwrap();
        assert_eq!(b["timestamp"], "1700000000");
        assert_eq!(b["sign"], sign(1_700_000_000, &Secret::new("demo")));
    }

    #[test]
    fn debug_hides_url_and_secret() {
        let bot = CustomBot::new(
            "https://example.com/open-apis/bot/v2/hook/abc-secret-hook",
            Some(Secret::new("signing-secret")),
        )
        .unwrap();
        let dbg = format!("{bot:?}");
        assert!(
            !dbg.contains("abc-secret-hook") && !dbg.contains("signing-secret"),
            "{dbg}"
        );
        let err = CustomBot::new("ftp://hook/abc-secret-hook", None).unwrap_err();
        assert!(!err.to_string().contains("abc-secret-hook"));
    }
}
