//! Hot reload: the config file is watched (looked at each second) and `SIGHUP` reloads it at
//! once. An edit that loads is applied account by account: policies, allowlists, groups and
//! the account's other settings apply to the next turn, with every connection kept; a changed
//! secret, domain or connection setting restarts only that account's long connections; what
//! the running process cannot take over (an account's appId or mode, its webhook listener, a
//! new or removed account, `agent.*`) is logged with "restart to apply". An edit that does not
//! load is refused with its error logged, and the running config stays.
//! `gateway.reload.mode: "off"` only logs that the file changed.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use openclaw_config::{Account, Config, Mode, Paths};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_util::task::TaskTracker;

use crate::account::AccountRt;
use crate::runtime::{Ctx, stopped};

/// How often the file is looked at.
const LOOK_EVERY: Duration = Duration::from_secs(1);

/// A running account's intake: its own stop, and the task to wait for.
type Intake = (watch::Sender<bool>, JoinHandle<()>);

/// Each websocket account's intake, with a stop of its own so one account can reconnect
/// while the others keep theirs.
pub(super) struct Intakes {
    tracker: TaskTracker,
    stop: watch::Receiver<bool>,
    running: Mutex<HashMap<String, Intake>>,
}

impl Intakes {
    pub(super) fn new(tracker: TaskTracker, stop: watch::Receiver<bool>) -> Intakes {
        Intakes {
            tracker,
            stop,
            running: Mutex::new(HashMap::new()),
        }
    }

    /// Starts `account`'s long connections; they stop with the gateway or [`Intakes::stop`].
    pub(super) fn start(&self, ctx: &Arc<Ctx>, account: &Arc<AccountRt>) {
        let (tx, rx) = watch::channel(false);
        let (mut global, forward) = (self.stop.clone(), tx.clone());
        self.tracker.spawn(async move {
            tokio::select! {
                _ = stopped(&mut global) => { let _ = forward.send(true); }
                _ = forward.closed() => {}
            }
        });
        let handle = self.tracker.spawn(crate::intake::websocket::run(
            ctx.clone(),
            account.clone(),
            rx,
        ));
        self.lock().insert(account.id().to_owned(), (tx, handle));
    }

    /// Stops `account`'s connections and waits until they are closed.
    async fn stop(&self, account: &AccountRt) {
        let Some((tx, handle)) = self.lock().remove(account.id()) else {
            return;
        };
        let _ = tx.send(true);
        let _ = handle.await;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Intake>> {
        self.running.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// `gateway.reload.mode`, read from the file as written (OpenClaw's key).
fn reload_off(paths: &Paths) -> bool {
    matches!(
        openclaw_config::edit::get(&paths.config_file, "gateway.reload.mode"),
        Ok(Some(serde_json::Value::String(m))) if m == "off"
    )
}

fn secret_of(s: &Option<lark::Secret>) -> Option<&str> {
    s.as_ref().map(lark::Secret::expose)
}

/// What a new account config means for the running account.
enum Change {
    None,
    /// Settings only: the next turn reads them.
    Settings,
    /// The credentials or connection settings: the account reconnects.
    Reconnect,
    /// Not something a running account can take over; the message names it.
    NeedsRestart(&'static str),
}

fn change(old: &Account, new: &Account) -> Change {
    if old.app_id != new.app_id {
        return Change::NeedsRestart("appId");
    }
    if old.mode != new.mode {
        return Change::NeedsRestart("mode");
    }
    if (
        old.webhook_path.as_str(),
        &old.webhook_host,
        old.webhook_port,
    ) != (
        new.webhook_path.as_str(),
        &new.webhook_host,
        new.webhook_port,
    ) {
        return Change::NeedsRestart(
            "the webhook listener (webhookPath, webhookHost, webhookPort)",
        );
    }
    let keys = |a: &Account| {
        (
            secret_of(&a.app_secret).map(str::to_owned),
            secret_of(&a.encrypt_key).map(str::to_owned),
            secret_of(&a.verification_token).map(str::to_owned),
        )
    };
    let link = |a: &Account| {
        format!(
            "{:?} {} {:?} {:?} {} {} {:?}",
            a.domain,
            a.connections,
            a.ping_interval,
            a.pong_timeout,
            a.app_rate_limit,
            a.chat_rate_limit,
            a.openclaw.http_timeout
        )
    };
    if keys(old) != keys(new) || link(old) != link(new) {
        return Change::Reconnect;
    }
    // Secrets print redacted, so the rest compares by its Debug text.
    if format!("{old:?}") != format!("{new:?}") {
        return Change::Settings;
    }
    Change::None
}

/// Applies a config that loaded to the running accounts.
async fn apply(ctx: &Arc<Ctx>, intakes: &Intakes, new: &Config) {
    for a in new.lark.accounts.iter().filter(|a| a.enabled) {
        if let Err(e) = a.credentials() {
            tracing::error!(target: "gateway", "config reload refused: {e}; the running config stays");
            return;
        }
        if !ctx.accounts.iter().any(|r| r.id() == a.id) {
            tracing::warn!(target: "gateway", "[{}] is a new account: it starts at the next restart of the gateway", a.id);
        }
    }
    let mut applied = 0;
    for account in &ctx.accounts {
        let id = account.id().to_owned();
        let Some(new_cfg) = new.lark.accounts.iter().find(|n| n.id == id && n.enabled) else {
            tracing::warn!(target: "gateway", "[{id}] is gone from the config or disabled: it keeps running until the next restart of the gateway");
            continue;
        };
        match change(&account.cfg, new_cfg) {
            Change::None => {}
            Change::NeedsRestart(what) => {
                tracing::warn!(target: "gateway", "[{id}] {what} changed: restart the gateway to apply; the account keeps its running config");
            }
            Change::Settings => {
                account.cfg.replace(new_cfg.clone());
                applied += 1;
                tracing::info!(target: "gateway", "[{id}] config reloaded: the new settings apply from the next turn (connections kept)");
            }
            Change::Reconnect => {
                let websocket = account.cfg.mode == Mode::Websocket;
                if websocket {
                    intakes.stop(account).await;
                    account
                        .conns
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .clear();
                }
                if let Err(e) = account.replace_config(new_cfg.clone()) {
                    tracing::error!(target: "gateway", "[{id}] config reload refused: {e}; the running config stays");
                }
                if websocket && !ctx.stopping() {
                    intakes.start(ctx, account);
                }
                applied += 1;
                tracing::info!(target: "gateway", "[{id}] credentials or connection settings changed: this account's connections restarted");
            }
        }
    }
    if format!("{:?}", ctx.agent_config) != format!("{:?}", new.agent)
        || format!("{:?}", ctx.session) != format!("{:?}", new.session)
    {
        tracing::warn!(target: "gateway", "agent.* or session.* changed: restart the gateway to apply");
    }
    tracing::info!(target: "gateway", "config reload: {applied} account(s) updated");
}

async fn hangup() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut hup) = signal(SignalKind::hangup()) {
            hup.recv().await;
            return;
        }
    }
    std::future::pending::<()>().await
}

/// Watches the config file until the gateway stops.
pub(super) fn spawn(
    ctx: Arc<Ctx>,
    intakes: Arc<Intakes>,
    paths: Paths,
    mut stop: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let read = || std::fs::read(&paths.config_file).ok();
        let mut last = read();
        loop {
            let forced = tokio::select! {
                _ = tokio::time::sleep(LOOK_EVERY) => false,
                _ = hangup() => true,
                _ = stopped(&mut stop) => return,
            };
            let now = read();
            if !forced && now == last {
                continue;
            }
            last = now;
            if reload_off(&paths) {
                tracing::info!(target: "gateway", "the config file changed; gateway.reload.mode is \"off\": restart the gateway to apply");
                continue;
            }
            let why = if forced { "SIGHUP" } else { "the file changed" };
            match openclaw_config::load(&paths) {
                Ok(config) => {
                    tracing::info!(target: "gateway", "reloading {} ({why})", paths.config_file.display());
                    apply(&ctx, &intakes, &config).await;
                }
                Err(e) => {
                    tracing::error!(target: "gateway", "config reload refused ({why}): {e}; the running config stays");
                }
            }
        }
    })
}
