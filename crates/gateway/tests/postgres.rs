//! The store's contract, checked on both backends: every case runs on SQLite and on a fresh
//! PostgreSQL database (`#[ignore]`d unless asked for, as `scripts/test` does). What only a
//! shared store does (claims across replicas, chat leases, the sweep, heartbeats, the start-up
//! errors) is in `pg_fleet_store.rs`.

mod common;
mod pg;

use std::sync::Arc;

use openclaw_gateway::store::{
    Claim, EventStatus, PairingAsk, PairingRequest, PostgresStore, SqliteStore, Store,
};
use pg::ev;

fn ask(open_id: &str, now_ms: i64) -> PairingAsk {
    PairingAsk {
        account: "default".into(),
        open_id: open_id.into(),
        chat_id: Some("oc_dm".into()),
        name: None,
        now_ms,
        ttl_ms: 3_600_000,
        max_pending: 3,
    }
}

/// Defines `<name>_sqlite` and `<name>_postgres`, running `$body(store)` on each backend.
macro_rules! both {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;
            #[tokio::test]
            async fn sqlite() {
                let s: Arc<dyn Store> = Arc::new(SqliteStore::in_memory().unwrap());
                ($body)(s).await;
            }
            #[tokio::test]
            #[ignore = "needs PostgreSQL: set OPENCLAW_TEST_PG_URL (scripts/test starts one and runs these)"]
            async fn postgres() {
                let url = pg::fresh_db(concat!(stringify!($name), "::postgres")).await;
                let s: Arc<dyn Store> = Arc::new(PostgresStore::connect(&url).await.unwrap());
                ($body)(s).await;
            }
        }
    };
}

both!(claims_are_new_once_per_event_and_per_message, |s: Arc<
    dyn Store,
>| async move {
    assert_eq!(
        s.claim(ev("e1", Some("om_1"), "oc_a")).await.unwrap(),
        Claim::New
    );
    assert_eq!(
        s.claim(ev("e1", Some("om_1"), "oc_a")).await.unwrap(),
        Claim::DuplicateEvent
    );
    assert_eq!(
        s.claim(ev("e2", Some("om_1"), "oc_a")).await.unwrap(),
        Claim::DuplicateMessage
    );
    let mut other = ev("e1", Some("om_1"), "oc_a");
    other.account = "prod".into();
    assert_eq!(s.claim(other).await.unwrap(), Claim::New);
});

both!(concurrent_claims_give_exactly_one_new, |s: Arc<
    dyn Store,
>| async move {
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            s.claim(ev("same", Some("om_same"), "oc_a")).await.unwrap()
        }));
    }
    let mut new = 0;
    for t in tasks {
        new += usize::from(t.await.unwrap() == Claim::New);
    }
    assert_eq!(new, 1);
});

both!(the_queue_gives_the_oldest_open_event, |s: Arc<
    dyn Store,
>| async move {
    for (i, chat) in ["oc_a", "oc_b", "oc_a"].iter().enumerate() {
        s.claim(ev(&format!("e{i}"), Some(&format!("om_{i}")), chat))
            .await
            .unwrap();
    }
    assert_eq!(
        s.open_chats("default", 0).await.unwrap(),
        vec!["oc_a", "oc_b"]
    );
    assert_eq!(
        s.next_open("default", "oc_a")
            .await
            .unwrap()
            .unwrap()
            .event_id,
        "e0"
    );
    s.set_status("default", "e0", EventStatus::Refused, Some("dm disabled"))
        .await
        .unwrap();
    assert_eq!(
        s.next_open("default", "oc_a")
            .await
            .unwrap()
            .unwrap()
            .event_id,
        "e2"
    );
    assert_eq!(s.depth("default").await.unwrap().open, 2);
    let refused = s.event("default", "e0").await.unwrap().unwrap();
    assert_eq!(refused.status, EventStatus::Refused);
    assert_eq!(refused.reason.as_deref(), Some("dm disabled"));
});

both!(
    a_chats_span_says_its_newest_settled_and_newest_open_message,
    |s: Arc<dyn Store>| async move {
        for (i, created) in [1_000, 2_000, 3_000].into_iter().enumerate() {
            let mut e = ev(&format!("e{i}"), Some(&format!("om_{i}")), "oc_a");
            e.created_at_ms = Some(created);
            s.claim(e).await.unwrap();
        }
        s.set_status("default", "e0", EventStatus::Sent, None)
            .await
            .unwrap();
        let span = s.chat_span("default", "oc_a", 2_500).await.unwrap();
        assert_eq!(span.last_closed_ms, Some(1_000));
        assert_eq!(span.newest_open_ms, Some(3_000));
        let before = s.chat_span("default", "oc_a", 500).await.unwrap();
        assert_eq!(
            before.last_closed_ms, None,
            "settled later than asked about"
        );
        let other = s.chat_span("default", "oc_b", 2_500).await.unwrap();
        assert_eq!((other.last_closed_ms, other.newest_open_ms), (None, None));
    }
);

both!(the_outbox_keeps_parts_sent_ids_and_the_card, |s: Arc<
    dyn Store,
>| async move {
    s.claim(ev("e1", Some("om_1"), "oc_a")).await.unwrap();
    s.record_reply("default", "e1", r#"["a","b"]"#)
        .await
        .unwrap();
    s.record_sent_part("default", "e1", "om_r0", false)
        .await
        .unwrap();
    let e = s.event("default", "e1").await.unwrap().unwrap();
    assert_eq!(e.status, EventStatus::Answered);
    assert_eq!(e.parts.as_deref(), Some(r#"["a","b"]"#));
    assert_eq!(e.sent_ids, vec!["om_r0"]);
    s.record_sent_part("default", "e1", "om_r1", true)
        .await
        .unwrap();
    s.set_typing("default", "e1", Some("r_1")).await.unwrap();
    s.set_card("default", "e1", "card_1", 40).await.unwrap();
    let e = s.event("default", "e1").await.unwrap().unwrap();
    assert_eq!(e.status, EventStatus::Sent);
    assert_eq!(e.sent_ids, vec!["om_r0", "om_r1"]);
    assert_eq!(e.typing_reaction.as_deref(), Some("r_1"));
    assert_eq!((e.card_id.as_deref(), e.card_seq), (Some("card_1"), 40));
    assert_eq!(s.bump_attempts("default", "e1").await.unwrap(), 1);
    assert_eq!(s.bump_attempts("default", "e1").await.unwrap(), 2);
});

both!(pairing_codes_pending_cap_and_decisions, |s: Arc<
    dyn Store,
>| async move {
    let now = 1_000_000;
    let mut codes = Vec::new();
    for u in ["ou_1", "ou_2", "ou_3"] {
        match s.request_pairing(ask(u, now)).await.unwrap() {
            PairingRequest::Created(p) => codes.push(p.code),
            other => panic!("expected a new code, got {other:?}"),
        }
    }
    assert!(codes.iter().all(|c| c.len() == 8));
    assert!(matches!(
        s.request_pairing(ask("ou_1", now + 5)).await.unwrap(),
        PairingRequest::Pending(p) if p.code == codes[0]
    ));
    assert_eq!(
        s.request_pairing(ask("ou_4", now)).await.unwrap(),
        PairingRequest::TooMany
    );
    let approved = s
        .decide_pairing(&codes[1].to_lowercase(), true, now + 10)
        .await
        .unwrap();
    assert_eq!(approved.unwrap().open_id, "ou_2");
    assert!(
        s.decide_pairing(&codes[1], true, now + 11)
            .await
            .unwrap()
            .is_none()
    );
    assert!(s.is_approved("default", "ou_2").await.unwrap());
    assert!(!s.is_approved("default", "ou_1").await.unwrap());
    assert_eq!(s.pending_pairings(None, now + 20).await.unwrap().len(), 2);
    assert_eq!(
        s.pending_pairings(Some("prod"), now + 20)
            .await
            .unwrap()
            .len(),
        0
    );
    assert!(
        s.pending_pairings(None, now + 3_600_001)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        s.request_pairing(ask("ou_2", now)).await.unwrap(),
        PairingRequest::Approved
    );
});

both!(sessions_are_saved_replaced_and_deleted, |s: Arc<
    dyn Store,
>| async move {
    let key = "lark:default:dm:ou_1";
    assert_eq!(s.load_session(key).await.unwrap(), None);
    s.save_session(key, r#"{"v":1}"#).await.unwrap();
    s.save_session(key, r#"{"v":2}"#).await.unwrap();
    assert_eq!(
        s.load_session(key).await.unwrap().as_deref(),
        Some(r#"{"v":2}"#)
    );
    s.delete_session(key).await.unwrap();
    assert_eq!(s.load_session(key).await.unwrap(), None);
});

both!(
    prune_drops_old_closed_events_only,
    |s: Arc<dyn Store>| async move {
        let mut old = ev("old", Some("om_old"), "oc_a");
        old.received_at_ms = 10;
        s.claim(old).await.unwrap();
        let mut open = ev("open", Some("om_open"), "oc_a");
        open.received_at_ms = 10;
        s.claim(open).await.unwrap();
        s.set_status("default", "old", EventStatus::Sent, None)
            .await
            .unwrap();
        assert_eq!(s.prune(1_000).await.unwrap(), 1);
        assert!(s.event("default", "old").await.unwrap().is_none());
        assert!(s.event("default", "open").await.unwrap().is_some());
    }
);

both!(
    known_messages_and_the_marks_a_restart_reads_back_from,
    |s: Arc<dyn Store>| async move {
        assert_eq!(s.restart_marks("default").await.unwrap(), (None, None));
        assert!(s.known_messages("default", &[]).await.unwrap().is_empty());
        for (i, chat) in ["oc_a", "oc_b", "oc_c"].iter().enumerate() {
            let mut e = ev(&format!("e{i}"), Some(&format!("om_{i}")), chat);
            e.received_at_ms = 1_000 * (i as i64 + 1);
            e.created_at_ms = Some(900 * (i as i64 + 1));
            s.claim(e).await.unwrap();
        }
        s.set_status("default", "e0", EventStatus::Sent, None)
            .await
            .unwrap();
        // The last receipt, and the creation of the oldest event not finished.
        assert_eq!(
            s.restart_marks("default").await.unwrap(),
            (Some(3_000), Some(1_800))
        );
        assert_eq!(s.restart_marks("prod").await.unwrap(), (None, None));
        let ask = ["om_2".to_owned(), "om_3".to_owned(), "om_1".to_owned()];
        let mut known = s.known_messages("default", &ask).await.unwrap();
        known.sort();
        assert_eq!(known, ["om_1", "om_2"]);
        assert!(s.known_messages("prod", &ask).await.unwrap().is_empty());
    }
);

both!(
    a_batch_names_its_lead_and_a_stop_closes_in_one_step_and_stays_closed,
    |s: Arc<dyn Store>| async move {
        for i in 0..4 {
            let mut e = ev(&format!("e{i}"), Some(&format!("om_{i}")), "oc_a");
            e.created_at_ms = Some(1_000 + i);
            s.claim(e).await.unwrap();
        }
        let open = s.open_events("default", "oc_a", 10).await.unwrap();
        let order: Vec<&str> = open.iter().map(|e| e.event_id.as_str()).collect();
        assert_eq!(order, ["e0", "e1", "e2", "e3"]);
        assert_eq!(s.open_events("default", "oc_a", 2).await.unwrap().len(), 2);

        let members = ["e1".to_owned(), "e2".to_owned()];
        s.set_batch("default", "e2", &members).await.unwrap();
        let batch = s.batch_events("default", "e2").await.unwrap();
        let names: Vec<&str> = batch.iter().map(|e| e.event_id.as_str()).collect();
        assert_eq!(names, ["e1", "e2"]);
        assert_eq!(batch[0].batch.as_deref(), Some("e2"));
        assert_eq!(s.event("default", "e0").await.unwrap().unwrap().batch, None);

        // A stop closes the running turn with the /stop; the turn's late reply keeps it closed.
        let stopped = ["e0".to_owned(), "e3".to_owned(), "e1".to_owned()];
        s.set_status("default", "e1", EventStatus::Sent, None)
            .await
            .unwrap();
        let n = s
            .close_events(
                "default",
                &stopped,
                EventStatus::Stopped,
                "stopped by /stop",
            )
            .await
            .unwrap();
        assert_eq!(n, 2, "e1 was closed already");
        s.record_reply("default", "e0", "[]").await.unwrap();
        s.record_sent_part("default", "e0", "om_reply", true)
            .await
            .unwrap();
        let e0 = s.event("default", "e0").await.unwrap().unwrap();
        assert_eq!(e0.status, EventStatus::Stopped);
        assert_eq!(e0.reason.as_deref(), Some("stopped by /stop"));
        assert_eq!(e0.sent_ids, ["om_reply"]);
        assert_eq!(
            s.event("default", "e1").await.unwrap().unwrap().status,
            EventStatus::Sent
        );
        let open = s.open_events("default", "oc_a", 10).await.unwrap();
        assert_eq!(open.len(), 1, "only e2 is open: {open:?}");
        // A closed event joins no batch.
        s.set_batch("default", "e9", &stopped).await.unwrap();
        assert!(s.batch_events("default", "e9").await.unwrap().is_empty());
    }
);

both!(
    unaddressed_reads_refusals_and_turns_newest_first_within_the_limit,
    |s: Arc<dyn Store>| async move {
        use openclaw_gateway::store::HistoryQuery;
        // Created at 10, 20, ... 60: two unaddressed, a turn, three unaddressed (one refused for
        // another reason), and the turn being answered at 70.
        let plan = [
            ("e1", "bot not mentioned", EventStatus::Refused),
            ("e2", "bot not mentioned", EventStatus::Refused),
            ("e3", "", EventStatus::Sent),
            ("e4", "bot not mentioned", EventStatus::Refused),
            ("e5", "sent by a bot", EventStatus::Refused),
            ("e6", "bot not mentioned", EventStatus::Refused),
            ("e7", "", EventStatus::Received),
        ];
        for (i, (id, reason, status)) in plan.iter().enumerate() {
            let mut e = ev(id, Some(&format!("om_{id}")), "oc_a");
            e.created_at_ms = Some(10 * (i as i64 + 1));
            s.claim(e).await.unwrap();
            if *status != EventStatus::Received {
                let reason = (!reason.is_empty()).then_some(*reason);
                s.set_status("default", id, *status, reason).await.unwrap();
            }
        }
        s.claim(ev("x1", Some("om_x1"), "oc_b")).await.unwrap();
        let read = |limit: u32| {
            let s = s.clone();
            async move {
                let q = HistoryQuery {
                    account: "default".into(),
                    chat_key: "oc_a".into(),
                    before_ms: 70,
                    reason: "bot not mentioned".into(),
                    limit,
                };
                let got = s.unaddressed(q).await.unwrap();
                got.into_iter().map(|e| e.event_id).collect::<Vec<_>>()
            }
        };
        assert_eq!(read(10).await, ["e6", "e4", "e3", "e2", "e1"]);
        assert_eq!(read(2).await, ["e6", "e4"]);
    }
);
