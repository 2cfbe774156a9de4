//! Making a job from what a person (the CLI) or the agent (its `cron` tool) wrote: the schedule
//! checked and read in its zone, the target and the action checked, the first firing computed.
//! One place, so both say the same thing about the same mistake.

use jiff::Timestamp;

use super::firing::parse_target;
use super::spec::{self, Schedule, SpecError};
use crate::store::{Job, JobId};

/// A job as asked for.
#[derive(Debug, Clone, Default)]
pub struct JobRequest {
    pub account: String,
    pub name: Option<String>,
    pub cron: Option<String>,
    pub every: Option<String>,
    pub at: Option<String>,
    pub tz: Option<String>,
    pub to: String,
    pub message: Option<String>,
    pub prompt: Option<String>,
    /// `text` (default), `markdown` or `card`.
    pub format: Option<String>,
    pub scope_chat: Option<String>,
    pub created_by: Option<String>,
}

/// Why a job cannot be made. Each message says what to change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MakeError {
    #[error(transparent)]
    Schedule(#[from] SpecError),
    #[error(
        "give exactly one schedule: cron (an expression), every (an interval) or at (a time){0}"
    )]
    Schedules(&'static str),
    #[error(
        "give exactly one action: message (text to post) or prompt (for the agent to answer){0}"
    )]
    Actions(&'static str),
    #[error("{0}")]
    Target(String),
    #[error("invalid format {0:?}: use text, markdown or card")]
    Format(String),
    #[error("the card is not JSON: {0}")]
    Card(String),
}

/// Checks the request and makes the job, first firing included.
pub fn make(req: JobRequest, now_ms: i64) -> Result<Job, MakeError> {
    let (zone, tz) = spec::zone(req.tz.as_deref())?;
    let (kind, expr) = match (&req.cron, &req.every, &req.at) {
        (Some(c), None, None) => {
            spec::parse_cron(c)?;
            ("cron", c.trim().to_owned())
        }
        (None, Some(e), None) => {
            spec::parse_every(e)?;
            ("every", e.trim().to_owned())
        }
        (None, None, Some(a)) => {
            let ms = spec::parse_at(a, &zone, now_ms)?;
            let at = Timestamp::from_millisecond(ms).map_err(|_| SpecError::At(a.clone()))?;
            ("at", at.to_string())
        }
        (None, None, None) => return Err(MakeError::Schedules(", none was given")),
        _ => return Err(MakeError::Schedules(", not several together")),
    };
    let (action, body) = match (&req.message, &req.prompt) {
        (Some(m), None) => ("message", m.clone()),
        (None, Some(p)) => ("prompt", p.clone()),
        (None, None) => return Err(MakeError::Actions(", none was given")),
        _ => return Err(MakeError::Actions(", not both")),
    };
    if body.trim().is_empty() {
        return Err(MakeError::Actions(": it is empty"));
    }
    let format = req.format.as_deref().unwrap_or("text").to_owned();
    match format.as_str() {
        "text" | "markdown" => {}
        "card" => {
            serde_json::from_str::<serde_json::Value>(&body)
                .map_err(|e| MakeError::Card(e.to_string()))?;
        }
        _ => return Err(MakeError::Format(format)),
    }
    let target = parse_target(&req.to).map_err(MakeError::Target)?;
    let schedule = Schedule::parse(kind, &expr, &tz)?;
    let name = req
        .name
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| body.chars().take(40).collect());
    Ok(Job {
        id: JobId::new(),
        account: req.account,
        name,
        kind: kind.to_owned(),
        expr,
        tz,
        target,
        action: action.to_owned(),
        body,
        format,
        scope_chat: req.scope_chat,
        created_by: req.created_by,
        enabled: true,
        next_run_ms: schedule.first(now_ms),
        last_run_ms: None,
        last_outcome: None,
        created_at_ms: now_ms,
    })
}

/// The job's schedule in words: `cron "0 7 * * *" (Asia/Shanghai)`, `every 30m`, `at …`.
pub fn schedule_words(job: &Job) -> String {
    match job.kind.as_str() {
        "every" => format!("every {}", job.expr),
        "at" => match Timestamp::from_str_ms(&job.expr) {
            Some(ms) => format!("at {}", spec::show(ms, &job.tz)),
            None => format!("at {}", job.expr),
        },
        _ => format!("cron \"{}\" ({})", job.expr, job.tz),
    }
}

/// The next firing in the job's zone, or why there is none.
pub fn next_words(job: &Job) -> String {
    match (job.enabled, job.next_run_ms) {
        (false, _) => "disabled".into(),
        (true, Some(ms)) => spec::show(ms, &job.tz),
        (true, None) => "none".into(),
    }
}

/// The job as JSON (the CLI's `--json`, `/status`, the agent's tool).
pub fn to_json(job: &Job) -> serde_json::Value {
    serde_json::json!({
        "id": job.id.as_str(),
        "account": job.account,
        "name": job.name,
        "schedule": {"kind": job.kind, "expr": job.expr, "tz": job.tz},
        "scheduleText": schedule_words(job),
        "to": job.target,
        "action": job.action,
        "body": job.body,
        "format": job.format,
        "enabled": job.enabled,
        "nextRunAtMs": job.next_run_ms,
        "nextRun": job.next_run_ms.map(|ms| spec::show(ms, &job.tz)),
        "lastRunAtMs": job.last_run_ms,
        "lastOutcome": job.last_outcome,
        "scopeChat": job.scope_chat,
        "createdBy": job.created_by,
    })
}

/// Reading a stored RFC 3339 instant back as milliseconds.
trait FromStrMs {
    fn from_str_ms(s: &str) -> Option<i64>;
}

impl FromStrMs for Timestamp {
    fn from_str_ms(s: &str) -> Option<i64> {
        s.parse::<Timestamp>().ok().map(|t| t.as_millisecond())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req() -> JobRequest {
        JobRequest {
            account: "default".into(),
            every: Some("2s".into()),
            tz: Some("UTC".into()),
            to: "chat:oc_1".into(),
            message: Some("standup".into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_job_starts_at_its_first_firing() {
        let j = make(req(), 1_000).unwrap();
        assert_eq!(j.next_run_ms, Some(3_000));
        assert_eq!(j.target, "chat:oc_1");
        assert_eq!(j.name, "standup");
    }

    #[test]
    fn bad_requests_say_what_to_change() {
        let both = make(
            JobRequest {
                at: Some("5m".into()),
                ..req()
            },
            0,
        )
        .unwrap_err();
        assert!(both.to_string().contains("not several together"), "{both}");
        let cron = make(
            JobRequest {
                every: None,
                cron: Some("* * nope".into()),
                ..req()
            },
            0,
        );
        assert!(
            matches!(cron, Err(MakeError::Schedule(SpecError::Cron { .. }))),
            "{cron:?}"
        );
        let zone = make(
            JobRequest {
                tz: Some("Moon/Base".into()),
                ..req()
            },
            0,
        )
        .unwrap_err();
        assert!(
            zone.to_string().contains("unknown time zone \"Moon/Base\""),
            "{zone}"
        );
        let to = make(
            JobRequest {
                to: "general".into(),
                ..req()
            },
            0,
        )
        .unwrap_err();
        assert!(to.to_string().contains("chat:oc_"), "{to}");
        let none = make(
            JobRequest {
                message: None,
                ..req()
            },
            0,
        )
        .unwrap_err();
        assert!(none.to_string().contains("none was given"), "{none}");
    }
}
