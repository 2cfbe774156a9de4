//! The load: N user messages injected round-robin over the chats with a bounded number of
//! control calls in flight, then the transcripts read back until every message has its reply.
//!
//! Timing uses the platform's own clocks, so polling adds no error: a message's time is its
//! lark-sim `create_time`, a reply's time is its `create_time` or the moment lark-sim logged the
//! bot's reply call, whichever is earlier. lark-sim keeps `create_time` strictly increasing per
//! app (one message per millisecond at most), so under bursts above 1000 messages/s it runs
//! ahead of the wall clock; each timestamp is therefore capped by a wall-clock bound taken on the
//! same machine (the injecting call's return for a message; the call log, or the poll that first
//! saw it, for a reply), and how far the stamps ran ahead is reported.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use futures::StreamExt;
use serde_json::Value;

use crate::sim::{Person, Sim};

/// What the load asks of one run.
pub struct Plan<'a> {
    pub app: &'a str,
    pub chats: &'a [String],
    pub users: &'a [Person],
    pub messages: usize,
    pub in_flight: usize,
    pub reply_timeout: Duration,
    pub settle: Duration,
}

/// What came back.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Per answered message: reply time − message time, in milliseconds.
    pub latencies_ms: Vec<u64>,
    /// From the first injection to the last first-reply, in milliseconds.
    pub wall_ms: u64,
    /// How long the injection itself took, in milliseconds.
    pub inject_ms: u64,
    /// Messages with at least one reply.
    pub answered: usize,
    /// Messages with no reply.
    pub lost: usize,
    /// Messages with more than one reply.
    pub doubled: usize,
    /// Bot messages that answer none of the injected messages.
    pub stray: usize,
    /// Events delivered more than once, and events never acknowledged.
    pub redelivered: usize,
    pub unacked: usize,
    /// The bot's API calls that did not succeed (HTTP status ≠ 200 or code ≠ 0).
    pub failed_calls: usize,
    /// Of those, the calls lark-sim refused for rate (99991400 or HTTP 429).
    pub rate_refused: usize,
    /// How far lark-sim's `create_time` stamps ran ahead of the wall clock, at most (ms).
    pub clock_ahead_ms: u64,
}

/// One injected message.
struct Sent {
    chat: usize,
    message_id: String,
    /// Wall clock when the injecting call returned (the message exists by then).
    returned_ms: u64,
}

/// What the transcripts say about one message.
#[derive(Default, Clone)]
struct Seen {
    create_ms: Option<u64>,
    replies: HashSet<String>,
    /// Earliest reply: its `create_time`, and the wall clock of the poll that first saw it.
    reply_create_ms: Option<u64>,
    reply_seen_ms: Option<u64>,
}

pub fn wall_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// Injects the messages, waits for the replies, and measures.
pub async fn run(sim: &Sim, plan: &Plan<'_>) -> Result<Outcome> {
    let first_ms = wall_ms();
    let started = Instant::now();
    let sent = inject(sim, plan).await?;
    let inject_ms = started.elapsed().as_millis() as u64;
    println!(
        "  injected {} messages in {inject_ms} ms; waiting for replies",
        sent.len()
    );

    let by_id: HashMap<&str, usize> = sent
        .iter()
        .enumerate()
        .map(|(i, s)| (s.message_id.as_str(), i))
        .collect();
    let mut seen = vec![Seen::default(); sent.len()];
    let mut pending: Vec<usize> = (0..plan.chats.len()).collect();
    let deadline = Instant::now() + plan.reply_timeout;
    while !pending.is_empty() && Instant::now() < deadline {
        let mut still = Vec::new();
        for &c in &pending {
            scan_chat(sim, plan, c, &by_id, &mut seen).await?;
            let done = sent
                .iter()
                .zip(&seen)
                .all(|(s, v)| s.chat != c || !v.replies.is_empty());
            if !done {
                still.push(c);
            }
        }
        pending = still;
        if !pending.is_empty() {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    if !pending.is_empty() {
        println!(
            "  gave up after {} s: {} chats still miss replies",
            plan.reply_timeout.as_secs(),
            pending.len()
        );
    }
    // Late doubles: watch a little longer, then read every chat once more.
    tokio::time::sleep(plan.settle).await;
    let mut strays = 0;
    for c in 0..plan.chats.len() {
        strays += scan_chat(sim, plan, c, &by_id, &mut seen).await?;
    }

    let calls = sim.calls(plan.app).await?;
    let reply_calls = reply_call_times(&calls);
    let mut out = Outcome {
        inject_ms,
        stray: strays,
        ..Outcome::default()
    };
    out.failed_calls = calls
        .iter()
        .filter(|c| c["status"] != 200 || c["code"].as_i64().is_some_and(|code| code != 0))
        .count();
    out.rate_refused = rate_refused(&calls);
    let mut last_reply = first_ms;
    for (s, v) in sent.iter().zip(&seen) {
        match v.replies.len() {
            0 => out.lost += 1,
            1 => {}
            _ => out.doubled += 1,
        }
        let (Some(created), Some(reply_created)) = (v.create_ms, v.reply_create_ms) else {
            continue;
        };
        out.answered += 1;
        let msg_ms = created.min(s.returned_ms);
        let mut reply_ms = reply_created;
        if let Some(seen_ms) = v.reply_seen_ms {
            reply_ms = reply_ms.min(seen_ms);
        }
        if let Some(&call_ms) = reply_calls.get(s.message_id.as_str()) {
            reply_ms = reply_ms.min(call_ms);
        }
        out.clock_ahead_ms = out
            .clock_ahead_ms
            .max(created.saturating_sub(msg_ms))
            .max(reply_created.saturating_sub(reply_ms));
        out.latencies_ms.push(reply_ms.saturating_sub(msg_ms));
        last_reply = last_reply.max(reply_ms);
    }
    out.wall_ms = last_reply.saturating_sub(first_ms);
    for d in sim.deliveries(plan.app).await? {
        if d["attempts"].as_array().is_some_and(|a| a.len() > 1) {
            out.redelivered += 1;
        }
        if d["status"] != "acked" {
            out.unacked += 1;
        }
    }
    Ok(out)
}

/// Sends message `i` to chat `i % C` as that chat's user, `in_flight` calls at a time.
async fn inject(sim: &Sim, plan: &Plan<'_>) -> Result<Vec<Sent>> {
    let calls = (0..plan.messages).map(|i| {
        let chat = i % plan.chats.len();
        async move {
            let id = sim
                .user_sends(
                    plan.app,
                    &plan.chats[chat],
                    &plan.users[chat],
                    &format!("bench {i}"),
                )
                .await
                .with_context(|| format!("injecting message {i}"))?;
            Ok::<_, anyhow::Error>((i, chat, id, wall_ms()))
        }
    });
    let mut results: Vec<_> = futures::stream::iter(calls)
        .buffer_unordered(plan.in_flight.max(1))
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<Result<_>>()?;
    results.sort_by_key(|r| r.0);
    Ok(results
        .into_iter()
        .map(|(_, chat, message_id, returned_ms)| Sent {
            chat,
            message_id,
            returned_ms,
        })
        .collect())
}

/// Reads one chat's transcript into `seen`; returns how many bot messages answer nothing sent.
async fn scan_chat(
    sim: &Sim,
    plan: &Plan<'_>,
    chat: usize,
    by_id: &HashMap<&str, usize>,
    seen: &mut [Seen],
) -> Result<usize> {
    let items = sim.chat_messages(plan.app, &plan.chats[chat]).await?;
    let now = wall_ms();
    // Echo replies sent without a parent are matched by their text ("bench <i>").
    let mut by_text: HashMap<String, usize> = HashMap::new();
    for m in &items {
        let Some(&i) = m["message_id"].as_str().and_then(|id| by_id.get(id)) else {
            continue;
        };
        seen[i].create_ms = millis(&m["create_time"]);
        if let Some(text) = m["content"]["text"].as_str() {
            by_text.insert(text.to_owned(), i);
        }
    }
    let mut stray = 0;
    for m in &items {
        if m["sender"]["sender_type"] != "app" {
            continue;
        }
        let target = m["parent_id"]
            .as_str()
            .and_then(|p| by_id.get(p).copied())
            .or_else(|| {
                m["content"]["text"]
                    .as_str()
                    .and_then(|t| by_text.get(t).copied())
            });
        let (Some(i), Some(id)) = (target, m["message_id"].as_str()) else {
            stray += 1;
            continue;
        };
        let v = &mut seen[i];
        if v.replies.insert(id.to_owned()) {
            let created = millis(&m["create_time"]);
            if v.reply_create_ms.is_none() || created < v.reply_create_ms {
                v.reply_create_ms = created;
            }
            v.reply_seen_ms.get_or_insert(now);
        }
    }
    Ok(stray)
}

/// The calls lark-sim refused for rate: 99991400, or HTTP 429.
pub fn rate_refused(calls: &[Value]) -> usize {
    calls
        .iter()
        .filter(|c| c["status"] == 429 || c["code"] == 99991400)
        .count()
}

/// The first successful reply call per message id (`POST .../messages/{id}/reply`), wall ms.
fn reply_call_times(calls: &[Value]) -> HashMap<String, u64> {
    let mut first: HashMap<String, u64> = HashMap::new();
    for c in calls {
        if c["status"] != 200 || c["code"].as_i64().is_some_and(|code| code != 0) {
            continue;
        }
        let (Some(path), Some(at)) = (c["path"].as_str(), c["at_ms"].as_u64()) else {
            continue;
        };
        let Some(id) = path
            .strip_prefix("/open-apis/im/v1/messages/")
            .and_then(|p| p.strip_suffix("/reply"))
        else {
            continue;
        };
        let slot = first.entry(id.to_owned()).or_insert(at);
        *slot = (*slot).min(at);
    }
    first
}

/// A millisecond timestamp sent as a string (or a number).
fn millis(v: &Value) -> Option<u64> {
    v.as_str()
        .and_then(|s| s.parse().ok())
        .or_else(|| v.as_u64())
}
