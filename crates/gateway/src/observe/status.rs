//! What `GET /status` says of each account, and what `openclaw channels status` reads back.

use std::time::UNIX_EPOCH;

use openclaw_config::Mode;
use serde::{Deserialize, Serialize};

use crate::account::AccountRt;
use crate::runtime::Ctx;

/// One account as the running gateway sees it.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct AccountStatus {
    pub id: String,
    pub app_id: String,
    pub mode: String,
    /// `connecting`, `connected`, `reconnecting`, `stopped`, `fatal` (websocket) or `listening`
    /// (webhook).
    pub state: String,
    pub connects: u64,
    pub disconnects: u64,
    /// Milliseconds since the epoch.
    pub last_event_at_ms: Option<i64>,
    pub last_frame_at_ms: Option<i64>,
    pub last_error: Option<String>,
    /// Events recorded and not finished.
    pub queue_depth: u64,
    pub webhook_path: Option<String>,
    pub bot_open_id: Option<String>,
    /// Long connections connected now, of `connections.len()`.
    pub alive: usize,
    pub connections: Vec<ConnectionStatus>,
    /// The account's scheduled jobs and their next firings.
    #[serde(default)]
    pub jobs: Vec<JobStatus>,
}

/// One scheduled job, as `/status` shows it.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct JobStatus {
    pub id: String,
    pub name: String,
    /// The schedule in words (`every 30m`, `cron "0 7 * * *" (Asia/Shanghai)`).
    pub schedule: String,
    pub to: String,
    pub enabled: bool,
    /// The next firing in the job's zone, `disabled` or `none`.
    pub next: String,
    pub next_run_at_ms: Option<i64>,
    pub last_outcome: Option<String>,
}

/// One long connection.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionStatus {
    pub state: String,
    /// When the state was entered, in milliseconds since the epoch.
    pub since_ms: Option<i64>,
    pub last_frame_at_ms: Option<i64>,
    pub connects: u64,
    pub disconnects: u64,
    pub last_error: Option<String>,
}

fn ms(t: std::time::SystemTime) -> Option<i64> {
    t.duration_since(UNIX_EPOCH)
        .ok()
        .map(|d| d.as_millis() as i64)
}

impl From<&lark::ws::Status> for ConnectionStatus {
    fn from(c: &lark::ws::Status) -> Self {
        ConnectionStatus {
            state: c.state.as_str().into(),
            since_ms: ms(c.since),
            last_frame_at_ms: c.last_frame_at.and_then(ms),
            connects: c.connects,
            disconnects: c.disconnects,
            last_error: match &c.state {
                lark::ws::ConnState::Fatal(reason) => Some(reason.clone()),
                _ => c.last_error.clone(),
            },
        }
    }
}

/// Every account's status, as `GET /status` reports it.
pub async fn account_statuses(ctx: &Ctx) -> Vec<AccountStatus> {
    let mut out = Vec::new();
    for a in &ctx.accounts {
        out.push(account_status(ctx, a).await);
    }
    out
}

pub(crate) async fn account_status(ctx: &Ctx, a: &AccountRt) -> AccountStatus {
    let mut s = AccountStatus {
        id: a.id().to_owned(),
        app_id: a.app_id.clone(),
        last_event_at_ms: a.last_event_ms(),
        queue_depth: ctx.store.depth(a.id()).await.map(|d| d.open).unwrap_or(0),
        bot_open_id: a.bot_cached().map(|b| b.open_id.to_string()),
        jobs: jobs(ctx, a.id()).await,
        ..AccountStatus::default()
    };
    match a.cfg.mode {
        Mode::Webhook => {
            s.mode = "webhook".into();
            s.state = "listening".into();
            s.webhook_path = Some(a.cfg.webhook_path.clone());
        }
        Mode::Websocket => {
            s.mode = "websocket".into();
            let conns: Vec<ConnectionStatus> = a
                .conn_statuses()
                .iter()
                .map(ConnectionStatus::from)
                .collect();
            s.alive = conns.iter().filter(|c| c.state == "connected").count();
            s.state = if conns.is_empty() {
                "starting".into()
            } else if s.alive > 0 {
                "connected".into()
            } else {
                conns[0].state.clone()
            };
            s.connects = conns.iter().map(|c| c.connects).sum();
            s.disconnects = conns.iter().map(|c| c.disconnects).sum();
            s.last_frame_at_ms = conns.iter().filter_map(|c| c.last_frame_at_ms).max();
            s.last_error = conns.iter().rev().find_map(|c| c.last_error.clone());
            s.connections = conns;
        }
    }
    s
}

/// The account's scheduled jobs, as `/status` lists them.
pub async fn jobs(ctx: &Ctx, account: &str) -> Vec<JobStatus> {
    use crate::schedule::make::{next_words, schedule_words};
    let jobs = ctx.store.jobs().await.unwrap_or_default();
    jobs.iter()
        .filter(|j| j.account == account)
        .map(|j| JobStatus {
            id: j.id.to_string(),
            name: j.name.clone(),
            schedule: schedule_words(j),
            to: j.target.clone(),
            enabled: j.enabled,
            next: next_words(j),
            next_run_at_ms: j.next_run_ms.filter(|_| j.enabled),
            last_outcome: j.last_outcome.clone(),
        })
        .collect()
}

/// The store as `GET /status` reports it (`store` beside `accounts`).
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct StoreStatus {
    /// `sqlite` or `postgres`.
    pub kind: String,
    /// Replicas whose heartbeat is recent (a shared store only); `None` when unknown.
    pub replicas_alive: Option<u64>,
}

pub async fn store_status(ctx: &Ctx) -> StoreStatus {
    if !ctx.store.shared() {
        return StoreStatus {
            kind: "sqlite".into(),
            replicas_alive: None,
        };
    }
    let window = crate::fleet::ALIVE_WINDOW.as_millis() as i64;
    StoreStatus {
        kind: "postgres".into(),
        replicas_alive: ctx.store.replicas_alive(window).await.ok().flatten(),
    }
}
