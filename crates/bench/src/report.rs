//! The figures of a run, printed as a block per run, a comparison table with the gateway ÷ node
//! ratios, and one JSON line for scripts.

use serde::Serialize;
use serde_json::{Value, json};

use crate::args::Args;
use crate::load::Outcome;
use crate::rss::mb;

/// Everything measured in one run.
#[derive(Debug, Clone, Serialize)]
pub struct RunStats {
    pub bot: String,
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
            sim_clock_ahead_ms: o.clock_ahead_ms,
            idle_rss_mb: round1(mb(idle_rss)),
            peak_rss_mb: round1(mb(peak_rss)),
        }
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
    if s.sim_clock_ahead_ms > 5 {
        println!(
            "  (lark-sim stamps messages at least 1 ms apart per app, so its create_time ran up to \
             {} ms ahead of the wall clock; latencies use the wall-clock bounds)",
            s.sim_clock_ahead_ms
        );
    }
}

/// The gateway ÷ node ratios, when both ran.
fn ratios(rows: &[RunStats]) -> Option<Value> {
    let g = rows.iter().find(|r| r.bot == "gateway")?;
    let n = rows.iter().find(|r| r.bot == "node")?;
    let div = |a: f64, b: f64| if b > 0.0 { Some(round2(a / b)) } else { None };
    Some(json!({
        "replies_per_s": div(g.replies_per_s, n.replies_per_s),
        "p50": div(g.p50_ms as f64, n.p50_ms as f64),
        "p99": div(g.p99_ms as f64, n.p99_ms as f64),
        "idle_rss": div(g.idle_rss_mb, n.idle_rss_mb),
        "peak_rss": div(g.peak_rss_mb, n.peak_rss_mb),
    }))
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The final table: one row per bot, then the ratios.
pub fn print_comparison(rows: &[RunStats]) {
    println!("\n== comparison ==");
    println!(
        "{:<8} {:>6} {:>5} {:>8} {:>10} {:>7} {:>7} {:>5} {:>7} {:>8} {:>8}",
        "bot",
        "msgs",
        "chats",
        "wall s",
        "replies/s",
        "p50 ms",
        "p99 ms",
        "lost",
        "doubled",
        "idle MB",
        "peak MB"
    );
    for r in rows {
        println!(
            "{:<8} {:>6} {:>5} {:>8.2} {:>10.1} {:>7} {:>7} {:>5} {:>7} {:>8.1} {:>8.1}",
            r.bot,
            r.messages,
            r.chats,
            r.wall_ms as f64 / 1000.0,
            r.replies_per_s,
            r.p50_ms,
            r.p99_ms,
            r.lost,
            r.doubled,
            r.idle_rss_mb,
            r.peak_rss_mb
        );
    }
    if let Some(x) = ratios(rows) {
        let f = |k: &str| {
            x[k].as_f64()
                .map_or_else(|| "n/a".to_owned(), |v| format!("{v:.2}x"))
        };
        println!(
            "gateway / node: replies/s {}  p50 {}  p99 {}  idle RSS {}  peak RSS {}",
            f("replies_per_s"),
            f("p50"),
            f("p99"),
            f("idle_rss"),
            f("peak_rss")
        );
    }
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
