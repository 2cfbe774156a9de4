//! The tenant access token cache.
//!
//! One refresh at a time however many callers wait (the refresh holds an async mutex and callers
//! re-check after taking it), refreshed ahead of expiry (3 minutes, or a quarter of the lifetime
//! for short-lived tokens), and invalidated when the platform says a token is bad so the next call
//! fetches a new one.

use std::sync::RwLock;
use std::time::{Duration, Instant};

use serde::Deserialize;

use crate::error::{ApiError, Error, Result};
use crate::routes::Route;
use crate::secret::Secret;

/// How long before expiry a token is replaced.
const REFRESH_AHEAD: Duration = Duration::from_secs(180);

#[derive(Clone)]
struct Cached {
    token: Secret,
    refresh_at: Instant,
}

#[derive(Default)]
pub(crate) struct TokenCache {
    current: RwLock<Option<Cached>>,
    refresh: tokio::sync::Mutex<()>,
}

#[derive(Deserialize)]
struct TokenAnswer {
    code: i64,
    #[serde(default)]
    msg: String,
    #[serde(default)]
    tenant_access_token: Option<Secret>,
    #[serde(default)]
    expire: u64,
}

/// When to replace a token that lives `ttl`.
fn refresh_after(ttl: Duration) -> Duration {
    if ttl > REFRESH_AHEAD * 2 {
        ttl - REFRESH_AHEAD
    } else {
        ttl * 3 / 4
    }
}

impl TokenCache {
    fn fresh(&self) -> Option<Secret> {
        let guard = self.current.read().expect("token lock");
        guard
            .as_ref()
            .filter(|c| Instant::now() < c.refresh_at)
            .map(|c| c.token.clone())
    }

    /// A valid tenant token, fetching one if needed.
    pub(crate) async fn get(&self, inner: &crate::http::Inner) -> Result<Secret> {
        if let Some(t) = self.fresh() {
            return Ok(t);
        }
        let _one_at_a_time = self.refresh.lock().await;
        if let Some(t) = self.fresh() {
            return Ok(t);
        }
        let (token, ttl) = fetch(inner).await?;
        *self.current.write().expect("token lock") = Some(Cached {
            token: token.clone(),
            refresh_at: Instant::now() + refresh_after(ttl),
        });
        Ok(token)
    }

    /// Drops `token` if it is still the cached one (another caller may have replaced it already).
    pub(crate) fn invalidate(&self, token: &Secret) {
        let mut guard = self.current.write().expect("token lock");
        if guard.as_ref().is_some_and(|c| &c.token == token) {
            *guard = None;
        }
    }
}

async fn fetch(inner: &crate::http::Inner) -> Result<(Secret, Duration)> {
    if inner.app_id.as_str().is_empty() {
        return Err(Error::Config(
            "App ID not configured: set channels.lark.appId or LARK_APP_ID".into(),
        ));
    }
    if inner.app_secret.is_empty() {
        return Err(Error::Config(
            "App secret not configured: set channels.lark.appSecret or LARK_APP_SECRET".into(),
        ));
    }
    let body = serde_json::json!({
        "app_id": inner.app_id.as_str(),
        "app_secret": inner.app_secret.expose(),
    });
    let url = format!("{}{}", inner.base_url, Route::TenantAccessToken.path());
    let mut delays = inner.retry.delays();
    let resp = loop {
        match inner.http.post(&url).json(&body).send().await {
            Ok(r) if r.status().is_server_error() => match delays.next() {
                Some(d) => tokio::time::sleep(d).await,
                None => break r,
            },
            Ok(r) => break r,
            Err(e) => match delays.next() {
                Some(d) => tokio::time::sleep(d).await,
                None => return Err(Error::network(e)),
            },
        }
    };
    let status = resp.status().as_u16();
    let log_id = crate::http::log_id_of(resp.headers());
    let bytes = resp.bytes().await.map_err(Error::network)?;
    let answer: TokenAnswer = serde_json::from_slice(&bytes).map_err(|_| Error::Decode {
        status,
        path: Route::TenantAccessToken.path(),
        snippet: crate::http::snippet(&bytes),
    })?;
    match answer.tenant_access_token {
        Some(token) if answer.code == 0 && !token.is_empty() => {
            Ok((token, Duration::from_secs(answer.expire.max(1))))
        }
        _ => Err(Error::Api(Box::new(ApiError {
            code: if answer.code == 0 { -1 } else { answer.code },
            msg: if answer.msg.is_empty() {
                "no tenant_access_token in the answer".into()
            } else {
                answer.msg
            },
            log_id,
            http_status: status,
            permission_violations: vec![],
        }))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refresh_is_three_minutes_early_or_a_quarter_early_for_short_tokens() {
        assert_eq!(
            refresh_after(Duration::from_secs(7200)),
            Duration::from_secs(7020)
        );
        assert_eq!(
            refresh_after(Duration::from_secs(2)),
            Duration::from_millis(1500)
        );
    }
}
