//! The long connection against lark-sim: events arrive whole and are acknowledged exactly once,
//! fragments are reassembled, dropped and silent sockets are rebuilt, redeliveries are not handed
//! over twice, fatal refusals stop the client and say why.

use std::time::Duration;

use lark::Client;
use lark::ws::{ConnState, LongConnection, WsEvent, WsOptions};
use lark_sim::control::{Person, SeedChat, UserMessage};
use lark_sim::delivery::DeliveryStatus;
use lark_sim::{AppSpec, RedeliveryPolicy, Sim, SimConfig};
use tokio::sync::mpsc;

const APP: &str = "cli_a1b2c3d4e5f60718";
const SECRET: &str = "s3cret";

fn fast_config() -> SimConfig {
    SimConfig {
        ping_interval_secs: 1,
        reconnect_interval_secs: 1,
        reconnect_nonce_secs: 0,
        redelivery: RedeliveryPolicy {
            ack_timeout: Duration::from_millis(800),
            schedule: vec![Duration::from_millis(300); 6],
        },
        ..Default::default()
    }
}

struct World {
    sim: Sim,
    chat: String,
    alice: Person,
}

async fn world(config: SimConfig) -> World {
    let sim = Sim::start("127.0.0.1:0", config).await.unwrap();
    sim.state().add_app(AppSpec::websocket(APP, SECRET));
    let alice = Person::new("ou_alice0000000000000000000000001", "Alice");
    let chat = sim
        .state()
        .seed_chat(
            APP,
            SeedChat {
                name: "team".into(),
                members: vec![alice.clone()],
                ..Default::default()
            },
        )
        .unwrap();
    World { sim, chat, alice }
}

fn client(sim: &Sim, secret: &str) -> Client {
    Client::builder(APP, secret)
        .base_url(sim.base_url())
        .build()
        .unwrap()
}

async fn connect(w: &World, options: WsOptions) -> (LongConnection, mpsc::Receiver<WsEvent>) {
    let (conn, rx) = LongConnection::start(client(&w.sim, SECRET), options);
    let up = conn
        .wait_until(Duration::from_secs(10), |s| s.state == ConnState::Connected)
        .await;
    assert!(up.is_some(), "connected: {:?}", conn.status());
    assert!(
        w.sim
            .state()
            .wait_connections(APP, 1, Duration::from_secs(5))
            .await
    );
    (conn, rx)
}

fn say(w: &World, text: &str) -> String {
    w.sim
        .state()
        .user_sends(APP, UserMessage::text(&w.chat, w.alice.clone(), text))
        .unwrap()
        .event_id
}

async fn next(rx: &mut mpsc::Receiver<WsEvent>, secs: u64) -> WsEvent {
    tokio::time::timeout(Duration::from_secs(secs), rx.recv())
        .await
        .expect("an event within the time limit")
        .expect("the connection is alive")
}

fn text_of(ev: &WsEvent) -> String {
    let v: serde_json::Value = serde_json::from_slice(&ev.payload).unwrap();
    let content: serde_json::Value =
        serde_json::from_str(v["event"]["message"]["content"].as_str().unwrap()).unwrap();
    content["text"].as_str().unwrap().to_owned()
}

async fn assert_acked_once(w: &World, event_id: &str) {
    let rec = w
        .sim
        .state()
        .wait_delivery(APP, event_id, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(rec.status, DeliveryStatus::Acked, "{rec:?}");
}

#[tokio::test]
async fn event_arrives_and_one_ack_settles_it() {
    let w = world(fast_config()).await;
    let (conn, mut rx) = connect(&w, WsOptions::default()).await;
    let id = say(&w, "hello bot");
    let ev = next(&mut rx, 5).await;
    assert_eq!(ev.event_id.as_deref(), Some(id.as_str()));
    assert_eq!(text_of(&ev), "hello bot");
    ev.ack();
    assert_acked_once(&w, &id).await;
    // Well past the ACK timeout: nothing is redelivered.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let rec = w.sim.state().deliveries(APP).unwrap();
    let rec = rec.iter().find(|r| r.event_id == id).unwrap();
    assert_eq!(rec.attempts.len(), 1, "{rec:?}");
    assert!(rx.try_recv().is_err(), "no second hand-over");
    // The client pinged at once and keeps pinging.
    assert!(w.sim.state().pings(APP).iter().sum::<u64>() >= 1);
    conn.stop().await;
}

#[tokio::test]
async fn fragmented_event_is_reassembled() {
    let mut cfg = fast_config();
    cfg.fragment_size = 100;
    let w = world(cfg).await;
    let (_conn, mut rx) = connect(&w, WsOptions::default()).await;
    let long = "分片 fragment ".repeat(40);
    let id = say(&w, &long);
    let ev = next(&mut rx, 5).await;
    assert_eq!(text_of(&ev), long);
    ev.ack();
    assert_acked_once(&w, &id).await;
    let recs = w.sim.state().deliveries(APP).unwrap();
    let rec = recs.iter().find(|r| r.event_id == id).unwrap();
    assert!(
        rec.attempts[0].frames > 1,
        "it really was fragmented: {rec:?}"
    );
}

#[tokio::test]
async fn a_dropped_event_is_redelivered_and_a_nack_too() {
    let w = world(fast_config()).await;
    let (_conn, mut rx) = connect(&w, WsOptions::default()).await;
    let id = say(&w, "first try fails");
    let ev = next(&mut rx, 5).await;
    ev.nack();
    let again = next(&mut rx, 5).await;
    assert_eq!(again.event_id.as_deref(), Some(id.as_str()));
    drop(again); // dropped without an answer: answered 500, so redelivered once more
    let third = next(&mut rx, 5).await;
    assert_eq!(third.event_id.as_deref(), Some(id.as_str()));
    third.ack();
    assert_acked_once(&w, &id).await;
}

#[tokio::test]
async fn dropped_socket_is_rebuilt_and_nothing_is_lost_or_doubled() {
    let w = world(fast_config()).await;
    let (conn, mut rx) = connect(&w, WsOptions::default()).await;
    let before = say(&w, "before");
    next(&mut rx, 5).await.ack();
    assert_acked_once(&w, &before).await;

    assert_eq!(w.sim.state().drop_connections(APP).unwrap(), 1);
    // Sent while the client is cut off: the platform holds it and redelivers.
    let during = say(&w, "during");
    let back = conn
        .wait_until(Duration::from_secs(10), |s| {
            s.connects >= 2 && s.state == ConnState::Connected
        })
        .await
        .expect("reconnected");
    assert!(back.disconnects >= 1);
    let after = say(&w, "after");

    let mut got = Vec::new();
    while got.len() < 2 {
        let ev = next(&mut rx, 10).await;
        got.push(text_of(&ev));
        ev.ack();
    }
    got.sort();
    assert_eq!(got, vec!["after".to_owned(), "during".to_owned()]);
    assert_acked_once(&w, &during).await;
    assert_acked_once(&w, &after).await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert!(rx.try_recv().is_err(), "nothing handed over twice");
}

#[tokio::test]
async fn silent_socket_is_detected_by_the_watchdog_and_rebuilt() {
    let w = world(fast_config()).await;
    let (conn, mut rx) = connect(&w, WsOptions::default()).await;
    w.sim.state().set_silent(APP, true).unwrap();
    let during = say(&w, "while silent");
    let back = conn
        .wait_until(Duration::from_secs(15), |s| {
            s.connects >= 2 && s.state == ConnState::Connected
        })
        .await
        .expect("the watchdog rebuilt the connection");
    assert!(
        back.last_error
            .as_deref()
            .unwrap_or("")
            .contains("watchdog"),
        "{back:?}"
    );
    let ev = next(&mut rx, 10).await;
    assert_eq!(text_of(&ev), "while silent");
    ev.ack();
    assert_acked_once(&w, &during).await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert!(rx.try_recv().is_err(), "nothing handed over twice");
}

#[tokio::test]
async fn redelivery_of_an_acked_event_is_acked_again_but_not_handed_over() {
    let w = world(fast_config()).await;
    let (_conn, mut rx) = connect(&w, WsOptions::default()).await;
    // The platform loses our ACKs for a while, so it pushes the same event again.
    w.sim.state().withhold_acks(APP, true).unwrap();
    let id = say(&w, "once only");
    next(&mut rx, 5).await.ack();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    w.sim.state().withhold_acks(APP, false).unwrap();
    assert_acked_once(&w, &id).await;
    let rec = w.sim.state().deliveries(APP).unwrap();
    let rec = rec.iter().find(|r| r.event_id == id).unwrap();
    assert!(rec.attempts.len() >= 2, "it was redelivered: {rec:?}");
    assert!(rx.try_recv().is_err(), "but handed over only once");
}

#[tokio::test]
async fn slow_consumer_pushes_back_without_losing_events() {
    let w = world(fast_config()).await;
    let options = WsOptions {
        event_buffer: 1,
        ..Default::default()
    };
    let (_conn, mut rx) = connect(&w, options).await;
    let ids: Vec<String> = (0..5).map(|i| say(&w, &format!("m{i}"))).collect();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut seen = Vec::new();
    while seen.len() < ids.len() {
        let ev = next(&mut rx, 10).await;
        seen.push(ev.event_id.clone().unwrap());
        ev.ack();
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), ids.len());
}

#[tokio::test]
async fn the_51st_connection_is_fatal_and_says_why() {
    let mut cfg = fast_config();
    cfg.max_connections = 1;
    let w = world(cfg).await;
    let (_first, _rx1) = connect(&w, WsOptions::default()).await;
    let (second, _rx2) = LongConnection::start(client(&w.sim, SECRET), WsOptions::default());
    let s = second
        .wait_until(Duration::from_secs(10), |s| {
            matches!(s.state, ConnState::Fatal(_))
        })
        .await
        .expect("a fatal state");
    let ConnState::Fatal(reason) = s.state else {
        unreachable!()
    };
    assert!(
        reason.contains("maximum number of long connections"),
        "{reason}"
    );
}

#[tokio::test]
async fn wrong_secret_is_fatal_and_never_printed() {
    let w = world(fast_config()).await;
    let (conn, _rx) =
        LongConnection::start(client(&w.sim, "wrong-secret-value"), WsOptions::default());
    let s = conn
        .wait_until(Duration::from_secs(10), |s| {
            matches!(s.state, ConnState::Fatal(_))
        })
        .await
        .expect("a fatal state");
    let text = format!("{s:?}");
    assert!(text.contains("App ID and App Secret"), "{text}");
    assert!(!text.contains("wrong-secret-value"), "{text}");
}

#[tokio::test]
async fn the_platforms_reconnect_count_is_honoured_and_reported() {
    let config = SimConfig {
        reconnect_count: 2,
        ..fast_config()
    };
    let w = world(config).await;
    let (conn, _rx) = connect(&w, WsOptions::default()).await;
    w.sim
        .state()
        .fail_next("/callback/ws/endpoint", 100, 500, 1);
    w.sim.state().drop_connections(APP).unwrap();
    let s = conn
        .wait_until(Duration::from_secs(15), |s| {
            matches!(s.state, ConnState::Fatal(_))
        })
        .await
        .expect("gave up after the platform's count");
    let ConnState::Fatal(reason) = s.state else {
        unreachable!()
    };
    assert!(reason.contains("ReconnectCount is 2"), "{reason}");
}

#[tokio::test]
async fn reconnect_forever_outlasts_the_platforms_count() {
    let config = SimConfig {
        reconnect_count: 1,
        ..fast_config()
    };
    let w = world(config).await;
    let options = WsOptions {
        reconnect_forever: true,
        ..Default::default()
    };
    let (conn, mut rx) = connect(&w, options).await;
    w.sim.state().fail_next("/callback/ws/endpoint", 3, 500, 1);
    w.sim.state().drop_connections(APP).unwrap();
    conn.wait_until(Duration::from_secs(15), |s| {
        s.connects >= 2 && s.state == ConnState::Connected
    })
    .await
    .expect("connected again after three failed attempts");
    let id = say(&w, "still here");
    let ev = next(&mut rx, 5).await;
    assert_eq!(ev.event_id.as_deref(), Some(id.as_str()));
    ev.ack();
}

#[tokio::test]
async fn a_silent_socket_misses_its_pong_deadline_long_before_the_platforms_ping_interval() {
    // The platform asks for a ping every 120 s; the watchdog alone would wait 6 minutes.
    let config = SimConfig {
        ping_interval_secs: 120,
        ..fast_config()
    };
    let w = world(config).await;
    let options = WsOptions {
        pong_timeout: Some(Duration::from_millis(800)),
        max_ping_interval: Some(Duration::from_secs(1)),
        ..WsOptions::default()
    };
    let (conn, mut rx) = connect(&w, options).await;
    w.sim.state().set_silent(APP, true).unwrap();
    let back = conn
        .wait_until(Duration::from_secs(10), |s| {
            s.connects >= 2 && s.state == ConnState::Connected
        })
        .await
        .expect("the pong deadline rebuilt the connection");
    assert!(
        back.last_error.as_deref().unwrap_or("").contains("no pong"),
        "{back:?}"
    );
    let after = say(&w, "after the new socket");
    let ev = next(&mut rx, 10).await;
    assert_eq!(text_of(&ev), "after the new socket");
    ev.ack();
    assert_acked_once(&w, &after).await;
}
