//! Group conversations against lark-sim with the `command` agent recording each turn's JSON:
//! the group's unaddressed messages as `history` (bounded by `historyLimit`, only what came
//! after the previous turn), session scopes, replies in a thread, and reactions noted for the
//! next turn.

mod common;

use common::*;
use lark_sim::{ChatMode, Injected, Person, UserMessage, UserReaction};
use openclaw_gateway::store::EventStatus;
use serde_json::Value;

struct Group {
    h: Harness,
    turns: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

/// A gateway answering every turn with "ok" after appending the turn JSON to a file.
async fn group(extra: &str) -> Group {
    let dir = tempfile::tempdir().unwrap();
    let turns = dir.path().join("turns.jsonl");
    let agent = format!(
        r#"{{ provider: "command", command: ["sh", "-c", "cat >> '{}'; echo >> '{}'; printf ok"], timeoutSeconds: 20 }}"#,
        turns.display(),
        turns.display()
    );
    let h = start(&format!(r#"groupPolicy: "open", {extra}"#), &agent).await;
    Group {
        h,
        turns,
        _dir: dir,
    }
}

impl Group {
    fn send(&self, chat: &str, who: (&str, &str), text: &str, mention: bool) -> Injected {
        self.send_in(chat, who, text, mention, None)
    }

    fn send_in(
        &self,
        chat: &str,
        who: (&str, &str),
        text: &str,
        mention: bool,
        thread: Option<&str>,
    ) -> Injected {
        self.h
            .sim
            .state()
            .user_sends(
                APP,
                UserMessage {
                    chat_id: Some(chat.into()),
                    sender: Person::new(who.0, who.1),
                    text: Some(text.into()),
                    mention_bot: mention,
                    thread_id: thread.map(str::to_owned),
                    ..Default::default()
                },
            )
            .unwrap()
    }

    /// Sends an unaddressed message and waits until the gateway refused it.
    async fn chatter(&self, chat: &str, who: (&str, &str), text: &str) -> Injected {
        let m = self.send(chat, who, text, false);
        let e = self.h.wait_closed(&m.event_id).await;
        assert_eq!(e.status, EventStatus::Refused, "{e:?}");
        m
    }

    /// Sends a mention and returns the turn the agent got for it.
    async fn ask(&self, chat: &str, who: (&str, &str), text: &str, thread: Option<&str>) -> Value {
        let m = self.send_in(chat, who, text, true, thread);
        let e = self.h.wait_closed(&m.event_id).await;
        assert_eq!(e.status, EventStatus::Sent, "{e:?}");
        self.turn_of(&m.message_id)
    }

    fn turn_of(&self, message_id: &str) -> Value {
        let all = std::fs::read_to_string(&self.turns).unwrap_or_default();
        all.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str::<Value>(l).unwrap())
            .find(|t| t["messageId"] == message_id)
            .unwrap_or_else(|| panic!("no turn for {message_id} in {all}"))
    }

    fn thread_of(&self, chat: &str, message_id: &str) -> String {
        self.h
            .messages(chat)
            .into_iter()
            .find(|m| m["message_id"] == message_id)
            .and_then(|m| m["thread_id"].as_str().map(str::to_owned))
            .expect("a thread id")
    }
}

const ADA: (&str, &str) = ("ou_ada", "Ada");
const BOB: (&str, &str) = ("ou_bob", "Bob");

fn history(turn: &Value) -> Vec<(String, String, String)> {
    turn["history"]
        .as_array()
        .unwrap_or_else(|| panic!("no history in {turn}"))
        .iter()
        .map(|h| {
            assert!(h["createTime"].as_i64().unwrap() > 0, "{h}");
            assert!(h["messageId"].as_str().unwrap().starts_with("om_"), "{h}");
            (
                h["senderOpenId"].as_str().unwrap().to_owned(),
                h["senderName"].as_str().unwrap_or_default().to_owned(),
                h["text"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn line(who: (&str, &str), text: &str) -> (String, String, String) {
    (who.0.to_owned(), who.1.to_owned(), text.to_owned())
}

#[tokio::test]
async fn a_mention_gets_the_messages_since_the_previous_turn_in_order_with_names() {
    let g = group("").await;
    g.h.seed("oc_team", ChatMode::Group, &[ADA, BOB]);
    let said = [
        (ADA, "plan: ship on friday"),
        (BOB, "I'd rather wait for QA"),
        (ADA, "QA signed off yesterday"),
        (BOB, "then friday it is"),
    ];
    for (who, text) in said {
        g.chatter("oc_team", who, text).await;
    }
    let turn = g
        .ask("oc_team", ADA, "what do you think of the plan?", None)
        .await;
    let want: Vec<_> = said.iter().map(|(w, t)| line(*w, t)).collect();
    assert_eq!(history(&turn), want);
    assert!(turn["text"].as_str().unwrap().contains("what do you think"));

    // The next mention gets only what came after the previous turn.
    g.chatter("oc_team", BOB, "one more thing").await;
    let turn = g.ask("oc_team", BOB, "and now?", None).await;
    assert_eq!(history(&turn), [line(BOB, "one more thing")]);
    let turn = g.ask("oc_team", BOB, "anything new?", None).await;
    assert_eq!(history(&turn), []);
}

#[tokio::test]
async fn history_limit_keeps_only_the_last_messages() {
    let g = group("historyLimit: 2").await;
    g.h.seed("oc_team", ChatMode::Group, &[ADA, BOB]);
    for (i, who) in [ADA, BOB, ADA, BOB].into_iter().enumerate() {
        g.chatter("oc_team", who, &format!("message {i}")).await;
    }
    let turn = g.ask("oc_team", ADA, "summary?", None).await;
    assert_eq!(
        history(&turn),
        [line(ADA, "message 2"), line(BOB, "message 3")]
    );
}

#[tokio::test]
async fn group_sender_gives_each_sender_a_session_of_their_own() {
    let g = group(r#"groupSessionScope: "group_sender""#).await;
    g.h.seed("oc_team", ChatMode::Group, &[ADA, BOB]);
    let a = g.ask("oc_team", ADA, "hi", None).await;
    let b = g.ask("oc_team", BOB, "hi", None).await;
    let a2 = g.ask("oc_team", ADA, "again", None).await;
    assert_eq!(a["sessionKey"], "lark:default:group:oc_team:sender:ou_ada");
    assert_eq!(b["sessionKey"], "lark:default:group:oc_team:sender:ou_bob");
    assert_eq!(a2["sessionKey"], a["sessionKey"]);
}

#[tokio::test]
async fn group_topic_keeps_topics_apart_in_sessions_and_history() {
    let g = group(r#"groupSessionScope: "group_topic""#).await;
    g.h.seed("oc_topics", ChatMode::Topic, &[ADA, BOB]);
    let t1 = g.chatter("oc_topics", ADA, "topic one opens").await;
    let t2 = g.chatter("oc_topics", BOB, "topic two opens").await;
    let (th1, th2) = (
        g.thread_of("oc_topics", &t1.message_id),
        g.thread_of("oc_topics", &t2.message_id),
    );
    assert_ne!(th1, th2);
    let m = g.send_in("oc_topics", BOB, "more on two", false, Some(&th2));
    g.h.wait_closed(&m.event_id).await;
    let one = g.ask("oc_topics", ADA, "about one?", Some(&th1)).await;
    let two = g.ask("oc_topics", BOB, "about two?", Some(&th2)).await;
    assert_eq!(one["sessionKey"], format!("lark:default:thread:{th1}"));
    assert_eq!(two["sessionKey"], format!("lark:default:thread:{th2}"));
    assert_eq!(history(&one), [line(ADA, "topic one opens")]);
    assert_eq!(
        history(&two),
        [line(BOB, "topic two opens"), line(BOB, "more on two")]
    );
}

#[tokio::test]
async fn reply_in_thread_opens_a_thread_under_the_message() {
    let g = group(r#"replyInThread: "enabled""#).await;
    g.h.seed("oc_team", ChatMode::Group, &[ADA]);
    let m = g.send("oc_team", ADA, "start a thread", true);
    let replies = g.h.wait_replies("oc_team", &m.message_id, 1).await;
    assert_eq!(replies.len(), 1, "{replies:?}");
    assert!(
        replies[0]["thread_id"]
            .as_str()
            .is_some_and(|t| !t.is_empty()),
        "{}",
        replies[0]
    );
}

#[tokio::test]
async fn without_reply_in_thread_the_reply_quotes_but_opens_no_thread() {
    let g = group("").await;
    g.h.seed("oc_team", ChatMode::Group, &[ADA]);
    let m = g.send("oc_team", ADA, "plain", true);
    let replies = g.h.wait_replies("oc_team", &m.message_id, 1).await;
    assert_eq!(replies.len(), 1);
    assert!(replies[0]["thread_id"].is_null(), "{}", replies[0]);
}

#[tokio::test]
async fn reply_to_mode_off_sends_to_the_chat_without_quoting() {
    let g = group(r#"replyToMode: "off""#).await;
    g.h.seed("oc_team", ChatMode::Group, &[ADA]);
    let m = g.send("oc_team", ADA, "no quote please", true);
    let e = g.h.wait_closed(&m.event_id).await;
    assert_eq!(e.status, EventStatus::Sent);
    assert!(g.h.replies_to("oc_team", &m.message_id).is_empty());
    let sent: Vec<Value> =
        g.h.messages("oc_team")
            .into_iter()
            .filter(|x| x["sender"]["sender_type"] == "app")
            .collect();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(text_of(&sent[0]), "ok");
}

#[tokio::test]
async fn a_reaction_to_the_bot_is_told_at_the_next_turn_and_starts_none() {
    let g = group("").await;
    g.h.seed("oc_team", ChatMode::Group, &[ADA]);
    let m = g.send("oc_team", ADA, "hello", true);
    let reply = g.h.wait_replies("oc_team", &m.message_id, 1).await;
    let reply_id = reply[0]["message_id"].as_str().unwrap().to_owned();
    g.h.wait_closed(&m.event_id).await;
    let event =
        g.h.sim
            .state()
            .user_reacts(
                APP,
                UserReaction {
                    message_id: reply_id.clone(),
                    user: Person::new(ADA.0, ADA.1),
                    emoji_type: "THUMBSUP".into(),
                    action: None,
                },
            )
            .unwrap();
    let e = g.h.wait_closed(&event).await;
    assert_eq!(e.reason.as_deref(), Some("reaction noted"), "{e:?}");
    let bot_messages = |h: &Harness| {
        h.messages("oc_team")
            .iter()
            .filter(|x| x["sender"]["sender_type"] == "app")
            .count()
    };
    assert_eq!(bot_messages(&g.h), 1, "a reaction starts no turn");
    let turn = g.ask("oc_team", ADA, "did you see?", None).await;
    assert_eq!(
        turn["notes"],
        serde_json::json!([format!("Ada reacted THUMBSUP to your message {reply_id}")])
    );
    let turn = g.ask("oc_team", ADA, "and now?", None).await;
    assert!(turn.get("notes").is_none(), "told once: {turn}");
}

#[tokio::test]
async fn at_all_addresses_the_bot_only_with_respond_to_mention_all() {
    for (extra, want) in [
        ("", EventStatus::Refused),
        ("respondToMentionAll: true", EventStatus::Sent),
    ] {
        let g = group(extra).await;
        g.h.seed("oc_team", ChatMode::Group, &[ADA]);
        let m = g.send("oc_team", ADA, "@_all standup in 5", false);
        let e = g.h.wait_closed(&m.event_id).await;
        assert_eq!(e.status, want, "{extra}: {e:?}");
    }
}
