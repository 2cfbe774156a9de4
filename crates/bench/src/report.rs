//! The figures of a run, printed as a block per run, a comparison table (also as markdown, for
//! the README) with the gateway ÷ node ratios, and one JSON line for scripts.

use serde::Serialize;
use serde_json::{Value, json};

use crate::args::Args;
use crate::load::Outcome;
use crate::rss::mb;

/// Everything measured in one run.
#[derive(Debug, Clone, Serialize)]
pub struct RunStats {
    pub bot: String,
    /// How the README names the bot and its settings.
    pub label: String,
    /// `closed-loop` or `burst`.
    pub load: String,
    pub messages: usize,
    pub chats: usize,
    /// Start to ready (long connection open, healthz answering).
    pub ready_ms: u64,
    /// The warm-up message's reply time, before the load (not in the latencies).
    pub first_reply_ms: u64,
    /// First injection to last reply.
    pub wall_ms: u64,
    pub inject_ms: u64,
    /// Messages answered (at least one reply).
    pub answered: usize,
    pub replies_per_s: f64,
    pub p50_ms: u64,
    pub p99_ms: u64,
    pub mean_ms: f64,
    pub max_ms: u64,
    pub lost: usize,
    pub doubled: usize,
    pub stray_replies: usize,
    pub redelivered_events: usize,
    pub unacked_events: usize,
    pub failed_calls: usize,
    /// Calls lark-sim refused for rate (99991400 / 429).
    pub rate_refused: usize,
    /// User + system CPU of the bot process during the load, in ms, and per answered message.
    pub bot_cpu_ms: f64,
    pub cpu_ms_per_reply: f64,
    /// The same for lark-sim (which also serves the benchmark's own control calls).
    pub sim_cpu_ms_per_reply: f64,
    pub sim_clock_ahead_ms: u64,
    pub idle_rss_mb: f64,
    pub peak_rss_mb: f64,
}

impl RunStats {
    pub fn new(
        bot: &str,
        messages: usize,
        chats: usize,
        o: Outcome,
        idle_rss: u64,
        peak_rss: u64,
    ) -> RunStats {
        let mut lat = o.latencies_ms;
        lat.sort_unstable();
        let mean_ms = if lat.is_empty() {
            0.0
        } else {
            lat.iter().sum::<u64>() as f64 / lat.len() as f64
        };
        let secs = o.wall_ms.max(1) as f64 / 1000.0;
        RunStats {
            bot: bot.to_owned(),
            label: bot.to_owned(),
            load: String::new(),
            messages,
            chats,
            ready_ms: 0,
            first_reply_ms: 0,
            wall_ms: o.wall_ms,
            inject_ms: o.inject_ms,
            answered: o.answered,
            replies_per_s: round1(o.answered as f64 / secs),
            p50_ms: percentile(&lat, 0.50),
            p99_ms: percentile(&lat, 0.99),
            mean_ms: round1(mean_ms),
            max_ms: lat.last().copied().unwrap_or(0),
            lost: o.lost,
            doubled: o.doubled,
            stray_replies: o.stray,
            redelivered_events: o.redelivered,
            unacked_events: o.unacked,
            failed_calls: o.failed_calls,
            rate_refused: o.rate_refused,
            bot_cpu_ms: 0.0,
            cpu_ms_per_reply: 0.0,
            sim_cpu_ms_per_reply: 0.0,
            sim_clock_ahead_ms: o.clock_ahead_ms,
            idle_rss_mb: round1(mb(idle_rss)),
            peak_rss_mb: round1(mb(peak_rss)),
        }
    }
}

impl RunStats {
    /// Records the CPU the bot and lark-sim spent on the load.
    pub fn set_cpu(&mut self, bot_ms: f64, sim_ms: f64) {
        let per = |ms: f64| {
            if self.answered == 0 {
                0.0
            } else {
                (ms / self.answered as f64 * 1000.0).round() / 1000.0
            }
        };
        self.bot_cpu_ms = round1(bot_ms);
        self.cpu_ms_per_reply = per(bot_ms);
        self.sim_cpu_ms_per_reply = per(sim_ms);
    }
}

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[u64], q: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// The block printed after each run.
pub fn print_run(s: &RunStats) {
    println!(
        "  {} messages over {} chats: {} answered in {:.2} s (injection took {:.2} s)",
        s.messages,
        s.chats,
        s.answered,
        s.wall_ms as f64 / 1000.0,
        s.inject_ms as f64 / 1000.0
    );
    println!("  replies/s        {:.1}", s.replies_per_s);
    println!(
        "  latency ms       p50 {}  p99 {}  mean {:.1}  max {}",
        s.p50_ms, s.p99_ms, s.mean_ms, s.max_ms
    );
    println!(
        "  lost {}  doubled {}  stray replies {}  redelivered events {}  unacked events {}  failed API calls {}",
        s.lost, s.doubled, s.stray_replies, s.redelivered_events, s.unacked_events, s.failed_calls
    );
    println!(
        "  RSS MB           idle {:.1}  peak {:.1}",
        s.idle_rss_mb, s.peak_rss_mb
    );
    println!(
        "  CPU per reply    bot {:.3} ms  lark-sim {:.3} ms  (bot total {:.0} ms)  refused for rate {}",
        s.cpu_ms_per_reply, s.sim_cpu_ms_per_reply, s.bot_cpu_ms, s.rate_refused
    );
    if s.sim_clock_ahead_ms > 5 {
        println!(
            "  (lark-sim stamps messages at least 1 ms apart per app, so its create_time ran up to \
             {} ms ahead of the wall clock; latencies use the wall-clock bounds)",
            s.sim_clock_ahead_ms
        );
    }
}

/// One run of `bot` under `load`.
pub fn find<'a>(rows: &'a [RunStats], bot: &str, load: &str) -> Option<&'a RunStats> {
    rows.iter().find(|r| r.bot == bot && r.load == load)
}

/// The gateway ÷ node ratios of the figures the README quotes, for the gateway at the defaults.
fn ratios(rows: &[RunStats]) -> Value {
    let div = |a: f64, b: f64| if b > 0.0 { Some(round2(a / b)) } else { None };
    let pair = |load: &str| Some((find(rows, "gateway", load)?, find(rows, "node", load)?));
    json!({
        "closed_loop_p50": pair("closed-loop").and_then(|(g, n)| div(g.p50_ms as f64, n.p50_ms as f64)),
        "burst_replies_per_s": pair("burst").and_then(|(g, n)| div(g.replies_per_s, n.replies_per_s)),
        "burst_cpu_per_reply": pair("burst").and_then(|(g, n)| div(g.cpu_ms_per_reply, n.cpu_ms_per_reply)),
        "burst_peak_rss": pair("burst").and_then(|(g, n)| div(g.peak_rss_mb, n.peak_rss_mb)),
    })
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The final table: one markdown row per run (it pastes into the README), then the ratios.
pub fn print_comparison(rows: &[RunStats]) {
    println!("\n== comparison ==");
    println!(
        "| bot | load | messages | replies/s | p50 ms | p99 ms | lost | doubled | refused for rate | CPU/reply | lark-sim CPU/reply | idle RSS | peak RSS |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for r in rows {
        println!(
            "| {} | {} | {} | {:.1} | {} | {} | {} | {} | {} | {:.3} ms | {:.3} ms | {:.1} MB | {:.1} MB |",
            r.label,
            r.load,
            r.messages,
            r.replies_per_s,
            r.p50_ms,
            r.p99_ms,
            r.lost,
            r.doubled,
            r.rate_refused,
            r.cpu_ms_per_reply,
            r.sim_cpu_ms_per_reply,
            r.idle_rss_mb,
            r.peak_rss_mb
        );
    }
    let x = ratios(rows);
    let f = |k: &str| {
        x[k].as_f64()
            .map_or_else(|| "n/a".to_owned(), |v| format!("{v:.2}x"))
    };
    println!(
        "gateway (defaults) / node: closed-loop p50 {}  burst replies/s {}  CPU per reply {}  peak RSS {}",
        f("closed_loop_p50"),
        f("burst_replies_per_s"),
        f("burst_cpu_per_reply"),
        f("burst_peak_rss")
    );
}

/// Every figure as one JSON line.
pub fn json_line(args: &Args, rows: &[RunStats]) -> String {
    json!({
        "bench": "openclaw-bench",
        "messages": args.messages,
        "chats": args.chats,
        "in_flight": args.in_flight,
        "runs": rows,
        "gateway_over_node": ratios(rows),
    })
    .to_string()
}
