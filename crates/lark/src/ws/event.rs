//! An event handed to the consumer, with the means to acknowledge it exactly once.

use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use bytes::Bytes;
use tokio::sync::mpsc;

use super::frame::{AckPayload, Frame};

/// One complete event from the long connection.
pub struct WsEvent {
    /// The plaintext event JSON (schema 2.0 or v1), reassembled if it came in fragments.
    pub payload: Bytes,
    /// The platform's frame-level message id (not an IM message id).
    pub frame_message_id: String,
    pub trace_id: String,
    /// The envelope's event id (v2 `header.event_id`, v1 `uuid`), when it has one.
    pub event_id: Option<String>,
    acker: Acker,
}

impl std::fmt::Debug for WsEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WsEvent")
            .field("event_id", &self.event_id)
            .field("frame_message_id", &self.frame_message_id)
            .field("bytes", &self.payload.len())
            .finish()
    }
}

impl WsEvent {
    pub(crate) fn new(
        payload: Vec<u8>,
        frame: Frame,
        event_id: Option<String>,
        out: mpsc::UnboundedSender<Frame>,
        seen: Arc<Mutex<Seen>>,
    ) -> Self {
        WsEvent {
            payload: payload.into(),
            frame_message_id: frame.header("message_id").unwrap_or_default().to_owned(),
            trace_id: frame.header("trace_id").unwrap_or_default().to_owned(),
            acker: Acker {
                frame: Some(frame),
                event_id: event_id.clone(),
                received: Instant::now(),
                out,
                seen,
            },
            event_id,
        }
    }

    /// Acknowledges the event (`{"code":200}`): the platform will not push it again.
    pub fn ack(mut self) {
        self.acker.send(&AckPayload::OK);
    }

    /// Acknowledges with a callback response (for `card.action.trigger`): `data` is the JSON the
    /// platform shows, such as a toast or an updated card.
    pub fn ack_with_response(mut self, response_json: Vec<u8>) {
        self.acker.send(&AckPayload::with_data(response_json));
    }

    /// Reports a failure (`{"code":500}`): the platform will push the event again later.
    pub fn nack(mut self) {
        self.acker.send(&AckPayload::error());
    }
}

/// Sends the one ACK of an event; an event dropped without an answer is answered with 500, so
/// the platform redelivers it instead of waiting for a timeout.
struct Acker {
    frame: Option<Frame>,
    event_id: Option<String>,
    received: Instant,
    out: mpsc::UnboundedSender<Frame>,
    seen: Arc<Mutex<Seen>>,
}

impl Acker {
    fn send(&mut self, payload: &AckPayload) {
        let Some(frame) = self.frame.take() else {
            return;
        };
        if let Some(id) = &self.event_id {
            let mut seen = self.seen.lock().expect("seen lock");
            seen.finish(id, payload.code == 200);
        }
        let biz_rt = self.received.elapsed().as_millis() as u64;
        // A closed channel means the connection is gone: the platform redelivers the event.
        let _ = self.out.send(frame.ack(biz_rt, payload));
    }
}

impl Drop for Acker {
    fn drop(&mut self) {
        self.send(&AckPayload::error());
    }
}

/// Event ids handed over and acknowledged recently, so a redelivery (after a reconnect, or when
/// an ACK was lost) is acknowledged again without being handed over twice.
pub(crate) struct Seen {
    done: HashSet<String>,
    order: VecDeque<String>,
    in_flight: HashSet<String>,
    cap: usize,
}

/// What to do with an incoming event id.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    New,
    /// Handed over and acknowledged before: ACK again, do not hand over.
    Done,
    /// Being handled right now: ignore this copy; the first one's ACK answers for both.
    InFlight,
}

impl Seen {
    pub(crate) fn new(cap: usize) -> Self {
        Seen {
            done: HashSet::new(),
            order: VecDeque::new(),
            in_flight: HashSet::new(),
            cap: cap.max(1),
        }
    }

    pub(crate) fn check(&mut self, id: &str) -> Verdict {
        if self.done.contains(id) {
            Verdict::Done
        } else if !self.in_flight.insert(id.to_owned()) {
            Verdict::InFlight
        } else {
            Verdict::New
        }
    }

    fn finish(&mut self, id: &str, ok: bool) {
        self.in_flight.remove(id);
        if ok && self.done.insert(id.to_owned()) {
            self.order.push_back(id.to_owned());
            while self.order.len() > self.cap {
                if let Some(old) = self.order.pop_front() {
                    self.done.remove(&old);
                }
            }
        }
    }
}

/// The event id of a plaintext envelope, read without parsing the whole event.
#[cfg(test)]
pub(crate) fn event_id_of(payload: &[u8]) -> Option<String> {
    probe(payload).event_id
}

/// What the client reads of an event before handing it on.
pub(crate) struct Probed {
    pub(crate) event_id: Option<String>,
    /// A message event's message id and chat id (the per-chat send budget counts replies on it).
    pub(crate) message_chat: Option<(String, String)>,
}

/// Reads the event id (and a message's chat) of a plaintext envelope without parsing the rest.
pub(crate) fn probe(payload: &[u8]) -> Probed {
    #[derive(serde::Deserialize)]
    struct Header {
        event_id: Option<String>,
    }
    #[derive(serde::Deserialize)]
    struct Message {
        message_id: Option<String>,
        chat_id: Option<String>,
    }
    #[derive(serde::Deserialize)]
    struct Event {
        message: Option<Message>,
    }
    #[derive(serde::Deserialize)]
    struct Probe {
        header: Option<Header>,
        uuid: Option<String>,
        event: Option<Event>,
    }
    let Ok(p) = serde_json::from_slice::<Probe>(payload) else {
        return Probed {
            event_id: None,
            message_chat: None,
        };
    };
    Probed {
        event_id: p
            .header
            .and_then(|h| h.event_id)
            .or(p.uuid)
            .filter(|s| !s.is_empty()),
        message_chat: p
            .event
            .and_then(|e| e.message)
            .and_then(|m| Some((m.message_id?, m.chat_id?))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seen_tells_new_in_flight_and_done() {
        let mut s = Seen::new(2);
        assert_eq!(s.check("a"), Verdict::New);
        assert_eq!(s.check("a"), Verdict::InFlight);
        s.finish("a", true);
        assert_eq!(s.check("a"), Verdict::Done);
        // A failed event may come again and is handed over again.
        assert_eq!(s.check("b"), Verdict::New);
        s.finish("b", false);
        assert_eq!(s.check("b"), Verdict::New);
    }

    #[test]
    fn seen_forgets_the_oldest_past_its_capacity() {
        let mut s = Seen::new(1);
        s.check("a");
        s.finish("a", true);
        s.check("b");
        s.finish("b", true);
        assert_eq!(s.check("a"), Verdict::New);
    }

    #[test]
    fn event_ids_of_both_schemas() {
        assert_eq!(
            event_id_of(br#"{"schema":"2.0","header":{"event_id":"e1"}}"#).as_deref(),
            Some("e1")
        );
        assert_eq!(
            event_id_of(br#"{"uuid":"u1","event":{}}"#).as_deref(),
            Some("u1")
        );
        assert_eq!(event_id_of(b"garbage"), None);
    }

    #[test]
    fn a_message_event_tells_its_chat() {
        let p = probe(
            br#"{"schema":"2.0","header":{"event_id":"e1","event_type":"im.message.receive_v1"},
                 "event":{"message":{"message_id":"om_1","chat_id":"oc_9","content":"{}"}}}"#,
        );
        assert_eq!(p.event_id.as_deref(), Some("e1"));
        assert_eq!(p.message_chat, Some(("om_1".into(), "oc_9".into())));
        let reaction = probe(br#"{"header":{"event_id":"e2"},"event":{"message_id":"om_1"}}"#);
        assert_eq!(reaction.message_chat, None);
    }
}
