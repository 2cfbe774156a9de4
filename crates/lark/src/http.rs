//! The HTTP layer: base URL, the `{code, msg, data}` envelope, typed errors with the log id,
//! token refresh-and-retry, bounded retries with backoff and jitter, and the budgets of `ratelimit`.
//!
//! Every API file builds a `Req` and hands it to `Client::call`; nothing else talks HTTP.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use backon::BackoffBuilder;
use bytes::Bytes;
use reqwest::Method;
use reqwest::header::HeaderMap;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::auth::TokenCache;
use crate::error::{ApiError, Error, PermissionViolation, Result};
use crate::model::AppId;
use crate::ratelimit::{Limiters, RateLimits};
use crate::secret::Secret;

pub use crate::domain::Domain;

/// Bounded retries: how many attempts, how long between them, and how long in all.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    pub max_attempts: usize,
    pub min_delay: Duration,
    pub max_delay: Duration,
    /// No retry starts after this much time has passed since the first attempt.
    pub max_elapsed: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            min_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(10),
            max_elapsed: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// The waits between attempts: exponential with jitter.
    pub(crate) fn delays(&self) -> impl Iterator<Item = Duration> + use<> {
        backon::ExponentialBuilder::default()
            .with_min_delay(self.min_delay)
            .with_max_delay(self.max_delay)
            .with_max_times(self.max_attempts.saturating_sub(1))
            .with_jitter()
            .build()
    }
}

/// Counters a status page can show.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CallStats {
    pub calls: u64,
    pub retries: u64,
    pub token_refreshes: u64,
    pub rate_limited: u64,
    pub limiter_waits: u64,
}

/// Builds a [`Client`].
pub struct ClientBuilder {
    app_id: AppId,
    app_secret: Secret,
    domain: Domain,
    timeout: Duration,
    retry: RetryPolicy,
    limits: RateLimits,
    http: Option<reqwest::Client>,
    root_pems: Vec<Vec<u8>>,
}

impl ClientBuilder {
    pub fn domain(mut self, domain: Domain) -> Self {
        self.domain = domain;
        self
    }

    /// A base URL such as `http://127.0.0.1:9000` (lark-sim).
    pub fn base_url(self, url: &str) -> Self {
        self.domain(Domain::Custom(url.trim_end_matches('/').to_owned()))
    }

    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    pub fn rate_limits(mut self, limits: RateLimits) -> Self {
        self.limits = limits;
        self
    }

    /// Shares one connection pool between clients. Its TLS settings are its own:
    /// [`ClientBuilder::root_certificates_pem`] then applies to the long connection only.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Also trusts the PEM certificate(s) in `pem`, for REST and the long connection: for a
    /// platform whose certificate no public authority signed, such as `lark-sim --tls` (the
    /// file it prints). Repeatable; a malformed PEM fails [`ClientBuilder::build`].
    pub fn root_certificates_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.root_pems.push(pem.into());
        self
    }

    pub fn build(self) -> Result<Client> {
        let roots = crate::tls::parse_pems(&self.root_pems)?;
        let ws_tls = crate::tls::ws_config(&roots)?;
        let rest_roots = roots
            .iter()
            .map(|c| reqwest::Certificate::from_der(c))
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| Error::Config(format!("unusable root certificate: {e}")))?;
        let http = match self.http {
            Some(h) => h,
            None => reqwest::Client::builder()
                .tls_certs_merge(rest_roots)
                .timeout(self.timeout)
                .connect_timeout(Duration::from_secs(10))
                .user_agent(concat!("openclaw-lark/", env!("CARGO_PKG_VERSION")))
                .build()
                .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                app_id: self.app_id,
                app_secret: self.app_secret,
                base_url: self.domain.base_url().to_owned(),
                http,
                tokens: TokenCache::default(),
                retry: self.retry,
                limiters: Limiters::new(self.limits),
                stats: Stats::default(),
                ws_tls,
            }),
        })
    }
}

#[derive(Default)]
struct Stats {
    calls: AtomicU64,
    retries: AtomicU64,
    token_refreshes: AtomicU64,
    rate_limited: AtomicU64,
}

pub(crate) struct Inner {
    pub(crate) app_id: AppId,
    pub(crate) app_secret: Secret,
    pub(crate) base_url: String,
    pub(crate) http: reqwest::Client,
    tokens: TokenCache,
    pub(crate) retry: RetryPolicy,
    pub(crate) limiters: Limiters,
    stats: Stats,
    /// The long connection's TLS config when extra roots are trusted.
    pub(crate) ws_tls: Option<Arc<rustls::ClientConfig>>,
}

/// A client of one app. Cheap to clone; clones share the token cache, limits and connections.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("app_id", &self.inner.app_id)
            .field("app_secret", &self.inner.app_secret)
            .field("base_url", &self.inner.base_url)
            .finish()
    }
}

/// One field of a multipart form; kept as data so a retry can rebuild the form.
#[derive(Clone)]
pub(crate) enum FormField {
    Text(&'static str, String),
    File {
        name: &'static str,
        file_name: String,
        bytes: Bytes,
    },
}

#[derive(Clone)]
pub(crate) enum Body {
    None,
    Json(Bytes),
    Form(Vec<FormField>),
}

/// A request to the platform.
#[derive(Clone)]
pub(crate) struct Req {
    method: Method,
    path: String,
    query: Vec<(&'static str, String)>,
    body: Body,
    auth: bool,
    chat: Option<String>,
    retry_safe: bool,
}

impl Req {
    pub(crate) fn new(method: Method, path: impl Into<String>) -> Self {
        Req {
            method,
            path: path.into(),
            query: Vec::new(),
            body: Body::None,
            auth: true,
            chat: None,
            retry_safe: true,
        }
    }

    pub(crate) fn route(route: crate::routes::Route) -> Self {
        Req::new(route.method(), route.path())
    }

    pub(crate) fn query(mut self, key: &'static str, value: impl ToString) -> Self {
        self.query.push((key, value.to_string()));
        self
    }

    pub(crate) fn query_opt(self, key: &'static str, value: Option<impl ToString>) -> Self {
        match value {
            Some(v) => self.query(key, v),
            None => self,
        }
    }

    pub(crate) fn json(mut self, body: &impl Serialize) -> Self {
        let bytes = serde_json::to_vec(body).expect("request bodies always serialize");
        self.body = Body::Json(bytes.into());
        self
    }

    pub(crate) fn form(mut self, fields: Vec<FormField>) -> Self {
        self.body = Body::Form(fields);
        self
    }

    /// Counts the call against the per-chat send limit of `chat`.
    pub(crate) fn chat(mut self, chat: impl Into<String>) -> Self {
        self.chat = Some(chat.into());
        self
    }

    /// The call may have taken effect even when no answer came back, and carries no idempotency
    /// key: it is not retried after a network error or a 5xx.
    pub(crate) fn not_retry_safe(mut self) -> Self {
        self.retry_safe = false;
        self
    }
}

/// The platform's envelope around `data`.
#[derive(serde::Deserialize)]
struct Envelope<T> {
    #[serde(default)]
    code: i64,
    #[serde(default = "none")]
    data: Option<T>,
}

fn none<T>() -> Option<T> {
    None
}

#[derive(serde::Deserialize, Default)]
struct ErrorBody {
    #[serde(default)]
    code: i64,
    #[serde(default)]
    msg: String,
    #[serde(default)]
    error: Option<ErrorDetail>,
}

#[derive(serde::Deserialize, Default)]
struct ErrorDetail {
    #[serde(default)]
    log_id: Option<String>,
    #[serde(default)]
    permission_violations: Vec<PermissionViolation>,
}

/// What came back: a JSON body, or a stream (downloads).
pub(crate) enum Answer {
    Json { status: u16, body: Bytes },
    Stream(reqwest::Response),
}

pub(crate) fn log_id_of(headers: &HeaderMap) -> String {
    headers
        .get("x-tt-logid")
        .or_else(|| headers.get("x-request-id"))
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

/// The start of a body, for error messages.
pub(crate) fn snippet(bytes: &[u8]) -> String {
    let s = String::from_utf8_lossy(&bytes[..bytes.len().min(200)]);
    s.into_owned()
}

fn rate_limit_wait(headers: &HeaderMap) -> Option<Duration> {
    let v = headers.get("x-ogw-ratelimit-reset")?.to_str().ok()?;
    let secs: f64 = v.trim().parse().ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(60.0)))
}

impl Client {
    /// A client for `app_id` on Feishu; change the domain with [`ClientBuilder::domain`].
    pub fn builder(app_id: impl Into<AppId>, app_secret: impl Into<Secret>) -> ClientBuilder {
        ClientBuilder {
            app_id: app_id.into(),
            app_secret: app_secret.into(),
            domain: Domain::Feishu,
            timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            limits: RateLimits::default(),
            http: None,
            root_pems: Vec::new(),
        }
    }

    pub fn app_id(&self) -> &AppId {
        &self.inner.app_id
    }

    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    pub(crate) fn app_secret(&self) -> &Secret {
        &self.inner.app_secret
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// A valid tenant access token (cached; refreshed ahead of expiry).
    pub async fn tenant_access_token(&self) -> Result<Secret> {
        self.inner.tokens.get(&self.inner).await
    }

    pub fn stats(&self) -> CallStats {
        let s = &self.inner.stats;
        CallStats {
            calls: s.calls.load(Ordering::Relaxed),
            retries: s.retries.load(Ordering::Relaxed),
            token_refreshes: s.token_refreshes.load(Ordering::Relaxed),
            rate_limited: s.rate_limited.load(Ordering::Relaxed),
            limiter_waits: self.inner.limiters.waits(),
        }
    }

    /// Sends `req` and returns its `data`.
    pub(crate) async fn call<T: DeserializeOwned>(&self, req: Req) -> Result<T> {
        let path = req.path.clone();
        let (status, body) = self.call_json(req).await?;
        let env: Envelope<T> = serde_json::from_slice(&body).map_err(|e| Error::Decode {
            status,
            path: path.clone(),
            snippet: format!("{e}: {}", snippet(&body)),
        })?;
        debug_assert_eq!(env.code, 0);
        match env.data {
            Some(d) => Ok(d),
            // Some endpoints answer a success without `data`; let `T` decide if that is fine.
            None => serde_json::from_value(serde_json::Value::Object(Default::default())).map_err(
                |_| Error::Decode {
                    status,
                    path,
                    snippet: snippet(&body),
                },
            ),
        }
    }

    /// Sends `req` and returns the whole JSON body (for answers with top-level fields).
    pub(crate) async fn call_top<T: DeserializeOwned>(&self, req: Req) -> Result<T> {
        let path = req.path.clone();
        let (status, body) = self.call_json(req).await?;
        serde_json::from_slice(&body).map_err(|e| Error::Decode {
            status,
            path,
            snippet: format!("{e}: {}", snippet(&body)),
        })
    }

    async fn call_json(&self, req: Req) -> Result<(u16, Bytes)> {
        match self.execute(req).await? {
            Answer::Json { status, body } => Ok((status, body)),
            Answer::Stream(resp) => {
                let status = resp.status().as_u16();
                let body = resp.bytes().await.map_err(Error::network)?;
                Ok((status, body))
            }
        }
    }

    /// Sends `req`; a non-JSON success answer comes back as a stream.
    pub(crate) async fn execute(&self, req: Req) -> Result<Answer> {
        let inner = &self.inner;
        let started = Instant::now();
        let mut delays = inner.retry.delays();
        let mut refreshed = false;
        let key = inner
            .limiters
            .key(&req.method, &req.path, req.chat.as_deref());
        loop {
            // Held until the answer is read: the slot counts from then (see ratelimit::window).
            let _permit = inner.limiters.acquire(key.as_ref()).await;
            inner.stats.calls.fetch_add(1, Ordering::Relaxed);
            let token = if req.auth {
                Some(inner.tokens.get(inner).await?)
            } else {
                None
            };
            let sent = self.build(&req, token.as_ref()).send().await;
            let resp = match sent {
                Ok(r) => r,
                Err(e) => {
                    let retry = req.retry_safe || e.is_connect();
                    match delays.next().filter(|_| retry && self.time_left(started)) {
                        Some(d) => {
                            inner.stats.retries.fetch_add(1, Ordering::Relaxed);
                            tracing::debug!(path = %req.path, error = %Error::network(e), "retrying after a network error");
                            tokio::time::sleep(d).await;
                            continue;
                        }
                        None => return Err(Error::network(e)),
                    }
                }
            };
            let status = resp.status().as_u16();
            let is_json = resp
                .headers()
                .get(reqwest::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|ct| ct.contains("json"));
            if (200..300).contains(&status) && !is_json {
                return Ok(Answer::Stream(resp));
            }
            let headers = resp.headers().clone();
            let body = resp.bytes().await.map_err(Error::network)?;
            let parsed: Option<ErrorBody> = serde_json::from_slice(&body).ok();
            let code = parsed.as_ref().map(|p| p.code);

            if let (Some(c), Some(tok)) = (code, &token)
                && crate::error::TOKEN_INVALID_CODES.contains(&c)
                && !refreshed
            {
                // The token was revoked or expired early: fetch a new one and try once more.
                refreshed = true;
                inner.tokens.invalidate(tok);
                inner.stats.token_refreshes.fetch_add(1, Ordering::Relaxed);
                continue;
            }
            if status == 429 || code == Some(99991400) {
                inner.stats.rate_limited.fetch_add(1, Ordering::Relaxed);
                let backoff = delays.next();
                let wait = rate_limit_wait(&headers).or(backoff);
                if let (Some(k), Some(w)) = (&key, wait) {
                    // The whole family waits what the platform said; the others carry on.
                    inner.limiters.pause(k, w);
                }
                match wait.filter(|w| backoff.is_some() && self.time_left_after(started, *w)) {
                    Some(w) => {
                        inner.stats.retries.fetch_add(1, Ordering::Relaxed);
                        if key.is_none() {
                            let jitter = Duration::from_millis(rand::random::<u64>() % 100);
                            tokio::time::sleep(w + jitter).await;
                        }
                        continue;
                    }
                    None => {
                        return Err(Error::RateLimited {
                            code: code.unwrap_or(99991400),
                            retry_after: rate_limit_wait(&headers)
                                .unwrap_or(Duration::from_secs(1)),
                            log_id: log_id_of(&headers),
                        });
                    }
                }
            }
            if status >= 500
                && req.retry_safe
                && let Some(d) = delays.next().filter(|_| self.time_left(started))
            {
                inner.stats.retries.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(d).await;
                continue;
            }
            return match parsed {
                Some(p) if p.code == 0 && (200..300).contains(&status) => {
                    Ok(Answer::Json { status, body })
                }
                Some(p) => {
                    let detail = p.error.unwrap_or_default();
                    let mut log_id = log_id_of(&headers);
                    if log_id.is_empty() {
                        log_id = detail.log_id.unwrap_or_default();
                    }
                    Err(Error::Api(Box::new(ApiError {
                        code: if p.code == 0 {
                            -(status as i64)
                        } else {
                            p.code
                        },
                        msg: p.msg,
                        log_id,
                        http_status: status,
                        permission_violations: detail.permission_violations,
                    })))
                }
                None => Err(Error::Decode {
                    status,
                    path: req.path.clone(),
                    snippet: snippet(&body),
                }),
            };
        }
    }

    fn time_left(&self, started: Instant) -> bool {
        started.elapsed() < self.inner.retry.max_elapsed
    }

    fn time_left_after(&self, started: Instant, wait: Duration) -> bool {
        started.elapsed() + wait < self.inner.retry.max_elapsed
    }

    fn build(&self, req: &Req, token: Option<&Secret>) -> reqwest::RequestBuilder {
        let url = format!("{}{}", self.inner.base_url, req.path);
        let mut b = self.inner.http.request(req.method.clone(), url);
        if !req.query.is_empty() {
            b = b.query(&req.query);
        }
        if let Some(t) = token {
            b = b.bearer_auth(t.expose());
        }
        match &req.body {
            Body::None => b,
            Body::Json(bytes) => b
                .header(
                    reqwest::header::CONTENT_TYPE,
                    "application/json; charset=utf-8",
                )
                .body(bytes.clone()),
            Body::Form(fields) => {
                let mut form = reqwest::multipart::Form::new();
                for f in fields {
                    form = match f {
                        FormField::Text(k, v) => form.text(*k, v.clone()),
                        FormField::File {
                            name,
                            file_name,
                            bytes,
                        } => form.part(
                            *name,
                            reqwest::multipart::Part::stream(bytes.clone())
                                .file_name(file_name.clone()),
                        ),
                    };
                }
                b.multipart(form)
            }
        }
    }
}
