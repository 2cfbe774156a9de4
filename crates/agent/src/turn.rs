//! The turn: one admitted message as the agent sees it. Serialized in camelCase because that is
//! what [`crate::CommandAgent`] writes to a command's stdin, a public contract for scripts.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::tool::ToolFilter;

/// One message the gateway admitted, with everything an agent needs to answer it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Turn {
    /// The account id: "default" or the account's name.
    pub account: String,
    /// The conversation this turn belongs to: `lark:<account>:dm:<open_id>`,
    /// `lark:<account>:group:<chat_id>` or `lark:<account>:thread:<thread_id>`.
    pub session_key: String,
    pub chat_id: String,
    pub chat_type: ChatKind,
    pub sender_open_id: String,
    pub sender_name: Option<String>,
    pub message_id: String,
    pub thread_id: Option<String>,
    /// The normalized text; group turns start with a `[chatId=oc_x sender=ou_x]` line.
    pub text: String,
    /// Attachments already downloaded.
    pub media: Vec<MediaFile>,
    /// Downloads that failed, in words the agent can pass on.
    pub media_errors: Vec<String>,
    /// The group's configured system prompt, if any.
    pub system_prompt: Option<String>,
    /// Which tools this turn may use (the group's `tools.allow` / `tools.deny`); the default
    /// permits every tool.
    #[serde(default, skip_serializing_if = "ToolFilter::is_empty")]
    pub tools: ToolFilter,
    /// Which skills this turn is offered (the group's `skills`); `None`: every enabled skill.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skills: Option<Vec<String>>,
}

/// The kind of chat a turn came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChatKind {
    Dm,
    Group,
    Topic,
}

/// A downloaded attachment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MediaFile {
    pub path: PathBuf,
    /// "image", "file", "audio" or "video".
    pub kind: String,
    pub file_name: Option<String>,
}
