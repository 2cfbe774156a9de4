//! The `Message` object of the IM API as the REST endpoints return it (GO `Message`).
//!
//! Unlike events, REST mentions carry the id as a string with its `id_type`, and times are
//! millisecond strings; both are decoded leniently.

use serde::Deserialize;

use crate::model::{ChatId, MessageId, ThreadId};

/// A message's `msg_type`; types this client does not know are kept by name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum MsgType {
    #[default]
    Text,
    Post,
    Image,
    File,
    Audio,
    Media,
    Sticker,
    Interactive,
    ShareChat,
    ShareUser,
    System,
    MergeForward,
    Location,
    Other(String),
}

impl MsgType {
    pub fn parse(s: &str) -> MsgType {
        match s {
            "text" => MsgType::Text,
            "post" => MsgType::Post,
            "image" => MsgType::Image,
            "file" => MsgType::File,
            "audio" => MsgType::Audio,
            "media" => MsgType::Media,
            "sticker" => MsgType::Sticker,
            "interactive" => MsgType::Interactive,
            "share_chat" => MsgType::ShareChat,
            "share_user" => MsgType::ShareUser,
            "system" => MsgType::System,
            "merge_forward" => MsgType::MergeForward,
            "location" => MsgType::Location,
            other => MsgType::Other(other.to_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            MsgType::Text => "text",
            MsgType::Post => "post",
            MsgType::Image => "image",
            MsgType::File => "file",
            MsgType::Audio => "audio",
            MsgType::Media => "media",
            MsgType::Sticker => "sticker",
            MsgType::Interactive => "interactive",
            MsgType::ShareChat => "share_chat",
            MsgType::ShareUser => "share_user",
            MsgType::System => "system",
            MsgType::MergeForward => "merge_forward",
            MsgType::Location => "location",
            MsgType::Other(s) => s,
        }
    }
}

impl<'de> Deserialize<'de> for MsgType {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Option::<String>::deserialize(d)?.unwrap_or_default();
        Ok(MsgType::parse(&s))
    }
}

/// A message as the REST API returns it.
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(default)]
pub struct Message {
    pub message_id: MessageId,
    pub root_id: Option<MessageId>,
    pub parent_id: Option<MessageId>,
    pub thread_id: Option<ThreadId>,
    pub msg_type: MsgType,
    /// Milliseconds since the epoch.
    #[serde(deserialize_with = "super::de::opt_i64")]
    pub create_time: Option<i64>,
    #[serde(deserialize_with = "super::de::opt_i64")]
    pub update_time: Option<i64>,
    pub deleted: bool,
    pub updated: bool,
    pub chat_id: Option<ChatId>,
    pub sender: Sender,
    pub body: MessageBody,
    #[serde(deserialize_with = "super::de::null_as_default")]
    pub mentions: Vec<Mention>,
    /// In a merge-forward listing, the message this one was forwarded inside.
    pub upper_message_id: Option<MessageId>,
}

impl Message {
    /// The content JSON string (its shape depends on `msg_type`).
    pub fn content(&self) -> &str {
        &self.body.content
    }
}

/// Who sent a message.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Default)]
#[serde(default)]
pub struct Sender {
    /// An open id for users, an app id for bots.
    pub id: String,
    /// `open_id` or `app_id`.
    pub id_type: String,
    /// `user`, `app`, `anonymous` or `unknown`.
    pub sender_type: String,
    pub tenant_key: String,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Default)]
#[serde(default)]
pub struct MessageBody {
    /// The content JSON string.
    pub content: String,
}

/// A mention in a message (`@_user_1` in the text stands for it).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Default)]
#[serde(default)]
pub struct Mention {
    pub key: String,
    pub id: String,
    pub id_type: String,
    pub name: String,
    pub tenant_key: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_the_rest_shape() {
        let json = r#"{"message_id":"om_1","root_id":"om_0","parent_id":"om_0","thread_id":"omt_1",
            "msg_type":"text","create_time":"1700000000000","update_time":"1700000000001",
            "deleted":false,"updated":true,"chat_id":"oc_1",
            "sender":{"id":"cli_1","id_type":"app_id","sender_type":"app","tenant_key":"t"},
            "body":{"content":"{\"text\":\"@_user_1 hi\"}"},
            "mentions":[{"key":"@_user_1","id":"ou_1","id_type":"open_id","name":"Ada","tenant_key":"t"}]}"#;
        let m: Message = serde_json::from_str(json).unwrap();
        assert_eq!(m.message_id.as_str(), "om_1");
        assert_eq!(m.thread_id.as_ref().map(|t| t.as_str()), Some("omt_1"));
        assert_eq!(m.msg_type, MsgType::Text);
        assert_eq!(m.create_time, Some(1_700_000_000_000));
        assert!(m.updated && !m.deleted);
        assert_eq!(m.sender.sender_type, "app");
        assert_eq!(m.content(), r#"{"text":"@_user_1 hi"}"#);
        assert_eq!(m.mentions[0].id, "ou_1");
        let odd: Message =
            serde_json::from_str(r#"{"message_id":"om_2","msg_type":"hongbao","mentions":null}"#)
                .unwrap();
        assert_eq!(odd.msg_type, MsgType::Other("hongbao".into()));
    }
}
