//! The long connection: `pbbp2` frames over a websocket, with ping/pong, fragment reassembly,
//! ACKs and reconnects.

pub mod frame;

pub use frame::{AckPayload, Frame, Header};
