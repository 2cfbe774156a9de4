//! Figures for the agent's extensions: MCP tool calls per second and their latency over stdio
//! and streamable HTTP (against `tests/mcp/calc.py` on the official Python SDK), and what the
//! SSRF guard's pinned fetch costs against an unguarded one on a local page.
//!
//! `cargo run --release -p openclaw-agent --example extensions_bench -- [calls] [python]`
//! (`python` defaults to the peers virtualenv of `scripts/peers-setup`).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use openclaw_agent::mcp::{McpHub, Phase};
use openclaw_agent::web::{FetchPolicy, Fetcher};
use openclaw_agent::{ToolContext, ToolSet};
use serde_json::json;
use tokio::io::AsyncBufReadExt;

fn report(what: &str, mut times: Vec<Duration>) {
    times.sort();
    let total: Duration = times.iter().sum();
    let pct = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    println!(
        "{what}: {} calls, {:.0}/s, p50 {:.2} ms, p99 {:.2} ms",
        times.len(),
        times.len() as f64 / total.as_secs_f64(),
        pct(0.5).as_secs_f64() * 1000.0,
        pct(0.99).as_secs_f64() * 1000.0
    );
}

async fn mcp(what: &str, server: &str, calls: usize) {
    let text = format!("{{ agent: {{ mcpServers: {{ calc: {server} }} }} }}");
    let cfg = openclaw_config::parse(
        &text,
        openclaw_config::Format::Json5,
        &|_| None,
        std::path::Path::new("."),
    )
    .expect("config");
    let hub = McpHub::start(&cfg.agent.mcp_servers);
    assert!(
        hub.wait_for("calc", Phase::Running, Duration::from_secs(60))
            .await,
        "the server did not start: {:?}",
        hub.status()
    );
    let ctx = ToolContext::standalone(vec![]);
    let mut times = Vec::with_capacity(calls);
    for i in 0..calls {
        let start = Instant::now();
        let out = hub
            .call(&ctx, "calc__add", json!({"a": i, "b": 1}))
            .await
            .expect("calc__add");
        times.push(start.elapsed());
        assert_eq!(out.text_joined(), (i + 1).to_string());
    }
    report(what, times);
}

async fn fetches(what: &str, fetcher: &Fetcher, url: &str, n: usize) {
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let start = Instant::now();
        fetcher.get(url).await.expect("fetch");
        times.push(start.elapsed());
    }
    report(what, times);
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let calls: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(500);
    let python = args.next().map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(std::env::var("HOME").unwrap_or_default())
            .join(".cache/openclaw/peers/venv/bin/python")
    });
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/mcp/calc.py");

    mcp(
        "MCP over stdio",
        &format!("{{ command: {python:?}, args: [{script:?}, \"stdio\"] }}"),
        calls,
    )
    .await;

    let mut child = tokio::process::Command::new(&python)
        .args([script, "http", "0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("python");
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let line = lines.next_line().await.unwrap().unwrap();
    let port = line.trim_start_matches("PORT ");
    mcp(
        "MCP over streamable HTTP",
        &format!("{{ url: \"http://127.0.0.1:{port}/mcp\" }}"),
        calls,
    )
    .await;

    let app = axum::Router::new().route("/", axum::routing::get(|| async { "hello" }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "http://localhost:{}/",
        listener.local_addr().unwrap().port()
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    let open = Fetcher::new(FetchPolicy {
        allow_private: true,
        ..FetchPolicy::default()
    });
    // The guard on, with loopback let through, so the checked and pinned path is measured.
    let guarded = Fetcher::new(FetchPolicy {
        allowed_ips: vec!["127.0.0.1".parse().unwrap(), "::1".parse().unwrap()],
        ..FetchPolicy::default()
    });
    fetches("fetch, guard off", &open, &url, calls).await;
    fetches(
        "fetch, guard on (resolve, check, pin)",
        &guarded,
        &url,
        calls,
    )
    .await;
}
