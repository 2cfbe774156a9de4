//! Fetching an image URL for a document through the agent's guarded fetcher
//! ([`openclaw_agent::web::Fetcher`]): http(s) only, a size limit, a timeout, and the SSRF
//! guard (loopback, private, link-local and other internal addresses refused on every
//! redirect hop, and the connection pinned to the addresses that were checked, so a name
//! that resolves differently on a second lookup cannot slip through) unless the settings
//! allow private URLs.

use bytes::Bytes;
use openclaw_agent::web::{FetchError, FetchPolicy, Fetcher};

use crate::error::{ToolError, ToolResult};
use crate::tools::Tools;

impl Tools {
    /// The bytes at `url` and a file name for them.
    pub(crate) async fn fetch_url(&self, url: &str) -> ToolResult<(Bytes, String)> {
        let fetcher = Fetcher::new(FetchPolicy {
            allow_private: self.settings.allow_private_urls,
            max_bytes: self.settings.max_url_bytes,
            timeout: self.settings.url_timeout,
            ..FetchPolicy::default()
        });
        let fetched = fetcher.get(url).await.map_err(|e: FetchError| {
            if e.is_refusal() {
                ToolError::Refused(e.to_string())
            } else {
                ToolError::Io(e.to_string())
            }
        })?;
        let name = fetched
            .url
            .path_segments()
            .and_then(|mut s| s.next_back().map(str::to_owned))
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "image".into());
        Ok((fetched.body, name))
    }
}
