//! Shared setup: a lark-sim with one app, a group chat, `Tools` and a `MessageTool` on it.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use lark_sim::{AppSpec, Person, SeedChat, Sim, SimConfig};
use openclaw_agent::{ChatKind, ToolContext, ToolOutput};
use openclaw_tools::{MessageTool, ToolSettings, Tools};
use serde_json::Value;

pub const APP: &str = "cli_a1b2c3d4e5f60718";

pub struct Env {
    pub sim: Sim,
    pub client: lark::Client,
    pub tools: Tools,
    pub chat: String,
    pub dir: tempfile::TempDir,
}

pub async fn env() -> Env {
    let sim = Sim::start("127.0.0.1:0", SimConfig::default())
        .await
        .expect("sim starts");
    sim.state().add_app(AppSpec::websocket(APP, "secret"));
    let client = lark::Client::builder(APP, "secret")
        .domain(lark::Domain::Custom(sim.base_url().into()))
        .build()
        .expect("client builds");
    let chat = sim
        .state()
        .seed_chat(
            APP,
            SeedChat {
                name: "ops".into(),
                members: vec![ada(), bob()],
                ..SeedChat::default()
            },
        )
        .expect("chat seeded");
    let dir = tempfile::tempdir().expect("tempdir");
    let settings = ToolSettings {
        roots: vec![dir.path().to_path_buf()],
        allow_private_urls: true,
        ..ToolSettings::default()
    };
    let tools = Tools::new(client.clone(), settings);
    Env {
        sim,
        client,
        tools,
        chat,
        dir,
    }
}

pub fn ada() -> Person {
    Person::new("ou_ada", "Ada")
}

pub fn bob() -> Person {
    Person::new("ou_bob", "Bob")
}

impl Env {
    /// What users see in the chat, oldest first.
    pub fn seen(&self) -> Vec<Value> {
        self.sim
            .state()
            .chat_messages(APP, &self.chat)
            .expect("chat exists")
    }

    /// A user's message in the chat; its id.
    pub fn user_says(&self, text: &str) -> String {
        self.sim
            .state()
            .user_sends(APP, lark_sim::UserMessage::text(&self.chat, ada(), text))
            .expect("user sends")
            .message_id
    }

    /// Runs a call as a model writes it: the JSON result, or the error text.
    pub async fn call(&self, input: Value) -> Result<Value, String> {
        self.tools.dispatch(input).await.result
    }

    /// A `MessageTool` for account "main" and a turn context in the chat.
    pub fn agent(&self) -> (MessageTool, ToolContext) {
        let tool = MessageTool::new(
            HashMap::from([("main".to_owned(), self.client.clone())]),
            vec![self.dir.path().to_path_buf()],
        );
        (tool, self.ctx())
    }

    pub fn ctx(&self) -> ToolContext {
        ToolContext {
            account: "main".into(),
            chat_id: self.chat.clone(),
            chat_type: ChatKind::Group,
            message_id: String::new(),
            thread_id: None,
            sender_open_id: "ou_ada".into(),
            allowed_roots: Vec::<PathBuf>::new(),
            sent: Arc::new(Mutex::new(Vec::new())),
        }
    }

    pub fn workspace<R>(&self, f: impl FnOnce(&lark_sim::workspace::Workspace) -> R) -> R {
        let app = self.sim.state().app(APP).expect("app exists");
        let w = app.workspace.lock().expect("workspace lock");
        f(&w)
    }
}

/// The JSON of a successful tool output.
pub fn ok_json(out: &ToolOutput) -> Value {
    assert!(!out.is_error, "tool failed: {}", out.text_joined());
    serde_json::from_str(&out.text_joined()).expect("JSON output")
}
