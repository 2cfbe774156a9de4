//! Proactive sends from a `command` agent: a line of its output that is a JSON object with an
//! `"openclaw": "send"` key is an instruction, not part of the answer; it becomes a one-shot job
//! that posts `message` to `to` (another chat, or this one) at `at` (default now), so it goes out
//! through the scheduler and the outbox with uuids like any firing:
//!
//! ```json
//! {"openclaw":"send","to":"chat:oc_ops","message":"Deploy finished","at":"in 10m","tz":"UTC","format":"markdown"}
//! ```
//!
//! The job's id derives from the turn's event and the line, so a turn run again after a crash
//! makes the same job, which the store already has: the send happens once.

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::make::{self, JobRequest};
use crate::store::{JobId, Store, now_ms};

/// Where the instructing turn runs (its default target).
pub struct Origin<'a> {
    pub account: &'a str,
    pub chat_id: &'a str,
    pub sender: &'a str,
    /// The turn's event, which the jobs' ids derive from.
    pub event_id: &'a str,
}

/// Takes the instruction lines out of `answer`, schedules each, and returns the rest of the
/// answer. A line that is an instruction but cannot be scheduled is replaced by a sentence
/// saying why, so the person sees the mistake.
pub async fn take(store: &dyn Store, origin: &Origin<'_>, answer: &str) -> String {
    if !answer.contains("\"openclaw\"") {
        return answer.to_owned();
    }
    let mut kept = Vec::new();
    for (i, line) in answer.lines().enumerate() {
        let Some(v) = instruction(line) else {
            kept.push(line.to_owned());
            continue;
        };
        if let Err(e) = schedule(store, origin, i, &v).await {
            tracing::warn!(target: "gateway", "[{}] a send instruction from the agent was not scheduled: {e}", origin.account);
            kept.push(format!(
                "[a send the agent asked for was not scheduled: {e}]"
            ));
        }
    }
    kept.join("\n")
}

fn instruction(line: &str) -> Option<Value> {
    let t = line.trim();
    if !t.starts_with('{') {
        return None;
    }
    let v: Value = serde_json::from_str(t).ok()?;
    (v.get("openclaw").and_then(Value::as_str) == Some("send")).then_some(v)
}

async fn schedule(store: &dyn Store, o: &Origin<'_>, line: usize, v: &Value) -> Result<(), String> {
    let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    let req = JobRequest {
        account: o.account.to_owned(),
        name: s("name").or_else(|| Some("send from the agent".into())),
        // Now, unless it says when.
        at: Some(s("at").unwrap_or_else(|| "1ms".into())),
        tz: s("tz"),
        to: s("to").unwrap_or_else(|| format!("chat:{}", o.chat_id)),
        message: s("message"),
        format: s("format"),
        created_by: Some(o.sender.to_owned()),
        ..JobRequest::default()
    };
    let mut job = make::make(req, now_ms()).map_err(|e| e.to_string())?;
    let digest = Sha256::digest(format!("{}\n{}\n{line}", o.account, o.event_id).as_bytes());
    job.id = JobId(format!("s{}", &hex::encode(digest)[..12]));
    match store.job(&job.id).await {
        Ok(Some(_)) => Ok(()),
        Ok(None) => store.add_job(&job).await.map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    }
}
