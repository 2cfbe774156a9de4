//! The `message` tool: every action of the skill document (`feishu-message-tool.md`) on the Lark
//! Open Platform, behind one action registry that serves four doors:
//!
//! - the agent: [`MessageTool`] implements `openclaw_agent::Tool` (name `message`, one schema);
//! - Rust: [`Tools`], one typed method per action (`tools.send(SendArgs {..})`);
//! - the CLI and MCP server of the `openclaw` binary, through [`Tools::dispatch`] and
//!   [`registry::actions`].
//!
//! Each group of actions lives in its own file under `actions/`, holding its argument and result
//! types, its `Tools` methods and its registry entries (schema, example, handler).

pub mod actions;
mod agent;
pub mod dispatch;
pub mod docmd;
pub mod emoji;
mod error;
mod fetch;
pub mod groups;
pub mod links;
pub mod local;
pub mod mcp;
pub mod progress;
pub mod registry;
mod settings;
mod tools;

pub use agent::{MessageTool, message_schema};
pub use dispatch::Outcome;
pub use error::{ToolError, ToolResult};
pub use groups::ToolGroups;
pub use settings::{Progress, ProgressBar, ToolSettings};
pub use tools::Tools;
