//! The webhook flow against the official vectors (`testdata/lark/vectors.json`) and against every
//! way a request can be wrong.

use std::time::{Duration, SystemTime};

use lark::Secret;
use lark::model::OpenId;
use lark::model::event::Event;
use lark::webhook::{Inbound, RequestHeaders, WebhookError, WebhookVerifier, crypto};
use serde_json::Value;

fn vectors() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/lark/vectors.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("vectors.json")).unwrap()
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v[k].as_str().unwrap_or_else(|| panic!("{k}"))
}

fn verifier(v: &Value) -> WebhookVerifier {
    WebhookVerifier::new(
        Some(Secret::new(s(v, "encrypt_key"))),
        Some(Secret::new(s(v, "verification_token"))),
    )
}

fn at(secs: u64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
}

fn signed_headers(v: &Value) -> RequestHeaders {
    RequestHeaders::new(s(v, "timestamp"), s(v, "nonce"), s(v, "signature"))
}

const KEY: &str = "kY7r2xQ9wPzL";
const TOKEN: &str = "vt_3Hf8sJ2m";
const NOW: u64 = 1_732_233_600;

/// Encrypts and signs `plaintext` as the platform would.
fn push(plaintext: &str, ts: u64) -> (RequestHeaders, Vec<u8>) {
    let body = serde_json::json!({ "encrypt": crypto::encrypt(KEY, plaintext.as_bytes()) })
        .to_string()
        .into_bytes();
    let ts = ts.to_string();
    let sig = crypto::signature(&ts, "n0nce", KEY, &body);
    (RequestHeaders::new(ts, "n0nce", sig), body)
}

fn ours() -> WebhookVerifier {
    WebhookVerifier::new(Some(KEY.into()), Some(TOKEN.into()))
}

fn event_plaintext() -> String {
    s(&vectors()["webhook_event"], "plaintext").to_owned()
}

#[test]
fn official_signed_event_is_accepted_with_its_message_and_bot_mention() {
    let v = &vectors()["webhook_event"];
    let inbound = verifier(v)
        .handle(&signed_headers(v), s(v, "body").as_bytes(), at(NOW))
        .expect("the official vector is accepted");
    let Inbound::Event(env) = inbound else {
        panic!("an event, got {inbound:?}")
    };
    assert_eq!(env.event_id(), "5e3702a84e847582be8db7fb73283c02");
    assert_eq!(env.event_type(), "im.message.receive_v1");
    assert_eq!(env.create_time_ms(), Some(1_732_233_600_000));
    assert_eq!(env.token().expose(), TOKEN);
    let Event::MessageReceived(m) = &env.event else {
        panic!("a message, got {:?}", env.event)
    };
    assert_eq!(m.message_id.as_str(), "om_5ce6d572455d361153b7cb51da133945");
    let bot = OpenId::from("ou_bot000000000000000000000000001");
    assert!(m.mentions_open_id(&bot));
    assert!(!m.mentions_all());
    assert_eq!(m.text_with_mentions_resolved(None), "@Claw hello 你好");
    assert_eq!(m.text_with_mentions_resolved(Some(&bot)), "hello 你好");
    // An empty user_id in the mention is "none", not an id.
    assert_eq!(m.mentions[0].id.user_id, None);
}

#[test]
fn official_bad_signature_is_rejected_as_signature_mismatch() {
    let v = &vectors()["webhook_event_bad_signature"];
    let err = verifier(v)
        .handle(&signed_headers(v), s(v, "body").as_bytes(), at(NOW))
        .unwrap_err();
    assert_eq!(err, WebhookError::SignatureMismatch);
    assert_eq!(err.http_status(), 401);
}

#[test]
fn official_encrypted_challenge_is_answered_exactly() {
    let v = &vectors()["webhook_challenge_encrypted"];
    // No signature headers: the challenge is unsigned.
    let inbound = verifier(v)
        .handle(&RequestHeaders::default(), s(v, "body").as_bytes(), at(NOW))
        .unwrap();
    let Inbound::Challenge { response_body, .. } = inbound else {
        panic!("a challenge")
    };
    assert_eq!(response_body, s(v, "expect_response"));
}

#[test]
fn plain_challenge_without_encrypt_key_checks_the_token() {
    let w = WebhookVerifier::new(None, Some(TOKEN.into()));
    let body =
        br#"{"challenge":"ajls384kdjx98XX","token":"vt_3Hf8sJ2m","type":"url_verification"}"#;
    let Inbound::Challenge {
        challenge,
        response_body,
    } = w.handle(&RequestHeaders::default(), body, at(NOW)).unwrap()
    else {
        panic!("a challenge")
    };
    assert_eq!(challenge, "ajls384kdjx98XX");
    assert_eq!(response_body, r#"{"challenge":"ajls384kdjx98XX"}"#);

    let wrong = br#"{"challenge":"x","token":"nope","type":"url_verification"}"#;
    assert_eq!(
        w.handle(&RequestHeaders::default(), wrong, at(NOW))
            .unwrap_err(),
        WebhookError::TokenMismatch
    );
    let missing = br#"{"challenge":"x","type":"url_verification"}"#;
    assert_eq!(
        w.handle(&RequestHeaders::default(), missing, at(NOW))
            .unwrap_err(),
        WebhookError::MissingToken
    );
}

#[test]
fn plaintext_when_a_key_is_configured_is_refused() {
    let body = br#"{"challenge":"x","token":"vt_3Hf8sJ2m","type":"url_verification"}"#;
    let err = ours()
        .handle(&RequestHeaders::default(), body, at(NOW))
        .unwrap_err();
    assert_eq!(err, WebhookError::EncryptRequired);
    let err = ours()
        .handle(&RequestHeaders::default(), br#"{"encrypt":""}"#, at(NOW))
        .unwrap_err();
    assert_eq!(err, WebhookError::EncryptRequired);
    let err = ours()
        .handle(
            &RequestHeaders::default(),
            event_plaintext().as_bytes(),
            at(NOW),
        )
        .unwrap_err();
    assert_eq!(err, WebhookError::EncryptRequired);
}

#[test]
fn encrypted_body_without_a_key_needs_the_key() {
    let (h, body) = push(&event_plaintext(), NOW);
    let err = WebhookVerifier::new(None, Some(TOKEN.into()))
        .handle(&h, &body, at(NOW))
        .unwrap_err();
    assert_eq!(err, WebhookError::NeedEncryptKey);
    assert!(err.to_string().contains("need encrypt key"));
}

#[test]
fn token_mismatch_in_a_signed_event_is_refused() {
    let plain = event_plaintext().replace(TOKEN, "vt_someone_else");
    let (h, body) = push(&plain, NOW);
    assert_eq!(
        ours().handle(&h, &body, at(NOW)).unwrap_err(),
        WebhookError::TokenMismatch
    );
}

#[test]
fn a_signed_event_without_a_token_passes_on_its_signature() {
    let plain = event_plaintext().replace(r#""token":"vt_3Hf8sJ2m","#, "");
    let (h, body) = push(&plain, NOW);
    assert!(matches!(
        ours().handle(&h, &body, at(NOW)),
        Ok(Inbound::Event(_))
    ));
}

#[test]
fn the_replay_window_is_enforced_both_ways_and_settable() {
    let (h, body) = push(&event_plaintext(), NOW);
    let w = ours();
    assert!(w.handle(&h, &body, at(NOW + 299)).is_ok());
    let err = w.handle(&h, &body, at(NOW + 301)).unwrap_err();
    assert!(
        matches!(err, WebhookError::StaleTimestamp { .. }),
        "{err:?}"
    );
    assert_eq!(err.http_status(), 401);
    assert!(matches!(
        w.handle(&h, &body, at(NOW - 301)),
        Err(WebhookError::StaleTimestamp { .. })
    ));
    let wide = ours().replay_window(Some(Duration::from_secs(3600)));
    assert!(wide.handle(&h, &body, at(NOW + 3000)).is_ok());
    let off = ours().replay_window(None);
    assert!(off.handle(&h, &body, at(NOW + 86_400 * 365)).is_ok());
}

#[test]
fn a_tampered_body_fails_the_signature() {
    let v = &vectors()["webhook_event"];
    let mut body = s(v, "body").as_bytes().to_vec();
    // Flip one character of the ciphertext.
    let i = body.len() / 2;
    body[i] = if body[i] == b'A' { b'B' } else { b'A' };
    assert_eq!(
        verifier(v)
            .handle(&signed_headers(v), &body, at(NOW))
            .unwrap_err(),
        WebhookError::SignatureMismatch
    );
    // Whitespace added to the JSON changes the raw bytes, so the signature too.
    let spaced = s(v, "body").replacen(':', ": ", 1);
    assert_eq!(
        verifier(v)
            .handle(&signed_headers(v), spaced.as_bytes(), at(NOW))
            .unwrap_err(),
        WebhookError::SignatureMismatch
    );
}

#[test]
fn missing_signature_headers_are_named() {
    let v = &vectors()["webhook_event"];
    let mut h = signed_headers(v);
    h.signature = None;
    let err = verifier(v)
        .handle(&h, s(v, "body").as_bytes(), at(NOW))
        .unwrap_err();
    assert_eq!(err, WebhookError::MissingHeader("X-Lark-Signature"));
    let err = verifier(v)
        .handle(&RequestHeaders::default(), s(v, "body").as_bytes(), at(NOW))
        .unwrap_err();
    assert_eq!(err, WebhookError::MissingHeader("X-Lark-Request-Timestamp"));
}

#[test]
fn headers_are_read_from_an_http_map() {
    let v = &vectors()["webhook_event"];
    let mut map = http::HeaderMap::new();
    map.insert(
        "x-lark-request-timestamp",
        s(v, "timestamp").parse().unwrap(),
    );
    map.insert("X-Lark-Request-Nonce", s(v, "nonce").parse().unwrap());
    map.insert("x-lark-signature", s(v, "signature").parse().unwrap());
    let h = RequestHeaders::from_http(&map);
    assert!(
        verifier(v)
            .handle(&h, s(v, "body").as_bytes(), at(NOW))
            .is_ok()
    );
}

#[test]
fn oversized_and_non_json_bodies_are_refused_before_anything_else() {
    let w = ours().max_body_bytes(64);
    let err = w
        .handle(&RequestHeaders::default(), &[b' '; 65], at(NOW))
        .unwrap_err();
    assert_eq!(
        err,
        WebhookError::BodyTooLarge {
            size: 65,
            limit: 64
        }
    );
    assert_eq!(err.http_status(), 413);
    for bad in [&b"not json"[..], b"[1,2]", b"\"str\"", b""] {
        let err = ours()
            .handle(&RequestHeaders::default(), bad, at(NOW))
            .unwrap_err();
        assert_eq!(err, WebhookError::NotJson);
        assert_eq!(err.http_status(), 400);
    }
}

#[test]
fn undecryptable_and_non_json_plaintext_are_clear_errors() {
    let err = ours()
        .handle(&RequestHeaders::default(), br#"{"encrypt":"%%%"}"#, at(NOW))
        .unwrap_err();
    assert!(matches!(err, WebhookError::Decrypt(_)), "{err:?}");
    let body = serde_json::json!({ "encrypt": crypto::encrypt(KEY, b"hello") }).to_string();
    let err = ours()
        .handle(&RequestHeaders::default(), body.as_bytes(), at(NOW))
        .unwrap_err();
    assert_eq!(err, WebhookError::DecryptedNotJson);
}

#[test]
fn without_secrets_plain_events_and_v1_envelopes_pass() {
    let w = WebhookVerifier::new(None, None);
    let v1 = br#"{"ts":"1502199207.7171419","uuid":"bc447199585340d1f3728d26b1c0297a","token":"t","type":"event_callback","event":{"type":"message","app_id":"cli_x","tenant_key":"tk","open_chat_id":"oc_1","open_id":"ou_1","msg_type":"text","text":"hi","is_mention":true}}"#;
    let Inbound::Event(env) = w.handle(&RequestHeaders::default(), v1, at(NOW)).unwrap() else {
        panic!()
    };
    assert_eq!(env.event_id(), "bc447199585340d1f3728d26b1c0297a");
    assert_eq!(env.create_time_ms(), Some(1_502_199_207_717));
    assert!(matches!(env.event, Event::MessageV1(_)));
    let err = w
        .handle(&RequestHeaders::default(), br#"{"hello":"world"}"#, at(NOW))
        .unwrap_err();
    assert_eq!(err, WebhookError::NotAnEvent);
}

#[test]
fn a_malformed_known_event_names_the_field() {
    let plain = r#"{"schema":"2.0","header":{"event_id":"e","event_type":"im.message.receive_v1","token":"vt_3Hf8sJ2m"},"event":{"sender":{"sender_id":{"open_id":"ou_1"}},"message":{"chat_id":"oc_1","message_type":"text","content":"{}"}}}"#;
    let (h, body) = push(plain, NOW);
    let err = ours().handle(&h, &body, at(NOW)).unwrap_err();
    assert_eq!(err.http_status(), 400);
    assert!(err.to_string().contains("message.message_id"), "{err}");
}

#[test]
fn legacy_card_callbacks_are_checked_with_sha1_over_the_token() {
    let body = br#"{"open_id":"ou_1","user_id":"u1","open_message_id":"om_1","open_chat_id":"oc_1","tenant_key":"tk","token":"c-123","action":{"value":{"k":"v"},"tag":"button"}}"#;
    let ts = NOW.to_string();
    let sig = crypto::card_signature_v1(&ts, "n", TOKEN, body);
    let h = RequestHeaders::new(ts.clone(), "n", sig);
    let Inbound::CardActionV1(card) = ours().handle(&h, body, at(NOW)).unwrap() else {
        panic!("a legacy card")
    };
    assert_eq!(card.open_message_id.as_ref().unwrap().as_str(), "om_1");
    assert_eq!(card.action.value["k"], "v");
    assert_eq!(card.action.tag, "button");

    let bad = RequestHeaders::new(ts, "n", "0".repeat(40));
    assert_eq!(
        ours().handle(&bad, body, at(NOW)).unwrap_err(),
        WebhookError::CardSignatureMismatch
    );
    let no_token = WebhookVerifier::new(Some(KEY.into()), None);
    assert_eq!(
        no_token.handle(&h, body, at(NOW)).unwrap_err(),
        WebhookError::CardCallbackUnverifiable
    );
}

#[test]
fn the_success_body_is_the_documented_one() {
    assert_eq!(lark::webhook::success_body(), r#"{"msg":"success"}"#);
    let body = WebhookError::TokenMismatch.response_body();
    assert_eq!(body, r#"{"msg":"verification token mismatch"}"#);
}

#[test]
fn a_challenge_is_answered_even_with_a_stray_signature() {
    let v = &vectors()["webhook_challenge_encrypted"];
    let h = RequestHeaders::new(NOW.to_string(), "n", "0".repeat(64));
    let Inbound::Challenge { response_body, .. } = verifier(v)
        .handle(&h, s(v, "body").as_bytes(), at(NOW))
        .unwrap()
    else {
        panic!("a challenge")
    };
    assert_eq!(response_body, s(v, "expect_response"));
}
