//! Fetching an image URL for a document: http(s) only, a size limit, a timeout, and an SSRF
//! guard that refuses loopback, private, link-local and other internal addresses (checked on
//! the resolved addresses of every redirect hop) unless the settings allow them.

use std::net::IpAddr;

use bytes::Bytes;

use crate::error::{ToolError, ToolResult};
use crate::tools::Tools;

/// The most redirects followed.
const MAX_REDIRECTS: usize = 5;

/// Whether an address is internal: loopback, private, link-local, CGNAT, unspecified,
/// multicast, documentation, or the IPv6 equivalents (including IPv4-mapped ones).
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || o[0] == 0
                || (o[0] == 100 && (o[1] & 0xc0) == 64)
                || (o[0] == 198 && (o[1] & 0xfe) == 18)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_internal(IpAddr::V4(v4));
            }
            let s = v6.segments();
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
        }
    }
}

impl Tools {
    /// The bytes at `url` and a file name for them.
    pub(crate) async fn fetch_url(&self, url: &str) -> ToolResult<(Bytes, String)> {
        let mut current = url::Url::parse(url)
            .map_err(|e| ToolError::Io(format!("{url} is not a valid URL: {e}")))?;
        for _ in 0..=MAX_REDIRECTS {
            self.check_target(&current).await?;
            let resp = self
                .http
                .get(current.clone())
                .send()
                .await
                .map_err(|e| ToolError::Io(format!("fetching {current} failed: {e}")))?;
            if resp.status().is_redirection() {
                let loc = resp
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .ok_or_else(|| ToolError::Io(format!("{current} redirects nowhere")))?;
                current = current
                    .join(loc)
                    .map_err(|e| ToolError::Io(format!("bad redirect from {current}: {e}")))?;
                continue;
            }
            if !resp.status().is_success() {
                return Err(ToolError::Io(format!(
                    "fetching {current} answered HTTP {}",
                    resp.status()
                )));
            }
            let max = self.settings.max_url_bytes;
            if resp.content_length().is_some_and(|n| n > max) {
                return Err(ToolError::Refused(format!(
                    "{current} is larger than {max} bytes"
                )));
            }
            let name = current
                .path_segments()
                .and_then(|mut s| s.next_back().map(str::to_owned))
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "image".into());
            let mut body = Vec::new();
            let mut resp = resp;
            while let Some(chunk) = resp
                .chunk()
                .await
                .map_err(|e| ToolError::Io(format!("reading {current} failed: {e}")))?
            {
                body.extend_from_slice(&chunk);
                if body.len() as u64 > max {
                    return Err(ToolError::Refused(format!(
                        "{current} is larger than {max} bytes"
                    )));
                }
            }
            return Ok((Bytes::from(body), name));
        }
        Err(ToolError::Io(format!("{url}: too many redirects")))
    }

    /// Refuses schemes other than http(s) and hosts that resolve to internal addresses.
    async fn check_target(&self, url: &url::Url) -> ToolResult<()> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(ToolError::Refused(format!(
                "{url}: only http and https URLs can be fetched"
            )));
        }
        if self.settings.allow_private_urls {
            return Ok(());
        }
        let host = url
            .host_str()
            .ok_or_else(|| ToolError::Refused(format!("{url} has no host")))?;
        let port = url.port_or_known_default().unwrap_or(80);
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let addrs: Vec<IpAddr> = match host.parse::<IpAddr>() {
            Ok(ip) => vec![ip],
            Err(_) => tokio::net::lookup_host((host, port))
                .await
                .map_err(|e| ToolError::Io(format!("cannot resolve {host}: {e}")))?
                .map(|a| a.ip())
                .collect(),
        };
        if addrs.is_empty() || addrs.iter().any(|ip| is_internal(*ip)) {
            return Err(ToolError::Refused(format!(
                "{url} points at a loopback, private or link-local address; such URLs are not \
                 fetched (SSRF guard)"
            )));
        }
        Ok(())
    }
}
