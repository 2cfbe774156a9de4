//! Scheduled jobs in SQLite (see `store::jobs`).

use rusqlite::{OptionalExtension, Row, params};

use super::{Cached, SqliteStore};
use async_trait::async_trait;

use crate::store::{Job, JobId, JobRun, JobStore, Result, RunOutcome};

pub(super) const JOB_COLUMNS: &str = "id, account, name, kind, expr, tz, target, action, body, \
    format, scope_chat, created_by, enabled, next_run_ms, last_run_ms, last_outcome, created_at_ms";

fn job_row(r: &Row<'_>) -> rusqlite::Result<Job> {
    Ok(Job {
        id: JobId(r.get(0)?),
        account: r.get(1)?,
        name: r.get(2)?,
        kind: r.get(3)?,
        expr: r.get(4)?,
        tz: r.get(5)?,
        target: r.get(6)?,
        action: r.get(7)?,
        body: r.get(8)?,
        format: r.get(9)?,
        scope_chat: r.get(10)?,
        created_by: r.get(11)?,
        enabled: r.get(12)?,
        next_run_ms: r.get(13)?,
        last_run_ms: r.get(14)?,
        last_outcome: r.get(15)?,
        created_at_ms: r.get(16)?,
    })
}

fn run_row(r: &Row<'_>) -> rusqlite::Result<JobRun> {
    let outcome: String = r.get(2)?;
    Ok(JobRun {
        job_id: JobId(r.get(0)?),
        scheduled_ms: r.get(1)?,
        outcome: RunOutcome::parse(&outcome),
        detail: r.get(3)?,
        updated_at_ms: r.get(4)?,
    })
}

#[async_trait]
impl JobStore for SqliteStore {
    async fn add_job(&self, j: &Job) -> Result<()> {
        let j = j.clone();
        self.with(move |c| {
            c.exec(
                &format!(
                    "INSERT INTO jobs ({JOB_COLUMNS}) VALUES \
                     (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)"
                ),
                params![
                    j.id.0,
                    j.account,
                    j.name,
                    j.kind,
                    j.expr,
                    j.tz,
                    j.target,
                    j.action,
                    j.body,
                    j.format,
                    j.scope_chat,
                    j.created_by,
                    j.enabled,
                    j.next_run_ms,
                    j.last_run_ms,
                    j.last_outcome,
                    j.created_at_ms
                ],
            )
            .map(drop)
        })
        .await
    }

    async fn jobs(&self) -> Result<Vec<Job>> {
        self.with(|c| {
            let mut st = c.prepare_cached(&format!(
                "SELECT {JOB_COLUMNS} FROM jobs ORDER BY created_at_ms, id"
            ))?;
            let rows = st.query_map([], job_row)?;
            rows.collect()
        })
        .await
    }

    async fn job(&self, id: &JobId) -> Result<Option<Job>> {
        let id = id.0.clone();
        self.with(move |c| {
            c.row(
                &format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = ?1"),
                params![id],
                job_row,
            )
            .optional()
        })
        .await
    }

    async fn remove_job(&self, id: &JobId) -> Result<bool> {
        let id = id.0.clone();
        self.with(move |c| {
            let tx = c.transaction()?;
            tx.execute("DELETE FROM job_runs WHERE job_id = ?1", params![id])?;
            let n = tx.execute("DELETE FROM jobs WHERE id = ?1", params![id])?;
            tx.commit()?;
            Ok(n == 1)
        })
        .await
    }

    async fn set_job_enabled(
        &self,
        id: &JobId,
        enabled: bool,
        next_run_ms: Option<i64>,
    ) -> Result<bool> {
        let id = id.0.clone();
        self.with(move |c| {
            c.exec(
                "UPDATE jobs SET enabled = ?2, next_run_ms = ?3 WHERE id = ?1",
                params![id, enabled, next_run_ms],
            )
            .map(|n| n == 1)
        })
        .await
    }

    async fn advance_job(&self, id: &JobId, from_ms: i64, to_ms: Option<i64>) -> Result<bool> {
        let id = id.0.clone();
        self.with(move |c| {
            c.exec(
                "UPDATE jobs SET next_run_ms = ?3, enabled = (enabled AND ?3 IS NOT NULL) \
                 WHERE id = ?1 AND next_run_ms = ?2",
                params![id, from_ms, to_ms],
            )
            .map(|n| n == 1)
        })
        .await
    }

    async fn record_job_run(&self, run: &JobRun) -> Result<()> {
        let run = run.clone();
        self.with(move |c| {
            let tx = c.transaction()?;
            tx.execute(
                "INSERT INTO job_runs (job_id, scheduled_ms, outcome, detail, updated_at_ms) \
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (job_id, scheduled_ms) DO UPDATE SET \
                 outcome = excluded.outcome, detail = excluded.detail, \
                 updated_at_ms = excluded.updated_at_ms \
                 WHERE excluded.outcome <> 'running'",
                params![
                    run.job_id.0,
                    run.scheduled_ms,
                    run.outcome.as_str(),
                    run.detail,
                    run.updated_at_ms
                ],
            )?;
            tx.execute(
                "UPDATE jobs SET last_run_ms = ?2, last_outcome = ?3 WHERE id = ?1 \
                 AND (last_run_ms IS NULL OR last_run_ms < ?2 \
                 OR (last_run_ms = ?2 AND ?3 <> 'running'))",
                params![run.job_id.0, run.scheduled_ms, run.outcome.as_str()],
            )?;
            tx.commit()
        })
        .await
    }

    async fn job_runs(&self, id: &JobId, limit: i64) -> Result<Vec<JobRun>> {
        let id = id.0.clone();
        self.with(move |c| {
            let mut st = c.prepare_cached(
                "SELECT job_id, scheduled_ms, outcome, detail, updated_at_ms FROM job_runs \
                 WHERE job_id = ?1 ORDER BY scheduled_ms DESC LIMIT ?2",
            )?;
            let rows = st.query_map(params![id, limit], run_row)?;
            rows.collect()
        })
        .await
    }
}
