//! The scheduler's decisions with time given, not read from a clock: what a look at `now`
//! claims, advances, misses and switches off.

use super::*;
use crate::schedule::make::{JobRequest, make};
use crate::store::{JobStore, SqliteStore};

fn job(every: Option<&str>, at: Option<&str>) -> Job {
    make(
        JobRequest {
            account: "default".into(),
            every: every.map(str::to_owned),
            at: at.map(str::to_owned),
            tz: Some("UTC".into()),
            to: "chat:oc_1".into(),
            message: Some("ping".into()),
            ..Default::default()
        },
        1_000_000,
    )
    .unwrap()
}

const ACCOUNTS: &[&str] = &["default"];

fn accounts() -> Vec<String> {
    ACCOUNTS.iter().map(|a| a.to_string()).collect()
}

#[tokio::test]
async fn each_firing_is_claimed_once_however_many_look() {
    let store = SqliteStore::in_memory().unwrap();
    let j = job(Some("1s"), None);
    store.add_job(&j).await.unwrap();
    // Nothing is due before the first firing, which is reported as the next to wake for.
    let (fired, next) = tick(&store, &accounts(), 1_000_500, 600_000).await.unwrap();
    assert!(fired.is_empty());
    assert_eq!(next, Some(1_001_000));
    // Two looks at the same moment (two replicas): one claim.
    let (a, _) = tick(&store, &accounts(), 1_001_000, 600_000).await.unwrap();
    let (b, _) = tick(&store, &accounts(), 1_001_000, 600_000).await.unwrap();
    assert!(
        matches!(a[0].1, Due::Claimed { ref chat, .. } if chat == "oc_1"),
        "{a:?}"
    );
    assert!(b.is_empty(), "the job moved on to its next firing: {b:?}");
    let ev = store
        .event("default", &firing_event_id(&j.id, 1_001_000))
        .await
        .unwrap()
        .expect("the firing is an event");
    assert_eq!(ev.chat_key.as_deref(), Some("oc_1"));
    assert_eq!(ev.event_type, FIRING_EVENT);
    let after = store.job(&j.id).await.unwrap().unwrap();
    assert_eq!(after.next_run_ms, Some(1_002_000));
    // A look that raced the advance finds the firing claimed already.
    let again = fire(&store, &j, 1_001_000, 1_001_000, 600_000)
        .await
        .unwrap();
    assert_eq!(again, Due::Taken);
}

#[tokio::test]
async fn a_firing_later_than_the_window_is_missed_and_a_one_shot_is_switched_off() {
    let store = SqliteStore::in_memory().unwrap();
    let j = job(None, Some("1970-01-01T00:16:40Z")); // 1_000_000 ms
    store.add_job(&j).await.unwrap();
    let (fired, _) = tick(&store, &accounts(), 1_000_000 + 11 * 60_000, 600_000)
        .await
        .unwrap();
    assert_eq!(fired[0].1, Due::Missed);
    let after = store.job(&j.id).await.unwrap().unwrap();
    assert!(!after.enabled && after.next_run_ms.is_none(), "{after:?}");
    assert_eq!(after.last_outcome.as_deref(), Some("missed"));
    assert!(
        store
            .event("default", &firing_event_id(&j.id, 1_000_000))
            .await
            .unwrap()
            .is_none(),
        "nothing to post"
    );
    let runs = store.job_runs(&j.id, 10).await.unwrap();
    assert_eq!(runs[0].outcome, RunOutcome::Missed);
}

#[tokio::test]
async fn inside_the_window_a_late_recurring_job_fires_once_and_keeps_its_grid() {
    let store = SqliteStore::in_memory().unwrap();
    let j = job(Some("1s"), None); // first firing at 1_001_000
    store.add_job(&j).await.unwrap();
    let (fired, _) = tick(&store, &accounts(), 1_005_500, 600_000).await.unwrap();
    assert_eq!(fired.len(), 1);
    let after = store.job(&j.id).await.unwrap().unwrap();
    assert_eq!(after.next_run_ms, Some(1_006_000));
    // Another account's jobs are another gateway's.
    let (other, _) = tick(&store, &["ops".to_string()], 1_006_000, 600_000)
        .await
        .unwrap();
    assert!(other.is_empty());
}

#[tokio::test]
async fn a_claim_recorded_after_another_replica_ran_the_firing_does_not_undo_its_outcome() {
    let store = SqliteStore::in_memory().unwrap();
    let j = job(Some("1s"), None);
    store.add_job(&j).await.unwrap();
    record(&store, &j.id, 1_001_000, RunOutcome::Sent, None)
        .await
        .unwrap();
    record(&store, &j.id, 1_001_000, RunOutcome::Running, None)
        .await
        .unwrap();
    let runs = store.job_runs(&j.id, 10).await.unwrap();
    assert_eq!(runs[0].outcome, RunOutcome::Sent);
    let after = store.job(&j.id).await.unwrap().unwrap();
    assert_eq!(after.last_outcome.as_deref(), Some("sent"));
}
