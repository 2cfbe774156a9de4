//! Webhook mode end to end: lark-sim pushes encrypted, signed events to a server that answers
//! with `WebhookVerifier`, exactly as the gateway will.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use lark::Secret;
use lark::model::event::Event;
use lark::webhook::{Inbound, RequestHeaders, SUCCESS_BODY, WebhookVerifier};
use lark_sim::control::{Person, SeedChat, UserMessage};
use lark_sim::delivery::{DeliveryStatus, Outcome};
use lark_sim::{AppSpec, DeliveryMode, Sim, SimConfig};

const APP: &str = "cli_b1b2c3d4e5f60718";

#[derive(Clone)]
struct Receiver {
    verifier: Arc<WebhookVerifier>,
    texts: Arc<Mutex<Vec<String>>>,
}

async fn hook(State(r): State<Receiver>, headers: HeaderMap, body: Bytes) -> (StatusCode, String) {
    match r.verifier.handle(
        &RequestHeaders::from_http(&headers),
        &body,
        SystemTime::now(),
    ) {
        Ok(Inbound::Challenge { response_body, .. }) => (StatusCode::OK, response_body),
        Ok(Inbound::Event(env)) => {
            if let Event::MessageReceived(m) = &env.event {
                r.texts.lock().unwrap().push(m.content.to_agent_text());
            }
            (StatusCode::OK, SUCCESS_BODY.to_owned())
        }
        Ok(_) => (StatusCode::OK, SUCCESS_BODY.to_owned()),
        Err(e) => (
            StatusCode::from_u16(e.http_status()).unwrap(),
            e.response_body(),
        ),
    }
}

async fn receiver(encrypt_key: &str, token: &str) -> (String, Receiver) {
    let r = Receiver {
        verifier: Arc::new(WebhookVerifier::new(
            Some(Secret::new(encrypt_key)),
            Some(Secret::new(token)),
        )),
        texts: Arc::default(),
    };
    let app = axum::Router::new()
        .route("/lark/webhook", post(hook))
        .with_state(r.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/lark/webhook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, r)
}

async fn sim_pushing_to(url: &str) -> Sim {
    let mut cfg = SimConfig::default();
    cfg.redelivery.ack_timeout = Duration::from_millis(800);
    cfg.redelivery.schedule = vec![Duration::from_millis(200); 2];
    let sim = Sim::start("127.0.0.1:0", cfg).await.unwrap();
    let mut spec = AppSpec::websocket(APP, "secret");
    spec.mode = DeliveryMode::Webhook;
    spec.webhook_url = Some(url.to_owned());
    spec.encrypt_key = Some("kY7r2xQ9wPzL".into());
    spec.verification_token = Some("vt_3Hf8sJ2m".into());
    sim.state().add_app(spec);
    sim
}

async fn say(sim: &Sim, text: &str) -> String {
    let alice = Person::new("ou_alice0000000000000000000000001", "Alice");
    let chat = sim
        .state()
        .seed_chat(
            APP,
            SeedChat {
                name: "ops".into(),
                members: vec![alice.clone()],
                ..Default::default()
            },
        )
        .unwrap();
    sim.state()
        .user_sends(APP, UserMessage::text(&chat, alice, text))
        .unwrap()
        .event_id
}

#[tokio::test]
async fn challenge_then_encrypted_signed_event_is_accepted_once() {
    let (url, r) = receiver("kY7r2xQ9wPzL", "vt_3Hf8sJ2m").await;
    let sim = sim_pushing_to(&url).await;
    sim.state()
        .verify_webhook(APP)
        .await
        .expect("the challenge is answered");
    let id = say(&sim, "hello over webhook").await;
    let rec = sim
        .state()
        .wait_delivery(APP, &id, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(rec.status, DeliveryStatus::Acked, "{rec:?}");
    assert_eq!(rec.attempts.len(), 1);
    assert_eq!(
        *r.texts.lock().unwrap(),
        vec!["hello over webhook".to_owned()]
    );
}

#[tokio::test]
async fn wrong_encrypt_key_is_refused_and_the_platform_retries() {
    let (url, r) = receiver("not-the-key", "vt_3Hf8sJ2m").await;
    let sim = sim_pushing_to(&url).await;
    let id = say(&sim, "you cannot read me").await;
    let rec = loop {
        let rec = sim
            .state()
            .wait_delivery(APP, &id, Duration::from_secs(5))
            .await
            .unwrap();
        if rec.status != DeliveryStatus::Pending {
            break rec;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(rec.status, DeliveryStatus::Failed, "{rec:?}");
    assert!(rec.attempts.len() >= 2, "retried: {rec:?}");
    // The url_verification challenge (encrypted with the real key) is refused first, so no
    // event is ever accepted.
    assert!(
        rec.attempts.iter().all(|a| !a.outcome.delivered()
            && matches!(
                a.outcome,
                Outcome::VerificationFailed { .. } | Outcome::Acked { code: 401, .. }
            )),
        "{rec:?}"
    );
    assert!(r.texts.lock().unwrap().is_empty());
}
