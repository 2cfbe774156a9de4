//! The agent's `cron` tool: `add`, `list` and `remove` scheduled jobs from a chat, so "remind me
//! in 2 seconds" or "every Monday at 9 post the open issues here" works. The current chat (and
//! so the sender's DM) is the default target; a job made in a group belongs to that group: its
//! sessions list and remove it, no other chat sees it. Times are stated back as the user wrote
//! them and in the job's zone.

use std::sync::Arc;

use async_trait::async_trait;
use openclaw_agent::{ChatKind, Tool, ToolContext, ToolOutput, ToolSpec};
use serde_json::{Value, json};

use super::make::{self, JobRequest};
use super::spec;
use crate::store::{Job, JobId, Store, now_ms};

/// The `cron` tool over the gateway's store.
pub struct CronTool {
    store: Arc<dyn Store>,
}

impl CronTool {
    pub fn new(store: Arc<dyn Store>) -> CronTool {
        CronTool { store }
    }
}

const HOW: &str = "Call it as {\"action\":\"add\",\"at\":\"in 2s\",\"message\":\"Call Ada\"}, \
{\"action\":\"add\",\"cron\":\"0 9 * * 1\",\"tz\":\"Asia/Shanghai\",\"prompt\":\"List the open issues\"}, \
{\"action\":\"list\"} or {\"action\":\"remove\",\"id\":\"j…\"}.";

/// Whether a job belongs to the chat the tool was called from: a group's jobs to that group, a
/// DM's to the person who made them there.
fn visible(job: &Job, ctx: &ToolContext) -> bool {
    job.account == ctx.account
        && match ctx.chat_type {
            ChatKind::Dm => {
                job.scope_chat.is_none() && job.created_by.as_deref() == Some(&ctx.sender_open_id)
            }
            _ => job.scope_chat.as_deref() == Some(&ctx.chat_id),
        }
}

fn text(input: &Value, key: &str) -> Option<String> {
    input
        .get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

impl CronTool {
    async fn add(&self, ctx: &ToolContext, input: &Value) -> ToolOutput {
        if ctx.chat_type == ChatKind::DocComment && text(input, "to").is_none() {
            return ToolOutput::error(
                "a job made from a document comment needs \"to\": chat:oc_… or user:ou_…",
            );
        }
        let in_group = ctx.chat_type != ChatKind::Dm;
        let req = JobRequest {
            account: ctx.account.clone(),
            name: text(input, "name"),
            cron: text(input, "cron"),
            every: text(input, "every"),
            at: text(input, "at"),
            tz: text(input, "tz"),
            to: text(input, "to").unwrap_or_else(|| format!("chat:{}", ctx.chat_id)),
            message: text(input, "message"),
            prompt: text(input, "prompt"),
            format: text(input, "format"),
            scope_chat: in_group.then(|| ctx.chat_id.clone()),
            created_by: Some(ctx.sender_open_id.clone()),
        };
        let job = match make::make(req, now_ms()) {
            Ok(j) => j,
            Err(e) => return ToolOutput::error(format!("{e}. {HOW}")),
        };
        if let Err(e) = self.store.add_job(&job).await {
            return ToolOutput::error(format!("the job could not be stored ({e}); try again"));
        }
        let asked = text(input, "at")
            .or_else(|| text(input, "every").map(|e| format!("every {e}")))
            .or_else(|| text(input, "cron"))
            .unwrap_or_default();
        let mut out = make::to_json(&job);
        out["asked"] = json!(asked);
        out["say"] = json!(format!(
            "Scheduled \"{}\" ({asked}): next at {}.",
            job.name,
            make::next_words(&job)
        ));
        ToolOutput::json(&out)
    }

    async fn list(&self, ctx: &ToolContext) -> ToolOutput {
        match self.store.jobs().await {
            Ok(jobs) => {
                let mine: Vec<Value> = jobs
                    .iter()
                    .filter(|j| visible(j, ctx))
                    .map(make::to_json)
                    .collect();
                ToolOutput::json(&json!({ "jobs": mine }))
            }
            Err(e) => ToolOutput::error(format!("the jobs could not be read ({e}); try again")),
        }
    }

    async fn remove(&self, ctx: &ToolContext, input: &Value) -> ToolOutput {
        let Some(id) = text(input, "id") else {
            return ToolOutput::error(format!("remove needs \"id\" (from list). {HOW}"));
        };
        let id = JobId(id);
        let found = match self.store.job(&id).await {
            Ok(j) => j.filter(|j| visible(j, ctx)),
            Err(e) => return ToolOutput::error(format!("the job could not be read ({e})")),
        };
        let Some(job) = found else {
            return ToolOutput::error(format!(
                "no job {id} in this chat; {{\"action\":\"list\"}} shows this chat's jobs"
            ));
        };
        match self.store.remove_job(&job.id).await {
            Ok(_) => ToolOutput::json(&json!({"removed": job.id.as_str(), "name": job.name,
                "was": make::schedule_words(&job)})),
            Err(e) => ToolOutput::error(format!("the job could not be removed ({e}); try again")),
        }
    }
}

#[async_trait]
impl Tool for CronTool {
    fn spec(&self) -> ToolSpec {
        let (_, zone) = spec::zone(None).unwrap_or((jiff::tz::TimeZone::UTC, "UTC".into()));
        ToolSpec {
            name: "cron".into(),
            description: format!(
                "Scheduled jobs and reminders for this chat. add: post a message (or run a \
                 prompt and post the answer) once (at: \"in 20m\", \"2026-12-05T09:00\"), \
                 every interval (every: \"30m\"), or on a cron expression (cron: \"0 9 * * 1-5\"), \
                 in zone tz (default {zone}); to defaults to this chat. list: this chat's jobs. \
                 remove: by id. State the time back to the user as they said it and in the \
                 job's zone. {HOW}"
            ),
            input_schema: json!({
                "type": "object",
                "properties": {
                    "action": {"type": "string", "enum": ["add", "list", "remove"]},
                    "name": {"type": "string"},
                    "at": {"type": "string", "description": "once: \"in 2s\", \"20m\", \"2026-12-05T09:00\" (in tz) or an instant with offset"},
                    "every": {"type": "string", "description": "interval: 30s, 10m, 1h30m, 1d"},
                    "cron": {"type": "string", "description": "five fields, or six with seconds first"},
                    "tz": {"type": "string", "description": "IANA zone, e.g. Asia/Shanghai"},
                    "to": {"type": "string", "description": "chat:oc_… or user:ou_…; default this chat"},
                    "message": {"type": "string", "description": "text to post"},
                    "prompt": {"type": "string", "description": "run this as a turn and post the answer"},
                    "format": {"type": "string", "enum": ["text", "markdown", "card"]},
                    "id": {"type": "string", "description": "for remove"}
                },
                "required": ["action"]
            }),
        }
    }

    async fn call(&self, ctx: &ToolContext, input: Value) -> ToolOutput {
        match input.get("action").and_then(Value::as_str) {
            Some("add") => self.add(ctx, &input).await,
            Some("list") => self.list(ctx).await,
            Some("remove") => self.remove(ctx, &input).await,
            other => ToolOutput::error(format!(
                "unknown action {other:?}: use add, list or remove. {HOW}"
            )),
        }
    }
}
