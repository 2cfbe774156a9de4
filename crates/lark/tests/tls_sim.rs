//! The client against lark-sim serving HTTPS and WSS with its own certificate: trusted through
//! `ClientBuilder::root_certificates_pem` (REST and the long connection) or through a reqwest
//! client given to `http_client`; refused without either.

use std::time::Duration;

use lark::Client;
use lark::api::contact::UserIdType;
use lark::ws::{ConnState, LongConnection, WsOptions};
use lark_sim::control::{Person, SeedChat, UserMessage};
use lark_sim::{AppSpec, Sim, SimConfig, Tls};

const APP: &str = "cli_a1b2c3d4e5f60718";
const SECRET: &str = "s3cret";

async fn tls_sim() -> Sim {
    lark::install_crypto_provider();
    let config = SimConfig {
        ping_interval_secs: 1,
        ..Default::default()
    };
    let sim = Sim::start_tls("127.0.0.1:0", config, Tls::SelfSigned)
        .await
        .expect("sim starts");
    sim.state().add_app(AppSpec::websocket(APP, SECRET));
    sim
}

#[tokio::test]
async fn rest_and_long_connection_trust_the_sims_certificate() {
    let sim = tls_sim().await;
    assert!(sim.base_url().starts_with("https://"));
    let pem = std::fs::read(sim.certificate_path().unwrap()).unwrap();
    assert_eq!(pem, sim.certificate_pem().unwrap().as_bytes());
    let alice = Person::new("ou_alice", "Alice");
    let chat = sim
        .state()
        .seed_chat(
            APP,
            SeedChat {
                name: "tls".into(),
                members: vec![alice.clone()],
                ..Default::default()
            },
        )
        .unwrap();
    let client = Client::builder(APP, SECRET)
        .base_url(sim.base_url())
        .root_certificates_pem(pem)
        .build()
        .unwrap();
    let user = client
        .get_user("ou_alice", UserIdType::OpenId)
        .await
        .unwrap();
    assert_eq!(user.display_name(), Some("Alice"));

    let (conn, mut events) = LongConnection::start(client, WsOptions::default());
    assert!(
        sim.state()
            .wait_connections(APP, 1, Duration::from_secs(10))
            .await,
        "the client connects over wss: {:?}",
        conn.status()
    );
    let sent = sim
        .state()
        .user_sends(APP, UserMessage::text(&chat, alice, "over tls"))
        .unwrap();
    let event = tokio::time::timeout(Duration::from_secs(10), events.recv())
        .await
        .expect("an event in time")
        .expect("the channel is open");
    assert!(
        String::from_utf8_lossy(&event.payload).contains(&sent.message_id),
        "the event is the message"
    );
    event.ack();
    assert_eq!(conn.status().state, ConnState::Connected);
}

#[tokio::test]
async fn a_reqwest_client_with_the_root_works_and_none_is_refused() {
    let sim = tls_sim().await;
    let cert = reqwest::Certificate::from_pem(sim.certificate_pem().unwrap().as_bytes()).unwrap();
    let http = reqwest::Client::builder()
        .tls_certs_merge([cert])
        .build()
        .unwrap();
    let client = Client::builder(APP, SECRET)
        .base_url(sim.base_url())
        .http_client(http)
        .build()
        .unwrap();
    client
        .bot_info()
        .await
        .expect("trusted through the given reqwest client");

    let untrusting = Client::builder(APP, SECRET)
        .base_url(sim.base_url())
        .build()
        .unwrap();
    let err = untrusting.bot_info().await.unwrap_err();
    assert!(
        err.api().is_none(),
        "a TLS failure, not a platform answer: {err}"
    );

    let bad = Client::builder(APP, SECRET)
        .root_certificates_pem(b"not a pem".to_vec())
        .build()
        .unwrap_err();
    assert!(bad.to_string().contains("root certificate"), "{bad}");
}
