//! The platform's data: typed ids, event envelopes and events, message content. No I/O here.

pub mod content;
pub mod emoji;
pub mod event;
pub mod ids;
pub mod received;

pub use ids::*;
