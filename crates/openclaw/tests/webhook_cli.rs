//! Webhook mode of `openclaw gateway run`: the spec's "Testing Webhook Locally" (`GET` → `OK`,
//! the plaintext challenge echoed exactly), an encrypted challenge answered, bad signatures (401),
//! garbage (400) and oversized bodies (413) refused without harm, `/healthz`, `/status`,
//! `/metrics`; real deliveries from lark-sim (encrypted, signed, with a token) answered; and two
//! accounts at once (websocket default + a webhook account on its own path) both answering.

mod common;

use std::time::SystemTime;

use common::*;
use lark::webhook::crypto;
use lark_sim::{AppSpec, Sim, SimConfig};
use serde_json::{Value, json};

const ENCRYPT_KEY: &str = "e2e-encrypt-key-71c3";
const TOKEN: &str = "e2e-verification-token-2b9a";

async fn bare_sim() -> Sim {
    lark::install_crypto_provider();
    Sim::start("127.0.0.1:0", SimConfig::default())
        .await
        .unwrap()
}

async fn post(
    url: &str,
    body: impl Into<reqwest::Body>,
    headers: &[(&str, &str)],
) -> (u16, String) {
    let mut r = http()
        .post(url)
        .header("content-type", "application/json")
        .body(body);
    for (k, v) in headers {
        r = r.header(*k, *v);
    }
    let r = r.send().await.unwrap_or_else(|e| panic!("POST {url}: {e}"));
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn testing_webhook_locally_as_the_spec_shows() {
    let env = TestEnv::new();
    // No tenant is needed to answer these: the domain is a closed port.
    env.write_config(&config("http://127.0.0.1:9", "mode: \"webhook\"", ""));
    let mut gw = env.spawn(&["gateway", "run", "--port", "0"]);
    let addr = gw.addr().await;
    let stderr = gw.wait_stderr("in webhook mode").await;
    assert!(
        stderr.contains(&format!(
            "[lark] [default] starting Lark provider ({APP}) in webhook mode"
        )),
        "{stderr}"
    );
    let hook = format!("http://{addr}/lark/webhook");
    assert_eq!(get(&hook).await, (200, "OK".to_owned()));
    let (status, body) = post(
        &hook,
        r#"{"type": "url_verification", "challenge": "test"}"#,
        &[],
    )
    .await;
    assert_eq!((status, body.as_str()), (200, r#"{"challenge":"test"}"#));

    assert_eq!(get(&format!("http://{addr}/healthz")).await.0, 200);
    let (status, body) = get(&format!("http://{addr}/status")).await;
    assert_eq!(status, 200);
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["accounts"][0]["mode"], "webhook", "{v:#}");
    assert_eq!(v["accounts"][0]["webhookPath"], "/lark/webhook", "{v:#}");
    let (status, metrics) = get(&format!("http://{addr}/metrics")).await;
    assert_eq!(status, 200);
    assert!(
        metrics.contains("openclaw_events_received_total"),
        "{metrics}"
    );
    gw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_an_encrypt_key_bad_requests_are_refused_and_nothing_crashes() {
    let env = TestEnv::new();
    let lark = format!("mode: \"webhook\", encryptKey: \"{ENCRYPT_KEY}\"");
    env.write_config(&config("http://127.0.0.1:9", &lark, ""));
    let mut gw = env.spawn(&["gateway", "run", "--port", "0"]);
    let addr = gw.addr().await;
    let hook = format!("http://{addr}/lark/webhook");

    // The platform's encrypted challenge is answered in plaintext.
    let plain = json!({"type": "url_verification", "challenge": "enc-test"}).to_string();
    let body = json!({ "encrypt": crypto::encrypt(ENCRYPT_KEY, plain.as_bytes()) }).to_string();
    assert_eq!(
        post(&hook, body, &[]).await,
        (200, r#"{"challenge":"enc-test"}"#.to_owned())
    );

    // An event with a signature that does not match.
    let event = json!({"schema": "2.0", "header": {"event_id": "ev_forged", "event_type": "im.message.receive_v1",
        "app_id": APP, "create_time": "1700000000000", "token": ""}, "event": {}});
    let body = json!({ "encrypt": crypto::encrypt(ENCRYPT_KEY, event.to_string().as_bytes()) })
        .to_string();
    let ts = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    let forged = "0".repeat(64);
    let (status, answer) = post(
        &hook,
        body,
        &[
            ("X-Lark-Request-Timestamp", &ts),
            ("X-Lark-Request-Nonce", "n0nce"),
            ("X-Lark-Signature", &forged),
        ],
    )
    .await;
    assert_eq!(status, 401, "{answer}");
    assert!(
        serde_json::from_str::<Value>(&answer).unwrap()["msg"].is_string(),
        "{answer}"
    );

    // Garbage.
    let (status, answer) = post(&hook, "this is {not json", &[]).await;
    assert_eq!(status, 400, "{answer}");
    serde_json::from_str::<Value>(&answer).unwrap_or_else(|e| panic!("{e}: {answer}"));

    // Over 1 MiB.
    let big = format!("{{\"pad\":\"{}\"}}", "x".repeat(1024 * 1024 + 16));
    let (status, answer) = post(&hook, big, &[]).await;
    assert_eq!(status, 413, "{answer}");

    // Still alive and well.
    assert!(
        gw.child.try_wait().unwrap().is_none(),
        "the gateway died:\n{}",
        gw.stderr()
    );
    assert_eq!(get(&format!("http://{addr}/healthz")).await.0, 200);
    assert_eq!(get(&hook).await, (200, "OK".to_owned()));
    gw.stop().await;
}

/// A gateway on an encrypted, token-checked webhook with `dmPolicy: open`, and lark-sim's app
/// pushing to it, its URL verified; with the gateway's address.
async fn webhook_gateway(sim: &Sim, env: &TestEnv) -> (Gateway, String) {
    let lark = format!(
        "mode: \"webhook\", encryptKey: \"{ENCRYPT_KEY}\", verificationToken: \"{TOKEN}\", dmPolicy: \"open\""
    );
    env.write_config(&config(sim.base_url(), &lark, ""));
    let mut gw = env.spawn(&["gateway", "run", "--port", "0"]);
    let addr = gw.addr().await;
    sim.state().add_app(AppSpec::webhook(
        APP,
        SECRET,
        &format!("http://{addr}/lark/webhook"),
        Some(ENCRYPT_KEY),
        Some(TOKEN),
    ));
    sim.state()
        .verify_webhook(APP)
        .await
        .expect("the platform's URL verification");
    (gw, addr)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lark_sim_webhook_deliveries_are_answered() {
    let sim = bare_sim().await;
    let env = TestEnv::new();
    let (mut gw, addr) = webhook_gateway(&sim, &env).await;
    let state = sim.state();

    seed_dm(state, APP, "oc_dm_webhook", "ou_wh_user");
    let m = say(
        state,
        APP,
        "oc_dm_webhook",
        "ou_wh_user",
        "over the webhook",
    );
    let replies = wait_replies(state, APP, "oc_dm_webhook", &m.message_id, 1).await;
    assert!(
        text_of(&replies[0]).contains("over the webhook"),
        "{replies:#?}"
    );
    wait_metric(
        &addr,
        "openclaw_events_received_total{account=\"default\"} 1",
    )
    .await;
    gw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_websocket_and_a_webhook_account_answer_at_once() {
    const APP_B: &str = "cli_e2ehooks0000b";
    const SECRET_B: &str = "e2e-hooks-secret-b";
    let sim = sim().await; // APP over the long connection
    let env = TestEnv::new();
    let lark = format!(
        "dmPolicy: \"open\", accounts: {{ hooks: {{ appId: \"{APP_B}\", appSecret: \"{SECRET_B}\", mode: \"webhook\", encryptKey: \"{ENCRYPT_KEY}\" }} }}"
    );
    env.write_config(&config(sim.base_url(), &lark, ""));
    let (mut gw, addr) = run_ws_gateway(&env, &sim, &[]).await;
    let stderr = gw.wait_stderr("[hooks] webhook listening").await;
    assert!(
        stderr.contains(&format!(
            "[hooks] webhook listening at http://{addr}/lark/webhook/hooks"
        )),
        "{stderr}"
    );
    let state = sim.state();
    state.add_app(AppSpec::webhook(
        APP_B,
        SECRET_B,
        &format!("http://{addr}/lark/webhook/hooks"),
        Some(ENCRYPT_KEY),
        None,
    ));
    state
        .verify_webhook(APP_B)
        .await
        .expect("URL verification of /lark/webhook/hooks");

    seed_dm(state, APP, "oc_dm_a", "ou_user_a");
    seed_dm(state, APP_B, "oc_dm_b", "ou_user_b");
    let a = say(state, APP, "oc_dm_a", "ou_user_a", "to the websocket bot");
    let b = say(state, APP_B, "oc_dm_b", "ou_user_b", "to the webhook bot");
    let ra = wait_replies(state, APP, "oc_dm_a", &a.message_id, 1).await;
    let rb = wait_replies(state, APP_B, "oc_dm_b", &b.message_id, 1).await;
    assert!(text_of(&ra[0]).contains("to the websocket bot"), "{ra:#?}");
    assert!(text_of(&rb[0]).contains("to the webhook bot"), "{rb:#?}");

    let (_, body) = get(&format!("http://{addr}/status")).await;
    let v: Value = serde_json::from_str(&body).unwrap();
    let modes: Vec<(&str, &str)> = v["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["id"].as_str().unwrap(), a["mode"].as_str().unwrap()))
        .collect();
    assert_eq!(
        modes,
        [("default", "websocket"), ("hooks", "webhook")],
        "{v:#}"
    );
    gw.stop().await;
}

/// The replies of a document's comment thread, as `(user_id, text)`, polled until there are `n`.
async fn wait_thread(
    state: &lark_sim::SimState,
    doc: &str,
    comment_id: &str,
    n: usize,
) -> Vec<(String, String)> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let replies: Vec<(String, String)> = state
            .file_comments(APP, doc)
            .unwrap()
            .iter()
            .filter(|t| t["comment_id"] == comment_id)
            .flat_map(|t| t["replies"].as_array().cloned().unwrap_or_default())
            .map(|r| {
                (
                    r["user_id"].as_str().unwrap_or_default().to_owned(),
                    r["text"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        if replies.len() >= n || tokio::time::Instant::now() > deadline {
            return replies;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_comment_mentioning_the_bot_over_the_webhook_is_answered_once_in_its_thread() {
    let sim = bare_sim().await;
    let env = TestEnv::new();
    let (mut gw, _) = webhook_gateway(&sim, &env).await;
    let state = sim.state();
    let client = lark::Client::builder(APP, SECRET)
        .base_url(sim.base_url())
        .build()
        .unwrap();
    let doc = client
        .create_document(Some("Plan"), None)
        .await
        .unwrap()
        .document_id;
    let comment = |text: &str, thread: Option<&str>| {
        state
            .user_comments(
                APP,
                serde_json::from_value(json!({
                    "file_token": doc, "file_type": "docx", "user": {"open_id": "ou_ada", "name": "Ada"},
                    "text": text, "mention_bot": true, "comment_id": thread
                }))
                .unwrap(),
            )
            .unwrap()
    };
    let bot = state.app(APP).unwrap().bot_open_id.clone();
    let first = comment("please summarize", None);
    let replies = wait_thread(state, &doc, &first.comment_id, 2).await;
    assert_eq!(
        replies.get(1),
        Some(&(bot.clone(), "please summarize".to_owned())),
        "{replies:?}"
    );
    // The same event pushed again: acknowledged, not answered again.
    let body = state
        .deliveries(APP)
        .unwrap()
        .into_iter()
        .find(|d| Some(&d.event_id) == first.event_id.as_ref())
        .map(|d| d.body)
        .unwrap();
    let again = state.inject_raw(APP, body).unwrap();
    let d = state.wait_delivery(APP, &again, WAIT).await.unwrap();
    assert_eq!(d.status, lark_sim::DeliveryStatus::Acked, "{d:?}");
    comment("thanks", Some(&first.comment_id));
    let replies = wait_thread(state, &doc, &first.comment_id, 4).await;
    let texts: Vec<&str> = replies.iter().map(|r| r.1.as_str()).collect();
    assert_eq!(texts.len(), 4, "{replies:?}");
    assert_eq!(
        texts[..3],
        [
            &format!("@{bot} please summarize") as &str,
            "please summarize",
            &format!("@{bot} thanks")
        ],
        "{replies:?}"
    );
    // The echo agent echoes the turn: the thread so far, then the comment.
    assert_eq!(
        texts[3],
        "Earlier in this thread:\nou_ada: please summarize\nyou: please summarize\nThe comment:\nthanks"
    );
    gw.stop().await;
}
