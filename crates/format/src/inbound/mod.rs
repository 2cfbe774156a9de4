//! INBOUND: a received message as the text the agent reads.
//!
//! lark parses and renders the content
//! ([`lark::model::received::ReceivedContent::to_agent_text`]: posts as markdown
//! with a bold title, links, code blocks and `[image img_xxx]` references; cards summarized as
//! `[card] title` and their lines; media as bracketed references). This module adds what the
//! conversation needs on top: mentions as `<at user_id="ou_xxx">Name</at>` (the form the agent
//! uses to mention people back, per the `message` tool's doc), `@_all` as `@all`, the bot's own
//! mention removed, forwarded conversations expanded, and the group-chat prefix.

mod forward;
mod mentions;

use lark::model::OpenId;
use lark::model::event::MessageReceived;
use lark::model::received::Resource;

pub use forward::forwarded_text;

use mentions::{MentionRef, render};

/// What the agent gets from one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentText {
    pub text: String,
    /// The images and files the message references, to download with its message id.
    pub resources: Vec<Resource>,
}

/// The message as agent text, mentions resolved; `bot_open_id`'s own mention is removed along
/// with the whitespace it leaves at the ends. A `merge_forward` reads as a placeholder here:
/// fetch its children and use [`forwarded_text`].
pub fn agent_text(msg: &MessageReceived, bot_open_id: Option<&OpenId>) -> AgentText {
    let mentions: Vec<MentionRef<'_>> = msg
        .mentions
        .iter()
        .map(|m| MentionRef {
            key: &m.key,
            open_id: m.id.open_id.as_ref().map(OpenId::as_str),
            name: &m.name,
        })
        .collect();
    AgentText {
        text: render(&msg.content, &mentions, bot_open_id.map(OpenId::as_str)),
        resources: msg.content.resources(),
    }
}

/// The line that tells the agent, in a group chat, where a message comes from and who sent it:
/// `[chatId=oc_xxx sender=ou_xxx]`.
pub fn group_prefix(chat_id: &str, sender_open_id: &str) -> String {
    format!("[chatId={chat_id} sender={sender_open_id}]")
}

/// The group prefix with the sender's name when it is known:
/// `[chatId=oc_xxx sender=ou_xxx name=Ada]`. Brackets and line breaks in the name are replaced,
/// so a name cannot end the prefix early or forge another line.
pub fn group_prefix_named(chat_id: &str, sender_open_id: &str, name: Option<&str>) -> String {
    match name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => {
            let clean: String = n
                .chars()
                .map(|c| {
                    if matches!(c, '[' | ']' | '\n' | '\r') {
                        ' '
                    } else {
                        c
                    }
                })
                .collect();
            format!("[chatId={chat_id} sender={sender_open_id} name={clean}]")
        }
        None => group_prefix(chat_id, sender_open_id),
    }
}

#[cfg(test)]
mod tests;
