//! Connecting: the URL parsed (libpq's parameters and the pool's own), TLS set up as
//! `sslmode` says, the pool built with bounded waits, and the schema migrated; and the errors
//! of a database away, said in words that name the fix.

use std::time::Duration;

use deadpool_postgres::{ManagerConfig, Pool, RecyclingMethod, Runtime};

use super::{PostgresStore, tls, url};
use crate::store::{Result, StoreError};

pub(crate) fn db(e: tokio_postgres::Error) -> StoreError {
    // The driver's own Display is terse ("db error"); the server's message says what happened.
    match e.as_db_error() {
        Some(d) => StoreError::Db(format!("{}: {}", d.code().code(), d.message())),
        None => StoreError::Db(e.to_string()),
    }
}

pub(super) fn pool_err(e: deadpool_postgres::PoolError) -> StoreError {
    StoreError::Db(format!("no database connection: {}", why_no_connection(e)))
}

/// Why no connection could be had, as plainly as the driver lets us say it (at start and
/// when the pool reconnects later).
pub(crate) fn why_no_connection(e: deadpool_postgres::PoolError) -> String {
    let deadpool_postgres::PoolError::Backend(e) = e else {
        return format!("the database is unreachable: {e}");
    };
    if let Some(d) = e.as_db_error() {
        let hint = if d.message().contains("no encryption") {
            " (the server accepts only TLS connections: use sslmode=verify-full, verify-ca or require)"
        } else if d.message().contains("client certificate") {
            " (the server wants a client certificate: add sslcert=PATH and sslkey=PATH to the URL)"
        } else {
            ""
        };
        return format!(
            "the database refused the connection: {}: {}{hint}",
            d.severity(),
            d.message()
        );
    }
    // The driver's Display may leave out its cause ("error performing TLS handshake"): add the
    // chain of causes, each once.
    let mut text = e.to_string();
    let mut cause = std::error::Error::source(&e);
    while let Some(c) = cause {
        let more = c.to_string();
        if !text.contains(&more) {
            text = format!("{text}: {more}");
        }
        cause = c.source();
    }
    match text.strip_prefix("error performing TLS handshake: ") {
        Some(why) => format!("no TLS connection to the database: {why}"),
        None if text.starts_with("error performing TLS handshake") => {
            format!("no TLS connection to the database: {text}")
        }
        None => format!("the database is unreachable: {text}"),
    }
}

impl PostgresStore {
    /// Connects to `url` (`postgres://user:pass@host:port/db?...`), checks the database is
    /// reachable and migrates it. Besides libpq's parameters the URL may carry
    /// `pool_max_size` (default 16) and `pool_timeout` (seconds to wait for a connection,
    /// default 10). TLS follows libpq's `sslmode` (default `prefer`) and `sslrootcert`; see
    /// tls.rs.
    pub async fn connect(url: &str) -> Result<PostgresStore> {
        let shown = url::redact(url);
        let open_err = |reason: String| StoreError::Open {
            path: shown.clone(),
            reason,
        };
        let opts = url::parse(url).map_err(&open_err)?;
        let tls = tls::MakeRustls::new(opts.ssl_mode, &opts.root_cert, opts.client_cert.as_ref())
            .map_err(&open_err)?;
        let manager = deadpool_postgres::Manager::from_config(
            opts.pg,
            tls,
            ManagerConfig {
                // A connection the server closed (a restart) is seen as closed and replaced;
                // no round trip per checkout.
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(opts.max_size)
            .wait_timeout(Some(opts.timeout))
            .create_timeout(Some(opts.timeout))
            .recycle_timeout(Some(Duration::from_secs(5)))
            .runtime(Runtime::Tokio1)
            .build()
            .map_err(|e| open_err(e.to_string()))?;
        let store = PostgresStore { pool, shown };
        store.migrate().await?;
        Ok(store)
    }

    /// The URL this store uses, without its password.
    pub fn url(&self) -> &str {
        &self.shown
    }
}
