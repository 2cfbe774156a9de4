//! The long connection as a client sees it, over real sockets: endpoint bootstrap, ping/pong,
//! data frames and their headers, fragmentation, ACKs, redelivery, cluster delivery, the
//! connection limit and the connection faults.

mod support;

use std::collections::HashMap;
use std::time::Duration;

use lark::ws::frame::Frame;
use lark_sim::{DeliveryStatus, Outcome, Person, UserMessage};
use serde_json::Value;
use support::*;

fn hello(chat: &str) -> UserMessage {
    UserMessage::text(chat, Person::new("ou_alice", "Alice"), "hello bot")
}

#[tokio::test]
async fn endpoint_gives_a_url_the_sdks_can_parse_and_the_full_config() {
    let sim = sim().await;
    let ep = endpoint(&sim, APP_ID, SECRET).await;
    assert_eq!(ep["code"], 0);
    let url = ep["data"]["URL"].as_str().unwrap();
    let query = url.split_once('?').unwrap().1;
    let first = query.split('&').next().unwrap();
    assert!(
        !first.starts_with("device_id") && !first.starts_with("service_id"),
        "{url}"
    );
    assert!(
        query.contains("device_id=") && query.contains("service_id="),
        "{url}"
    );
    let cfg = &ep["data"]["ClientConfig"];
    for k in [
        "ReconnectCount",
        "ReconnectInterval",
        "ReconnectNonce",
        "PingInterval",
    ] {
        assert!(cfg[k].is_i64(), "{k} missing in {cfg}");
    }

    let bad = endpoint(&sim, APP_ID, "wrong").await;
    assert_ne!(bad["code"], 0);
    assert_ne!(
        bad["code"], 1000040343,
        "a wrong secret must not look retryable"
    );
}

#[tokio::test]
async fn ping_is_answered_with_a_pong_carrying_the_config() {
    let sim = sim().await;
    let mut c = RawClient::connect(&sim).await;
    c.send(&Frame::ping(c.service_id)).await;
    let pong = c.frame(2000).await.expect("a pong");
    assert!(pong.is_control());
    assert_eq!(pong.kind(), Some("pong"));
    let cfg: Value = serde_json::from_slice(pong.payload.as_deref().unwrap()).unwrap();
    assert_eq!(cfg["PingInterval"], 1);
    assert_eq!(cfg.as_object().unwrap().len(), 4);
}

#[tokio::test]
async fn event_frames_carry_the_five_headers_and_the_ack_is_recorded() {
    let sim = sim().await;
    let mut c = RawClient::connect(&sim).await;
    let injected = sim.state().user_sends(APP_ID, hello("oc_room1")).unwrap();
    let (frames, ev) = c.event(3000).await.expect("an event");
    let f = &frames[0];
    assert_eq!(f.method, 1);
    for h in ["type", "message_id", "sum", "seq", "trace_id"] {
        assert!(f.header(h).is_some(), "header {h} missing");
    }
    assert_eq!(f.header("type"), Some("event"));
    assert_eq!(ev["schema"], "2.0");
    assert_eq!(ev["header"]["event_type"], "im.message.receive_v1");
    assert_eq!(ev["header"]["event_id"], injected.event_id.as_str());
    assert_eq!(ev["header"]["app_id"], APP_ID);
    let m = &ev["event"]["message"];
    assert_eq!(m["message_id"], injected.message_id.as_str());
    assert_eq!(m["chat_type"], "group");
    assert!(m["create_time"].as_str().unwrap().parse::<u64>().is_ok());
    let content: Value = serde_json::from_str(m["content"].as_str().unwrap()).unwrap();
    assert_eq!(content["text"], "hello bot");
    assert_eq!(ev["event"]["sender"]["sender_id"]["open_id"], "ou_alice");

    c.ack(f, br#"{"code": 200}"#).await;
    let d = sim
        .state()
        .wait_delivery(APP_ID, &injected.event_id, Duration::from_secs(3))
        .await
        .unwrap();
    assert_eq!(d.status, DeliveryStatus::Acked);
    assert_eq!(d.attempts.len(), 1);
    assert!(matches!(
        d.attempts[0].outcome,
        Outcome::Acked { code: 200, .. }
    ));
    // Not redelivered after the ACK.
    assert!(c.event(1500).await.is_none());
}

#[tokio::test]
async fn large_events_are_fragmented_with_sum_and_seq() {
    let sim = sim_with(lark_sim::SimConfig {
        fragment_size: 100,
        ..quick_config()
    })
    .await;
    let mut c = RawClient::connect(&sim).await;
    let long = "x".repeat(500);
    let injected = sim
        .state()
        .user_sends(
            APP_ID,
            UserMessage::text("oc_room1", Person::new("ou_alice", "Alice"), &long),
        )
        .unwrap();
    let (frames, ev) = c.event(3000).await.expect("an event");
    assert!(frames.len() > 1, "expected several fragments");
    let msg_id = frames[0].header("message_id").unwrap().to_owned();
    for (i, f) in frames.iter().enumerate() {
        assert_eq!(f.header("message_id"), Some(msg_id.as_str()));
        assert_eq!(f.header("sum").unwrap(), frames.len().to_string());
        assert_eq!(f.header("seq").unwrap(), i.to_string());
        assert!(f.payload.as_ref().unwrap().len() <= 100);
    }
    assert_eq!(ev["header"]["event_id"], injected.event_id.as_str());
    c.ack(frames.last().unwrap(), br#"{"code":200}"#).await;
    let d = sim
        .state()
        .wait_delivery(APP_ID, &injected.event_id, Duration::from_secs(3))
        .await
        .unwrap();
    assert_eq!(d.status, DeliveryStatus::Acked);
    assert_eq!(d.attempts[0].frames, frames.len());
}

#[tokio::test]
async fn an_unacknowledged_event_is_redelivered_with_the_same_event_id() {
    let sim = sim().await;
    let mut c = RawClient::connect(&sim).await;
    let injected = sim.state().user_sends(APP_ID, hello("oc_room1")).unwrap();
    let (_, first) = c.event(3000).await.unwrap();
    // No ACK: after the 1 s timeout and the 200 ms wait, the same event comes again.
    let (frames, again) = c.event(3000).await.expect("a redelivery");
    assert_eq!(first["header"]["event_id"], again["header"]["event_id"]);
    c.ack(&frames[0], br#"{"code":200,"headers":null,"data":null}"#)
        .await;
    let d = sim
        .state()
        .wait_delivery(APP_ID, &injected.event_id, Duration::from_secs(3))
        .await
        .unwrap();
    assert_eq!(d.status, DeliveryStatus::Acked);
    assert_eq!(d.attempts.len(), 2);
    assert_eq!(d.attempts[0].outcome, Outcome::Timeout);
}

#[tokio::test]
async fn a_500_ack_counts_as_failed_and_exhausts_the_schedule() {
    let sim = sim().await;
    let mut c = RawClient::connect(&sim).await;
    let injected = sim.state().user_sends(APP_ID, hello("oc_room1")).unwrap();
    for _ in 0..3 {
        let (frames, _) = c.event(3000).await.expect("an attempt");
        c.ack(&frames[0], br#"{"code":500}"#).await;
    }
    let d = sim
        .state()
        .wait_delivery(APP_ID, &injected.event_id, Duration::from_secs(3))
        .await
        .unwrap();
    assert_eq!(d.status, DeliveryStatus::Failed);
    assert_eq!(
        d.attempts.len(),
        3,
        "one attempt plus the two scheduled retries"
    );
}

#[tokio::test]
async fn each_event_goes_to_exactly_one_of_several_connections() {
    let sim = sim().await;
    let mut clients = vec![
        RawClient::connect(&sim).await,
        RawClient::connect(&sim).await,
        RawClient::connect(&sim).await,
    ];
    assert!(
        sim.state()
            .wait_connections(APP_ID, 3, Duration::from_secs(2))
            .await
    );
    let mut ids = Vec::new();
    for _ in 0..12 {
        ids.push(
            sim.state()
                .user_sends(APP_ID, hello("oc_room1"))
                .unwrap()
                .event_id,
        );
    }
    // Every client ACKs at once, so nothing is redelivered and each delivery is counted once.
    let tasks: Vec<_> = clients
        .drain(..)
        .map(|mut c| {
            tokio::spawn(async move {
                let mut got = Vec::new();
                while let Some((frames, ev)) = c.event(1500).await {
                    c.ack(&frames[0], br#"{"code":200}"#).await;
                    got.push(ev["header"]["event_id"].as_str().unwrap().to_owned());
                }
                got
            })
        })
        .collect();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut per_client = Vec::new();
    for t in tasks {
        let got = t.await.unwrap();
        per_client.push(got.len());
        for id in got {
            *seen.entry(id).or_default() += 1;
        }
    }
    for id in &ids {
        assert_eq!(
            seen.get(id),
            Some(&1),
            "event {id} must reach exactly one connection"
        );
    }
    assert!(
        per_client.iter().filter(|n| **n > 0).count() > 1,
        "events are spread: {per_client:?}"
    );
}

#[tokio::test]
async fn the_connection_over_the_limit_is_refused_with_514() {
    let sim = sim_with(lark_sim::SimConfig {
        max_connections: 2,
        ..quick_config()
    })
    .await;
    let _a = RawClient::connect(&sim).await;
    let _b = RawClient::connect(&sim).await;
    match RawClient::try_connect(&sim).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => {
            assert_eq!(resp.status().as_u16(), 514);
            assert_eq!(resp.headers()["handshake-status"], "514");
            assert_eq!(resp.headers()["handshake-autherrcode"], "1000040350");
            assert!(resp.headers().contains_key("handshake-msg"));
        }
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("the third connection must be refused"),
    }
    assert_eq!(sim.state().connection_count(APP_ID), 2);
}

#[tokio::test]
async fn dropped_connections_close_and_events_wait_for_a_new_one() {
    let sim = sim().await;
    let mut c = RawClient::connect(&sim).await;
    assert!(
        sim.state()
            .wait_connections(APP_ID, 1, Duration::from_secs(2))
            .await
    );
    assert_eq!(sim.state().drop_connections(APP_ID).unwrap(), 1);
    assert!(c.frame(2000).await.is_none(), "the socket ends");
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(sim.state().connection_count(APP_ID), 0);

    // An event sent while disconnected reaches the client that reconnects.
    let injected = sim.state().user_sends(APP_ID, hello("oc_room1")).unwrap();
    let mut c2 = RawClient::connect(&sim).await;
    let (frames, ev) = c2.event(3000).await.expect("delivered after reconnect");
    assert_eq!(ev["header"]["event_id"], injected.event_id.as_str());
    c2.ack(&frames[0], br#"{"code":200}"#).await;
}

#[tokio::test]
async fn a_silent_connection_answers_no_ping_and_carries_no_event() {
    let sim = sim().await;
    let mut c = RawClient::connect(&sim).await;
    assert!(
        sim.state()
            .wait_connections(APP_ID, 1, Duration::from_secs(2))
            .await
    );
    sim.state().set_silent(APP_ID, true).unwrap();
    c.send(&Frame::ping(c.service_id)).await;
    let injected = sim.state().user_sends(APP_ID, hello("oc_room1")).unwrap();
    assert!(
        c.frame(1500).await.is_none(),
        "no pong and no event on a silent connection"
    );
    assert_eq!(
        sim.state().connection_count(APP_ID),
        1,
        "the socket stays open"
    );

    // A fresh connection is healthy and gets the redelivery.
    drop(c);
    let mut c2 = RawClient::connect(&sim).await;
    c2.send(&Frame::ping(c2.service_id)).await;
    let mut got_pong = false;
    let mut got_event = false;
    while let Some(f) = c2.frame(3000).await {
        if f.kind() == Some("pong") {
            got_pong = true;
        } else if f.is_data() {
            let ev: Value = serde_json::from_slice(f.payload.as_deref().unwrap()).unwrap();
            assert_eq!(ev["header"]["event_id"], injected.event_id.as_str());
            c2.ack(&f, br#"{"code":200}"#).await;
            got_event = true;
        }
        if got_pong && got_event {
            break;
        }
    }
    assert!(got_pong && got_event);
}

#[tokio::test]
async fn withheld_acks_cause_redelivery() {
    let sim = sim().await;
    let mut c = RawClient::connect(&sim).await;
    sim.state().withhold_acks(APP_ID, true).unwrap();
    let injected = sim.state().user_sends(APP_ID, hello("oc_room1")).unwrap();
    let (frames, _) = c.event(3000).await.unwrap();
    c.ack(&frames[0], br#"{"code":200}"#).await;
    let (frames, again) = c.event(3000).await.expect("redelivered despite the ACK");
    assert_eq!(again["header"]["event_id"], injected.event_id.as_str());
    sim.state().withhold_acks(APP_ID, false).unwrap();
    c.ack(&frames[0], br#"{"code":200}"#).await;
    let d = sim
        .state()
        .wait_delivery(APP_ID, &injected.event_id, Duration::from_secs(3))
        .await
        .unwrap();
    assert_eq!(d.status, DeliveryStatus::Acked);
    assert_eq!(d.attempts[0].outcome, Outcome::Timeout);
}

#[tokio::test]
async fn text_messages_and_malformed_frames_are_ignored() {
    use futures::SinkExt;
    let sim = sim().await;
    let mut c = RawClient::connect(&sim).await;
    c.ws.send(tokio_tungstenite::tungstenite::Message::Text(
        "hello".into(),
    ))
    .await
    .unwrap();
    // SeqID and LogID only: service and method are missing.
    c.ws.send(tokio_tungstenite::tungstenite::Message::Binary(
        vec![0x08, 0x01, 0x10, 0x02].into(),
    ))
    .await
    .unwrap();
    c.send(&Frame::ping(c.service_id)).await;
    let pong = c.frame(2000).await.expect("still answering");
    assert_eq!(pong.kind(), Some("pong"));
}

#[tokio::test]
async fn card_action_returns_the_ack_data() {
    let sim = sim().await;
    let mut c = RawClient::connect(&sim).await;
    let sent = sim.state().user_sends(APP_ID, hello("oc_room1")).unwrap();
    let (frames, _) = c.event(3000).await.unwrap();
    c.ack(&frames[0], br#"{"code":200}"#).await;
    let state = sim.state().clone();
    let action = lark_sim::CardAction {
        message_id: sent.message_id.clone(),
        user: Person::new("ou_alice", "Alice"),
        action: serde_json::json!({ "value": { "choice": "yes" } }),
    };
    let task = tokio::spawn(async move { state.card_action(APP_ID, action).await });
    let (frames, ev) = c.event(3000).await.unwrap();
    assert_eq!(ev["header"]["event_type"], "card.action.trigger");
    assert_eq!(ev["event"]["action"]["value"]["choice"], "yes");
    assert_eq!(
        ev["event"]["context"]["open_message_id"],
        sent.message_id.as_str()
    );
    let ack = lark::ws::AckPayload::with_data(
        br#"{"toast":{"type":"success","content":"done"}}"#.to_vec(),
    );
    c.ack(&frames[0], &ack.to_json()).await;
    let out = task.await.unwrap().unwrap();
    assert_eq!(out.response.unwrap()["toast"]["content"], "done");
}
