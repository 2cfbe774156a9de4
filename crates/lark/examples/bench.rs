//! Throughput of the client against lark-sim, printed as figures:
//! - events per second ingested over the long connection (injected by the sim as user messages,
//!   handed over and acknowledged by the client);
//! - sends per second over REST (`im/v1/messages`, many chats, a bounded number in flight).
//!
//! Run: `cargo run --release -p lark --example bench [events] [sends] [in_flight]`

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use lark::Client;
use lark::model::ReceiveId;
use lark::model::content::Content;
use lark::ratelimit::RateLimits;
use lark::ws::{ConnState, LongConnection, WsOptions};
use lark_sim::control::{Person, SeedChat, UserMessage};
use lark_sim::{AppSpec, Sim, SimConfig};

const APP: &str = "cli_a1b2c3d4e5f60718";

fn arg(n: usize, default: usize) -> usize {
    std::env::args()
        .nth(n)
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() {
    lark::install_crypto_provider();
    let events = arg(1, 20_000);
    let sends = arg(2, 5_000);
    let in_flight = arg(3, 32);

    let cfg = SimConfig {
        ping_interval_secs: 5,
        ..Default::default()
    };
    let sim = Sim::start("127.0.0.1:0", cfg)
        .await
        .expect("start lark-sim");
    sim.state().add_app(AppSpec::websocket(APP, "secret"));
    let alice = Person::new("ou_bench000000000000000000000001", "Bench");
    let chats: Vec<String> = (0..64)
        .map(|i| {
            sim.state()
                .seed_chat(
                    APP,
                    SeedChat {
                        name: format!("chat {i}"),
                        members: vec![alice.clone()],
                        ..Default::default()
                    },
                )
                .expect("seed chat")
        })
        .collect();

    let client = Client::builder(APP, "secret")
        .base_url(sim.base_url())
        // The platform's 5/s per chat would make this a test of the limiter, not of the client.
        .rate_limits(RateLimits {
            app_per_second: 1_000_000,
            chat_per_second: 1_000_000,
        })
        .build()
        .expect("client");

    // Long connection ingest.
    let (conn, mut rx) = LongConnection::start(
        client.clone(),
        WsOptions {
            event_buffer: 1024,
            ..Default::default()
        },
    );
    conn.wait_until(Duration::from_secs(10), |s| s.state == ConnState::Connected)
        .await
        .expect("connected");
    let state = sim.state().clone();
    let chat0 = chats[0].clone();
    let started = Instant::now();
    let injector = tokio::spawn(async move {
        for i in 0..events {
            state
                .user_sends(
                    APP,
                    UserMessage::text(&chat0, alice.clone(), &format!("event {i}")),
                )
                .expect("inject");
            if i % 256 == 0 {
                tokio::task::yield_now().await;
            }
        }
        started.elapsed()
    });
    let mut got = 0;
    while got < events {
        match tokio::time::timeout(Duration::from_secs(30), rx.recv()).await {
            Ok(Some(ev)) => {
                ev.ack();
                got += 1;
            }
            _ => break,
        }
    }
    let ws_elapsed = started.elapsed();
    let injected_in = injector.await.expect("injector");
    println!(
        "long connection: {got}/{events} events handed over and ACKed in {:.2} s = {:.0} events/s (the simulator took {:.2} s to inject them)",
        ws_elapsed.as_secs_f64(),
        got as f64 / ws_elapsed.as_secs_f64(),
        injected_in.as_secs_f64()
    );
    let recs = sim.state().deliveries(APP).expect("deliveries");
    let redelivered = recs.iter().filter(|r| r.attempts.len() > 1).count();
    println!(
        "  deliveries needing more than one attempt: {redelivered}; status {:?}",
        conn.status()
    );
    conn.stop().await;

    // REST sends.
    client.tenant_access_token().await.expect("token");
    let chats = Arc::new(chats);
    let started = Instant::now();
    let ok = futures::stream::iter(0..sends)
        .map(|i| {
            let client = client.clone();
            let chats = chats.clone();
            async move {
                let to = ReceiveId::infer(&chats[i % chats.len()]);
                client
                    .send_message(&to, &Content::text(format!("send {i}")), None)
                    .await
                    .is_ok()
            }
        })
        .buffer_unordered(in_flight)
        .filter(|ok| futures::future::ready(*ok))
        .count()
        .await;
    let rest_elapsed = started.elapsed();
    println!(
        "rest: {ok}/{sends} sends in {:.2} s = {:.0} sends/s ({in_flight} in flight)",
        rest_elapsed.as_secs_f64(),
        ok as f64 / rest_elapsed.as_secs_f64()
    );
    let stats = client.stats();
    println!("client stats: {stats:?}");
}
