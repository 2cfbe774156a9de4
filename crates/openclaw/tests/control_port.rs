//! The gateway's control port as a user runs it: with `gateway.auth.token` (or
//! `OPENCLAW_GATEWAY_TOKEN`) `/status` and `/metrics` answer 401 without the bearer token and
//! 200 with it, `/healthz` stays open, `channels status` sends the token, and the token is
//! never in the output or the log file; binding beyond loopback without a token refuses to
//! start and names the fix, unless `gateway.auth.mode: "none"`.

mod common;

use common::*;

const TOKEN: &str = "gw-token-7d2f0c9b41";

async fn get(url: &str, token: Option<&str>) -> reqwest::StatusCode {
    let mut r = reqwest::Client::new().get(url);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    r.send().await.expect("GET").status()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_and_metrics_need_the_token_and_healthz_does_not() {
    let sim = sim().await;
    let env = TestEnv::new();
    env.write_config(&config(
        sim.base_url(),
        "",
        &format!("gateway: {{ port: 0, auth: {{ token: \"{TOKEN}\" }} }},"),
    ));
    let (mut gw, addr) = run_ws_gateway(&env, &sim, &[]).await;
    for path in ["/status", "/metrics"] {
        let url = format!("http://{addr}{path}");
        assert_eq!(get(&url, None).await, 401, "{path} without the token");
        assert_eq!(
            get(&url, Some("wrong")).await,
            401,
            "{path} with a wrong token"
        );
        assert_eq!(get(&url, Some(TOKEN)).await, 200, "{path} with the token");
    }
    assert_eq!(get(&format!("http://{addr}/healthz"), None).await, 200);
    // Prometheus' `bearer_token` sends exactly this header.
    let body = reqwest::Client::new()
        .get(format!("http://{addr}/metrics"))
        .header("Authorization", format!("Bearer {TOKEN}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(body.contains("# TYPE"), "{body}");
    gw.stop().await;
    let (stderr, logs) = (gw.stderr(), env.logs());
    assert!(stderr.contains("need the gateway token"), "{stderr}");
    assert!(!stderr.contains(TOKEN), "{stderr}");
    assert!(!logs.contains(TOKEN), "{logs}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn channels_status_sends_the_token_from_the_environment() {
    let sim = sim().await;
    let env = TestEnv::new();
    let port = free_port();
    env.write_config(&config(
        sim.base_url(),
        "",
        &format!("gateway: {{ port: {port} }},"),
    ));
    let mut gw = env.spawn_with(&["gateway", "run"], &[("OPENCLAW_GATEWAY_TOKEN", TOKEN)]);
    let addr = gw.addr().await;
    gw.wait_stderr("ws client ready").await;
    assert_eq!(get(&format!("http://{addr}/status"), None).await, 401);
    let out = env
        .run_with(
            &["channels", "status"],
            &[("OPENCLAW_GATEWAY_TOKEN", TOKEN)],
        )
        .await;
    let text = out.ok().to_owned();
    assert!(text.contains("gateway: connected"), "{text}");
    assert!(!text.contains(TOKEN), "{text}");
    gw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn beyond_loopback_without_a_token_is_refused_with_the_fix() {
    let sim = sim().await;
    let env = TestEnv::new();
    env.write_config(&config(sim.base_url(), "", ""));
    let out = env
        .run(&["gateway", "run", "--port", "0", "--bind", "0.0.0.0"])
        .await;
    let text = out.failed();
    assert!(text.contains("without a token"), "{text}");
    assert!(text.contains("gateway.auth.token"), "{text}");
    assert!(text.contains("OPENCLAW_GATEWAY_TOKEN"), "{text}");
    assert!(text.contains("gateway.auth.mode \"none\""), "{text}");
    assert_eq!(
        sim.state().connection_count(APP),
        0,
        "it connected before refusing"
    );

    // On purpose: mode none serves it open.
    env.write_config(&config(
        sim.base_url(),
        "",
        "gateway: { port: 0, bind: \"lan\", auth: { mode: \"none\" } },",
    ));
    let (mut gw, addr) = run_ws_gateway(&env, &sim, &[]).await;
    let port = addr.rsplit(':').next().unwrap();
    assert!(addr.starts_with("0.0.0.0:"), "{addr}");
    assert_eq!(
        get(&format!("http://127.0.0.1:{port}/status"), None).await,
        200
    );
    gw.stop().await;
}
