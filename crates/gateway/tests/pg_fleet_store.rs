//! What only a shared store (PostgreSQL) does, on fresh databases (`#[ignore]`d unless asked
//! for, as `scripts/test` does): claims racing across two replicas, chat leases and their
//! expiry, the sweep, heartbeats, gaps and lapsed replicas seen by every replica, and the
//! start-up errors (an unreachable database, a newer schema, replicas migrating together).

mod common;
mod pg;

use openclaw_gateway::store::{Claim, PostgresStore, Replica, SqliteStore, Store, now_ms};
use pg::ev;

/// Two stores on one database: two replicas.
async fn two_replicas(test: &str) -> (PostgresStore, PostgresStore) {
    let url = pg::fresh_db(test).await;
    let a = PostgresStore::connect(&url).await.unwrap();
    let b = PostgresStore::connect(&url).await.unwrap();
    (a, b)
}

#[tokio::test]
#[ignore = "needs PostgreSQL: set OPENCLAW_TEST_PG_URL (scripts/test starts one and runs these)"]
async fn replicas_claiming_one_event_answer_it_once() {
    let (a, b) = two_replicas("replicas_claiming_one_event_answer_it_once").await;
    for i in 0..50 {
        let (x, y) = tokio::join!(
            a.claim(ev(&format!("e{i}"), Some(&format!("om_{i}")), "oc_a")),
            // The same message re-pushed under another event id, to the other replica.
            b.claim(ev(&format!("e{i}b"), Some(&format!("om_{i}")), "oc_a")),
        );
        let news = [x.unwrap(), y.unwrap()]
            .iter()
            .filter(|c| **c == Claim::New)
            .count();
        assert_eq!(news, 1, "message {i} claimed {news} times");
    }
}

#[tokio::test]
#[ignore = "needs PostgreSQL: set OPENCLAW_TEST_PG_URL (scripts/test starts one and runs these)"]
async fn a_chat_lease_is_held_by_one_replica_renewed_released_and_taken_after_expiry() {
    let (a, b) = two_replicas("chat_lease").await;
    assert!(a.shared());
    assert!(a.lease_chat("default", "oc_a", "ra", 60_000).await.unwrap());
    assert!(!b.lease_chat("default", "oc_a", "rb", 60_000).await.unwrap());
    // Renewing one's own lease works; other chats are free.
    assert!(a.lease_chat("default", "oc_a", "ra", 60_000).await.unwrap());
    assert!(b.lease_chat("default", "oc_b", "rb", 60_000).await.unwrap());
    // Given back: the other replica takes it at once.
    a.release_chat("default", "oc_a", "ra").await.unwrap();
    assert!(b.lease_chat("default", "oc_a", "rb", 60_000).await.unwrap());
    // A lease that has expired (the holder died) is taken over.
    assert!(a.lease_chat("default", "oc_c", "ra", -1).await.unwrap());
    assert!(b.lease_chat("default", "oc_c", "rb", 60_000).await.unwrap());
    // A release by a former holder does not free the new holder's lease.
    a.release_chat("default", "oc_c", "ra").await.unwrap();
    assert!(!a.lease_chat("default", "oc_c", "ra", 60_000).await.unwrap());
}

#[tokio::test]
#[ignore = "needs PostgreSQL: set OPENCLAW_TEST_PG_URL (scripts/test starts one and runs these)"]
async fn the_sweep_finds_open_chats_without_a_live_lease() {
    let (a, b) = two_replicas("sweep").await;
    let mut old = ev("e1", Some("om_1"), "oc_orphan");
    old.received_at_ms = now_ms() - 60_000;
    a.claim(old).await.unwrap();
    let mut held = ev("e2", Some("om_2"), "oc_held");
    held.received_at_ms = now_ms() - 60_000;
    a.claim(held).await.unwrap();
    // Just claimed: left to the replica that claimed it.
    a.claim(ev("e3", Some("om_3"), "oc_fresh")).await.unwrap();
    assert!(
        a.lease_chat("default", "oc_held", "ra", 60_000)
            .await
            .unwrap()
    );
    assert_eq!(
        b.orphan_chats("default", 3_000).await.unwrap(),
        vec!["oc_orphan"]
    );
    // The holder dies: its lease expires and the chat is an orphan too.
    assert!(a.lease_chat("default", "oc_held", "ra", -1).await.unwrap());
    let mut orphans = b.orphan_chats("default", 3_000).await.unwrap();
    orphans.sort();
    assert_eq!(orphans, vec!["oc_held", "oc_orphan"]);
}

#[tokio::test]
#[ignore = "needs PostgreSQL: set OPENCLAW_TEST_PG_URL (scripts/test starts one and runs these)"]
async fn heartbeats_count_the_replicas_alive() {
    let (a, b) = two_replicas("heartbeats").await;
    let replica = |id: &str| Replica {
        id: id.into(),
        host: "h".into(),
        pid: 1,
        started_at_ms: now_ms(),
    };
    assert_eq!(a.replicas_alive(10_000).await.unwrap(), Some(0));
    a.heartbeat(&replica("ra")).await.unwrap();
    b.heartbeat(&replica("rb")).await.unwrap();
    a.heartbeat(&replica("ra")).await.unwrap();
    assert_eq!(b.replicas_alive(10_000).await.unwrap(), Some(2));
    let sqlite = SqliteStore::in_memory().unwrap();
    assert_eq!(sqlite.replicas_alive(10_000).await.unwrap(), None);
}

#[tokio::test]
#[ignore = "needs PostgreSQL: set OPENCLAW_TEST_PG_URL (scripts/test starts one and runs these)"]
async fn gaps_and_lapsed_replicas_are_seen_by_every_replica() {
    let (a, b) = two_replicas("gaps").await;
    let now = now_ms();
    a.record_gap("default", now - 5_000, now - 1_000)
        .await
        .unwrap();
    a.record_gap("default", now - 90_000, now - 80_000)
        .await
        .unwrap();
    a.record_gap("prod", now - 5_000, now).await.unwrap();
    assert_eq!(
        b.gaps("default", now - 60_000).await.unwrap(),
        [(now - 5_000, now - 1_000)]
    );
    // A replica that beat 11 s ago has lapsed (alive within 10 s); one that beat now has not.
    let replica = |id: &str| Replica {
        id: id.into(),
        host: "h".into(),
        pid: 1,
        started_at_ms: now,
    };
    a.heartbeat(&replica("ra")).await.unwrap();
    assert!(b.lapsed_replicas(10_000, 4_000).await.unwrap().is_empty());
    assert_eq!(b.lapsed_replicas(-1_000, 4_000).await.unwrap().len(), 1);
    // Long gone is not news.
    assert!(b.lapsed_replicas(-10_000, 4_000).await.unwrap().is_empty());
    let sqlite = SqliteStore::in_memory().unwrap();
    sqlite
        .record_gap("default", now - 5_000, now)
        .await
        .unwrap();
    assert!(sqlite.gaps("default", 0).await.unwrap().is_empty());
}

#[tokio::test]
async fn an_unreachable_database_is_a_clear_start_up_error_without_the_password() {
    let err = PostgresStore::connect("postgres://app:hunter2@127.0.0.1:1/oc?pool_timeout=2")
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("unreachable"), "{err}");
    assert!(
        err.contains("postgres://app:<redacted>@127.0.0.1:1/oc"),
        "{err}"
    );
    assert!(!err.contains("hunter2"), "{err}");
}

#[tokio::test]
#[ignore = "needs PostgreSQL: set OPENCLAW_TEST_PG_URL (scripts/test starts one and runs these)"]
async fn a_schema_newer_than_the_binary_is_refused() {
    let url = pg::fresh_db("schema_newer").await;
    drop(PostgresStore::connect(&url).await.unwrap());
    let (c, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    c.batch_execute("UPDATE openclaw_schema SET version = 99")
        .await
        .unwrap();
    let err = PostgresStore::connect(&url).await.unwrap_err().to_string();
    assert!(err.contains("schema version 99"), "{err}");
    assert!(err.contains("upgrade openclaw"), "{err}");
    // Replicas starting together migrate once, and all start.
    let url = pg::fresh_db("schema_together").await;
    let starts: Vec<_> = (0..3).map(|_| PostgresStore::connect(&url)).collect();
    for s in futures::future::join_all(starts).await {
        s.unwrap();
    }
}
