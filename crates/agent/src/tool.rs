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
    /// A context outside any chat (benchmarks, tests): a DM of placeholder ids, reading only
    /// under `roots`.
    pub fn standalone(roots: Vec<PathBuf>) -> ToolContext {
        ToolContext {
            account: "default".into(),
            chat_id: "oc_1".into(),
            chat_type: ChatKind::Dm,
            message_id: "om_1".into(),
            thread_id: None,
            sender_open_id: "ou_1".into(),
            allowed_roots: roots,
            sent: Arc::new(Mutex::new(Vec::new())),
        }
    }

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
    /// The tool asked the user something (`askUser`): the turn ends after this round, and
    /// the answer comes as the session's next turn.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ends_turn: bool,
}

impl ToolOutput {
    pub fn text(text: impl Into<String>) -> ToolOutput {
        ToolOutput {
            content: vec![ToolContent::Text { text: text.into() }],
            is_error: false,
            ends_turn: false,
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
            ends_turn: false,
        }
    }

    /// This result ends the turn (see [`ToolOutput::ends_turn`]).
    pub fn ending_turn(mut self) -> ToolOutput {
        self.ends_turn = true;
        self
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

/// A changing set of tools behind one owner (an MCP server's tools, listed again after each
/// restart): listed at each model call rather than once.
#[async_trait]
pub trait ToolSet: Send + Sync + 'static {
    fn specs(&self) -> Vec<ToolSpec>;
    /// Runs the named tool, `None` when the set has no tool of that name.
    async fn call(&self, ctx: &ToolContext, name: &str, input: Value) -> Option<ToolOutput>;
}

/// Which tools one turn may use (a group's `tools.allow` / `tools.deny`): names or globs with
/// `*` (`calc__*`). A denied tool is never offered; when `allow` is not empty only the tools it
/// names are. The default permits everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolFilter {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deny: Vec<String>,
}

impl ToolFilter {
    pub fn is_empty(&self) -> bool {
        self.allow.is_empty() && self.deny.is_empty()
    }

    /// Whether a tool of this name may be offered and called.
    pub fn permits(&self, name: &str) -> bool {
        let hit = |patterns: &[String]| patterns.iter().any(|p| glob(p.trim(), name));
        !hit(&self.deny) && (self.allow.is_empty() || hit(&self.allow))
    }
}

/// `*` matches any run of characters; everything else matches itself.
fn glob(pattern: &str, name: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = name.strip_prefix(first) else {
        return false;
    };
    let pieces: Vec<&str> = parts.collect();
    let Some((last, middle)) = pieces.split_last() else {
        return rest.is_empty();
    };
    for piece in middle {
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

/// The tools offered to a model, by name.
#[derive(Clone, Default)]
pub struct ToolRegistry {
    tools: Vec<Arc<dyn Tool>>,
    sets: Vec<Arc<dyn ToolSet>>,
}

impl std::fmt::Debug for ToolRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<String> = self.specs().into_iter().map(|t| t.name).collect();
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

    /// Adds a set of tools listed afresh at each model call.
    pub fn register_set(&mut self, set: Arc<dyn ToolSet>) {
        self.sets.push(set);
    }

    pub fn specs(&self) -> Vec<ToolSpec> {
        let mut specs: Vec<ToolSpec> = self.tools.iter().map(|t| t.spec()).collect();
        for set in &self.sets {
            specs.extend(set.specs());
        }
        specs
    }

    /// The tools a turn with this filter may use.
    pub fn specs_for(&self, filter: &ToolFilter) -> Vec<ToolSpec> {
        let mut specs = self.specs();
        specs.retain(|s| filter.permits(&s.name));
        specs
    }

    pub fn is_empty(&self) -> bool {
        self.tools.is_empty() && self.sets.iter().all(|s| s.specs().is_empty())
    }

    /// Runs the named tool if the filter permits it; an unknown or filtered name is an error
    /// output listing the tools there are.
    pub async fn call(
        &self,
        ctx: &ToolContext,
        filter: &ToolFilter,
        name: &str,
        input: Value,
    ) -> ToolOutput {
        if filter.permits(name) {
            if let Some(tool) = self.tools.iter().find(|t| t.spec().name == name) {
                return tool.call(ctx, input).await;
            }
            for set in &self.sets {
                if let Some(out) = set.call(ctx, name, input.clone()).await {
                    return out;
                }
            }
        }
        let names: Vec<String> = self.specs_for(filter).into_iter().map(|s| s.name).collect();
        ToolOutput::error(format!(
            "there is no tool named {name:?} in this chat; the tools are: {}",
            names.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_take_names_and_globs_and_deny_wins() {
        let f = ToolFilter {
            allow: vec![],
            deny: vec!["calc__*".into()],
        };
        assert!(!f.permits("calc__add") && f.permits("read") && f.permits("search__add"));
        let f = ToolFilter {
            allow: vec!["read".into(), "*__find".into()],
            deny: vec!["web__find".into()],
        };
        assert!(f.permits("read") && f.permits("docs__find"));
        assert!(!f.permits("web__find") && !f.permits("message") && !f.permits("reader"));
        assert!(ToolFilter::default().permits("anything"));
        assert!(glob("a*b*c", "aXXbYc") && !glob("a*b*c", "aXXcYb") && glob("*", ""));
    }
}
