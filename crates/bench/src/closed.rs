//! The closed loop: one message at a time, the next sent once the reply to the last has been
//! posted (and a short pause), round-robin over a few chats. It measures what a user waiting for
//! the bot sees: the time from the message's existence to the reply's, both read from lark-sim's
//! own `create_time` stamps (at this pace they are the wall clock), so polling for the reply adds
//! no error. The pace is a user's: each chat gets a message at most every `CHATS x PAUSE` = 200 ms,
//! under the platform's 5 sends per second per chat, so the figure is the bot's latency and not
//! the platform's per-chat budget.

use std::time::{Duration, Instant};

use anyhow::{Result, bail};

use crate::load::{Outcome, wall_ms};
use crate::sim::{Person, Sim};

/// How often the transcript is read while waiting for a reply.
const POLL: Duration = Duration::from_millis(5);
/// The chats the loop goes round, and the pause after each reply.
pub const CHATS: usize = 5;
const PAUSE: Duration = Duration::from_millis(40);

pub struct ClosedLoop<'a> {
    pub app: &'a str,
    pub chats: &'a [String],
    pub users: &'a [Person],
    pub messages: usize,
    pub reply_timeout: Duration,
}

pub async fn run(sim: &Sim, plan: &ClosedLoop<'_>) -> Result<Outcome> {
    let first_ms = wall_ms();
    let mut out = Outcome::default();
    for i in 0..plan.messages {
        let c = i % plan.chats.len().max(1);
        let (chat, user) = (&plan.chats[c], &plan.users[c]);
        let id = sim
            .user_sends(plan.app, chat, user, &format!("closed {i}"))
            .await?;
        let deadline = Instant::now() + plan.reply_timeout;
        let latency = loop {
            if let Some(ms) = latency_of(sim, plan.app, chat, &id).await? {
                break ms;
            }
            if Instant::now() > deadline {
                bail!(
                    "no reply to closed-loop message {i} in {} s",
                    plan.reply_timeout.as_secs()
                );
            }
            tokio::time::sleep(POLL).await;
        };
        out.latencies_ms.push(latency);
        out.answered += 1;
        tokio::time::sleep(PAUSE).await;
    }
    out.wall_ms = wall_ms().saturating_sub(first_ms);
    let calls = sim.calls(plan.app).await?;
    out.failed_calls = calls
        .iter()
        .filter(|c| c["status"] != 200 || c["code"].as_i64().is_some_and(|code| code != 0))
        .count();
    out.rate_refused = crate::load::rate_refused(&calls);
    Ok(out)
}

/// The reply's `create_time` minus the message's, once a bot message answers `id`.
async fn latency_of(sim: &Sim, app: &str, chat: &str, id: &str) -> Result<Option<u64>> {
    let items = sim.chat_messages(app, chat).await?;
    let stamp = |m: &serde_json::Value| {
        m["create_time"]
            .as_str()
            .and_then(|s| s.parse::<u64>().ok())
    };
    let Some(asked) = items.iter().find(|m| m["message_id"] == id).and_then(stamp) else {
        return Ok(None);
    };
    let reply = items
        .iter()
        .filter(|m| m["sender"]["sender_type"] == "app" && m["parent_id"] == id)
        .filter_map(stamp)
        .min();
    Ok(reply.map(|r| r.saturating_sub(asked)))
}
