//! The records of scheduled jobs: a job (its schedule, target and action, whether it is on, when
//! it fires next and how its last firing ended) and one firing's run.
//!
//! The store keeps them as written; what a schedule means (the next firing after a time) is
//! `schedule::spec`'s, so the store never parses an expression.

/// The scheduled jobs a store keeps (a part of [`super::Store`]). Every method is one short
/// statement or transaction.
#[async_trait::async_trait]
pub trait JobStore: Send + Sync {
    /// Stores a new job.
    async fn add_job(&self, job: &Job) -> super::Result<()>;

    /// Every job, oldest first.
    async fn jobs(&self) -> super::Result<Vec<Job>>;

    /// One job by id.
    async fn job(&self, id: &JobId) -> super::Result<Option<Job>>;

    /// Deletes a job and its runs; `false` when there was none.
    async fn remove_job(&self, id: &JobId) -> super::Result<bool>;

    /// Switches a job on (with its next firing) or off; `false` when there is no such job.
    async fn set_job_enabled(
        &self,
        id: &JobId,
        enabled: bool,
        next_run_ms: Option<i64>,
    ) -> super::Result<bool>;

    /// Moves a job's next firing from `from_ms` to `to_ms` (none: it is switched off), only if
    /// it is still `from_ms`: of replicas advancing one firing, exactly one gets `true`.
    async fn advance_job(
        &self,
        id: &JobId,
        from_ms: i64,
        to_ms: Option<i64>,
    ) -> super::Result<bool>;

    /// Records a firing's outcome (replacing an earlier one of the same firing), and the job's
    /// last run with it. `Running` never replaces an outcome: on a shared store another
    /// replica may have run the firing before its claimer got to record the claim.
    async fn record_job_run(&self, run: &JobRun) -> super::Result<()>;

    /// A job's latest firings, newest first.
    async fn job_runs(&self, id: &JobId, limit: i64) -> super::Result<Vec<JobRun>>;
}

/// A job's id: `j` and twelve hex digits, short enough to type.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct JobId(pub String);

impl JobId {
    pub fn new() -> JobId {
        JobId(format!(
            "j{}",
            &uuid::Uuid::new_v4().simple().to_string()[..12]
        ))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for JobId {
    fn default() -> Self {
        JobId::new()
    }
}

impl std::fmt::Display for JobId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A scheduled job as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: JobId,
    pub account: String,
    pub name: String,
    /// `cron`, `every` or `at`.
    pub kind: String,
    /// The cron expression, the interval as written (`30m`), or the one-shot's instant (RFC 3339).
    pub expr: String,
    /// The IANA zone the schedule is read in.
    pub tz: String,
    /// `chat:oc_…` or `user:ou_…`.
    pub target: String,
    /// `message` (post `body`) or `prompt` (run a turn on `body`, post the answer).
    pub action: String,
    pub body: String,
    /// For a message: `text`, `markdown` or `card`.
    pub format: String,
    /// The group chat the job was made in by the agent: only that chat's sessions see it.
    pub scope_chat: Option<String>,
    /// Who made it (an open id, or `cli`).
    pub created_by: Option<String>,
    pub enabled: bool,
    pub next_run_ms: Option<i64>,
    pub last_run_ms: Option<i64>,
    pub last_outcome: Option<String>,
    pub created_at_ms: i64,
}

/// How a firing ended (or that it is under way).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RunOutcome {
    /// Claimed; its turn has not ended yet.
    Running,
    Sent,
    Failed,
    /// Due while no gateway ran, and later than `cron.catchUpMinutes` when one started.
    Missed,
}

impl RunOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            RunOutcome::Running => "running",
            RunOutcome::Sent => "sent",
            RunOutcome::Failed => "failed",
            RunOutcome::Missed => "missed",
        }
    }

    pub fn parse(s: &str) -> RunOutcome {
        match s {
            "running" => RunOutcome::Running,
            "sent" => RunOutcome::Sent,
            "missed" => RunOutcome::Missed,
            _ => RunOutcome::Failed,
        }
    }
}

/// One firing of a job.
#[derive(Debug, Clone, PartialEq)]
pub struct JobRun {
    pub job_id: JobId,
    pub scheduled_ms: i64,
    pub outcome: RunOutcome,
    pub detail: Option<String>,
    pub updated_at_ms: i64,
}

/// The event id a firing is claimed under: one per (job, scheduled time), so replicas claiming
/// the same firing collide and the outbox's uuids derive from it.
pub fn firing_event_id(job: &JobId, scheduled_ms: i64) -> String {
    format!("job:{job}:{scheduled_ms}")
}

/// The event type of a firing.
pub const FIRING_EVENT: &str = "openclaw.job.fired";
