//! [`Tools`]: the typed Rust door. One method per action lives in the action's group file
//! (`actions/*.rs`); this file holds the value they share.

use std::sync::Arc;

use crate::settings::ToolSettings;

/// Every action of the `message` tool on one Lark app. Cheap to clone.
#[derive(Clone)]
pub struct Tools {
    pub(crate) client: lark::Client,
    pub(crate) settings: Arc<ToolSettings>,
    pub(crate) http: reqwest::Client,
}

impl std::fmt::Debug for Tools {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tools")
            .field("client", &self.client)
            .field("settings", &self.settings)
            .finish()
    }
}

impl Tools {
    pub fn new(client: lark::Client, settings: ToolSettings) -> Tools {
        // Redirects are followed by hand in `fetch`, so each hop passes the address check.
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(settings.url_timeout)
            .build()
            .unwrap_or_default();
        Tools {
            client,
            settings: Arc::new(settings),
            http,
        }
    }

    pub fn client(&self) -> &lark::Client {
        &self.client
    }

    pub fn settings(&self) -> &ToolSettings {
        &self.settings
    }

    /// The same tools with more allowed roots (the turn's workspace and download dirs).
    pub fn with_extra_roots(&self, roots: &[std::path::PathBuf]) -> Tools {
        if roots.is_empty() {
            return self.clone();
        }
        let mut settings = (*self.settings).clone();
        for r in roots {
            if !settings.roots.contains(r) {
                settings.roots.push(r.clone());
            }
        }
        Tools {
            client: self.client.clone(),
            settings: Arc::new(settings),
            http: self.http.clone(),
        }
    }
}
