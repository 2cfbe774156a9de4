//! Sessions (conversation history documents) and the streaming card of a turn, in SQLite.

use rusqlite::{OptionalExtension, params};

use super::{Cached, SqliteStore};
use crate::store::Result;

impl SqliteStore {
    pub(super) async fn session_load(&self, key: &str) -> Result<Option<String>> {
        let key = key.to_owned();
        self.with(move |c| {
            c.row(
                "SELECT data FROM sessions WHERE key = ?1",
                params![key],
                |r| r.get(0),
            )
            .optional()
        })
        .await
    }

    pub(super) async fn session_save(&self, key: &str, data: &str, now_ms: i64) -> Result<()> {
        let (key, data) = (key.to_owned(), data.to_owned());
        self.with(move |c| {
            c.exec(
                "INSERT INTO sessions (key, data, updated_at_ms) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (key) DO UPDATE SET data = excluded.data, updated_at_ms = excluded.updated_at_ms",
                params![key, data, now_ms],
            )
            .map(drop)
        })
        .await
    }

    pub(super) async fn session_delete(&self, key: &str) -> Result<()> {
        let key = key.to_owned();
        self.with(move |c| {
            c.exec("DELETE FROM sessions WHERE key = ?1", params![key])
                .map(drop)
        })
        .await
    }

    pub(super) async fn card_set(
        &self,
        account: &str,
        event_id: &str,
        card_id: &str,
        seq_base: i64,
    ) -> Result<()> {
        let (account, event_id, card_id) =
            (account.to_owned(), event_id.to_owned(), card_id.to_owned());
        self.with(move |c| {
            c.exec(
                "UPDATE events SET card_id = ?3, card_seq = ?4 WHERE account = ?1 AND event_id = ?2",
                params![account, event_id, card_id, seq_base],
            )
            .map(drop)
        })
        .await
    }

    pub(super) async fn more_card_set(
        &self,
        account: &str,
        event_id: &str,
        idx: usize,
        card_id: &str,
        seq_base: i64,
    ) -> Result<()> {
        let (account, event_id, card_id) =
            (account.to_owned(), event_id.to_owned(), card_id.to_owned());
        self.with(move |c| {
            // The connection is held for both statements: nothing comes between them.
            let stored: String = c.query_row(
                "SELECT more_cards FROM events WHERE account = ?1 AND event_id = ?2",
                params![account, event_id],
                |r| r.get(0),
            )?;
            let list = crate::store::records::with_more_card(&stored, idx, &card_id, seq_base);
            c.exec(
                "UPDATE events SET more_cards = ?3 WHERE account = ?1 AND event_id = ?2",
                params![account, event_id, list],
            )
            .map(drop)
        })
        .await
    }
}
