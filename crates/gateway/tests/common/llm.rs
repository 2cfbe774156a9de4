//! Helpers for the tests with an LLM agent: the model's key, and the streamed cards lark-sim
//! keeps.

use serde_json::Value;

use super::{APP, Harness};

pub fn write_key(h: &Harness) {
    let dir = h.state_dir().join("credentials");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("anthropic.key"), "sk-ant-test\n").unwrap();
}

pub async fn card(h: &Harness, card_id: &str) -> Value {
    reqwest::get(format!(
        "{}/_sim/apps/{APP}/cards/{card_id}",
        h.sim.base_url()
    ))
    .await
    .unwrap()
    .json()
    .await
    .unwrap()
}

pub fn card_id(reply: &Value) -> String {
    let c = &reply["content"];
    let c: Value = match c.as_str() {
        Some(s) => serde_json::from_str(s).unwrap(),
        None => c.clone(),
    };
    c.pointer("/data/card_id")
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("not a card reference: {reply}"))
        .to_owned()
}
