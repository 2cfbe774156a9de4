//! Why a reply could not be sent, in the terms its caller acts on: the store away (try again),
//! the platform refusing (wait what it said, or back off), or a record that cannot be read
//! (trying again gives the same).

use std::time::Duration;

use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum OutboundError {
    /// The store is away: try again later.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The platform failed or refused a send of `what` (a part of the reply, a notice).
    #[error("sending {what} failed: {source}")]
    Send {
        what: String,
        #[source]
        source: lark::Error,
    },
    /// Writing or closing a streamed card failed.
    #[error("{what} of card {card_id} failed: {source}")]
    Card {
        what: &'static str,
        card_id: String,
        #[source]
        source: lark::Error,
    },
    /// The recorded reply cannot be read back.
    #[error("the recorded reply is unreadable: {0}")]
    Unreadable(String),
}

impl OutboundError {
    /// How long the platform asked to wait, when it did.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            OutboundError::Send { source, .. } | OutboundError::Card { source, .. } => match source
            {
                lark::Error::RateLimited { retry_after, .. } => Some(*retry_after),
                _ => None,
            },
            _ => None,
        }
    }

    /// Whether trying again cannot help.
    pub fn is_permanent(&self) -> bool {
        matches!(self, OutboundError::Unreadable(_))
    }
}
