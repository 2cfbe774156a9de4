//! A chat's past in SQLite: a group's unaddressed messages and answered turns, newest first,
//! and the span of its settled and open events.

use rusqlite::params;

use super::{EVENT_COLUMNS, SqliteStore, event_row};
use crate::store::{ChatSpan, HistoryQuery, Result, StoredEvent};

impl SqliteStore {
    pub(super) async fn history_read(&self, q: HistoryQuery) -> Result<Vec<StoredEvent>> {
        self.with(move |c| {
            let mut st = c.prepare_cached(&format!(
                "SELECT {EVENT_COLUMNS} FROM events WHERE account = ?1 AND chat_key = ?2 \
                 AND created_at_ms < ?3 \
                 AND ((status = 'refused' AND reason = ?4) OR status IN ('answered', 'sent')) \
                 ORDER BY created_at_ms DESC, seq DESC LIMIT ?5"
            ))?;
            let rows = st.query_map(
                params![q.account, q.chat_key, q.before_ms, q.reason, q.limit],
                event_row,
            )?;
            rows.collect()
        })
        .await
    }

    pub(super) async fn span_read(
        &self,
        account: &str,
        chat_key: &str,
        before_ms: i64,
    ) -> Result<ChatSpan> {
        let (account, chat_key) = (account.to_owned(), chat_key.to_owned());
        self.with(move |c| {
            c.query_row(
                // Newest first along events_chat_created, stopping at the first match, rather
                // than MAX over every event of the chat.
                "SELECT (SELECT created_at_ms FROM events WHERE account = ?1 \
                 AND chat_key = ?2 AND status NOT IN ('received', 'admitted', 'answered') \
                 AND created_at_ms <= ?3 ORDER BY created_at_ms DESC LIMIT 1), \
                 (SELECT created_at_ms FROM events WHERE account = ?1 AND chat_key = ?2 \
                 AND status IN ('received', 'admitted', 'answered') \
                 AND created_at_ms IS NOT NULL ORDER BY created_at_ms DESC LIMIT 1)",
                params![account, chat_key, before_ms],
                |r| {
                    Ok(ChatSpan {
                        last_closed_ms: r.get(0)?,
                        newest_open_ms: r.get(1)?,
                    })
                },
            )
        })
        .await
    }
}
