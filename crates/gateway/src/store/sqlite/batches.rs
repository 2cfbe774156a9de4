//! Batches and multi-event closes in SQLite (see `store::batches`).

use async_trait::async_trait;
use rusqlite::params_from_iter;

use super::{Cached, EVENT_COLUMNS, SqliteStore, event_row};
use crate::store::{BatchStore, EventStatus, Result, StoredEvent};

/// The order a chat's events are taken in (as `next_open`).
const ORDER: &str = "ORDER BY COALESCE(created_at_ms, received_at_ms), seq";
const OPEN: &str = "status IN ('received', 'admitted', 'answered')";

#[async_trait]
impl BatchStore for SqliteStore {
    async fn open_events(
        &self,
        account: &str,
        chat_key: &str,
        limit: u32,
    ) -> Result<Vec<StoredEvent>> {
        let (account, chat_key) = (account.to_owned(), chat_key.to_owned());
        self.with(move |c| {
            let mut st = c.prepare_cached(&format!(
                "SELECT {EVENT_COLUMNS} FROM events WHERE account = ?1 AND chat_key = ?2 \
                 AND {OPEN} {ORDER} LIMIT ?3"
            ))?;
            let rows = st.query_map(rusqlite::params![account, chat_key, limit], event_row)?;
            rows.collect()
        })
        .await
    }

    async fn set_batch(&self, account: &str, lead: &str, members: &[String]) -> Result<()> {
        if members.is_empty() {
            return Ok(());
        }
        let args: Vec<String> = [account.to_owned(), lead.to_owned()]
            .into_iter()
            .chain(members.iter().cloned())
            .collect();
        self.with(move |c| {
            let marks = vec!["?"; args.len() - 2].join(", ");
            c.exec(
                &format!(
                    "UPDATE events SET batch = ?2 WHERE account = ?1 AND {OPEN} \
                     AND event_id IN ({marks})"
                ),
                params_from_iter(args.iter()),
            )
            .map(drop)
        })
        .await
    }

    async fn batch_events(&self, account: &str, lead: &str) -> Result<Vec<StoredEvent>> {
        let (account, lead) = (account.to_owned(), lead.to_owned());
        self.with(move |c| {
            let mut st = c.prepare_cached(&format!(
                "SELECT {EVENT_COLUMNS} FROM events WHERE account = ?1 AND batch = ?2 {ORDER}"
            ))?;
            let rows = st.query_map(rusqlite::params![account, lead], event_row)?;
            rows.collect()
        })
        .await
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
        let args: Vec<String> = [
            account.to_owned(),
            status.as_str().to_owned(),
            reason.to_owned(),
            crate::store::now_ms().to_string(),
        ]
        .into_iter()
        .chain(event_ids.iter().cloned())
        .collect();
        self.with(move |c| {
            let marks = vec!["?"; args.len() - 4].join(", ");
            c.exec(
                &format!(
                    "UPDATE events SET status = ?2, reason = ?3, updated_at_ms = CAST(?4 AS INTEGER) \
                     WHERE account = ?1 AND {OPEN} AND event_id IN ({marks})"
                ),
                params_from_iter(args.iter()),
            )
            .map(|n| n as u64)
        })
        .await
    }
}
