//! How long a message sent right after a dropped socket waits for its answer, with one long
//! connection and with two, against lark-sim with the platform's own timings (reconnect nonce
//! 30 s, redelivery after 15 s). Prints figures; asserts nothing.
//!
//! `cargo run --release -p openclaw-gateway --example standby_gap [rounds]`

use std::time::{Duration, Instant};

use lark_sim::{AppSpec, ChatMode, Person, SeedChat, Sim, SimConfig, UserMessage};
use openclaw_config::Format;

const APP: &str = "cli_a1b2c3d4e5f60718";

async fn one_round(connections: u32) -> Duration {
    let sim = Sim::start("127.0.0.1:0", SimConfig::default())
        .await
        .unwrap();
    sim.state().add_app(AppSpec::websocket(APP, "secret"));
    sim.state()
        .seed_chat(
            APP,
            SeedChat {
                chat_id: Some("oc_g".into()),
                name: "g".into(),
                chat_mode: ChatMode::Group,
                members: vec![Person::new("ou_ada", "Ada")],
                ..Default::default()
            },
        )
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        r#"{{ channels: {{ lark: {{ appId: "{APP}", appSecret: "secret", domain: "{}",
             groupPolicy: "open", requireMention: false, typingIndicator: false,
             connections: {connections} }} }} }}"#,
        sim.base_url()
    );
    let config = openclaw_config::parse(&text, Format::Json5, &|_| None, dir.path()).unwrap();
    let gw = openclaw_gateway::start(
        &config,
        openclaw_gateway::Options {
            state_dir: dir.path().to_owned(),
            bind: "127.0.0.1:0".parse().unwrap(),
            verbose: false,
        },
    )
    .await
    .unwrap();
    sim.state()
        .wait_connections(APP, connections as usize, Duration::from_secs(10))
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    sim.state().drop_connection(APP, None).unwrap();
    let sent = Instant::now();
    let m = sim
        .state()
        .user_sends(
            APP,
            UserMessage {
                chat_id: Some("oc_g".into()),
                sender: Person::new("ou_ada", "Ada"),
                text: Some("right after the drop".into()),
                ..Default::default()
            },
        )
        .unwrap();
    let waited = loop {
        let answered = sim
            .state()
            .chat_messages(APP, "oc_g")
            .unwrap()
            .iter()
            .any(|x| x["parent_id"] == m.message_id.as_str());
        if answered {
            break sent.elapsed();
        }
        if sent.elapsed() > Duration::from_secs(120) {
            break sent.elapsed();
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    gw.shutdown().await;
    waited
}

#[tokio::main]
async fn main() {
    lark::install_crypto_provider();
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    println!("answer time for a message sent right after a socket drop ({rounds} rounds each)");
    for connections in [1, 2] {
        let mut times = Vec::new();
        for _ in 0..rounds {
            times.push(one_round(connections).await);
        }
        times.sort();
        let ms: Vec<String> = times.iter().map(|t| format!("{}", t.as_millis())).collect();
        println!(
            "connections {connections}: median {} ms, max {} ms  (all: {} ms)",
            times[times.len() / 2].as_millis(),
            times.last().unwrap().as_millis(),
            ms.join(", ")
        );
    }
}
