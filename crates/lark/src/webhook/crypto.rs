//! The webhook cryptography of the platform: AES-256-CBC event encryption keyed by SHA-256 of the
//! encrypt key, and the SHA-256 request signature. Pure functions over bytes, shared by the
//! client (to verify and decrypt) and by lark-sim (to encrypt and sign what it pushes).

use aes::Aes256;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use cbc::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit, block_padding::Pkcs7};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

type Enc = cbc::Encryptor<Aes256>;
type Dec = cbc::Decryptor<Aes256>;

/// Why an `encrypt` field could not be decrypted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecryptError {
    #[error("the encrypt field is not valid base64")]
    Base64,
    #[error("the ciphertext is too short or not a whole number of AES blocks")]
    Length,
    #[error("the ciphertext does not decrypt with this encrypt key (bad padding)")]
    Padding,
    #[error("the decrypted event is not UTF-8")]
    Utf8,
}

fn key_of(encrypt_key: &str) -> [u8; 32] {
    Sha256::digest(encrypt_key.as_bytes()).into()
}

/// Encrypts `plaintext` with a given IV: base64(IV ‖ AES-256-CBC(PKCS#7(plaintext))).
pub fn encrypt_with_iv(encrypt_key: &str, iv: [u8; 16], plaintext: &[u8]) -> String {
    let key = key_of(encrypt_key);
    let ct = Enc::new(&key.into(), &iv.into()).encrypt_padded_vec_mut::<Pkcs7>(plaintext);
    let mut out = Vec::with_capacity(16 + ct.len());
    out.extend_from_slice(&iv);
    out.extend_from_slice(&ct);
    B64.encode(out)
}

/// Encrypts `plaintext` with a fresh random IV, as the platform does for every push.
pub fn encrypt(encrypt_key: &str, plaintext: &[u8]) -> String {
    encrypt_with_iv(encrypt_key, rand::random(), plaintext)
}

/// Decrypts the `encrypt` field of a webhook body into the event JSON text.
pub fn decrypt(encrypt_key: &str, encrypted: &str) -> Result<String, DecryptError> {
    let raw = B64
        .decode(encrypted.trim())
        .map_err(|_| DecryptError::Base64)?;
    if raw.len() < 32 || raw.len() % 16 != 0 {
        return Err(DecryptError::Length);
    }
    let (iv, ct) = raw.split_at(16);
    let key = key_of(encrypt_key);
    let iv: [u8; 16] = iv.try_into().map_err(|_| DecryptError::Length)?;
    let plain = Dec::new(&key.into(), &iv.into())
        .decrypt_padded_vec_mut::<Pkcs7>(ct)
        .map_err(|_| DecryptError::Padding)?;
    String::from_utf8(plain).map_err(|_| DecryptError::Utf8)
}

/// `X-Lark-Signature`: lowercase hex SHA-256 over timestamp ‖ nonce ‖ encrypt_key ‖ raw body.
pub fn signature(timestamp: &str, nonce: &str, encrypt_key: &str, body: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(timestamp.as_bytes());
    h.update(nonce.as_bytes());
    h.update(encrypt_key.as_bytes());
    h.update(body);
    hex::encode(h.finalize())
}

/// Checks `X-Lark-Signature` in constant time.
pub fn verify_signature(
    timestamp: &str,
    nonce: &str,
    encrypt_key: &str,
    body: &[u8],
    given: &str,
) -> bool {
    let expected = signature(timestamp, nonce, encrypt_key, body);
    let given = given.trim().to_ascii_lowercase();
    expected.len() == given.len() && bool::from(expected.as_bytes().ct_eq(given.as_bytes()))
}

/// The legacy message-card callback signature: hex SHA-1 over timestamp ‖ nonce ‖
/// verification_token ‖ raw body.
pub fn card_signature_v1(timestamp: &str, nonce: &str, token: &str, body: &[u8]) -> String {
    use sha1::Sha1;
    let mut h = Sha1::new();
    h.update(timestamp.as_bytes());
    h.update(nonce.as_bytes());
    h.update(token.as_bytes());
    h.update(body);
    hex::encode(h.finalize())
}

/// Checks a legacy card callback signature in constant time.
pub fn verify_card_signature_v1(
    timestamp: &str,
    nonce: &str,
    token: &str,
    body: &[u8],
    given: &str,
) -> bool {
    let expected = card_signature_v1(timestamp, nonce, token, body);
    let given = given.trim().to_ascii_lowercase();
    expected.len() == given.len() && bool::from(expected.as_bytes().ct_eq(given.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_with_random_iv() {
        let ct = encrypt("k", b"{\"a\":1}");
        assert_eq!(decrypt("k", &ct).unwrap(), "{\"a\":1}");
        // A wrong key fails (almost always on the padding); it never yields the plaintext.
        assert_ne!(decrypt("other", &ct).ok().as_deref(), Some("{\"a\":1}"));
    }

    #[test]
    fn garbage_is_a_clear_error() {
        assert_eq!(decrypt("k", "%%%").unwrap_err(), DecryptError::Base64);
        assert_eq!(decrypt("k", "AAAA").unwrap_err(), DecryptError::Length);
    }
}
