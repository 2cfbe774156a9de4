//! The gateway with an LLM agent, against lark-sim and a scripted Anthropic server: a streamed
//! turn resumed after a crash, `/status` and `/new`, streamed answers longer than a card (live
//! in more cards, also across a restart), and a re-run turn that does not repeat its `message` tool send.

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

/// `lines` numbered lines in paragraphs of ten, with quotes, backslashes and wide chars that
/// grow as JSON, and the model's stream of it in deltas of about 1500 bytes.
fn long_answer(lines: usize) -> (String, Vec<String>) {
    let full: String = (0..lines)
        .map(|i| {
            let end = if i % 10 == 9 { "\n\n" } else { "\n" };
            format!("line {i:04}: the \"quick\" brown fox \\ jumps over the lazy dog — 狐{end}")
        })
        .collect();
    let mut pieces = vec![String::new()];
    for c in full.chars() {
        if pieces.last().is_some_and(|p| p.len() >= 1500) {
            pieces.push(String::new());
        }
        pieces.last_mut().unwrap().push(c);
    }
    (full, pieces)
}

/// The cards replying to `m`, in the chat's order: each one's final text, checked closed and
/// within the platform's limits.
async fn closed_cards(h: &Harness, chat: &str, m: &str) -> Vec<String> {
    let mut texts = Vec::new();
    for r in h.replies_to(chat, m) {
        let c = card(h, &card_id(&r)).await;
        assert_eq!(c["card"]["config"]["streaming_mode"], false, "closed");
        let json = serde_json::to_string(&c["card"]).unwrap();
        assert!(json.len() <= 30 * 1024, "a card of {} bytes", json.len());
        let elements = c["card"]["body"]["elements"].as_array().unwrap();
        assert_eq!(elements.len(), 1);
        let t = elements[0]["content"].as_str().unwrap().to_owned();
        assert!(t.chars().count() <= 30_000, "an element of {}", t.len());
        texts.push(t);
    }
    texts
}

#[tokio::test]
async fn a_streamed_100_kb_answer_continues_live_in_more_cards_whole_and_in_order() {
    let (full, pieces) = long_answer(1550);
    assert!(full.len() >= 100 * 1024, "{}", full.len());
    let chunks = {
        let mut v = text_chunks(&pieces);
        v.extend(answer(&[]).chunks.into_iter().skip(2));
        v
    };
    let model = Model::start(move |_, _| Reply {
        gap: Duration::from_millis(2),
        ..Reply::sse(chunks.clone())
    })
    .await;
    let h = start(r#"dmPolicy: "open""#, &model.agent()).await;
    write_key(&h);
    h.seed("oc_dm", ChatMode::P2p, &[("ou_ada", "Ada")]);
    let m = h.say("oc_dm", "ou_ada", "write a lot", false);
    let ev = h.wait_closed(&m.event_id).await;
    let texts = closed_cards(&h, "oc_dm", &m.message_id).await;
    assert!(texts.len() >= 5, "{} cards", texts.len());
    assert_eq!(ev.sent_ids.len(), texts.len(), "nothing but cards");
    assert_eq!(ev.more_cards.len(), texts.len() - 1, "each card recorded");
    assert!(
        texts.concat() == full,
        "the cards are the answer, whole and in order"
    );
}

#[tokio::test]
async fn a_long_streamed_turn_cut_by_a_restart_continues_its_cards_without_posting_twice() {
    // First run: about 50 KB (three cards), then the model stalls and the gateway stops.
    // Second run: the whole answer again; the three cards continue and a fourth follows.
    let (full, pieces) = long_answer(1000);
    let (half, _) = long_answer(620);
    let first = text_chunks(&pieces[..half.len() / 1500]);
    let whole = {
        let mut v = text_chunks(&pieces);
        v.extend(answer(&[]).chunks.into_iter().skip(2));
        v
    };
    let model = Model::start(move |_, n| {
        if n == 0 {
            Reply {
                hang: Some(Duration::from_secs(120)),
                ..Reply::sse(first.clone())
            }
        } else {
            Reply::sse(whole.clone())
        }
    })
    .await;
    let mut h = start(r#"dmPolicy: "open""#, &model.agent()).await;
    write_key(&h);
    h.seed("oc_dm", ChatMode::P2p, &[("ou_ada", "Ada")]);
    let m = h.say("oc_dm", "ou_ada", "write a lot", false);
    // Three cards are in the chat while the model is still writing (it stalls, the answer
    // has not ended): the answer continues live into new cards.
    let before = h.wait_replies("oc_dm", &m.message_id, 3).await;
    h.stop().await;
    h.restart().await;
    let ev = h.wait_closed(&m.event_id).await;
    let after = h.replies_to("oc_dm", &m.message_id);
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(card_id(b), card_id(a), "the same cards, in order");
    }
    let texts = closed_cards(&h, "oc_dm", &m.message_id).await;
    assert_eq!(ev.sent_ids.len(), texts.len());
    let ids: std::collections::HashSet<String> = after.iter().map(card_id).collect();
    assert_eq!(ids.len(), after.len(), "no card posted twice");
    assert!(
        texts.concat() == full,
        "whole and in order after the restart"
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
