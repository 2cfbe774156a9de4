//! Helpers for lark-sim's own integration tests: a simulator with short timeouts, a raw
//! long-connection client speaking pbbp2 frames, and token/REST shortcuts.
#![allow(dead_code)]

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use lark::ws::frame::Frame;
use lark_sim::{AppSpec, RedeliveryPolicy, Sim, SimConfig};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

/// Matches the Node SDK's `^cli_[0-9a-fA-F]{16}$`.
pub const APP_ID: &str = "cli_a1b2c3d4e5f60718";
pub const SECRET: &str = "sim-secret-1";

/// Settings that keep every test within seconds: a 1 s ACK timeout and two quick redeliveries.
pub fn quick_config() -> SimConfig {
    SimConfig {
        redelivery: RedeliveryPolicy {
            ack_timeout: Duration::from_millis(1000),
            schedule: vec![Duration::from_millis(200), Duration::from_millis(200)],
        },
        ping_interval_secs: 1,
        reconnect_interval_secs: 1,
        reconnect_nonce_secs: 0,
        ..SimConfig::default()
    }
}

/// A simulator on a free port with one websocket-mode app.
pub async fn sim() -> Sim {
    sim_with(quick_config()).await
}

pub async fn sim_with(config: SimConfig) -> Sim {
    let sim = Sim::start("127.0.0.1:0", config)
        .await
        .expect("start lark-sim");
    sim.state().add_app(AppSpec::websocket(APP_ID, SECRET));
    sim
}

/// Like [`sim_with`], serving HTTPS and WSS with a certificate made at start.
pub async fn tls_sim_with(config: SimConfig) -> Sim {
    let sim = Sim::start_tls("127.0.0.1:0", config, lark_sim::Tls::SelfSigned)
        .await
        .expect("start lark-sim with TLS");
    sim.state().add_app(AppSpec::websocket(APP_ID, SECRET));
    sim
}

pub fn http() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

/// A tenant access token for the app.
pub async fn token(sim: &Sim) -> String {
    let v: Value = http()
        .post(format!(
            "{}/open-apis/auth/v3/tenant_access_token/internal",
            sim.base_url()
        ))
        .json(&json!({ "app_id": APP_ID, "app_secret": SECRET }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["tenant_access_token"]
        .as_str()
        .expect("a token")
        .to_owned()
}

/// A raw long-connection client: endpoint bootstrap, then frames over the websocket.
pub struct RawClient {
    pub ws: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    pub service_id: i32,
    pub url: String,
}

pub async fn endpoint(sim: &Sim, app_id: &str, secret: &str) -> Value {
    http()
        .post(format!("{}/callback/ws/endpoint", sim.base_url()))
        .header("locale", "zh")
        .json(&json!({ "AppID": app_id, "AppSecret": secret }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

impl RawClient {
    pub async fn connect(sim: &Sim) -> RawClient {
        Self::try_connect(sim).await.expect("websocket handshake")
    }

    pub async fn try_connect(
        sim: &Sim,
    ) -> Result<RawClient, tokio_tungstenite::tungstenite::Error> {
        let ep = endpoint(sim, APP_ID, SECRET).await;
        let url = ep["data"]["URL"].as_str().expect("URL").to_owned();
        let parsed = url::Url::parse(&url).unwrap();
        let service_id = parsed
            .query_pairs()
            .find(|(k, _)| k == "service_id")
            .map(|(_, v)| v.parse().unwrap())
            .unwrap();
        let (ws, _) = tokio_tungstenite::connect_async(url.as_str()).await?;
        let mut c = RawClient {
            ws,
            service_id,
            url,
        };
        // Like every official SDK: ping at once (which also tells lark-sim the client listens).
        c.send(&Frame::ping(service_id)).await;
        let pong = c.frame(2000).await.expect("a pong to the first ping");
        assert_eq!(pong.kind(), Some("pong"));
        Ok(c)
    }

    pub async fn send(&mut self, frame: &Frame) {
        self.ws
            .send(Message::Binary(frame.to_bytes().into()))
            .await
            .unwrap();
    }

    /// The next frame, or None when nothing arrives within `ms` or the socket ends.
    pub async fn frame(&mut self, ms: u64) -> Option<Frame> {
        let deadline = tokio::time::Instant::now() + Duration::from_millis(ms);
        loop {
            match tokio::time::timeout_at(deadline, self.ws.next()).await {
                Ok(Some(Ok(Message::Binary(b)))) => {
                    return Some(
                        Frame::decode_bytes(&b)
                            .expect("lark-sim frames decode with required fields"),
                    );
                }
                Ok(Some(Ok(Message::Close(_)))) | Ok(Some(Err(_))) | Ok(None) | Err(_) => {
                    return None;
                }
                Ok(Some(Ok(_))) => continue,
            }
        }
    }

    /// The next data frames making up one event (reassembled), skipping control frames.
    pub async fn event(&mut self, ms: u64) -> Option<(Vec<Frame>, Value)> {
        let mut frames: Vec<Frame> = Vec::new();
        loop {
            let f = self.frame(ms).await?;
            if !f.is_data() {
                continue;
            }
            let sum: usize = f.header("sum").unwrap().parse().unwrap();
            frames.push(f);
            if frames.len() == sum {
                frames.sort_by_key(|f| f.header("seq").unwrap().parse::<usize>().unwrap());
                let bytes: Vec<u8> = frames
                    .iter()
                    .flat_map(|f| f.payload.clone().unwrap_or_default())
                    .collect();
                let v = serde_json::from_slice(&bytes).expect("event payload is JSON");
                return Some((frames, v));
            }
        }
    }

    /// ACKs a data frame the way the Python SDK does.
    pub async fn ack(&mut self, frame: &Frame, payload: &[u8]) {
        let mut ack = frame.clone();
        ack.push_header("biz_rt", "3");
        ack.payload = Some(payload.to_vec());
        self.send(&ack).await;
    }
}
