//! The long connection's client configuration, as the platform sends it in the endpoint answer
//! and in pongs (PascalCase keys, durations in seconds).

use std::time::Duration;

use serde::Deserialize;

/// How the connection pings and reconnects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WsConfig {
    /// Attempts after a disconnect before giving up; negative means forever.
    pub reconnect_count: i64,
    /// Wait between reconnect attempts after the first.
    pub reconnect_interval: Duration,
    /// The first attempt waits a random time in [0, nonce), so that many clients do not
    /// reconnect at the same instant.
    pub reconnect_nonce: Duration,
    pub ping_interval: Duration,
}

impl Default for WsConfig {
    /// The official SDKs' defaults before the platform sends any configuration.
    fn default() -> Self {
        WsConfig {
            reconnect_count: -1,
            reconnect_interval: Duration::from_secs(120),
            reconnect_nonce: Duration::from_secs(30),
            ping_interval: Duration::from_secs(120),
        }
    }
}

/// The wire shape; every key optional so a partial config cannot zero the others.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct WireConfig {
    #[serde(rename = "ReconnectCount")]
    reconnect_count: Option<i64>,
    #[serde(rename = "ReconnectInterval")]
    reconnect_interval: Option<i64>,
    #[serde(rename = "ReconnectNonce")]
    reconnect_nonce: Option<i64>,
    #[serde(rename = "PingInterval")]
    ping_interval: Option<i64>,
}

impl WsConfig {
    /// Applies what the platform sent. Missing keys keep their value, and a ping interval of
    /// zero or less is ignored: it would make the client ping in a tight loop.
    pub(crate) fn apply(&mut self, wire: &WireConfig) {
        if let Some(n) = wire.reconnect_count {
            self.reconnect_count = n;
        }
        if let Some(s) = wire.reconnect_interval.filter(|s| *s >= 0) {
            self.reconnect_interval = Duration::from_secs(s as u64);
        }
        if let Some(s) = wire.reconnect_nonce.filter(|s| *s >= 0) {
            self.reconnect_nonce = Duration::from_secs(s as u64);
        }
        if let Some(s) = wire.ping_interval.filter(|s| *s > 0) {
            self.ping_interval = Duration::from_secs(s as u64);
        }
    }

    /// Applies a pong's JSON payload; anything unreadable is ignored.
    pub(crate) fn apply_json(&mut self, bytes: &[u8]) -> bool {
        match serde_json::from_slice::<WireConfig>(bytes) {
            Ok(wire) => {
                self.apply(&wire);
                true
            }
            Err(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_config_overwrites_everything() {
        let mut c = WsConfig::default();
        assert!(c.apply_json(br#"{"ReconnectCount": 3, "ReconnectInterval": 5, "ReconnectNonce": 1, "PingInterval": 10}"#));
        assert_eq!(
            c,
            WsConfig {
                reconnect_count: 3,
                reconnect_interval: Duration::from_secs(5),
                reconnect_nonce: Duration::from_secs(1),
                ping_interval: Duration::from_secs(10),
            }
        );
    }

    #[test]
    fn partial_or_zero_config_cannot_make_a_tight_ping_loop() {
        let mut c = WsConfig::default();
        c.apply_json(br#"{"PingInterval": 0}"#);
        assert_eq!(c.ping_interval, Duration::from_secs(120));
        c.apply_json(br#"{"ReconnectNonce": 2}"#);
        assert_eq!(c.reconnect_nonce, Duration::from_secs(2));
        assert_eq!(c.reconnect_count, -1);
        assert!(!c.apply_json(b"not json"));
    }
}
