//! DM pairing in SQLite: a code per unknown sender, at most a few pending per account, approved
//! or rejected from the CLI.

use rand::Rng;
use rusqlite::{OptionalExtension, Row, params};

use super::{Cached, SqliteStore};
use crate::store::{Pairing, PairingAsk, PairingRequest, PairingStatus, Result};

/// Pairing codes: uppercase letters and digits without the look-alikes 0, O, 1 and I.
pub(super) const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

const PAIRING_COLUMNS: &str =
    "account, open_id, code, chat_id, name, status, created_at_ms, expires_at_ms";

fn pairing_row(r: &Row<'_>) -> rusqlite::Result<Pairing> {
    let status: String = r.get(5)?;
    Ok(Pairing {
        account: r.get(0)?,
        open_id: r.get(1)?,
        code: r.get(2)?,
        chat_id: r.get(3)?,
        name: r.get(4)?,
        status: PairingStatus::parse(&status),
        created_at_ms: r.get(6)?,
        expires_at_ms: r.get(7)?,
    })
}

fn new_code() -> String {
    let mut rng = rand::rng();
    (0..8)
        .map(|_| CODE_ALPHABET[rng.random_range(0..CODE_ALPHABET.len())] as char)
        .collect()
}

impl SqliteStore {
    pub(super) async fn pairing_request(&self, ask: PairingAsk) -> Result<PairingRequest> {
        let PairingAsk {
            account,
            open_id,
            chat_id,
            name,
            now_ms,
            ttl_ms,
            max_pending,
        } = ask;
        self.with(move |c| {
            let tx = c.transaction()?;
            let existing = tx
                .query_row(
                    &format!(
                        "SELECT {PAIRING_COLUMNS} FROM pairing WHERE account = ?1 AND open_id = ?2"
                    ),
                    params![account, open_id],
                    pairing_row,
                )
                .optional()?;
            if let Some(p) = existing {
                match p.status {
                    PairingStatus::Approved => return Ok(PairingRequest::Approved),
                    PairingStatus::Pending if p.expires_at_ms > now_ms => {
                        return Ok(PairingRequest::Pending(p));
                    }
                    // Expired or rejected: a new code may be asked for.
                    _ => {}
                }
            }
            let pending: i64 = tx.row(
                "SELECT COUNT(*) FROM pairing WHERE account = ?1 AND status = 'pending' \
                 AND expires_at_ms > ?2",
                params![account, now_ms],
                |r| r.get(0),
            )?;
            if pending as usize >= max_pending {
                return Ok(PairingRequest::TooMany);
            }
            // Codes are unique across accounts; a collision (1 in 10^12) draws again.
            let mut code = new_code();
            while tx
                .query_row(
                    "SELECT 1 FROM pairing WHERE code = ?1",
                    params![code],
                    |_| Ok(()),
                )
                .optional()?
                .is_some()
            {
                code = new_code();
            }
            let p = Pairing {
                account: account.clone(),
                open_id: open_id.clone(),
                code,
                chat_id,
                name,
                status: PairingStatus::Pending,
                created_at_ms: now_ms,
                expires_at_ms: now_ms + ttl_ms,
            };
            tx.exec(
                "INSERT INTO pairing (account, open_id, code, chat_id, name, status, created_at_ms, \
                 expires_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, 'pending', ?6, ?7) \
                 ON CONFLICT (account, open_id) DO UPDATE SET code = excluded.code, \
                 chat_id = excluded.chat_id, name = excluded.name, status = 'pending', \
                 created_at_ms = excluded.created_at_ms, expires_at_ms = excluded.expires_at_ms, \
                 decided_at_ms = NULL",
                params![
                    p.account,
                    p.open_id,
                    p.code,
                    p.chat_id,
                    p.name,
                    p.created_at_ms,
                    p.expires_at_ms
                ],
            )?;
            tx.commit()?;
            Ok(PairingRequest::Created(p))
        })
        .await
    }

    pub(super) async fn pairing_approved(&self, account: &str, open_id: &str) -> Result<bool> {
        let (account, open_id) = (account.to_owned(), open_id.to_owned());
        self.with(move |c| {
            Ok(c.row(
                "SELECT 1 FROM pairing WHERE account = ?1 AND open_id = ?2 AND status = 'approved'",
                params![account, open_id],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
        })
        .await
    }

    pub(super) async fn pairings_pending(
        &self,
        account: Option<&str>,
        now_ms: i64,
    ) -> Result<Vec<Pairing>> {
        let account = account.map(str::to_owned);
        self.with(move |c| {
            let mut st = c.prepare(&format!(
                "SELECT {PAIRING_COLUMNS} FROM pairing WHERE status = 'pending' \
                 AND expires_at_ms > ?1 AND (?2 IS NULL OR account = ?2) ORDER BY created_at_ms"
            ))?;
            let rows = st.query_map(params![now_ms, account], pairing_row)?;
            rows.collect()
        })
        .await
    }

    pub(super) async fn pairing_decide(
        &self,
        code: &str,
        approve: bool,
        now_ms: i64,
    ) -> Result<Option<Pairing>> {
        let code = code.trim().to_ascii_uppercase();
        self.with(move |c| {
            let tx = c.transaction()?;
            let found = tx
                .query_row(
                    &format!(
                        "SELECT {PAIRING_COLUMNS} FROM pairing WHERE code = ?1 \
                         AND status = 'pending' AND expires_at_ms > ?2"
                    ),
                    params![code, now_ms],
                    pairing_row,
                )
                .optional()?;
            let Some(mut p) = found else {
                return Ok(None);
            };
            p.status = if approve {
                PairingStatus::Approved
            } else {
                PairingStatus::Rejected
            };
            tx.exec(
                "UPDATE pairing SET status = ?2, decided_at_ms = ?3 WHERE code = ?1",
                params![code, p.status.as_str(), now_ms],
            )?;
            tx.commit()?;
            Ok(Some(p))
        })
        .await
    }
}
