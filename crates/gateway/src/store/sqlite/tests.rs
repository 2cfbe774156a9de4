//! What only the SQLite backend has: a file reopened keeps its pairings, and a database from a
//! newer binary is refused. The store's contract on both backends is in tests/postgres.rs.

use super::pairing::CODE_ALPHABET;
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
