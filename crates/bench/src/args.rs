//! Command-line arguments of the benchmark.

use clap::{Parser, ValueEnum};

/// Which bot a run drives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Target {
    /// `openclaw gateway run` with the echo agent.
    Gateway,
    /// `bench/node-echo-bot.cjs` on the official Node SDK.
    Node,
}

impl Target {
    /// The targets to run, in order: both unless `--only` picks one.
    pub fn selected(only: Option<Target>) -> Vec<Target> {
        match only {
            Some(t) => vec![t],
            None => vec![Target::Gateway, Target::Node],
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Target::Gateway => "gateway",
            Target::Node => "node",
        }
    }
}

/// The gateway benchmark: openclaw against an echo bot on the official Node SDK, on lark-sim.
#[derive(Debug, Parser)]
#[command(name = "openclaw-bench", version, about)]
pub struct Args {
    /// User messages to inject per run.
    #[arg(long, default_value_t = 2000)]
    pub messages: usize,
    /// Group chats the messages are spread over (round-robin).
    #[arg(long, default_value_t = 50)]
    pub chats: usize,
    /// Run one bot only.
    #[arg(long, value_enum)]
    pub only: Option<Target>,
    /// Injecting control calls in flight at once.
    #[arg(long, default_value_t = 32)]
    pub in_flight: usize,
    /// How long to wait for all replies after the last injection, in seconds.
    #[arg(long, default_value_t = 120)]
    pub reply_timeout: u64,
    /// After every message has a reply, how long to keep watching for doubles, in milliseconds.
    #[arg(long, default_value_t = 2000)]
    pub settle_ms: u64,
    /// Keep the gateway's client under the platform's documented limits (50 calls/s per app,
    /// 5 sends/s per chat), as in production. Off by default: the Node bot has no client-side
    /// limits, and lark-sim enforces none here, so the comparison is of the bots themselves.
    #[arg(long)]
    pub platform_limits: bool,
    /// Keep each run's temp dir (config, logs) and print where it is.
    #[arg(long)]
    pub keep: bool,
    /// The soak instead (`scripts/soak`): faults, a SIGKILL and restart, and what was lost; see
    /// soak.rs. Uses --messages, --chats, --reply-timeout, --settle-ms and the flags below.
    #[arg(long)]
    pub soak: bool,
    /// Soak: forced socket drops over the run.
    #[arg(long, default_value_t = 100)]
    pub drops: usize,
    /// Soak: messages injected per second.
    #[arg(long, default_value_t = 500.0)]
    pub rate: f64,
    /// Soak: a PostgreSQL URL; when given, a second run with --replicas gateways on it.
    #[arg(long)]
    pub db_url: Option<String>,
    /// Soak: gateway replicas of the PostgreSQL run.
    #[arg(long, default_value_t = 3)]
    pub replicas: usize,
}
