//! `gateway run --sim`: an embedded lark-sim, so the bot can be tried without a tenant. The
//! default account is pointed at it (other accounts are not started), a DM with Alice and a
//! group with Alice and Bob are seeded, and how to talk to the bot is printed.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::{Context, Result, anyhow};

use lark_sim::{AppSpec, ChatMode, Person, SeedChat, Sim, SimConfig};
use openclaw_config::{Config, Format};

const APP_ID: &str = "cli_a1b2c3d4e5f60718";
const APP_SECRET: &str = "sim-secret";
const DM: &str = "oc_sim_dm_alice";
const GROUP: &str = "oc_sim_team";

pub struct Running {
    sim: Sim,
}

/// Starts lark-sim and rewrites `config` to use it.
pub async fn start(config: &mut Config) -> Result<Running> {
    let sim = Sim::start("127.0.0.1:0", SimConfig::default())
        .await
        .context("cannot start the embedded lark-sim")?;
    let state = sim.state();
    let mut spec = AppSpec::websocket(APP_ID, APP_SECRET);
    spec.bot_name = Some("openclaw".into());
    state.add_app(spec);
    let alice = Person::new("ou_sim_alice", "Alice");
    let bob = Person::new("ou_sim_bob", "Bob");
    let seed = |chat_id: &str, name: &str, mode: ChatMode, members: Vec<Person>| SeedChat {
        chat_id: Some(chat_id.into()),
        name: name.into(),
        chat_mode: mode,
        members,
        description: String::new(),
        owner: None,
    };
    state
        .seed_chat(
            APP_ID,
            seed(DM, "Alice", ChatMode::P2p, vec![alice.clone()]),
        )
        .map_err(|e| anyhow!("seeding the DM: {e:?}"))?;
    state
        .seed_chat(
            APP_ID,
            seed(GROUP, "Team", ChatMode::Group, vec![alice, bob]),
        )
        .map_err(|e| anyhow!("seeding the group: {e:?}"))?;

    // The default account as the file has it, with the sim's app and URL; Alice and Bob are
    // let in, so the demo answers under the default policies (pairing, allowlist).
    let sim_account = format!(
        r#"{{ channels: {{ lark: {{ appId: "{APP_ID}", appSecret: "{APP_SECRET}", domain: "{}" }} }} }}"#,
        sim.base_url()
    );
    let parsed = openclaw_config::parse(
        &sim_account,
        Format::Json5,
        &|_| None,
        std::path::Path::new("."),
    )
    .map_err(|e| anyhow!("{e}"))?;
    let fresh = parsed
        .lark
        .accounts
        .into_iter()
        .next()
        .context("no sim account")?;
    let mut account = config
        .lark
        .accounts
        .iter()
        .find(|a| a.id == openclaw_config::DEFAULT_ACCOUNT)
        .cloned()
        .unwrap_or_else(|| fresh.clone());
    account.enabled = true;
    account.app_id = fresh.app_id;
    account.app_secret = fresh.app_secret;
    account.domain = fresh.domain;
    account.mode = openclaw_config::Mode::Websocket;
    for id in ["ou_sim_alice", "ou_sim_bob"] {
        account.allow_from.push(id.into());
        account.group_allow_from.push(id.into());
    }
    config.lark.accounts = vec![account];
    Ok(Running { sim })
}

impl Running {
    /// Keeps the chat page's inspector showing the gateway's scheduled jobs, as `/status` lists
    /// them, refreshed every second until the gateway stops.
    pub fn show_jobs(&self, ctx: Arc<openclaw_gateway::runtime::Ctx>) {
        let state = self.sim.state().clone();
        tokio::spawn(async move {
            while !ctx.stopping() {
                for a in &ctx.accounts {
                    let jobs = openclaw_gateway::status::jobs(&ctx, a.id()).await;
                    let jobs = serde_json::to_value(jobs).unwrap_or_default();
                    state.set_page_note(&a.app_id, "jobs", jobs);
                }
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            }
        });
    }

    /// How to talk to the bot, printed once the gateway is up: the chat page first, then curl.
    pub fn print_howto(&self, gateway: SocketAddr) {
        let url = self.sim.base_url();
        let msgs = format!("{url}/_sim/apps/{APP_ID}/messages");
        println!(
            "Open {url}/ to chat with the bot\n\n\
             lark-sim (a local Lark) is running at {url}: no tenant needed.\n\
             The gateway is at http://{gateway} (/status, /metrics).\n\n\
             Alice writes to the bot in a DM:\n  \
             curl -s {msgs} -d '{{\"chat_id\":\"{DM}\",\"sender\":{{\"open_id\":\"ou_sim_alice\",\"name\":\"Alice\"}},\"text\":\"hello\"}}'\n\
             Bob @-mentions the bot in the group \"Team\":\n  \
             curl -s {msgs} -d '{{\"chat_id\":\"{GROUP}\",\"sender\":{{\"open_id\":\"ou_sim_bob\",\"name\":\"Bob\"}},\"text\":\"status?\",\"mention_bot\":true}}'\n\
             Someone new writes in a DM (they get a pairing code):\n  \
             curl -s {msgs} -d '{{\"sender\":{{\"open_id\":\"ou_sim_carol\",\"name\":\"Carol\"}},\"chat_type\":\"p2p\",\"text\":\"hi\"}}'\n\
             Read a conversation, the bot's replies included:\n  \
             curl -s {url}/_sim/apps/{APP_ID}/chats/{DM}/messages\n"
        );
    }
}
