//! The gateway with an LLM agent and an MCP server of the user's, against lark-sim and a
//! scripted Anthropic server: the model calls the server's tool, the gateway runs it, the result
//! reaches the model and its answer the chat; a group whose `tools.deny` names the server is not
//! offered it; `/status` lists the server with its tools.

mod common;
mod model;

use std::path::PathBuf;

use common::*;
use lark_sim::ChatMode;
use model::{Model, answer, named_tool_call};
use serde_json::{Value, json};

use common::llm::write_key;

/// The official MCP Python SDK's interpreter (installed by `scripts/peers-setup`).
fn python() -> PathBuf {
    let dir = std::env::var("OPENCLAW_PEERS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(std::env::var("HOME").unwrap_or_else(|_| "/root".into()))
                .join(".cache/openclaw/peers")
        });
    let py = dir.join("venv/bin/python");
    assert!(
        py.exists(),
        "the MCP Python SDK is not installed at {}: run scripts/peers-setup (scripts/test runs it)",
        py.display()
    );
    py
}

/// The names of the tools a model request offered.
fn offered(body: &Value) -> Vec<String> {
    body["tools"]
        .as_array()
        .map(|t| {
            t.iter()
                .filter_map(|t| t["name"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn an_mcp_servers_tool_answers_in_the_chat_and_a_group_can_deny_it() {
    let model = Model::start(|body, _| {
        let text = body["messages"].to_string();
        if offered(body).iter().any(|t| t == "calc__add") && !text.contains("tool_result") {
            named_tool_call("calc__add", &json!({ "a": 40, "b": 2 }))
        } else if text.contains("tool_result") && text.contains("42") {
            answer(&["The sum is 42."])
        } else {
            answer(&["No calculator here."])
        }
    })
    .await;
    let calc = concat!(env!("CARGO_MANIFEST_DIR"), "/../agent/tests/mcp/calc.py");
    let agent = format!(
        r#"{{ provider: "anthropic", model: "claude-test", baseUrl: "{}",
             mcpServers: {{ calc: {{ command: {:?}, args: [{calc:?}, "stdio"] }} }} }}"#,
        model.url,
        python().display().to_string(),
    );
    let h = start(
        r#"dmPolicy: "open", groupPolicy: "open", requireMention: false, streaming: false,
           groups: { oc_nocalc: { tools: { deny: ["calc__*"] } } }"#,
        &agent,
    )
    .await;
    write_key(&h);
    h.seed("oc_dm", ChatMode::P2p, &[("ou_ada", "Ada")]);
    h.seed("oc_nocalc", ChatMode::Group, &[("ou_ada", "Ada")]);

    let m = h.say("oc_dm", "ou_ada", "what is 40 + 2?", false);
    let r = h.wait_replies("oc_dm", &m.message_id, 1).await;
    assert_eq!(text_of(&r[0]), "The sum is 42.");
    let requests = model.requests();
    assert!(offered(&requests[0]).contains(&"calc__add".to_owned()));
    assert!(requests[1]["messages"].to_string().contains("42"));

    let m = h.say("oc_nocalc", "ou_ada", "what is 40 + 2?", false);
    let r = h.wait_replies("oc_nocalc", &m.message_id, 1).await;
    assert_eq!(text_of(&r[0]), "No calculator here.");
    let last = model.requests().last().cloned().unwrap();
    assert!(
        !offered(&last).iter().any(|t| t.starts_with("calc__")),
        "{:?}",
        offered(&last)
    );

    let status: Value = reqwest::get(format!("http://{}/status", h.gateway().addr))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let servers = status["agent"]["mcpServers"].to_string();
    assert!(
        servers.contains("calc") && servers.contains("running"),
        "{status}"
    );
}
