//! The schema: migrations applied in order under an advisory lock, and a schema newer than
//! this binary refused with a clear error.

use super::{PostgresStore, db, why_no_connection};
use crate::store::{Result, StoreError};

/// The migrations, in order; the schema version is the number applied.
const MIGRATIONS: &[&str] = &[
    include_str!("../../../migrations/postgres/0001_init.sql"),
    include_str!("../../../migrations/postgres/0002_sessions.sql"),
    include_str!("../../../migrations/postgres/0003_replicas.sql"),
    include_str!("../../../migrations/postgres/0004_gaps.sql"),
    include_str!("../../../migrations/postgres/0005_chat_order.sql"),
    include_str!("../../../migrations/postgres/0006_batches.sql"),
    include_str!("../../../migrations/postgres/0007_jobs.sql"),
    include_str!("../../../migrations/postgres/0008_more_cards.sql"),
];

/// The key of the advisory lock that serializes migrations of replicas starting together.
const MIGRATION_LOCK: i64 = 0x6f70_656e_636c_6177; // "openclaw"

impl PostgresStore {
    pub(super) async fn migrate(&self) -> Result<()> {
        let open_err = |reason: String| StoreError::Open {
            path: self.shown.clone(),
            reason,
        };
        let mut c = self
            .pool
            .get()
            .await
            .map_err(|e| open_err(why_no_connection(e)))?;
        let tx = c.transaction().await.map_err(db)?;
        // Replicas starting together migrate one after the other.
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .await
            .map_err(db)?;
        tx.batch_execute("CREATE TABLE IF NOT EXISTS openclaw_schema (version BIGINT NOT NULL)")
            .await
            .map_err(db)?;
        let version: i64 = tx
            .query_one("SELECT COALESCE(MAX(version), 0) FROM openclaw_schema", &[])
            .await
            .map_err(db)?
            .get(0);
        let known = MIGRATIONS.len() as i64;
        if version > known {
            return Err(StoreError::TooNew {
                path: self.shown.clone(),
                found: version,
                known,
            });
        }
        for sql in MIGRATIONS.iter().skip(version as usize) {
            tx.batch_execute(sql).await.map_err(db)?;
        }
        if version < known {
            tx.execute("DELETE FROM openclaw_schema", &[])
                .await
                .map_err(db)?;
            tx.execute(
                "INSERT INTO openclaw_schema (version) VALUES ($1)",
                &[&known],
            )
            .await
            .map_err(db)?;
        }
        tx.commit().await.map_err(db)
    }
}
