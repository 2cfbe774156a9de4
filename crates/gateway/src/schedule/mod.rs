//! The scheduler: one more intake. Each due firing of a job, (job, scheduled time), is claimed
//! in the store as an event (`job:<id>:<ms>`), like a message from the platform, and its
//! chat is woken; the inbound pipeline runs it (`inbound::job`) and the outbox posts it with
//! uuids derived from the firing. Of several replicas claiming one firing, one wins the claim;
//! a crash after the claim resumes the firing from the store; a crash between running and
//! posting re-sends the same uuids, which the platform posts once.
//!
//! A firing found late (no gateway ran when it was due) runs once when it is less than
//! `cron.catchUpMinutes` late, else is recorded as missed and logged. A recurring job fires
//! once after downtime, not once per firing it missed; a one-shot that fired is switched off.

pub mod firing;
pub mod instructions;
pub mod make;
pub mod spec;
pub mod tool;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio_util::task::TaskTracker;

use crate::runtime::{Ctx, stopped};
use crate::store::jobs::{FIRING_EVENT, firing_event_id};
use crate::store::{Claim, EventStatus, Job, JobId, JobRun, NewEvent, RunOutcome, Store, now_ms};
use firing::Firing;
use spec::Schedule;

/// The longest wait between looks at the store: a job added by the CLI or another replica is
/// seen within this.
const POLL: Duration = Duration::from_secs(1);

/// What one look at the store did with a due firing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Due {
    /// Claimed here: its chat is to be woken.
    Claimed { account: String, chat: String },
    /// Another replica (or an earlier look) claimed it.
    Taken,
    /// Too late to run; recorded as missed.
    Missed,
    /// The stored schedule cannot be read; the job was switched off.
    Broken,
}

/// Starts the scheduler.
pub(crate) fn spawn(ctx: &Arc<Ctx>, tracker: &TaskTracker, mut stop: watch::Receiver<bool>) {
    let ctx = ctx.clone();
    let catch_up_ms = ctx.cron.catch_up_minutes as i64 * 60_000;
    tracker.spawn(async move {
        loop {
            let now = now_ms();
            let wait = match tick(ctx.store.as_ref(), &ctx.account_ids(), now, catch_up_ms).await {
                Ok((fired, next)) => {
                    for (job, due) in fired {
                        wake(&ctx, &job, &due).await;
                    }
                    next.map_or(POLL, |n| {
                        Duration::from_millis(
                            (n - now_ms()).clamp(0, POLL.as_millis() as i64) as u64
                        )
                    })
                }
                Err(e) => {
                    tracing::warn!(target: "gateway", "scheduler cannot read the jobs: {e}");
                    POLL
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = stopped(&mut stop) => return,
            }
        }
    });
}

async fn wake(ctx: &Arc<Ctx>, job: &Job, due: &Due) {
    let acct = &job.account;
    match due {
        Due::Claimed { account, chat } => {
            if ctx.verbose {
                tracing::info!(target: "gateway", "[{acct}] job {} ({}) fired", job.id, job.name);
            }
            if let Some(a) = ctx.account(account) {
                ctx.wake(a, chat).await;
            }
        }
        Due::Missed => {
            ctx.metrics.inc(
                "openclaw_cron_firings_total",
                &[("account", acct), ("outcome", "missed")],
            );
        }
        Due::Taken | Due::Broken => {}
    }
}

/// One look at the jobs at `now`: claims each due firing of the `accounts`' enabled jobs and
/// moves the job to its next firing. Returns what became of each due firing, and the earliest
/// firing still ahead.
pub async fn tick(
    store: &dyn Store,
    accounts: &[String],
    now: i64,
    catch_up_ms: i64,
) -> crate::store::Result<(Vec<(Job, Due)>, Option<i64>)> {
    let mut done = Vec::new();
    let mut ahead: Option<i64> = None;
    for job in store.jobs().await? {
        if !job.enabled || !accounts.contains(&job.account) {
            continue;
        }
        let Some(at) = job.next_run_ms else { continue };
        if at > now {
            ahead = Some(ahead.map_or(at, |a| a.min(at)));
            continue;
        }
        let due = fire(store, &job, at, now, catch_up_ms).await?;
        done.push((job, due));
    }
    Ok((done, ahead))
}

async fn fire(
    store: &dyn Store,
    job: &Job,
    at: i64,
    now: i64,
    catch_up_ms: i64,
) -> crate::store::Result<Due> {
    let schedule = match Schedule::parse(&job.kind, &job.expr, &job.tz) {
        Ok(s) => s,
        Err(e) => {
            if store.advance_job(&job.id, at, None).await? {
                record(store, &job.id, at, RunOutcome::Failed, Some(e.to_string())).await?;
                tracing::error!(target: "gateway", "[{}] job {} switched off: {e}", job.account, job.id);
            }
            return Ok(Due::Broken);
        }
    };
    let next = schedule.next(at, now);
    let late = now - at;
    if late > catch_up_ms {
        if store.advance_job(&job.id, at, next).await? {
            let why = format!(
                "due at {}, {} min late when a gateway ran (cron.catchUpMinutes is {})",
                spec::show(at, &job.tz),
                late / 60_000,
                catch_up_ms / 60_000
            );
            tracing::warn!(target: "gateway", "[{}] job {} ({}) missed a firing: {why}", job.account, job.id, job.name);
            record(store, &job.id, at, RunOutcome::Missed, Some(why)).await?;
            return Ok(Due::Missed);
        }
        return Ok(Due::Taken);
    }
    let firing = Firing::of(job, at);
    let chat = firing.chat_key().to_owned();
    let claim = store
        .claim(NewEvent {
            account: job.account.clone(),
            event_id: firing_event_id(&job.id, at),
            message_id: None,
            event_type: FIRING_EVENT.into(),
            chat_key: Some(chat.clone()),
            payload: serde_json::to_string(&firing).unwrap_or_default(),
            received_at_ms: now,
            created_at_ms: None,
            status: EventStatus::Received,
        })
        .await?;
    if claim == Claim::New {
        record(store, &job.id, at, RunOutcome::Running, None).await?;
    }
    // After the claim: a crash between the two finds the firing claimed and only advances.
    store.advance_job(&job.id, at, next).await?;
    Ok(if claim == Claim::New {
        Due::Claimed {
            account: job.account.clone(),
            chat,
        }
    } else {
        Due::Taken
    })
}

/// Records a firing's outcome.
pub(crate) async fn record(
    store: &dyn Store,
    job: &JobId,
    at: i64,
    outcome: RunOutcome,
    detail: Option<String>,
) -> crate::store::Result<()> {
    store
        .record_job_run(&JobRun {
            job_id: job.clone(),
            scheduled_ms: at,
            outcome,
            detail,
            updated_at_ms: now_ms(),
        })
        .await
}

#[cfg(test)]
mod tests;
