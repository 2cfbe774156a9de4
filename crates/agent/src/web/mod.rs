//! Reaching the web from tools: the SSRF guard ([`guard`]), a fetcher that honours it against
//! DNS rebinding ([`fetch`]), and the `web_fetch` tool ([`tool`]). The `message` tool fetches
//! document images through the same [`Fetcher`].

pub mod fetch;
pub mod guard;
pub mod tool;

pub use fetch::{FetchError, FetchPolicy, Fetched, Fetcher};
pub use guard::{Lookup, SharedLookup, SystemLookup, is_internal};
pub use tool::WebFetchTool;
