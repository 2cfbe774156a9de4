//! A group's unaddressed messages and answered turns, newest first, in SQLite.

use rusqlite::params;

use super::{EVENT_COLUMNS, SqliteStore, event_row};
use crate::store::{HistoryQuery, Result, StoredEvent};

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
}
