//! The official frame vectors (made by the Python SDK) decode and re-encode byte for byte with
//! the codec lark-sim speaks, and lark-sim's own pongs carry the config the way the vector does.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use lark::ws::Frame;
use serde_json::Value;

fn vectors() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/lark/vectors.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!("testdata/lark/vectors.json (regenerate with scripts/gen-vectors): {e}")
    });
    serde_json::from_str(&text).unwrap()
}

#[test]
fn every_frame_vector_round_trips() {
    let v = vectors();
    let frames = v["frames"].as_object().unwrap();
    assert!(!frames.is_empty());
    for (name, f) in frames {
        let Some(b64) = f["base64"].as_str() else {
            continue;
        };
        let bytes = B64.decode(b64).unwrap();
        match Frame::decode_bytes(&bytes) {
            Ok(frame) => assert_eq!(frame.to_bytes(), bytes, "{name} re-encodes byte for byte"),
            Err(e) => assert!(
                name.contains("missing") || name.contains("bad") || name.contains("invalid"),
                "{name}: {e}"
            ),
        }
    }
}

#[test]
fn lark_sim_pongs_carry_the_same_config_keys_as_the_official_vector() {
    let v = vectors();
    let official: Value = serde_json::from_str(
        v["frames"]["server_pong_with_config"]["decoded"]["payload_utf8"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    let ours = lark_sim::delivery::ws::client_config(&lark_sim::SimConfig::default());
    let keys = |v: &Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&official), keys(&ours));
    assert_eq!(
        official, ours,
        "the default config equals the platform's defaults in the vector"
    );
}
