//! Every way a webhook request can be wrong, each with the HTTP status to answer.
//!
//! Messages are short and safe to log or send back: they never carry the encrypt key, the
//! verification token, a signature, or any part of the (decrypted) body.

use std::time::Duration;

use super::crypto::DecryptError;
use crate::model::event::EventError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    #[error("request body of {size} bytes exceeds the limit of {limit} bytes")]
    BodyTooLarge { size: usize, limit: usize },
    #[error("request body is not a JSON object")]
    NotJson,
    /// An encrypt key is configured, so the platform encrypts every push; a plaintext or empty
    /// `encrypt` body did not come from it.
    #[error("request is not encrypted, but an encrypt key is configured")]
    EncryptRequired,
    #[error("request is encrypted, but no encrypt key is configured (need encrypt key)")]
    NeedEncryptKey,
    #[error("cannot decrypt the request: {0}")]
    Decrypt(DecryptError),
    #[error("decrypted request is not a JSON object")]
    DecryptedNotJson,
    #[error("missing request header {0}")]
    MissingHeader(&'static str),
    #[error("request header X-Lark-Request-Timestamp is not a number of seconds")]
    BadTimestamp,
    #[error("request timestamp is {skew:?} away from now, outside the replay window of {window:?}")]
    StaleTimestamp { skew: Duration, window: Duration },
    #[error("signature mismatch")]
    SignatureMismatch,
    #[error("legacy card callback signature mismatch")]
    CardSignatureMismatch,
    /// Legacy card callbacks are signed with the verification token; without one configured
    /// they cannot be authenticated while an encrypt key says requests must be.
    #[error("legacy card callback cannot be verified: no verification token is configured")]
    CardCallbackUnverifiable,
    #[error("verification token missing from the request")]
    MissingToken,
    #[error("verification token mismatch")]
    TokenMismatch,
    #[error("request is missing field `{0}`")]
    MissingField(&'static str),
    #[error("request is neither an event, a URL verification nor a card callback")]
    NotAnEvent,
    #[error("{0}")]
    Event(EventError),
}

impl WebhookError {
    /// The status to answer with. The platform redelivers on anything but 200, so statuses only
    /// inform whoever reads the logs: 413 too large, 401 not authentic, 500 our own
    /// misconfiguration, 400 the rest.
    pub fn http_status(&self) -> u16 {
        use WebhookError::*;
        match self {
            BodyTooLarge { .. } => 413,
            MissingHeader(_)
            | StaleTimestamp { .. }
            | SignatureMismatch
            | CardSignatureMismatch
            | CardCallbackUnverifiable
            | MissingToken
            | TokenMismatch
            | EncryptRequired => 401,
            NeedEncryptKey => 500,
            NotJson | Decrypt(_) | DecryptedNotJson | BadTimestamp | MissingField(_)
            | NotAnEvent | Event(_) => 400,
        }
    }

    /// The JSON body to answer with: `{"msg":"<this error>"}`.
    pub fn response_body(&self) -> String {
        serde_json::json!({ "msg": self.to_string() }).to_string()
    }
}
