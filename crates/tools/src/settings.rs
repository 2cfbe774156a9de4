//! The tool's settings: where local files may come from and how URLs are fetched.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Shows the progress of uploads (the CLI draws a bar on a terminal).
pub trait Progress: Send + Sync + std::fmt::Debug {
    /// An upload of `size` bytes named `name` starts.
    fn start(&self, name: &str, size: u64) -> Box<dyn ProgressBar>;
}

/// One upload in progress.
pub trait ProgressBar: Send {
    fn finish(self: Box<Self>, ok: bool);
}

/// How the tool reaches local files and the network.
#[derive(Debug, Clone)]
pub struct ToolSettings {
    /// Folders local files may be read from (workspace, download dirs, `mediaLocalRoots`).
    /// Nothing outside them is read, whatever `..` or symlinks say.
    pub roots: Vec<PathBuf>,
    /// Fetch URLs on loopback, private and link-local addresses. Off by default: a model could
    /// otherwise make the gateway read internal services (SSRF). Tests turn it on.
    pub allow_private_urls: bool,
    /// The most bytes read from one URL.
    pub max_url_bytes: u64,
    /// How long one URL fetch may take.
    pub url_timeout: Duration,
    /// Characters of markdown per document write; longer content is split into several calls.
    pub doc_chunk_chars: usize,
    /// Upload progress display; none by default.
    pub progress: Option<Arc<dyn Progress>>,
    /// Which action groups are switched on (all by default; `tools.<group>` in the config).
    pub groups: crate::groups::ToolGroups,
}

impl Default for ToolSettings {
    fn default() -> Self {
        ToolSettings {
            roots: Vec::new(),
            allow_private_urls: false,
            max_url_bytes: 20 * 1024 * 1024,
            url_timeout: Duration::from_secs(20),
            doc_chunk_chars: 5000,
            progress: None,
            groups: crate::groups::ToolGroups::default(),
        }
    }
}

impl ToolSettings {
    pub fn with_roots(roots: Vec<PathBuf>) -> ToolSettings {
        ToolSettings {
            roots,
            ..ToolSettings::default()
        }
    }
}
