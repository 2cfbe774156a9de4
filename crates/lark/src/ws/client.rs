//! The long connection's state machine: bootstrap, dial, run a session (ping, read, reassemble,
//! hand over, ACK), and on any loss rebuild everything from a fresh bootstrap, forever unless the
//! failure is fatal or the platform's reconnect count runs out.
//!
//! A watchdog declares the connection dead when no frame arrived for `watchdog_pings` ping
//! intervals, so a socket that stays open but goes silent is rebuilt instead of trusted. Events go
//! to the consumer through a bounded channel: a slow consumer stops the reading (and pauses the
//! watchdog) instead of growing memory.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use futures::{SinkExt, StreamExt};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio::time::{MissedTickBehavior, interval, interval_at};
use tokio_tungstenite::tungstenite::Message;

use super::config::WsConfig;
use super::endpoint::{ConnectError, Endpoint, bootstrap, classify_handshake};
use super::event::{Seen, Verdict, WsEvent, probe};
use super::frame::{AckPayload, Frame, header};
use super::reassembly::{Fragment, Reassembler};
use super::status::{ConnState, Status};
use crate::http::Client;

/// Settings of a long connection that the platform does not send.
#[derive(Debug, Clone)]
pub struct WsOptions {
    /// Events waiting for the consumer before reading stops (backpressure).
    pub event_buffer: usize,
    /// How long an incomplete fragmented event is kept.
    pub reassembly_ttl: Duration,
    /// Ping intervals without any inbound frame after which the connection is declared dead.
    pub watchdog_pings: u32,
    /// Recently acknowledged event ids remembered to swallow redeliveries.
    pub dedup_capacity: usize,
    /// Ignore a `ReconnectCount` sent by the platform and never give up.
    pub reconnect_forever: bool,
    /// A ping that gets no pong within this long marks the socket dead, so a socket that stays
    /// open but went silent is replaced in seconds. `None` leaves it to the watchdog.
    pub pong_timeout: Option<Duration>,
    /// Ping at least this often, even when the platform's `PingInterval` is longer (120 s), so
    /// the pong deadline finds a silent socket quickly. `None` follows the platform.
    pub max_ping_interval: Option<Duration>,
}

impl Default for WsOptions {
    fn default() -> Self {
        WsOptions {
            event_buffer: 64,
            reassembly_ttl: Duration::from_secs(5),
            watchdog_pings: 3,
            dedup_capacity: 10_000,
            reconnect_forever: false,
            pong_timeout: Some(Duration::from_secs(10)),
            max_ping_interval: None,
        }
    }
}

/// A running long connection. Dropping it stops the connection.
pub struct LongConnection {
    status: watch::Receiver<Status>,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

/// How a session ended.
enum SessionEnd {
    Stopped,
    Lost(String),
}

impl LongConnection {
    /// Starts connecting in the background; events arrive on the returned receiver.
    pub fn start(client: Client, options: WsOptions) -> (LongConnection, mpsc::Receiver<WsEvent>) {
        let (tx, rx) = mpsc::channel(options.event_buffer.max(1));
        let (status_tx, status_rx) = watch::channel(Status::default());
        let (stop_tx, stop_rx) = watch::channel(false);
        let seen = Arc::new(Mutex::new(Seen::new(options.dedup_capacity)));
        let runner = Runner {
            client,
            options,
            tx,
            status: status_tx,
            stop: stop_rx,
            config: WsConfig::default(),
            seen,
        };
        let task = tokio::spawn(runner.run());
        (
            LongConnection {
                status: status_rx,
                stop: stop_tx,
                task: Some(task),
            },
            rx,
        )
    }

    /// The connection's state now.
    pub fn status(&self) -> Status {
        self.status.borrow().clone()
    }

    /// A receiver that sees every status change.
    pub fn watch(&self) -> watch::Receiver<Status> {
        self.status.clone()
    }

    /// Waits until the status satisfies `pred`, at most `timeout`.
    pub async fn wait_until(
        &self,
        timeout: Duration,
        pred: impl Fn(&Status) -> bool,
    ) -> Option<Status> {
        let mut rx = self.status.clone();
        let found = tokio::time::timeout(timeout, rx.wait_for(|s| pred(s))).await;
        match found {
            Ok(Ok(s)) => Some(s.clone()),
            _ => None,
        }
    }

    /// Closes the connection and waits for the background task to end.
    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for LongConnection {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

struct Runner {
    client: Client,
    options: WsOptions,
    tx: mpsc::Sender<WsEvent>,
    status: watch::Sender<Status>,
    stop: watch::Receiver<bool>,
    config: WsConfig,
    seen: Arc<Mutex<Seen>>,
}

impl Runner {
    fn set_state(&self, state: ConnState, error: Option<String>) {
        self.status.send_modify(|s| {
            if s.state != state {
                s.since = SystemTime::now();
            }
            s.state = state;
            if error.is_some() {
                s.last_error = error;
            }
        });
    }

    async fn run(mut self) {
        let mut failures: i64 = 0;
        let mut ever_connected = false;
        loop {
            if *self.stop.borrow() {
                self.set_state(ConnState::Stopped, None);
                return;
            }
            match self.connect().await {
                Err(ConnectError::Fatal(reason)) => {
                    tracing::error!(target: "ws", app_id = %self.client.app_id(), "ws connect failed, giving up: {reason}");
                    self.set_state(ConnState::Fatal(reason.clone()), Some(reason));
                    return;
                }
                Err(ConnectError::Retryable(reason)) => {
                    failures += 1;
                    tracing::warn!(target: "ws", app_id = %self.client.app_id(), attempt = failures, "ws connect failed, will retry: {reason}");
                    let state = if ever_connected {
                        ConnState::Reconnecting
                    } else {
                        ConnState::Connecting
                    };
                    self.set_state(state, Some(reason));
                }
                Ok((socket, endpoint)) => {
                    ever_connected = true;
                    failures = 0;
                    match self.session(socket, &endpoint).await {
                        SessionEnd::Stopped => {
                            self.set_state(ConnState::Stopped, None);
                            return;
                        }
                        SessionEnd::Lost(reason) => {
                            tracing::warn!(target: "ws", app_id = %self.client.app_id(), conn_id = %endpoint.conn_id, "ws disconnected: {reason}; reconnecting");
                            self.status.send_modify(|s| s.disconnects += 1);
                            self.set_state(ConnState::Reconnecting, Some(reason));
                        }
                    }
                }
            }
            let limit = self.config.reconnect_count;
            if limit >= 0 && !self.options.reconnect_forever && failures > limit {
                let reason = format!(
                    "gave up after {failures} failed reconnect attempts (the platform's ReconnectCount is {limit})"
                );
                tracing::error!(target: "ws", app_id = %self.client.app_id(), "{reason}");
                self.set_state(ConnState::Fatal(reason.clone()), Some(reason));
                return;
            }
            // The first attempt after a loss waits a random part of the nonce, so that many
            // clients cut off together do not all come back at once; later ones the interval.
            let wait = if failures <= 1 {
                let nonce = self.config.reconnect_nonce.as_millis() as u64;
                Duration::from_millis(if nonce == 0 {
                    0
                } else {
                    rand::random::<u64>() % nonce
                })
            } else {
                self.config.reconnect_interval
            };
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = self.stop.changed() => {}
            }
        }
    }

    async fn connect(
        &mut self,
    ) -> Result<
        (
            tokio_tungstenite::WebSocketStream<
                tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
            >,
            Endpoint,
        ),
        ConnectError,
    > {
        let endpoint = bootstrap(&self.client).await?;
        if let Some(wire) = &endpoint.config {
            self.config.apply(wire);
        }
        let dial = tokio::time::timeout(
            Duration::from_secs(20),
            crate::tls::dial_ws(&self.client, endpoint.url.as_str()),
        )
        .await
        .map_err(|_| ConnectError::Retryable("websocket dial timed out".into()))?;
        let (socket, _) = dial.map_err(|e| classify_handshake(&e))?;
        tracing::info!(target: "ws", app_id = %self.client.app_id(), conn_id = %endpoint.conn_id, "ws connect success");
        self.status.send_modify(|s| {
            s.connects += 1;
            s.conn_id = Some(endpoint.conn_id.clone());
            s.last_frame_at = Some(SystemTime::now());
        });
        self.set_state(ConnState::Connected, None);
        Ok((socket, endpoint))
    }

    async fn session(
        &mut self,
        socket: tokio_tungstenite::WebSocketStream<
            tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
        >,
        endpoint: &Endpoint,
    ) -> SessionEnd {
        let (mut sink, mut stream) = socket.split();
        let (out_tx, mut out_rx) = mpsc::unbounded_channel::<Frame>();
        let mut reassembler = Reassembler::new(self.options.reassembly_ttl);
        let cap = |d: Duration| match self.options.max_ping_interval {
            Some(max) if !max.is_zero() => d.min(max),
            _ => d,
        };
        let mut ping_every = cap(self.config.ping_interval);
        // When the oldest unanswered ping was sent.
        let mut awaiting_pong: Option<Instant> = None;
        // The first tick fires at once: the platform expects a ping right after connecting.
        let mut ping = interval(ping_every);
        ping.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let mut watchdog = interval(Duration::from_millis(250));
        watchdog.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let mut last_inbound = Instant::now();
        let mut pending: Option<WsEvent> = None;
        let mut ready_logged = false;
        loop {
            tokio::select! {
                _ = self.stop.changed() => {
                    let _ = sink.send(Message::Close(None)).await;
                    return SessionEnd::Stopped;
                }
                Some(frame) = out_rx.recv() => {
                    if let Err(e) = sink.send(Message::Binary(frame.to_bytes().into())).await {
                        return SessionEnd::Lost(format!("write failed: {e}"));
                    }
                }
                _ = ping.tick() => {
                    let frame = Frame::ping(endpoint.service_id);
                    if let Err(e) = sink.send(Message::Binary(frame.to_bytes().into())).await {
                        return SessionEnd::Lost(format!("ping failed: {e}"));
                    }
                    awaiting_pong.get_or_insert_with(Instant::now);
                }
                _ = watchdog.tick() => {
                    // Frames are not read while the consumer is full, so a pong may be waiting
                    // unread: only a socket being read can be judged silent.
                    if let (Some(sent), Some(deadline), None) = (awaiting_pong, self.options.pong_timeout, &pending)
                        && sent.elapsed() > deadline
                    {
                        return SessionEnd::Lost(format!("no pong within {} s of a ping", deadline.as_secs_f32()));
                    }
                    let limit = ping_every * self.options.watchdog_pings.max(1);
                    if pending.is_none() && last_inbound.elapsed() > limit {
                        return SessionEnd::Lost(format!("watchdog: no frame from the platform for {} s", limit.as_secs_f32()));
                    }
                }
                permit = self.tx.reserve(), if pending.is_some() => {
                    match permit {
                        Ok(permit) => {
                            if let Some(ev) = pending.take() {
                                permit.send(ev);
                                self.status.send_modify(|s| s.events += 1);
                            }
                            // Time spent waiting for the consumer is not the platform's silence.
                            last_inbound = Instant::now();
                            if awaiting_pong.is_some() {
                                awaiting_pong = Some(Instant::now());
                            }
                        }
                        Err(_) => {
                            tracing::info!(target: "ws", "event consumer is gone; closing the long connection");
                            let _ = sink.send(Message::Close(None)).await;
                            return SessionEnd::Stopped;
                        }
                    }
                }
                msg = stream.next(), if pending.is_none() => {
                    let bytes = match msg {
                        None => return SessionEnd::Lost("closed by the platform".into()),
                        Some(Err(e)) => return SessionEnd::Lost(format!("read failed: {e}")),
                        Some(Ok(Message::Close(frame))) => {
                            let why = frame.map(|f| format!("{} {}", f.code, f.reason)).unwrap_or_default();
                            return SessionEnd::Lost(format!("closed by the platform {why}").trim().to_owned());
                        }
                        Some(Ok(Message::Binary(b))) => b,
                        // Only binary messages carry frames; anything else still proves liveness.
                        Some(Ok(_)) => {
                            last_inbound = Instant::now();
                            continue;
                        }
                    };
                    last_inbound = Instant::now();
                    self.status.send_modify(|s| s.last_frame_at = Some(SystemTime::now()));
                    let frame = match Frame::decode_bytes(&bytes) {
                        Ok(f) => f,
                        Err(e) => {
                            tracing::warn!(target: "ws", "dropping an unreadable frame: {e}");
                            continue;
                        }
                    };
                    if frame.is_control() {
                        if frame.kind() == Some("pong") {
                            awaiting_pong = None;
                            if !ready_logged {
                                ready_logged = true;
                                tracing::info!(target: "ws", app_id = %self.client.app_id(), "ws client ready");
                            }
                            if let Some(p) = frame.payload.as_deref().filter(|p| !p.is_empty()) {
                                self.config.apply_json(p);
                                if cap(self.config.ping_interval) != ping_every {
                                    ping_every = cap(self.config.ping_interval);
                                    ping = interval_at(tokio::time::Instant::now() + ping_every, ping_every);
                                    ping.set_missed_tick_behavior(MissedTickBehavior::Delay);
                                }
                            }
                        }
                        continue;
                    }
                    pending = self.data_frame(frame, &mut reassembler, &out_tx);
                }
            }
        }
    }

    /// Handles one data frame: reassembles, swallows redeliveries, and returns a complete new
    /// event for the consumer.
    fn data_frame(
        &self,
        frame: Frame,
        reassembler: &mut Reassembler,
        out: &mpsc::UnboundedSender<Frame>,
    ) -> Option<WsEvent> {
        if frame.kind() != Some("event") {
            // Card frames are ignored by every official SDK: card callbacks come as events.
            tracing::debug!(target: "ws", kind = ?frame.kind(), "ignoring a data frame that is not an event");
            return None;
        }
        let msg_id = frame
            .header(header::MESSAGE_ID)
            .unwrap_or_default()
            .to_owned();
        let sum = frame
            .header(header::SUM)
            .and_then(|s| s.parse().ok())
            .unwrap_or(1usize);
        let seq = frame
            .header(header::SEQ)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0usize);
        let part = frame.payload.clone().unwrap_or_default();
        let payload = match reassembler.add(&msg_id, sum, seq, part) {
            Fragment::Complete(p) => p,
            Fragment::Pending => return None,
            Fragment::Invalid(why) => {
                tracing::warn!(target: "ws", message_id = %msg_id, "dropping a fragment: {why}");
                return None;
            }
        };
        let probed = probe(&payload);
        if let Some((message, chat)) = &probed.message_chat {
            self.client.inner.limiters.chats.learn(message, chat);
        }
        let event_id = probed.event_id;
        if let Some(id) = &event_id {
            let verdict = self.seen.lock().expect("seen lock").check(id);
            match verdict {
                Verdict::New => {}
                Verdict::Done => {
                    tracing::debug!(target: "ws", event_id = %id, "redelivered event already handled; acknowledging again");
                    let _ = out.send(frame.ack(0, &AckPayload::OK));
                    return None;
                }
                Verdict::InFlight => return None,
            }
        }
        Some(WsEvent::new(
            payload,
            frame,
            event_id,
            out.clone(),
            self.seen.clone(),
        ))
    }
}
