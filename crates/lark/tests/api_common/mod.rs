//! Shared setup of the API tests: a lark-sim with one app, and a client pointed at it.
#![allow(dead_code)]

use lark::Client;
use lark::model::ChatId;
use lark_sim::{AppSpec, Person, SeedChat, Sim};

pub const APP: &str = "cli_a1b2c3d4e5f60718";

pub async fn setup() -> (Sim, Client) {
    let sim = Sim::start("127.0.0.1:0", Default::default())
        .await
        .expect("sim starts");
    sim.state().add_app(AppSpec::websocket(APP, "secret"));
    let client = Client::builder(APP, "secret")
        .base_url(sim.base_url())
        .build()
        .expect("client builds");
    (sim, client)
}

pub fn ada() -> Person {
    Person::new("ou_ada", "Ada")
}

pub fn bob() -> Person {
    Person::new("ou_bob", "Bob")
}

/// A group with Ada and Bob.
pub fn group(sim: &Sim) -> ChatId {
    let seed = SeedChat {
        name: "ops".into(),
        members: vec![ada(), bob()],
        ..SeedChat::default()
    };
    ChatId::new(sim.state().seed_chat(APP, seed).expect("chat seeded"))
}

/// What users see in a chat (the sim's control view), oldest first.
pub fn seen(sim: &Sim, chat: &ChatId) -> Vec<serde_json::Value> {
    sim.state()
        .chat_messages(APP, chat.as_str())
        .expect("chat exists")
}

/// The sim's workspace of the app (documents, sheets, bitables, drive, cards), locked.
pub fn ws<R>(sim: &Sim, f: impl FnOnce(&lark_sim::workspace::Workspace) -> R) -> R {
    let app = sim.state().app(APP).expect("app exists");
    let w = app.workspace.lock().expect("workspace lock");
    f(&w)
}
