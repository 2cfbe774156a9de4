//! The composition root: builds the store, the accounts, the agent and the shared context,
//! starts each account's intake, the inbound dispatcher, the fleet's tasks (PostgreSQL only)
//! and the HTTP server, replays what a previous run left unfinished, and shuts down gracefully.
//! Nothing else in the crate imports it.

pub mod agent;
pub mod guard;
mod listen;
pub mod notify;
pub mod probe;
mod reload;
pub mod server;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use openclaw_config::{Config, Mode};
use tokio::sync::{Semaphore, mpsc, watch};
use tokio_util::task::TaskTracker;

use crate::account::AccountRt;
use crate::observe::metrics::Metrics;
use crate::runtime::{Ctx, stopped};
use crate::store::{Replica, now_ms};

pub use agent::{AgentDeps, agent_from, agent_with_extensions};

/// Turns running at once across all chats (each chat runs one at a time).
const TURN_SLOTS: usize = 64;
/// How long a shutdown waits for turns in flight.
const DRAIN: Duration = Duration::from_secs(10);
/// Wake-ups waiting for the inbound dispatcher; intake waits when it is this far behind.
const WAKES: usize = 1024;

/// How to run.
#[derive(Debug, Clone)]
pub struct Options {
    pub state_dir: PathBuf,
    pub bind: SocketAddr,
    pub verbose: bool,
}

/// Why the gateway could not start. Each message says what to fix.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("{0}")]
    Config(String),
    #[error("{0}")]
    Store(#[from] crate::store::StoreError),
    #[error(
        "refusing to serve the control port on {addr} without a token: anyone who reaches it could read /status and approve pairings. Set gateway.auth.token (or OPENCLAW_GATEWAY_TOKEN), bind to 127.0.0.1 (gateway.bind \"loopback\"), or set gateway.auth.mode \"none\" to serve it open on purpose"
    )]
    Unprotected { addr: SocketAddr },
    #[error("cannot listen on {addr}: {reason} (choose another with --port or --bind)")]
    Listen { addr: SocketAddr, reason: String },
    #[error(
        "[{account}] cannot listen on {at} for the webhook: {reason} (choose another with {channel}.webhookPort or webhookHost)"
    )]
    WebhookListen {
        account: String,
        channel: &'static str,
        at: String,
        reason: String,
    },
}

/// A running gateway.
pub struct Running {
    pub ctx: Arc<Ctx>,
    pub addr: SocketAddr,
    stop: watch::Sender<bool>,
    intake: TaskTracker,
    /// The gateway port's server and the webhook listeners of their own.
    servers: Vec<tokio::task::JoinHandle<()>>,
    dispatcher: tokio::task::JoinHandle<()>,
    intakes: Arc<reload::Intakes>,
}

impl Running {
    /// Watches the config file (and `SIGHUP`) and applies each edit that loads (see
    /// `reload.rs`); until the gateway stops.
    pub fn watch_config(&self, paths: openclaw_config::Paths) {
        reload::spawn(
            self.ctx.clone(),
            self.intakes.clone(),
            paths,
            self.stop.subscribe(),
        );
    }

    /// Stops intake, lets turns in flight finish (bounded), and returns.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        self.intake.close();
        self.intake.wait().await;
        // Every wake-up sent is handed over before the workers are waited for.
        let _ = self.dispatcher.await;
        self.ctx.tasks.close();
        if tokio::time::timeout(DRAIN, self.ctx.tasks.wait())
            .await
            .is_err()
        {
            tracing::warn!(target: "lark", "turns still running after {DRAIN:?}; they resume on the next start");
        }
        for server in &self.servers {
            server.abort();
        }
    }
}

/// Starts every enabled account and the HTTP server.
pub async fn start(config: &Config, opts: Options) -> Result<Running, StartError> {
    let control = Arc::new(guard::ControlAuth::from_config(
        &config.gateway.auth,
        opts.bind,
    )?);
    let mut accounts = Vec::new();
    for a in config.lark.accounts.iter().filter(|a| a.enabled) {
        let rt = AccountRt::new(a.clone()).map_err(StartError::Config)?;
        accounts.push(Arc::new(rt));
    }
    if accounts.is_empty() {
        return Err(StartError::Config(
            "no Lark account is enabled: set channels.lark.appId and channels.lark.appSecret (or LARK_APP_ID and LARK_APP_SECRET), and channels.lark.enabled true".into(),
        ));
    }
    let store = crate::store::open(config.store.url.as_deref(), &opts.state_dir).await?;
    let replica = Replica {
        id: uuid::Uuid::new_v4().to_string(),
        host: std::env::var("HOSTNAME").unwrap_or_default(),
        pid: std::process::id(),
        started_at_ms: now_ms(),
    };
    if store.shared() {
        crate::fleet::succeed(&store, &replica, &opts.state_dir).await;
        // Counted among the replicas alive before it takes any event.
        store.heartbeat(&replica).await?;
        tracing::info!(target: "gateway", "store: {store:?}, shared with other replicas (this one is {})", replica.id);
    }
    let (agent, extensions) = agent_with_extensions(
        &config.agent,
        &AgentDeps {
            store: store.clone(),
            state_dir: &opts.state_dir,
            accounts: &accounts,
        },
    )?;
    let (stop_tx, stop_rx) = watch::channel(false);
    let (wakes, woken) = mpsc::channel(WAKES);
    let ctx = Arc::new(Ctx {
        store,
        agent,
        extensions,
        agent_config: config.agent.clone(),
        session: config.session.clone(),
        queue: config.messages.queue.clone(),
        cron: config.cron.clone(),
        metrics: Metrics::default(),
        accounts,
        state_dir: opts.state_dir.clone(),
        verbose: opts.verbose,
        replica,
        turn_slots: Semaphore::new(TURN_SLOTS),
        tasks: TaskTracker::new(),
        stop: stop_rx.clone(),
        wakes,
    });
    let dispatcher = tokio::spawn(crate::inbound::dispatch(ctx.clone(), woken));

    let (listener, addr) = listen::bind(opts.bind).await?;
    let (mut servers, webhook_addrs) = listen::own_webhooks(&ctx).await?;
    servers.push(listen::serve(
        listener,
        server::router(ctx.clone(), control.clone()),
    ));
    let lock = if control.required() {
        "; /status, /metrics and / need the gateway token"
    } else {
        ""
    };
    tracing::info!(target: "gateway", "listening on http://{addr} (health /healthz, status /status, metrics /metrics{lock})");

    let intake = TaskTracker::new();
    let intakes = Arc::new(reload::Intakes::new(intake.clone(), stop_rx.clone()));
    for account in &ctx.accounts {
        let mode = match account.cfg.mode {
            Mode::Websocket => "websocket",
            Mode::Webhook => "webhook",
        };
        tracing::info!(target: "lark", "[{}] starting Lark provider ({}) in {mode} mode", account.id(), account.app_id);
        crate::intake::catch_up::started(&ctx, account).await;
        if opts.verbose {
            let (ctx, account) = (ctx.clone(), account.clone());
            intake.spawn(async move { probe_at_start(&ctx, &account).await });
        }
        match account.cfg.mode {
            Mode::Websocket => intakes.start(&ctx, account),
            Mode::Webhook => {
                ctx.metrics.connection_state(account.id(), 0, "webhook");
                if account.cfg.encrypt_key.is_none() && account.cfg.verification_token.is_none() {
                    tracing::warn!(target: "lark", "[{}] webhook at {} has neither encryptKey nor verificationToken: anyone who can reach it can post events; set channels.lark.encryptKey", account.id(), account.cfg.webhook_path);
                }
                let at = webhook_addrs.get(account.id()).unwrap_or(&addr);
                tracing::info!(target: "lark", "[{}] webhook listening at http://{at}{}", account.id(), account.cfg.webhook_path);
            }
        }
        replay(&ctx, account).await;
    }
    crate::fleet::spawn(&ctx, &intake, stop_rx.clone());
    crate::schedule::spawn(&ctx, &intake, stop_rx.clone());
    spawn_pruner(&ctx, &intake, stop_rx);
    Ok(Running {
        ctx,
        addr,
        stop: stop_tx,
        intake,
        servers,
        dispatcher,
        intakes,
    })
}

/// Wakes every chat with events a previous run recorded and did not finish.
async fn replay(ctx: &Arc<Ctx>, account: &Arc<AccountRt>) {
    // Every open event, however old: one past the age cutoff is closed as expired when its
    // turn comes, instead of staying open (and counted in the queue depth) for ever.
    match ctx.store.open_chats(account.id(), 0).await {
        Ok(chats) if !chats.is_empty() => {
            tracing::info!(target: "lark", "[{}] resuming {} chat(s) with unfinished turns from the last run", account.id(), chats.len());
            for chat in chats {
                ctx.wake(account, &chat).await;
            }
        }
        Ok(_) => {}
        Err(e) => {
            tracing::error!(target: "lark", "[{}] cannot read unfinished turns: {e}", account.id())
        }
    }
}

/// With `--verbose`: the bot's identity, checked once at start and logged.
async fn probe_at_start(_ctx: &Arc<Ctx>, account: &Arc<AccountRt>) {
    match account.bot().await {
        Ok(bot) => {
            tracing::info!(target: "lark", "[{}] probe ok: bot \"{}\" ({})", account.id(), bot.app_name, bot.open_id)
        }
        Err(e) => {
            let hint = probe::explain(&e);
            tracing::error!(target: "lark", "[{}] probe failed: {e}{hint}", account.id())
        }
    }
}

/// Deletes closed events past every dedup window, hourly.
fn spawn_pruner(ctx: &Arc<Ctx>, tracker: &TaskTracker, mut stop: watch::Receiver<bool>) {
    let ctx = ctx.clone();
    tracker.spawn(async move {
        let keep = ctx
            .accounts
            .iter()
            .map(|a| a.cfg.max_event_age)
            .max()
            .unwrap_or(Duration::from_secs(1800))
            .max(Duration::from_secs(86_400));
        loop {
            let _ = ctx.store.prune(now_ms() - keep.as_millis() as i64).await;
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(3600)) => {}
                _ = stopped(&mut stop) => return,
            }
        }
    });
}
