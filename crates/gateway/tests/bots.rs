//! Two bots in one group, each with its own gateway and app in one lark-sim: each answers with
//! a message that @mentions the other. With `allowBots: true` they talk until each has started
//! `botTurnsPerMinute` turns in the chat, then each refuses the next bot message and logs it
//! once; with `allowBots: false` the first bot message is refused and nothing answers it.

mod common;

use common::*;
use lark_sim::{AppSpec, ChatMode, Person, SeedChat, Sim, SimConfig, UserMessage};
use openclaw_gateway::Running;
use openclaw_gateway::store::{EventStatus, StoredEvent};
use serde_json::Value;

const CHAT: &str = "oc_two_bots";
const CAP: usize = 3;
/// The second app; its bot's open id follows lark-sim's `ou_bot_` + app id suffix.
const APP_B: &str = "cli_b2c3d4e5f6071829";
const SECRET_B: &str = "an0ther-app-secret-value";

struct Bot {
    app: &'static str,
    gateway: Running,
    _dir: tempfile::TempDir,
}

fn bot_open_id(app: &str) -> String {
    format!("ou_bot_{}", app.trim_start_matches("cli_"))
}

/// A gateway for `app` whose `command` agent answers every turn by mentioning `other`'s bot.
async fn bot(sim: &Sim, app: &'static str, secret: &str, other: &str, allow_bots: bool) -> Bot {
    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        r#"{{ channels: {{ lark: {{ appId: "{app}", appSecret: "{secret}", domain: "{}",
              groupPolicy: "open", renderMode: "text", allowBots: {allow_bots}, botTurnsPerMinute: {CAP} }} }},
             agent: {{ provider: "command", command: ["printf", "<at user_id=\"{}\">peer</at> your turn"], timeoutSeconds: 20 }},
             gateway: {{ port: 0 }} }}"#,
        sim.base_url(),
        bot_open_id(other),
    );
    let (gateway, _) = run_gateway(&config, dir.path()).await;
    assert!(
        sim.state()
            .wait_connections(app, 1, std::time::Duration::from_secs(10))
            .await,
        "{app}'s gateway never connected"
    );
    sim.state()
        .seed_chat(
            app,
            SeedChat {
                chat_id: Some(CHAT.into()),
                name: "two bots".into(),
                chat_mode: ChatMode::Group,
                members: vec![Person::new("ou_ada", "Ada")],
                description: String::new(),
                owner: None,
            },
        )
        .unwrap();
    Bot {
        app,
        gateway,
        _dir: dir,
    }
}

impl Bot {
    /// Ada @mentions this bot in the group.
    fn kick_off(&self, sim: &Sim) {
        sim.state()
            .user_sends(
                self.app,
                UserMessage {
                    chat_id: Some(CHAT.into()),
                    sender: Person::new("ou_ada", "Ada"),
                    text: Some("you two, talk".into()),
                    mention_bot: true,
                    ..Default::default()
                },
            )
            .unwrap();
    }

    /// The gateway's record of every other bot's message lark-sim delivered to this app (`None`
    /// while not recorded yet).
    async fn bot_events(&self, sim: &Sim) -> Vec<(String, Option<StoredEvent>)> {
        let mut out = Vec::new();
        for d in sim.state().deliveries(self.app).unwrap() {
            if d.event_type != "im.message.receive_v1"
                || d.body["event"]["sender"]["sender_type"] != "app"
            {
                continue;
            }
            let stored = self
                .gateway
                .ctx
                .store
                .event("default", &d.event_id)
                .await
                .unwrap();
            out.push((d.event_id, stored));
        }
        out
    }

    /// Waits until this gateway has closed `n` bot messages with `status`.
    async fn wait_bot_events(&self, sim: &Sim, status: EventStatus, n: usize) -> Vec<StoredEvent> {
        let deadline = tokio::time::Instant::now() + POLL_FOR;
        loop {
            let closed: Vec<StoredEvent> = self
                .bot_events(sim)
                .await
                .into_iter()
                .filter_map(|(_, e)| e.filter(|e| e.status == status))
                .collect();
            if closed.len() >= n {
                return closed;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{}: {n} bot messages {status:?} not after {POLL_FOR:?}: {:?}",
                self.app,
                self.bot_events(sim).await
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
}

async fn two_bots(allow_bots: bool) -> (Sim, Bot, Bot) {
    lark::install_crypto_provider();
    let sim = Sim::start("127.0.0.1:0", SimConfig::default())
        .await
        .unwrap();
    sim.state().add_app(AppSpec::websocket(APP, SECRET));
    sim.state().add_app(AppSpec::websocket(APP_B, SECRET_B));
    let a = bot(&sim, APP, SECRET, APP_B, allow_bots).await;
    let b = bot(&sim, APP_B, SECRET_B, APP, allow_bots).await;
    (sim, a, b)
}

/// The bots' messages in the group as `app` sees them.
fn bot_messages(sim: &Sim, app: &str) -> Vec<Value> {
    sim.state()
        .chat_messages(app, CHAT)
        .unwrap()
        .into_iter()
        .filter(|m| m["sender"]["sender_type"] == "app")
        .collect()
}

#[tokio::test]
async fn with_allow_bots_the_exchange_stops_at_bot_turns_per_minute_in_each_gateway() {
    let (_guard, logs) = capture_logs();
    let (sim, a, b) = two_bots(true).await;
    // Ada starts an exchange with each bot: two chains, each bot answering the other.
    a.kick_off(&sim);
    b.kick_off(&sim);

    // Each gateway starts CAP turns for the other bot's messages, then refuses the next one;
    // both chains end there (a refusal sends nothing), so each refuses exactly one.
    for bot in [&a, &b] {
        let refused = bot.wait_bot_events(&sim, EventStatus::Refused, 1).await;
        assert_eq!(refused.len(), 1, "{refused:?}");
        assert_eq!(
            refused[0].reason.as_deref(),
            Some("botTurnsPerMinute reached"),
            "{refused:?}"
        );
        bot.wait_bot_events(&sim, EventStatus::Sent, CAP).await;
    }
    for bot in [&a, &b] {
        let events = bot.bot_events(&sim).await;
        let sent = events
            .iter()
            .filter(|(_, e)| e.as_ref().is_some_and(|e| e.status == EventStatus::Sent))
            .count();
        assert_eq!(sent, CAP, "{}: {events:?}", bot.app);
        assert_eq!(events.len(), CAP + 1, "{}: {events:?}", bot.app);
    }

    // What the group shows: each bot answered Ada once and the other bot CAP times, each
    // answer mentioning the other bot; the other app saw every one of them.
    let seen = bot_messages(&sim, APP);
    assert_eq!(seen.len(), 2 * (CAP + 1), "{seen:#?}");
    assert_eq!(seen, bot_messages(&sim, APP_B));
    for m in &seen {
        let from = m["sender"]["id"].as_str().unwrap();
        let other = if from == APP { APP_B } else { APP };
        assert_eq!(m["mentions"][0]["open_id"], bot_open_id(other), "{m}");
        assert_eq!(text_of(m), "@_user_1 your turn", "{m}");
    }

    let logs = String::from_utf8_lossy(&logs.lock().unwrap()).into_owned();
    let told: Vec<&str> = logs
        .lines()
        .filter(|l| l.contains("botTurnsPerMinute") && l.contains(CHAT))
        .collect();
    assert_eq!(told.len(), 2, "one line per gateway: {told:#?}");
}

#[tokio::test]
async fn without_allow_bots_the_other_bots_message_is_refused_and_not_answered() {
    let (sim, a, b) = two_bots(false).await;
    a.kick_off(&sim);
    let refused = b.wait_bot_events(&sim, EventStatus::Refused, 1).await;
    assert_eq!(refused[0].reason.as_deref(), Some("sent by a bot"));
    assert_eq!(b.bot_events(&sim).await.len(), 1);
    // The only bot message in the group is the first bot's answer to Ada.
    let seen = bot_messages(&sim, APP_B);
    assert_eq!(seen.len(), 1, "{seen:#?}");
    assert_eq!(seen[0]["sender"]["id"], APP);
    assert_eq!(bot_messages(&sim, APP), seen);
    assert!(a.bot_events(&sim).await.is_empty());
}
