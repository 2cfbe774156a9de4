//! Hot reload as a user edits the running gateway's file: a policy edit applies to the next
//! message with lark-sim's connection ids unchanged; an edit that does not load is refused with
//! the error logged and the running config kept; fixing one account's secret reconnects that
//! account only; SIGHUP reloads at once; `gateway.reload.mode: "off"` leaves the config alone.

mod common;

use common::*;
use lark_sim::AppSpec;

const APP2: &str = "cli_e2ereload00002";
const SECRET2: &str = "e2e-reload-secret-2";

/// Replaces the file in one step, so the watcher never reads half an edit.
fn edit(env: &TestEnv, text: &str) {
    let tmp = path_in(env, "openclaw.json.tmp");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, env.config_file()).unwrap();
}

/// Waits until `needle` has appeared `n` times on stderr.
async fn wait_count(gw: &mut Gateway, needle: &str, n: usize) -> String {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let text = gw.stderr();
        if text.matches(needle).count() >= n {
            return text;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{needle:?} not seen {n} times:\n{text}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// The file for `lark` settings with `gateway_extra` beside a fixed port (a reload keeps it).
fn file_maker(sim: &lark_sim::Sim, gateway_extra: &'static str) -> impl Fn(&str) -> String {
    let (url, port) = (sim.base_url().to_owned(), free_port());
    move |lark: &str| {
        config(
            &url,
            lark,
            &format!("gateway: {{ port: {port}{gateway_extra} }},"),
        )
    }
}

/// A verbose gateway started from `file(first)` whose DM with Alice is closed.
async fn closed_dm(sim: &lark_sim::Sim, file: &impl Fn(&str) -> String) -> (TestEnv, Gateway) {
    let env = TestEnv::new();
    env.write_config(&file("dmPolicy: \"allowlist\", allowFrom: []"));
    let (gw, _) = run_ws_gateway(&env, sim, &["--verbose"]).await;
    seed_dm(sim.state(), APP, "oc_dm_alice", "ou_alice");
    (env, gw)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_policy_edit_applies_without_a_reconnect_and_a_bad_edit_is_refused() {
    let sim = sim().await;
    let file = file_maker(&sim, "");
    let (env, mut gw) = closed_dm(&sim, &file).await;
    let state = sim.state();
    let m = say(state, APP, "oc_dm_alice", "ou_alice", "before the edit");
    gw.wait_stderr(&format!("message {} from", m.message_id))
        .await;
    // Both of its long connections (the default 2) up before their ids are taken.
    assert!(state.wait_connections(APP, 2, WAIT).await);
    let ids = state.connection_ids(APP);

    edit(&env, &file("dmPolicy: \"open\""));
    gw.wait_stderr("[default] config reloaded").await;
    let m = say(state, APP, "oc_dm_alice", "ou_alice", "after the edit");
    let replies = wait_replies(state, APP, "oc_dm_alice", &m.message_id, 1).await;
    assert!(text_of(&replies[0]).contains("after the edit"));
    assert_eq!(state.connection_ids(APP), ids, "the edit reconnected");

    // Does not load: refused, logged, and the open policy still answers.
    edit(&env, &file("dmPolicy: \"everyone\""));
    let stderr = gw.wait_stderr("config reload refused").await;
    assert!(stderr.contains("dmPolicy"), "{stderr}");
    let m = say(state, APP, "oc_dm_alice", "ou_alice", "after the bad edit");
    wait_replies(state, APP, "oc_dm_alice", &m.message_id, 1).await;

    // SIGHUP reloads at once, even with the file unchanged since the last look.
    edit(&env, &file("dmPolicy: \"open\", typingIndicator: false"));
    gw.wait_stderr("(the file changed)").await;
    gw.signal("HUP");
    gw.wait_stderr("(SIGHUP)").await;
    assert_eq!(state.connection_ids(APP), ids);
    gw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fixed_secret_reconnects_only_that_account() {
    let sim = sim().await;
    let state = sim.state();
    state.add_app(AppSpec::websocket(APP2, SECRET2));
    let env = TestEnv::new();
    let port = free_port();
    let file = |secret: &str| {
        config(
            sim.base_url(),
            &format!("accounts: {{ second: {{ appId: \"{APP2}\", appSecret: \"{secret}\" }} }}"),
            &format!("gateway: {{ port: {port} }},"),
        )
    };
    env.write_config(&file("a-wrong-secret"));
    let (mut gw, _) = run_ws_gateway(&env, &sim, &[]).await;
    assert_eq!(state.connection_count(APP2), 0);
    // Both of its long connections (the default 2) up before their ids are taken.
    assert!(state.wait_connections(APP, 2, WAIT).await);
    let ids = state.connection_ids(APP);

    edit(&env, &file(SECRET2));
    gw.wait_stderr("[second] credentials or connection settings changed")
        .await;
    assert!(
        state.wait_connections(APP2, 1, WAIT).await,
        "the second account never connected:\n{}",
        gw.stderr()
    );
    assert_eq!(
        state.connection_ids(APP),
        ids,
        "the default account reconnected"
    );
    gw.stop().await;
    assert!(!gw.stderr().contains(SECRET2), "{}", gw.stderr());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reload_mode_off_keeps_the_running_config() {
    let sim = sim().await;
    let file = file_maker(&sim, ", reload: { mode: \"off\" }");
    let (env, mut gw) = closed_dm(&sim, &file).await;
    edit(&env, &file("dmPolicy: \"open\""));
    gw.wait_stderr("gateway.reload.mode is \"off\"").await;
    let m = say(sim.state(), APP, "oc_dm_alice", "ou_alice", "still closed");
    wait_count(&mut gw, &format!("message {} from", m.message_id), 1).await;
    gw.stop().await;
}
