//! The agent behind the gateway: the gateway hands each admitted message (a [`Turn`]) to an
//! [`Agent`] and sends back what it answers.
//!
//! An agent answers with a stream of [`AgentEvent`]s rather than one string so that LLM providers
//! can stream text deltas (and say what their tools sent and what they used) through the same
//! trait; the gateway can show deltas as they come or simply [`collect`] them.
//!
//! Agents here: [`LlmAgent`] (Anthropic or OpenAI-compatible models with tools and sessions, see
//! [`llm`]), [`EchoAgent`] (answers the text back, for setup and tests) and [`CommandAgent`]
//! (runs any program per turn, the turn as JSON on stdin, the answer streamed from stdout).
//!
//! Past Lark, an LLM agent reaches MCP servers ([`mcp`]), web pages ([`web`]), skills
//! ([`skills`]) and its workspace files ([`workspace`]), all built from config by
//! [`Extensions::from_config`].

mod command;
pub mod credentials;
mod echo;
mod error;
pub mod extensions;
pub mod llm;
pub mod mcp;
mod read_tool;
pub mod skills;
mod steer;
pub mod tool;
mod turn;
mod utf8;
pub mod web;
pub mod workspace;

pub use command::CommandAgent;
pub use credentials::{ApiKey, KeySource};
pub use echo::EchoAgent;
pub use error::AgentError;
pub use extensions::{Extensions, ExtensionsOptions, ExtensionsStatus};
pub use llm::{
    AnthropicProvider, LlmAgent, LlmConfig, MemorySessions, OpenAiProvider, RetryPolicy,
    SessionStore, Usage,
};
pub use read_tool::ReadTool;
pub use steer::{Steer, SteerMessage};
pub use tool::{
    SentByTool, Tool, ToolContent, ToolContext, ToolFilter, ToolOutput, ToolRegistry, ToolSet,
    ToolSpec,
};
pub use turn::{
    CardActionInput, CardActionTurn, CardOperator, ChatKind, DocComment, HistoryEntry, MediaFile,
    QueuedMessage, Turn, TurnKind,
};

use futures::StreamExt;
use futures::stream::BoxStream;

/// One piece of an agent's answer. Non-exhaustive, so consumers that only want text keep
/// working as events are added.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AgentEvent {
    /// A delta of the answer's text, in order; the answer is their concatenation (after
    /// applying any [`AgentEvent::Truncate`]).
    Text(String),
    /// Cut the answer so far back to this many bytes (always a char boundary): a model call
    /// that broke off after some text is being retried, and its text comes again.
    Truncate(usize),
    /// A tool sent this message during the turn (so the final reply need not repeat it).
    Sent(SentByTool),
    /// Tokens one model call used.
    Usage(Usage),
}

/// What [`Agent::run`] returns. An error ends the answer: nothing follows it.
pub type AgentStream = BoxStream<'static, Result<AgentEvent, AgentError>>;

/// Something that answers turns. `run` is not async so that starting an answer never blocks the
/// caller; the work happens as the stream is polled, and dropping the stream cancels it.
pub trait Agent: Send + Sync + 'static {
    /// A short name for logs ("echo", "command", a provider's name).
    fn name(&self) -> &str;

    /// Answers one turn.
    fn run(&self, turn: Turn) -> AgentStream;
}

/// Runs a stream to its end and returns the whole answer: the concatenated text deltas, or the
/// first error.
pub async fn collect(mut stream: AgentStream) -> Result<String, AgentError> {
    let mut answer = String::new();
    while let Some(event) = stream.next().await {
        match event? {
            AgentEvent::Text(delta) => answer.push_str(&delta),
            AgentEvent::Truncate(len) => truncate(&mut answer, len),
            AgentEvent::Sent(_) | AgentEvent::Usage(_) => {}
        }
    }
    Ok(answer)
}

/// Cuts `text` back to at most `len` bytes, on a char boundary (a bad length from an agent must
/// not panic the caller).
pub fn truncate(text: &mut String, len: usize) {
    if len >= text.len() {
        return;
    }
    let mut at = len;
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    text.truncate(at);
}
