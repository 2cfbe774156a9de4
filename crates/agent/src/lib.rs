//! The agent behind the gateway: the gateway hands each admitted message (a [`Turn`]) to an
//! [`Agent`] and sends back what it answers.
//!
//! An agent answers with a stream of [`AgentEvent`]s rather than one string so that LLM providers
//! (a later milestone) can stream text deltas and, later, tool calls through the same trait; the
//! gateway can show deltas as they come or simply [`collect`] them.
//!
//! Agents here: [`EchoAgent`] (answers the text back, for setup and tests) and [`CommandAgent`]
//! (runs any program per turn, the turn as JSON on stdin, the answer streamed from stdout).

mod command;
mod echo;
mod error;
pub mod tool;
mod turn;
mod utf8;

pub use command::CommandAgent;
pub use echo::EchoAgent;
pub use error::AgentError;
pub use tool::{SentByTool, Tool, ToolContent, ToolContext, ToolOutput, ToolRegistry, ToolSpec};
pub use turn::{ChatKind, MediaFile, Turn};

use futures::StreamExt;
use futures::stream::BoxStream;

/// One piece of an agent's answer. Non-exhaustive: tool calls and the like come with the LLM
/// providers, and consumers that only want text keep working.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AgentEvent {
    /// A delta of the answer's text, in order; the answer is their concatenation.
    Text(String),
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
        }
    }
    Ok(answer)
}
