//! The outbox in SQLite: the reply's parts recorded before anything is sent, each part's
//! platform id as it lands, the typing reaction to take off, and the attempts at a turn.

use rusqlite::params;

use super::{Cached, SqliteStore};
use crate::store::Result;

impl SqliteStore {
    pub(super) async fn reply_record(
        &self,
        account: &str,
        event_id: &str,
        parts_json: &str,
    ) -> Result<()> {
        let (account, event_id, parts) = (
            account.to_owned(),
            event_id.to_owned(),
            parts_json.to_owned(),
        );
        self.with(move |c| {
            c.exec(
                "UPDATE events SET status = CASE WHEN status = 'stopped' THEN status ELSE 'answered' END, parts = ?3, updated_at_ms = ?4 \
                 WHERE account = ?1 AND event_id = ?2",
                params![account, event_id, parts, crate::store::now_ms()],
            )
            .map(drop)
        })
        .await
    }

    pub(super) async fn sent_part_record(
        &self,
        account: &str,
        event_id: &str,
        message_id: &str,
        last: bool,
    ) -> Result<()> {
        let (account, event_id, message_id) = (
            account.to_owned(),
            event_id.to_owned(),
            message_id.to_owned(),
        );
        self.with(move |c| {
            c.exec(
                "UPDATE events SET sent_ids = json_insert(sent_ids, '$[#]', ?3), \
                 status = CASE WHEN ?4 AND status <> 'stopped' THEN 'sent' ELSE status END, updated_at_ms = ?5 \
                 WHERE account = ?1 AND event_id = ?2",
                params![account, event_id, message_id, last, crate::store::now_ms()],
            )
            .map(drop)
        })
        .await
    }

    pub(super) async fn typing_set(
        &self,
        account: &str,
        event_id: &str,
        reaction: Option<&str>,
    ) -> Result<()> {
        let (account, event_id) = (account.to_owned(), event_id.to_owned());
        let reaction = reaction.map(str::to_owned);
        self.with(move |c| {
            c.exec(
                "UPDATE events SET typing_reaction = ?3 WHERE account = ?1 AND event_id = ?2",
                params![account, event_id, reaction],
            )
            .map(drop)
        })
        .await
    }

    pub(super) async fn attempts_bump(&self, account: &str, event_id: &str) -> Result<i64> {
        let (account, event_id) = (account.to_owned(), event_id.to_owned());
        self.with(move |c| {
            c.row(
                "UPDATE events SET attempts = attempts + 1 WHERE account = ?1 AND event_id = ?2 \
                 RETURNING attempts",
                params![account, event_id],
                |r| r.get(0),
            )
        })
        .await
    }
}
