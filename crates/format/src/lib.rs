//! Content both ways between Lark messages and the agent, pure (no I/O, no async).
//!
//! - [`inbound`]: a received message as the text the agent reads (mentions as the
//!   `<at user_id=...>` tags the agent can write back, the bot's own mention removed, posts as
//!   markdown, cards summarized, forwarded conversations expanded), with the files it references.
//! - [`outbound`]: the agent's markdown answer as text, post or card messages, each within the
//!   platform's size and table limits, in a bounded number of messages.
//!
//! Parsing and encoding of the wire shapes stay in the `lark` crate; this crate decides how
//! content reads on each side.

pub mod inbound;
pub mod outbound;

pub use inbound::{AgentText, agent_text, forwarded_text, group_prefix};
pub use outbound::{PlanOptions, RenderMode, markdown_post, plan_reply};
