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
}

pub(crate) async fn account_status(ctx: &Ctx, a: &AccountRt) -> AccountStatus {
    let mut s = AccountStatus {
        id: a.id().to_owned(),
        app_id: a.app_id.clone(),
        last_event_at_ms: a.last_event_ms(),
        queue_depth: ctx.store.depth(a.id()).await.map(|d| d.open).unwrap_or(0),
        bot_open_id: a.bot_cached().map(|b| b.open_id.to_string()),
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
            match a.conn_status() {
                Some(c) => {
                    s.state = c.state.as_str().into();
                    s.connects = c.connects;
                    s.disconnects = c.disconnects;
                    s.last_frame_at_ms = c
                        .last_frame_at
                        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                        .map(|d| d.as_millis() as i64);
                    s.last_error = match &c.state {
                        lark::ws::ConnState::Fatal(reason) => Some(reason.clone()),
                        _ => c.last_error.clone(),
                    };
                }
                None => s.state = "starting".into(),
            }
        }
    }
    s
}
