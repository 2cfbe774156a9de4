//! A message the platform pushed into a socket that then died (or sent while the gateway was
//! down) is found in the chat's history before the chat's next turn, and answered first, in
//! its place, long before the platform's redelivery; with `catchUp: false` it waits for that.

mod common;

use std::time::Duration;

use common::*;
use lark_sim::{ChatMode, Injected, SimConfig};

const ECHO: &str = r#"{ provider: "echo" }"#;
const OPEN: &str = r#"dmPolicy: "open", groupPolicy: "open", requireMention: false"#;

/// Quick reconnects, and a redelivery far beyond the test: whatever is answered in time came
/// from the chat's history.
fn late_redelivery() -> SimConfig {
    SimConfig {
        redelivery: lark_sim::RedeliveryPolicy {
            ack_timeout: Duration::from_millis(1500),
            schedule: vec![Duration::from_secs(120)],
        },
        ..quick_sim()
    }
}

/// The ids of the messages the bot's replies answer, in the order the replies were posted.
fn answered_in_order(h: &Harness, chat: &str) -> Vec<String> {
    h.messages(chat)
        .iter()
        .filter(|m| m["sender"]["sender_type"] == "app")
        .filter_map(|m| m["parent_id"].as_str().map(str::to_owned))
        .collect()
}

/// Reads of a chat's message list.
fn history_reads(h: &Harness) -> usize {
    common::history_reads(&h.sim)
}

fn attempts(h: &Harness, event_id: &str) -> usize {
    h.sim
        .state()
        .deliveries(APP)
        .unwrap()
        .iter()
        .find(|d| d.event_id == event_id)
        .map_or(0, |d| d.attempts.len())
}

/// A gateway on one connection that a silent socket is noticed on within two seconds, with
/// `extra` config, and a group `oc_g`.
async fn one_socket(sim: SimConfig, extra: &str) -> Harness {
    let h = start_with(sim, &format!("{OPEN}, {ONE_SILENT_SOCKET}{extra}"), ECHO).await;
    h.seed("oc_g", ChatMode::Group, &[("ou_ada", "Ada")]);
    h
}

/// Sends `text` to `chat` and waits for its one reply.
async fn answered(h: &Harness, chat: &str, text: &str) -> Injected {
    let m = h.say(chat, "ou_ada", text, false);
    assert_eq!(
        h.wait_replies(chat, &m.message_id, 1).await.len(),
        1,
        "{text}"
    );
    m
}

/// Waits until the platform has made `n` attempts at the event.
async fn wait_attempts(h: &Harness, event_id: &str, n: usize) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while attempts(h, event_id) < n {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{n} attempts never made"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn ids(ms: &[&Injected]) -> Vec<String> {
    ms.iter().map(|m| m.message_id.clone()).collect()
}

/// Makes the only connection silent, sends a message into it, and waits until the gateway has
/// noticed (no pong) and is connected again; returns the lost message.
async fn lose_one(h: &Harness, chat: &str) -> Injected {
    h.sim
        .state()
        .set_silent_connection(APP, None, true)
        .unwrap();
    let lost = h.say(chat, "ou_ada", "lost in the socket", false);
    let ctx = h.gateway().ctx.clone();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let s = openclaw_gateway::status::account_statuses(&ctx).await;
        let back = s[0].disconnects >= 1 && s[0].connections.iter().all(|c| c.state == "connected");
        if back && h.sim.state().connection_count(APP) == 1 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "never reconnected: {s:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Swallowed: pushed once, into the silent socket (the attempt is on record once its ACK
    // wait ran out), and not answered.
    wait_attempts(h, &lost.event_id, 1).await;
    assert_eq!(attempts(h, &lost.event_id), 1);
    assert!(h.replies_to(chat, &lost.message_id).is_empty());
    lost
}

const ONE_SILENT_SOCKET: &str = r#"connections: 1, pingIntervalSeconds: 1, pongTimeoutSeconds: 1"#;

#[tokio::test]
async fn a_message_lost_with_a_dead_socket_is_answered_before_the_next_one() {
    let h = one_socket(late_redelivery(), "").await;
    let first = answered(&h, "oc_g", "first").await;
    let lost = lose_one(&h, "oc_g").await;
    let next = answered(&h, "oc_g", "next").await;
    assert_eq!(
        answered_in_order(&h, "oc_g"),
        ids(&[&first, &lost, &next]),
        "the lost message is answered, before the next one"
    );
    let reply = &h.replies_to("oc_g", &lost.message_id)[0];
    assert_eq!(
        text_of(reply),
        "lost in the socket",
        "answered with its own content"
    );
    // From the history, not from a redelivery (the platform has pushed it once so far).
    assert_eq!(attempts(&h, &lost.event_id), 1);
    assert!(history_reads(&h) >= 1);
    let metrics = h.gateway().ctx.metrics.render();
    assert!(
        metrics.contains("openclaw_events_recovered_total{account=\"default\"} 1"),
        "{metrics}"
    );
}

#[tokio::test]
async fn the_redelivery_of_a_recovered_message_is_not_answered_again() {
    let mut sim = late_redelivery();
    sim.redelivery.schedule = vec![Duration::from_secs(4)];
    let h = one_socket(sim, "").await;
    let lost = lose_one(&h, "oc_g").await;
    let next = answered(&h, "oc_g", "next").await;
    // The platform pushes it again and gets its ACK: a duplicate, answered once.
    wait_attempts(&h, &lost.event_id, 2).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(h.replies_to("oc_g", &lost.message_id).len(), 1);
    assert_eq!(answered_in_order(&h, "oc_g"), ids(&[&lost, &next]));
}

#[tokio::test]
async fn a_failing_history_read_is_tried_again_before_the_turn() {
    let h = one_socket(late_redelivery(), "").await;
    let lost = lose_one(&h, "oc_g").await;
    // More failures than the client's own retries absorb: the catch-up waits and reads again.
    h.sim.state().fail_next("*/im/v1/messages", 6, 500, 1);
    let next = answered(&h, "oc_g", "next").await;
    assert_eq!(answered_in_order(&h, "oc_g"), ids(&[&lost, &next]));
    assert!(history_reads(&h) >= 7);
}

#[tokio::test]
async fn without_the_scope_to_read_history_the_turn_goes_on() {
    let h = one_socket(late_redelivery(), "").await;
    let lost = lose_one(&h, "oc_g").await;
    h.sim
        .state()
        .fail_next("*/im/v1/messages", 1, 400, 99991672);
    answered(&h, "oc_g", "next").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(h.replies_to("oc_g", &lost.message_id).is_empty());
    assert_eq!(history_reads(&h), 1, "a missing scope is not retried");
}

#[tokio::test]
async fn with_catch_up_off_the_lost_message_waits_for_its_redelivery() {
    let h = one_socket(late_redelivery(), ", catchUp: false").await;
    let lost = lose_one(&h, "oc_g").await;
    answered(&h, "oc_g", "next").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(h.replies_to("oc_g", &lost.message_id).is_empty());
    assert_eq!(history_reads(&h), 0);
}

#[tokio::test]
async fn a_message_sent_while_the_gateway_was_down_is_answered_before_the_next_one() {
    let mut h = start_with(late_redelivery(), OPEN, ECHO).await;
    h.seed("oc_dm", ChatMode::P2p, &[("ou_ada", "Ada")]);
    let first = answered(&h, "oc_dm", "first").await;
    h.stop().await;
    let missed = h.say("oc_dm", "ou_ada", "while you were away", false);
    // Its first push finds no connection; the next is two minutes away.
    wait_attempts(&h, &missed.event_id, 1).await;
    h.restart().await;
    let next = answered(&h, "oc_dm", "I am back too").await;
    assert_eq!(
        answered_in_order(&h, "oc_dm"),
        ids(&[&first, &missed, &next])
    );
    let turn = h
        .wait_closed(&format!("recovered:{}", missed.message_id))
        .await;
    assert_eq!(turn.message_id.as_deref(), Some(missed.message_id.as_str()));
}

#[tokio::test]
async fn steady_connections_read_no_history() {
    let h = start_with(late_redelivery(), OPEN, ECHO).await;
    h.seed("oc_g", ChatMode::Group, &[("ou_ada", "Ada")]);
    for i in 0..5 {
        answered(&h, "oc_g", &format!("steady {i}")).await;
    }
    assert_eq!(history_reads(&h), 0);
}
