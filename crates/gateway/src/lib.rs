//! The gateway as a library: what `openclaw gateway run` is made of.
//!
//! A one-way pipeline of stages, built by [`app`] (the composition root, which nothing imports):
//! [`intake`] (long connections, webhooks, history read back after a loss) claims each event
//! durably in the [`store`] and acknowledges it, then wakes the event's chat on a bounded
//! channel → [`inbound`] runs the chat's queue in order (lease, policy, the turn) → the agent
//! answers → [`outbound`] records the reply (the outbox) and sends it with idempotent uuids,
//! with the typing indicator beside it. [`fleet`] keeps replicas on PostgreSQL together
//! (heartbeats, the sweep, succession); [`observe`] is metrics, status and logging.

pub mod account;
pub mod app;
pub mod fleet;
pub mod inbound;
pub mod intake;
pub mod live;
pub mod observe;
pub mod outbound;
pub mod runtime;
pub mod schedule;
pub mod store;

pub use app::{Options, Running, StartError, probe, server, start};
pub use observe::{log_file, logging, metrics, status};
