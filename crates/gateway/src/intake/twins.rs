//! A guard against one message arriving under two message ids: users have seen a DM re-pushed
//! with a new `om_` id, so neither the event id nor the message id catches it. Two messages with
//! the same chat, sender, creation time (to the millisecond) and content within a minute are one
//! message; the second is recorded but not answered, and the log says what was suppressed. A user
//! who really sends the same text twice does so at two different times and is answered twice.

use std::collections::VecDeque;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use lark::model::event::MessageReceived;

const WINDOW: Duration = Duration::from_secs(60);
const CAPACITY: usize = 4096;

/// Recently seen message fingerprints of one account.
#[derive(Debug, Default)]
pub struct Twins {
    seen: Mutex<VecDeque<(Instant, u64, String)>>,
}

fn fingerprint(m: &MessageReceived) -> Option<u64> {
    let created = m.create_time_ms?;
    let mut h = DefaultHasher::new();
    m.chat_id.as_str().hash(&mut h);
    m.sender
        .sender_id
        .open_id
        .as_ref()
        .map(|o| o.as_str())
        .hash(&mut h);
    created.hash(&mut h);
    m.message_type.hash(&mut h);
    m.raw_content.hash(&mut h);
    Some(h.finish())
}

impl Twins {
    /// The id of an earlier message this one repeats, if any; otherwise remembers it.
    pub fn earlier(&self, m: &MessageReceived) -> Option<String> {
        let fp = fingerprint(m)?;
        let id = m.message_id.as_str();
        let now = Instant::now();
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        while seen
            .front()
            .is_some_and(|(at, ..)| now.duration_since(*at) > WINDOW || seen.len() > CAPACITY)
        {
            seen.pop_front();
        }
        if let Some((_, _, first)) = seen.iter().find(|(_, f, mid)| *f == fp && mid != id) {
            return Some(first.clone());
        }
        seen.push_back((now, fp, id.to_owned()));
        None
    }
}
