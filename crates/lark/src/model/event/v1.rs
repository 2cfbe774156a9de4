//! The legacy v1 `message` event (GO `P1MessageReceiveV1Data`), still pushed to apps subscribed
//! before schema 2.0. Its `text` already has mentions rendered; `text_without_at_bot` drops the
//! bot's own.

use serde::Deserialize;

use super::de;
use crate::model::{ChatId, MessageId, OpenId, UnionId};

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct MessageV1 {
    #[serde(default, deserialize_with = "de::opt_id")]
    pub root_id: Option<MessageId>,
    #[serde(default, deserialize_with = "de::opt_id")]
    pub parent_id: Option<MessageId>,
    #[serde(default, deserialize_with = "de::opt_id")]
    pub open_chat_id: Option<ChatId>,
    /// `private` or `group`.
    #[serde(default, deserialize_with = "de::string")]
    pub chat_type: String,
    #[serde(default, deserialize_with = "de::string")]
    pub msg_type: String,
    #[serde(default, deserialize_with = "de::opt_id")]
    pub open_id: Option<OpenId>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub employee_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_id")]
    pub union_id: Option<UnionId>,
    #[serde(default, deserialize_with = "de::opt_id")]
    pub open_message_id: Option<MessageId>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub is_mention: Option<bool>,
    #[serde(default, deserialize_with = "de::string")]
    pub text: String,
    #[serde(default, deserialize_with = "de::string")]
    pub text_without_at_bot: String,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "image_keys")]
    pub image_keys: Vec<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub image_key: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub file_key: Option<String>,
}

fn image_keys<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let v = Option::<serde_json::Value>::deserialize(d)?;
    Ok(match v {
        Some(serde_json::Value::Array(a)) => a
            .into_iter()
            .filter_map(|x| x.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    })
}
