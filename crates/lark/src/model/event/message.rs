//! `im.message.receive_v1`: a message sent to the bot (p2p) or in a chat the bot is in.
//!
//! Mention detection is the part users see fail most (a bot that ignores its own @), so it looks
//! in every place a mention can hide: the event's `mentions` list, `at` elements of a post, and a
//! literal `@_all` placeholder in the content (the platform often omits `@_all` from `mentions`).

use std::collections::HashMap;

use serde::Deserialize;

use super::de;
use crate::model::received::ReceivedContent;
use crate::model::{ChatId, MessageId, OpenId, ThreadId, UnionId, UserId};

/// The three ids of one user. Any of them may be absent, depending on the app's scopes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct UserIds {
    #[serde(default, deserialize_with = "de::opt_id")]
    pub open_id: Option<OpenId>,
    #[serde(default, deserialize_with = "de::opt_id")]
    pub union_id: Option<UnionId>,
    #[serde(default, deserialize_with = "de::opt_id")]
    pub user_id: Option<UserId>,
}

/// Who sent a message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Sender {
    #[serde(default)]
    pub sender_id: UserIds,
    /// `user`, `app`, `anonymous` or `unknown`.
    #[serde(default, deserialize_with = "de::string")]
    pub sender_type: String,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub tenant_key: Option<String>,
}

/// The kind of chat a message was sent in.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ChatType {
    P2p,
    Group,
    /// A topic group: every root message opens a thread.
    TopicGroup,
    Other(String),
}

impl ChatType {
    pub fn parse(s: &str) -> ChatType {
        match s {
            "p2p" => ChatType::P2p,
            "group" => ChatType::Group,
            "topic_group" => ChatType::TopicGroup,
            other => ChatType::Other(other.to_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            ChatType::P2p => "p2p",
            ChatType::Group => "group",
            ChatType::TopicGroup => "topic_group",
            ChatType::Other(s) => s,
        }
    }
}

impl<'de> Deserialize<'de> for ChatType {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(ChatType::parse(&de::string(d)?))
    }
}

/// One mention in a message: `key` is the placeholder (`@_user_1`, `@_all`) found in the text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Mention {
    #[serde(default, deserialize_with = "de::string")]
    pub key: String,
    /// An object in events (a plain open_id string only in REST messages).
    #[serde(default)]
    pub id: UserIds,
    #[serde(default, deserialize_with = "de::string")]
    pub name: String,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub tenant_key: Option<String>,
    /// `user` or `bot` where the platform says so.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub mentioned_type: Option<String>,
}

impl Mention {
    pub fn is_all(&self) -> bool {
        self.key == "@_all"
    }
}

/// The `message` object of the event, as on the wire.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct WireMessage {
    #[serde(default, deserialize_with = "de::opt_id")]
    pub message_id: Option<MessageId>,
    #[serde(default, deserialize_with = "de::opt_id")]
    pub root_id: Option<MessageId>,
    #[serde(default, deserialize_with = "de::opt_id")]
    pub parent_id: Option<MessageId>,
    #[serde(default, deserialize_with = "de::opt_id")]
    pub thread_id: Option<ThreadId>,
    #[serde(default, deserialize_with = "de::opt_ms")]
    pub create_time: Option<u64>,
    #[serde(default, deserialize_with = "de::opt_ms")]
    pub update_time: Option<u64>,
    #[serde(default, deserialize_with = "de::opt_id")]
    pub chat_id: Option<ChatId>,
    #[serde(default, deserialize_with = "de::string")]
    pub chat_type: String,
    #[serde(default, deserialize_with = "de::string")]
    pub message_type: String,
    #[serde(default, deserialize_with = "de::string")]
    pub content: String,
    #[serde(default, deserialize_with = "de::vec")]
    pub mentions: Vec<Mention>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub user_agent: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct WireMessageReceived {
    pub sender: Option<Sender>,
    pub message: Option<WireMessage>,
}

/// A received message, with its content parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct MessageReceived {
    pub sender: Sender,
    pub message_id: MessageId,
    /// The first message of the reply chain or thread, when this is a reply.
    pub root_id: Option<MessageId>,
    /// The message this one replies to.
    pub parent_id: Option<MessageId>,
    /// The thread (topic) this message belongs to.
    pub thread_id: Option<ThreadId>,
    pub chat_id: ChatId,
    pub chat_type: ChatType,
    /// The raw `message_type` (`text`, `post`, `image`, ...).
    pub message_type: String,
    /// Milliseconds since the epoch.
    pub create_time_ms: Option<u64>,
    pub update_time_ms: Option<u64>,
    /// The `content` JSON string exactly as received.
    pub raw_content: String,
    pub content: ReceivedContent,
    pub mentions: Vec<Mention>,
    pub user_agent: Option<String>,
}

impl MessageReceived {
    pub(crate) fn from_wire(w: WireMessageReceived) -> Result<Self, &'static str> {
        let sender = w.sender.ok_or("sender")?;
        let m = w.message.ok_or("message")?;
        let message_id = m.message_id.ok_or("message.message_id")?;
        let chat_id = m.chat_id.ok_or("message.chat_id")?;
        if m.message_type.is_empty() {
            return Err("message.message_type");
        }
        let content = ReceivedContent::parse(&m.message_type, &m.content);
        Ok(MessageReceived {
            sender,
            message_id,
            root_id: m.root_id,
            parent_id: m.parent_id,
            thread_id: m.thread_id,
            chat_id,
            chat_type: ChatType::parse(&m.chat_type),
            message_type: m.message_type,
            create_time_ms: m.create_time,
            update_time_ms: m.update_time,
            raw_content: m.content,
            content,
            mentions: m.mentions,
            user_agent: m.user_agent,
        })
    }

    /// Whether the user with this open id (typically the bot itself) is mentioned, in the
    /// `mentions` list or in a post's `at` element.
    pub fn mentions_open_id(&self, open_id: &OpenId) -> bool {
        self.mentions
            .iter()
            .any(|m| m.id.open_id.as_ref() == Some(open_id))
            || self.content.at_user_ids().any(|u| u == open_id.as_str())
    }

    /// Whether the message mentions everyone (`@_all`, or a post `at` of `all`).
    pub fn mentions_all(&self) -> bool {
        self.mentions.iter().any(Mention::is_all)
            || self
                .content
                .at_user_ids()
                .any(|u| u == "all" || u == "all_members")
            || contains_all_placeholder(&self.raw_content)
    }

    /// The content as text for an agent, with `@_user_N` placeholders replaced by `@Name`.
    /// Mentions of `strip` (the bot's own open id) are removed instead, so the agent sees what
    /// the user asked and not the address line.
    pub fn text_with_mentions_resolved(&self, strip: Option<&OpenId>) -> String {
        let by_open_id: HashMap<&str, &Mention> = self
            .mentions
            .iter()
            .filter_map(|m| Some((m.id.open_id.as_ref()?.as_str(), m)))
            .collect();
        // Post `at` elements carry a user id (or a placeholder); route both through the
        // placeholder so one pass below resolves and strips them alike.
        let text = self.content.render(&|user_id: &str, name: Option<&str>| {
            if user_id.starts_with("@_") {
                return user_id.to_owned();
            }
            // An `at` of the bot that the mentions list lacks is still the bot's address line.
            if strip.is_some_and(|s| s.as_str() == user_id) && !by_open_id.contains_key(user_id) {
                return String::new();
            }
            if user_id == "all" || user_id == "all_members" {
                return "@all".to_owned();
            }
            match by_open_id.get(user_id) {
                Some(m) if !m.key.is_empty() => m.key.clone(),
                _ => format!("@{}", name.filter(|n| !n.is_empty()).unwrap_or(user_id)),
            }
        });
        resolve_placeholders(&text, &self.mentions, strip)
    }
}

/// Replaces each `@_user_N` / `@_all` placeholder by `@Name`, or drops it when it mentions
/// `strip`. Scans tokens instead of doing string replaces, so `@_user_1` never eats the start
/// of `@_user_10`.
pub(crate) fn resolve_placeholders(
    text: &str,
    mentions: &[Mention],
    strip: Option<&OpenId>,
) -> String {
    let by_key: HashMap<&str, &Mention> = mentions.iter().map(|m| (m.key.as_str(), m)).collect();
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut stripped = false;
    while let Some(pos) = rest.find("@_") {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 2..];
        let word_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        let key = &rest[pos..pos + 2 + word_len];
        rest = &rest[pos + 2 + word_len..];
        match by_key.get(key) {
            Some(m) if strip.is_some() && m.id.open_id.as_ref() == strip => {
                stripped = true;
                // Eat one following space so "@bot hello" becomes "hello", not " hello".
                if let Some(r) = rest.strip_prefix(' ') {
                    rest = r;
                }
            }
            Some(m) if !m.name.is_empty() => {
                out.push('@');
                out.push_str(&m.name);
            }
            _ if key == "@_all" => out.push_str("@all"),
            _ => out.push_str(key),
        }
    }
    out.push_str(rest);
    if stripped { out.trim().to_owned() } else { out }
}

fn contains_all_placeholder(raw: &str) -> bool {
    raw.match_indices("@_all").any(|(i, _)| {
        !raw[i + 5..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}
