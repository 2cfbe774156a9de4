//! The webhook route under a long fuzz run: random bytes, random JSON, truncated and tampered
//! encrypted bodies, wrong or missing signature headers, through the real router of a running
//! gateway (the strategies of tests/webhook_garbage.rs, run far longer). Counts panics and
//! answers that are not a JSON 2xx/4xx; prints the figures and exits non-zero on any.
//!
//! `cargo run --release -p openclaw-gateway --example webhook_fuzz [cases (1000000)]`

use std::panic::AssertUnwindSafe;
use std::time::Instant;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use openclaw_config::Format;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use tower::ServiceExt;

#[path = "../tests/webhook_inputs/mod.rs"]
mod webhook_inputs;
use webhook_inputs::{KEY, body_strategy, header_strategy};

fn main() {
    let cases: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    lark::install_crypto_provider();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("tempdir");
    let text = format!(
        r#"{{ channels: {{ lark: {{ appId: "cli_a", appSecret: "s", domain: "http://127.0.0.1:9", mode: "webhook",
              encryptKey: "{KEY}", verificationToken: "vt",
              accounts: {{ plain: {{ appId: "cli_b", appSecret: "s", mode: "webhook" }} }} }} }},
             agent: {{ provider: "echo" }} }}"#
    );
    let config =
        openclaw_config::parse(&text, Format::Json5, &|_| None, dir.path()).expect("config");
    let running = rt
        .block_on(openclaw_gateway::start(
            &config,
            openclaw_gateway::Options {
                state_dir: dir.path().to_owned(),
                bind: "127.0.0.1:0".parse().expect("addr"),
                verbose: false,
            },
        ))
        .expect("start");
    let router = openclaw_gateway::server::router(running.ctx.clone(), Default::default());
    // Panics are counted, not printed a million times.
    std::panic::set_hook(Box::new(|_| {}));
    let strategy = (body_strategy(), header_strategy(), any::<bool>());
    let mut runner = TestRunner::deterministic();
    let (mut panics, mut bad) = (0u64, 0u64);
    let started = Instant::now();
    for _ in 0..cases {
        let Ok(tree) = strategy.new_tree(&mut runner) else {
            continue;
        };
        let (body, headers, plain) = tree.current();
        let path = if plain {
            "/lark/webhook/plain"
        } else {
            "/lark/webhook"
        };
        let mut req = Request::post(path);
        for (k, v) in &headers {
            req = req.header(*k, v.as_str());
        }
        let Ok(req) = req.body(Body::from(body)) else {
            continue; // a header value http refuses: never reaches a server
        };
        let router = router.clone();
        let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| {
            rt.block_on(async move {
                let resp = router.oneshot(req).await.expect("infallible");
                let status = resp.status();
                let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20).await;
                let json =
                    bytes.is_ok_and(|b| serde_json::from_slice::<serde_json::Value>(&b).is_ok());
                json && [
                    StatusCode::OK,
                    StatusCode::BAD_REQUEST,
                    StatusCode::UNAUTHORIZED,
                    StatusCode::PAYLOAD_TOO_LARGE,
                ]
                .contains(&status)
            })
        }));
        match outcome {
            Ok(true) => {}
            Ok(false) => bad += 1,
            Err(_) => panics += 1,
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "webhook fuzz: {cases} inputs in {secs:.1} s ({:.0}/s): {panics} panics, {bad} answers not a JSON 2xx/4xx",
        cases as f64 / secs
    );
    rt.block_on(running.shutdown());
    if panics + bad > 0 {
        std::process::exit(1);
    }
}
