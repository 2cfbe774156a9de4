//! Several gateways in this process on one lark-sim app and one PostgreSQL database: replicas.
#![allow(dead_code)]

use std::collections::HashMap;
use std::time::Duration;

use lark_sim::{AppSpec, ChatMode, Injected, Person, SeedChat, Sim, SimConfig, UserMessage};
use openclaw_config::Format;
use openclaw_gateway::{Options, Running};
use serde_json::Value;

pub const APP: &str = "cli_a1b2c3d4e5f60718";
pub const SECRET: &str = "s3cr3t-app-secret-value";
pub const KEY: &str = "encrypt-key-for-replicas";
/// The longest any wait in these tests may take before it fails with what it saw.
pub const WAIT: Duration = Duration::from_secs(60);

pub struct Fleet {
    pub sim: Sim,
    pub gateways: Vec<Option<Running>>,
    pub dirs: Vec<tempfile::TempDir>,
    pub config_text: String,
}

/// lark-sim with one app (websocket, or webhook to `webhook_url`), and `n` gateways whose
/// store is `db_url`.
pub async fn start(
    n: usize,
    db_url: &str,
    sim_config: SimConfig,
    webhook_url: Option<&str>,
) -> Fleet {
    lark::install_crypto_provider();
    let sim = Sim::start("127.0.0.1:0", sim_config).await.unwrap();
    let (spec, mode) = match webhook_url {
        Some(u) => (
            AppSpec::webhook(APP, SECRET, u, Some(KEY), None),
            format!(r#"mode: "webhook", encryptKey: "{KEY}","#),
        ),
        None => (AppSpec::websocket(APP, SECRET), String::new()),
    };
    sim.state().add_app(spec);
    let config_text = format!(
        r#"{{ channels: {{ lark: {{ appId: "{APP}", appSecret: "{SECRET}", domain: "{}", {mode}
              dmPolicy: "open", groupPolicy: "open", requireMention: false, typingIndicator: false }} }},
             agent: {{ provider: "echo" }}, gateway: {{ port: 0 }}, store: {{ url: "{db_url}" }} }}"#,
        sim.base_url()
    );
    let mut fleet = Fleet {
        sim,
        gateways: Vec::new(),
        dirs: Vec::new(),
        config_text,
    };
    for _ in 0..n {
        fleet.dirs.push(tempfile::tempdir().unwrap());
        fleet.gateways.push(None);
    }
    for i in 0..n {
        fleet.start_one(i).await;
    }
    if webhook_url.is_none() {
        assert!(
            fleet.sim.state().wait_connections(APP, n, WAIT).await,
            "not every replica connected"
        );
    }
    fleet
}

impl Fleet {
    pub async fn start_one(&mut self, i: usize) {
        let config = openclaw_config::parse(
            &self.config_text,
            Format::Json5,
            &|_| None,
            self.dirs[i].path(),
        )
        .unwrap_or_else(|e| panic!("config: {e}"));
        let running = openclaw_gateway::start(
            &config,
            Options {
                state_dir: self.dirs[i].path().to_owned(),
                bind: "127.0.0.1:0".parse().unwrap(),
                verbose: false,
            },
        )
        .await
        .unwrap_or_else(|e| panic!("start replica {i}: {e}"));
        self.gateways[i] = Some(running);
    }

    pub fn addrs(&self) -> Vec<std::net::SocketAddr> {
        self.gateways.iter().flatten().map(|g| g.addr).collect()
    }

    pub fn seed_groups(&self, chats: &[String]) {
        for chat in chats {
            self.sim
                .state()
                .seed_chat(
                    APP,
                    SeedChat {
                        chat_id: Some(chat.clone()),
                        name: chat.clone(),
                        chat_mode: ChatMode::Group,
                        members: vec![Person::new("ou_ada", "Ada")],
                        description: String::new(),
                        owner: None,
                    },
                )
                .unwrap();
        }
    }

    pub fn say(&self, chat: &str, text: &str) -> Injected {
        self.sim
            .state()
            .user_sends(
                APP,
                UserMessage {
                    chat_id: Some(chat.into()),
                    sender: Person::new("ou_ada", "Ada"),
                    text: Some(text.into()),
                    ..Default::default()
                },
            )
            .unwrap()
    }

    /// The bot's replies in `chat`: (the message replied to, the text), in the chat's order.
    pub fn replies(&self, chat: &str) -> Vec<(String, String)> {
        self.sim
            .state()
            .chat_messages(APP, chat)
            .unwrap()
            .iter()
            .filter(|m| m["sender"]["sender_type"] == "app")
            .map(|m: &Value| {
                (
                    m["parent_id"].as_str().unwrap_or_default().to_owned(),
                    m["content"]["text"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect()
    }

    /// Waits until every message sent has a reply (bounded), then checks each has exactly one
    /// and that every chat's replies come in the order its messages were sent.
    pub async fn assert_all_answered_once_in_order(&self, sent: &HashMap<String, Vec<Injected>>) {
        self.assert_all_answered_once(sent, true).await
    }

    /// Like [`Self::assert_all_answered_once_in_order`], the order checked only with `in_order`.
    pub async fn assert_all_answered_once(
        &self,
        sent: &HashMap<String, Vec<Injected>>,
        in_order: bool,
    ) {
        let total: usize = sent.values().map(Vec::len).sum();
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let answered: usize = sent.keys().map(|c| self.replies(c).len()).sum();
            if answered >= total {
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{answered} of {total} messages answered after {WAIT:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // A late double would show up here.
        tokio::time::sleep(Duration::from_millis(500)).await;
        for (chat, msgs) in sent {
            let got: Vec<String> = self.replies(chat).into_iter().map(|(p, _)| p).collect();
            let want: Vec<String> = msgs.iter().map(|m| m.message_id.clone()).collect();
            let mut unique = got.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(
                unique.len(),
                got.len(),
                "chat {chat}: a message answered twice: {got:?}"
            );
            assert_eq!(
                got.len(),
                want.len(),
                "chat {chat}: replies {got:?}, messages {want:?}"
            );
            if in_order {
                assert_eq!(got, want, "chat {chat}: replies out of order");
            }
        }
    }

    /// Reads of chat history (`GET /open-apis/im/v1/messages`) so far, by every replica.
    pub fn history_reads(&self) -> usize {
        crate::common::history_reads(&self.sim)
    }

    /// Sends `n` messages to `chat` one at a time, each once the previous one has its reply,
    /// and returns the time from each message to its reply.
    pub async fn closed_loop(&self, chat: &str, n: usize) -> Vec<Duration> {
        let mut took = Vec::new();
        for i in 0..n {
            let at = std::time::Instant::now();
            let m = self.say(chat, &format!("one at a time #{i}"));
            let deadline = tokio::time::Instant::now() + WAIT;
            while !self.replies(chat).iter().any(|(p, _)| *p == m.message_id) {
                assert!(tokio::time::Instant::now() < deadline, "no reply to {i}");
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            took.push(at.elapsed());
        }
        took
    }

    pub async fn shutdown(&mut self) {
        for g in self.gateways.iter_mut() {
            if let Some(g) = g.take() {
                g.shutdown().await;
            }
        }
    }
}

/// Sends `per_chat` messages to each of `chats`, interleaved, `text` naming each.
pub fn flood(fleet: &Fleet, chats: &[String], per_chat: usize) -> HashMap<String, Vec<Injected>> {
    let mut sent: HashMap<String, Vec<Injected>> = HashMap::new();
    for i in 0..per_chat {
        for chat in chats {
            let m = fleet.say(chat, &format!("{chat} #{i}"));
            sent.entry(chat.clone()).or_default().push(m);
        }
    }
    sent
}
