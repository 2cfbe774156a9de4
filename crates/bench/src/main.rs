//! `openclaw-bench`: the gateway benchmark. It runs `lark-sim` and the bot under test as real
//! processes and puts two loads on each bot: a closed loop (one message at a time over five chats,
//! the next once the reply is posted: what a user waiting sees) and a burst (N messages at once
//! over C group chats). Three bots: the `openclaw` gateway (echo agent) at the defaults a user
//! gets (typing indicator on, no `rateLimits`) against lark-sim `--platform-limits`; the same
//! gateway tuned (typing off, client limits raised) against lark-sim without limits; and an echo
//! bot on the official Node SDK (`bench/node-echo-bot.cjs`), which has no client-side limits,
//! against lark-sim without limits. It prints figures and draws them as an SVG chart; nothing in
//! it asserts on timings.
//!
//! ```sh
//! cargo build --release -p lark-sim -p openclaw   # and scripts/peers-setup for the Node SDK
//! cargo run --release -p openclaw-bench -- [--messages 3000] [--chats 20] [--closed-loop 200]
//!     [--only gateway|tuned|node] [--svg docs/bench.svg]
//! ```
//!
//! Each run gets a fresh lark-sim with one websocket-mode app and its group chats of one user
//! each. The bot is ready when it holds a long connection (and, for the gateway, `/healthz`
//! answers 200); one warm-up message in a chat of its own is answered before anything is
//! measured. Then:
//!
//! - **idle RSS**: `VmRSS` of the bot process after 2 s idle;
//! - **latency** per message: from the message's existence (its lark-sim `create_time`, capped by
//!   the wall clock when the injecting call returned) to its first reply (the reply's
//!   `create_time`, capped by the moment lark-sim logged the bot's reply call); p50 / p99 are
//!   nearest-rank;
//! - **replies/s** = answered ÷ (first injection to last first-reply);
//! - **lost** (no reply) and **doubled** (more than one reply) messages, read from the chat
//!   transcripts; replies are matched by `parent_id`, else by their echoed text;
//! - **refused for rate**: the bot's calls lark-sim answered 99991400 / 429;
//! - **CPU per reply**: user + system time of the bot process (and of lark-sim) during the load,
//!   from `/proc/<pid>/stat`, divided by the answered messages;
//! - **peak RSS**: the highest of `VmRSS` polled every 100 ms during the load and `VmHWM`.
//!
//! Every child is killed when its run ends, on errors and on Ctrl-C too.

mod args;
mod bot;
mod chart;
mod closed;
mod cpu;
mod load;
mod paths;
mod report;
mod rss;
mod sim;
mod soak;

use anyhow::Result;
use clap::Parser;

use args::{Args, Target};
use report::RunStats;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    // Ctrl-C drops the runs in flight, and with them every child (kill_on_drop).
    let outcome = tokio::select! {
        r = run(&args) => r,
        _ = tokio::signal::ctrl_c() => Err(anyhow::anyhow!("interrupted")),
    };
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("openclaw-bench: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(args: &Args) -> Result<()> {
    if args.soak {
        let bins = paths::Binaries::locate(Some(Target::Gateway))?;
        return soak::run(&bins, args).await;
    }
    let bins = paths::Binaries::locate(args.only)?;
    // The footprint a user installs: the release binary's size on disk.
    if let Ok(meta) = std::fs::metadata(&bins.openclaw) {
        println!(
            "openclaw-bench: binary {} is {:.1} MB ({} bytes)",
            bins.openclaw.display(),
            meta.len() as f64 / 1_000_000.0,
            meta.len()
        );
    }
    println!(
        "openclaw-bench: closed loop of {} messages; burst of {} messages over {} chats, {} control calls in flight",
        args.closed_loop, args.messages, args.chats, args.in_flight
    );
    let mut loads = Vec::new();
    if args.closed_loop > 0 {
        loads.push(bot::Load::ClosedLoop(args.closed_loop));
    }
    loads.push(bot::Load::Burst {
        messages: args.messages,
        chats: args.chats,
    });
    let mut rows: Vec<RunStats> = Vec::new();
    for target in Target::selected(args.only) {
        for load in &loads {
            println!("\n== {} ({}) ==", target.label(), load.name());
            let stats = bot::run_target(target, *load, &bins, args).await?;
            report::print_run(&stats);
            rows.push(stats);
        }
    }
    report::print_comparison(&rows);
    println!("{}", report::json_line(args, &rows));
    if args.svg != "-" {
        let first = format!(
            "Echo agent; closed loop of {} messages over 5 chats; burst of {} messages over {} chats.",
            args.closed_loop, args.messages, args.chats
        );
        let caption = [
            first.as_str(),
            "Defaults: typing on, no rateLimits, against lark-sim --platform-limits (the platform's send budget: 1000/min).",
            "Tuned: typing off, client limits raised; tuned and Node against lark-sim without limits.",
        ];
        let path = paths::workspace_root().join(&args.svg);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&path, chart::render(&rows, &caption))?;
        println!("chart written to {}", path.display());
    }
    Ok(())
}
