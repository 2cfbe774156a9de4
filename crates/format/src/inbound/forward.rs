//! A `merge_forward` message expanded: its children, fetched by the caller with
//! `GET /im/v1/messages/:message_id`, rendered with sender and time by lark's
//! [`render_forwarded`]. Each child's text is resolved here first (mentions as tags), the way
//! a message sent to the bot directly reads.

use std::collections::HashSet;

use lark::api::messages::{Message, MsgType};
use lark::model::received::{ForwardedMessage, ReceivedContent, render_forwarded};

use super::mentions::{MentionRef, render};

/// The forwarded conversation in `items` (the answer's `items`: the forwarded message first,
/// then every descendant), oldest first, nested forwards indented:
///
/// ```text
/// <forwarded_messages>
/// [2024-11-22 00:00:00 UTC] ou_a:
///     hello
/// </forwarded_messages>
/// ```
pub fn forwarded_text(items: &[Message]) -> String {
    let ids: HashSet<&str> = items.iter().map(|m| m.message_id.as_str()).collect();
    // The forwarded message itself, or, when the caller passed only its children, the parent
    // they name that is not among them.
    let root = items
        .iter()
        .find(|m| m.upper_message_id.is_none() && m.msg_type == MsgType::MergeForward)
        .map(|m| m.message_id.as_str())
        .or_else(|| {
            items
                .iter()
                .filter_map(|m| m.upper_message_id.as_ref().map(|u| u.as_str()))
                .find(|u| !ids.contains(u))
        })
        .unwrap_or_default();
    let children: Vec<ForwardedMessage> = items.iter().map(child).collect();
    render_forwarded(root, &children)
}

fn child(m: &Message) -> ForwardedMessage {
    let (msg_type, content) = if m.msg_type == MsgType::MergeForward {
        // Kept as is, so lark nests its own children under it.
        (m.msg_type.as_str().to_owned(), m.content().to_owned())
    } else {
        let text = if m.deleted {
            "[deleted message]".to_owned()
        } else {
            let mentions: Vec<MentionRef<'_>> = m
                .mentions
                .iter()
                .map(|x| MentionRef {
                    key: &x.key,
                    open_id: (x.id_type == "open_id" || x.id.starts_with("ou_"))
                        .then_some(x.id.as_str()),
                    name: &x.name,
                })
                .collect();
            render(
                &ReceivedContent::parse(m.msg_type.as_str(), m.content()),
                &mentions,
                None,
            )
        };
        // Handed over as a text message, which lark renders as exactly this text.
        (
            "text".to_owned(),
            serde_json::json!({ "text": text }).to_string(),
        )
    };
    let sender = match (m.sender.id.as_str(), m.sender.sender_type.as_str()) {
        ("", _) => "unknown sender".to_owned(),
        (id, "app") => format!("{id} (bot)"),
        (id, _) => id.to_owned(),
    };
    ForwardedMessage {
        message_id: m.message_id.as_str().to_owned(),
        upper_message_id: m.upper_message_id.as_ref().map(|u| u.as_str().to_owned()),
        msg_type,
        create_time_ms: m.create_time.and_then(|t| u64::try_from(t).ok()),
        sender,
        content,
    }
}
