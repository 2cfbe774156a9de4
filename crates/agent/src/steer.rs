//! Steering: messages a user sends while a turn runs, handed to that turn rather than queued
//! behind it (`messages.queue.mode: "steer"`). The gateway pushes them into the turn's
//! [`Steer`] inbox; an LLM turn takes what waits there at its next tool boundary, so the model
//! sees it before its next call. What no boundary took is still the gateway's to answer as a
//! turn of its own (the command agent takes nothing).

use std::sync::{Arc, Mutex};

/// A turn's inbox for steering messages. The default is closed: nothing can be pushed.
#[derive(Clone, Default)]
pub struct Steer(Option<Arc<Mutex<Inbox>>>);

#[derive(Default)]
struct Inbox {
    waiting: Vec<SteerMessage>,
    taken: Vec<String>,
}

/// One message for a running turn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SteerMessage {
    /// The platform's id of the message (what [`Steer::taken`] reports).
    pub message_id: String,
    /// The text as the model should see it.
    pub text: String,
}

impl std::fmt::Debug for Steer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Steer(open)"
        } else {
            "Steer(closed)"
        })
    }
}

impl Steer {
    /// An inbox that accepts messages.
    pub fn open() -> Steer {
        Steer(Some(Arc::default()))
    }

    /// Whether the inbox accepts messages.
    pub fn is_open(&self) -> bool {
        self.0.is_some()
    }

    /// Hands a message to the running turn; `false` when the inbox is closed.
    pub fn push(&self, message: SteerMessage) -> bool {
        let Some(inbox) = &self.0 else {
            return false;
        };
        lock(inbox).waiting.push(message);
        true
    }

    /// What waits, oldest first, now counted as taken (a turn's tool boundary calls this).
    pub fn take(&self) -> Vec<SteerMessage> {
        let Some(inbox) = &self.0 else {
            return Vec::new();
        };
        let mut inbox = lock(inbox);
        let waiting = std::mem::take(&mut inbox.waiting);
        inbox
            .taken
            .extend(waiting.iter().map(|m| m.message_id.clone()));
        waiting
    }

    /// The ids of the messages the turn took so far.
    pub fn taken(&self) -> Vec<String> {
        self.0
            .as_ref()
            .map(|inbox| lock(inbox).taken.clone())
            .unwrap_or_default()
    }
}

fn lock(inbox: &Mutex<Inbox>) -> std::sync::MutexGuard<'_, Inbox> {
    inbox.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(id: &str) -> SteerMessage {
        SteerMessage {
            message_id: id.into(),
            text: format!("text of {id}"),
        }
    }

    #[test]
    fn a_closed_inbox_takes_nothing_and_an_open_one_reports_what_was_taken() {
        let closed = Steer::default();
        assert!(!closed.push(msg("om_1")));
        assert!(closed.take().is_empty());
        let open = Steer::open();
        let gateway_end = open.clone();
        assert!(gateway_end.push(msg("om_1")));
        assert!(gateway_end.push(msg("om_2")));
        assert_eq!(open.take(), vec![msg("om_1"), msg("om_2")]);
        assert!(gateway_end.push(msg("om_3")));
        assert_eq!(gateway_end.taken(), ["om_1", "om_2"], "om_3 waits still");
        assert!(open.take().len() == 1 && open.taken().len() == 3);
    }
}
