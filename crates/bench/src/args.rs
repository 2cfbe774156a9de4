//! Command-line arguments of the benchmark.

use clap::{Parser, ValueEnum};

/// Which bot a run drives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Target {
    /// `openclaw gateway run` with the echo agent at the defaults a user gets (typing indicator
    /// on, no `rateLimits`), against lark-sim `--platform-limits`.
    Gateway,
    /// The same gateway tuned: typing indicator off and the client's limits raised, against
    /// lark-sim without limits (as the Node bot runs).
    Tuned,
    /// `bench/node-echo-bot.cjs` on the official Node SDK (no client-side limits).
    Node,
}

impl Target {
    /// The targets to run, in order: all three unless `--only` picks one.
    pub fn selected(only: Option<Target>) -> Vec<Target> {
        match only {
            Some(t) => vec![t],
            None => vec![Target::Gateway, Target::Tuned, Target::Node],
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Target::Gateway => "gateway",
            Target::Tuned => "tuned",
            Target::Node => "node",
        }
    }

    /// How the README and the chart name it.
    pub fn label(self) -> &'static str {
        match self {
            Target::Gateway => "openclaw gateway, defaults",
            Target::Tuned => "openclaw gateway, tuned",
            Target::Node => "Node SDK echo bot",
        }
    }

    /// Whether its lark-sim enforces the platform's limits.
    pub fn platform_limits(self) -> bool {
        self == Target::Gateway
    }

    pub fn is_gateway(self) -> bool {
        self != Target::Node
    }
}

/// The gateway benchmark: openclaw against an echo bot on the official Node SDK, on lark-sim.
#[derive(Debug, Parser)]
#[command(name = "openclaw-bench", version, about)]
pub struct Args {
    /// Messages of the burst (injected at once, round-robin over --chats).
    #[arg(long, default_value_t = 3000)]
    pub messages: usize,
    /// Group chats the burst is spread over.
    #[arg(long, default_value_t = 20)]
    pub chats: usize,
    /// Messages of the closed loop (one at a time over five chats; 0 skips it).
    #[arg(long, default_value_t = 200)]
    pub closed_loop: usize,
    /// Run one bot only.
    #[arg(long, value_enum)]
    pub only: Option<Target>,
    /// Injecting control calls in flight at once.
    #[arg(long, default_value_t = 32)]
    pub in_flight: usize,
    /// How long to wait for all replies after the last injection, in seconds.
    #[arg(long, default_value_t = 600)]
    pub reply_timeout: u64,
    /// After every message has a reply, how long to keep watching for doubles, in milliseconds.
    #[arg(long, default_value_t = 2000)]
    pub settle_ms: u64,
    /// Where to write the comparison chart (SVG), relative to the workspace root; "-" skips it.
    #[arg(long, default_value = "docs/bench.svg")]
    pub svg: String,
    /// The defaults run with `typingDelayMs` set to this (unset: the gateway's default, 300;
    /// 0 puts the typing reaction on and off around every reply, as before the delay).
    #[arg(long)]
    pub typing_delay_ms: Option<u64>,
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
