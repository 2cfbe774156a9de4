//! The durable store: the inbound record (dedup claims, the queue of turns, the reply outbox,
//! the card a reply streams into), DM pairing, and the agent's sessions.
//!
//! The pipeline talks to one [`Store`] trait. SQLite (one file under the state dir, WAL) is the
//! embedded default; a PostgreSQL backend for several replicas implements the same trait with the
//! same schema, so the pipeline does not change. The store *is* the queue: a chat worker takes
//! the oldest open event of its chat from here, so a restart replays exactly what was recorded
//! and not answered, and memory holds nothing but wake-ups.

mod batches;
pub mod jobs;
mod open;
mod postgres;
mod records;
mod sqlite;

use std::fmt;

use async_trait::async_trait;

pub use batches::BatchStore;
pub use jobs::{Job, JobId, JobRun, JobStore, RunOutcome};
pub use open::{DATABASE_URL_ENV, database_url, open};
pub use postgres::PostgresStore;
pub use records::{
    CardRecord, ChatSpan, Claim, EventStatus, HistoryQuery, NewEvent, Pairing, PairingAsk,
    PairingRequest, PairingStatus, QueueDepth, Replica, StoredEvent,
};
pub use sqlite::SqliteStore;

/// An error of the store. Its message names the database, never its contents.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(String),
    #[error("cannot open the database at {path}: {reason}")]
    Open { path: String, reason: String },
    #[error(
        "the database at {path} has schema version {found}, newer than this binary knows ({known}); upgrade openclaw"
    )]
    TooNew {
        path: String,
        found: i64,
        known: i64,
    },
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The durable state the pipeline needs. Every method is one short transaction.
#[async_trait]
pub trait Store: BatchStore + JobStore + Send + Sync + fmt::Debug + 'static {
    /// Records the event unless its event id or message id was seen for the account.
    /// Atomic: of two concurrent claims of one event, exactly one is `New`.
    async fn claim(&self, event: NewEvent) -> Result<Claim>;

    /// The oldest open event of a chat queue, if any.
    async fn next_open(&self, account: &str, chat_key: &str) -> Result<Option<StoredEvent>>;

    /// The chat queues with open events received after `since_ms` (for replay on start).
    async fn open_chats(&self, account: &str, since_ms: i64) -> Result<Vec<String>>;

    /// Where a chat's queue stands in create-time terms (see [`ChatSpan`]): how far back an
    /// earlier message of the chat may still be on its way to another replica, and whether
    /// messages wait behind the one at hand.
    async fn chat_span(&self, account: &str, chat_key: &str, before_ms: i64) -> Result<ChatSpan>;

    /// Which of `message_ids` the account has recorded already.
    async fn known_messages(&self, account: &str, message_ids: &[String]) -> Result<Vec<String>>;

    /// When the account last received an event (any replica), if ever; and the creation time
    /// of its oldest open event, if any.
    async fn restart_marks(&self, account: &str) -> Result<(Option<i64>, Option<i64>)>;

    /// Moves an event to `status`, with an optional reason.
    async fn set_status(
        &self,
        account: &str,
        event_id: &str,
        status: EventStatus,
        reason: Option<&str>,
    ) -> Result<()>;

    /// Records the reply parts and moves the event to `Answered`, in one step.
    async fn record_reply(&self, account: &str, event_id: &str, parts_json: &str) -> Result<()>;

    /// Records that the next part of the reply was sent as `message_id` (parts are sent in
    /// order); with `last`, the event is `Sent` in the same step.
    async fn record_sent_part(
        &self,
        account: &str,
        event_id: &str,
        message_id: &str,
        last: bool,
    ) -> Result<()>;

    /// Remembers (or forgets, with `None`) the typing reaction on the event's message.
    async fn set_typing(&self, account: &str, event_id: &str, reaction: Option<&str>)
    -> Result<()>;

    /// Counts one more processing attempt and returns the new count.
    async fn bump_attempts(&self, account: &str, event_id: &str) -> Result<i64>;

    /// One event by id.
    async fn event(&self, account: &str, event_id: &str) -> Result<Option<StoredEvent>>;

    /// Open events of an account (the queue depth).
    async fn depth(&self, account: &str) -> Result<QueueDepth>;

    /// The chat's events created before `q.before_ms` that are either messages refused as
    /// `q.reason` (not addressed to the bot) or answered turns, newest first, at most `q.limit`:
    /// what a group turn's context is read from (`inbound::history`).
    async fn unaddressed(&self, q: HistoryQuery) -> Result<Vec<StoredEvent>>;

    /// Deletes closed events received before `before_ms` (dedup keeps what is younger).
    async fn prune(&self, before_ms: i64) -> Result<u64>;

    /// A session's history document (see `openclaw_agent::llm::Session`).
    async fn load_session(&self, key: &str) -> Result<Option<String>>;

    /// Stores a session's history document, replacing the previous one.
    async fn save_session(&self, key: &str, data: &str) -> Result<()>;

    /// Forgets a session (`/new`, `/reset`).
    async fn delete_session(&self, key: &str) -> Result<()>;

    /// Records the card a reply streams into and the sequence base of its current writer.
    async fn set_card(
        &self,
        account: &str,
        event_id: &str,
        card_id: &str,
        seq_base: i64,
    ) -> Result<()>;

    /// Records card `idx` (1 and up) of a long streamed reply and its writer's sequence base;
    /// card 0 is [`Store::set_card`]'s.
    async fn set_more_card(
        &self,
        account: &str,
        event_id: &str,
        idx: usize,
        card_id: &str,
        seq_base: i64,
    ) -> Result<()>;

    /// Asks for a pairing code for a DM sender (see [`PairingRequest`]).
    async fn request_pairing(&self, ask: PairingAsk) -> Result<PairingRequest>;

    /// Whether a DM sender was approved.
    async fn is_approved(&self, account: &str, open_id: &str) -> Result<bool>;

    /// Pending, unexpired requests (all accounts when `account` is `None`).
    async fn pending_pairings(&self, account: Option<&str>, now_ms: i64) -> Result<Vec<Pairing>>;

    /// Approves or rejects a pending, unexpired code (codes are unique across accounts).
    async fn decide_pairing(
        &self,
        code: &str,
        approve: bool,
        now_ms: i64,
    ) -> Result<Option<Pairing>>;

    // Several replicas on one database. The defaults are a store only one process uses
    // (SQLite): every lease is granted and there is nothing to sweep or count.

    /// Whether several gateway replicas may share this store (chats then need leases).
    fn shared(&self) -> bool {
        false
    }

    /// Takes, or renews, `holder`'s lease on a chat's queue for `ttl_ms` (database clock);
    /// `false` while another holder's lease is unexpired.
    async fn lease_chat(
        &self,
        account: &str,
        chat_key: &str,
        holder: &str,
        ttl_ms: i64,
    ) -> Result<bool> {
        let _ = (account, chat_key, holder, ttl_ms);
        Ok(true)
    }

    /// Gives a lease back (when the chat has nothing open, or at shutdown).
    async fn release_chat(&self, account: &str, chat_key: &str, holder: &str) -> Result<()> {
        let _ = (account, chat_key, holder);
        Ok(())
    }

    /// Gives up every lease of a replica known to be dead (this process's predecessor on the
    /// same state directory) and deletes its heartbeat; returns how many leases it held.
    async fn forget_replica(&self, id: &str) -> Result<u64> {
        let _ = id;
        Ok(0)
    }

    /// Chats with open events received at least `grace_ms` ago whose lease is absent or
    /// expired: a replica died or stopped mid-queue, and a live one must take them over.
    async fn orphan_chats(&self, account: &str, grace_ms: i64) -> Result<Vec<String>> {
        let _ = (account, grace_ms);
        Ok(Vec::new())
    }

    /// Says this replica is alive (its row is touched with the database's clock).
    async fn heartbeat(&self, replica: &Replica) -> Result<()> {
        let _ = replica;
        Ok(())
    }

    /// Replicas seen within `window_ms`; `None` for a store only one process uses.
    async fn replicas_alive(&self, window_ms: i64) -> Result<Option<u64>> {
        let _ = window_ms;
        Ok(None)
    }

    /// The last heartbeats of replicas that stopped beating within the last `recent_ms` after
    /// `alive_ms` of silence: they died, and what their connections held is lost.
    async fn lapsed_replicas(&self, alive_ms: i64, recent_ms: i64) -> Result<Vec<i64>> {
        let _ = (alive_ms, recent_ms);
        Ok(Vec::new())
    }

    /// Shares a span of platform time in which this replica may have missed events (see
    /// `intake::catch_up`); a store only one process uses keeps nothing (the process remembers).
    async fn record_gap(&self, account: &str, from_ms: i64, to_ms: i64) -> Result<()> {
        let _ = (account, from_ms, to_ms);
        Ok(())
    }

    /// The shared gaps of an account ending after `since_ms`, as `(from_ms, to_ms)`.
    async fn gaps(&self, account: &str, since_ms: i64) -> Result<Vec<(i64, i64)>> {
        let _ = (account, since_ms);
        Ok(Vec::new())
    }
}

/// Milliseconds since the epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
