//! `/stop` with an LLM agent whose model stalls mid-answer: the model request is cancelled,
//! the streaming card is closed with what was written and the stopped note, nothing else is
//! sent, and the turn is recorded as stopped.

mod common;
mod model;

use std::sync::atomic::Ordering;
use std::time::Duration;

use common::llm::*;
use common::*;
use lark_sim::ChatMode;
use model::*;
use openclaw_gateway::store::EventStatus;

/// Polls the card until `done` holds for it (bounded).
async fn wait_card(h: &Harness, id: &str, what: &str, done: impl Fn(&serde_json::Value) -> bool) {
    let deadline = tokio::time::Instant::now() + POLL_FOR;
    loop {
        let c = card(h, id).await;
        if done(&c) {
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "{what}: {c:#}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_cancels_the_model_and_closes_the_card_with_what_was_written() {
    let model = Model::start(|_, _| Reply {
        hang: Some(Duration::from_secs(600)),
        ..Reply::sse(text_chunks(&["Once upon a time".to_owned()]))
    })
    .await;
    let h = start(r#"dmPolicy: "open""#, &model.agent()).await;
    write_key(&h);
    h.seed("oc_dm", ChatMode::P2p, &[("ou_ada", "Ada")]);
    let m = h.say("oc_dm", "ou_ada", "tell me a long story", false);
    let r = h.wait_replies("oc_dm", &m.message_id, 1).await;
    let id = card_id(&r[0]);
    wait_card(&h, &id, "the card to show the start", |c| {
        c["card"]["body"]["elements"][0]["content"] == "Once upon a time"
    })
    .await;
    assert_eq!(model.abandoned.load(Ordering::SeqCst), 0);

    let stop = h.say("oc_dm", "ou_ada", "/stop", false);
    wait_card(&h, &id, "the card to close", |c| {
        c["card"]["config"]["streaming_mode"] == false
    })
    .await;
    let c = card(&h, &id).await;
    assert_eq!(
        c["card"]["body"]["elements"][0]["content"],
        "Once upon a time\n\n⏹ Stopped."
    );
    wait_until("the model request to be cancelled", || {
        model.abandoned.load(Ordering::SeqCst) == 1
    })
    .await;
    let ev = h.wait_closed(&m.event_id).await;
    assert_eq!(ev.status, EventStatus::Stopped);
    assert_eq!(
        h.wait_closed(&stop.event_id).await.status,
        EventStatus::Stopped
    );

    // The chat goes on: the next message is answered, and nothing more came for the stopped one.
    let next = h.say("oc_dm", "ou_ada", "/stop", false);
    let r = h.wait_replies("oc_dm", &next.message_id, 1).await;
    assert_eq!(text_of(&r[0]), "Nothing is running.");
    assert_eq!(h.replies_to("oc_dm", &m.message_id).len(), 1);
    assert!(h.replies_to("oc_dm", &stop.message_id).is_empty());
    assert_eq!(model.requests().len(), 1);
}
