//! `openclaw-bench`: the gateway benchmark. It runs `lark-sim` and the bot under test as real
//! processes, injects N user messages over C group chats through lark-sim's control API, and
//! measures how fast and how completely the bot answers them and how much memory it holds. The
//! same load goes to the `openclaw` gateway (echo agent) and to an echo bot on the official Node
//! SDK (`bench/node-echo-bot.cjs`), and the two are compared. It prints figures only; nothing in
//! it asserts on timings.
//!
//! ```sh
//! cargo build --release -p lark-sim -p openclaw   # and scripts/peers-setup for the Node SDK
//! cargo run --release -p openclaw-bench -- [--messages 2000] [--chats 50] [--only gateway|node]
//! ```
//!
//! Each run gets a fresh lark-sim (rate limits off) with one websocket-mode app and C group chats
//! of one user each. The bot is ready when it holds a long connection (and, for the gateway,
//! `/healthz` answers 200); one warm-up message in a chat of its own is answered before anything
//! is measured. Then:
//!
//! - **idle RSS**: `VmRSS` of the bot process after 2 s idle;
//! - **the load**: N messages `bench <i>`, round-robin over the chats, at most `--in-flight`
//!   injecting calls at once;
//! - **latency** per message: from the message's existence (its lark-sim `create_time`, capped by
//!   the wall clock when the injecting call returned) to its first reply (the reply's
//!   `create_time`, capped by the moment lark-sim logged the bot's reply call); p50 / p99 are
//!   nearest-rank;
//! - **wall time**: first injection to last first-reply; **replies/s** = answered ÷ wall time;
//! - **lost** (no reply) and **doubled** (more than one reply) messages, read from the chat
//!   transcripts once every message has a reply plus `--settle-ms`; replies are matched by
//!   `parent_id`, else by their echoed text;
//! - **peak RSS**: the highest of `VmRSS` polled every 100 ms during the load and `VmHWM`.
//!
//! Every child is killed when its run ends, on errors and on Ctrl-C too.

mod args;
mod bot;
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
    println!(
        "openclaw-bench: {} messages over {} chats, {} control calls in flight",
        args.messages, args.chats, args.in_flight
    );
    let mut rows: Vec<RunStats> = Vec::new();
    for target in Target::selected(args.only) {
        println!("\n== {} ==", target.name());
        let stats = bot::run_target(target, &bins, args).await?;
        report::print_run(&stats);
        rows.push(stats);
    }
    report::print_comparison(&rows);
    println!("{}", report::json_line(args, &rows));
    Ok(())
}
