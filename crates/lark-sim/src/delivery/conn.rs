//! One open long connection of an app: the queue of frames to write to it, the events waiting
//! for its ACK, and its fault switches. The socket itself is driven by [`super::ws`].

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use lark::ws::frame::{self, Frame, Header};
use tokio::sync::{Notify, mpsc, oneshot};

use crate::ids::random_hex;

/// Frames waiting to be written to one socket. Bounded so a client that stops reading cannot
/// make the simulator buffer without end; a full queue drops the frame, which the client sees as
/// a lost event (and the platform redelivers).
const OUTBOX: usize = 1024;

/// How long a connection that never pings waits before it gets events.
pub(crate) const READY_GRACE: std::time::Duration = std::time::Duration::from_millis(500);

/// What a client answered to an event.
#[derive(Debug, Clone)]
pub struct AckResult {
    pub code: u16,
    /// The ACK's `data`, decoded from base64, as text.
    pub data: Option<String>,
}

pub struct Conn {
    pub id: u64,
    pub app_id: String,
    /// The `service_id` of the URL this connection dialled.
    pub service_id: i32,
    pub(crate) outbox: mpsc::Sender<Vec<u8>>,
    pending: Mutex<HashMap<String, oneshot::Sender<AckResult>>>,
    /// A silent connection stays open but answers no ping and carries no event.
    pub(crate) silent: AtomicBool,
    /// Signalled to drop the socket now.
    pub(crate) kill: Notify,
    next_seq: AtomicU64,
    pub(crate) pings: AtomicU64,
    opened: std::time::Instant,
}

impl Conn {
    pub(crate) fn new(id: u64, app_id: String, service_id: i32) -> (Conn, mpsc::Receiver<Vec<u8>>) {
        let (outbox, rx) = mpsc::channel(OUTBOX);
        let conn = Conn {
            id,
            app_id,
            service_id,
            outbox,
            pending: Mutex::new(HashMap::new()),
            silent: AtomicBool::new(false),
            kill: Notify::new(),
            next_seq: AtomicU64::new(1),
            pings: AtomicU64::new(0),
            opened: std::time::Instant::now(),
        };
        (conn, rx)
    }

    pub fn is_silent(&self) -> bool {
        self.silent.load(Ordering::Relaxed)
    }

    /// Whether the client is listening. Every official SDK pings as soon as its socket opens but
    /// attaches its frame handler a moment later (the Node SDK drops frames arriving before), so a
    /// connection gets events once it has pinged, or after a short grace for clients that never do.
    pub fn ready(&self) -> bool {
        self.pings() > 0 || self.opened.elapsed() >= READY_GRACE
    }

    /// How many pings the client sent on this connection.
    pub fn pings(&self) -> u64 {
        self.pings.load(Ordering::Relaxed)
    }

    /// Splits the event into data frames of at most `fragment_size` payload bytes, queues them,
    /// and returns how many frames it took and a receiver for the ACK.
    pub(crate) async fn send_event(
        &self,
        payload: &[u8],
        fragment_size: usize,
    ) -> (usize, oneshot::Receiver<AckResult>) {
        let frame_msg_id = random_hex(20);
        let trace_id = random_hex(16);
        let (tx, rx) = oneshot::channel();
        self.pending
            .lock()
            .expect("pending lock")
            .insert(frame_msg_id.clone(), tx);
        let size = fragment_size.max(1);
        let chunks: Vec<&[u8]> = if payload.is_empty() {
            vec![payload]
        } else {
            payload.chunks(size).collect()
        };
        let sum = chunks.len();
        for (seq, chunk) in chunks.into_iter().enumerate() {
            let frame = Frame {
                seq_id: self.next_seq.fetch_add(1, Ordering::Relaxed),
                log_id: rand::random::<u32>() as u64,
                service: self.service_id,
                method: frame::METHOD_DATA,
                headers: vec![
                    Header::new(frame::header::TYPE, "event"),
                    Header::new(frame::header::MESSAGE_ID, frame_msg_id.clone()),
                    Header::new(frame::header::SUM, sum.to_string()),
                    Header::new(frame::header::SEQ, seq.to_string()),
                    Header::new(frame::header::TRACE_ID, trace_id.clone()),
                ],
                payload: Some(chunk.to_vec()),
                ..Default::default()
            };
            // A silent connection swallows events, like a half-open TCP connection would. Otherwise
            // wait for room: the platform queues frames behind a slow socket, it never drops them.
            if !self.is_silent() {
                let _ = self.outbox.send(frame.to_bytes()).await;
            }
        }
        (sum, rx)
    }

    /// Hands an ACK to whoever waits for the frame message id it echoes.
    pub(crate) fn resolve(&self, frame_msg_id: &str, ack: AckResult) -> bool {
        let waiter = self
            .pending
            .lock()
            .expect("pending lock")
            .remove(frame_msg_id);
        match waiter {
            Some(tx) => tx.send(ack).is_ok(),
            None => false,
        }
    }
}
