//! Tools an agent can call, behind one trait, and the registry the agent loop calls them through.
//!
//! The `message` tool (crate `openclaw-tools`) and the built-in `read` implement [`Tool`]; the
//! LLM loop offers [`ToolRegistry::specs`] to the model and runs [`ToolRegistry::call`] for each
//! tool call. A tool never fails the turn: errors come back as a [`ToolOutput`] with `is_error`,
//! worded so the model can fix its call.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::ChatKind;

/// What a tool is told about the turn that called it.
#[derive(Debug, Clone)]
pub struct ToolContext {
    pub account: String,
    pub chat_id: String,
    pub chat_type: ChatKind,
    /// The message being answered.
    pub message_id: String,
    pub thread_id: Option<String>,
    pub sender_open_id: String,
    /// Folders local files may be read from or uploaded from (workspace, download dirs, and
    /// configured roots); anything else is refused.
    pub allowed_roots: Vec<PathBuf>,
    /// What tools sent to chats during this turn, so the final reply can skip repeating it.
    pub sent: Arc<Mutex<Vec<SentByTool>>>,
}

impl ToolContext {
    /// Notes a message a tool sent.
    pub fn record_sent(&self, sent: SentByTool) {
        self.sent
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(sent);
    }

    /// Everything tools sent so far in this turn.
    pub fn sent(&self) -> Vec<SentByTool> {
        self.sent.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// A message a tool sent during a turn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SentByTool {
    pub chat_id: String,
    pub message_id: String,
    /// The text as sent (for comparing with the final reply).
    pub text: String,
}

/// How a tool presents itself to a model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolSpec {
    pub name: String,
    pub description: String,
    /// A JSON Schema object for the tool's input.
    pub input_schema: Value,
}

/// One piece of a tool's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ToolContent {
    Text {
        text: String,
    },
    /// An image for providers that take image input.
    Image {
        media_type: String,
        data_base64: String,
    },
}

/// A tool's result, as the model will see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolOutput {
    pub content: Vec<ToolContent>,
    pub is_error: bool,
}

impl ToolOutput {
    pub fn text(text: impl Into<String>) -> ToolOutput {
        ToolOutput {
            content: vec![ToolContent::Text { text: text.into() }],
            is_error: false,
        }
    }

    /// A result as JSON text.
    pub fn json(value: &Value) -> ToolOutput {
        ToolOutput::text(value.to_string())
    }

    /// An error the model should read and act on: say what was wrong and show a correct call.
    pub fn error(message: impl Into<String>) -> ToolOutput {
        ToolOutput {
            content: vec![ToolContent::Text {
                text: message.into(),
            }],
            is_error: true,
        }
    }

    /// The text parts joined (for logs and tests).
    pub fn text_joined(&self) -> String {
        self.content
            .iter()
            .filter_map(|c| match c {
                ToolContent::Text { text } => Some(text.as_str()),
                ToolContent::Image { .. } => None,
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Something an agent can call.
#[async_trait]
pub trait Tool: Send + Sync + 'static {
    fn spec(&self) -> ToolSpec;
    async fn call(&self, ctx: &ToolContext, input: Value) -> ToolOutput;
}

/// The tools offered to a model, by name.
#[derive(Clone, Default)]
pub struct ToolRegistry {
    tools: Vec<Arc<dyn Tool>>,
}

impl std::fmt::Debug for ToolRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<String> = self.tools.iter().map(|t| t.spec().name).collect();
        f.debug_struct("ToolRegistry")
            .field("tools", &names)
            .finish()
    }
}

impl ToolRegistry {
    pub fn new() -> ToolRegistry {
        ToolRegistry::default()
    }

    /// Adds a tool; a later tool with the same name replaces the earlier one.
    pub fn register(&mut self, tool: Arc<dyn Tool>) {
        let name = tool.spec().name;
        self.tools.retain(|t| t.spec().name != name);
        self.tools.push(tool);
    }

    pub fn specs(&self) -> Vec<ToolSpec> {
        self.tools.iter().map(|t| t.spec()).collect()
    }

    pub fn is_empty(&self) -> bool {
        self.tools.is_empty()
    }

    /// Runs the named tool; an unknown name is an error output listing the tools there are.
    pub async fn call(&self, ctx: &ToolContext, name: &str, input: Value) -> ToolOutput {
        match self.tools.iter().find(|t| t.spec().name == name) {
            Some(tool) => tool.call(ctx, input).await,
            None => {
                let names: Vec<String> = self.specs().into_iter().map(|s| s.name).collect();
                ToolOutput::error(format!(
                    "there is no tool named {name:?}; the tools are: {}",
                    names.join(", ")
                ))
            }
        }
    }
}
