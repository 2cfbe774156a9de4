//! What the running stages share: the store, the agent, the metrics, the accounts, the stop
//! signal, and the channel on which a chat is woken for the inbound pipeline.
//!
//! Built once by `app` (the composition root) and handed to the stages. Stages tell inbound
//! about work only through [`Ctx::wake`] (a bounded channel), never by calling it.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use openclaw_agent::Agent;
use openclaw_config::{AgentConfig, CronConfig, SessionConfig};
use tokio::sync::{Semaphore, mpsc, watch};
use tokio_util::task::TaskTracker;

use crate::account::AccountRt;
use crate::observe::metrics::Metrics;
use crate::store::{Replica, Store};

/// A chat with an open event, for the inbound pipeline to run.
#[derive(Debug)]
pub struct Wake {
    pub account: Arc<AccountRt>,
    pub chat: String,
}

/// What every part of the running gateway shares.
pub struct Ctx {
    pub store: Arc<dyn Store>,
    pub agent: Arc<dyn Agent>,
    /// An LLM agent's MCP servers, skills and workspace files (for `/status`).
    pub extensions: Option<Arc<openclaw_agent::Extensions>>,
    /// `agent.*` as configured (streaming defaults, the provider's kind).
    pub agent_config: AgentConfig,
    /// `session.*` (how DMs map to the agent's sessions).
    pub session: SessionConfig,
    /// `messages.queue` (what messages sent while a turn runs become).
    pub queue: openclaw_config::QueueConfig,
    /// `cron.*` (the scheduler's catch-up window).
    pub cron: CronConfig,
    pub metrics: Metrics,
    pub accounts: Vec<Arc<AccountRt>>,
    pub state_dir: PathBuf,
    pub verbose: bool,
    /// This process, as its heartbeat row and its chat leases name it.
    pub replica: Replica,
    pub(crate) turn_slots: Semaphore,
    pub(crate) tasks: TaskTracker,
    pub(crate) stop: watch::Receiver<bool>,
    /// Chats to wake (read by `inbound::dispatch`).
    pub(crate) wakes: mpsc::Sender<Wake>,
}

impl std::fmt::Debug for Ctx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ctx")
            .field("accounts", &self.accounts)
            .finish()
    }
}

impl Ctx {
    pub fn stopping(&self) -> bool {
        *self.stop.borrow()
    }

    pub(crate) async fn sleep_unless_stopping(&self, d: Duration) {
        let mut stop = self.stop.clone();
        tokio::select! {
            _ = tokio::time::sleep(d) => {}
            _ = stopped(&mut stop) => {}
        }
    }

    /// The ids of the accounts this gateway runs.
    pub fn account_ids(&self) -> Vec<String> {
        self.accounts.iter().map(|a| a.id().to_owned()).collect()
    }

    pub fn account(&self, id: &str) -> Option<&Arc<AccountRt>> {
        self.accounts.iter().find(|a| a.id() == id)
    }

    /// Tells the inbound pipeline that `chat` of `account` has an open event. Waits while the
    /// channel is full; after shutdown, nothing is woken (the store keeps the event).
    pub(crate) async fn wake(&self, account: &Arc<AccountRt>, chat: &str) {
        let wake = Wake {
            account: account.clone(),
            chat: chat.to_owned(),
        };
        let _ = self.wakes.send(wake).await;
    }
}

/// The agent's workspace: `agents.defaults.workspace` when set, else `<state>/workspace`.
pub fn workspace(agent: &AgentConfig, state_dir: &Path) -> PathBuf {
    agent
        .workspace
        .clone()
        .unwrap_or_else(|| state_dir.join("workspace"))
}

/// Resolves when the stop flag is set (or its sender is gone).
pub(crate) async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}
