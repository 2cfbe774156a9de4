//! Event delivery: each event goes to one of the app's long connections (chosen at random, as in
//! the platform's cluster mode) or is POSTed to its webhook, and is redelivered with the same
//! `event_id` when it is not acknowledged in time. Every attempt and its ACK is recorded so tests
//! can read what the bot answered.

pub mod conn;
pub mod webhook;
pub mod ws;

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;
use tokio::sync::{Notify, oneshot};

use crate::ids::now_ms;
use crate::state::{App, DeliveryMode, RedeliveryPolicy};
pub use conn::{AckResult, Conn};

/// At most this many deliveries are remembered per app; the oldest are forgotten first.
const MAX_DELIVERIES: usize = 10_000;

/// How one delivery attempt ended.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Outcome {
    /// The client answered: a websocket ACK frame (`code` from its payload) or a webhook HTTP
    /// response (`code` is the HTTP status). Only code 200 counts as delivered.
    Acked {
        code: u16,
        /// The ACK's `data` decoded from base64, or the webhook response body, as text.
        data: Option<String>,
    },
    /// Nothing came back within the ACK timeout.
    Timeout,
    /// The app had no open long connection.
    NoConnection,
    /// The webhook endpoint did not answer the url_verification challenge correctly.
    VerificationFailed { reason: String },
    /// The webhook could not be reached.
    Error { reason: String },
}

impl Outcome {
    pub fn delivered(&self) -> bool {
        matches!(self, Outcome::Acked { code: 200, .. })
    }
}

/// One attempt to deliver an event.
#[derive(Debug, Clone, Serialize)]
pub struct Attempt {
    /// When the attempt started, in ms since the epoch.
    pub at_ms: u64,
    /// `websocket` or `webhook`.
    pub transport: &'static str,
    /// The long connection it went to.
    pub connection_id: Option<u64>,
    /// How many data frames carried it (more than 1 when fragmented).
    pub frames: usize,
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    Pending,
    Acked,
    /// Every attempt of the schedule failed.
    Failed,
}

/// One event and everything that happened to it.
#[derive(Debug, Clone, Serialize)]
pub struct DeliveryRecord {
    pub event_id: String,
    pub event_type: String,
    pub created_ms: u64,
    /// The plaintext event body as delivered.
    pub body: Value,
    pub status: DeliveryStatus,
    pub attempts: Vec<Attempt>,
    /// The bot's answer to a callback (card action): the ACK `data` or the webhook body, as JSON.
    pub response: Option<Value>,
}

/// Per-app delivery machinery: open connections, recorded deliveries and injected faults.
#[derive(Default)]
pub struct Runtime {
    pub(crate) conns: Mutex<Vec<Arc<Conn>>>,
    /// Signalled whenever a connection opens or closes.
    pub(crate) conns_changed: Notify,
    pub(crate) deliveries: Mutex<Deliveries>,
    pub(crate) delivery_changed: Notify,
    /// ACK frames are read and then ignored, so every event times out.
    pub(crate) withhold_acks: AtomicBool,
    /// ACK frames are acted on only after this many ms.
    pub(crate) ack_delay_ms: AtomicU64,
    /// The webhook answered the url_verification challenge.
    pub(crate) webhook_verified: AtomicBool,
    /// Tickets handed out by `/callback/ws/endpoint`, with their `service_id`.
    pub(crate) tickets: Mutex<Vec<(String, i32)>>,
}

impl Runtime {
    pub fn connections(&self) -> Vec<Arc<Conn>> {
        self.conns.lock().expect("conns lock").clone()
    }

    pub(crate) fn record(&self, record: DeliveryRecord) {
        let mut d = self.deliveries.lock().expect("deliveries lock");
        if d.order.len() >= MAX_DELIVERIES
            && let Some(old) = d.order.pop_front()
        {
            d.by_id.remove(&old);
        }
        // A re-injected event id replaces its old record but keeps one place in the order.
        if d.by_id
            .insert(record.event_id.clone(), record.clone())
            .is_none()
        {
            d.order.push_back(record.event_id);
        }
        drop(d);
        self.delivery_changed.notify_waiters();
    }

    fn update(&self, event_id: &str, f: impl FnOnce(&mut DeliveryRecord)) {
        let mut d = self.deliveries.lock().expect("deliveries lock");
        if let Some(r) = d.by_id.get_mut(event_id) {
            f(r);
        }
        drop(d);
        self.delivery_changed.notify_waiters();
    }

    pub fn deliveries(&self) -> Vec<DeliveryRecord> {
        let d = self.deliveries.lock().expect("deliveries lock");
        d.order
            .iter()
            .filter_map(|id| d.by_id.get(id))
            .cloned()
            .collect()
    }

    pub fn delivery(&self, event_id: &str) -> Option<DeliveryRecord> {
        self.deliveries
            .lock()
            .expect("deliveries lock")
            .by_id
            .get(event_id)
            .cloned()
    }
}

/// Recorded deliveries, by event id (updated on every attempt) and in arrival order (bounded).
#[derive(Default)]
pub(crate) struct Deliveries {
    order: VecDeque<String>,
    by_id: std::collections::HashMap<String, DeliveryRecord>,
}

/// What a dispatch needs besides the app: the redelivery policy, the frame size and an HTTP client.
#[derive(Clone)]
pub struct DispatchCtx {
    pub policy: RedeliveryPolicy,
    pub fragment_size: usize,
    pub http: reqwest::Client,
}

/// Records the event and starts delivering it in the background. The returned receiver yields
/// the first successful attempt's callback response (or `None` once every attempt failed).
/// `redeliver` is false for callbacks, which the platform never re-pushes.
pub fn dispatch(
    ctx: DispatchCtx,
    app: Arc<App>,
    event_id: String,
    event_type: String,
    body: Value,
    redeliver: bool,
) -> oneshot::Receiver<Option<Value>> {
    app.runtime.record(DeliveryRecord {
        event_id: event_id.clone(),
        event_type,
        created_ms: now_ms(),
        body: body.clone(),
        status: DeliveryStatus::Pending,
        attempts: Vec::new(),
        response: None,
    });
    let (tx, rx) = oneshot::channel();
    tokio::spawn(async move {
        let plaintext = serde_json::to_vec(&body).unwrap_or_default();
        let schedule = if redeliver {
            ctx.policy.schedule.clone()
        } else {
            Vec::new()
        };
        let waits = std::iter::once(Duration::ZERO).chain(schedule);
        let mut answer = None;
        for wait in waits {
            tokio::time::sleep(wait).await;
            let attempt = attempt_once(&ctx, &app, &plaintext).await;
            let delivered = attempt.outcome.delivered();
            let response = match &attempt.outcome {
                Outcome::Acked {
                    data: Some(data), ..
                } if delivered => serde_json::from_str::<Value>(data).ok(),
                _ => None,
            };
            app.runtime.update(&event_id, |r| {
                r.attempts.push(attempt);
                if delivered {
                    r.status = DeliveryStatus::Acked;
                    r.response = response.clone();
                }
            });
            if delivered {
                answer = Some(response.unwrap_or(Value::Null));
                break;
            }
        }
        if answer.is_none() {
            app.runtime
                .update(&event_id, |r| r.status = DeliveryStatus::Failed);
        }
        let _ = tx.send(answer);
    });
    rx
}

async fn attempt_once(ctx: &DispatchCtx, app: &Arc<App>, plaintext: &[u8]) -> Attempt {
    let at_ms = now_ms();
    match app.spec.mode {
        DeliveryMode::Webhook => {
            let outcome = webhook::push(ctx, app, plaintext).await;
            Attempt {
                at_ms,
                transport: "webhook",
                connection_id: None,
                frames: 0,
                outcome,
            }
        }
        DeliveryMode::Websocket => {
            let (connection_id, frames, outcome) = ws_attempt(ctx, app, plaintext).await;
            Attempt {
                at_ms,
                transport: "websocket",
                connection_id,
                frames,
                outcome,
            }
        }
    }
}

/// Sends the event to one random connection and waits for its ACK. With no connection open, it
/// waits up to the ACK timeout for one to appear, as a client that is just reconnecting would.
async fn ws_attempt(
    ctx: &DispatchCtx,
    app: &Arc<App>,
    plaintext: &[u8],
) -> (Option<u64>, usize, Outcome) {
    let timeout = ctx.policy.ack_timeout;
    let deadline = tokio::time::Instant::now() + timeout;
    let conn = loop {
        let notified = app.runtime.conns_changed.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        let ready: Vec<_> = app
            .runtime
            .connections()
            .into_iter()
            .filter(|c| c.ready())
            .collect();
        if let Some(c) = pick(&ready) {
            break c;
        }
        if tokio::time::Instant::now() >= deadline {
            return (None, 0, Outcome::NoConnection);
        }
        // Woken by a connection opening or pinging, or by the grace period of one that exists.
        let poll = tokio::time::Instant::now() + conn::READY_GRACE / 5;
        let _ = tokio::time::timeout_at(poll.min(deadline), notified).await;
    };
    let (frames, rx) = conn.send_event(plaintext, ctx.fragment_size).await;
    let outcome = match tokio::time::timeout(timeout, rx).await {
        Ok(Ok(ack)) => Outcome::Acked {
            code: ack.code,
            data: ack.data,
        },
        // The connection closed before answering: the event is as lost as on a timeout.
        Ok(Err(_)) | Err(_) => Outcome::Timeout,
    };
    (Some(conn.id), frames, outcome)
}

fn pick(conns: &[Arc<Conn>]) -> Option<Arc<Conn>> {
    use rand::seq::IndexedRandom;
    conns.choose(&mut rand::rng()).cloned()
}

/// Waits until `event_id` is no longer pending (acked or failed), for at most `timeout`.
pub async fn wait_settled(
    runtime: &Runtime,
    event_id: &str,
    timeout: Duration,
) -> Option<DeliveryRecord> {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let notified = runtime.delivery_changed.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        if let Some(r) = runtime.delivery(event_id)
            && r.status != DeliveryStatus::Pending
        {
            return Some(r);
        }
        if tokio::time::timeout_at(deadline, notified).await.is_err() {
            return runtime.delivery(event_id);
        }
    }
}

/// Counts connections, for tests waiting for a client to come up.
pub fn connection_count(runtime: &Runtime) -> usize {
    runtime.conns.lock().expect("conns lock").len()
}

pub(crate) fn ack_delay(runtime: &Runtime) -> Duration {
    Duration::from_millis(runtime.ack_delay_ms.load(Ordering::Relaxed))
}
