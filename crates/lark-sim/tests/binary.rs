//! The `lark-sim` binary: its first stdout line, its flags, and the control-API session the
//! README shows.

use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

#[tokio::test]
async fn the_binary_announces_its_url_and_serves_the_readme_session() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_lark-sim"))
        .args([
            "--addr",
            "127.0.0.1:0",
            "--app",
            "cli_a1b2c3d4e5f60718:secret",
            "--token-ttl",
            "60",
            "--ack-timeout-ms",
            "500",
            "--redelivery-ms",
            "100,100",
        ])
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start lark-sim");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = tokio::time::timeout(Duration::from_secs(10), lines.next_line())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let base = first
        .strip_prefix("lark-sim listening on ")
        .unwrap_or_else(|| panic!("first line: {first}"));
    let port: u16 = base
        .strip_prefix("http://127.0.0.1:")
        .unwrap()
        .parse()
        .unwrap();
    assert_ne!(port, 0);

    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let post = |path: &str, body: Value| http.post(format!("{base}{path}")).json(&body).send();
    let token: Value = post(
        "/open-apis/auth/v3/tenant_access_token/internal",
        json!({"app_id": "cli_a1b2c3d4e5f60718", "app_secret": "secret"}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(token["expire"], 60, "--token-ttl is applied");

    let app: Value = post(
        "/_sim/apps",
        json!({"app_id": "cli_0000000000000001", "app_secret": "s2", "mode": "websocket"}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert!(app["bot"]["open_id"].as_str().unwrap().starts_with("ou_"));
    let chat: Value = post("/_sim/apps/cli_0000000000000001/chats", json!({"name": "Team", "chat_mode": "group", "members": [{"open_id": "ou_alice", "name": "Alice"}]}))
        .await.unwrap().json().await.unwrap();
    let chat_id = chat["chat_id"].as_str().unwrap();
    let sent: Value = post("/_sim/apps/cli_0000000000000001/messages", json!({"chat_id": chat_id, "sender": {"open_id": "ou_alice", "name": "Alice"}, "text": "hello", "mention_bot": true}))
        .await.unwrap().json().await.unwrap();
    assert!(sent["message_id"].as_str().unwrap().starts_with("om_"));
    let listed: Value = http
        .get(format!(
            "{base}/_sim/apps/cli_0000000000000001/chats/{chat_id}/messages"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"][0]["content"]["text"], "@_user_1 hello");

    // No client is connected: the event is tried on the schedule and then marked failed.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let deliveries: Value = http
        .get(format!("{base}/_sim/apps/cli_0000000000000001/deliveries"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let d = &deliveries["items"][0];
    assert_eq!(d["event_id"], sent["event_id"]);
    assert_eq!(d["status"], "failed");
    assert_eq!(d["attempts"].as_array().unwrap().len(), 3);
    assert_eq!(d["attempts"][0]["result"], "no_connection");

    let bad = post(
        "/_sim/apps/nope/messages",
        json!({"sender": {"open_id": "ou_alice"}, "text": "x"}),
    )
    .await
    .unwrap();
    assert_eq!(bad.status(), 404);
}

#[tokio::test]
async fn a_bad_app_flag_is_a_clear_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_lark-sim"))
        .args(["--app", "no-colon"])
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("APP_ID:SECRET"));
}
