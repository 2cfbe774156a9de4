//! The gateway with an LLM agent, against lark-sim and a scripted Anthropic server: a streamed
//! turn resumed after a crash, `/status` and `/new`, a streamed answer longer than a card, and
//! a re-run turn that does not repeat its `message` tool send.

mod common;
mod model;

use std::time::{Duration, Instant};

use common::llm::{card, card_id, write_key};
use common::*;
use lark_sim::ChatMode;
use model::{Model, Reply, answer, text_chunks, tool_call};
use serde_json::json;

#[tokio::test]
async fn a_streamed_turn_cut_by_a_restart_finishes_the_same_card() {
    // First run: half the answer, then the model stalls; the gateway stops (as if it crashed
    // mid-turn). Second run: the turn runs again and finishes the card it already sent.
    let model = Model::start(|_, n| {
        if n == 0 {
            Reply {
                hang: Some(Duration::from_secs(120)),
                ..Reply::sse(text_chunks(&["Half of ".into(), "it".into()]))
            }
        } else {
            answer(&["The whole ", "answer."])
        }
    })
    .await;
    let mut h = start(r#"dmPolicy: "open""#, &model.agent()).await;
    write_key(&h);
    h.seed("oc_dm", ChatMode::P2p, &[("ou_ada", "Ada")]);
    let m = h.say("oc_dm", "ou_ada", "tell me", false);
    let r = h.wait_replies("oc_dm", &m.message_id, 1).await;
    let id = card_id(&r[0]);
    h.stop().await;
    h.restart().await;
    let ev = h.wait_closed(&m.event_id).await;
    assert_eq!(ev.card_id.as_deref(), Some(id.as_str()));
    let replies = h.replies_to("oc_dm", &m.message_id);
    assert_eq!(
        replies.len(),
        1,
        "the same card, not a second one: {replies:?}"
    );
    assert_eq!(card_id(&replies[0]), id);
    let c = card(&h, &id).await;
    assert_eq!(
        c["card"]["body"]["elements"][0]["content"],
        "The whole answer."
    );
    assert_eq!(c["card"]["config"]["streaming_mode"], false);
}

#[tokio::test]
async fn status_names_the_model_and_new_starts_the_next_request_without_history() {
    let model = Model::start(|body, _| {
        let text = body["messages"].to_string();
        if text.contains("remember banana") {
            answer(&["Noted: ", "banana."])
        } else {
            answer(&["Fresh start."])
        }
    })
    .await;
    let h = start(r#"dmPolicy: "open", streaming: false"#, &model.agent()).await;
    write_key(&h);
    h.seed("oc_dm", ChatMode::P2p, &[("ou_ada", "Ada")]);

    let m = h.say("oc_dm", "ou_ada", "remember banana", false);
    let r = h.wait_replies("oc_dm", &m.message_id, 1).await;
    assert_eq!(text_of(&r[0]), "Noted: banana.");

    let m = h.say("oc_dm", "ou_ada", "/status", false);
    let r = h.wait_replies("oc_dm", &m.message_id, 1).await;
    let status = text_of(&r[0]);
    assert!(status.contains("claude-test"), "names the model: {status}");
    assert!(status.contains("1 turn(s)"), "the session's size: {status}");
    assert!(status.contains("12 input"), "the usage so far: {status}");
    assert_eq!(model.requests().len(), 1, "commands never reach the model");

    let m = h.say("oc_dm", "ou_ada", "/new", false);
    let r = h.wait_replies("oc_dm", &m.message_id, 1).await;
    assert_eq!(
        text_of(&r[0]),
        "Started a new session: earlier messages are forgotten."
    );
    let m = h.say("oc_dm", "ou_ada", "/status", false);
    let r = h.wait_replies("oc_dm", &m.message_id, 1).await;
    let status = text_of(&r[0]);
    assert!(status.contains("0 turn(s)"), "{status}");

    let m = h.say("oc_dm", "ou_ada", "what did I say?", false);
    let r = h.wait_replies("oc_dm", &m.message_id, 1).await;
    assert_eq!(text_of(&r[0]), "Fresh start.");
    let reqs = model.requests();
    assert_eq!(reqs.len(), 2, "{reqs:?}");
    let after = &reqs[1];
    let msgs = after["messages"].as_array().unwrap();
    assert_eq!(msgs.len(), 1, "only the new message: {after}");
    let text = after["messages"].to_string();
    assert!(text.contains("what did I say?"), "{text}");
    assert!(
        !text.contains("banana") && !text.contains("/status") && !text.contains("/new"),
        "no earlier history: {text}"
    );

    // `/reset` does the same.
    let m = h.say("oc_dm", "ou_ada", "/reset", false);
    let r = h.wait_replies("oc_dm", &m.message_id, 1).await;
    assert_eq!(
        text_of(&r[0]),
        "Started a new session: earlier messages are forgotten."
    );
    let m = h.say("oc_dm", "ou_ada", "remember banana", false);
    h.wait_replies("oc_dm", &m.message_id, 1).await;
    let reqs = model.requests();
    assert_eq!(
        reqs[2]["messages"].as_array().unwrap().len(),
        1,
        "{}",
        reqs[2]
    );
    assert!(!reqs[2]["messages"].to_string().contains("what did I say?"));
}

#[tokio::test]
async fn a_streamed_answer_longer_than_a_card_ends_as_the_card_plus_follow_ups_in_order() {
    // About 45 KB: more than two cards' worth, in paragraphs of ten numbered lines.
    let full: String = (0..800)
        .map(|i| {
            let end = if i % 10 == 9 { "\n\n" } else { "\n" };
            format!("line {i:03}: the quick brown fox jumps over the lazy dog{end}")
        })
        .collect();
    let pieces: Vec<String> = full
        .as_bytes()
        .chunks(1500)
        .map(|c| String::from_utf8(c.to_vec()).unwrap())
        .collect();
    let chunks = {
        let mut v = text_chunks(&pieces);
        v.extend(answer(&[]).chunks.into_iter().skip(2));
        v
    };
    let model = Model::start(move |_, _| Reply::sse(chunks.clone())).await;
    let h = start(r#"dmPolicy: "open", renderMode: "text""#, &model.agent()).await;
    write_key(&h);
    h.seed("oc_dm", ChatMode::P2p, &[("ou_ada", "Ada")]);
    let m = h.say("oc_dm", "ou_ada", "write a lot", false);
    let ev = h.wait_closed(&m.event_id).await;
    let replies = h.replies_to("oc_dm", &m.message_id);
    assert!(
        replies.len() >= 2,
        "the card and at least one follow-up: {}",
        replies.len()
    );
    assert_eq!(ev.sent_ids.len(), replies.len());
    let id = card_id(&replies[0]);
    let c = card(&h, &id).await;
    assert_eq!(c["card"]["config"]["streaming_mode"], false);
    let head = c["card"]["body"]["elements"][0]["content"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        head.len() <= 20 * 1024,
        "the card holds 20 KB at most: {}",
        head.len()
    );
    assert!(head.starts_with("line 000:"), "{}", &head[..40]);
    // The chat's order is the order they were sent in.
    let mut all = head.clone();
    for r in &replies[1..] {
        let t = text_of(r);
        assert!(!t.is_empty(), "a text follow-up: {r}");
        all.push('\n');
        all.push_str(&t);
    }
    let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    assert_eq!(
        norm(&all),
        norm(&full),
        "the card plus the follow-ups are the whole answer, in order, once"
    );
}

#[tokio::test]
async fn a_turn_rerun_after_a_crash_does_not_repeat_its_message_tool_send() {
    // First run: the model posts through the `message` tool, then stalls; the gateway stops.
    // Second run: the model makes the same call again, then answers.
    let send = json!({"action": "send", "to": "chat:oc_dm", "text": "Deploy done."});
    let model = Model::start(move |_, n| match n {
        0 | 2 => tool_call(&send),
        1 => Reply {
            hang: Some(Duration::from_secs(120)),
            ..Reply::sse(Vec::new())
        },
        _ => answer(&["All set."]),
    })
    .await;
    let mut h = start(r#"dmPolicy: "open", streaming: false"#, &model.agent()).await;
    write_key(&h);
    h.seed("oc_dm", ChatMode::P2p, &[("ou_ada", "Ada")]);
    let m = h.say("oc_dm", "ou_ada", "deploy", false);
    let posted = |h: &Harness| {
        h.messages("oc_dm")
            .into_iter()
            .filter(|x| text_of(x) == "Deploy done.")
            .count()
    };
    let deadline = Instant::now() + Duration::from_secs(15);
    while model.requests().len() < 2 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(posted(&h), 1, "the first run posted");
    h.stop().await;
    h.restart().await;
    let r = h.wait_replies("oc_dm", &m.message_id, 1).await;
    assert_eq!(text_of(&r[0]), "All set.");
    h.wait_closed(&m.event_id).await;
    assert_eq!(model.requests().len(), 4, "the turn ran again");
    assert_eq!(posted(&h), 1, "the re-run's send is the same message");
}
