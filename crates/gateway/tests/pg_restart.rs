//! The real PostgreSQL server stopped under load and started again (`scripts/pg-setup down`,
//! `up`), three replicas running: they wait, reconnect and lose nothing. Its own test binary, so no other test of
//! this suite uses the server while it restarts (cargo runs test binaries one at a time).
//! `#[ignore]`d unless asked for, as `scripts/test` does once it started the server
//! (`OPENCLAW_TEST_PG_DIR`).

mod common;
mod pg;

use std::time::Duration;

use pg::fleet;

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/pg-setup");

/// Starts the server again if the test fails while it is down, so the tests after it find it.
struct UpAgain(String);

impl Drop for UpAgain {
    fn drop(&mut self) {
        let _ = std::process::Command::new(SCRIPT)
            .args(["up", &self.0])
            .status();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs a PostgreSQL this test may stop (scripts/test starts one and runs this)"]
async fn a_database_restart_under_load_loses_nothing() {
    let pg_dir = std::env::var("OPENCLAW_TEST_PG_DIR")
        .expect("OPENCLAW_TEST_PG_DIR: the server's directory (scripts/test sets it)");
    let url = pg::fresh_db("a_database_restart_under_load_loses_nothing").await;
    // Events refused while the database is down come back within seconds.
    let sim = lark_sim::SimConfig {
        redelivery: lark_sim::RedeliveryPolicy {
            ack_timeout: Duration::from_millis(1500),
            schedule: vec![Duration::from_secs(1); 20],
        },
        ..lark_sim::SimConfig::default()
    };
    let mut f = fleet::start(3, &format!("{url}?pool_timeout=2"), sim, None).await;
    let chats: Vec<String> = (0..6).map(|i| format!("oc_restart{i}")).collect();
    f.seed_groups(&chats);
    let mut sent = fleet::flood(&f, &chats, 5);
    let script = SCRIPT;
    let pg_ctl = |what: &'static str| {
        let pg_dir = pg_dir.clone();
        async move {
            let status = tokio::process::Command::new(script)
                .args([what, &pg_dir])
                .status()
                .await
                .expect("run scripts/pg-setup");
            assert!(status.success(), "pg-setup {what} failed: {status}");
        }
    };
    // The server goes away with turns in flight; messages keep coming while it is away: their
    // claims fail, so they are not acknowledged and the platform delivers them again.
    pg_ctl("down").await;
    let guard = UpAgain(pg_dir.clone());
    for (chat, more) in fleet::flood(&f, &chats, 3) {
        sent.get_mut(&chat).unwrap().extend(more);
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    pg_ctl("up").await;
    std::mem::forget(guard);
    for (chat, more) in fleet::flood(&f, &chats, 5) {
        sent.get_mut(&chat).unwrap().extend(more);
    }
    // Exactly once; not in order: what the platform redelivers after the outage comes late.
    f.assert_all_answered_once(&sent, false).await;
    let redelivered = f
        .sim
        .state()
        .deliveries(fleet::APP)
        .unwrap()
        .iter()
        .filter(|d| d.attempts.len() > 1)
        .count();
    assert!(
        redelivered > 0,
        "no event was refused while the database was down: the test proved nothing"
    );
    f.shutdown().await;
}
