//! The proof of fidelity: the official Python (`lark-oapi`) and Node (`@larksuiteoapi/node-sdk`)
//! SDKs, unmodified, talk to lark-sim. Their websocket clients receive events (one fragmented)
//! and card actions and ACK them; their REST clients send, reply in thread, list, recall, upload
//! and read a contact user; their webhook dispatchers accept lark-sim's challenge and encrypted,
//! signed pushes. The websocket and REST runs are repeated over HTTPS and WSS, the SDKs trusting
//! lark-sim's certificate through their runtimes' usual environment variables.

mod common;
mod support;

use std::time::Duration;

use common::Peer;
use lark_sim::{
    AppSpec, CardAction, ChatMode, DeliveryStatus, Person, RedeliveryPolicy, SeedChat, SimConfig,
    UserMessage,
};
use serde_json::{Value, json};
use support::*;

fn fidelity_config() -> SimConfig {
    SimConfig {
        // Small enough that the long message below is split across several frames.
        fragment_size: 1500,
        redelivery: RedeliveryPolicy {
            ack_timeout: Duration::from_secs(3),
            schedule: vec![Duration::from_millis(500)],
        },
        ..quick_config()
    }
}

/// Reads peer lines until one has `kind == want`.
async fn next_kind(peer: &mut Peer, want: &str) -> Value {
    loop {
        let v = peer.json(15).await;
        if v["kind"] == want {
            return v;
        }
        assert_ne!(v["kind"], "error", "peer {} reported {v}", peer.name);
    }
}

async fn run_ws(sim: &lark_sim::Sim, mut peer: Peer, toast: &str) {
    let state = sim.state().clone();
    assert!(
        state
            .wait_connections(APP_ID, 1, Duration::from_secs(15))
            .await,
        "the SDK connects"
    );

    let short = state
        .user_sends(
            APP_ID,
            UserMessage::text("oc_fidelity", Person::new("ou_alice", "Alice"), "hello sdk"),
        )
        .unwrap();
    let got = next_kind(&mut peer, "message").await;
    assert_eq!(got["event_id"], short.event_id.as_str());
    assert_eq!(got["message_id"], short.message_id.as_str());
    assert_eq!(got["text"], "hello sdk");

    let long_text = "long ".repeat(400);
    let long = state
        .user_sends(
            APP_ID,
            UserMessage::text("oc_fidelity", Person::new("ou_alice", "Alice"), &long_text),
        )
        .unwrap();
    let got = next_kind(&mut peer, "message").await;
    assert_eq!(got["event_id"], long.event_id.as_str());
    assert_eq!(
        got["text"],
        long_text.as_str(),
        "the SDK reassembled the fragments"
    );

    let card = state
        .card_action(
            APP_ID,
            CardAction {
                message_id: short.message_id.clone(),
                user: Person::new("ou_alice", "Alice"),
                action: json!({"value": {"pick": "a"}}),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        card.response.expect("the SDK answered the callback")["toast"]["content"],
        toast
    );

    for (id, fragmented) in [(&short.event_id, false), (&long.event_id, true)] {
        let d = state
            .wait_delivery(APP_ID, id, Duration::from_secs(5))
            .await
            .unwrap();
        assert_eq!(d.status, DeliveryStatus::Acked, "{d:?}");
        assert!(
            matches!(
                d.attempts[0].outcome,
                lark_sim::Outcome::Acked { code: 200, .. }
            ),
            "{d:?}"
        );
        assert_eq!(d.attempts[0].frames > 1, fragmented);
    }
    // Past the ACK timeout and the retry wait, still one attempt each: nothing was redelivered.
    tokio::time::sleep(Duration::from_millis(3800)).await;
    for d in state.deliveries(APP_ID).unwrap() {
        assert_eq!(d.attempts.len(), 1, "event {} was redelivered", d.event_id);
    }
}

/// The environment that makes a peer trust a TLS simulator's certificate: `requests` reads
/// `REQUESTS_CA_BUNDLE`, Python's `ssl` (the websocket) `SSL_CERT_FILE`, Node `NODE_EXTRA_CA_CERTS`.
fn trust_env(sim: &lark_sim::Sim) -> Vec<(&'static str, String)> {
    let pem = sim
        .certificate_path()
        .expect("a TLS simulator")
        .display()
        .to_string();
    ["REQUESTS_CA_BUNDLE", "SSL_CERT_FILE", "NODE_EXTRA_CA_CERTS"]
        .into_iter()
        .map(|k| (k, pem.clone()))
        .collect()
}

fn env_refs<'a>(env: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    env.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

async fn run_rest(sim: &lark_sim::Sim, script: impl FnOnce(&[&str]) -> Peer) {
    let state = sim.state();
    let chat = state
        .seed_chat(
            APP_ID,
            SeedChat {
                name: "SDK".into(),
                chat_mode: ChatMode::Group,
                members: vec![Person::new("ou_alice", "Alice")],
                ..Default::default()
            },
        )
        .unwrap();
    let user = state
        .user_sends(
            APP_ID,
            UserMessage::text(&chat, Person::new("ou_alice", "Alice"), "question"),
        )
        .unwrap();
    let mut peer = script(&[sim.base_url(), APP_ID, SECRET, &chat, &user.message_id]);
    let out = peer.json(20).await;
    assert!(out.get("failed").is_none(), "{out}");
    peer.success(10).await;

    assert_eq!(out["user_name"], "Alice", "the contact user by open id");
    let sent = out["sent"].as_str().unwrap();
    assert!(sent.starts_with("om_"));
    assert_eq!(out["again"], sent, "the same uuid returns the same message");
    assert!(out["thread_id"].as_str().unwrap().starts_with("omt_"));
    let listed: Vec<&str> = out["listed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        listed.contains(&sent) && listed.contains(&user.message_id.as_str()),
        "{listed:?}"
    );
    assert_eq!(out["thread_listed"], json!([user.message_id, out["reply"]]));
    assert!(out["image_key"].as_str().unwrap().starts_with("img_"));

    let messages = state.chat_messages(APP_ID, &chat).unwrap();
    let recalled = messages.iter().find(|m| m["message_id"] == sent).unwrap();
    assert_eq!(recalled["deleted"], true);
    assert_eq!(
        messages
            .iter()
            .filter(|m| m["sender"]["sender_type"] == "app")
            .count(),
        2,
        "one send (deduplicated) and one reply"
    );
    let calls = state.calls(APP_ID);
    assert!(
        calls
            .iter()
            .any(|c| c.path.ends_with("tenant_access_token/internal") && c.code == Some(0))
    );
    assert!(
        calls
            .iter()
            .any(|c| c.path == "/open-apis/contact/v3/users/ou_alice" && c.code == Some(0)),
        "{calls:?}"
    );
    assert!(calls.iter().all(|c| c.status == 200), "{calls:?}");
}

async fn run_webhook(sim: &lark_sim::Sim, mut peer: Peer, path: &str) {
    const HOOK: &str = "cli_d1b2c3d4e5f60711";
    let port = peer.json(15).await["port"]
        .as_u64()
        .expect("the peer prints its port");
    let url = format!("http://127.0.0.1:{port}{path}");
    sim.state().add_app(AppSpec::webhook(
        HOOK,
        "s",
        &url,
        Some("sdk-encrypt-key"),
        Some("sdk-verify-token"),
    ));
    sim.state()
        .verify_webhook(HOOK)
        .await
        .expect("the SDK answers the url_verification challenge");
    let sent = sim
        .state()
        .user_sends(
            HOOK,
            UserMessage::text("oc_hook", Person::new("ou_bob", "Bob"), "pushed"),
        )
        .unwrap();
    let got = next_kind(&mut peer, "message").await;
    assert_eq!(got["event_id"], sent.event_id.as_str());
    assert_eq!(got["text"], "pushed");
    let d = sim
        .state()
        .wait_delivery(HOOK, &sent.event_id, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(d.status, DeliveryStatus::Acked, "{d:?}");
}

#[tokio::test]
async fn python_ws_client() {
    let sim = sim_with(fidelity_config()).await;
    let peer = Peer::python("ws_client.py", &[sim.base_url(), APP_ID, SECRET]);
    run_ws(&sim, peer, "py-ok").await;
}

#[tokio::test]
async fn node_ws_client() {
    let sim = sim_with(fidelity_config()).await;
    let peer = Peer::node("ws_client.cjs", &[sim.base_url(), APP_ID, SECRET]);
    run_ws(&sim, peer, "node-ok").await;
}

#[tokio::test]
async fn python_rest_client() {
    let sim = sim().await;
    run_rest(&sim, |args| Peer::python("rest.py", args)).await;
}

#[tokio::test]
async fn node_rest_client() {
    let sim = sim().await;
    run_rest(&sim, |args| Peer::node("rest.cjs", args)).await;
}

#[tokio::test]
async fn python_ws_client_over_tls() {
    let sim = tls_sim_with(fidelity_config()).await;
    let env = trust_env(&sim);
    let peer = Peer::python_env(
        "ws_client.py",
        &[sim.base_url(), APP_ID, SECRET],
        &env_refs(&env),
    );
    run_ws(&sim, peer, "py-ok").await;
}

#[tokio::test]
async fn node_ws_client_over_tls() {
    let sim = tls_sim_with(fidelity_config()).await;
    let env = trust_env(&sim);
    let peer = Peer::node_env(
        "ws_client.cjs",
        &[sim.base_url(), APP_ID, SECRET],
        &env_refs(&env),
    );
    run_ws(&sim, peer, "node-ok").await;
}

#[tokio::test]
async fn python_rest_client_over_tls() {
    let sim = tls_sim_with(quick_config()).await;
    assert!(sim.base_url().starts_with("https://"));
    let env = trust_env(&sim);
    run_rest(&sim, |args| {
        Peer::python_env("rest.py", args, &env_refs(&env))
    })
    .await;
}

#[tokio::test]
async fn node_rest_client_over_tls() {
    let sim = tls_sim_with(quick_config()).await;
    let env = trust_env(&sim);
    run_rest(&sim, |args| {
        Peer::node_env("rest.cjs", args, &env_refs(&env))
    })
    .await;
}

#[tokio::test]
async fn python_webhook_dispatcher() {
    let sim = sim().await;
    let peer = Peer::python("webhook.py", &["sdk-encrypt-key", "sdk-verify-token"]);
    run_webhook(&sim, peer, "/webhook/event").await;
}

#[tokio::test]
async fn node_webhook_dispatcher() {
    let sim = sim().await;
    let peer = Peer::node("webhook.cjs", &["sdk-encrypt-key", "sdk-verify-token"]);
    run_webhook(&sim, peer, "/webhook/event").await;
}
