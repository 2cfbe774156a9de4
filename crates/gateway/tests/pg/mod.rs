//! A fresh PostgreSQL database per test, on the server `scripts/test` starts
//! (`OPENCLAW_TEST_PG_URL`); without that variable the PostgreSQL tests skip, saying why.
#![allow(dead_code)]

use tokio_postgres::NoTls;

pub const URL_ENV: &str = "OPENCLAW_TEST_PG_URL";

/// A new, empty database and its URL, or `None` (with the reason printed) when no server is
/// configured.
pub async fn fresh_db(test: &str) -> Option<String> {
    let Ok(admin) = std::env::var(URL_ENV) else {
        eprintln!(
            "skipping {test}: {URL_ENV} is not set (scripts/test starts a PostgreSQL and sets it)"
        );
        return None;
    };
    let name = format!("oc_{}", uuid::Uuid::new_v4().simple());
    let (client, conn) = tokio_postgres::connect(&admin, NoTls)
        .await
        .unwrap_or_else(|e| panic!("{URL_ENV}={admin} is set but unreachable: {e}"));
    tokio::spawn(conn);
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap_or_else(|e| panic!("create database {name}: {e}"));
    Some(with_db(&admin, &name))
}

/// `url` with its database replaced by `db`.
pub fn with_db(url: &str, db: &str) -> String {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let host_end = base[scheme_end..]
        .find('/')
        .map(|i| scheme_end + i)
        .unwrap_or(base.len());
    let q = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    format!("{}/{db}{q}", &base[..host_end])
}
pub mod fleet;
