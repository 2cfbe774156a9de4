//! The control API: acting as the users of a tenant (sending messages, reacting, adding the bot
//! to chats, clicking card buttons), inspecting what the bot did (messages, deliveries and their
//! ACKs, API calls) and injecting faults. Every operation is a method on [`SimState`] for Rust
//! tests, and a route under `/_sim/...` for everything else.
//!
//! [`SimState`]: crate::SimState

mod act;
mod faults;
mod routes;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::im::store::ChatMode;
pub use routes::routes;

/// Why a control operation could not be done.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum SimError {
    #[error("no app {0}")]
    UnknownApp(String),
    #[error("no chat {0}")]
    UnknownChat(String),
    #[error("no message {0}")]
    UnknownMessage(String),
    #[error("invalid request: {0}")]
    Invalid(String),
    #[error("webhook verification failed: {0}")]
    Webhook(String),
}

impl IntoResponse for SimError {
    fn into_response(self) -> Response {
        let status = match self {
            SimError::UnknownApp(_) | SimError::UnknownChat(_) | SimError::UnknownMessage(_) => {
                StatusCode::NOT_FOUND
            }
            SimError::Invalid(_) => StatusCode::BAD_REQUEST,
            SimError::Webhook(_) => StatusCode::BAD_GATEWAY,
        };
        (status, axum::Json(json!({ "error": self.to_string() }))).into_response()
    }
}

/// A user of the tenant.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Person {
    pub open_id: String,
    #[serde(default)]
    pub name: String,
}

impl Person {
    pub fn new(open_id: &str, name: &str) -> Person {
        Person {
            open_id: open_id.to_owned(),
            name: name.to_owned(),
        }
    }
}

/// A chat to create (`POST /_sim/apps/{app_id}/chats`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SeedChat {
    /// Generated (`oc_...`) when absent.
    #[serde(default)]
    pub chat_id: Option<String>,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub chat_mode: ChatMode,
    #[serde(default)]
    pub members: Vec<Person>,
    #[serde(default)]
    pub description: String,
    /// The owner's open id; the bot owns the chat when absent.
    #[serde(default)]
    pub owner: Option<String>,
}

/// A message a user sends (`POST /_sim/apps/{app_id}/messages`): either `text`, or
/// `message_type` with `content` (a JSON object or its string form).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct UserMessage {
    /// The chat; for a p2p message it may be left out (the user's p2p chat with the bot is used).
    /// An unknown chat id is created on the fly with the sender as member.
    #[serde(default)]
    pub chat_id: Option<String>,
    /// `p2p`, `group` or `topic_group`; derived from the chat's mode when absent.
    #[serde(default)]
    pub chat_type: Option<String>,
    pub sender: Person,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub message_type: Option<String>,
    #[serde(default)]
    pub content: Option<Value>,
    /// Users mentioned, in order after the bot (placeholders `@_user_N` are prefixed to the text
    /// unless it already contains them).
    #[serde(default)]
    pub mentions: Vec<Person>,
    #[serde(default)]
    pub mention_bot: bool,
    #[serde(default)]
    pub root_id: Option<String>,
    #[serde(default)]
    pub parent_id: Option<String>,
    #[serde(default)]
    pub thread_id: Option<String>,
}

impl UserMessage {
    /// A plain text message from `sender` in `chat_id`.
    pub fn text(chat_id: &str, sender: Person, text: &str) -> UserMessage {
        UserMessage {
            chat_id: Some(chat_id.to_owned()),
            sender,
            text: Some(text.to_owned()),
            ..Default::default()
        }
    }
}

/// What injecting a user message produced.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Injected {
    pub event_id: String,
    pub message_id: String,
}

/// A user adds or removes a reaction (`POST /_sim/apps/{app_id}/reactions`).
#[derive(Debug, Clone, Deserialize)]
pub struct UserReaction {
    pub message_id: String,
    pub user: Person,
    pub emoji_type: String,
    /// `created` (default) or `deleted`.
    #[serde(default)]
    pub action: Option<String>,
}

/// A user clicks a card element (`POST /_sim/apps/{app_id}/card_actions`).
#[derive(Debug, Clone, Deserialize)]
pub struct CardAction {
    pub message_id: String,
    pub user: Person,
    /// The `action` object: `{value, tag, option?, name?, form_value?, input_value?, ...}`; a
    /// missing `tag` defaults to `button`.
    #[serde(default)]
    pub action: Value,
}

/// The bot's answer to a card action.
#[derive(Debug, Clone, Serialize)]
pub struct CardOutcome {
    pub event_id: String,
    /// The callback response (toast / card), or null when the bot did not answer in time.
    pub response: Option<Value>,
}
