//! Card callbacks: `card.action.trigger` (schema 2.0, new cards), the legacy message-card
//! callback (no envelope at all), and the response a callback answers with.
//!
//! A callback must be answered within 3 s and is never redelivered, so parsing is deliberately
//! lenient: users complained of button clicks "dropped as malformed" (schema 2.0) by stricter
//! gateways. Only the fields needed to route the click are required.

use std::collections::BTreeMap;

use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::de;
use super::message::UserIds;
use crate::Secret;
use crate::model::{ChatId, MessageId, OpenId, UserId};

/// The user who clicked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct CardOperator {
    #[serde(default, deserialize_with = "de::opt_string")]
    pub tenant_key: Option<String>,
    /// The clicker's open, union and user ids, as in every other event.
    #[serde(flatten)]
    pub ids: UserIds,
}

/// What was clicked or submitted.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct CardActionData {
    /// The `value` the card author attached to the component (usually an object).
    #[serde(default)]
    pub value: Value,
    /// The component: `button`, `select_static`, `input`, `checker`, `form` submit...
    #[serde(default, deserialize_with = "de::string")]
    pub tag: String,
    /// The chosen option of a single select, date or time picker.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub option: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub timezone: Option<String>,
    /// The component's `name` (form fields, submit buttons).
    #[serde(default, deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    /// Every field of a submitted form, by name.
    #[serde(default, deserialize_with = "object")]
    pub form_value: Option<Map<String, Value>>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub input_value: Option<String>,
    /// The chosen options of a multi select.
    #[serde(default, deserialize_with = "de::vec")]
    pub options: Vec<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub checked: Option<bool>,
}

fn object<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Map<String, Value>>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Object(m)) => Some(m),
        _ => None,
    })
}

/// Where the card is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct CardContext {
    #[serde(default, deserialize_with = "de::opt_string")]
    pub url: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub preview_token: Option<String>,
    #[serde(default, deserialize_with = "de::opt_id")]
    pub open_message_id: Option<MessageId>,
    #[serde(default, deserialize_with = "de::opt_id")]
    pub open_chat_id: Option<ChatId>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct WireCardAction {
    #[serde(default)]
    operator: CardOperator,
    #[serde(default, deserialize_with = "de::opt_string")]
    token: Option<String>,
    action: Option<CardActionData>,
    #[serde(default, deserialize_with = "de::opt_string")]
    host: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    delivery_type: Option<String>,
    #[serde(default)]
    context: CardContext,
    // Older payloads put these at the top level instead of in `context`.
    #[serde(default, deserialize_with = "de::opt_id")]
    open_message_id: Option<MessageId>,
    #[serde(default, deserialize_with = "de::opt_id")]
    open_chat_id: Option<ChatId>,
}

/// `card.action.trigger`: a click or form submit on a card.
#[derive(Debug, Clone, PartialEq)]
pub struct CardAction {
    pub operator: CardOperator,
    /// The card update token (`c-...`) for a delayed update of this card. Redacted in Debug.
    pub token: Option<Secret>,
    pub action: CardActionData,
    /// Where the card was clicked (`im_message`, ...).
    pub host: Option<String>,
    pub delivery_type: Option<String>,
    /// With `open_message_id` / `open_chat_id` filled from the top level when `context` lacks them.
    pub context: CardContext,
}

impl CardAction {
    pub(crate) fn from_wire(w: WireCardAction) -> Result<Self, &'static str> {
        let action = w.action.ok_or("action")?;
        let mut context = w.context;
        if context.open_message_id.is_none() {
            context.open_message_id = w.open_message_id;
        }
        if context.open_chat_id.is_none() {
            context.open_chat_id = w.open_chat_id;
        }
        Ok(CardAction {
            operator: w.operator,
            token: w.token.map(Secret::new),
            action,
            host: w.host,
            delivery_type: w.delivery_type,
            context,
        })
    }

    /// The message holding the card.
    pub fn open_message_id(&self) -> Option<&MessageId> {
        self.context.open_message_id.as_ref()
    }

    /// The chat the card is in.
    pub fn open_chat_id(&self) -> Option<&ChatId> {
        self.context.open_chat_id.as_ref()
    }
}

/// A legacy message-card callback: a bare JSON object (no `schema`, no `uuid`) signed with SHA-1
/// over the verification token (PY `card/model.py` `Card`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CardActionV1 {
    #[serde(default, deserialize_with = "de::opt_id")]
    pub open_id: Option<OpenId>,
    #[serde(default, deserialize_with = "de::opt_id")]
    pub user_id: Option<UserId>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub tenant_key: Option<String>,
    #[serde(default, deserialize_with = "de::opt_id")]
    pub open_message_id: Option<MessageId>,
    #[serde(default, deserialize_with = "de::opt_id")]
    pub open_chat_id: Option<ChatId>,
    /// The verification token as sent; kept redacted.
    #[serde(default)]
    pub token: Option<Secret>,
    #[serde(default)]
    pub action: CardActionData,
}

/// The answer to a card callback: a toast, a new card, both or neither. Serialized as the
/// webhook's HTTP body, or base64-encoded into the long connection's ACK `data`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CardActionResponse {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub toast: Option<Toast>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<CardUpdate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Toast {
    #[serde(rename = "type")]
    pub type_: ToastType,
    pub content: String,
    /// The content per locale (`zh_cn`, `en_us`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub i18n: Option<BTreeMap<String, String>>,
}

/// `warning` is used by some integrations; only info, success and error are confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ToastType {
    Info,
    Success,
    Error,
    Warning,
}

/// The card that replaces the clicked one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CardUpdate {
    #[serde(rename = "type")]
    pub type_: CardUpdateType,
    /// The card JSON (`raw`), or `{template_id, template_variable}` (`template`).
    pub data: Value,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CardUpdateType {
    Raw,
    Template,
}

impl CardActionResponse {
    /// An empty answer: the click is acknowledged and nothing changes.
    pub fn empty() -> Self {
        Self::default()
    }

    pub fn toast(type_: ToastType, content: impl Into<String>) -> Self {
        CardActionResponse {
            toast: Some(Toast {
                type_,
                content: content.into(),
                i18n: None,
            }),
            card: None,
        }
    }

    /// Replaces the card with this card JSON.
    pub fn with_raw_card(mut self, card: Value) -> Self {
        self.card = Some(CardUpdate {
            type_: CardUpdateType::Raw,
            data: card,
        });
        self
    }

    /// The JSON text, as the webhook HTTP body.
    pub fn to_json(&self) -> String {
        // Plain structs of strings and Values: serialization cannot fail.
        serde_json::to_string(self).unwrap_or_else(|_| "{}".to_owned())
    }

    /// base64 of the JSON, as the `data` of a long-connection ACK.
    pub fn to_ws_data(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.to_json())
    }
}
