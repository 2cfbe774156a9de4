//! The control port's lock: with `gateway.auth.token` (or `OPENCLAW_GATEWAY_TOKEN`) set,
//! `/status`, `/metrics`, the dashboard and its API answer only a request carrying
//! `Authorization: Bearer <token>`; `/healthz` and the webhook paths stay open (the platform
//! cannot send the token, and a webhook has its own signature).
//!
//! Served beyond loopback with no token, the port would tell anyone the accounts, chats and
//! pairing codes, so the start is refused unless `gateway.auth.mode: "none"` says so on purpose.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use lark::Secret;
use openclaw_config::{AuthMode, GatewayAuth};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::StartError;

/// The cookie a browser presents the token in (set HttpOnly, SameSite=Strict).
pub const COOKIE: &str = "openclaw_gateway_token";

/// What a control request must present. Holds only the secret's digest, so neither `Debug`
/// nor a stray format can print it.
#[derive(Clone, Default)]
pub struct ControlAuth {
    digest: Option<[u8; 32]>,
}

impl std::fmt::Debug for ControlAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = if self.digest.is_some() {
            "token required"
        } else {
            "open"
        };
        f.debug_struct("ControlAuth")
            .field("state", &state)
            .finish()
    }
}

fn digest(text: &[u8]) -> [u8; 32] {
    Sha256::digest(text).into()
}

impl ControlAuth {
    /// The lock `gateway.auth` asks for on `bind`; an error names the key that fixes it.
    pub fn from_config(auth: &GatewayAuth, bind: SocketAddr) -> Result<ControlAuth, StartError> {
        let secret: Option<&Secret> = match auth.mode {
            Some(AuthMode::None) => None,
            Some(AuthMode::Password) => auth.password.as_ref(),
            Some(AuthMode::TrustedProxy) => {
                return Err(StartError::Config(
                    "gateway.auth.mode \"trusted-proxy\" is not supported by this gateway: set gateway.auth.mode \"token\" and gateway.auth.token (or OPENCLAW_GATEWAY_TOKEN)".into(),
                ));
            }
            Some(AuthMode::Token) | None => auth.token.as_ref(),
        };
        let secret = secret.filter(|s| !s.is_empty());
        if secret.is_none() && auth.mode != Some(AuthMode::None) && !bind.ip().is_loopback() {
            return Err(StartError::Unprotected { addr: bind });
        }
        Ok(ControlAuth {
            digest: secret.map(|s| digest(s.expose().as_bytes())),
        })
    }

    /// Whether a token is required at all.
    pub fn required(&self) -> bool {
        self.digest.is_some()
    }

    /// Whether `headers` carry the token, as `Authorization: Bearer` or (for a browser, which
    /// cannot send that header on navigation) the [`COOKIE`] cookie.
    pub fn allows(&self, headers: &HeaderMap) -> bool {
        if self.digest.is_none() {
            return true;
        }
        let bearer = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            });
        if bearer.is_some_and(|t| self.matches(t)) {
            return true;
        }
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|kv| kv.trim().strip_prefix(COOKIE)?.strip_prefix('='))
            .any(|t| self.matches(t))
    }

    /// Whether `given` is the token. The digests are compared in constant time, so the
    /// answer's timing says nothing about how much of a guess was right (or its length).
    pub fn matches(&self, given: &str) -> bool {
        match &self.digest {
            None => true,
            Some(want) => digest(given.trim().as_bytes()).ct_eq(want).into(),
        }
    }
}

/// The middleware of every control route.
pub async fn require(State(auth): State<Arc<ControlAuth>>, req: Request, next: Next) -> Response {
    if auth.allows(req.headers()) {
        return next.run(req).await;
    }
    (
        StatusCode::UNAUTHORIZED,
        [
            (header::WWW_AUTHENTICATE, "Bearer"),
            (header::CONTENT_TYPE, "application/json; charset=utf-8"),
        ],
        r#"{"msg":"this route needs Authorization: Bearer <gateway.auth.token>"}"#,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auth(mode: Option<AuthMode>, token: Option<&str>) -> GatewayAuth {
        GatewayAuth {
            mode,
            token: token.map(Secret::new),
            password: None,
        }
    }

    fn bearer(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, v.parse().unwrap());
        h
    }

    #[test]
    fn the_token_is_required_and_checked() {
        let lo: SocketAddr = "127.0.0.1:0".parse().unwrap();
        let a = ControlAuth::from_config(&auth(None, Some("s3cret-token")), lo).unwrap();
        assert!(a.allows(&bearer("Bearer s3cret-token")));
        assert!(!a.allows(&bearer("Bearer s3cret-toke")));
        assert!(!a.allows(&bearer("Basic s3cret-token")));
        assert!(!a.allows(&HeaderMap::new()));
        assert!(!format!("{a:?}").contains("s3cret"));
    }

    #[test]
    fn the_cookie_carries_the_token_for_a_browser() {
        let lo: SocketAddr = "127.0.0.1:0".parse().unwrap();
        let a = ControlAuth::from_config(&auth(None, Some("s3cret-token")), lo).unwrap();
        let cookie = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::COOKIE, v.parse().unwrap());
            h
        };
        assert!(a.allows(&cookie("theme=dark; openclaw_gateway_token=s3cret-token")));
        assert!(!a.allows(&cookie("openclaw_gateway_token=s3cret-toke")));
        assert!(!a.allows(&cookie("other_openclaw_gateway_token=s3cret-token")));
        assert!(!a.allows(&cookie("openclaw_gateway_tokenx=s3cret-token")));
    }

    #[test]
    fn beyond_loopback_without_a_token_is_refused_unless_mode_none() {
        let any: SocketAddr = "0.0.0.0:0".parse().unwrap();
        let e = ControlAuth::from_config(&auth(None, None), any).unwrap_err();
        assert!(e.to_string().contains("gateway.auth.token"), "{e}");
        let open = ControlAuth::from_config(&auth(Some(AuthMode::None), None), any).unwrap();
        assert!(!open.required());
        let lo: SocketAddr = "[::1]:0".parse().unwrap();
        assert!(
            !ControlAuth::from_config(&auth(None, None), lo)
                .unwrap()
                .required()
        );
    }
}
