//! Whatever arrives at a webhook path, the gateway answers with a JSON error or success and never
//! panics: random bytes, random JSON, truncated and tampered encrypted bodies, wrong or missing
//! signature headers. A property test over thousands of inputs, through the real router.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use openclaw_config::Format;
use openclaw_gateway::runtime::Ctx;
use proptest::prelude::*;
use tower::ServiceExt;

mod webhook_inputs;
use webhook_inputs::{KEY, body_strategy, header_strategy};

async fn ctx() -> (Arc<Ctx>, tempfile::TempDir, openclaw_gateway::Running) {
    lark::install_crypto_provider();
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        r#"{{ channels: {{ lark: {{ appId: "cli_a", appSecret: "s", domain: "http://127.0.0.1:9", mode: "webhook",
              encryptKey: "{KEY}", verificationToken: "vt",
              accounts: {{ plain: {{ appId: "cli_b", appSecret: "s", mode: "webhook" }} }} }} }} }}"#
    );
    let config = openclaw_config::parse(&text, Format::Json5, &|_| None, dir.path()).unwrap();
    let running = openclaw_gateway::start(
        &config,
        openclaw_gateway::Options {
            state_dir: dir.path().to_owned(),
            bind: "127.0.0.1:0".parse().unwrap(),
            verbose: false,
        },
    )
    .await
    .unwrap();
    (running.ctx.clone(), dir, running)
}

#[test]
fn garbage_never_panics_and_always_gets_a_json_answer() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (ctx, _dir, _running) = rt.block_on(ctx());
    let router = openclaw_gateway::server::router(ctx, Default::default());
    let config = ProptestConfig {
        cases: 3000,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(config, |(body in body_strategy(), headers in header_strategy(), plain in any::<bool>())| {
        let path = if plain { "/lark/webhook/plain" } else { "/lark/webhook" };
        let mut req = Request::post(path);
        for (k, v) in &headers {
            req = req.header(*k, v.as_str());
        }
        let req = req.body(Body::from(body)).unwrap();
        let resp = rt.block_on(router.clone().oneshot(req)).unwrap();
        let status = resp.status();
        prop_assert!(
            [StatusCode::OK, StatusCode::BAD_REQUEST, StatusCode::UNAUTHORIZED, StatusCode::PAYLOAD_TOO_LARGE]
                .contains(&status),
            "status {status}"
        );
        let bytes = rt.block_on(axum::body::to_bytes(resp.into_body(), 1 << 20)).unwrap();
        prop_assert!(serde_json::from_slice::<serde_json::Value>(&bytes).is_ok(), "not JSON: {:?}", String::from_utf8_lossy(&bytes));
    });
}

#[test]
fn an_oversized_body_is_refused_with_413_and_json() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (ctx, _dir, _running) = rt.block_on(ctx());
    let router = openclaw_gateway::server::router(ctx, Default::default());
    let req = Request::post("/lark/webhook")
        .body(Body::from(vec![b'{'; 2 << 20]))
        .unwrap();
    let resp = rt.block_on(router.oneshot(req)).unwrap();
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let bytes = rt
        .block_on(axum::body::to_bytes(resp.into_body(), 1 << 20))
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert!(v["msg"].as_str().unwrap().contains("larger than"), "{v}");
}
