//! Which store a gateway (or a CLI command) uses: PostgreSQL when a URL is configured,
//! otherwise the SQLite file in the state dir.

use std::path::Path;
use std::sync::Arc;

use super::{PostgresStore, Result, SqliteStore, Store};

/// The environment variable that selects PostgreSQL when the config has no `store.url`.
pub const DATABASE_URL_ENV: &str = "OPENCLAW_DATABASE_URL";

/// The URL to use: `store.url` from the config, else `$OPENCLAW_DATABASE_URL`; `None` (or an
/// empty value) means SQLite.
pub fn database_url(configured: Option<&str>) -> Option<String> {
    configured
        .map(str::to_owned)
        .or_else(|| std::env::var(DATABASE_URL_ENV).ok())
        .map(|u| u.trim().to_owned())
        .filter(|u| !u.is_empty())
}

/// Opens the store: PostgreSQL for a `postgres://` or `postgresql://` URL (see
/// [`database_url`]), else `openclaw.db` in `state_dir`.
pub async fn open(configured_url: Option<&str>, state_dir: &Path) -> Result<Arc<dyn Store>> {
    match database_url(configured_url) {
        Some(url) => Ok(Arc::new(PostgresStore::connect(&url).await?)),
        None => Ok(Arc::new(SqliteStore::open(&state_dir.join("openclaw.db"))?)),
    }
}
