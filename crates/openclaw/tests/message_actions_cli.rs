//! `openclaw message <action> --json '{...}'`: the tool's actions from the command line.

mod common;

use common::*;
use lark_sim::ChatMode;
use serde_json::Value;

const GROUP: &str = "oc_cli_team";
const USER: &str = "ou_cli_dana";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn actions_through_the_cli() {
    let sim = sim().await;
    seed(sim.state(), APP, GROUP, ChatMode::Group, &[USER]);
    let asked = say(sim.state(), APP, GROUP, USER, "hi");
    let env = TestEnv::new();
    env.write_config(&config(sim.base_url(), "", ""));
    let out = env
        .run(&[
            "message",
            "react",
            "--json",
            &format!(
                r#"{{"to": "chat:{GROUP}", "messageId": "{}", "emoji": "THUMBSUP"}}"#,
                asked.message_id
            ),
        ])
        .await;
    let v: Value = serde_json::from_str(out.ok()).expect("JSON result");
    assert_eq!(v["ok"], true);
    let out = env
        .run(&[
            "message",
            "getChatInfo",
            "--json",
            &format!(r#"{{"chatId": "{GROUP}"}}"#),
        ])
        .await;
    let v: Value = serde_json::from_str(out.ok()).expect("JSON result");
    assert_eq!(v["chatId"], GROUP);
    let out = env
        .run(&["message", "pinMessage", "--json", r#"{"to": "chat:oc_x"}"#])
        .await;
    assert!(
        out.failed().contains("chatId") || out.failed().contains("`to`"),
        "{}",
        out.all()
    );
    // `send` keeps its flags.
    let out = env
        .run(&["message", "send", "--to", GROUP, "--message", "still works"])
        .await;
    assert!(out.ok().trim().starts_with("om_"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_accounts_switched_off_group_is_refused_at_the_cli_with_the_switch_named() {
    let sim = sim().await;
    seed(sim.state(), APP, GROUP, ChatMode::Group, &[USER]);
    let env = TestEnv::new();
    env.write_config(&config(
        sim.base_url(),
        "tools: { chat: false }, actions: { reactions: false },",
        "",
    ));
    let out = env
        .run(&[
            "message",
            "getChatInfo",
            "--json",
            &format!(r#"{{"chatId": "{GROUP}"}}"#),
        ])
        .await;
    assert!(out.failed().contains("tools.chat"), "{}", out.all());
    let out = env
        .run(&[
            "message",
            "react",
            "--json",
            &format!(r#"{{"to": "chat:{GROUP}", "messageId": "om_x", "emoji": "THUMBSUP"}}"#),
        ])
        .await;
    assert!(
        out.failed().contains("switched off") && out.failed().contains("actions.reactions"),
        "{}",
        out.all()
    );
    // Other groups stay on.
    let out = env
        .run(&["message", "send", "--to", GROUP, "--message", "still on"])
        .await;
    assert!(out.ok().trim().starts_with("om_"));
}
