//! The gateway as a library: what `openclaw gateway run` is made of.
//!
//! Data flows one way: [`intake`] (long connection or webhook) claims each event durably in the
//! [`store`] and acknowledges it → [`inbound`] judges it by policy and runs the turn in its
//! chat's ordered queue → the agent answers → [`outbound`] records the reply and sends it with
//! idempotent uuids. [`server`] is the HTTP listener (webhooks, health, status, metrics).

pub mod account;
pub mod inbound;
pub mod intake;
mod llm_agent;
pub mod logging;
pub mod metrics;
pub mod names;
pub mod outbound;
pub mod outbound_stream;
pub mod probe;
pub mod runtime;
pub mod server;
pub mod status;
pub mod store;
mod twins;
mod typing;

pub use runtime::{Options, Running, StartError, start};
