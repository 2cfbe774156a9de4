//! Sessions, pairing, chat leases and replica heartbeats in PostgreSQL.

use rand::Rng;
use tokio_postgres::Row;

use super::{NOW_MS, OPEN, PostgresStore, db};
use crate::store::{ChatSpan, Pairing, PairingAsk, PairingRequest, PairingStatus, Replica, Result};

/// Pairing codes: uppercase letters and digits without the look-alikes 0, O, 1 and I.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// Heartbeat rows older than this are deleted (the replica is long gone).
const FORGET_REPLICA_MS: i64 = 86_400_000;

/// Gap rows older than this are deleted (no turn looks that far back).
const FORGET_GAP_MS: i64 = 3_600_000;

const PAIRING_COLUMNS: &str =
    "account, open_id, code, chat_id, name, status, created_at_ms, expires_at_ms";

fn pairing_row(r: &Row) -> Pairing {
    let status: String = r.get(5);
    Pairing {
        account: r.get(0),
        open_id: r.get(1),
        code: r.get(2),
        chat_id: r.get(3),
        name: r.get(4),
        status: match status.as_str() {
            "approved" => PairingStatus::Approved,
            "rejected" => PairingStatus::Rejected,
            _ => PairingStatus::Pending,
        },
        created_at_ms: r.get(6),
        expires_at_ms: r.get(7),
    }
}

fn new_code() -> String {
    let mut rng = rand::rng();
    (0..8)
        .map(|_| CODE_ALPHABET[rng.random_range(0..CODE_ALPHABET.len())] as char)
        .collect()
}

impl PostgresStore {
    pub(super) async fn session_load(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .opt_row("SELECT data FROM sessions WHERE key = $1", &[&key])
            .await?
            .map(|r| r.get(0)))
    }

    pub(super) async fn session_save(&self, key: &str, data: &str, now_ms: i64) -> Result<()> {
        self.exec(
            "INSERT INTO sessions (key, data, updated_at_ms) VALUES ($1, $2, $3) \
             ON CONFLICT (key) DO UPDATE SET data = excluded.data, \
             updated_at_ms = excluded.updated_at_ms",
            &[&key, &data, &now_ms],
        )
        .await
        .map(drop)
    }

    pub(super) async fn session_delete(&self, key: &str) -> Result<()> {
        self.exec("DELETE FROM sessions WHERE key = $1", &[&key])
            .await
            .map(drop)
    }

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
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(db)?;
        // One account's pairing decisions one at a time, so the pending cap holds across
        // replicas (SQLite gets this from its single writer).
        tx.execute(
            "SELECT pg_advisory_xact_lock(hashtext('pairing:' || $1))",
            &[&account],
        )
        .await
        .map_err(db)?;
        let existing = tx
            .query_opt(
                &format!(
                    "SELECT {PAIRING_COLUMNS} FROM pairing WHERE account = $1 AND open_id = $2"
                ),
                &[&account, &open_id],
            )
            .await
            .map_err(db)?
            .map(|r| pairing_row(&r));
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
        let pending: i64 = tx
            .query_one(
                "SELECT COUNT(*) FROM pairing WHERE account = $1 AND status = 'pending' \
                 AND expires_at_ms > $2",
                &[&account, &now_ms],
            )
            .await
            .map_err(db)?
            .get(0);
        if pending as usize >= max_pending {
            return Ok(PairingRequest::TooMany);
        }
        // Codes are unique across accounts; a collision (1 in 10^12) draws again.
        let mut code = new_code();
        while tx
            .query_opt("SELECT 1 FROM pairing WHERE code = $1", &[&code])
            .await
            .map_err(db)?
            .is_some()
        {
            code = new_code();
        }
        let p = Pairing {
            account,
            open_id,
            code,
            chat_id,
            name,
            status: PairingStatus::Pending,
            created_at_ms: now_ms,
            expires_at_ms: now_ms + ttl_ms,
        };
        tx.execute(
            "INSERT INTO pairing (account, open_id, code, chat_id, name, status, created_at_ms, \
             expires_at_ms) VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7) \
             ON CONFLICT (account, open_id) DO UPDATE SET code = excluded.code, \
             chat_id = excluded.chat_id, name = excluded.name, status = 'pending', \
             created_at_ms = excluded.created_at_ms, expires_at_ms = excluded.expires_at_ms, \
             decided_at_ms = NULL",
            &[
                &p.account,
                &p.open_id,
                &p.code,
                &p.chat_id,
                &p.name,
                &p.created_at_ms,
                &p.expires_at_ms,
            ],
        )
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(PairingRequest::Created(p))
    }

    pub(super) async fn pairings_pending(
        &self,
        account: Option<&str>,
        now_ms: i64,
    ) -> Result<Vec<Pairing>> {
        let rows = self
            .rows(
                &format!(
                    "SELECT {PAIRING_COLUMNS} FROM pairing WHERE status = 'pending' \
                     AND expires_at_ms > $1 AND ($2::text IS NULL OR account = $2) \
                     ORDER BY created_at_ms"
                ),
                &[&now_ms, &account],
            )
            .await?;
        Ok(rows.iter().map(pairing_row).collect())
    }

    pub(super) async fn pairing_decide(
        &self,
        code: &str,
        approve: bool,
        now_ms: i64,
    ) -> Result<Option<Pairing>> {
        let code = code.trim().to_ascii_uppercase();
        let status = if approve { "approved" } else { "rejected" };
        // One statement: the code is decided once even if two CLIs race.
        let row = self
            .opt_row(
                &format!(
                    "UPDATE pairing SET status = $2, decided_at_ms = $3 WHERE code = $1 \
                     AND status = 'pending' AND expires_at_ms > $3 RETURNING {PAIRING_COLUMNS}"
                ),
                &[&code, &status, &now_ms],
            )
            .await?;
        Ok(row.map(|r| pairing_row(&r)))
    }

    pub(super) async fn lease(
        &self,
        account: &str,
        chat_key: &str,
        holder: &str,
        ttl_ms: i64,
    ) -> Result<bool> {
        // Taken when absent, renewed when ours, taken over when expired; otherwise nothing
        // changes and no row is reported.
        let n = self
            .exec(
                &format!(
                    "INSERT INTO chat_leases AS l (account, chat_key, holder, until_ms) \
                     VALUES ($1, $2, $3, {NOW_MS} + $4) \
                     ON CONFLICT (account, chat_key) DO UPDATE \
                     SET holder = excluded.holder, until_ms = excluded.until_ms \
                     WHERE l.holder = excluded.holder OR l.until_ms < {NOW_MS}"
                ),
                &[&account, &chat_key, &holder, &ttl_ms],
            )
            .await?;
        Ok(n == 1)
    }

    pub(super) async fn release(&self, account: &str, chat_key: &str, holder: &str) -> Result<()> {
        self.exec(
            "DELETE FROM chat_leases WHERE account = $1 AND chat_key = $2 AND holder = $3",
            &[&account, &chat_key, &holder],
        )
        .await
        .map(drop)
    }

    pub(super) async fn forget(&self, holder: &str) -> Result<u64> {
        let n = self
            .exec("DELETE FROM chat_leases WHERE holder = $1", &[&holder])
            .await?;
        self.exec("DELETE FROM replicas WHERE id = $1", &[&holder])
            .await?;
        Ok(n)
    }

    pub(super) async fn orphans(&self, account: &str, grace_ms: i64) -> Result<Vec<String>> {
        // `received_at_ms` is the claiming replica's clock; the grace only keeps the sweep off
        // events whose own replica is about to take them.
        let before = crate::store::now_ms() - grace_ms;
        let rows = self
            .rows(
                &format!(
                    "SELECT e.chat_key FROM events e WHERE e.account = $1 \
                     AND e.chat_key IS NOT NULL AND e.status IN {OPEN} \
                     AND e.received_at_ms < $2 AND NOT EXISTS (SELECT 1 FROM chat_leases l \
                     WHERE l.account = e.account AND l.chat_key = e.chat_key \
                     AND l.until_ms >= {NOW_MS}) \
                     GROUP BY e.chat_key ORDER BY MIN(e.seq) LIMIT 1000"
                ),
                &[&account, &before],
            )
            .await?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    pub(super) async fn span(
        &self,
        account: &str,
        chat_key: &str,
        before_ms: i64,
    ) -> Result<ChatSpan> {
        let row = self
            .opt_row(
                &format!(
                    "SELECT (SELECT created_at_ms FROM events WHERE account = $1 AND chat_key = $2 \
                     AND status NOT IN {OPEN} AND created_at_ms <= $3 \
                     ORDER BY created_at_ms DESC LIMIT 1), \
                     (SELECT MAX(created_at_ms) FROM events WHERE account = $1 AND chat_key = $2 \
                     AND status IN {OPEN})"
                ),
                &[&account, &chat_key, &before_ms],
            )
            .await?;
        Ok(row.map_or_else(ChatSpan::default, |r| ChatSpan {
            last_closed_ms: r.get(0),
            newest_open_ms: r.get(1),
        }))
    }

    pub(super) async fn beat(&self, r: &Replica) -> Result<()> {
        let pid = i64::from(r.pid);
        self.exec(
            &format!(
                "INSERT INTO replicas (id, host, pid, started_at_ms, seen_at_ms) \
                 VALUES ($1, $2, $3, $4, {NOW_MS}) \
                 ON CONFLICT (id) DO UPDATE SET seen_at_ms = excluded.seen_at_ms"
            ),
            &[&r.id, &r.host, &pid, &r.started_at_ms],
        )
        .await?;
        self.exec(
            &format!("DELETE FROM replicas WHERE seen_at_ms < {NOW_MS} - $1"),
            &[&FORGET_REPLICA_MS],
        )
        .await
        .map(drop)
    }

    pub(super) async fn alive(&self, window_ms: i64) -> Result<u64> {
        let n: i64 = self
            .opt_row(
                &format!("SELECT COUNT(*) FROM replicas WHERE seen_at_ms >= {NOW_MS} - $1"),
                &[&window_ms],
            )
            .await?
            .map(|r| r.get(0))
            .unwrap_or(0);
        Ok(n as u64)
    }

    pub(super) async fn lapsed(&self, alive_ms: i64, recent_ms: i64) -> Result<Vec<i64>> {
        let rows = self
            .rows(
                &format!(
                    "SELECT seen_at_ms FROM replicas WHERE seen_at_ms < {NOW_MS} - $1 \
                     AND seen_at_ms >= {NOW_MS} - $1 - $2"
                ),
                &[&alive_ms, &recent_ms],
            )
            .await?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    pub(super) async fn add_gap(&self, account: &str, from_ms: i64, to_ms: i64) -> Result<()> {
        self.exec(
            "INSERT INTO gaps (account, from_ms, to_ms) VALUES ($1, $2, $3)",
            &[&account, &from_ms, &to_ms],
        )
        .await?;
        self.exec(
            "DELETE FROM gaps WHERE to_ms < $1",
            &[&(to_ms - FORGET_GAP_MS)],
        )
        .await
        .map(drop)
    }

    pub(super) async fn recent_gaps(
        &self,
        account: &str,
        since_ms: i64,
    ) -> Result<Vec<(i64, i64)>> {
        let rows = self
            .rows(
                "SELECT from_ms, to_ms FROM gaps WHERE account = $1 AND to_ms >= $2",
                &[&account, &since_ms],
            )
            .await?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }
}
