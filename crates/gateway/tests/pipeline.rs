//! The inbound pipeline against lark-sim: policies and pairing as a user meets them, mention
//! rules, exactly-once replies under redelivery, re-push, restarts and dropped sockets, stale
//! messages, the typing reaction, and the reply's threading (what a reply carries is in
//! `pipeline_content.rs`).

mod common;

use std::time::Duration;

use common::*;
use lark_sim::ChatMode;
use openclaw_gateway::store::EventStatus;
use serde_json::json;

const ECHO: &str = r#"{ provider: "echo" }"#;

#[tokio::test]
async fn an_open_dm_is_echoed_as_a_reply_with_a_typing_reaction_removed_after() {
    let h = start(r#"dmPolicy: "open", typingDelayMs: 0"#, ECHO).await;
    h.seed("oc_dm", ChatMode::P2p, &[("ou_ada", "Ada")]);
    let m = h.say("oc_dm", "ou_ada", "hello there", false);
    let replies = h.wait_replies("oc_dm", &m.message_id, 1).await;
    assert_eq!(replies.len(), 1, "{:?}", h.messages("oc_dm"));
    assert_eq!(text_of(&replies[0]), "hello there");
    let e = h.wait_closed(&m.event_id).await;
    assert_eq!(e.status, EventStatus::Sent);
    // The Typing reaction went on while the agent worked, and came off again.
    let calls = h.sim.state().calls(APP);
    let reaction_calls: Vec<_> = calls
        .iter()
        .filter(|c| c.path.contains("/reactions"))
        .map(|c| c.method.as_str())
        .collect();
    assert_eq!(reaction_calls, vec!["POST", "DELETE"], "{calls:?}");
    let msg = h
        .messages("oc_dm")
        .into_iter()
        .find(|x| x["message_id"] == m.message_id.as_str())
        .unwrap();
    assert!(
        msg["reactions"].as_array().is_none_or(|r| r.is_empty()),
        "{msg}"
    );
}

#[tokio::test]
async fn pairing_gives_one_code_and_lets_the_user_in_once_approved_even_after_a_restart() {
    let mut h = start("", ECHO).await;
    h.seed("oc_dm", ChatMode::P2p, &[("ou_new", "New")]);
    let first = h.say("oc_dm", "ou_new", "hi", false);
    let replies = h.wait_replies("oc_dm", &first.message_id, 1).await;
    let notice = text_of(&replies[0]);
    let code = pairing_code(&notice);
    assert!(
        code.chars()
            .all(|c| "ABCDEFGHJKLMNPQRSTUVWXYZ23456789".contains(c)),
        "{code}"
    );
    assert!(
        notice.contains(&format!("openclaw pairing approve lark {code}")),
        "{notice}"
    );
    // A second message while pending: nothing more is said, nothing reaches the agent.
    let second = h.say("oc_dm", "ou_new", "hello?", false);
    let e = h.wait_closed(&second.event_id).await;
    assert_eq!(e.status, EventStatus::Refused);
    assert!(h.replies_to("oc_dm", &second.message_id).is_empty());

    let store = h.gateway().ctx.store.clone();
    let approved = store
        .decide_pairing(&code, true, openclaw_gateway::store::now_ms())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(approved.open_id, "ou_new");
    h.restart().await;
    let third = h.say("oc_dm", "ou_new", "let me in", false);
    let replies = h.wait_replies("oc_dm", &third.message_id, 1).await;
    assert_eq!(text_of(&replies[0]), "let me in");
}

#[tokio::test]
async fn group_messages_need_an_allowed_sender_and_a_mention_of_the_bot() {
    let h = start(
        r#"groupAllowFrom: ["ou_ok"], groups: { "oc_free": { requireMention: false } }"#,
        ECHO,
    )
    .await;
    h.seed(
        "oc_team",
        ChatMode::Group,
        &[("ou_ok", "Ok"), ("ou_no", "No")],
    );
    h.seed("oc_free", ChatMode::Group, &[("ou_ok", "Ok")]);
    let mentioned = h.say("oc_team", "ou_ok", "status?", true);
    let plain = h.say("oc_team", "ou_ok", "just chatting", false);
    let stranger = h.say("oc_team", "ou_no", "me too", true);
    let free = h.say("oc_free", "ou_ok", "no mention needed", false);
    // @all is not a mention of the bot.
    let all = h
        .sim
        .state()
        .inject_event(
            APP,
            "im.message.receive_v1",
            json!({
                "sender": {"sender_id": {"open_id": "ou_ok"}, "sender_type": "user"},
                "message": {"message_id": "om_all_1", "chat_id": "oc_team", "chat_type": "group",
                    "message_type": "text", "content": "{\"text\":\"@_all lunch\"}",
                    "create_time": openclaw_gateway::store::now_ms().to_string(),
                    "mentions": [{"key": "@_all", "id": {}, "name": "all"}]}
            }),
        )
        .unwrap();

    let r = h.wait_replies("oc_team", &mentioned.message_id, 1).await;
    assert_eq!(text_of(&r[0]), "status?");
    let r = h.wait_replies("oc_free", &free.message_id, 1).await;
    assert_eq!(text_of(&r[0]), "no mention needed");
    for (event, reason) in [
        (&plain.event_id, "bot not mentioned"),
        (&stranger.event_id, "sender not in groupAllowFrom"),
        (&all, "bot not mentioned"),
    ] {
        let e = h.wait_closed(event).await;
        assert_eq!(e.status, EventStatus::Refused);
        assert_eq!(e.reason.as_deref(), Some(reason));
    }
    let metrics = h.gateway().ctx.metrics.render();
    assert!(
        metrics.contains(
            r#"openclaw_events_refused_total{account="default",reason="bot not mentioned"} 2"#
        ),
        "{metrics}"
    );
}

#[tokio::test]
async fn the_groups_system_prompt_and_the_turn_reach_a_command_agent() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("turn.json");
    let agent = format!(
        r#"{{ provider: "command", command: ["sh", "-c", "cat > '{}'; printf 'seen'"], timeoutSeconds: 20 }}"#,
        out.display()
    );
    let h = start(
        r#"groupPolicy: "open", groups: { "oc_team": { systemPrompt: "You are a helpful assistant for this team." } }"#,
        &agent,
    )
    .await;
    h.seed(
        "oc_team",
        ChatMode::Group,
        &[("ou_ada", "Ada"), ("ou_bo", "Bo")],
    );
    let m = h
        .sim
        .state()
        .user_sends(
            APP,
            lark_sim::UserMessage {
                chat_id: Some("oc_team".into()),
                sender: lark_sim::Person::new("ou_ada", "Ada"),
                text: Some("ask Bo about it".into()),
                mentions: vec![lark_sim::Person::new("ou_bo", "Bo")],
                mention_bot: true,
                ..Default::default()
            },
        )
        .unwrap();
    let r = h.wait_replies("oc_team", &m.message_id, 1).await;
    assert_eq!(text_of(&r[0]), "seen");
    let turn: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(
        turn["systemPrompt"],
        "You are a helpful assistant for this team."
    );
    assert_eq!(turn["chatType"], "group");
    assert_eq!(turn["sessionKey"], "lark:default:group:oc_team");
    assert_eq!(turn["senderOpenId"], "ou_ada");
    let text = turn["text"].as_str().unwrap();
    assert!(
        text.starts_with("[chatId=oc_team sender=ou_ada name=Ada]"),
        "{text}"
    );
    // The bot's own mention is gone; Bo's is kept in the form the agent can send back.
    assert!(text.contains(r#"<at user_id="ou_bo">Bo</at>"#), "{text}");
    assert!(!text.contains("@_user"), "{text}");
}

#[tokio::test]
async fn a_redelivered_or_re_pushed_message_is_answered_once_even_across_a_restart() {
    let mut h = start(r#"dmPolicy: "open""#, ECHO).await;
    h.seed("oc_dm", ChatMode::P2p, &[("ou_ada", "Ada")]);
    let m = h.say("oc_dm", "ou_ada", "once please", false);
    assert_eq!(h.wait_replies("oc_dm", &m.message_id, 1).await.len(), 1);
    let delivered = h.sim.state().deliveries(APP).unwrap();
    let body = delivered
        .iter()
        .find(|d| d.event_id == m.event_id)
        .map(|d| d.body.clone())
        .unwrap();
    // The same message under a new event id (the platform re-pushing it).
    let mut repush = body.clone();
    repush["header"]["event_id"] = json!("repushed-event-1");
    h.sim.state().inject_raw(APP, repush).unwrap();
    // The same event again, after a restart (the client's in-memory dedup is gone).
    h.restart().await;
    h.sim.state().inject_raw(APP, body).unwrap();
    let settle = h.say("oc_dm", "ou_ada", "and this one", false);
    h.wait_replies("oc_dm", &settle.message_id, 1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(h.replies_to("oc_dm", &m.message_id).len(), 1);
    // Both copies were acknowledged (so the platform stops pushing them), none answered again.
    for id in ["repushed-event-1", m.event_id.as_str()] {
        let d = h.sim.state().deliveries(APP).unwrap();
        let acked = d
            .iter()
            .filter(|d| d.event_id == id)
            .all(|d| d.status == lark_sim::DeliveryStatus::Acked);
        assert!(acked, "{id} not acked: {d:?}");
    }
}

#[tokio::test]
async fn messages_sent_while_the_socket_is_down_are_all_answered_once() {
    let h = start_with(
        quick_sim(),
        r#"dmPolicy: "open", groupPolicy: "open", requireMention: false"#,
        ECHO,
    )
    .await;
    h.seed("oc_g", ChatMode::Group, &[("ou_ada", "Ada")]);
    let mut sent = Vec::new();
    for i in 0..5 {
        sent.push(h.say("oc_g", "ou_ada", &format!("before {i}"), false));
    }
    h.sim.state().drop_connections(APP).unwrap();
    for i in 0..5 {
        sent.push(h.say("oc_g", "ou_ada", &format!("during {i}"), false));
    }
    for m in &sent {
        let r = h.wait_replies("oc_g", &m.message_id, 1).await;
        assert_eq!(r.len(), 1, "no reply to {}", m.message_id);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Exactly one reply each, and in the order the messages were sent.
    let replies: Vec<String> = h
        .messages("oc_g")
        .iter()
        .filter(|m| m["sender"]["sender_type"] == "app")
        .map(text_of)
        .collect();
    let expected: Vec<String> = (0..5)
        .map(|i| format!("before {i}"))
        .chain((0..5).map(|i| format!("during {i}")))
        .collect();
    assert_eq!(replies, expected);
}

#[tokio::test]
async fn a_stale_message_is_recorded_but_never_answered() {
    let h = start(r#"dmPolicy: "open""#, ECHO).await;
    h.seed("oc_dm", ChatMode::P2p, &[("ou_ada", "Ada")]);
    let old = openclaw_gateway::store::now_ms() - 31 * 60 * 1000;
    let event_id = h
        .sim
        .state()
        .inject_event(
            APP,
            "im.message.receive_v1",
            json!({
                "sender": {"sender_id": {"open_id": "ou_ada"}, "sender_type": "user"},
                "message": {"message_id": "om_old_1", "chat_id": "oc_dm", "chat_type": "p2p",
                    "message_type": "text", "content": "{\"text\":\"from long ago\"}",
                    "create_time": old.to_string()}
            }),
        )
        .unwrap();
    let e = h.wait_closed(&event_id).await;
    assert_eq!(e.status, EventStatus::Expired);
    assert!(h.replies_to("oc_dm", "om_old_1").is_empty());
}

#[tokio::test]
async fn a_reply_to_a_threaded_message_stays_in_its_thread() {
    let h = start(r#"groupPolicy: "open""#, ECHO).await;
    h.seed("oc_topics", ChatMode::Topic, &[("ou_ada", "Ada")]);
    let root = h.say("oc_topics", "ou_ada", "a new topic", true);
    let r = h.wait_replies("oc_topics", &root.message_id, 1).await;
    let thread = r[0]["thread_id"].clone();
    assert!(
        thread.as_str().is_some_and(|t| t.starts_with("omt_")),
        "{}",
        r[0]
    );
    let follow = h
        .sim
        .state()
        .user_sends(
            APP,
            lark_sim::UserMessage {
                chat_id: Some("oc_topics".into()),
                sender: lark_sim::Person::new("ou_ada", "Ada"),
                text: Some("more on it".into()),
                mention_bot: true,
                root_id: Some(root.message_id.clone()),
                thread_id: thread.as_str().map(str::to_owned),
                ..Default::default()
            },
        )
        .unwrap();
    let r = h.wait_replies("oc_topics", &follow.message_id, 1).await;
    assert_eq!(r[0]["thread_id"], thread);
}
