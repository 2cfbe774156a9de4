//! Outbound against lark-sim: the recorded reply (outbox) survives failures and restarts without
//! running the agent twice or doubling a part; fallbacks when the reply target is gone or a rich
//! reply is refused; agent failures reach the user as one short sentence; the typing breaker.

mod common;

use std::time::Duration;

use common::*;
use lark_sim::ChatMode;
use openclaw_gateway::store::EventStatus;

/// A command agent that appends a line to `runs` each time it runs, then answers `answer`.
fn counting_agent(runs: &std::path::Path, answer: &str) -> String {
    format!(
        r#"{{ provider: "command", command: ["sh", "-c", "cat >/dev/null; echo run >> '{}'; printf '%s' '{answer}'"], timeoutSeconds: 20 }}"#,
        runs.display()
    )
}

fn runs(path: &std::path::Path) -> usize {
    std::fs::read_to_string(path)
        .map(|s| s.lines().count())
        .unwrap_or(0)
}

#[tokio::test]
async fn a_reply_that_cannot_be_sent_is_resent_from_the_record_after_a_restart_without_rerunning_the_agent()
 {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("runs");
    let mut h = start(
        r#"dmPolicy: "open", typingDelayMs: 0"#,
        &counting_agent(&log, "the answer"),
    )
    .await;
    h.seed("oc_dm", ChatMode::P2p, &[("ou_ada", "Ada")]);
    // Every reply fails for a while: the answer is recorded, but nothing lands.
    h.sim.state().fail_next("/reply", 1000, 500, 0);
    let m = h.say("oc_dm", "ou_ada", "question", false);
    let store = h.gateway().ctx.store.clone();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let e = store.event("default", &m.event_id).await.unwrap();
        if e.is_some_and(|e| e.status == EventStatus::Answered) {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "never answered");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    h.stop().await;
    assert!(h.replies_to("oc_dm", &m.message_id).is_empty());
    // The platform is back; a new run sends the recorded answer.
    h.sim.state().clear_faults();
    h.restart().await;
    let r = h.wait_replies("oc_dm", &m.message_id, 1).await;
    assert_eq!(text_of(&r[0]), "the answer");
    h.wait_closed(&m.event_id).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(h.replies_to("oc_dm", &m.message_id).len(), 1);
    assert_eq!(runs(&log), 1, "the agent ran again");
    // The Typing reaction the first run left on the message was taken off by the second.
    let original = h
        .messages("oc_dm")
        .into_iter()
        .find(|x| x["message_id"] == m.message_id.as_str())
        .unwrap();
    assert!(
        original["reactions"]
            .as_array()
            .is_none_or(|r| r.is_empty()),
        "{original}"
    );
    let calls = h.sim.state().calls(APP);
    assert!(
        calls
            .iter()
            .any(|c| c.method == "DELETE" && c.path.contains("/reactions/")),
        "{calls:?}"
    );
}

#[tokio::test]
async fn a_reply_to_a_recalled_message_goes_to_the_chat_instead() {
    let h = start(r#"dmPolicy: "open""#, r#"{ provider: "echo" }"#).await;
    h.seed("oc_dm", ChatMode::P2p, &[("ou_ada", "Ada")]);
    h.sim.state().fail_next("/reply", 1, 400, 230011);
    let m = h.say("oc_dm", "ou_ada", "gone soon", false);
    let e = h.wait_closed(&m.event_id).await;
    assert_eq!(e.status, EventStatus::Sent);
    let bot: Vec<_> = h
        .messages("oc_dm")
        .into_iter()
        .filter(|x| x["sender"]["sender_type"] == "app")
        .collect();
    assert_eq!(bot.len(), 1);
    assert_eq!(text_of(&bot[0]), "gone soon");
    assert!(bot[0]["parent_id"].is_null(), "{}", bot[0]);
}

#[tokio::test]
async fn a_refused_rich_reply_is_sent_as_text() {
    let h = start(r#"dmPolicy: "open""#, r#"{ provider: "echo" }"#).await;
    h.seed("oc_dm", ChatMode::P2p, &[("ou_ada", "Ada")]);
    h.sim.state().fail_next("/reply", 1, 400, 230001);
    let m = h.say("oc_dm", "ou_ada", "some **bold** words", false);
    let r = h.wait_replies("oc_dm", &m.message_id, 1).await;
    assert_eq!(r[0]["msg_type"], "text", "{}", r[0]);
    assert!(text_of(&r[0]).contains("some **bold** words"), "{}", r[0]);
}

#[tokio::test]
async fn an_agent_that_times_out_gets_the_user_one_short_sentence() {
    let h = start(
        r#"dmPolicy: "open""#,
        r#"{ provider: "command", command: ["sleep", "30"], timeoutSeconds: 1 }"#,
    )
    .await;
    h.seed("oc_dm", ChatMode::P2p, &[("ou_ada", "Ada")]);
    let m = h.say("oc_dm", "ou_ada", "are you there?", false);
    let r = h.wait_replies("oc_dm", &m.message_id, 1).await;
    let text = text_of(&r[0]);
    assert!(text.starts_with("Sorry"), "{text}");
    assert!(text.contains("1 s"), "{text}");
    assert!(!text.contains('\n'), "{text}");
}

#[tokio::test]
async fn rate_limited_typing_reactions_open_the_breaker_and_replies_still_flow() {
    let h = start(
        r#"dmPolicy: "open", typingDelayMs: 0"#,
        r#"{ provider: "echo" }"#,
    )
    .await;
    h.seed("oc_dm", ChatMode::P2p, &[("ou_ada", "Ada")]);
    h.sim.state().fail_next("/reactions", 1000, 400, 99991400);
    for i in 0..4 {
        let m = h.say("oc_dm", "ou_ada", &format!("msg {i}"), false);
        let r = h.wait_replies("oc_dm", &m.message_id, 1).await;
        assert_eq!(text_of(&r[0]), format!("msg {i}"));
    }
    let reaction_calls = h
        .sim
        .state()
        .calls(APP)
        .iter()
        .filter(|c| c.path.contains("/reactions"))
        .count();
    // The first failure opened the breaker; the client may retry that one call a few times,
    // but no later message tried again.
    let first_message_calls = reaction_calls;
    assert!(first_message_calls <= 4, "{reaction_calls} reaction calls");
    let m = h.say("oc_dm", "ou_ada", "one more", false);
    h.wait_replies("oc_dm", &m.message_id, 1).await;
    let after = h
        .sim
        .state()
        .calls(APP)
        .iter()
        .filter(|c| c.path.contains("/reactions"))
        .count();
    assert_eq!(after, reaction_calls);
}
