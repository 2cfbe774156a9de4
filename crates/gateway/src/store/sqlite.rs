//! The SQLite store: one file, WAL journal, versioned migrations embedded in the binary.
//!
//! One connection behind a mutex, used from the blocking pool: SQLite serializes writers anyway,
//! and each call is one short statement or transaction. Other processes (the CLI approving a
//! pairing while the gateway runs) share the file through WAL and a busy timeout.

use std::path::Path;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use rusqlite::{Connection, OptionalExtension, Row, params};

use cached::Cached;

use super::{
    ChatSpan, Claim, EventStatus, HistoryQuery, NewEvent, Pairing, PairingAsk, PairingRequest,
    QueueDepth, Result, Store, StoreError, StoredEvent,
};

#[derive(Clone)]
pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
    path: String,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .finish()
    }
}

/// `execute` and `query_row` through the connection's statement cache: the hot statements are
/// parsed once, not on every event.
fn db(e: rusqlite::Error) -> StoreError {
    StoreError::Db(e.to_string())
}

impl SqliteStore {
    /// Opens (creating it and its folder if needed) and migrates the database at `path`.
    pub fn open(path: &Path) -> Result<SqliteStore> {
        let shown = path.display().to_string();
        let open_err = |reason: String| StoreError::Open {
            path: shown.clone(),
            reason,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| open_err(e.to_string()))?;
        }
        let conn = Connection::open(path).map_err(|e| open_err(e.to_string()))?;
        Self::init(conn, shown)
    }

    /// A private in-memory database (tests).
    pub fn in_memory() -> Result<SqliteStore> {
        let conn = Connection::open_in_memory().map_err(db)?;
        Self::init(conn, ":memory:".into())
    }

    fn init(mut conn: Connection, path: String) -> Result<SqliteStore> {
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(db)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(db)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(db)?;
        conn.pragma_update(None, "foreign_keys", "ON").map_err(db)?;
        // A 16 MiB page cache (SQLite's default is 2 MiB): a burst's events no longer fit in
        // 2 MiB, and then every turn's queries read their pages back from the file with a
        // syscall and a copy each, which the profile of a 3,000-message burst showed as a
        // third of the gateway's CPU. The cache grows only as pages are used.
        conn.pragma_update(None, "cache_size", -16_384)
            .map_err(db)?;
        migrate::migrate(&mut conn, &path)?;
        Ok(SqliteStore {
            conn: Arc::new(Mutex::new(conn)),
            path,
        })
    }

    /// Runs `f` on the connection, on the calling thread. Each call is one short statement or
    /// transaction (tens of microseconds), cheaper than the two thread switches a hop to the
    /// blocking pool costs; the busy timeout bounds a wait for another process's write.
    async fn with<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<T> {
        let mut guard = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard).map_err(db)
    }
}

const EVENT_COLUMNS: &str = "seq, account, event_id, message_id, event_type, chat_key, payload, \
    received_at_ms, created_at_ms, status, reason, parts, sent_ids, typing_reaction, attempts, \
    card_id, card_seq, batch, more_cards";

fn event_row(r: &Row<'_>) -> rusqlite::Result<StoredEvent> {
    let status: String = r.get(9)?;
    let sent: String = r.get(12)?;
    let more: String = r.get(18)?;
    Ok(StoredEvent {
        seq: r.get(0)?,
        account: r.get(1)?,
        event_id: r.get(2)?,
        message_id: r.get(3)?,
        event_type: r.get(4)?,
        chat_key: r.get(5)?,
        payload: r.get(6)?,
        received_at_ms: r.get(7)?,
        created_at_ms: r.get(8)?,
        status: EventStatus::parse(&status).unwrap_or(EventStatus::Failed),
        reason: r.get(10)?,
        parts: r.get(11)?,
        sent_ids: serde_json::from_str(&sent).unwrap_or_default(),
        typing_reaction: r.get(13)?,
        attempts: r.get(14)?,
        card_id: r.get(15)?,
        card_seq: r.get(16)?,
        batch: r.get(17)?,
        more_cards: serde_json::from_str(&more).unwrap_or_default(),
    })
}

#[async_trait]
impl Store for SqliteStore {
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

    async fn claim(&self, e: NewEvent) -> Result<Claim> {
        self.with(move |c| {
            let inserted = c.exec(
                "INSERT INTO events (account, event_id, message_id, event_type, chat_key, payload, \
                 received_at_ms, created_at_ms, status, updated_at_ms) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?7) ON CONFLICT DO NOTHING",
                params![
                    e.account,
                    e.event_id,
                    e.message_id,
                    e.event_type,
                    e.chat_key,
                    e.payload,
                    e.received_at_ms,
                    e.created_at_ms,
                    e.status.as_str()
                ],
            )?;
            if inserted == 1 {
                return Ok(Claim::New);
            }
            let same_event: bool = c
                .query_row(
                    "SELECT 1 FROM events WHERE account = ?1 AND event_id = ?2",
                    params![e.account, e.event_id],
                    |_| Ok(()),
                )
                .optional()?
                .is_some();
            Ok(if same_event {
                Claim::DuplicateEvent
            } else {
                Claim::DuplicateMessage
            })
        })
        .await
    }

    async fn next_open(&self, account: &str, chat_key: &str) -> Result<Option<StoredEvent>> {
        let (account, chat_key) = (account.to_owned(), chat_key.to_owned());
        self.with(move |c| {
            c.row(
                &format!(
                    "SELECT {EVENT_COLUMNS} FROM events WHERE account = ?1 AND chat_key = ?2 \
                     AND status IN ('received', 'admitted', 'answered') \
                     ORDER BY COALESCE(created_at_ms, received_at_ms), seq LIMIT 1"
                ),
                params![account, chat_key],
                event_row,
            )
            .optional()
        })
        .await
    }

    async fn open_chats(&self, account: &str, since_ms: i64) -> Result<Vec<String>> {
        let account = account.to_owned();
        self.with(move |c| {
            let mut st = c.prepare(
                "SELECT chat_key FROM events WHERE account = ?1 AND chat_key IS NOT NULL \
                 AND status IN ('received', 'admitted', 'answered') AND received_at_ms >= ?2 \
                 GROUP BY chat_key ORDER BY MIN(seq)",
            )?;
            let rows = st.query_map(params![account, since_ms], |r| r.get(0))?;
            rows.collect()
        })
        .await
    }

    async fn chat_span(&self, account: &str, chat_key: &str, before_ms: i64) -> Result<ChatSpan> {
        self.span_read(account, chat_key, before_ms).await
    }

    async fn known_messages(&self, account: &str, message_ids: &[String]) -> Result<Vec<String>> {
        if message_ids.is_empty() {
            return Ok(Vec::new());
        }
        let account = account.to_owned();
        let ids = message_ids.to_vec();
        self.with(move |c| {
            let marks = vec!["?"; ids.len()].join(", ");
            let mut st = c.prepare(&format!(
                "SELECT message_id FROM events WHERE account = ? AND message_id IN ({marks})"
            ))?;
            let args = std::iter::once(&account).chain(ids.iter());
            let rows = st.query_map(rusqlite::params_from_iter(args), |r| r.get(0))?;
            rows.collect()
        })
        .await
    }

    async fn restart_marks(&self, account: &str) -> Result<(Option<i64>, Option<i64>)> {
        let account = account.to_owned();
        self.with(move |c| {
            c.query_row(
                "SELECT MAX(received_at_ms), MIN(CASE WHEN status IN ('received', 'admitted', \
                 'answered') THEN created_at_ms END) FROM events WHERE account = ?1",
                params![account],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
        })
        .await
    }

    async fn set_status(
        &self,
        account: &str,
        event_id: &str,
        status: EventStatus,
        reason: Option<&str>,
    ) -> Result<()> {
        let (account, event_id) = (account.to_owned(), event_id.to_owned());
        let reason = reason.map(str::to_owned);
        self.with(move |c| {
            c.exec(
                "UPDATE events SET status = ?3, reason = COALESCE(?4, reason), updated_at_ms = ?5 \
                 WHERE account = ?1 AND event_id = ?2",
                params![account, event_id, status.as_str(), reason, super::now_ms()],
            )
            .map(drop)
        })
        .await
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
        let (account, event_id) = (account.to_owned(), event_id.to_owned());
        self.with(move |c| {
            c.row(
                &format!("SELECT {EVENT_COLUMNS} FROM events WHERE account = ?1 AND event_id = ?2"),
                params![account, event_id],
                event_row,
            )
            .optional()
        })
        .await
    }

    async fn depth(&self, account: &str) -> Result<QueueDepth> {
        let account = account.to_owned();
        self.with(move |c| {
            let open: i64 = c.row(
                "SELECT COUNT(*) FROM events WHERE account = ?1 \
                 AND status IN ('received', 'admitted', 'answered')",
                params![account],
                |r| r.get(0),
            )?;
            Ok(QueueDepth { open: open as u64 })
        })
        .await
    }

    async fn unaddressed(&self, q: HistoryQuery) -> Result<Vec<StoredEvent>> {
        self.history_read(q).await
    }

    async fn prune(&self, before_ms: i64) -> Result<u64> {
        self.with(move |c| {
            c.exec(
                "DELETE FROM events WHERE received_at_ms < ?1 \
                 AND status NOT IN ('received', 'admitted', 'answered')",
                params![before_ms],
            )
            .map(|n| n as u64)
        })
        .await
    }

    async fn request_pairing(&self, ask: PairingAsk) -> Result<PairingRequest> {
        self.pairing_request(ask).await
    }

    async fn is_approved(&self, account: &str, open_id: &str) -> Result<bool> {
        self.pairing_approved(account, open_id).await
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
}

mod batches;
mod cached;
mod history;
mod jobs;
mod migrate;
mod outbox;
mod pairing;
mod sessions;
#[cfg(test)]
mod tests;
