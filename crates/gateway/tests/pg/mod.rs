//! A fresh PostgreSQL database per test, on the server `scripts/test` starts
//! (`OPENCLAW_TEST_PG_URL`). The tests needing one are `#[ignore]`d, so that without a server
//! they are reported as ignored rather than passed; `scripts/test` runs them.
#![allow(dead_code)]

use openclaw_gateway::store::{EventStatus, NewEvent, now_ms};
use tokio_postgres::NoTls;

pub const URL_ENV: &str = "OPENCLAW_TEST_PG_URL";

/// A new, empty database and its URL. The tests that call this are `#[ignore]`d unless asked
/// for (`scripts/test` asks, having started a server); asked for without a server, they fail.
pub async fn fresh_db(test: &str) -> String {
    let admin = std::env::var(URL_ENV).unwrap_or_else(|_| {
        panic!("{test} needs PostgreSQL: set {URL_ENV} (scripts/test starts one and sets it)")
    });
    let name = format!("oc_{}", uuid::Uuid::new_v4().simple());
    let (client, conn) = tokio_postgres::connect(&admin, NoTls)
        .await
        .unwrap_or_else(|e| panic!("{URL_ENV}={admin} is set but unreachable: {e}"));
    tokio::spawn(conn);
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap_or_else(|e| panic!("create database {name}: {e}"));
    with_db(&admin, &name)
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

/// A message event of `chat` to claim, received now.
pub fn ev(event_id: &str, message_id: Option<&str>, chat: &str) -> NewEvent {
    NewEvent {
        account: "default".into(),
        event_id: event_id.into(),
        message_id: message_id.map(str::to_owned),
        event_type: "im.message.receive_v1".into(),
        chat_key: Some(chat.into()),
        payload: "{}".into(),
        received_at_ms: now_ms(),
        created_at_ms: None,
        status: EventStatus::Received,
    }
}
