//! `openclaw channels status [--probe] [--json]`: with no gateway running it says so and shows
//! each account configured or what is missing; with one running it shows the connection as
//! `connected`; `--probe` reports the bot with good credentials, and fails (non-zero) with the
//! spec's "Invalid App ID or App Secret" for a wrong secret and with the network advice for an
//! unreachable domain; `--json` is JSON.

mod common;

use common::*;
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_gateway_it_says_not_running_and_what_is_missing() {
    let sim = sim().await;
    let env = TestEnv::new();
    env.write_config(&config(
        sim.base_url(),
        "accounts: { broken: { name: \"Half Done\" } }",
        "",
    ));
    let out = env.run(&["channels", "status"]).await;
    let text = out.ok();
    assert!(text.contains("gateway: not running"), "{text}");
    assert!(
        text.contains(&format!("- default ({APP}): configured, websocket mode")),
        "{text}"
    );
    let broken = text
        .lines()
        .find(|l| l.contains("- broken"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        broken.contains("not configured") && broken.contains("App ID not configured"),
        "{broken}"
    );
    assert!(
        broken.contains("channels.lark.accounts.broken.appId"),
        "{broken}"
    );

    let out = env.run(&["channels", "status", "--json"]).await;
    let v: Value = serde_json::from_str(out.ok()).unwrap_or_else(|e| panic!("{e}: {out:?}"));
    assert_eq!(v["gatewayRunning"], false);
    assert_eq!(v["accounts"][0]["id"], "default");
    assert_eq!(v["accounts"][0]["configured"], true);
    assert_eq!(v["accounts"][1]["id"], "broken");
    assert_eq!(v["accounts"][1]["configured"], false);
    assert!(
        v["accounts"][1]["missing"]
            .as_str()
            .unwrap()
            .contains("App ID not configured")
    );
    assert!(!out.all().contains(SECRET));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_gateway_running_it_shows_connected_and_probes_the_bot() {
    let sim = sim().await;
    let env = TestEnv::new();
    let port = free_port();
    env.write_config(&config(
        sim.base_url(),
        "",
        &format!("gateway: {{ port: {port} }}"),
    ));
    let mut gw = env.spawn(&["gateway", "run"]);
    gw.wait_stderr("ws client ready").await;

    let out = env.run(&["channels", "status", "--probe"]).await;
    let text = out.ok();
    assert!(text.contains("gateway: connected"), "{text}");
    assert!(!text.contains("not running"), "{text}");
    assert!(text.contains("probe: ok, bot \"E2E Bot\" (ou_"), "{text}");
    assert!(text.contains("contact scope: granted"), "{text}");
    assert!(text.contains("connections alive"), "{text}");

    let out = env.run(&["channels", "status", "--probe", "--json"]).await;
    let v: Value = serde_json::from_str(out.ok()).unwrap_or_else(|e| panic!("{e}: {out:?}"));
    assert_eq!(v["gatewayRunning"], true);
    let a = &v["accounts"][0];
    assert_eq!(a["gateway"]["state"], "connected", "{v:#}");
    assert_eq!(a["probe"]["ok"], true, "{v:#}");
    assert_eq!(a["probe"]["botName"], "E2E Bot", "{v:#}");
    assert_eq!(a["probe"]["contactScope"], true, "{v:#}");

    // Without the contact scope the probe says what to grant.
    sim.state()
        .set_scopes(
            APP,
            lark_sim::ScopeChange {
                contact: Some(false),
                user_base: None,
            },
        )
        .unwrap();
    let out = env.run(&["channels", "status", "--probe"]).await;
    let text = out.ok();
    assert!(
        text.contains("contact scope: missing") && text.contains("contact:user.base:readonly"),
        "{text}"
    );
    gw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn probe_with_a_wrong_secret_says_invalid_credentials() {
    let sim = sim().await;
    let env = TestEnv::new();
    let text = config(sim.base_url(), "", "").replace(SECRET, "not-the-right-secret");
    env.write_config(&text);
    let out = env.run(&["channels", "status", "--probe"]).await;
    let text = out.failed();
    assert!(text.contains("probe: FAILED"), "{text}");
    assert!(text.contains("Invalid App ID or App Secret"), "{text}");
    assert!(!text.contains("not-the-right-secret"), "{text}");

    let out = env.run(&["channels", "status", "--probe", "--json"]).await;
    assert!(!out.status.success());
    let v: Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {out:?}"));
    assert_eq!(v["accounts"][0]["probe"]["ok"], false);
    assert!(
        v["accounts"][0]["probe"]["error"]
            .as_str()
            .unwrap()
            .contains("Invalid App ID or App Secret")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn probe_of_an_unreachable_domain_gives_the_network_advice() {
    let env = TestEnv::new();
    let closed = format!("http://127.0.0.1:{}", free_port());
    env.write_config(&config(&closed, "", ""));
    let out = env.run(&["channels", "status", "--probe"]).await;
    let text = out.failed();
    assert!(text.contains("probe: FAILED"), "{text}");
    assert!(
        text.contains("check network connectivity") && text.contains("channels.lark.domain"),
        "{text}"
    );
}
