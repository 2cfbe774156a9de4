//! What the loop asks of a model provider: one streamed call at a time, as provider-neutral
//! events. Retries are the loop's business (a stream that drops after text was shown needs the
//! answer cut back first), so a provider makes exactly one attempt and classifies its failure.

use std::time::Duration;

use async_trait::async_trait;
use futures::stream::BoxStream;
use serde_json::Value;

use super::message::{Message, Usage};
use crate::tool::ToolSpec;

/// One model call.
#[derive(Debug, Clone)]
pub struct ChatRequest {
    pub system: String,
    pub messages: Vec<Message>,
    pub tools: Vec<ToolSpec>,
    pub max_tokens: u32,
    /// The tool rounds are spent: the model must answer in text (tools stay declared, because
    /// providers refuse tool blocks in the history without them).
    pub no_more_tools: bool,
}

/// What a streamed call yields, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum ProviderEvent {
    /// A piece of the answer's text.
    Text(String),
    /// A complete tool call (its arguments assembled from every delta).
    ToolCall {
        id: String,
        name: String,
        input: Value,
        /// The arguments were not valid JSON: the loop tells the model so.
        input_error: Option<String>,
    },
    /// Tokens the call used (sent once, at its end).
    Usage(Usage),
    /// The call ended normally.
    Done { stop_reason: Option<String> },
}

pub type EventStream = BoxStream<'static, Result<ProviderEvent, ProviderError>>;

/// A model provider (Anthropic Messages, OpenAI-compatible chat completions, or a test double).
#[async_trait]
pub trait Provider: Send + Sync + 'static {
    /// "anthropic" or "openai".
    fn name(&self) -> &'static str;
    fn model(&self) -> &str;
    /// Sends the request and returns its events once the response headers say it is accepted.
    async fn start(&self, req: &ChatRequest) -> Result<EventStream, ProviderError>;
}

/// Why a call failed. The messages are for the operator's log: they never contain the key
/// (provider error texts are scrubbed of it) and say what to do where there is something to do.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ProviderError {
    #[error(
        "No API key found for {provider}: run `openclaw login --provider {provider}` or set {env}"
    )]
    NoApiKey {
        provider: &'static str,
        env: &'static str,
    },
    #[error("{provider} answered HTTP {status}: {message}")]
    Http {
        provider: &'static str,
        status: u16,
        message: String,
        retry_after: Option<Duration>,
    },
    /// An `error` event inside the stream.
    #[error("{provider} reported {kind} in the stream: {message}")]
    Stream {
        provider: &'static str,
        kind: String,
        message: String,
    },
    #[error("cannot reach {provider}: {message}")]
    Network {
        provider: &'static str,
        message: String,
    },
    #[error("the {provider} stream ended before the answer was complete: {message}")]
    Dropped {
        provider: &'static str,
        message: String,
    },
    #[error("{provider} sent something unreadable: {message}")]
    Protocol {
        provider: &'static str,
        message: String,
    },
}

impl ProviderError {
    /// Whether trying again later may succeed: rate limits, overload (529), server errors,
    /// network failures and dropped streams.
    pub fn is_retryable(&self) -> bool {
        match self {
            ProviderError::Http { status, .. } => {
                matches!(status, 408 | 409 | 425 | 429) || *status >= 500
            }
            ProviderError::Stream { kind, .. } => matches!(
                kind.as_str(),
                "overloaded_error" | "api_error" | "rate_limit_error" | "server_error" | "timeout"
            ),
            ProviderError::Network { .. } | ProviderError::Dropped { .. } => true,
            ProviderError::NoApiKey { .. } | ProviderError::Protocol { .. } => false,
        }
    }

    /// How long the provider asked us to wait (`retry-after`).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ProviderError::Http { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// One short sentence for the chat: no internals, and a hint the owner can act on.
    pub fn user_message(&self) -> String {
        match self {
            ProviderError::NoApiKey { .. } => {
                "Sorry, I can't answer yet: no API key is configured for the model (the owner can fix this with `openclaw login`).".into()
            }
            ProviderError::Http {
                status: 401 | 403, ..
            } => "Sorry, the model provider refused the API key (the owner can fix this with `openclaw login`).".into(),
            ProviderError::Http { status: 429, .. } => {
                "Sorry, the model is rate limited right now; please try again in a minute.".into()
            }
            e if e.is_retryable() => {
                "Sorry, the model is unavailable right now; please try again in a minute.".into()
            }
            _ => "Sorry, the model could not answer this message.".into(),
        }
    }
}
