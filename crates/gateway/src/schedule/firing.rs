//! One firing as the pipeline runs it: the job as it stood when the firing was claimed (so a
//! job edited or removed afterwards does not change a firing already under way), and the
//! queue it runs in.

use serde::{Deserialize, Serialize};

use crate::store::{Job, JobId};

/// The payload of a firing's event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Firing {
    pub job_id: String,
    pub name: String,
    pub scheduled_ms: i64,
    pub tz: String,
    /// `chat:oc_…` or `user:ou_…`.
    pub target: String,
    /// `message` or `prompt`.
    pub action: String,
    pub body: String,
    pub format: String,
}

impl Firing {
    pub fn of(job: &Job, scheduled_ms: i64) -> Firing {
        Firing {
            job_id: job.id.0.clone(),
            name: job.name.clone(),
            scheduled_ms,
            tz: job.tz.clone(),
            target: job.target.clone(),
            action: job.action.clone(),
            body: job.body.clone(),
            format: job.format.clone(),
        }
    }

    pub fn job_id(&self) -> JobId {
        JobId(self.job_id.clone())
    }

    /// The id the platform knows the target by (`oc_…`, `ou_…`).
    pub fn receive_id(&self) -> &str {
        target_id(&self.target)
    }

    /// The queue the firing runs in: the target chat's own (so it takes its turn among the
    /// chat's messages), or the user's.
    pub fn chat_key(&self) -> &str {
        self.receive_id()
    }

    /// Whether the target is a person (a DM) rather than a chat.
    pub fn to_user(&self) -> bool {
        self.target.starts_with("user:")
    }
}

/// The platform id of a `chat:…`/`user:…` target.
pub fn target_id(target: &str) -> &str {
    target
        .strip_prefix("chat:")
        .or_else(|| target.strip_prefix("user:"))
        .unwrap_or(target)
}

/// Checks a target as written and returns it in its stored form, `chat:oc_…` or `user:ou_…`
/// (a bare `oc_…`/`ou_…` is accepted).
pub fn parse_target(text: &str) -> Result<String, String> {
    let t = text.trim();
    let id = target_id(t);
    let ok_chat = id.starts_with("oc_") && !t.starts_with("user:");
    let ok_user = id.starts_with("ou_") && !t.starts_with("chat:");
    if id.len() > 3 && ok_chat {
        Ok(format!("chat:{id}"))
    } else if id.len() > 3 && ok_user {
        Ok(format!("user:{id}"))
    } else {
        Err(format!(
            "invalid target {text:?}: write chat:oc_… for a chat or user:ou_… for a person's DM"
        ))
    }
}
