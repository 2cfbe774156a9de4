//! The records the store keeps and hands back: events and their status, claims, pairing
//! requests, a chat's queue in create-time terms, replicas.

/// Where an inbound event is in its life. Terminal states are never left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventStatus {
    /// Claimed and acknowledged; not yet judged by policy.
    Received,
    /// Admitted by policy; the agent has not answered yet.
    Admitted,
    /// The reply is recorded (the outbox); parts may still be unsent.
    Answered,
    /// Every part of the reply was confirmed by the platform.
    Sent,
    /// Refused by policy, with the reason.
    Refused,
    /// Not a message for the agent (reactions, read receipts, the bot's own messages, ...).
    Ignored,
    /// Older than the age cutoff when its turn came.
    Expired,
    /// Gave up after the send failed for good; the reason says why.
    Failed,
    /// Stopped by `/stop` (or interrupted by a newer message) while its turn ran: never run
    /// again.
    Stopped,
}

impl EventStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            EventStatus::Received => "received",
            EventStatus::Admitted => "admitted",
            EventStatus::Answered => "answered",
            EventStatus::Sent => "sent",
            EventStatus::Refused => "refused",
            EventStatus::Ignored => "ignored",
            EventStatus::Expired => "expired",
            EventStatus::Failed => "failed",
            EventStatus::Stopped => "stopped",
        }
    }

    pub fn parse(s: &str) -> Option<EventStatus> {
        Some(match s {
            "received" => EventStatus::Received,
            "admitted" => EventStatus::Admitted,
            "answered" => EventStatus::Answered,
            "sent" => EventStatus::Sent,
            "refused" => EventStatus::Refused,
            "ignored" => EventStatus::Ignored,
            "expired" => EventStatus::Expired,
            "failed" => EventStatus::Failed,
            "stopped" => EventStatus::Stopped,
            _ => return None,
        })
    }

    /// Whether the pipeline still has work to do on the event.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            EventStatus::Received | EventStatus::Admitted | EventStatus::Answered
        )
    }
}

/// An event to claim.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub account: String,
    pub event_id: String,
    pub message_id: Option<String>,
    pub event_type: String,
    /// The queue the event belongs to (a chat); `None` for events with no turn to run.
    pub chat_key: Option<String>,
    /// The plaintext envelope JSON.
    pub payload: String,
    pub received_at_ms: i64,
    /// When the platform says the message was created.
    pub created_at_ms: Option<i64>,
    /// The status it starts in: `Received`, or `Ignored` for events with nothing to do.
    pub status: EventStatus,
}

/// What a claim found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// First sight: recorded, the caller acknowledges and processes it.
    New,
    /// Seen before under the same event id (a redelivery).
    DuplicateEvent,
    /// The same message seen before under another event id (a re-push).
    DuplicateMessage,
}

/// A recorded event.
#[derive(Debug, Clone)]
pub struct StoredEvent {
    pub seq: i64,
    pub account: String,
    pub event_id: String,
    pub message_id: Option<String>,
    pub event_type: String,
    pub chat_key: Option<String>,
    pub payload: String,
    pub received_at_ms: i64,
    pub created_at_ms: Option<i64>,
    pub status: EventStatus,
    pub reason: Option<String>,
    /// The recorded reply parts (JSON), once answered.
    pub parts: Option<String>,
    /// Platform message ids of the parts sent so far, in order.
    pub sent_ids: Vec<String>,
    pub typing_reaction: Option<String>,
    pub attempts: i64,
    /// The CardKit card the reply streams into, once created.
    pub card_id: Option<String>,
    /// The sequence the card's current writer starts above (each run takes a fresh range, so a
    /// resumed stream never reuses a sequence the platform already accepted).
    pub card_seq: i64,
    /// The cards after the first that a long streamed reply continues in (part 1, 2, …), each
    /// recorded as it is created, so a resumed turn continues them rather than posting more.
    pub more_cards: Vec<CardRecord>,
    /// The batch the event is answered in: the event id of the batch's lead (the last message,
    /// the one the reply goes to). `None`: the event is a turn of its own.
    pub batch: Option<String>,
}

/// A streamed card beyond the first: its id and its current writer's sequence base.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CardRecord {
    pub card_id: String,
    pub seq: i64,
}

impl StoredEvent {
    /// Card `i` of the streamed reply (0: the first) and its sequence base, once created.
    pub fn card(&self, i: usize) -> Option<(&str, i64)> {
        match i {
            0 => self.card_id.as_deref().map(|id| (id, self.card_seq)),
            _ => self
                .more_cards
                .get(i - 1)
                .map(|c| (c.card_id.as_str(), c.seq)),
        }
    }
}

/// `more_cards` (as stored, JSON) with card `idx` (1 and up) set to `card_id` at `seq`.
pub(crate) fn with_more_card(stored: &str, idx: usize, card_id: &str, seq: i64) -> String {
    let mut list: Vec<CardRecord> = serde_json::from_str(stored).unwrap_or_default();
    let rec = CardRecord {
        card_id: card_id.to_owned(),
        seq,
    };
    match list.get_mut(idx.saturating_sub(1)) {
        Some(slot) => *slot = rec,
        // Cards are created in order, so a new one is the next.
        None => list.push(rec),
    }
    serde_json::to_string(&list).unwrap_or_else(|_| "[]".into())
}

/// A DM pairing request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pairing {
    pub account: String,
    pub open_id: String,
    pub code: String,
    pub chat_id: Option<String>,
    pub name: Option<String>,
    pub status: PairingStatus,
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairingStatus {
    Pending,
    Approved,
    Rejected,
}

impl PairingStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PairingStatus::Pending => "pending",
            PairingStatus::Approved => "approved",
            PairingStatus::Rejected => "rejected",
        }
    }

    pub(crate) fn parse(s: &str) -> PairingStatus {
        match s {
            "approved" => PairingStatus::Approved,
            "rejected" => PairingStatus::Rejected,
            _ => PairingStatus::Pending,
        }
    }
}

/// A DM sender asking (by writing) to be let in.
#[derive(Debug, Clone)]
pub struct PairingAsk {
    pub account: String,
    pub open_id: String,
    pub chat_id: Option<String>,
    pub name: Option<String>,
    pub now_ms: i64,
    /// How long the code stays valid.
    pub ttl_ms: i64,
    /// Codes an account may have pending at once.
    pub max_pending: usize,
}

/// What asking for a pairing code gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PairingRequest {
    /// A new code: tell the user once.
    Created(Pairing),
    /// A code is already pending for this user: say nothing more.
    Pending(Pairing),
    /// Already approved (a race with the CLI): let the message through.
    Approved,
    /// Too many codes are pending for the account; the user is told nothing.
    TooMany,
}

/// Counts of events by status, for `/status` and the metrics.
#[derive(Debug, Clone, Default)]
pub struct QueueDepth {
    pub open: u64,
}

/// A chat's queue in create-time terms.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChatSpan {
    /// The creation time of the chat's newest closed event created at or before the time asked
    /// about: what came before it was settled already.
    pub last_closed_ms: Option<i64>,
    /// The creation time of the chat's newest open event.
    pub newest_open_ms: Option<i64>,
}

/// A running gateway process, as its heartbeat row names it.
#[derive(Debug, Clone)]
pub struct Replica {
    pub id: String,
    pub host: String,
    pub pid: u32,
    pub started_at_ms: i64,
}

/// Which of a chat's events a group turn's context is read from (see `Store::unaddressed`).
#[derive(Debug, Clone)]
pub struct HistoryQuery {
    pub account: String,
    pub chat_key: String,
    /// Only events created before this (the turn's message).
    pub before_ms: i64,
    /// The refusal reason of an unaddressed message.
    pub reason: String,
    pub limit: u32,
}
