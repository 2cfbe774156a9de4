//! The request headers the webhook checks, taken out of whatever HTTP framework the caller uses.

/// `X-Lark-Request-Timestamp` (seconds), `X-Lark-Request-Nonce`, `X-Lark-Signature`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestHeaders {
    pub timestamp: Option<String>,
    pub nonce: Option<String>,
    pub signature: Option<String>,
}

pub const TIMESTAMP: &str = "X-Lark-Request-Timestamp";
pub const NONCE: &str = "X-Lark-Request-Nonce";
pub const SIGNATURE: &str = "X-Lark-Signature";

impl RequestHeaders {
    pub fn new(
        timestamp: impl Into<String>,
        nonce: impl Into<String>,
        signature: impl Into<String>,
    ) -> Self {
        RequestHeaders {
            timestamp: Some(timestamp.into()),
            nonce: Some(nonce.into()),
            signature: Some(signature.into()),
        }
    }

    /// Reads the three headers (case-insensitively) from an `http` header map.
    pub fn from_http(map: &http::HeaderMap) -> Self {
        let get = |name: &str| {
            map.get(name)
                .and_then(|v| v.to_str().ok())
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
        };
        RequestHeaders {
            timestamp: get(TIMESTAMP),
            nonce: get(NONCE),
            signature: get(SIGNATURE),
        }
    }
}
