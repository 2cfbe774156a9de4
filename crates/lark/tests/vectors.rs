//! The wire vectors made by the official Python SDK (`testdata/lark/vectors.json`), used as they are.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use lark::webhook::crypto;
use lark::ws::{AckPayload, Frame};
use serde_json::Value;

fn vectors() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/lark/vectors.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!("testdata/lark/vectors.json (regenerate with scripts/gen-vectors): {e}")
    });
    serde_json::from_str(&text).expect("vectors.json is JSON")
}

fn frame_vector(name: &str) -> (Vec<u8>, Value) {
    let v = vectors();
    let f = &v["frames"][name];
    let bytes = B64.decode(f["base64"].as_str().unwrap()).unwrap();
    (bytes, f["decoded"].clone())
}

fn assert_decoded(frame: &Frame, want: &Value) {
    assert_eq!(frame.seq_id, want["SeqID"].as_u64().unwrap());
    assert_eq!(frame.log_id, want["LogID"].as_u64().unwrap());
    assert_eq!(frame.service as i64, want["service"].as_i64().unwrap());
    assert_eq!(frame.method as i64, want["method"].as_i64().unwrap());
    let headers: Vec<(String, String)> = frame
        .headers
        .iter()
        .map(|h| (h.key.clone(), h.value.clone()))
        .collect();
    let want_headers: Vec<(String, String)> = want["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|kv| {
            (
                kv[0].as_str().unwrap().to_owned(),
                kv[1].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(headers, want_headers);
    let payload = frame
        .payload
        .as_ref()
        .map(|p| String::from_utf8(p.clone()).unwrap());
    assert_eq!(payload.as_deref(), want["payload_utf8"].as_str());
    assert_eq!(frame.log_id_new.as_deref(), want["LogIDNew"].as_str());
}

#[test]
fn every_frame_decodes_and_reencodes_byte_identically() {
    let v = vectors();
    let frames = v["frames"].as_object().unwrap();
    let mut checked = 0;
    for (name, f) in frames {
        if name.starts_with('_') {
            continue;
        }
        let bytes = B64.decode(f["base64"].as_str().unwrap()).unwrap();
        let frame = Frame::decode_bytes(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_decoded(&frame, &f["decoded"]);
        assert_eq!(
            frame.to_bytes(),
            bytes,
            "{name} re-encodes byte-identically"
        );
        checked += 1;
    }
    assert_eq!(checked, 6, "all six frame vectors were checked");
}

#[test]
fn our_ping_is_the_official_ping() {
    let (bytes, _) = frame_vector("client_ping");
    assert_eq!(Frame::ping(7).to_bytes(), bytes);
}

#[test]
fn our_pong_with_config_is_the_official_pong() {
    let (bytes, want) = frame_vector("server_pong_with_config");
    let payload = want["payload_utf8"].as_str().unwrap().as_bytes().to_vec();
    assert_eq!(Frame::pong(7, Some(payload)).to_bytes(), bytes);
}

#[test]
fn our_ack_is_the_official_ack() {
    let (event, _) = frame_vector("server_event");
    let (ack, _) = frame_vector("client_ack_for_server_event");
    let frame = Frame::decode_bytes(&event).unwrap();
    assert_eq!(frame.ack(3, &AckPayload::OK).to_bytes(), ack);
}

#[test]
fn fragments_concatenate_to_the_whole_event() {
    let (whole, _) = frame_vector("server_event");
    let (f0, _) = frame_vector("server_event_fragment_0_of_2");
    let (f1, _) = frame_vector("server_event_fragment_1_of_2");
    let whole = Frame::decode_bytes(&whole).unwrap();
    let f0 = Frame::decode_bytes(&f0).unwrap();
    let f1 = Frame::decode_bytes(&f1).unwrap();
    assert_eq!(f0.header("message_id"), f1.header("message_id"));
    let mut joined = f0.payload.unwrap();
    joined.extend(f1.payload.unwrap());
    assert_eq!(Some(joined), whole.payload);
}

#[test]
fn official_aes_vector_decrypts() {
    let v = vectors();
    let a = &v["aes_official"];
    let plain = crypto::decrypt(
        a["encrypt_key"].as_str().unwrap(),
        a["encrypt"].as_str().unwrap(),
    )
    .unwrap();
    assert_eq!(plain, a["plaintext"].as_str().unwrap());
    // Re-encrypting with the vector's own IV reproduces the ciphertext byte for byte.
    let raw = B64.decode(a["encrypt"].as_str().unwrap()).unwrap();
    let iv: [u8; 16] = raw[..16].try_into().unwrap();
    assert_eq!(
        crypto::encrypt_with_iv(a["encrypt_key"].as_str().unwrap(), iv, b"hello world"),
        a["encrypt"].as_str().unwrap()
    );
}

#[test]
fn signed_webhook_event_verifies_and_decrypts() {
    let v = vectors();
    let w = &v["webhook_event"];
    let key = w["encrypt_key"].as_str().unwrap();
    let body = w["body"].as_str().unwrap();
    assert!(crypto::verify_signature(
        w["timestamp"].as_str().unwrap(),
        w["nonce"].as_str().unwrap(),
        key,
        body.as_bytes(),
        w["signature"].as_str().unwrap(),
    ));
    let enc: Value = serde_json::from_str(body).unwrap();
    let plain = crypto::decrypt(key, enc["encrypt"].as_str().unwrap()).unwrap();
    assert_eq!(plain, w["plaintext"].as_str().unwrap());
}

#[test]
fn bad_signature_is_rejected() {
    let v = vectors();
    let w = &v["webhook_event_bad_signature"];
    assert!(!crypto::verify_signature(
        w["timestamp"].as_str().unwrap(),
        w["nonce"].as_str().unwrap(),
        w["encrypt_key"].as_str().unwrap(),
        w["body"].as_str().unwrap().as_bytes(),
        w["signature"].as_str().unwrap(),
    ));
}

#[test]
fn encrypted_challenge_decrypts() {
    let v = vectors();
    let c = &v["webhook_challenge_encrypted"];
    let enc: Value = serde_json::from_str(c["body"].as_str().unwrap()).unwrap();
    let plain = crypto::decrypt(
        c["encrypt_key"].as_str().unwrap(),
        enc["encrypt"].as_str().unwrap(),
    )
    .unwrap();
    assert_eq!(plain, c["plaintext"].as_str().unwrap());
}
