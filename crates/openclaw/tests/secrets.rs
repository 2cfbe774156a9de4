//! Secrets never reach output: with distinctive values for the app secret, the encrypt key and
//! the verification token, a websocket gateway and a webhook gateway (both `--verbose`, with
//! `RUST_LOG=debug`) answer a few DMs, refuse a forged webhook, a probe fails on a wrong secret, a
//! send fails, `config set/get/validate` run (validate with errors) — and none of the secrets is
//! in any stdout, stderr or log file.

mod common;

use common::*;
use lark_sim::{AppSpec, Sim, SimConfig};
use serde_json::json;

const APP_Z: &str = "cli_e2esecrets0000z";
const APP_SECRET: &str = "ZQXappsecret7f3e1d";
const WRONG_SECRET: &str = "ZQXwrongsecret0b2c";
const ENCRYPT_KEY: &str = "ZQXencryptkey55aa1";
const TOKEN: &str = "ZQXvtoken9c0d4e";
const ALL: [&str; 4] = [APP_SECRET, WRONG_SECRET, ENCRYPT_KEY, TOKEN];

fn lark_config(sim_url: &str, extra: &str) -> String {
    format!(
        "{{ channels: {{ lark: {{ appId: \"{APP_Z}\", appSecret: \"{APP_SECRET}\", domain: \"{sim_url}\", dmPolicy: \"open\", {extra} }} }}, gateway: {{ port: {} }} }}",
        free_port()
    )
}

/// A few DMs answered by whichever gateway is running for `APP_Z`.
async fn some_turns(sim: &Sim, chat: &str) {
    let state = sim.state();
    seed_dm(state, APP_Z, chat, "ou_sec_user");
    for text in ["one", "two **bold**", "three"] {
        let m = say(state, APP_Z, chat, "ou_sec_user", text);
        wait_replies(state, APP_Z, chat, &m.message_id, 1).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_is_ever_printed_or_logged() {
    lark::install_crypto_provider();
    let sim = Sim::start("127.0.0.1:0", SimConfig::default())
        .await
        .unwrap();
    let state = sim.state();
    let env = TestEnv::new();
    let debug = [("RUST_LOG", "debug")];
    let mut seen = String::new();

    // Websocket mode.
    state.add_app(AppSpec::websocket(APP_Z, APP_SECRET));
    env.write_config(&lark_config(
        sim.base_url(),
        &format!("verificationToken: \"{TOKEN}\""),
    ));
    let mut gw = env.spawn_with(&["gateway", "run", "--port", "0", "--verbose"], &debug);
    gw.wait_stderr("probe ok").await;
    gw.wait_stderr("ws client ready").await;
    some_turns(&sim, "oc_sec_ws").await;
    gw.stop().await;
    seen += &gw.stdout();
    seen += &gw.stderr();

    // Webhook mode, with an encrypt key and a token: real deliveries and a forged one.
    env.write_config(&lark_config(
        sim.base_url(),
        &format!(
            "mode: \"webhook\", encryptKey: \"{ENCRYPT_KEY}\", verificationToken: \"{TOKEN}\""
        ),
    ));
    let mut gw = env.spawn_with(&["gateway", "run", "--port", "0", "--verbose"], &debug);
    let addr = gw.addr().await;
    let hook = format!("http://{addr}/lark/webhook");
    let mut spec = AppSpec::webhook(APP_Z, APP_SECRET, &hook, Some(ENCRYPT_KEY), Some(TOKEN));
    spec.bot_name = Some("Secretive".into());
    state.add_app(spec);
    state.verify_webhook(APP_Z).await.expect("URL verification");
    some_turns(&sim, "oc_sec_wh").await;
    let forged = json!({"encrypt": lark::webhook::crypto::encrypt("ZQXnot-the-key", b"{}")});
    let r = http()
        .post(&hook)
        .body(forged.to_string())
        .send()
        .await
        .unwrap();
    assert!(!r.status().is_success());
    let wrong_token =
        json!({"type": "url_verification", "challenge": "c", "token": "nope"}).to_string();
    let body =
        json!({"encrypt": lark::webhook::crypto::encrypt(ENCRYPT_KEY, wrong_token.as_bytes())});
    let r = http()
        .post(&hook)
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    seen += &r.text().await.unwrap();
    gw.stop().await;
    seen += &gw.stdout();
    seen += &gw.stderr();

    // The CLI: config set/get, a failed send, a failed probe, validate with errors.
    for args in [
        vec!["config", "set", "channels.lark.encryptKey", ENCRYPT_KEY],
        vec!["config", "get", "channels.lark"],
        vec!["config", "get", "channels.lark.appSecret"],
        vec!["config", "get", "channels.lark.encryptKey"],
        vec!["config", "get", "channels.lark.verificationToken"],
        vec!["config", "validate"],
        vec!["message", "send", "--to", "oc_no_such_chat", "-m", "x"],
        vec!["channels", "status", "--json"],
    ] {
        let out = env.run_with(&args, &debug).await;
        seen += &out.all();
    }
    let wrong = lark_config(sim.base_url(), "").replace(APP_SECRET, WRONG_SECRET);
    env.write_config(&wrong);
    for args in [
        vec!["channels", "status", "--probe"],
        vec!["channels", "status", "--probe", "--json"],
    ] {
        let out = env.run_with(&args, &debug).await;
        assert!(
            out.all().contains("Invalid App ID or App Secret"),
            "{out:?}"
        );
        seen += &out.all();
    }
    let out = env
        .run_with(&["message", "send", "--to", "oc_sec_ws", "-m", "x"], &debug)
        .await;
    seen += &out.failed();
    // Invalid values at secret keys are described, never quoted.
    env.write_config(&format!(
        "{{ channels: {{ lark: {{ appId: \"{APP_Z}\", appSecret: [\"{APP_SECRET}\"], encryptKey: {{ k: \"{ENCRYPT_KEY}\" }} }} }} }}"
    ));
    let out = env.run_with(&["config", "validate"], &debug).await;
    seen += &out.failed();
    let out = env
        .run_with(&["gateway", "run", "--port", "0"], &debug)
        .await;
    seen += &out.failed();

    let logs = env.logs();
    assert!(
        logs.contains("ws client ready"),
        "the log file is missing lines:\n{logs}"
    );
    assert!(
        seen.contains("<redacted>"),
        "config get did not redact:\n{seen}"
    );
    for secret in ALL {
        assert!(!seen.contains(secret), "{secret} was printed:\n{seen}");
        assert!(
            !logs.contains(secret),
            "{secret} is in the log file:\n{logs}"
        );
    }
}
