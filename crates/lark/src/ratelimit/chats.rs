//! Which chat a message is in, for the per-chat send budget: a reply names only the message it
//! answers, while the platform counts it against that message's chat. The long connection notes
//! the chat of every message event it delivers; a message the client never saw counts against a
//! budget of its own (the platform's per-user and per-chat budgets cannot be told apart then).

use std::collections::HashMap;
use std::sync::Mutex;

/// Messages remembered per generation; two generations are kept, so at most twice this many.
const GENERATION: usize = 50_000;

#[derive(Default)]
pub(crate) struct ChatBook {
    gens: Mutex<[HashMap<String, String>; 2]>,
}

impl ChatBook {
    pub(crate) fn learn(&self, message_id: &str, chat_id: &str) {
        if message_id.is_empty() || chat_id.is_empty() {
            return;
        }
        let mut g = self.gens.lock().expect("chat book lock");
        if g[0].len() >= GENERATION {
            g[1] = std::mem::take(&mut g[0]);
        }
        g[0].insert(message_id.to_owned(), chat_id.to_owned());
    }

    pub(crate) fn chat_of(&self, message_id: &str) -> Option<String> {
        let g = self.gens.lock().expect("chat book lock");
        g[0].get(message_id)
            .or_else(|| g[1].get(message_id))
            .cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_two_generations_and_forgets_older() {
        let b = ChatBook::default();
        b.learn("om_first", "oc_a");
        for i in 0..GENERATION {
            b.learn(&format!("om_{i}"), "oc_b");
        }
        assert_eq!(
            b.chat_of("om_first").as_deref(),
            Some("oc_a"),
            "previous generation"
        );
        for i in 0..GENERATION {
            b.learn(&format!("om_x{i}"), "oc_c");
        }
        assert_eq!(b.chat_of("om_first"), None);
        assert_eq!(b.chat_of("om_x1").as_deref(), Some("oc_c"));
        b.learn("", "oc_a");
        assert_eq!(b.chat_of(""), None);
    }
}
