//! lark-sim side helpers: the sim with its app, configs pointing at it, chats, users' messages,
//! the bot's replies, and bounded waits.

use std::path::{Path, PathBuf};
use std::time::Duration;

use lark_sim::{
    AppSpec, ChatMode, Injected, Person, SeedChat, Sim, SimConfig, SimState, UserMessage,
};
use serde_json::Value;

use super::{APP, Gateway, SECRET, TestEnv, WAIT};

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// lark-sim with one websocket app ([`APP`], [`SECRET`]).
pub async fn sim() -> Sim {
    sim_with(SimConfig::default()).await
}

pub async fn sim_with(config: SimConfig) -> Sim {
    lark::install_crypto_provider();
    let sim = Sim::start("127.0.0.1:0", config)
        .await
        .expect("start lark-sim");
    let mut spec = AppSpec::websocket(APP, SECRET);
    spec.bot_name = Some("E2E Bot".into());
    sim.state().add_app(spec);
    sim
}

/// A config with the app's credentials, the sim as domain, `lark_extra` inside `channels.lark`
/// and `top_extra` at the top level; `gateway.port` is a free port unless `top_extra` sets one.
pub fn config(sim_url: &str, lark_extra: &str, top_extra: &str) -> String {
    let gateway = if top_extra.contains("gateway") {
        String::new()
    } else {
        format!("gateway: {{ port: {} }},", free_port())
    };
    // The default agent is an LLM; these tests talk to the echo agent unless they say otherwise.
    let gateway = if top_extra.contains("agent") {
        gateway
    } else {
        format!("{gateway} agent: {{ provider: \"echo\" }},")
    };
    format!(
        "{{\n  channels: {{ lark: {{ appId: \"{APP}\", appSecret: \"{SECRET}\", domain: \"{sim_url}\", {lark_extra} }} }},\n  {gateway} {top_extra}\n}}\n"
    )
}

/// Seeds a DM (p2p chat) between `user` and the bot of `app`.
pub fn seed_dm(state: &SimState, app: &str, chat_id: &str, user: &str) {
    seed(state, app, chat_id, ChatMode::P2p, &[user]);
}

pub fn seed(state: &SimState, app: &str, chat_id: &str, mode: ChatMode, users: &[&str]) {
    state
        .seed_chat(
            app,
            SeedChat {
                chat_id: Some(chat_id.into()),
                name: chat_id.into(),
                chat_mode: mode,
                members: users.iter().map(|u| Person::new(u, u)).collect(),
                description: String::new(),
                owner: None,
            },
        )
        .expect("seed chat");
}

/// `user` writes `text` in `chat_id`.
pub fn say(state: &SimState, app: &str, chat_id: &str, user: &str, text: &str) -> Injected {
    state
        .user_sends(
            app,
            UserMessage::text(chat_id, Person::new(user, user), text),
        )
        .expect("user sends")
}

/// Every message the bot posted in the chat.
pub fn bot_messages(state: &SimState, app: &str, chat_id: &str) -> Vec<Value> {
    state
        .chat_messages(app, chat_id)
        .expect("chat messages")
        .into_iter()
        // This app's own: another app's messages in a shared group show as `app` too.
        .filter(|m| m["sender"]["sender_type"] == "app" && m["sender"]["id"] == app)
        .collect()
}

/// The bot's replies to one message.
pub fn replies_to(state: &SimState, app: &str, chat_id: &str, message_id: &str) -> Vec<Value> {
    bot_messages(state, app, chat_id)
        .into_iter()
        .filter(|m| m["parent_id"] == message_id)
        .collect()
}

/// Waits (bounded) until `message_id` has at least `n` replies; panics with the chat otherwise.
pub async fn wait_replies(
    state: &SimState,
    app: &str,
    chat_id: &str,
    message_id: &str,
    n: usize,
) -> Vec<Value> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let r = replies_to(state, app, chat_id, message_id);
        if r.len() >= n {
            return r;
        }
        if tokio::time::Instant::now() > deadline {
            panic!(
                "{message_id} got {} replies, wanted {n}; the chat:\n{:#?}",
                r.len(),
                state.chat_messages(app, chat_id)
            );
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// Waits (bounded) for a condition, polling.
pub async fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while !done() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// Every string inside a message's content, joined: its readable text whatever the type.
pub fn text_of(m: &Value) -> String {
    fn walk(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::String(s) => out.push(s.clone()),
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            Value::Object(o) => o.values().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(&m["content"], &mut out);
    out.join(" ")
}

/// GET a URL: (status, body).
pub async fn get(url: &str) -> (u16, String) {
    let r = http()
        .get(url)
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    (r.status().as_u16(), r.text().await.unwrap())
}

pub fn http() -> reqwest::Client {
    lark::install_crypto_provider();
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// Waits (bounded) until the gateway's /metrics contains `needle`.
pub async fn wait_metric(addr: &str, needle: &str) {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let (_, body) = get(&format!("http://{addr}/metrics")).await;
        if body.contains(needle) {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "/metrics never showed {needle:?}:\n{body}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Starts `gateway run --port 0 [extra]` and waits until the sim sees its long connection.
pub async fn run_ws_gateway(env: &TestEnv, sim: &Sim, extra: &[&str]) -> (Gateway, String) {
    let mut args = vec!["gateway", "run", "--port", "0"];
    args.extend_from_slice(extra);
    let mut gw = env.spawn(&args);
    let addr = gw.addr().await;
    gw.wait_stderr("ws client ready").await;
    assert!(
        sim.state().wait_connections(APP, 1, WAIT).await,
        "the gateway never connected:\n{}",
        gw.stderr()
    );
    (gw, addr)
}

/// A file path inside the env's tempdir.
pub fn path_in(env: &TestEnv, name: &str) -> PathBuf {
    env.dir.path().join(name)
}

pub fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// OpenClaw's own shape: `channels.feishu` with `domain` pointing at the sim.
pub fn feishu_file(sim_url: &str, feishu_extra: &str, top_extra: &str) -> String {
    format!(
        r#"{{
  // OpenClaw 2026.9 wrote this file
  meta: {{ lastTouchedVersion: "2026.9.5", lastTouchedAt: "2026-11-30T10:00:00.000Z" }},
  plugins: {{ entries: {{ feishu: {{ enabled: true }} }} }},
  gateway: {{ port: {port} }},
  agent: {{ provider: "echo" }},
  channels: {{
    feishu: {{
      domain: "{sim_url}",
      dmPolicy: "open",
      allowFrom: ["*"],
      {feishu_extra}
    }},
  }},
  {top_extra}
}}
"#,
        port = free_port()
    )
}

pub async fn dm_answered(sim: &lark_sim::Sim, app: &str, chat: &str, text: &str) -> String {
    dm_from(sim, app, chat, "ou_openclaw_user", text).await
}

/// `user` DMs the bot `text` in a new chat; the bot's first reply's text.
pub async fn dm_from(sim: &lark_sim::Sim, app: &str, chat: &str, user: &str, text: &str) -> String {
    let state = sim.state();
    seed_dm(state, app, chat, user);
    let m = say(state, app, chat, user, text);
    let replies = wait_replies(state, app, chat, &m.message_id, 1).await;
    text_of(&replies[0])
}
