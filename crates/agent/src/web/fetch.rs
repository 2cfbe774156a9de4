//! Fetching a URL for a tool: http(s) only, a size limit, a timeout, redirects followed by hand
//! (each hop checked), and the SSRF guard of [`super::guard`]: the host is resolved once, every
//! address checked, and the connection pinned to those addresses (no proxy, which would
//! resolve the name again on its own).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use url::Url;

use super::guard::{SharedLookup, SystemLookup, is_internal};

/// The most redirects followed.
const MAX_REDIRECTS: usize = 5;

/// How URLs are fetched.
#[derive(Clone)]
pub struct FetchPolicy {
    /// Fetch loopback, private and link-local addresses too (`OPENCLAW_ALLOW_PRIVATE_URLS=1`).
    /// Off by default: a model could otherwise make the gateway read internal services.
    pub allow_private: bool,
    /// Internal addresses that may be fetched anyway (an intranet host one trusts).
    pub allowed_ips: Vec<IpAddr>,
    /// The most bytes read from one URL.
    pub max_bytes: u64,
    /// How long one fetch may take, redirects included.
    pub timeout: Duration,
    /// How host names are resolved.
    pub lookup: SharedLookup,
}

impl std::fmt::Debug for FetchPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FetchPolicy")
            .field("allow_private", &self.allow_private)
            .field("allowed_ips", &self.allowed_ips)
            .field("max_bytes", &self.max_bytes)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl Default for FetchPolicy {
    fn default() -> Self {
        FetchPolicy {
            allow_private: false,
            allowed_ips: Vec::new(),
            max_bytes: 20 * 1024 * 1024,
            timeout: Duration::from_secs(20),
            lookup: Arc::new(SystemLookup),
        }
    }
}

/// Why a URL was not fetched. Every message names the URL and what to do differently.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
    #[error("{url} is not a valid URL: {reason}")]
    BadUrl { url: String, reason: String },
    #[error("{url}: only http and https URLs can be fetched")]
    Scheme { url: String },
    /// The SSRF guard refused the address the host resolved to.
    #[error(
        "{url} points at {ip}, a loopback, private or link-local address; such URLs are not \
         fetched (SSRF guard)"
    )]
    Internal { url: String, ip: IpAddr },
    #[error("cannot resolve {host}: {reason}")]
    Resolve { host: String, reason: String },
    #[error("{url} is larger than the {max} bytes that may be fetched")]
    TooLarge { url: String, max: u64 },
    #[error("fetching {url} took longer than {seconds} s and was stopped")]
    Timeout { url: String, seconds: u64 },
    #[error("{url} answered HTTP {status}")]
    Status { url: String, status: u16 },
    #[error("fetching {url} failed: {reason}")]
    Failed { url: String, reason: String },
    #[error("{url}: more than {MAX_REDIRECTS} redirects")]
    Redirects { url: String },
}

impl FetchError {
    /// Whether the guard or a limit refused the URL (rather than the network failing).
    pub fn is_refusal(&self) -> bool {
        matches!(
            self,
            FetchError::Scheme { .. } | FetchError::Internal { .. } | FetchError::TooLarge { .. }
        )
    }
}

/// What a URL answered.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The URL after redirects.
    pub url: Url,
    /// The `content-type` header, lowercased, without parameters.
    pub content_type: Option<String>,
    /// The charset parameter of `content-type`, if any.
    pub charset: Option<String>,
    pub body: Bytes,
}

/// Fetches URLs under one policy.
#[derive(Debug, Clone)]
pub struct Fetcher {
    policy: FetchPolicy,
}

impl Fetcher {
    pub fn new(policy: FetchPolicy) -> Fetcher {
        Fetcher { policy }
    }

    pub fn policy(&self) -> &FetchPolicy {
        &self.policy
    }

    /// The body at `url`, within the size limit and the timeout.
    pub async fn get(&self, url: &str) -> Result<Fetched, FetchError> {
        let seconds = self.policy.timeout.as_secs().max(1);
        match tokio::time::timeout(self.policy.timeout, self.follow(url)).await {
            Ok(r) => r,
            Err(_) => Err(FetchError::Timeout {
                url: url.to_owned(),
                seconds,
            }),
        }
    }

    async fn follow(&self, url: &str) -> Result<Fetched, FetchError> {
        let mut current = Url::parse(url).map_err(|e| FetchError::BadUrl {
            url: url.to_owned(),
            reason: e.to_string(),
        })?;
        for _ in 0..=MAX_REDIRECTS {
            let client = self.client_for(&current).await?;
            let failed = |e: reqwest::Error, at: &Url| FetchError::Failed {
                url: at.to_string(),
                reason: error_chain(&e),
            };
            let resp = client
                .get(current.clone())
                .send()
                .await
                .map_err(|e| failed(e, &current))?;
            if resp.status().is_redirection() {
                let loc = resp
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .ok_or_else(|| FetchError::Failed {
                        url: current.to_string(),
                        reason: "a redirect without a Location".into(),
                    })?;
                current = current.join(loc).map_err(|e| FetchError::BadUrl {
                    url: loc.to_owned(),
                    reason: e.to_string(),
                })?;
                continue;
            }
            if !resp.status().is_success() {
                return Err(FetchError::Status {
                    url: current.to_string(),
                    status: resp.status().as_u16(),
                });
            }
            let max = self.policy.max_bytes;
            let too_large = || FetchError::TooLarge {
                url: current.to_string(),
                max,
            };
            if resp.content_length().is_some_and(|n| n > max) {
                return Err(too_large());
            }
            let (content_type, charset) = content_type(resp.headers());
            let mut body = Vec::new();
            let mut resp = resp;
            while let Some(chunk) = resp.chunk().await.map_err(|e| failed(e, &current))? {
                if (body.len() + chunk.len()) as u64 > max {
                    return Err(too_large());
                }
                body.extend_from_slice(&chunk);
            }
            return Ok(Fetched {
                url: current,
                content_type,
                charset,
                body: Bytes::from(body),
            });
        }
        Err(FetchError::Redirects {
            url: url.to_owned(),
        })
    }

    /// A client for one hop: with the guard on, its host is resolved here, once, every address
    /// checked, and the client pinned to them.
    async fn client_for(&self, url: &Url) -> Result<reqwest::Client, FetchError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchError::Scheme {
                url: url.to_string(),
            });
        }
        let builder = reqwest::Client::builder()
            .user_agent(concat!("openclaw/", env!("CARGO_PKG_VERSION")))
            // Redirects are followed by hand, so each hop passes the check.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(self.policy.timeout);
        let build = |b: reqwest::ClientBuilder| {
            b.build().map_err(|e| FetchError::Failed {
                url: url.to_string(),
                reason: e.to_string(),
            })
        };
        if self.policy.allow_private {
            return build(builder);
        }
        let host = url
            .host_str()
            .ok_or_else(|| FetchError::BadUrl {
                url: url.to_string(),
                reason: "it has no host".into(),
            })?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let literal = host.parse::<IpAddr>().ok();
        let addrs = match literal {
            Some(ip) => vec![ip],
            None => self
                .policy
                .lookup
                .lookup(&host)
                .await
                .map_err(|e| FetchError::Resolve {
                    host: host.clone(),
                    reason: e.to_string(),
                })?,
        };
        if addrs.is_empty() {
            return Err(FetchError::Resolve {
                host,
                reason: "no addresses".into(),
            });
        }
        if let Some(ip) = addrs
            .iter()
            .find(|ip| is_internal(**ip) && !self.policy.allowed_ips.contains(ip))
        {
            return Err(FetchError::Internal {
                url: url.to_string(),
                ip: *ip,
            });
        }
        // A proxy would resolve the name again, on its own: no proxy while the guard is on.
        let builder = builder.no_proxy();
        if literal.is_some() {
            return build(builder);
        }
        let pinned: Vec<SocketAddr> = addrs.iter().map(|ip| SocketAddr::new(*ip, 0)).collect();
        build(builder.resolve_to_addrs(&host, &pinned))
    }
}

fn content_type(headers: &reqwest::header::HeaderMap) -> (Option<String>, Option<String>) {
    let Some(raw) = headers
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return (None, None);
    };
    let mut parts = raw.split(';');
    let mime = parts
        .next()
        .map(|m| m.trim().to_ascii_lowercase())
        .filter(|m| !m.is_empty());
    let charset = parts.find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k.trim().eq_ignore_ascii_case("charset"))
            .then(|| v.trim().trim_matches('"').to_ascii_lowercase())
    });
    (mime, charset)
}

/// An error with its causes ("connection refused" sits a few levels down).
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}
