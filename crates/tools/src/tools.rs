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
    /// The turn these tools act for (`account` and the turn's message id), when there is one:
    /// posts then get uuids derived from it (see [`Tools::post_uuid`]).
    pub(crate) turn: Option<Arc<str>>,
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
            turn: None,
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
            turn: self.turn.clone(),
        }
    }

    /// The same tools acting for one agent turn: the account and the id of the message the
    /// turn answers. Posting actions then derive their `uuid`s from the turn and the call (see
    /// [`Tools::post_uuid`]), so a turn re-run after a crash does not post twice. An empty
    /// message id (no turn) keeps random uuids.
    pub fn for_turn(&self, account: &str, message_id: &str) -> Tools {
        let mut t = self.clone();
        t.turn = (!message_id.is_empty()).then(|| Arc::from(format!("{account}\n{message_id}")));
        t
    }

    /// The `uuid` of one message a posting action sends (Lark keeps one message per uuid for
    /// an hour, so the same uuid never posts twice).
    ///
    /// Within a turn it is a hash of (account, the turn's message id, the action, its target,
    /// its content, the part's index when a long text takes several messages). Not the call's
    /// index in the turn: a re-run of a turn after a crash replays the model, which may make
    /// other calls or make them in another order, while a call it repeats has the same
    /// action, target and content and so the same uuid. The price: the very same post twice
    /// in one turn (same target and content) goes out once, which is what a turn wants. Without
    /// a turn (CLI, MCP, Rust callers) each message gets a random uuid, which still keeps the
    /// client's own retries from posting twice.
    pub(crate) fn post_uuid(
        &self,
        action: &str,
        target: &str,
        content: &str,
        part: usize,
    ) -> String {
        use sha2::{Digest, Sha256};
        let Some(turn) = &self.turn else {
            return uuid::Uuid::new_v4().to_string();
        };
        let mut h = Sha256::new();
        for field in [turn.as_ref(), action, target, content, &part.to_string()] {
            // Length-prefixed, so no two field lists hash alike.
            h.update((field.len() as u64).to_be_bytes());
            h.update(field.as_bytes());
        }
        let digest = h.finalize();
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(&digest[..16]);
        uuid::Builder::from_sha1_bytes(bytes)
            .into_uuid()
            .to_string()
    }
}
