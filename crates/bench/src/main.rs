//! `openclaw-bench`: the gateway benchmark. It runs `lark-sim` and the bot under test as real
//! processes, injects N user messages over C group chats through lark-sim's control API, and
//! measures how fast and how completely the bot answers them (throughput, latency percentiles,
//! lost and doubled replies) and how much memory it holds (idle and peak RSS). The same load goes
//! to the `openclaw` gateway (echo agent) and to an echo bot on the official Node SDK, and the two
//! are compared. It prints figures only; nothing in it asserts on timings.
//!
//! ```sh
//! cargo build --release -p lark-sim -p openclaw
//! cargo run --release -p openclaw-bench -- --messages 2000 --chats 50
//! ```

mod args;
mod bot;
mod load;
mod paths;
mod report;
mod rss;
mod sim;

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
