//! The long connection's server side: `POST /callback/ws/endpoint` hands out a websocket URL and
//! the client config; `GET /ws/v2` upgrades to a websocket that carries pbbp2 frames: pings are
//! answered with pongs carrying the full config, data frames coming back are ACKs.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use futures::{SinkExt, StreamExt};
use lark::ws::frame::{AckPayload, Frame};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{AckResult, Conn, ack_delay};
use crate::error::ApiCode;
use crate::ids::random_hex;
use crate::state::{App, SimConfig, SimState};

/// At most this many endpoint tickets are remembered per app (each reconnect asks for one).
const MAX_TICKETS: usize = 256;

/// The four `ClientConfig` keys, always all of them: the Go SDK sets a missing key to 0.
pub fn client_config(cfg: &SimConfig) -> Value {
    json!({
        "ReconnectCount": cfg.reconnect_count,
        "ReconnectInterval": cfg.reconnect_interval_secs,
        "ReconnectNonce": cfg.reconnect_nonce_secs,
        "PingInterval": cfg.ping_interval_secs,
    })
}

#[derive(Deserialize, Default)]
struct EndpointRequest {
    #[serde(rename = "AppID", default)]
    app_id: String,
    #[serde(rename = "AppSecret", default)]
    app_secret: String,
}

fn endpoint_error(code: i64, msg: &str) -> Response {
    // HTTP 200 with a non-zero code: the SDKs read the code and treat it as a fatal client error.
    // `data` stays an object because the Node SDK destructures it before looking at the code.
    let mut resp = axum::Json(json!({ "code": code, "msg": msg, "data": {} })).into_response();
    resp.extensions_mut().insert(ApiCode(code));
    resp
}

/// `POST /callback/ws/endpoint`
pub async fn endpoint(State(state): State<Arc<SimState>>, body: bytes::Bytes) -> Response {
    let req: EndpointRequest = serde_json::from_slice(&body).unwrap_or_default();
    if req.app_id.is_empty() || req.app_secret.is_empty() {
        return endpoint_error(10003, "invalid param: AppID and AppSecret are required");
    }
    let app = match state.app(&req.app_id) {
        Some(app) if app.spec.app_secret == req.app_secret => app,
        _ => return endpoint_error(10014, "app secret invalid"),
    };
    let ticket = random_hex(32);
    let service_id: i32 = 10_000 + (rand::random::<u32>() % 90_000) as i32;
    {
        let mut tickets = app.runtime.tickets.lock().expect("tickets lock");
        if tickets.len() >= MAX_TICKETS {
            tickets.remove(0);
        }
        tickets.push((ticket.clone(), service_id));
    }
    let (scheme, host) = match state.base_url.strip_prefix("https://") {
        Some(host) => ("wss", host),
        None => ("ws", state.base_url.trim_start_matches("http://")),
    };
    // `fpid` comes first: the Node SDK parses the whole URL with `qs`, which glues the first
    // parameter to the path, so `device_id` and `service_id` must never be first.
    let url = format!(
        "{scheme}://{host}/ws/v2?fpid=1&aid=552564&device_id={device}&access_key={key}&service_id={service_id}&ticket={ticket}",
        device = rand::random::<u64>() % 10_000_000_000,
        key = random_hex(32),
    );
    let cfg = state.config();
    let mut resp = axum::Json(json!({
        "code": 0,
        "msg": "ok",
        "data": { "URL": url, "ClientConfig": client_config(&cfg) },
    }))
    .into_response();
    resp.extensions_mut().insert(ApiCode(0));
    resp
}

fn handshake_refusal(status: u16, autherrcode: &str, msg: &str) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::FORBIDDEN);
    let mut resp = (status, msg.to_owned()).into_response();
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&status.as_u16().to_string()) {
        h.insert("Handshake-Status", v);
    }
    if let Ok(v) = HeaderValue::from_str(msg) {
        h.insert("Handshake-Msg", v);
    }
    if let Ok(v) = HeaderValue::from_str(autherrcode) {
        h.insert("Handshake-Autherrcode", v);
    }
    resp
}

/// `GET /ws/v2?...&ticket=...`: the websocket upgrade.
pub async fn upgrade(
    State(state): State<Arc<SimState>>,
    Query(q): Query<HashMap<String, String>>,
    ws: WebSocketUpgrade,
) -> Response {
    let ticket = q.get("ticket").map(String::as_str).unwrap_or("");
    let found = state.apps_snapshot().into_iter().find_map(|app| {
        let sid = app
            .runtime
            .tickets
            .lock()
            .expect("tickets lock")
            .iter()
            .find(|(t, _)| t == ticket)
            .map(|(_, sid)| *sid);
        sid.map(|sid| (app, sid))
    });
    let Some((app, service_id)) = found else {
        // Not the connection-limit code, so the SDKs treat it as retryable and fetch a new URL.
        return handshake_refusal(514, "1000040351", "invalid ticket");
    };
    let max = state.config().max_connections;
    let conn = {
        let mut conns = app.runtime.conns.lock().expect("conns lock");
        if conns.len() >= max {
            return handshake_refusal(514, "1000040350", "exceed connection limit");
        }
        let id = state.next_conn_id.fetch_add(1, Ordering::Relaxed);
        let (conn, outbox) = Conn::new(id, app.spec.app_id.clone(), service_id);
        let conn = Arc::new(conn);
        conns.push(conn.clone());
        (conn, outbox)
    };
    app.runtime.conns_changed.notify_waiters();
    let (conn, outbox) = conn;
    let guard = Registration {
        app: app.clone(),
        id: conn.id,
    };
    ws.on_upgrade(move |socket| async move {
        run(socket, state, app, conn, outbox).await;
        drop(guard);
    })
}

/// Removes the connection from its app when the socket ends, or when the upgrade never happens.
struct Registration {
    app: Arc<App>,
    id: u64,
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.app
            .runtime
            .conns
            .lock()
            .expect("conns lock")
            .retain(|c| c.id != self.id);
        self.app.runtime.conns_changed.notify_waiters();
    }
}

async fn run(
    socket: WebSocket,
    state: Arc<SimState>,
    app: Arc<App>,
    conn: Arc<Conn>,
    mut outbox: tokio::sync::mpsc::Receiver<Vec<u8>>,
) {
    let (mut sink, mut stream) = socket.split();
    loop {
        tokio::select! {
            _ = conn.kill.notified() => break,
            out = outbox.recv() => match out {
                Some(bytes) => {
                    if sink.send(Message::Binary(bytes.into())).await.is_err() {
                        break;
                    }
                }
                None => break,
            },
            msg = stream.next() => match msg {
                Some(Ok(Message::Binary(bytes))) => on_frame(&state, &app, &conn, &bytes),
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                // Only binary messages carry frames; text, ping and pong messages carry nothing.
                Some(Ok(_)) => {}
            },
        }
    }
}

fn on_frame(state: &SimState, app: &Arc<App>, conn: &Arc<Conn>, bytes: &[u8]) {
    let Ok(frame) = Frame::decode_bytes(bytes) else {
        tracing::debug!(conn = conn.id, "ignoring a malformed frame");
        return;
    };
    if frame.is_control() {
        if frame.kind() == Some("ping") {
            if conn.pings.fetch_add(1, Ordering::Relaxed) == 0 {
                app.runtime.conns_changed.notify_waiters();
            }
            if !conn.is_silent() {
                let config = serde_json::to_vec(&client_config(&state.config())).ok();
                let pong = Frame::pong(frame.service, config);
                let _ = conn.outbox.try_send(pong.to_bytes());
            }
        }
        return;
    }
    if !frame.is_data() {
        return;
    }
    let Some(frame_msg_id) = frame.header("message_id").map(str::to_owned) else {
        return;
    };
    let raw = frame.payload.clone().unwrap_or_default();
    let ack = match AckPayload::parse(&raw) {
        Some(p) => AckResult {
            code: p.code,
            data: p.data.map(|d| String::from_utf8_lossy(&d).into_owned()),
        },
        // An ACK the platform cannot read does not count as handled.
        None => AckResult {
            code: 0,
            data: Some(String::from_utf8_lossy(&raw).into_owned()),
        },
    };
    if app.runtime.withhold_acks.load(Ordering::Relaxed) {
        return;
    }
    let delay = ack_delay(&app.runtime);
    if delay.is_zero() {
        conn.resolve(&frame_msg_id, ack);
    } else {
        let conn = conn.clone();
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            conn.resolve(&frame_msg_id, ack);
        });
    }
}
