//! Batches and multi-event closes in PostgreSQL (see `store::batches`).

use async_trait::async_trait;

use super::{EVENT_COLUMNS, OPEN, PostgresStore, event_row};
use crate::store::{BatchStore, EventStatus, Result, StoredEvent};

/// The order a chat's events are taken in (as `next_open`).
const ORDER: &str = "ORDER BY COALESCE(created_at_ms, received_at_ms), seq";

#[async_trait]
impl BatchStore for PostgresStore {
    async fn open_events(
        &self,
        account: &str,
        chat_key: &str,
        limit: u32,
    ) -> Result<Vec<StoredEvent>> {
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE account = $1 AND chat_key = $2 \
             AND status IN {OPEN} {ORDER} LIMIT $3"
        );
        let rows = self
            .rows(&sql, &[&account, &chat_key, &i64::from(limit)])
            .await?;
        Ok(rows.iter().map(event_row).collect())
    }

    async fn set_batch(&self, account: &str, lead: &str, members: &[String]) -> Result<()> {
        if members.is_empty() {
            return Ok(());
        }
        let sql = format!(
            "UPDATE events SET batch = $2 WHERE account = $1 AND status IN {OPEN} \
             AND event_id = ANY($3)"
        );
        self.exec(&sql, &[&account, &lead, &members])
            .await
            .map(drop)
    }

    async fn batch_events(&self, account: &str, lead: &str) -> Result<Vec<StoredEvent>> {
        let sql =
            format!("SELECT {EVENT_COLUMNS} FROM events WHERE account = $1 AND batch = $2 {ORDER}");
        let rows = self.rows(&sql, &[&account, &lead]).await?;
        Ok(rows.iter().map(event_row).collect())
    }

    async fn close_events(
        &self,
        account: &str,
        event_ids: &[String],
        status: EventStatus,
        reason: &str,
    ) -> Result<u64> {
        if event_ids.is_empty() {
            return Ok(0);
        }
        let sql = format!(
            "UPDATE events SET status = $2, reason = $3, updated_at_ms = $4 \
             WHERE account = $1 AND status IN {OPEN} AND event_id = ANY($5)"
        );
        self.exec(
            &sql,
            &[
                &account,
                &status.as_str(),
                &reason,
                &crate::store::now_ms(),
                &event_ids,
            ],
        )
        .await
    }
}
