//! The HTTP layer against lark-sim under trouble: tokens that expire mid-run, many callers at
//! once, rate-limit storms, server errors, and secrets that must never show.

use std::time::Duration;

use lark::model::ReceiveId;
use lark::model::content::Content;
use lark::{Client, Error, RetryPolicy};
use lark_sim::control::{Person, SeedChat};
use lark_sim::{AppSpec, Sim, SimConfig};

const APP: &str = "cli_c1b2c3d4e5f60718";
const SECRET: &str = "resilience-secret-value";
const TOKEN_PATH: &str = "/open-apis/auth/v3/tenant_access_token/internal";

async fn sim(config: SimConfig) -> (Sim, String) {
    let sim = Sim::start("127.0.0.1:0", config).await.unwrap();
    sim.state().add_app(AppSpec::websocket(APP, SECRET));
    let chat = sim
        .state()
        .seed_chat(
            APP,
            SeedChat {
                name: "ops".into(),
                members: vec![Person::new("ou_ops00000000000000000000000001", "Ops")],
                ..Default::default()
            },
        )
        .unwrap();
    (sim, chat)
}

fn client(sim: &Sim) -> Client {
    Client::builder(APP, SECRET)
        .base_url(sim.base_url())
        .build()
        .unwrap()
}

fn token_requests(sim: &Sim) -> usize {
    sim.state()
        .calls(APP)
        .iter()
        .filter(|c| c.path == TOKEN_PATH)
        .count()
}

fn codes_of(sim: &Sim, path_part: &str) -> Vec<Option<i64>> {
    sim.state()
        .calls(APP)
        .iter()
        .filter(|c| c.path.contains(path_part))
        .map(|c| c.code)
        .collect()
}

#[tokio::test]
async fn a_token_revoked_mid_run_is_refreshed_once_and_the_call_retried() {
    let (sim, _) = sim(SimConfig::default()).await;
    let client = client(&sim);
    client.bot_info().await.unwrap();
    sim.state().expire_tokens();
    let bot = client.bot_info().await.expect("refreshed and retried");
    assert!(bot.open_id.as_str().starts_with("ou_"));
    assert_eq!(token_requests(&sim), 2);
    assert_eq!(
        codes_of(&sim, "/bot/v3/info"),
        vec![Some(0), Some(99991663), Some(0)]
    );
    assert_eq!(client.stats().token_refreshes, 1);
}

#[tokio::test]
async fn a_short_lived_token_is_replaced_before_it_expires() {
    let config = SimConfig {
        token_ttl: Duration::from_secs(2),
        ..Default::default()
    };
    let (sim, _) = sim(config).await;
    let client = client(&sim);
    client.bot_info().await.unwrap();
    tokio::time::sleep(Duration::from_millis(2100)).await;
    client.bot_info().await.unwrap();
    assert_eq!(
        token_requests(&sim),
        2,
        "a new token was fetched ahead of expiry"
    );
    assert!(
        !codes_of(&sim, "/bot/v3/info").contains(&Some(99991663)),
        "no call was made with an expired token"
    );
}

#[tokio::test]
async fn many_callers_share_one_token_refresh() {
    let (sim, _) = sim(SimConfig::default()).await;
    let client = client(&sim);
    let calls = (0..20).map(|_| {
        let c = client.clone();
        tokio::spawn(async move { c.bot_info().await })
    });
    for call in futures::future::join_all(calls).await {
        call.unwrap().unwrap();
    }
    assert_eq!(token_requests(&sim), 1);
}

#[tokio::test]
async fn a_rate_limit_storm_is_waited_out_and_the_send_lands_once() {
    let (sim, chat) = sim(SimConfig::default()).await;
    let client = client(&sim);
    sim.state()
        .fail_next("/open-apis/im/v1/messages", 2, 429, 99991400);
    let sent = client
        .send_message(
            &ReceiveId::infer(&chat),
            &Content::text("after the storm"),
            Some("storm-1"),
        )
        .await
        .expect("retried after the reset time");
    let stats = client.stats();
    assert_eq!(stats.rate_limited, 2);
    assert_eq!(
        codes_of(&sim, "/im/v1/messages"),
        vec![Some(99991400), Some(99991400), Some(0)]
    );
    let texts: Vec<_> = sim
        .state()
        .chat_messages(APP, &chat)
        .unwrap()
        .into_iter()
        .filter(|m| m["message_id"] == sent.message_id.as_str())
        .collect();
    assert_eq!(texts.len(), 1);
}

#[tokio::test]
async fn a_storm_longer_than_the_budget_is_a_typed_error_with_the_wait() {
    let (sim, chat) = sim(SimConfig::default()).await;
    let client = Client::builder(APP, SECRET)
        .base_url(sim.base_url())
        .retry(RetryPolicy {
            max_attempts: 2,
            ..Default::default()
        })
        .build()
        .unwrap();
    sim.state()
        .fail_next("/open-apis/im/v1/messages", 10, 429, 99991400);
    let err = client
        .send_message(
            &ReceiveId::infer(&chat),
            &Content::text("x"),
            Some("storm-2"),
        )
        .await
        .unwrap_err();
    match err {
        Error::RateLimited {
            code, retry_after, ..
        } => {
            assert_eq!(code, 99991400);
            assert_eq!(retry_after, Duration::from_secs(1));
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
    assert_eq!(
        codes_of(&sim, "/im/v1/messages").len(),
        2,
        "bounded attempts"
    );
}

#[tokio::test]
async fn server_errors_are_retried_but_client_errors_are_not() {
    let (sim, chat) = sim(SimConfig::default()).await;
    let client = client(&sim);
    let to = ReceiveId::infer(&chat);
    sim.state()
        .fail_next("/open-apis/im/v1/messages", 1, 503, 1);
    client
        .send_message(&to, &Content::text("a"), Some("u-a"))
        .await
        .expect("retried after a 503");
    sim.state()
        .fail_next("/open-apis/im/v1/messages", 1, 400, 230001);
    let err = client
        .send_message(&to, &Content::text("b"), Some("u-b"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(230001));
    assert!(
        err.to_string().contains("invalid request parameter"),
        "{err}"
    );
    assert_eq!(
        codes_of(&sim, "/im/v1/messages"),
        vec![Some(1), Some(0), Some(230001)],
        "the 400 was not retried"
    );
}

#[tokio::test]
async fn wrong_credentials_say_so_and_never_print_the_secret() {
    let (sim, _) = sim(SimConfig::default()).await;
    let client = Client::builder(APP, "definitely-wrong-secret")
        .base_url(sim.base_url())
        .build()
        .unwrap();
    let err = client.bot_info().await.unwrap_err();
    let shown = format!("{err} {err:?} {client:?}");
    assert!(shown.contains("invalid App ID or App Secret"), "{shown}");
    assert!(!shown.contains("definitely-wrong-secret"), "{shown}");
    let token = client_token_debug(&sim).await;
    assert!(!token.contains("t-"), "{token}");
}

/// The Debug text of a real tenant token.
async fn client_token_debug(sim: &Sim) -> String {
    let token = client(sim).tenant_access_token().await.unwrap();
    assert!(token.expose().starts_with("t-"));
    format!("{token:?} {token}")
}
