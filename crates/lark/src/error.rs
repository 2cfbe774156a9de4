//! The client's one error type. Its variants are the ones a caller acts on: a token problem is
//! refreshed and retried inside the client, a rate limit carries the time to wait, a target that
//! is gone (recalled, deleted) is told apart so a reply can fall back to a plain send.

use std::time::Duration;

/// What went wrong talking to the platform.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The platform answered with a non-zero `code`.
    #[error("{0}")]
    Api(Box<ApiError>),
    /// 99991400 or HTTP 429 still present after the client's bounded retries.
    #[error(
        "rate limited by the platform (code {code}); retry after {retry_after:?} (log_id {log_id})"
    )]
    RateLimited {
        code: i64,
        retry_after: Duration,
        log_id: String,
    },
    /// The request never got an answer (connect, TLS, timeout). Never carries the URL.
    #[error("network error: {0}")]
    Network(String),
    /// An answer that is not the platform's JSON envelope.
    #[error("unexpected response (HTTP {status}) from {path}: {snippet}")]
    Decode {
        status: u16,
        path: String,
        snippet: String,
    },
    /// A call the client refuses before sending it (too large, empty, malformed id...).
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// Missing or unusable configuration (credentials, base URL).
    #[error("{0}")]
    Config(String),
    /// Reading or writing a local file (uploads, downloads).
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A non-zero answer of the platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: i64,
    pub msg: String,
    /// From the `X-Tt-Logid` header or `error.log_id`; quote it to Lark support.
    pub log_id: String,
    pub http_status: u16,
    /// Scopes the app lacks, from `error.permission_violations`.
    pub permission_violations: Vec<PermissionViolation>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct PermissionViolation {
    #[serde(default, rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub subject: String,
}

/// Codes after which a refreshed tenant token makes the same request succeed.
pub const TOKEN_INVALID_CODES: [i64; 3] = [99991663, 99991664, 99991671];

impl ApiError {
    pub fn is_token_invalid(&self) -> bool {
        TOKEN_INVALID_CODES.contains(&self.code)
    }

    pub fn is_rate_limited(&self) -> bool {
        self.code == 99991400 || self.http_status == 429
    }

    /// The message replied to is gone (recalled or deleted): send without replying instead.
    pub fn is_target_gone(&self) -> bool {
        matches!(self.code, 230011 | 231003 | 230017)
    }

    /// What a user should do about the code, for the codes people meet when setting up a bot.
    pub fn hint(&self) -> Option<&'static str> {
        Some(match self.code {
            99991663 | 10014 | 99991543 => {
                "invalid App ID or App Secret: check the credentials in the Lark/Feishu Open Platform"
            }
            10003 => {
                "invalid App ID: it starts with cli_ and is shown under Credentials & Basic Info"
            }
            99991668 => {
                "bot capability not enabled: in the app settings add the Bot feature, then publish a version"
            }
            99991672 | 99991676 => {
                "the app lacks a permission scope: add it under Permissions & Scopes and publish a version"
            }
            99991661 => "no access token was sent",
            99991671 => "the access token is malformed (it must start with t- or u-)",
            99991662 | 99991673 => "the app is disabled or unavailable in this tenant",
            99991400 => "rate limited: too many requests; slow down",
            230001 => "invalid request parameter (the reason follows ext=)",
            230002 => "the message content is malformed for its msg_type",
            230011 => "the message was recalled",
            231003 => "the message was deleted",
            230099 => "the card content was rejected (too large, or too many elements or tables)",
            231001 => "unknown emoji type (emoji types are case-sensitive, e.g. THUMBSUP)",
            230027 => "the user has not authorized this action",
            99992351 | 99992360 => "an id in the request names no user (or is of another kind)",
            _ => return None,
        })
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "API error: {} {}", self.code, self.msg)?;
        if let Some(hint) = self.hint() {
            write!(f, " ({hint})")?;
        }
        for v in &self.permission_violations {
            write!(f, "; missing scope {} {}", v.kind, v.subject)?;
        }
        if !self.log_id.is_empty() {
            write!(f, " [log_id {}]", self.log_id)?;
        }
        Ok(())
    }
}

impl Error {
    /// The platform's error, when the platform answered with one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// The platform code, when there is one.
    pub fn code(&self) -> Option<i64> {
        match self {
            Error::Api(e) => Some(e.code),
            Error::RateLimited { code, .. } => Some(*code),
            _ => None,
        }
    }

    pub(crate) fn network(e: reqwest::Error) -> Self {
        // reqwest puts the URL in its message; a custom-bot webhook URL is a credential.
        Error::Network(e.without_url().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_code_meaning_and_log_id() {
        let e = Error::Api(Box::new(ApiError {
            code: 99991663,
            msg: "Invalid access token".into(),
            log_id: "2024abc".into(),
            http_status: 400,
            permission_violations: vec![],
        }));
        let s = e.to_string();
        assert!(s.contains("API error: 99991663"), "{s}");
        assert!(s.contains("invalid App ID or App Secret"), "{s}");
        assert!(s.contains("2024abc"), "{s}");
    }
}
