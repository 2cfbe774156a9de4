//! The long connection: `pbbp2` frames over a websocket, with ping/pong, fragment reassembly,
//! ACKs, a watchdog and reconnects. See [`LongConnection`].

mod client;
pub mod config;
mod endpoint;
mod event;
pub mod frame;
mod reassembly;
pub mod status;

pub use client::{LongConnection, WsOptions};
pub use config::WsConfig;
pub use endpoint::ConnectError;
pub use event::WsEvent;
pub use frame::{AckPayload, Frame, Header};
pub use status::{ConnState, Status};
