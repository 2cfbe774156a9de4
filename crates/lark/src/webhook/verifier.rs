//! The webhook flow (PROTOCOL §3.1) over raw bytes: size limit → decrypt → answer the URL
//! challenge (token checked, no signature) → verify the signature over the raw body (constant
//! time) → replay window on the signed timestamp → verification token → typed envelope.
//!
//! A signed request has its signature checked before anything is decrypted. An unsigned one is
//! decrypted only to see whether it is the (unsigned) URL challenge; anything else then fails for
//! its missing signature. A challenge is answered even if a signature came with it and did not
//! match, as the SDKs never check one there and a refused challenge blocks the app's setup.

use std::time::{Duration, SystemTime};

use serde_json::{Map, Value};
use subtle::ConstantTimeEq;

use super::crypto;
use super::error::WebhookError;
use super::headers::{self, RequestHeaders};
use crate::Secret;
use crate::model::event::{CardActionV1, Envelope, EventError};

/// What a request turned out to be.
#[derive(Debug, Clone)]
pub enum Inbound {
    /// `url_verification`: answer 200 with `response_body` (exactly `{"challenge":"..."}`),
    /// `Content-Type: application/json; charset=utf-8`, within 1 s.
    Challenge {
        challenge: String,
        response_body: String,
    },
    /// An event or a `card.action.trigger` callback. Answer events with
    /// [`super::SUCCESS_BODY`]; answer callbacks with a
    /// [`crate::model::event::CardActionResponse`]'s JSON.
    Event(Box<Envelope>),
    /// A legacy message-card callback (SHA-1 signed with the verification token).
    CardActionV1(Box<CardActionV1>),
}

/// Checks and opens webhook requests for one app.
#[derive(Debug, Clone)]
pub struct WebhookVerifier {
    encrypt_key: Option<Secret>,
    verification_token: Option<Secret>,
    replay_window: Option<Duration>,
    max_body_bytes: usize,
}

impl WebhookVerifier {
    /// Five minutes either side of now, as common for signed webhooks. Whether the platform
    /// re-signs redeliveries with a fresh timestamp is unconfirmed; widen or disable the window
    /// (`replay_window(None)`) if redeliveries are refused as stale.
    pub const DEFAULT_REPLAY_WINDOW: Duration = Duration::from_secs(300);
    /// 1 MiB: the largest message (150 KB of text) is far below this even after base64.
    pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

    /// Empty secrets count as not configured.
    pub fn new(encrypt_key: Option<Secret>, verification_token: Option<Secret>) -> Self {
        WebhookVerifier {
            encrypt_key: encrypt_key.filter(|s| !s.is_empty()),
            verification_token: verification_token.filter(|s| !s.is_empty()),
            replay_window: Some(Self::DEFAULT_REPLAY_WINDOW),
            max_body_bytes: Self::DEFAULT_MAX_BODY_BYTES,
        }
    }

    /// How far the signed `X-Lark-Request-Timestamp` may be from now; `None` disables the check.
    pub fn replay_window(mut self, window: Option<Duration>) -> Self {
        self.replay_window = window;
        self
    }

    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// Checks one request and says what it is. `now` is the time to judge the timestamp by.
    pub fn handle(
        &self,
        headers: &RequestHeaders,
        body: &[u8],
        now: SystemTime,
    ) -> Result<Inbound, WebhookError> {
        if body.len() > self.max_body_bytes {
            return Err(WebhookError::BodyTooLarge {
                size: body.len(),
                limit: self.max_body_bytes,
            });
        }
        let outer = match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(o)) => o,
            _ => return Err(WebhookError::NotJson),
        };
        // Checked up front when signed, so tampered ciphertext is never decrypted.
        let early_sig = match &self.encrypt_key {
            Some(key) if headers.signature.is_some() => {
                Some(self.verify_signature(headers, key, body))
            }
            _ => None,
        };
        let (inner, encrypted) = match self.open(outer) {
            Ok(x) => x,
            Err(e) => return Err(early_sig.and_then(Result::err).unwrap_or(e)),
        };

        if inner.get("type").and_then(Value::as_str) == Some("url_verification") {
            // With a key set the platform encrypts the challenge too; a plaintext one means the
            // key here and the key on the console differ, which the operator must hear about.
            if self.encrypt_key.is_some() && !encrypted {
                return Err(WebhookError::EncryptRequired);
            }
            self.check_token(str_at(&inner, &["token"]), false)?;
            let challenge = str_at(&inner, &["challenge"])
                .ok_or(WebhookError::MissingField("challenge"))?
                .to_owned();
            let response_body = serde_json::json!({ "challenge": challenge }).to_string();
            return Ok(Inbound::Challenge {
                challenge,
                response_body,
            });
        }

        if is_legacy_card(&inner) {
            self.verify_card_v1(headers, body, now)?;
            let card: CardActionV1 = serde_json::from_value(Value::Object(inner))
                .map_err(|_| WebhookError::MissingField("action"))?;
            return Ok(Inbound::CardActionV1(Box::new(card)));
        }

        let signed = match &self.encrypt_key {
            Some(key) => {
                if !encrypted {
                    return Err(WebhookError::EncryptRequired);
                }
                let ts = match early_sig {
                    Some(checked) => checked?,
                    None => self.verify_signature(headers, key, body)?,
                };
                self.check_window(ts, now)?;
                true
            }
            None => false,
        };
        // v2 carries the token in the header, v1 at the top level.
        let token = str_at(&inner, &["header", "token"]).or_else(|| str_at(&inner, &["token"]));
        self.check_token(token, signed)?;
        Envelope::from_value(Value::Object(inner))
            .map(|e| Inbound::Event(Box::new(e)))
            .map_err(|e| match e {
                EventError::NotAnEnvelope | EventError::NotJson => WebhookError::NotAnEvent,
                other => WebhookError::Event(other),
            })
    }

    /// Decrypts `{"encrypt":...}`; returns the plaintext object and whether it was encrypted.
    fn open(&self, outer: Map<String, Value>) -> Result<(Map<String, Value>, bool), WebhookError> {
        let encrypted = match outer.get("encrypt") {
            Some(Value::String(s)) if !s.is_empty() => s,
            _ => return Ok((outer, false)),
        };
        let key = self
            .encrypt_key
            .as_ref()
            .ok_or(WebhookError::NeedEncryptKey)?;
        let plain = crypto::decrypt(key.expose(), encrypted).map_err(WebhookError::Decrypt)?;
        match serde_json::from_str::<Value>(&plain) {
            Ok(Value::Object(o)) => Ok((o, true)),
            _ => Err(WebhookError::DecryptedNotJson),
        }
    }

    /// Verifies `X-Lark-Signature` and returns the signed timestamp (seconds).
    fn verify_signature(
        &self,
        h: &RequestHeaders,
        key: &Secret,
        body: &[u8],
    ) -> Result<u64, WebhookError> {
        let (ts, nonce, sig) = required(h)?;
        if !crypto::verify_signature(ts, nonce, key.expose(), body, sig) {
            return Err(WebhookError::SignatureMismatch);
        }
        ts.trim().parse().map_err(|_| WebhookError::BadTimestamp)
    }

    fn verify_card_v1(
        &self,
        h: &RequestHeaders,
        body: &[u8],
        now: SystemTime,
    ) -> Result<(), WebhookError> {
        let Some(token) = &self.verification_token else {
            // Without a token nothing can check the SHA-1 signature. With an encrypt key set,
            // the operator asked for authenticated requests, so refuse; with no secrets at all
            // (a local test setup) accept, as the SDKs do.
            return match self.encrypt_key {
                Some(_) => Err(WebhookError::CardCallbackUnverifiable),
                None => Ok(()),
            };
        };
        let (ts, nonce, sig) = required(h)?;
        if !crypto::verify_card_signature_v1(ts, nonce, token.expose(), body, sig) {
            return Err(WebhookError::CardSignatureMismatch);
        }
        let ts = ts.trim().parse().map_err(|_| WebhookError::BadTimestamp)?;
        self.check_window(ts, now)
    }

    fn check_window(&self, ts_secs: u64, now: SystemTime) -> Result<(), WebhookError> {
        let Some(window) = self.replay_window else {
            return Ok(());
        };
        let sent = SystemTime::UNIX_EPOCH + Duration::from_secs(ts_secs);
        let skew = now
            .duration_since(sent)
            .or_else(|_| sent.duration_since(now))
            .unwrap_or_default();
        if skew > window {
            return Err(WebhookError::StaleTimestamp { skew, window });
        }
        Ok(())
    }

    /// The token must match when one is configured. A request without one passes only when its
    /// signature was verified (the signature already proves it came from the platform).
    fn check_token(&self, given: Option<&str>, signed: bool) -> Result<(), WebhookError> {
        let Some(want) = &self.verification_token else {
            return Ok(());
        };
        match given.filter(|g| !g.is_empty()) {
            Some(g) => {
                let (a, b) = (g.as_bytes(), want.expose().as_bytes());
                if a.len() == b.len() && bool::from(a.ct_eq(b)) {
                    Ok(())
                } else {
                    Err(WebhookError::TokenMismatch)
                }
            }
            None if signed => Ok(()),
            None => Err(WebhookError::MissingToken),
        }
    }
}

fn required(h: &RequestHeaders) -> Result<(&str, &str, &str), WebhookError> {
    fn get<'a>(v: &'a Option<String>, name: &'static str) -> Result<&'a str, WebhookError> {
        v.as_deref().ok_or(WebhookError::MissingHeader(name))
    }
    Ok((
        get(&h.timestamp, headers::TIMESTAMP)?,
        get(&h.nonce, headers::NONCE)?,
        get(&h.signature, headers::SIGNATURE)?,
    ))
}

fn str_at<'a>(o: &'a Map<String, Value>, path: &[&str]) -> Option<&'a str> {
    let (first, rest) = path.split_first()?;
    let mut v = o.get(*first)?;
    for k in rest {
        v = v.get(k)?;
    }
    v.as_str()
}

/// A legacy card callback is a bare object with an `action` and no envelope keys.
fn is_legacy_card(o: &Map<String, Value>) -> bool {
    o.get("action").is_some_and(Value::is_object)
        && !o.contains_key("schema")
        && !o.contains_key("header")
        && !o.contains_key("uuid")
        && !o.contains_key("event")
}
