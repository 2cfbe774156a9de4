//! The PostgreSQL store, for several gateway replicas sharing one database.
//!
//! The same tables and statements as SQLite (migrations/postgres 0001–0002 mirror
//! migrations/sqlite); only the dialect differs, plus what replicas need and one process does
//! not (0003–0004): chat leases, the sweep for chats a dead replica left, heartbeat rows, and
//! the gaps every replica catches chats up over.
//!
//! tokio-postgres with a deadpool pool, rather than sqlx: the plain async driver is all the
//! hand-written SQL here needs, it builds in a fraction of the time, and the pool gives the
//! bounded waits (for a connection, for a connect) that keep a call from hanging while the
//! database is away. Every call is one statement or one short transaction; a call that fails
//! because the database went away fails fast, and its caller retries (a chat worker after a
//! pause, intake by not acknowledging so the platform redelivers); broken connections are
//! dropped from the pool and new ones made once the database is back.

mod batches;
mod connect;
mod history;
mod jobs;
mod migrate;
mod more;
mod outbox;
mod pem;
mod tls;
mod url;

use async_trait::async_trait;
use deadpool_postgres::Pool;
use tokio_postgres::Row;

use super::{
    ChatSpan, Claim, EventStatus, HistoryQuery, NewEvent, Pairing, PairingAsk, PairingRequest,
    QueueDepth, Replica, Result, Store, StoredEvent,
};

use connect::pool_err;
pub(super) use connect::{db, why_no_connection};

/// The database's clock in milliseconds: leases and heartbeats compare times written by
/// different machines, so they use one clock.
const NOW_MS: &str = "(extract(epoch from clock_timestamp()) * 1000)::bigint";

const OPEN: &str = "('received', 'admitted', 'answered')";

#[derive(Clone)]
pub struct PostgresStore {
    pool: Pool,
    /// The URL without its password, for messages.
    shown: String,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore")
            .field("url", &self.shown)
            .finish()
    }
}

impl PostgresStore {
    async fn client(&self) -> Result<deadpool_postgres::Client> {
        self.pool.get().await.map_err(pool_err)
    }

    /// Runs one statement and returns the rows it changed.
    async fn exec(
        &self,
        sql: &str,
        p: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<u64> {
        let c = self.client().await?;
        let st = c.prepare_cached(sql).await.map_err(db)?;
        c.execute(&st, p).await.map_err(db)
    }

    async fn rows(
        &self,
        sql: &str,
        p: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<Vec<Row>> {
        let c = self.client().await?;
        let st = c.prepare_cached(sql).await.map_err(db)?;
        c.query(&st, p).await.map_err(db)
    }

    async fn opt_row(
        &self,
        sql: &str,
        p: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<Option<Row>> {
        let c = self.client().await?;
        let st = c.prepare_cached(sql).await.map_err(db)?;
        c.query_opt(&st, p).await.map_err(db)
    }
}

const EVENT_COLUMNS: &str = "seq, account, event_id, message_id, event_type, chat_key, payload, \
    received_at_ms, created_at_ms, status, reason, parts, sent_ids::text, typing_reaction, \
    attempts, card_id, card_seq, batch, more_cards";

fn event_row(r: &Row) -> StoredEvent {
    let status: String = r.get(9);
    let sent: String = r.get(12);
    let more: String = r.get(18);
    StoredEvent {
        seq: r.get(0),
        account: r.get(1),
        event_id: r.get(2),
        message_id: r.get(3),
        event_type: r.get(4),
        chat_key: r.get(5),
        payload: r.get(6),
        received_at_ms: r.get(7),
        created_at_ms: r.get(8),
        status: EventStatus::parse(&status).unwrap_or(EventStatus::Failed),
        reason: r.get(10),
        parts: r.get(11),
        sent_ids: serde_json::from_str(&sent).unwrap_or_default(),
        typing_reaction: r.get(13),
        attempts: r.get(14),
        card_id: r.get(15),
        card_seq: r.get(16),
        batch: r.get(17),
        more_cards: serde_json::from_str(&more).unwrap_or_default(),
    }
}

#[async_trait]
impl Store for PostgresStore {
    async fn claim(&self, e: NewEvent) -> Result<Claim> {
        // ON CONFLICT without a target covers both unique keys (event id, message id): of two
        // replicas claiming one event, the second waits for the first's commit and inserts
        // nothing.
        let inserted = self
            .exec(
                "INSERT INTO events (account, event_id, message_id, event_type, chat_key, payload, \
                 received_at_ms, created_at_ms, status, updated_at_ms) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $7) ON CONFLICT DO NOTHING",
                &[
                    &e.account,
                    &e.event_id,
                    &e.message_id,
                    &e.event_type,
                    &e.chat_key,
                    &e.payload,
                    &e.received_at_ms,
                    &e.created_at_ms,
                    &e.status.as_str(),
                ],
            )
            .await?;
        if inserted == 1 {
            return Ok(Claim::New);
        }
        let same_event = self
            .opt_row(
                "SELECT 1 FROM events WHERE account = $1 AND event_id = $2",
                &[&e.account, &e.event_id],
            )
            .await?
            .is_some();
        Ok(if same_event {
            Claim::DuplicateEvent
        } else {
            Claim::DuplicateMessage
        })
    }

    async fn next_open(&self, account: &str, chat_key: &str) -> Result<Option<StoredEvent>> {
        // In the platform's order (the message's create time), not the claim order: replicas
        // claim a chat's messages concurrently, so a later message may get the lower seq.
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE account = $1 AND chat_key = $2 \
             AND status IN {OPEN} ORDER BY COALESCE(created_at_ms, received_at_ms), seq LIMIT 1"
        );
        Ok(self
            .opt_row(&sql, &[&account, &chat_key])
            .await?
            .map(|r| event_row(&r)))
    }

    async fn open_chats(&self, account: &str, since_ms: i64) -> Result<Vec<String>> {
        let sql = format!(
            "SELECT chat_key FROM events WHERE account = $1 AND chat_key IS NOT NULL \
             AND status IN {OPEN} AND received_at_ms >= $2 GROUP BY chat_key ORDER BY MIN(seq)"
        );
        let rows = self.rows(&sql, &[&account, &since_ms]).await?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    async fn chat_span(&self, account: &str, chat_key: &str, before_ms: i64) -> Result<ChatSpan> {
        self.span(account, chat_key, before_ms).await
    }

    async fn known_messages(&self, account: &str, message_ids: &[String]) -> Result<Vec<String>> {
        if message_ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = self
            .rows(
                "SELECT message_id FROM events WHERE account = $1 AND message_id = ANY($2)",
                &[&account, &message_ids],
            )
            .await?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    async fn restart_marks(&self, account: &str) -> Result<(Option<i64>, Option<i64>)> {
        let sql = format!(
            "SELECT MAX(received_at_ms), MIN(CASE WHEN status IN {OPEN} THEN created_at_ms END) \
             FROM events WHERE account = $1"
        );
        let row = self.opt_row(&sql, &[&account]).await?;
        Ok(row.map_or((None, None), |r| (r.get(0), r.get(1))))
    }

    async fn set_status(
        &self,
        account: &str,
        event_id: &str,
        status: EventStatus,
        reason: Option<&str>,
    ) -> Result<()> {
        self.status_set(account, event_id, status, reason).await
    }

    async fn record_reply(&self, account: &str, event_id: &str, parts_json: &str) -> Result<()> {
        self.reply_record(account, event_id, parts_json).await
    }

    async fn record_sent_part(
        &self,
        account: &str,
        event_id: &str,
        message_id: &str,
        last: bool,
    ) -> Result<()> {
        self.sent_part_record(account, event_id, message_id, last)
            .await
    }

    async fn set_typing(
        &self,
        account: &str,
        event_id: &str,
        reaction: Option<&str>,
    ) -> Result<()> {
        self.typing_set(account, event_id, reaction).await
    }

    async fn bump_attempts(&self, account: &str, event_id: &str) -> Result<i64> {
        self.attempts_bump(account, event_id).await
    }

    async fn event(&self, account: &str, event_id: &str) -> Result<Option<StoredEvent>> {
        let sql =
            format!("SELECT {EVENT_COLUMNS} FROM events WHERE account = $1 AND event_id = $2");
        Ok(self
            .opt_row(&sql, &[&account, &event_id])
            .await?
            .map(|r| event_row(&r)))
    }

    async fn depth(&self, account: &str) -> Result<QueueDepth> {
        let sql = format!("SELECT COUNT(*) FROM events WHERE account = $1 AND status IN {OPEN}");
        let open: i64 = self
            .opt_row(&sql, &[&account])
            .await?
            .map(|r| r.get(0))
            .unwrap_or(0);
        Ok(QueueDepth { open: open as u64 })
    }

    async fn unaddressed(&self, q: HistoryQuery) -> Result<Vec<StoredEvent>> {
        self.history_read(q).await
    }

    async fn prune(&self, before_ms: i64) -> Result<u64> {
        let sql = format!("DELETE FROM events WHERE received_at_ms < $1 AND status NOT IN {OPEN}");
        self.exec(&sql, &[&before_ms]).await
    }

    async fn load_session(&self, key: &str) -> Result<Option<String>> {
        self.session_load(key).await
    }

    async fn save_session(&self, key: &str, data: &str) -> Result<()> {
        self.session_save(key, data, super::now_ms()).await
    }

    async fn delete_session(&self, key: &str) -> Result<()> {
        self.session_delete(key).await
    }

    async fn set_card(
        &self,
        account: &str,
        event_id: &str,
        card_id: &str,
        seq_base: i64,
    ) -> Result<()> {
        self.card_set(account, event_id, card_id, seq_base).await
    }

    async fn set_more_card(
        &self,
        account: &str,
        event_id: &str,
        idx: usize,
        card_id: &str,
        seq_base: i64,
    ) -> Result<()> {
        self.more_card_set(account, event_id, idx, card_id, seq_base)
            .await
    }

    async fn request_pairing(&self, ask: PairingAsk) -> Result<PairingRequest> {
        self.pairing_request(ask).await
    }

    async fn is_approved(&self, account: &str, open_id: &str) -> Result<bool> {
        Ok(self
            .opt_row(
                "SELECT 1 FROM pairing WHERE account = $1 AND open_id = $2 AND status = 'approved'",
                &[&account, &open_id],
            )
            .await?
            .is_some())
    }

    async fn pending_pairings(&self, account: Option<&str>, now_ms: i64) -> Result<Vec<Pairing>> {
        self.pairings_pending(account, now_ms).await
    }

    async fn decide_pairing(
        &self,
        code: &str,
        approve: bool,
        now_ms: i64,
    ) -> Result<Option<Pairing>> {
        self.pairing_decide(code, approve, now_ms).await
    }

    fn shared(&self) -> bool {
        true
    }

    async fn lease_chat(
        &self,
        account: &str,
        chat_key: &str,
        holder: &str,
        ttl_ms: i64,
    ) -> Result<bool> {
        self.lease(account, chat_key, holder, ttl_ms).await
    }

    async fn release_chat(&self, account: &str, chat_key: &str, holder: &str) -> Result<()> {
        self.release(account, chat_key, holder).await
    }

    async fn forget_replica(&self, id: &str) -> Result<u64> {
        self.forget(id).await
    }

    async fn orphan_chats(&self, account: &str, grace_ms: i64) -> Result<Vec<String>> {
        self.orphans(account, grace_ms).await
    }

    async fn heartbeat(&self, replica: &Replica) -> Result<()> {
        self.beat(replica).await
    }

    async fn replicas_alive(&self, window_ms: i64) -> Result<Option<u64>> {
        self.alive(window_ms).await.map(Some)
    }

    async fn lapsed_replicas(&self, alive_ms: i64, recent_ms: i64) -> Result<Vec<i64>> {
        self.lapsed(alive_ms, recent_ms).await
    }

    async fn record_gap(&self, account: &str, from_ms: i64, to_ms: i64) -> Result<()> {
        self.add_gap(account, from_ms, to_ms).await
    }

    async fn gaps(&self, account: &str, since_ms: i64) -> Result<Vec<(i64, i64)>> {
        self.recent_gaps(account, since_ms).await
    }
}
