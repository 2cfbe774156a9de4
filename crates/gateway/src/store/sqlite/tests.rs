use super::*;

fn ask(open_id: &str, now_ms: i64, ttl_ms: i64) -> PairingAsk {
    PairingAsk {
        account: "default".into(),
        open_id: open_id.into(),
        chat_id: Some("oc_dm".into()),
        name: None,
        now_ms,
        ttl_ms,
        max_pending: 3,
    }
}

fn ev(event_id: &str, message_id: Option<&str>, chat: &str) -> NewEvent {
    NewEvent {
        account: "default".into(),
        event_id: event_id.into(),
        message_id: message_id.map(str::to_owned),
        event_type: "im.message.receive_v1".into(),
        chat_key: Some(chat.into()),
        payload: "{}".into(),
        received_at_ms: super::super::now_ms(),
        created_at_ms: None,
        status: EventStatus::Received,
    }
}

#[tokio::test]
async fn a_claim_is_new_once_per_event_and_per_message() {
    let s = SqliteStore::in_memory().unwrap();
    assert_eq!(
        s.claim(ev("e1", Some("om_1"), "oc_a")).await.unwrap(),
        Claim::New
    );
    assert_eq!(
        s.claim(ev("e1", Some("om_1"), "oc_a")).await.unwrap(),
        Claim::DuplicateEvent
    );
    // The platform re-pushed the same message under a new event id.
    assert_eq!(
        s.claim(ev("e2", Some("om_1"), "oc_a")).await.unwrap(),
        Claim::DuplicateMessage
    );
    // Another account may see the same ids.
    let mut other = ev("e1", Some("om_1"), "oc_a");
    other.account = "prod".into();
    assert_eq!(s.claim(other).await.unwrap(), Claim::New);
}

#[tokio::test]
async fn concurrent_claims_of_one_event_give_exactly_one_new() {
    let s = SqliteStore::in_memory().unwrap();
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            s.claim(ev("same", Some("om_same"), "oc_a")).await.unwrap()
        }));
    }
    let mut new = 0;
    for t in tasks {
        if t.await.unwrap() == Claim::New {
            new += 1;
        }
    }
    assert_eq!(new, 1);
}

#[tokio::test]
async fn the_queue_gives_a_chats_oldest_open_event_and_skips_closed_ones() {
    let s = SqliteStore::in_memory().unwrap();
    for (i, chat) in ["oc_a", "oc_b", "oc_a"].iter().enumerate() {
        s.claim(ev(&format!("e{i}"), Some(&format!("om_{i}")), chat))
            .await
            .unwrap();
    }
    assert_eq!(
        s.open_chats("default", 0).await.unwrap(),
        vec!["oc_a", "oc_b"]
    );
    let first = s.next_open("default", "oc_a").await.unwrap().unwrap();
    assert_eq!(first.event_id, "e0");
    s.set_status("default", "e0", EventStatus::Refused, Some("dm disabled"))
        .await
        .unwrap();
    let next = s.next_open("default", "oc_a").await.unwrap().unwrap();
    assert_eq!(next.event_id, "e2");
    assert_eq!(s.depth("default").await.unwrap().open, 2);
    let refused = s.event("default", "e0").await.unwrap().unwrap();
    assert_eq!(refused.status, EventStatus::Refused);
    assert_eq!(refused.reason.as_deref(), Some("dm disabled"));
}

#[tokio::test]
async fn the_outbox_keeps_parts_and_sent_ids() {
    let s = SqliteStore::in_memory().unwrap();
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
    let e = s.event("default", "e1").await.unwrap().unwrap();
    assert_eq!(e.status, EventStatus::Sent);
    assert_eq!(e.sent_ids, vec!["om_r0", "om_r1"]);
    assert_eq!(s.bump_attempts("default", "e1").await.unwrap(), 1);
    assert_eq!(s.bump_attempts("default", "e1").await.unwrap(), 2);
}

#[tokio::test]
async fn pairing_codes_are_eight_unambiguous_chars_three_at_most_and_survive_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    let s = SqliteStore::open(&path).unwrap();
    let now = 1_000_000;
    let hour = 3_600_000;
    let mut codes = Vec::new();
    for u in ["ou_1", "ou_2", "ou_3"] {
        match s.request_pairing(ask(u, now, hour)).await.unwrap() {
            PairingRequest::Created(p) => codes.push(p.code),
            other => panic!("expected a new code, got {other:?}"),
        }
    }
    for c in &codes {
        assert_eq!(c.len(), 8);
        assert!(c.bytes().all(|b| CODE_ALPHABET.contains(&b)), "{c}");
    }
    // Asking again while pending gives the same code, not a new message.
    assert!(matches!(
        s.request_pairing(ask("ou_1", now + 5, hour)).await.unwrap(),
        PairingRequest::Pending(p) if p.code == codes[0]
    ));
    assert_eq!(
        s.request_pairing(ask("ou_4", now, hour)).await.unwrap(),
        PairingRequest::TooMany
    );
    let approved = s
        .decide_pairing(&codes[1].to_lowercase(), true, now + 10)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(approved.open_id, "ou_2");
    assert!(
        s.decide_pairing(&codes[1], true, now + 11)
            .await
            .unwrap()
            .is_none()
    );
    drop(s);

    let s = SqliteStore::open(&path).unwrap();
    assert!(s.is_approved("default", "ou_2").await.unwrap());
    assert!(!s.is_approved("default", "ou_1").await.unwrap());
    assert_eq!(s.pending_pairings(None, now + 20).await.unwrap().len(), 2);
    // After an hour the codes are gone and cannot be approved.
    assert!(
        s.pending_pairings(None, now + hour + 1)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        s.decide_pairing(&codes[0], true, now + hour + 1)
            .await
            .unwrap()
            .is_none()
    );
    assert!(matches!(
        s.request_pairing(ask("ou_1", now + hour + 1, hour)).await.unwrap(),
        PairingRequest::Created(p) if p.code != codes[0]
    ));
}

#[tokio::test]
async fn a_database_from_a_newer_binary_is_refused_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    drop(SqliteStore::open(&path).unwrap());
    let c = Connection::open(&path).unwrap();
    c.pragma_update(None, "user_version", 99).unwrap();
    drop(c);
    let err = SqliteStore::open(&path).unwrap_err().to_string();
    assert!(err.contains("schema version 99"), "{err}");
    assert!(err.contains("upgrade openclaw"), "{err}");
}

#[tokio::test]
async fn prune_drops_old_closed_events_only() {
    let s = SqliteStore::in_memory().unwrap();
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
