//! The outbox in PostgreSQL: an event's status, the reply's parts recorded before anything is
//! sent, each part's platform id as it lands, the streamed cards, the typing reaction to take
//! off, and the attempts at a turn.

use super::PostgresStore;
use crate::store::{EventStatus, Result, StoreError};

impl PostgresStore {
    pub(super) async fn reply_record(
        &self,
        account: &str,
        event_id: &str,
        parts_json: &str,
    ) -> Result<()> {
        self.exec(
            "UPDATE events SET status = CASE WHEN status = 'stopped' THEN status ELSE 'answered' END, parts = $3, updated_at_ms = $4 \
             WHERE account = $1 AND event_id = $2",
            &[&account, &event_id, &parts_json, &crate::store::now_ms()],
        )
        .await
        .map(drop)
    }

    pub(super) async fn sent_part_record(
        &self,
        account: &str,
        event_id: &str,
        message_id: &str,
        last: bool,
    ) -> Result<()> {
        self.exec(
            "UPDATE events SET sent_ids = sent_ids || to_jsonb($3::text), \
             status = CASE WHEN $4 AND status <> 'stopped' THEN 'sent' ELSE status END, updated_at_ms = $5 \
             WHERE account = $1 AND event_id = $2",
            &[
                &account,
                &event_id,
                &message_id,
                &last,
                &crate::store::now_ms(),
            ],
        )
        .await
        .map(drop)
    }

    pub(super) async fn typing_set(
        &self,
        account: &str,
        event_id: &str,
        reaction: Option<&str>,
    ) -> Result<()> {
        self.exec(
            "UPDATE events SET typing_reaction = $3 WHERE account = $1 AND event_id = $2",
            &[&account, &event_id, &reaction],
        )
        .await
        .map(drop)
    }

    pub(super) async fn attempts_bump(&self, account: &str, event_id: &str) -> Result<i64> {
        let row = self
            .opt_row(
                "UPDATE events SET attempts = attempts + 1 WHERE account = $1 AND event_id = $2 \
                 RETURNING attempts",
                &[&account, &event_id],
            )
            .await?;
        row.map(|r| r.get(0))
            .ok_or_else(|| StoreError::Db(format!("no event {event_id}")))
    }

    pub(super) async fn card_set(
        &self,
        account: &str,
        event_id: &str,
        card_id: &str,
        seq_base: i64,
    ) -> Result<()> {
        self.exec(
            "UPDATE events SET card_id = $3, card_seq = $4 WHERE account = $1 AND event_id = $2",
            &[&account, &event_id, &card_id, &seq_base],
        )
        .await
        .map(drop)
    }

    pub(super) async fn more_card_set(
        &self,
        account: &str,
        event_id: &str,
        idx: usize,
        card_id: &str,
        seq_base: i64,
    ) -> Result<()> {
        // One writer per turn (the claim's holder), so reading then writing races no one.
        let row = self
            .opt_row(
                "SELECT more_cards FROM events WHERE account = $1 AND event_id = $2",
                &[&account, &event_id],
            )
            .await?;
        let stored: String = row.map(|r| r.get(0)).unwrap_or_else(|| "[]".into());
        let list = crate::store::records::with_more_card(&stored, idx, card_id, seq_base);
        self.exec(
            "UPDATE events SET more_cards = $3 WHERE account = $1 AND event_id = $2",
            &[&account, &event_id, &list],
        )
        .await
        .map(drop)
    }

    pub(super) async fn status_set(
        &self,
        account: &str,
        event_id: &str,
        status: EventStatus,
        reason: Option<&str>,
    ) -> Result<()> {
        self.exec(
            "UPDATE events SET status = $3, reason = COALESCE($4, reason), updated_at_ms = $5 \
             WHERE account = $1 AND event_id = $2",
            &[
                &account,
                &event_id,
                &status.as_str(),
                &reason,
                &crate::store::now_ms(),
            ],
        )
        .await
        .map(drop)
    }
}
