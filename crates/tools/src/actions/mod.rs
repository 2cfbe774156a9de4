//! The actions, one file per group of the document. Each file holds the typed argument and
//! result structs, the `Tools` methods (the Rust door) and the registry entries (`defs`).

pub mod ask;
pub mod bitable;
pub mod calendar;
pub mod chats;
pub mod comments;
pub mod docs;
pub mod drive;
pub mod edit;
pub mod folders;
pub mod lookups;
pub mod messages;
pub mod perms;
pub mod records;
pub mod sheets;
pub mod tasks;
pub mod threads;
pub mod wiki;

use crate::error::{ToolError, ToolResult};

/// A required string parameter that must not be blank.
pub(crate) fn non_empty<'a>(param: &str, v: &'a str) -> ToolResult<&'a str> {
    let t = v.trim();
    if t.is_empty() {
        return Err(ToolError::param(param, "is empty"));
    }
    Ok(t)
}

/// A chat id as custom actions take it: `oc_xxx`; a `chat:` prefix is forgiven.
pub(crate) fn chat_id(param: &str, v: &str) -> ToolResult<lark::model::ChatId> {
    let t = non_empty(param, v)?;
    let t = t.strip_prefix("chat:").unwrap_or(t);
    if !t.starts_with("oc_") {
        return Err(ToolError::param(
            param,
            format!(
                "{t:?} is not a chat id; chat ids look like `oc_xxx` (from `[chatId=oc_xxx ...]`)"
            ),
        ));
    }
    Ok(lark::model::ChatId::new(t))
}

/// A message id (`om_xxx`).
pub(crate) fn message_id(param: &str, v: &str) -> ToolResult<lark::model::MessageId> {
    let t = non_empty(param, v)?;
    if !t.starts_with("om_") {
        return Err(ToolError::param(
            param,
            format!("{t:?} is not a message id; message ids look like `om_xxx`"),
        ));
    }
    Ok(lark::model::MessageId::new(t))
}

/// Page sizes the platform accepts (1..=50).
pub(crate) fn page_size(v: Option<u32>) -> u32 {
    v.unwrap_or(20).clamp(1, 50)
}
