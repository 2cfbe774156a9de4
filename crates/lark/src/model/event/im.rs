//! The smaller IM events: reactions, the bot joining or leaving a chat, a user opening the bot's
//! p2p chat, and read receipts. Shapes from the official SDK models (`P2ImMessageReaction*V1`,
//! `P2ImChatMemberBot*V1`, `P2ImChatAccessEventBotP2pChatEnteredV1`, `P2ImMessageMessageReadV1`).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::de;
use super::message::UserIds;
use crate::model::{AppId, ChatId, MessageId};

/// `im.message.reaction.created_v1` / `deleted_v1`. The event carries no `reaction_id`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Reaction {
    #[serde(default, deserialize_with = "de::opt_id")]
    pub message_id: Option<MessageId>,
    #[serde(default)]
    pub reaction_type: Emoji,
    /// `user` or `app`.
    #[serde(default, deserialize_with = "de::string")]
    pub operator_type: String,
    /// The reacting user (when `operator_type` is `user`).
    #[serde(default)]
    pub user_id: UserIds,
    /// The reacting app (when `operator_type` is `app`).
    #[serde(default, deserialize_with = "de::opt_id")]
    pub app_id: Option<AppId>,
    /// Milliseconds since the epoch.
    #[serde(default, deserialize_with = "de::opt_ms")]
    pub action_time: Option<u64>,
}

impl Reaction {
    /// The emoji, e.g. `THUMBSUP`.
    pub fn emoji_type(&self) -> &str {
        &self.reaction_type.emoji_type
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Emoji {
    #[serde(default, deserialize_with = "de::string")]
    pub emoji_type: String,
}

/// `im.chat.member.bot.added_v1` / `deleted_v1`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct BotMembership {
    #[serde(default, deserialize_with = "de::opt_id")]
    pub chat_id: Option<ChatId>,
    /// Who added or removed the bot.
    #[serde(default)]
    pub operator_id: UserIds,
    /// The chat's name.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub external: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub operator_tenant_key: Option<String>,
    /// The chat's name per locale (`zh_cn`, `en_us`, `ja_jp`).
    #[serde(default, deserialize_with = "i18n")]
    pub i18n_names: BTreeMap<String, String>,
}

fn i18n<'de, D: serde::Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
    let v = Option::<serde_json::Value>::deserialize(d)?;
    Ok(v.and_then(|v| match v {
        serde_json::Value::Object(m) => Some(
            m.into_iter()
                .filter_map(|(k, v)| Some((k, v.as_str()?.to_owned())))
                .collect(),
        ),
        _ => None,
    })
    .unwrap_or_default())
}

/// `im.chat.access_event.bot_p2p_chat_entered_v1`: a user opened the p2p chat with the bot.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct P2pChatEntered {
    #[serde(default, deserialize_with = "de::opt_id")]
    pub chat_id: Option<ChatId>,
    #[serde(default)]
    pub operator_id: UserIds,
    #[serde(default, deserialize_with = "de::opt_id")]
    pub last_message_id: Option<MessageId>,
    /// Milliseconds since the epoch.
    #[serde(default, deserialize_with = "de::opt_ms")]
    pub last_message_create_time: Option<u64>,
}

/// `im.message.message_read_v1`: a user read messages the bot sent.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct MessageRead {
    #[serde(default)]
    pub reader: Reader,
    #[serde(default, deserialize_with = "de::vec")]
    pub message_id_list: Vec<MessageId>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Reader {
    #[serde(default)]
    pub reader_id: UserIds,
    /// Milliseconds since the epoch.
    #[serde(default, deserialize_with = "de::opt_ms")]
    pub read_time: Option<u64>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub tenant_key: Option<String>,
}
