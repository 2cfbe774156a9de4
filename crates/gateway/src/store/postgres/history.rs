//! A group's unaddressed messages and answered turns, newest first, in PostgreSQL.

use super::{EVENT_COLUMNS, PostgresStore, event_row};
use crate::store::{HistoryQuery, Result, StoredEvent};

impl PostgresStore {
    pub(super) async fn history_read(&self, q: HistoryQuery) -> Result<Vec<StoredEvent>> {
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE account = $1 AND chat_key = $2 \
                 AND created_at_ms < $3 \
                 AND ((status = 'refused' AND reason = $4) OR status IN ('answered', 'sent')) \
                 ORDER BY created_at_ms DESC, seq DESC LIMIT $5"
        );
        let p: [&(dyn tokio_postgres::types::ToSql + Sync); 5] = [
            &q.account,
            &q.chat_key,
            &q.before_ms,
            &q.reason,
            &i64::from(q.limit),
        ];
        let rows = self.rows(&sql, &p).await?;
        Ok(rows.iter().map(event_row).collect())
    }
}
