//! Webhook mode: pure functions over the raw request bytes. No HTTP framework inside; the
//! gateway's server hands the body and headers to [`WebhookVerifier::handle`] and sends back
//! what comes out: a challenge answer, [`SUCCESS_BODY`] after an event, a card callback's
//! response, or an error's [`WebhookError::http_status`] and [`WebhookError::response_body`].

pub mod crypto;
mod error;
mod headers;
mod verifier;

pub use error::WebhookError;
pub use headers::{NONCE, RequestHeaders, SIGNATURE, TIMESTAMP};
pub use verifier::{Inbound, WebhookVerifier};

/// The body of a 200 answer to an event.
pub const SUCCESS_BODY: &str = r#"{"msg":"success"}"#;

/// The `Content-Type` of every answer.
pub const CONTENT_TYPE: &str = "application/json; charset=utf-8";

/// The body of a 200 answer to an event, `{"msg":"success"}`.
pub fn success_body() -> &'static str {
    SUCCESS_BODY
}
