//! What the webhook fuzzing feeds the route: random bytes, random JSON around real envelope
//! shapes, well-formed and tampered encrypted bodies, and random signature headers. Shared by the
//! property test (tests/webhook_garbage.rs) and the long run (examples/webhook_fuzz.rs).

use proptest::prelude::*;

/// The encrypt key of the fuzzed account (some bodies are encrypted with it for real).
pub const KEY: &str = "encrypt-key-for-tests";

pub fn body_strategy() -> impl Strategy<Value = Vec<u8>> {
    let encrypted =
        "[a-zA-Z0-9+/=]{0,200}".prop_map(|s| format!(r#"{{"encrypt":"{s}"}}"#).into_bytes());
    let real_encrypted = ".{0,300}".prop_map(|s| {
        let enc = lark::webhook::crypto::encrypt(KEY, s.as_bytes());
        format!(r#"{{"encrypt":"{enc}"}}"#).into_bytes()
    });
    let json_like = prop::collection::vec(
        prop_oneof![
            Just(r#"{"schema":"2.0","header":{"event_id":"e","event_type":"im.message.receive_v1","token":"vt"},"event":{}}"#.to_owned()),
            Just(r#"{"type":"url_verification","challenge":"c","token":"vt"}"#.to_owned()),
            Just(r#"{"uuid":"u","event":{"type":"message"}}"#.to_owned()),
            "[{}\\[\\]\":,a-z0-9 ]{0,40}".prop_map(|s| s),
        ],
        1..4,
    )
    .prop_map(|parts| parts.concat().into_bytes());
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..512),
        encrypted,
        real_encrypted,
        json_like,
    ]
}

pub fn header_strategy() -> impl Strategy<Value = Vec<(&'static str, String)>> {
    prop::collection::vec(
        (
            prop_oneof![
                Just("X-Lark-Request-Timestamp"),
                Just("X-Lark-Request-Nonce"),
                Just("X-Lark-Signature"),
                Just("Content-Type"),
            ],
            "[ -~]{0,70}",
        ),
        0..4,
    )
}
