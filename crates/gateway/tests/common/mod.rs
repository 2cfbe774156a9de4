//! A gateway running in-process against an in-process lark-sim.
#![allow(dead_code)]

pub mod llm;

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use lark_sim::{AppSpec, ChatMode, Injected, Person, SeedChat, Sim, SimConfig, UserMessage};
use openclaw_config::Format;
use openclaw_gateway::{Options, Running};
use serde_json::Value;

pub const APP: &str = "cli_a1b2c3d4e5f60718";
pub const SECRET: &str = "s3cr3t-app-secret-value";

pub struct Harness {
    pub sim: Sim,
    pub gateway: Option<Running>,
    pub dir: tempfile::TempDir,
    pub config_text: String,
}

/// Starts lark-sim with one websocket app and a gateway whose config is `extra` (JSON5 keys
/// merged into `channels.lark`) plus `agent` (the `agent` object).
pub async fn start(lark_extra: &str, agent: &str) -> Harness {
    start_with(SimConfig::default(), lark_extra, agent).await
}

/// A lark-sim whose clients reconnect within a second and whose redeliveries come after one,
/// for tests of lost connections that should not wait the platform's minutes.
pub fn quick_sim() -> SimConfig {
    SimConfig {
        reconnect_interval_secs: 1,
        reconnect_nonce_secs: 1,
        redelivery: lark_sim::RedeliveryPolicy {
            ack_timeout: Duration::from_millis(1500),
            schedule: vec![Duration::from_secs(1); 4],
        },
        ..SimConfig::default()
    }
}

/// Like [`quick_sim`], but a dropped client waits the platform's full reconnect nonce (30 s):
/// whatever is answered meanwhile went over another connection.
pub fn quick_sim_slow_reconnect() -> SimConfig {
    SimConfig {
        reconnect_interval_secs: 120,
        reconnect_nonce_secs: 30,
        ..quick_sim()
    }
}

pub async fn start_with(sim_config: SimConfig, lark_extra: &str, agent: &str) -> Harness {
    lark::install_crypto_provider();
    let sim = Sim::start("127.0.0.1:0", sim_config).await.unwrap();
    sim.state().add_app(AppSpec::websocket(APP, SECRET));
    let dir = tempfile::tempdir().unwrap();
    let config_text = format!(
        r#"{{ channels: {{ lark: {{ appId: "{APP}", appSecret: "{SECRET}", domain: "{}", {lark_extra} }} }},
             agent: {agent}, gateway: {{ port: 0 }} }}"#,
        sim.base_url()
    );
    let mut h = Harness {
        sim,
        gateway: None,
        dir,
        config_text,
    };
    h.restart().await;
    h
}

impl Harness {
    pub fn state_dir(&self) -> &Path {
        self.dir.path()
    }

    /// (Re)starts the gateway on the same state dir.
    pub async fn restart(&mut self) {
        if let Some(g) = self.gateway.take() {
            g.shutdown().await;
        }
        let (running, config) = run_gateway(&self.config_text, self.dir.path()).await;
        self.gateway = Some(running);
        if config
            .lark
            .accounts
            .iter()
            .any(|a| a.mode == openclaw_config::Mode::Websocket)
        {
            assert!(
                self.sim
                    .state()
                    .wait_connections(APP, 1, Duration::from_secs(10))
                    .await,
                "the gateway never connected"
            );
        }
    }

    pub async fn stop(&mut self) {
        if let Some(g) = self.gateway.take() {
            g.shutdown().await;
        }
    }

    pub fn gateway(&self) -> &Running {
        self.gateway.as_ref().unwrap()
    }

    pub fn seed(&self, chat_id: &str, mode: ChatMode, members: &[(&str, &str)]) {
        self.sim
            .state()
            .seed_chat(
                APP,
                SeedChat {
                    chat_id: Some(chat_id.into()),
                    name: chat_id.into(),
                    chat_mode: mode,
                    members: members.iter().map(|(id, n)| Person::new(id, n)).collect(),
                    description: String::new(),
                    owner: None,
                },
            )
            .unwrap();
    }

    pub fn say(&self, chat_id: &str, from: &str, text: &str, mention_bot: bool) -> Injected {
        self.sim
            .state()
            .user_sends(
                APP,
                UserMessage {
                    chat_id: Some(chat_id.into()),
                    sender: Person::new(from, from),
                    text: Some(text.into()),
                    mention_bot,
                    ..Default::default()
                },
            )
            .unwrap()
    }

    pub fn messages(&self, chat_id: &str) -> Vec<Value> {
        self.sim.state().chat_messages(APP, chat_id).unwrap()
    }

    /// The bot's replies to `message_id`.
    pub fn replies_to(&self, chat_id: &str, message_id: &str) -> Vec<Value> {
        self.messages(chat_id)
            .into_iter()
            .filter(|m| m["sender"]["sender_type"] == "app" && m["parent_id"] == message_id)
            .collect()
    }

    /// Waits until `message_id` has `n` replies (or the timeout), and returns them.
    pub async fn wait_replies(&self, chat_id: &str, message_id: &str, n: usize) -> Vec<Value> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        loop {
            let r = self.replies_to(chat_id, message_id);
            if r.len() >= n || tokio::time::Instant::now() > deadline {
                return r;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Waits until the store has closed the event (answered, refused, ...).
    pub async fn wait_closed(&self, event_id: &str) -> openclaw_gateway::store::StoredEvent {
        let store = &self.gateway().ctx.store;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(e) = store.event("default", event_id).await.unwrap() {
                if !e.status.is_open() {
                    return e;
                }
                if tokio::time::Instant::now() > deadline {
                    panic!("event {event_id} still open: {e:?}");
                }
            } else if tokio::time::Instant::now() > deadline {
                panic!("event {event_id} never recorded");
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// Starts a gateway from JSON5 `config_text` on the state dir `dir`.
pub async fn run_gateway(config_text: &str, dir: &Path) -> (Running, openclaw_config::Config) {
    let config = openclaw_config::parse(config_text, Format::Json5, &|_| None, dir)
        .unwrap_or_else(|e| panic!("config: {e}"));
    let running = openclaw_gateway::start(
        &config,
        Options {
            state_dir: dir.to_owned(),
            bind: "127.0.0.1:0".parse().unwrap(),
            verbose: true,
        },
    )
    .await
    .unwrap_or_else(|e| panic!("start: {e}"));
    (running, config)
}

/// Collects what is logged on this thread (the gateway's tasks run on it too) while the guard
/// lives.
pub fn capture_logs() -> (tracing::subscriber::DefaultGuard, Arc<Mutex<Vec<u8>>>) {
    let logs = Arc::new(Mutex::new(Vec::new()));
    let sink = logs.clone();
    let guard = tracing::subscriber::set_default(
        tracing_subscriber::fmt()
            .with_writer(move || LogBuf(sink.clone()))
            .with_ansi(false)
            .finish(),
    );
    (guard, logs)
}

struct LogBuf(Arc<Mutex<Vec<u8>>>);
impl std::io::Write for LogBuf {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The 8-character code in a pairing notice.
pub fn pairing_code(notice: &str) -> String {
    notice
        .split("pairing code: ")
        .nth(1)
        .expect("a code in the notice")
        .chars()
        .take(8)
        .collect()
}

/// The text of a text message view.
pub fn text_of(m: &Value) -> String {
    m["content"]["text"].as_str().unwrap_or_default().to_owned()
}

/// The longest a bounded poll in these tests waits before it fails, saying what it waited for.
pub const POLL_FOR: Duration = Duration::from_secs(15);

/// Polls `done` every 20 ms until it holds; panics after [`POLL_FOR`] naming `what`.
pub async fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + POLL_FOR;
    while !done() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{what}: not after {POLL_FOR:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The reactions on message `message_id` of `chat_id`, as lark-sim shows them.
pub fn reactions_on(h: &Harness, chat_id: &str, message_id: &str) -> Vec<Value> {
    h.messages(chat_id)
        .into_iter()
        .find(|m| m["message_id"] == message_id)
        .and_then(|m| m["reactions"].as_array().cloned())
        .unwrap_or_default()
}

/// Reads of chat history (`GET /open-apis/im/v1/messages`) the app made so far.
pub fn history_reads(sim: &Sim) -> usize {
    sim.state()
        .calls(APP)
        .iter()
        .filter(|c| {
            c.method == "GET" && c.path.split('?').next() == Some("/open-apis/im/v1/messages")
        })
        .count()
}
