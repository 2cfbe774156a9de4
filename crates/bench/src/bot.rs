//! One run: a fresh lark-sim with one app and its group chats, the bot under test started against
//! it (the `openclaw` gateway with the echo agent at the defaults or tuned, or the Node SDK echo
//! bot), readiness, idle RSS, the load (a closed loop or a burst), the CPU the bot and lark-sim
//! spent on it, and peak RSS. Every child is killed when the run ends, however it ends.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::json;
use tokio::process::{Child, Command};

use crate::args::{Args, Target};
use crate::closed::{self, ClosedLoop};
use crate::cpu::Meter;
use crate::load::{self, Plan};
use crate::paths::Binaries;
use crate::report::RunStats;
use crate::rss;
use crate::sim::{Person, Sim, http_client};

const APP_ID: &str = "cli_b3e4c5d6e7f80912";
const APP_SECRET: &str = "bench-secret-5f1c2a";
const READY_TIMEOUT: Duration = Duration::from_secs(60);
const IDLE: Duration = Duration::from_secs(2);

/// The bot process under test.
struct Bot {
    child: Child,
    pid: u32,
    log: PathBuf,
    /// The gateway's health URL; the Node bot has none.
    healthz: Option<String>,
}

/// What one run puts on the bot.
#[derive(Debug, Clone, Copy)]
pub enum Load {
    /// One message at a time, round-robin over a few chats.
    ClosedLoop(usize),
    /// Messages injected at once, round-robin over the chats.
    Burst { messages: usize, chats: usize },
}

impl Load {
    pub fn name(self) -> &'static str {
        match self {
            Load::ClosedLoop(_) => "closed-loop",
            Load::Burst { .. } => "burst",
        }
    }

    fn size(self) -> (usize, usize) {
        match self {
            Load::ClosedLoop(n) => (n, closed::CHATS),
            Load::Burst { messages, chats } => (messages, chats.max(1)),
        }
    }
}

/// Runs one load against one target and measures it.
pub async fn run_target(
    target: Target,
    load: Load,
    bins: &Binaries,
    args: &Args,
) -> Result<RunStats> {
    let tmp = tempfile::Builder::new()
        .prefix(&format!(
            "openclaw-bench-{}-{}-",
            target.name(),
            load.name()
        ))
        .tempdir()?;
    let dir = tmp.path().to_path_buf();
    let result = run_in(target, load, bins, args, &dir).await;
    if args.keep || result.is_err() {
        let kept = tmp.keep();
        println!("  logs and config kept in {}", kept.display());
    }
    result
}

async fn run_in(
    target: Target,
    load: Load,
    bins: &Binaries,
    args: &Args,
    dir: &Path,
) -> Result<RunStats> {
    let flags: &[&str] = if target.platform_limits() {
        &["--platform-limits"]
    } else {
        &[]
    };
    let sim = Sim::start_with(&bins.lark_sim, &dir.join("lark-sim.log"), flags).await?;
    sim.create_app(APP_ID, APP_SECRET).await?;
    let (messages, chat_count) = load.size();
    let mut chats = Vec::with_capacity(chat_count);
    let mut users = Vec::with_capacity(chat_count);
    for c in 0..chat_count {
        let user = Person {
            open_id: format!("ou_bench_user_{c:04}"),
            name: format!("Bench User {c}"),
        };
        chats.push(
            sim.create_chat(APP_ID, &format!("bench {c}"), &user)
                .await?,
        );
        users.push(user);
    }
    let warm_user = Person {
        open_id: "ou_bench_warmup".into(),
        name: "Bench Warmup".into(),
    };
    let warm_chat = sim.create_chat(APP_ID, "bench warmup", &warm_user).await?;
    println!(
        "  lark-sim at {} with {chat_count} group chats{}",
        sim.base,
        if target.platform_limits() {
            ", --platform-limits"
        } else {
            ""
        }
    );

    let mut bot = match target {
        Target::Gateway => start_gateway(bins, &sim, dir, false, args.typing_delay_ms)?,
        Target::Tuned => start_gateway(bins, &sim, dir, true, None)?,
        Target::Node => start_node(bins, &sim, dir)?,
    };
    let ready_after = wait_ready(&sim, &mut bot).await?;
    let first_reply = warm_up(&sim, &warm_chat, &warm_user).await?;
    println!(
        "  {} ready in {} ms; first reply (warm-up, not counted) in {} ms",
        target.name(),
        ready_after.as_millis(),
        first_reply.as_millis()
    );
    tokio::time::sleep(IDLE).await;
    let idle_rss = rss::rss(bot.pid).unwrap_or(0);

    let sampler = rss::Sampler::start(bot.pid);
    let (bot_cpu, sim_cpu) = (Meter::start(bot.pid), Meter::start(sim.pid));
    let reply_timeout = Duration::from_secs(args.reply_timeout);
    let outcome = match load {
        Load::ClosedLoop(n) => {
            let plan = ClosedLoop {
                app: APP_ID,
                chats: &chats,
                users: &users,
                messages: n,
                reply_timeout,
            };
            closed::run(&sim, &plan).await
        }
        Load::Burst { .. } => {
            let plan = Plan {
                app: APP_ID,
                chats: &chats,
                users: &users,
                messages,
                in_flight: args.in_flight,
                reply_timeout,
                settle: Duration::from_millis(args.settle_ms),
            };
            load::run(&sim, &plan).await
        }
    };
    let (bot_cpu_ms, sim_cpu_ms) = (bot_cpu.elapsed_ms(), sim_cpu.elapsed_ms());
    let sampled = sampler.finish().await;
    let peak_rss = sampled.max(rss::hwm(bot.pid).unwrap_or(0));
    if let Ok(Some(status)) = bot.child.try_wait() {
        bail!(
            "{} exited during the run ({status}); see {}",
            target.name(),
            bot.log.display()
        );
    }
    let outcome = outcome?;
    let _ = bot.child.kill().await;
    let mut stats = RunStats::new(
        target.name(),
        messages,
        chat_count,
        outcome,
        idle_rss,
        peak_rss,
    );
    stats.load = load.name().to_owned();
    stats.label = target.label().to_owned();
    stats.set_cpu(bot_cpu_ms, sim_cpu_ms);
    stats.ready_ms = ready_after.as_millis() as u64;
    stats.first_reply_ms = first_reply.as_millis() as u64;
    Ok(stats)
}

/// One message in a chat of its own, answered before the load starts, so that both bots are
/// measured warm (token fetched, connections open); returns how long its reply took.
async fn warm_up(sim: &Sim, chat: &str, user: &Person) -> Result<Duration> {
    let started = Instant::now();
    sim.user_sends(APP_ID, chat, user, "warm up").await?;
    while started.elapsed() < READY_TIMEOUT {
        let items = sim.chat_messages(APP_ID, chat).await?;
        if items.iter().any(|m| m["sender"]["sender_type"] == "app") {
            return Ok(started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    bail!(
        "no reply to the warm-up message in {} s",
        READY_TIMEOUT.as_secs()
    )
}

/// `openclaw gateway run --config <dir>/openclaw.json`, state and logs in the run's temp dir.
/// At the defaults the config is what a user writes for open groups (typing indicator on, no
/// `rateLimits`); tuned, the typing indicator is off and the client's limits are raised.
/// `typing_delay_ms` sets `typingDelayMs` (`--typing-delay-ms`).
fn start_gateway(
    bins: &Binaries,
    sim: &Sim,
    dir: &Path,
    tuned: bool,
    typing_delay_ms: Option<u64>,
) -> Result<Bot> {
    let port = free_port()?;
    let mut config = json!({
        "channels": { "lark": {
            "appId": APP_ID, "appSecret": APP_SECRET, "domain": sim.base,
            "dmPolicy": "open", "groupPolicy": "open", "requireMention": false,
        } },
        "agent": { "provider": "echo" },
        "gateway": { "port": port },
    });
    if let Some(ms) = typing_delay_ms {
        config["channels"]["lark"]["typingDelayMs"] = json!(ms);
    }
    if tuned {
        let lark = &mut config["channels"]["lark"];
        lark["typingIndicator"] = json!(false);
        lark["rateLimits"] = json!({ "appPerSecond": 1_000_000, "chatPerSecond": 1_000_000 });
    }
    let path = dir.join("openclaw.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&config)?)?;
    let mut cmd = Command::new(&bins.openclaw);
    cmd.args(["gateway", "run", "--config"])
        .arg(&path)
        .env("OPENCLAW_STATE_DIR", dir)
        .env("OPENCLAW_LOG_DIR", dir);
    let mut bot = spawn(cmd, &dir.join("gateway.log"))?;
    bot.healthz = Some(format!("http://127.0.0.1:{port}/healthz"));
    Ok(bot)
}

/// `node bench/node-echo-bot.cjs <sim> <app> <secret>` with the official SDK on `NODE_PATH`.
fn start_node(bins: &Binaries, sim: &Sim, dir: &Path) -> Result<Bot> {
    let mut cmd = Command::new("node");
    cmd.arg(&bins.node_script)
        .args([sim.base.as_str(), APP_ID, APP_SECRET])
        .env("NODE_PATH", &bins.node_modules);
    spawn(cmd, &dir.join("node.log"))
}

fn spawn(mut cmd: Command, log: &Path) -> Result<Bot> {
    let out = std::fs::File::create(log)?;
    let err = out.try_clone()?;
    let child = cmd
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("starting {:?}", cmd.as_std().get_program()))?;
    let pid = child.id().context("the bot exited at once")?;
    Ok(Bot {
        child,
        pid,
        log: log.to_path_buf(),
        healthz: None,
    })
}

/// Waits until the bot holds a long connection to lark-sim (and, for the gateway, `/healthz`
/// answers 200); fails with the tail of its log if it exits or takes too long.
async fn wait_ready(sim: &Sim, bot: &mut Bot) -> Result<Duration> {
    let started = Instant::now();
    let http = http_client()?;
    loop {
        if let Some(status) = bot.child.try_wait()? {
            bail!(
                "the bot exited before it was ready ({status}):\n{}",
                tail(&bot.log)
            );
        }
        let healthy = match &bot.healthz {
            None => true,
            Some(url) => http
                .get(url)
                .timeout(Duration::from_secs(2))
                .send()
                .await
                .is_ok_and(|r| r.status() == 200),
        };
        if healthy && sim.connections(APP_ID).await? >= 1 {
            return Ok(started.elapsed());
        }
        if started.elapsed() > READY_TIMEOUT {
            bail!(
                "the bot was not ready after {} s (healthz and a long connection):\n{}",
                READY_TIMEOUT.as_secs(),
                tail(&bot.log)
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A port nobody listens on right now.
fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// The last lines of a log file, for error messages.
fn tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let from = lines.len().saturating_sub(20);
    format!("--- {} ---\n{}", log.display(), lines[from..].join("\n"))
}
