//! What the long connection reports about itself, for logs and `channels status`.

use std::time::SystemTime;

/// The connection's state machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnState {
    /// Bootstrapping and dialing for the first time.
    Connecting,
    /// The websocket is open and frames flow.
    Connected,
    /// The connection was lost (or never came up) and is being rebuilt.
    Reconnecting,
    /// Stopped on request.
    Stopped,
    /// Stopped because retrying cannot help (bad credentials, connection limit, forbidden, or
    /// the platform's reconnect count ran out). The reason says which.
    Fatal(String),
}

impl ConnState {
    pub fn as_str(&self) -> &'static str {
        match self {
            ConnState::Connecting => "connecting",
            ConnState::Connected => "connected",
            ConnState::Reconnecting => "reconnecting",
            ConnState::Stopped => "stopped",
            ConnState::Fatal(_) => "fatal",
        }
    }
}

/// A snapshot of the connection.
#[derive(Debug, Clone)]
pub struct Status {
    pub state: ConnState,
    /// When `state` was entered.
    pub since: SystemTime,
    /// When the last frame of any kind arrived.
    pub last_frame_at: Option<SystemTime>,
    /// The platform's id of the current connection (`device_id`), for logs.
    pub conn_id: Option<String>,
    /// Successful connections so far (the first one included).
    pub connects: u64,
    /// Connections lost so far.
    pub disconnects: u64,
    /// Events handed to the consumer.
    pub events: u64,
    /// Why the last connection ended or the last attempt failed.
    pub last_error: Option<String>,
}

impl Default for Status {
    fn default() -> Self {
        Status {
            state: ConnState::Connecting,
            since: SystemTime::now(),
            last_frame_at: None,
            conn_id: None,
            connects: 0,
            disconnects: 0,
            events: 0,
            last_error: None,
        }
    }
}
