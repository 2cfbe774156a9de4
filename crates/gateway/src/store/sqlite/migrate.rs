//! The SQLite schema: the migrations in `migrations/sqlite`, applied in order and counted in
//! `user_version`; a database newer than this binary is refused with a clear error.

use rusqlite::Connection;

use super::db;
use crate::store::{Result, StoreError};

/// The migrations, in order; the schema version is the number applied.
const MIGRATIONS: &[&str] = &[
    include_str!("../../../migrations/sqlite/0001_init.sql"),
    include_str!("../../../migrations/sqlite/0002_sessions.sql"),
    include_str!("../../../migrations/sqlite/0003_batches.sql"),
    include_str!("../../../migrations/sqlite/0004_jobs.sql"),
    include_str!("../../../migrations/sqlite/0005_chat_created.sql"),
    include_str!("../../../migrations/sqlite/0006_more_cards.sql"),
];

pub(super) fn migrate(conn: &mut Connection, path: &str) -> Result<()> {
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(db)?;
    let known = MIGRATIONS.len() as i64;
    if version > known {
        return Err(StoreError::TooNew {
            path: path.to_owned(),
            found: version,
            known,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        let tx = conn.transaction().map_err(db)?;
        tx.execute_batch(sql).map_err(db)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)
            .map_err(db)?;
        tx.commit().map_err(db)?;
    }
    Ok(())
}
