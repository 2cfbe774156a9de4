//! Webhook delivery as a receiving server sees it: the url_verification challenge first, then
//! events encrypted and signed per PROTOCOL §3, retried when the answer is not a 200.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::http::HeaderMap;
use lark::webhook::crypto;
use lark_sim::{AppSpec, DeliveryStatus, Person, UserMessage};
use serde_json::{Value, json};
use support::*;
use tokio::sync::mpsc;

const HOOK_APP: &str = "cli_b1b2c3d4e5f60719";
const KEY: &str = "encrypt-key-1";
const TOKEN: &str = "verify-token-1";

struct Received {
    headers: HeaderMap,
    body: Vec<u8>,
    plain: Value,
}

/// A receiver that echoes challenges, fails the first `fail_events` events with HTTP 500 and
/// answers card actions with a toast.
async fn receiver(
    key: Option<&'static str>,
    fail_events: usize,
) -> (String, mpsc::Receiver<Received>) {
    let (tx, rx) = mpsc::channel(64);
    let failures = Arc::new(AtomicUsize::new(fail_events));
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: bytes::Bytes| {
            let tx = tx.clone();
            let failures = failures.clone();
            async move {
                let raw: Value = serde_json::from_slice(&body).unwrap();
                let plain: Value = match key {
                    Some(k) => serde_json::from_str(
                        &crypto::decrypt(k, raw["encrypt"].as_str().unwrap()).unwrap(),
                    )
                    .unwrap(),
                    None => raw,
                };
                let _ = tx
                    .send(Received {
                        headers,
                        body: body.to_vec(),
                        plain: plain.clone(),
                    })
                    .await;
                if plain["type"] == "url_verification" {
                    return (
                        axum::http::StatusCode::OK,
                        json!({ "challenge": plain["challenge"] }).to_string(),
                    );
                }
                if plain["header"]["event_type"] == "card.action.trigger" {
                    return (
                        axum::http::StatusCode::OK,
                        json!({ "toast": { "type": "info", "content": "clicked" } }).to_string(),
                    );
                }
                if failures.load(Ordering::SeqCst) > 0 {
                    failures.fetch_sub(1, Ordering::SeqCst);
                    return (
                        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                        "{\"msg\":\"boom\"}".to_owned(),
                    );
                }
                (
                    axum::http::StatusCode::OK,
                    "{\"msg\":\"success\"}".to_owned(),
                )
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, rx)
}

async fn next(rx: &mut mpsc::Receiver<Received>) -> Received {
    tokio::time::timeout(Duration::from_secs(5), rx.recv())
        .await
        .expect("a push")
        .expect("open")
}

#[tokio::test]
async fn challenge_first_then_encrypted_signed_events() {
    let sim = sim().await;
    let (url, mut rx) = receiver(Some(KEY), 0).await;
    sim.state().add_app(AppSpec::webhook(
        HOOK_APP,
        "s",
        &url,
        Some(KEY),
        Some(TOKEN),
    ));
    let sent = sim
        .state()
        .user_sends(
            HOOK_APP,
            UserMessage {
                mention_bot: true,
                ..UserMessage::text("oc_hooked", Person::new("ou_bob", "Bob"), "hi")
            },
        )
        .unwrap();

    let challenge = next(&mut rx).await;
    assert_eq!(challenge.plain["type"], "url_verification");
    assert_eq!(challenge.plain["token"], TOKEN);
    assert!(challenge.plain["challenge"].is_string());

    let ev = next(&mut rx).await;
    let h = |k: &str| ev.headers[k].to_str().unwrap().to_owned();
    assert!(crypto::verify_signature(
        &h("x-lark-request-timestamp"),
        &h("x-lark-request-nonce"),
        KEY,
        &ev.body,
        &h("x-lark-signature")
    ));
    let raw: Value = serde_json::from_slice(&ev.body).unwrap();
    assert_eq!(
        raw.as_object().unwrap().len(),
        1,
        "only the encrypt field travels in clear"
    );
    assert_eq!(ev.plain["header"]["event_id"], sent.event_id.as_str());
    assert_eq!(ev.plain["header"]["token"], TOKEN);
    let m = &ev.plain["event"]["message"];
    assert_eq!(m["mentions"][0]["key"], "@_user_1");
    assert!(
        m["mentions"][0]["id"].is_object(),
        "event mentions carry id objects"
    );
    assert_eq!(
        serde_json::from_str::<Value>(m["content"].as_str().unwrap()).unwrap()["text"],
        "@_user_1 hi"
    );

    let d = sim
        .state()
        .wait_delivery(HOOK_APP, &sent.event_id, Duration::from_secs(3))
        .await
        .unwrap();
    assert_eq!(d.status, DeliveryStatus::Acked);
    assert_eq!(d.attempts[0].transport, "webhook");
}

#[tokio::test]
async fn a_non_200_answer_is_retried_with_the_same_event_id() {
    let sim = sim().await;
    let (url, mut rx) = receiver(None, 1).await;
    sim.state()
        .add_app(AppSpec::webhook(HOOK_APP, "s", &url, None, None));
    let sent = sim
        .state()
        .user_sends(
            HOOK_APP,
            UserMessage::text("oc_hooked", Person::new("ou_bob", "Bob"), "hi"),
        )
        .unwrap();
    let _challenge = next(&mut rx).await;
    let first = next(&mut rx).await;
    let second = next(&mut rx).await;
    assert_eq!(
        first.plain["header"]["event_id"],
        second.plain["header"]["event_id"]
    );
    let d = sim
        .state()
        .wait_delivery(HOOK_APP, &sent.event_id, Duration::from_secs(3))
        .await
        .unwrap();
    assert_eq!(d.status, DeliveryStatus::Acked);
    assert_eq!(d.attempts.len(), 2);
    assert!(!d.attempts[0].outcome.delivered());
}

#[tokio::test]
async fn a_card_action_returns_the_webhook_body_and_a_wrong_challenge_blocks_delivery() {
    let sim = sim().await;
    let (url, _rx) = receiver(Some(KEY), 0).await;
    sim.state().add_app(AppSpec::webhook(
        HOOK_APP,
        "s",
        &url,
        Some(KEY),
        Some(TOKEN),
    ));
    sim.state().verify_webhook(HOOK_APP).await.unwrap();
    let sent = sim
        .state()
        .user_sends(
            HOOK_APP,
            UserMessage::text("oc_hooked", Person::new("ou_bob", "Bob"), "hi"),
        )
        .unwrap();
    let out = sim
        .state()
        .card_action(
            HOOK_APP,
            lark_sim::CardAction {
                message_id: sent.message_id,
                user: Person::new("ou_bob", "Bob"),
                action: json!({"value": {"k": 1}}),
            },
        )
        .await
        .unwrap();
    assert_eq!(out.response.unwrap()["toast"]["content"], "clicked");

    // A receiver that cannot decrypt (wrong key) never echoes the challenge.
    let (url2, _rx2) = receiver(None, 0).await;
    sim.state().add_app(AppSpec::webhook(
        "cli_c1b2c3d4e5f60710",
        "s",
        &url2,
        Some("other-key"),
        None,
    ));
    assert!(
        sim.state()
            .verify_webhook("cli_c1b2c3d4e5f60710")
            .await
            .is_err()
    );
}
