//! Event envelopes (schema 2.0 and legacy v1) and the typed events inside them.
//!
//! Both transports end here: the long connection hands over a frame's payload, the webhook a
//! decrypted body; [`Envelope::parse`] turns either into an [`Envelope`]. Events this crate does
//! not model are kept as [`Event::Unknown`] with their raw JSON, never an error; a *known* event
//! with a missing required field is an [`EventError`] naming the field.

mod card;
pub(crate) mod de;
mod drive;
mod im;
mod message;
mod v1;

use std::fmt;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

pub use card::{
    CardAction, CardActionData, CardActionResponse, CardActionV1, CardContext, CardOperator,
    CardUpdate, CardUpdateType, Toast, ToastType,
};
pub use drive::CommentAdded;
pub use im::{BotMembership, Emoji, MessageRead, P2pChatEntered, Reaction, Reader};
pub use message::{ChatType, Mention, MessageReceived, Sender, UserIds};
pub use v1::MessageV1;

use crate::Secret;
use crate::model::AppId;

/// Why a body is not a usable event. Messages never quote the body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    #[error("the event body is not JSON")]
    NotJson,
    #[error("the event body is not an event envelope (no `schema`, `uuid` or `header`)")]
    NotAnEnvelope,
    #[error("event {event_type}: missing field `{field}`")]
    MissingField {
        event_type: String,
        field: &'static str,
    },
    #[error("event {event_type}: {reason}")]
    Malformed { event_type: String, reason: String },
}

/// Which envelope an event came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schema {
    /// `{"schema":"2.0","header":{...},"event":{...}}`
    V2,
    /// `{"uuid":...,"type":"event_callback","event":{"type":...}}`
    V1,
}

/// An event with its envelope.
#[derive(Clone)]
pub struct Envelope {
    pub schema: Schema,
    event_id: String,
    event_type: String,
    create_time_ms: Option<u64>,
    token: Secret,
    pub app_id: Option<AppId>,
    pub tenant_key: Option<String>,
    pub event: Event,
}

// By hand, so the verification token never shows and the event stays readable.
impl fmt::Debug for Envelope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Envelope")
            .field("schema", &self.schema)
            .field("event_id", &self.event_id)
            .field("event_type", &self.event_type)
            .field("create_time_ms", &self.create_time_ms)
            .field("token", &self.token)
            .field("app_id", &self.app_id)
            .field("tenant_key", &self.tenant_key)
            .field("event", &self.event)
            .finish()
    }
}

/// The typed event.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// `im.message.receive_v1`
    MessageReceived(Box<MessageReceived>),
    /// `im.message.reaction.created_v1`
    ReactionCreated(Reaction),
    /// `im.message.reaction.deleted_v1`
    ReactionDeleted(Reaction),
    /// `im.chat.member.bot.added_v1`
    BotAdded(BotMembership),
    /// `im.chat.member.bot.deleted_v1`
    BotDeleted(BotMembership),
    /// `im.chat.access_event.bot_p2p_chat_entered_v1`
    P2pChatEntered(P2pChatEntered),
    /// `im.message.message_read_v1`
    MessageRead(MessageRead),
    /// `card.action.trigger`: a callback; answer it with a [`CardActionResponse`].
    CardAction(Box<CardAction>),
    /// The legacy v1 `message` event.
    MessageV1(Box<MessageV1>),
    /// `drive.notice.comment_add_v1`: a comment or reply on a document.
    CommentAdded(Box<CommentAdded>),
    /// Anything else, kept whole.
    Unknown { event_type: String, raw: Value },
}

#[derive(Deserialize, Default)]
struct WireHeader {
    #[serde(default, deserialize_with = "de::string")]
    event_id: String,
    #[serde(default, deserialize_with = "de::string")]
    event_type: String,
    #[serde(default, deserialize_with = "de::opt_ms")]
    create_time: Option<u64>,
    #[serde(default, deserialize_with = "de::string")]
    token: String,
    #[serde(default, deserialize_with = "de::opt_id")]
    app_id: Option<AppId>,
    #[serde(default, deserialize_with = "de::opt_string")]
    tenant_key: Option<String>,
}

impl Envelope {
    /// Parses a plaintext event body (a long-connection payload, or a decrypted webhook body).
    pub fn parse(body: &[u8]) -> Result<Envelope, EventError> {
        let v: Value = serde_json::from_slice(body).map_err(|_| EventError::NotJson)?;
        Envelope::from_value(v)
    }

    /// Like [`Envelope::parse`], from JSON already parsed.
    pub fn from_value(v: Value) -> Result<Envelope, EventError> {
        let Value::Object(mut obj) = v else {
            return Err(EventError::NotAnEnvelope);
        };
        let non_empty =
            |v: Option<&Value>| v.and_then(Value::as_str).is_some_and(|s| !s.is_empty());
        // Dispatch as the SDKs do: schema 2.0 when `schema` (or a header) is present, v1 on `uuid`.
        if non_empty(obj.get("schema")) || obj.get("header").is_some_and(Value::is_object) {
            let header: WireHeader = match obj.remove("header") {
                Some(h) => serde_json::from_value(h).map_err(|e| EventError::Malformed {
                    event_type: String::new(),
                    reason: format!("header: {}", de::safe_reason(&e)),
                })?,
                None => {
                    return Err(EventError::MissingField {
                        event_type: String::new(),
                        field: "header",
                    });
                }
            };
            if header.event_type.is_empty() {
                return Err(EventError::MissingField {
                    event_type: String::new(),
                    field: "header.event_type",
                });
            }
            let event = Event::from_parts(
                &header.event_type,
                obj.remove("event").unwrap_or(Value::Null),
            )?;
            return Ok(Envelope {
                schema: Schema::V2,
                event_id: header.event_id,
                event_type: header.event_type,
                create_time_ms: header.create_time,
                token: Secret::new(header.token),
                app_id: header.app_id,
                tenant_key: header.tenant_key,
                event,
            });
        }
        if non_empty(obj.get("uuid")) {
            let str_of = |obj: &serde_json::Map<String, Value>, k: &str| {
                obj.get(k)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            };
            let uuid = str_of(&obj, "uuid");
            let token = str_of(&obj, "token");
            let create_time_ms = v1_ts_ms(obj.get("ts"));
            let event_v = obj.remove("event").unwrap_or(Value::Null);
            let event_type = event_v
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            if event_type.is_empty() {
                return Err(EventError::MissingField {
                    event_type: String::new(),
                    field: "event.type",
                });
            }
            let app_id = event_v
                .get("app_id")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(AppId::from);
            let tenant_key = event_v
                .get("tenant_key")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_owned);
            let event = match event_type.as_str() {
                "message" => Event::MessageV1(Box::new(typed(&event_type, event_v)?)),
                _ => Event::Unknown {
                    event_type: event_type.clone(),
                    raw: event_v,
                },
            };
            return Ok(Envelope {
                schema: Schema::V1,
                event_id: uuid,
                event_type,
                create_time_ms,
                token: Secret::new(token),
                app_id,
                tenant_key,
                event,
            });
        }
        Err(EventError::NotAnEnvelope)
    }

    /// The idempotency key: v2 `header.event_id`, v1 `uuid`.
    pub fn event_id(&self) -> &str {
        &self.event_id
    }

    /// v2 `header.event_type`, v1 `event.type`.
    pub fn event_type(&self) -> &str {
        &self.event_type
    }

    /// When the platform created the event, in milliseconds since the epoch.
    pub fn create_time_ms(&self) -> Option<u64> {
        self.create_time_ms
    }

    /// The verification token the platform put in the envelope (empty if none).
    pub fn token(&self) -> &Secret {
        &self.token
    }
}

impl Event {
    /// Types the `event` object of a schema 2.0 envelope by its `event_type`.
    pub fn from_parts(event_type: &str, event: Value) -> Result<Event, EventError> {
        let missing = |field| EventError::MissingField {
            event_type: event_type.to_owned(),
            field,
        };
        Ok(match event_type {
            "im.message.receive_v1" => {
                let w = typed(event_type, event)?;
                Event::MessageReceived(Box::new(MessageReceived::from_wire(w).map_err(missing)?))
            }
            "im.message.reaction.created_v1" | "im.message.reaction.deleted_v1" => {
                let r: Reaction = typed(event_type, event)?;
                if r.message_id.is_none() {
                    return Err(missing("message_id"));
                }
                if event_type.ends_with("created_v1") {
                    Event::ReactionCreated(r)
                } else {
                    Event::ReactionDeleted(r)
                }
            }
            "im.chat.member.bot.added_v1" | "im.chat.member.bot.deleted_v1" => {
                let b: BotMembership = typed(event_type, event)?;
                if b.chat_id.is_none() {
                    return Err(missing("chat_id"));
                }
                if event_type.ends_with("added_v1") {
                    Event::BotAdded(b)
                } else {
                    Event::BotDeleted(b)
                }
            }
            "im.chat.access_event.bot_p2p_chat_entered_v1" => {
                let p: P2pChatEntered = typed(event_type, event)?;
                if p.chat_id.is_none() {
                    return Err(missing("chat_id"));
                }
                Event::P2pChatEntered(p)
            }
            "im.message.message_read_v1" => Event::MessageRead(typed(event_type, event)?),
            "card.action.trigger" => {
                let w = typed(event_type, event)?;
                Event::CardAction(Box::new(CardAction::from_wire(w).map_err(missing)?))
            }
            "drive.notice.comment_add_v1" => {
                let w: drive::Wire = typed(event_type, event)?;
                Event::CommentAdded(Box::new(CommentAdded::from_wire(w).map_err(missing)?))
            }
            _ => Event::Unknown {
                event_type: event_type.to_owned(),
                raw: event,
            },
        })
    }
}

fn typed<T: DeserializeOwned>(event_type: &str, event: Value) -> Result<T, EventError> {
    if !event.is_object() {
        return Err(EventError::MissingField {
            event_type: event_type.to_owned(),
            field: "event",
        });
    }
    serde_json::from_value(event).map_err(|e| EventError::Malformed {
        event_type: event_type.to_owned(),
        reason: de::safe_reason(&e),
    })
}

/// v1 `ts` is seconds, sometimes with a fraction (`"1502199207.7171419"`).
fn v1_ts_ms(ts: Option<&Value>) -> Option<u64> {
    let secs = match ts? {
        Value::String(s) => s.trim().parse::<f64>().ok()?,
        Value::Number(n) => n.as_f64()?,
        _ => return None,
    };
    (secs.is_finite() && secs >= 0.0).then_some((secs * 1000.0) as u64)
}
