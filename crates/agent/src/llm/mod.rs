//! The LLM agent: a provider (Anthropic Messages or OpenAI-compatible chat completions, own
//! HTTP over reqwest, streamed over SSE), a tool loop, and a session per chat.
//!
//! A turn: `/new`, `/reset` and `/status` are answered here; otherwise the session's history,
//! the user's message (with images as image input) and the tools go to the model; text streams
//! out as [`AgentEvent::Text`] while it arrives; tool calls run through the [`ToolRegistry`] and
//! their results go back to the model, for at most `max_tool_rounds` rounds; the turn is saved
//! to the session. Rate limits, overload, server errors and dropped streams are retried with
//! backoff (a stream that dropped after some text first takes that text back with
//! [`AgentEvent::Truncate`], so the answer never holds it twice).

mod anthropic;
mod commands;
mod context;
mod guide;
mod http;
mod message;
mod openai;
mod provider;
mod run;
mod session;
pub mod sse;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;

pub use anthropic::AnthropicProvider;
pub use guide::system_prompt;
pub use message::{Block, Message, Role, Usage};
pub use openai::OpenAiProvider;
pub use provider::{ChatRequest, EventStream, Provider, ProviderError, ProviderEvent};
pub use session::{MemorySessions, Session, SessionStore, TurnRecord, estimate};

/// Request bodies exactly as they go on the wire (for tests and debugging).
pub mod wire {
    pub use super::anthropic::request_body as anthropic_body;
    pub use super::openai::request_body as openai_body;
}

/// Default models and endpoints.
pub mod defaults {
    pub use super::anthropic::{
        DEFAULT_BASE_URL as ANTHROPIC_BASE_URL, DEFAULT_MODEL as ANTHROPIC_MODEL,
    };
    pub use super::openai::{DEFAULT_BASE_URL as OPENAI_BASE_URL, DEFAULT_MODEL as OPENAI_MODEL};
}

use crate::{Agent, AgentError, AgentEvent, AgentStream, Extensions, ToolRegistry, Turn};

/// How model calls are retried.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts per model call, the first included.
    pub attempts: u32,
    /// The first wait; each later one doubles (with jitter) unless `retry-after` says otherwise.
    pub base: Duration,
    /// No single wait is longer than this, whatever `retry-after` asks.
    pub max_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 4,
            base: Duration::from_secs(1),
            max_wait: Duration::from_secs(60),
        }
    }
}

/// How the LLM agent behaves.
#[derive(Debug, Clone)]
pub struct LlmConfig {
    /// `agent.systemPrompt`.
    pub system_prompt: Option<String>,
    pub max_tokens: u32,
    /// Tool rounds per turn before the model must answer in text.
    pub max_tool_rounds: u32,
    pub retry: RetryPolicy,
    /// History kept per session, in (estimated) tokens.
    pub session_budget_tokens: usize,
    /// Folders tools may read from, the workspace first (relative paths start there). The
    /// folders of a turn's attachments (and of its skills) are added per turn.
    pub roots: Vec<PathBuf>,
    /// MCP servers, `web_fetch`, skills and workspace files; their tools are added to the
    /// agent's registry by [`LlmAgent::new`].
    pub extensions: Option<Arc<Extensions>>,
}

impl Default for LlmConfig {
    fn default() -> Self {
        LlmConfig {
            system_prompt: None,
            max_tokens: 4096,
            max_tool_rounds: 8,
            retry: RetryPolicy::default(),
            session_budget_tokens: 60_000,
            roots: Vec::new(),
            extensions: None,
        }
    }
}

pub(crate) struct Inner {
    pub(crate) provider: Arc<dyn Provider>,
    pub(crate) tools: ToolRegistry,
    pub(crate) sessions: Arc<dyn SessionStore>,
    pub(crate) cfg: LlmConfig,
}

/// An agent backed by a model provider, with tools and sessions.
#[derive(Clone)]
pub struct LlmAgent {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for LlmAgent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LlmAgent")
            .field("provider", &self.inner.provider.name())
            .field("model", &self.inner.provider.model())
            .field("tools", &self.inner.tools)
            .finish()
    }
}

impl LlmAgent {
    pub fn new(
        provider: Arc<dyn Provider>,
        mut tools: ToolRegistry,
        sessions: Arc<dyn SessionStore>,
        cfg: LlmConfig,
    ) -> LlmAgent {
        if let Some(ext) = &cfg.extensions {
            ext.register_tools(&mut tools);
        }
        LlmAgent {
            inner: Arc::new(Inner {
                provider,
                tools,
                sessions,
                cfg,
            }),
        }
    }

    pub fn model(&self) -> &str {
        self.inner.provider.model()
    }
}

impl Agent for LlmAgent {
    fn name(&self) -> &str {
        self.inner.provider.name()
    }

    fn run(&self, turn: Turn) -> AgentStream {
        let inner = self.inner.clone();
        // The work starts on the first poll (inside the caller's runtime) and stops when the
        // stream is dropped: the task is aborted with it.
        let start = async move {
            let (tx, rx) = tokio::sync::mpsc::channel(64);
            let task = tokio::spawn(run::turn(inner, turn, tx));
            Running { rx, task }
        };
        Box::pin(futures::stream::once(start).flatten())
    }
}

/// The receiving end of a running turn; dropping it aborts the turn.
struct Running {
    rx: tokio::sync::mpsc::Receiver<Result<AgentEvent, AgentError>>,
    task: tokio::task::JoinHandle<()>,
}

impl futures::Stream for Running {
    type Item = Result<AgentEvent, AgentError>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        self.rx.poll_recv(cx)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.task.abort();
    }
}
