//! Scheduled jobs in PostgreSQL (see `store::jobs`): the statements of SQLite's, in this
//! dialect. `advance_job` is one conditional UPDATE, so of replicas advancing the same firing
//! exactly one changes the row.

use tokio_postgres::Row;

use super::{PostgresStore, db};
use async_trait::async_trait;

use crate::store::{Job, JobId, JobRun, JobStore, Result, RunOutcome};

const JOB_COLUMNS: &str = "id, account, name, kind, expr, tz, target, action, body, format, \
    scope_chat, created_by, enabled, next_run_ms, last_run_ms, last_outcome, created_at_ms";

fn job_row(r: &Row) -> Job {
    Job {
        id: JobId(r.get(0)),
        account: r.get(1),
        name: r.get(2),
        kind: r.get(3),
        expr: r.get(4),
        tz: r.get(5),
        target: r.get(6),
        action: r.get(7),
        body: r.get(8),
        format: r.get(9),
        scope_chat: r.get(10),
        created_by: r.get(11),
        enabled: r.get(12),
        next_run_ms: r.get(13),
        last_run_ms: r.get(14),
        last_outcome: r.get(15),
        created_at_ms: r.get(16),
    }
}

#[async_trait]
impl JobStore for PostgresStore {
    async fn add_job(&self, j: &Job) -> Result<()> {
        let sql = format!(
            "INSERT INTO jobs ({JOB_COLUMNS}) VALUES \
             ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)"
        );
        self.exec(
            &sql,
            &[
                &j.id.0,
                &j.account,
                &j.name,
                &j.kind,
                &j.expr,
                &j.tz,
                &j.target,
                &j.action,
                &j.body,
                &j.format,
                &j.scope_chat,
                &j.created_by,
                &j.enabled,
                &j.next_run_ms,
                &j.last_run_ms,
                &j.last_outcome,
                &j.created_at_ms,
            ],
        )
        .await
        .map(drop)
    }

    async fn jobs(&self) -> Result<Vec<Job>> {
        let sql = format!("SELECT {JOB_COLUMNS} FROM jobs ORDER BY created_at_ms, id");
        Ok(self.rows(&sql, &[]).await?.iter().map(job_row).collect())
    }

    async fn job(&self, id: &JobId) -> Result<Option<Job>> {
        let sql = format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = $1");
        Ok(self.opt_row(&sql, &[&id.0]).await?.map(|r| job_row(&r)))
    }

    async fn remove_job(&self, id: &JobId) -> Result<bool> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(db)?;
        tx.execute("DELETE FROM job_runs WHERE job_id = $1", &[&id.0])
            .await
            .map_err(db)?;
        let n = tx
            .execute("DELETE FROM jobs WHERE id = $1", &[&id.0])
            .await
            .map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(n == 1)
    }

    async fn set_job_enabled(
        &self,
        id: &JobId,
        enabled: bool,
        next_run_ms: Option<i64>,
    ) -> Result<bool> {
        self.exec(
            "UPDATE jobs SET enabled = $2, next_run_ms = $3 WHERE id = $1",
            &[&id.0, &enabled, &next_run_ms],
        )
        .await
        .map(|n| n == 1)
    }

    async fn advance_job(&self, id: &JobId, from_ms: i64, to_ms: Option<i64>) -> Result<bool> {
        self.exec(
            "UPDATE jobs SET next_run_ms = $3::bigint, \
             enabled = (enabled AND $3::bigint IS NOT NULL) \
             WHERE id = $1 AND next_run_ms = $2",
            &[&id.0, &from_ms, &to_ms],
        )
        .await
        .map(|n| n == 1)
    }

    async fn record_job_run(&self, run: &JobRun) -> Result<()> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(db)?;
        tx.execute(
            "INSERT INTO job_runs (job_id, scheduled_ms, outcome, detail, updated_at_ms) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (job_id, scheduled_ms) DO UPDATE SET \
             outcome = excluded.outcome, detail = excluded.detail, \
             updated_at_ms = excluded.updated_at_ms \
                 WHERE excluded.outcome <> 'running'",
            &[
                &run.job_id.0,
                &run.scheduled_ms,
                &run.outcome.as_str(),
                &run.detail,
                &run.updated_at_ms,
            ],
        )
        .await
        .map_err(db)?;
        tx.execute(
            "UPDATE jobs SET last_run_ms = $2, last_outcome = $3 WHERE id = $1 \
             AND (last_run_ms IS NULL OR last_run_ms < $2 \
                 OR (last_run_ms = $2 AND $3 <> 'running'))",
            &[&run.job_id.0, &run.scheduled_ms, &run.outcome.as_str()],
        )
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)
    }

    async fn job_runs(&self, id: &JobId, limit: i64) -> Result<Vec<JobRun>> {
        let rows = self
            .rows(
                "SELECT job_id, scheduled_ms, outcome, detail, updated_at_ms FROM job_runs \
                 WHERE job_id = $1 ORDER BY scheduled_ms DESC LIMIT $2",
                &[&id.0, &limit],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| {
                let outcome: String = r.get(2);
                JobRun {
                    job_id: JobId(r.get(0)),
                    scheduled_ms: r.get(1),
                    outcome: RunOutcome::parse(&outcome),
                    detail: r.get(3),
                    updated_at_ms: r.get(4),
                }
            })
            .collect())
    }
}
