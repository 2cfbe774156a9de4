//! How a turn ends, and why it could not: one [`Outcome`] per turn that finished, which the
//! chat worker writes to the store in one place (`inbound::settle`), and one [`TurnError`]
//! per turn that did not, saying what the worker should do about it.

use std::time::Duration;

use crate::outbound::OutboundError;
use crate::store::{EventStatus, StoreError};

/// How a turn that finished ended. The worker records it (`settle`); a value left unrecorded
/// is a warning at compile time.
#[must_use = "a turn's outcome must be settled in the store"]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Closed without an answer: refused by policy, not a message, too old.
    Closed { status: EventStatus, reason: String },
    /// Answered, and every part's send recorded (the last one closed the event in the same
    /// step as its record).
    Sent,
    /// Answered with nothing to send (an empty answer, or a crash after the last part
    /// landed): to be closed as sent.
    NothingToSend,
}

impl Outcome {
    pub(crate) fn closed(status: EventStatus, reason: impl Into<String>) -> Outcome {
        Outcome::Closed {
            status,
            reason: reason.into(),
        }
    }
}

/// Why a turn stopped before its end. The event stays open; the worker tries it again after
/// [`TurnError::retry_after`] (or its own backoff), or gives it up at once when
/// [`TurnError::is_permanent`].
#[derive(Debug, thiserror::Error)]
pub enum TurnError {
    /// The store is away: try again later.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The reply could not be sent (or its record cannot be read).
    #[error(transparent)]
    Outbound(#[from] OutboundError),
    /// The bot's own identity (needed to tell a mention of it) could not be learnt: try again.
    #[error("cannot learn the bot's identity: {0}")]
    Identity(lark::Error),
    /// The card that was clicked, or its chat, could not be read: try again.
    #[error("cannot read the clicked card: {0}")]
    Card(lark::Error),
}

impl TurnError {
    /// How long the platform asked to wait, when it did.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            TurnError::Outbound(e) => e.retry_after(),
            TurnError::Identity(lark::Error::RateLimited { retry_after, .. })
            | TurnError::Card(lark::Error::RateLimited { retry_after, .. }) => Some(*retry_after),
            _ => None,
        }
    }

    /// Whether trying again cannot help (give the event up now, with this reason).
    pub fn is_permanent(&self) -> bool {
        matches!(self, TurnError::Outbound(e) if e.is_permanent())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_turn_error_says_how_long_to_wait_and_whether_to_try_again() {
        let limited = TurnError::Outbound(OutboundError::Send {
            what: "part 1 of the reply".into(),
            source: lark::Error::RateLimited {
                code: 99991400,
                retry_after: Duration::from_secs(3),
                log_id: String::new(),
            },
        });
        assert_eq!(limited.retry_after(), Some(Duration::from_secs(3)));
        assert!(!limited.is_permanent());
        assert!(
            limited.to_string().contains("part 1 of the reply"),
            "{limited}"
        );
        let unreadable = TurnError::Outbound(OutboundError::Unreadable("eof".into()));
        assert!(unreadable.is_permanent(), "the same record reads the same");
        assert_eq!(unreadable.retry_after(), None);
        let away = TurnError::Store(StoreError::Db("connection reset".into()));
        assert!(!away.is_permanent());
        assert_eq!(away.retry_after(), None);
    }
}
