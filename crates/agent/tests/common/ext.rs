//! For the tests of the agent's extensions (MCP, skills, web_fetch, workspace files): an
//! Anthropic agent against the scripted server, configs parsed as a user writes them, and
//! readers for what the model was sent.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use openclaw_agent::{
    AnthropicProvider, ApiKey, Extensions, ExtensionsOptions, KeySource, LlmAgent, LlmConfig,
    MemorySessions, ReadTool, RetryPolicy, ToolRegistry,
};
use openclaw_config::{AgentConfig, Format};
use serde_json::Value;

use super::{Server, a_end, a_start, a_tool_block};

/// `agent.*` from a JSON5 text (the object under `agent`).
pub fn agent_config(agent: &str, base: &Path) -> AgentConfig {
    let text = format!("{{ agent: {agent} }}");
    openclaw_config::parse(&text, Format::Json5, &|_| None, base)
        .unwrap()
        .agent
}

/// An LLM agent on the scripted server with `read` and the extensions.
pub fn agent(server: &Server, ext: Arc<Extensions>) -> LlmAgent {
    let provider = AnthropicProvider::new(
        Some("claude-test".into()),
        Some(server.url.clone()),
        KeySource::fixed("anthropic", ApiKey::new("sk-ant-test-key-0123456789")),
    );
    let mut tools = ToolRegistry::new();
    tools.register(Arc::new(ReadTool));
    LlmAgent::new(
        Arc::new(provider),
        tools,
        Arc::new(MemorySessions::default()),
        LlmConfig {
            retry: RetryPolicy {
                attempts: 1,
                base: Duration::from_millis(5),
                max_wait: Duration::from_secs(1),
            },
            roots: vec![ext.workspace_dir().to_owned()],
            extensions: Some(ext),
            ..LlmConfig::default()
        },
    )
}

pub fn extensions(cfg: &AgentConfig, state: &Path, opts: ExtensionsOptions) -> Arc<Extensions> {
    Arc::new(Extensions::from_config(cfg, state, opts))
}

/// A model round that calls one tool.
pub fn tool_round(id: &str, name: &str, input: &str) -> Vec<String> {
    let mut v = vec![a_start(10, 0, 0)];
    v.extend(a_tool_block(0, id, name, &[input]));
    v.extend(a_end("tool_use", 5));
    v
}

/// The system prompt of a recorded request, as one text.
pub fn system_text(body: &Value) -> String {
    match &body["system"] {
        Value::String(s) => s.clone(),
        Value::Array(blocks) => blocks
            .iter()
            .filter_map(|b| b["text"].as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        _ => String::new(),
    }
}

/// The names of the tools a request offered.
pub fn tool_names(body: &Value) -> Vec<String> {
    body["tools"]
        .as_array()
        .map(|t| {
            t.iter()
                .filter_map(|t| t["name"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The tool result the last message of a request carries: (text, is_error).
pub fn tool_result(body: &Value) -> (String, bool) {
    let last = body["messages"]
        .as_array()
        .and_then(|m| m.last())
        .cloned()
        .unwrap_or_default();
    let block = last["content"]
        .as_array()
        .and_then(|c| c.iter().find(|b| b["type"] == "tool_result"))
        .cloned()
        .unwrap_or_default();
    let text = match &block["content"] {
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts
            .iter()
            .filter_map(|p| p["text"].as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        _ => String::new(),
    };
    (text, block["is_error"].as_bool().unwrap_or(false))
}
