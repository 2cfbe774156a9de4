//! `openclaw cron` (alias `automations`): scheduled jobs in the gateway's store, following
//! OpenClaw's command names. Every command works on the store directly, so it works whether or
//! not a gateway runs; a running gateway (any replica) sees a change within a second.

use std::sync::Arc;

use anyhow::{Result, anyhow, bail};
use clap::{Args, Subcommand};
use lark::model::ChatId;
use openclaw_config::Paths;
use openclaw_gateway::schedule::make::{self, JobRequest};
use openclaw_gateway::schedule::spec::{self, Schedule};
use openclaw_gateway::store::{Job, JobId, Store, now_ms};

#[derive(Subcommand)]
pub enum CronCmd {
    /// Adds a job: `cron add "0 7 * * *" "Summarize overnight updates." --to chat:oc_…`, or
    /// with --cron/--every/--at and --message/--prompt.
    #[command(visible_alias = "create")]
    Add(Box<AddArgs>),
    /// Lists the jobs with their next firing.
    List {
        #[arg(long)]
        json: bool,
    },
    /// One job in full.
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Deletes a job and its history.
    #[command(visible_alias = "rm")]
    Remove { id: String },
    /// Switches a job on again (its next firing is computed from now).
    Enable { id: String },
    /// Switches a job off.
    Disable { id: String },
    /// Fires a job now, once (a running gateway posts it within a second).
    Run { id: String },
    /// A job's firings, newest first.
    Runs {
        id: String,
        #[arg(long, default_value_t = 20)]
        limit: i64,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
pub struct AddArgs {
    /// A cron expression (OpenClaw's short form: schedule, then prompt).
    schedule: Option<String>,
    /// The prompt of the short form.
    text: Option<String>,
    #[arg(long)]
    name: Option<String>,
    /// A cron expression, five fields or six with seconds first.
    #[arg(long, conflicts_with_all = ["every", "at", "schedule"])]
    cron: Option<String>,
    /// An interval: 30s, 10m, 1h30m, 1d.
    #[arg(long, conflicts_with_all = ["at", "schedule"])]
    every: Option<String>,
    /// Once: 2026-12-05T09:00 (in --tz), an instant with an offset, or a delay such as 20m.
    #[arg(long, conflicts_with = "schedule")]
    at: Option<String>,
    /// The IANA zone the schedule is read in (default: this machine's).
    #[arg(long)]
    tz: Option<String>,
    /// Where to post: chat:oc_… or user:ou_….
    #[arg(long)]
    to: Option<String>,
    /// Post this text.
    #[arg(long, conflicts_with_all = ["prompt", "text"])]
    message: Option<String>,
    /// Run an agent turn on this prompt and post its answer.
    #[arg(long, conflicts_with = "text")]
    prompt: Option<String>,
    /// How a --message is posted: text, markdown or card (JSON).
    #[arg(long, value_parser = ["text", "markdown", "card"])]
    format: Option<String>,
    #[arg(long)]
    account: Option<String>,
    #[arg(long)]
    json: bool,
}

async fn open_store(paths: &Paths) -> Result<Arc<dyn Store>> {
    let url = super::load(paths).ok().and_then(|c| c.store.url);
    openclaw_gateway::store::open(url.as_deref(), &paths.state_dir)
        .await
        .map_err(|e| anyhow!("{e}"))
}

fn store_err(e: openclaw_gateway::store::StoreError) -> anyhow::Error {
    anyhow!("{e}")
}

async fn find(store: &dyn Store, id: &str) -> Result<Job> {
    store
        .job(&JobId(id.to_owned()))
        .await
        .map_err(store_err)?
        .ok_or_else(|| anyhow!("no job {id:?} (see openclaw cron list)"))
}

pub async fn run(paths: &Paths, cmd: CronCmd) -> Result<()> {
    match cmd {
        CronCmd::Add(args) => add(paths, *args).await,
        CronCmd::List { json } => {
            let jobs = open_store(paths).await?.jobs().await.map_err(store_err)?;
            if json {
                let items: Vec<_> = jobs.iter().map(make::to_json).collect();
                println!("{}", serde_json::to_string_pretty(&items)?);
            } else if jobs.is_empty() {
                println!(
                    "No jobs. Add one with: openclaw cron add --name NAME --every 1h --to chat:oc_… --message TEXT"
                );
            } else {
                for j in &jobs {
                    println!(
                        "{}  {}  {}  next {}  last {}  → {} ({})",
                        j.id,
                        j.name,
                        make::schedule_words(j),
                        make::next_words(j),
                        j.last_outcome.as_deref().unwrap_or("-"),
                        j.target,
                        j.action
                    );
                }
            }
            Ok(())
        }
        CronCmd::Show { id, json } => {
            let job = find(open_store(paths).await?.as_ref(), &id).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&make::to_json(&job))?);
            } else {
                print_job(&job);
            }
            Ok(())
        }
        CronCmd::Remove { id } => {
            let store = open_store(paths).await?;
            if !store
                .remove_job(&JobId(id.clone()))
                .await
                .map_err(store_err)?
            {
                bail!("no job {id:?} (see openclaw cron list)");
            }
            println!("Removed job {id}.");
            Ok(())
        }
        CronCmd::Enable { id } => {
            let store = open_store(paths).await?;
            let job = find(store.as_ref(), &id).await?;
            let schedule =
                Schedule::parse(&job.kind, &job.expr, &job.tz).map_err(|e| anyhow!("{e}"))?;
            let next = schedule.first(now_ms());
            store
                .set_job_enabled(&job.id, true, next)
                .await
                .map_err(store_err)?;
            match next {
                Some(ms) => println!("Enabled job {id}; next firing {}.", spec::show(ms, &job.tz)),
                None => println!("Enabled job {id}; it has no firing left."),
            }
            Ok(())
        }
        CronCmd::Disable { id } => {
            let store = open_store(paths).await?;
            let job = find(store.as_ref(), &id).await?;
            store
                .set_job_enabled(&job.id, false, None)
                .await
                .map_err(store_err)?;
            println!("Disabled job {id}.");
            Ok(())
        }
        CronCmd::Run { id } => {
            let store = open_store(paths).await?;
            let job = find(store.as_ref(), &id).await?;
            // The next firing becomes now; the scheduler claims it like any other (once,
            // whichever replica gets there) and moves the job on to its schedule after it.
            store
                .set_job_enabled(&job.id, true, Some(now_ms()))
                .await
                .map_err(store_err)?;
            println!(
                "Job {id} fires now: a running gateway posts it to {} within a second (see openclaw cron runs {id}).",
                job.target
            );
            Ok(())
        }
        CronCmd::Runs { id, limit, json } => {
            let store = open_store(paths).await?;
            let job = find(store.as_ref(), &id).await?;
            let runs = store.job_runs(&job.id, limit).await.map_err(store_err)?;
            if json {
                let items: Vec<_> = runs
                    .iter()
                    .map(|r| {
                        serde_json::json!({"scheduledAtMs": r.scheduled_ms,
                        "scheduled": spec::show(r.scheduled_ms, &job.tz),
                        "outcome": r.outcome.as_str(), "detail": r.detail,
                        "updatedAtMs": r.updated_at_ms})
                    })
                    .collect();
                println!("{}", serde_json::to_string_pretty(&items)?);
            } else if runs.is_empty() {
                println!(
                    "Job {id} has not fired yet; next {}.",
                    make::next_words(&job)
                );
            } else {
                for r in &runs {
                    println!(
                        "{}  {}{}",
                        spec::show(r.scheduled_ms, &job.tz),
                        r.outcome.as_str(),
                        r.detail
                            .as_deref()
                            .map(|d| format!(": {d}"))
                            .unwrap_or_default()
                    );
                }
            }
            Ok(())
        }
    }
}

async fn add(paths: &Paths, a: AddArgs) -> Result<()> {
    let config = super::load(paths)?;
    let account = super::pick_account(&config, a.account.as_deref())?;
    if a.schedule.is_some() && a.text.is_none() && a.message.is_none() && a.prompt.is_none() {
        bail!(
            "the short form is: openclaw cron add \"<cron expression>\" \"<prompt>\" --to chat:oc_…"
        );
    }
    let Some(to) = a.to.clone() else {
        bail!("give --to: where to post (chat:oc_… for a chat, user:ou_… for a person's DM)");
    };
    let req = JobRequest {
        account: account.id.clone(),
        name: a.name,
        cron: a.cron.or(a.schedule),
        every: a.every,
        at: a.at,
        tz: a.tz,
        to,
        message: a.message,
        prompt: a.prompt.or(a.text),
        format: a.format,
        scope_chat: None,
        created_by: Some("cli".into()),
    };
    let job = make::make(req, now_ms()).map_err(|e| anyhow!("{e}"))?;
    check_target(account, &job).await?;
    let store = open_store(paths).await?;
    store.add_job(&job).await.map_err(store_err)?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&make::to_json(&job))?);
    } else {
        println!(
            "Added job {} ({}): {}, next {}.",
            job.id,
            job.name,
            make::schedule_words(&job),
            make::next_words(&job)
        );
        if job.next_run_ms.is_some_and(|n| n < now_ms()) {
            println!(
                "That time has passed: a gateway runs it at start if it is less than cron.catchUpMinutes ({}) late, else records it as missed.",
                config.cron.catch_up_minutes
            );
        }
    }
    Ok(())
}

/// Asks the platform whether the bot can reach a chat target (a person's DM cannot be checked
/// before a message is sent); the platform's refusal is the error.
async fn check_target(account: &openclaw_config::Account, job: &Job) -> Result<()> {
    let Some(chat) = job.target.strip_prefix("chat:") else {
        return Ok(());
    };
    let client = openclaw_gateway::account::client_for(account).map_err(|e| anyhow!("{e}"))?;
    client
        .get_chat(&ChatId::from(chat.to_owned()))
        .await
        .map(drop)
        .map_err(|e| anyhow!("the bot cannot post to {}: {e}", job.target))
}

fn print_job(j: &Job) {
    println!("Job {} ({})", j.id, j.name);
    println!("  account:  {}", j.account);
    println!("  schedule: {}", make::schedule_words(j));
    println!("  next:     {}", make::next_words(j));
    println!("  to:       {}", j.target);
    println!("  action:   {} ({})", j.action, j.format);
    println!("  body:     {}", j.body);
    if let (Some(at), Some(o)) = (j.last_run_ms, &j.last_outcome) {
        println!("  last run: {} {o}", spec::show(at, &j.tz));
    }
}
