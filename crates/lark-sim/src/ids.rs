//! Identifiers shaped like the platform's: `om_` messages, `omt_` threads, `oc_` chats, `ou_` /
//! `on_` users, `img_v3_` images, `file_v3_` files, 32-hex event ids. Clients route on these
//! prefixes (the Node SDK infers `receive_id_type` from them), so the shapes matter.

use std::time::{SystemTime, UNIX_EPOCH};

fn hex(n: usize) -> String {
    let mut s = String::with_capacity(n);
    while s.len() < n {
        s.push_str(&format!("{:032x}", rand::random::<u128>()));
    }
    s.truncate(n);
    s
}

pub fn message_id() -> String {
    format!("om_{}", hex(32))
}

pub fn thread_id() -> String {
    format!("omt_{}", hex(16))
}

pub fn chat_id() -> String {
    format!("oc_{}", hex(32))
}

pub fn open_id() -> String {
    format!("ou_{}", hex(32))
}

/// The union id of a user, derived from the open id so that both stay stable for a user.
pub fn union_id_for(open_id: &str) -> String {
    format!("on_{}", open_id.trim_start_matches("ou_"))
}

/// The tenant-scoped user id of a user, derived from the open id.
pub fn user_id_for(open_id: &str) -> String {
    let tail: String = open_id.trim_start_matches("ou_").chars().take(8).collect();
    format!("u{tail}")
}

pub fn image_key() -> String {
    format!("img_v3_{}", hex(24))
}

pub fn file_key() -> String {
    format!("file_v3_{}", hex(24))
}

pub fn event_id() -> String {
    hex(32)
}

pub fn reaction_id() -> String {
    hex(24).to_uppercase()
}

/// Random hex of `n` characters (frame message ids, trace ids, tickets).
pub fn random_hex(n: usize) -> String {
    hex(n)
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}
