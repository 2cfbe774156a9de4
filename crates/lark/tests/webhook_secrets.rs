//! No error, Debug or Display of the webhook layer shows the encrypt key, the verification
//! token, or any of the decrypted body.

use std::time::{Duration, SystemTime};

use lark::Secret;
use lark::webhook::{RequestHeaders, WebhookError, WebhookVerifier, crypto};

const KEY: &str = "ENCRYPT-KEY-do-not-leak";
const TOKEN: &str = "VERIFY-TOKEN-do-not-leak";
const BODY_SECRET: &str = "PRIVATE-MESSAGE-do-not-leak";

fn now() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_732_233_600)
}

fn assert_clean(what: &str, text: &str) {
    for s in [KEY, TOKEN, BODY_SECRET] {
        assert!(!text.contains(s), "{what} leaks {s}: {text}");
    }
}

#[test]
fn no_error_or_debug_output_contains_a_secret() {
    let w = WebhookVerifier::new(Some(KEY.into()), Some(TOKEN.into()));
    assert_clean("verifier Debug", &format!("{w:?}"));

    let ts = "1732233600";
    let sign = |body: &[u8]| RequestHeaders::new(ts, "n", crypto::signature(ts, "n", KEY, body));
    let enc = |plain: &str| {
        serde_json::json!({ "encrypt": crypto::encrypt(KEY, plain.as_bytes()) })
            .to_string()
            .into_bytes()
    };
    let event = |token: &str, message_type: &str| {
        format!(
            r#"{{"schema":"2.0","header":{{"event_id":"e","event_type":"im.message.receive_v1","token":"{token}"}},"event":{{"sender":{{}},"message":{{"message_id":"om_1","chat_id":"oc_1","message_type":{message_type},"content":"{BODY_SECRET}"}}}}}}"#
        )
    };

    let mut cases: Vec<(RequestHeaders, Vec<u8>)> = Vec::new();
    // Signature mismatch, token mismatch, malformed event, stale, missing headers.
    let body = enc(&event(TOKEN, "\"text\""));
    cases.push((RequestHeaders::new(ts, "n", "00"), body.clone()));
    cases.push((RequestHeaders::default(), body.clone()));
    let body = enc(&event("WRONG-token", "\"text\""));
    cases.push((sign(&body), body));
    let body = enc(&event(TOKEN, &format!("[\"{BODY_SECRET}\"]")));
    cases.push((sign(&body), body));
    let body = enc(&event(TOKEN, "\"text\""));
    let old = RequestHeaders::new("1", "n", crypto::signature("1", "n", KEY, &body));
    cases.push((old, body));
    // Not JSON after decryption, undecryptable, plaintext.
    cases.push((RequestHeaders::default(), enc(BODY_SECRET)));
    cases.push((
        RequestHeaders::default(),
        format!(r#"{{"encrypt":"{BODY_SECRET}"}}"#).into_bytes(),
    ));
    cases.push((
        RequestHeaders::default(),
        event(TOKEN, "\"text\"").into_bytes(),
    ));
    cases.push((RequestHeaders::default(), BODY_SECRET.as_bytes().to_vec()));

    let mut seen = Vec::new();
    for (h, body) in &cases {
        let err = w.handle(h, body, now()).expect_err("every case is refused");
        assert_clean("Display", &err.to_string());
        assert_clean("Debug", &format!("{err:?}"));
        assert_clean("response body", &err.response_body());
        seen.push(std::mem::discriminant(&err));
    }
    seen.dedup();
    assert!(seen.len() >= 7, "the cases hit distinct errors: {seen:?}");

    // Without the key configured, and with the wrong key.
    let no_key = WebhookVerifier::new(None, Some(Secret::new(TOKEN)));
    let err = no_key
        .handle(&RequestHeaders::default(), &enc("{}"), now())
        .unwrap_err();
    assert_eq!(err, WebhookError::NeedEncryptKey);
    let other = WebhookVerifier::new(Some("another key".into()), Some(TOKEN.into()));
    let err = other
        .handle(&RequestHeaders::default(), &enc("{}"), now())
        .unwrap_err();
    assert_clean("wrong key", &format!("{err} {err:?}"));
}

#[test]
fn accepted_envelopes_do_not_print_the_token() {
    let w = WebhookVerifier::new(None, Some(TOKEN.into()));
    let body = format!(
        r#"{{"schema":"2.0","header":{{"event_id":"e","event_type":"x.y","token":"{TOKEN}"}},"event":{{}}}}"#
    );
    let inbound = w
        .handle(&RequestHeaders::default(), body.as_bytes(), now())
        .unwrap();
    assert!(!format!("{inbound:?}").contains(TOKEN));
}
