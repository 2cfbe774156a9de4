//! Why an answer failed. `Display` is for logs; [`AgentError::user_message`] is the one sentence
//! the chat sees, so it never carries internal details.

/// An agent's failure. Non-exhaustive: LLM providers will add their own cases.
#[derive(thiserror::Error, Debug)]
#[non_exhaustive]
pub enum AgentError {
    /// The answer took longer than the configured limit and was stopped.
    #[error("the agent took longer than {seconds} s and was stopped")]
    Timeout { seconds: u64 },
    /// The agent failed; `message` is short and safe to show (no stderr, no secrets).
    #[error("the agent failed: {message}")]
    Failed { message: String },
    /// The agent is set up wrongly (detail for the operator's log only).
    #[error("agent configuration: {0}")]
    Config(String),
    /// The model provider failed (no key, refused, unavailable after retries, ...).
    #[error(transparent)]
    Model(#[from] crate::llm::ProviderError),
}

impl AgentError {
    /// One short sentence for the chat.
    pub fn user_message(&self) -> String {
        match self {
            AgentError::Timeout { seconds } => {
                format!("Sorry, the agent took longer than {seconds} s and was stopped.")
            }
            AgentError::Failed { message } => {
                format!("Sorry, the agent failed ({message}).")
            }
            // The detail may name paths or settings: it belongs in the log, not the chat.
            AgentError::Config(_) => "Sorry, the agent is not configured correctly.".to_owned(),
            AgentError::Model(e) => e.user_message(),
        }
    }
}
