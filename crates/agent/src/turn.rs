//! The turn: one admitted message as the agent sees it. Serialized in camelCase because that is
//! what [`crate::CommandAgent`] writes to a command's stdin, a public contract for scripts.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::steer::Steer;
use crate::tool::ToolFilter;

/// One message the gateway admitted, with everything an agent needs to answer it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Turn {
    /// The account id: "default" or the account's name.
    pub account: String,
    /// The conversation this turn belongs to: `lark:<account>:dm:<open_id>`,
    /// `lark:<account>:group:<chat_id>`, `lark:<account>:thread:<thread_id>` or, for a
    /// document's comments, `lark:<account>:doc:<file_token>`.
    pub session_key: String,
    /// The chat; for a document comment, the document's token.
    pub chat_id: String,
    pub chat_type: ChatKind,
    pub sender_open_id: String,
    pub sender_name: Option<String>,
    /// The message answered; for a document comment, the comment's reply id.
    pub message_id: String,
    pub thread_id: Option<String>,
    /// The normalized text; group turns start with a `[chatId=oc_x sender=ou_x]` line.
    pub text: String,
    /// Attachments already downloaded.
    pub media: Vec<MediaFile>,
    /// Downloads that failed, in words the agent can pass on.
    pub media_errors: Vec<String>,
    /// The group's configured system prompt, if any.
    pub system_prompt: Option<String>,
    /// Which tools this turn may use (the group's `tools.allow` / `tools.deny`); the default
    /// permits every tool.
    #[serde(default, skip_serializing_if = "ToolFilter::is_empty")]
    pub tools: ToolFilter,
    /// Which skills this turn is offered (the group's `skills`); `None`: every enabled skill.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skills: Option<Vec<String>>,
    /// Set when the turn is a comment on a document that @-mentions the bot (`chatType`
    /// `docComment`): the answer is posted as a reply in that comment's thread.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_comment: Option<DocComment>,
    /// Every message this turn answers, oldest first, when it answers more than one (the
    /// `collect` and `interrupt` queue modes); `text` holds them all, and the reply goes to the
    /// last, `message_id`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub messages: Vec<QueuedMessage>,
    /// Messages sent while the turn runs, for it to take at its next tool boundary (the
    /// `steer` queue mode); not part of the JSON.
    #[serde(skip)]
    pub steer: Steer,
    /// The group's messages that did not address the bot since its previous turn there (at
    /// most `historyLimit`), oldest first: context for this turn, not messages to answer.
    #[serde(default)]
    pub history: Vec<HistoryEntry>,
    /// What happened in the conversation since the previous turn that is not a message, in
    /// words for the model (e.g. "Ada reacted THUMBSUP to your message om_x").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// How many earlier turns of the session the model sees (`dmHistoryLimit` in DMs);
    /// `None`: as many as fit the context budget.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_turns: Option<u32>,
    /// Set when the turn is a click or form submit on a card: written flat into the turn's
    /// JSON as `kind: "cardAction"`, `action`, `operator` and `cardMessageId`.
    #[serde(flatten, default, skip_serializing_if = "Option::is_none")]
    pub card_action: Option<CardActionTurn>,
}

/// One of several messages a turn answers together (see [`Turn::messages`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueuedMessage {
    pub message_id: String,
    pub sender_open_id: String,
    /// The normalized text, as `text` would hold it for this message alone.
    pub text: String,
    /// When the platform says it was sent (ms since the epoch).
    pub create_time: Option<i64>,
}

/// One earlier message of the chat, given as context.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    pub message_id: String,
    pub sender_open_id: String,
    pub sender_name: Option<String>,
    /// The normalized text; attachments are named, not downloaded.
    pub text: String,
    /// Milliseconds since the epoch, as the platform says.
    pub create_time: i64,
}

/// A click or form submit on a card, as the agent gets it (see [`Turn::card_action`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CardActionTurn {
    /// Always [`TurnKind::CardAction`]; a message turn has no `kind`.
    pub kind: TurnKind,
    pub action: CardActionInput,
    /// Who clicked (also the turn's sender).
    pub operator: CardOperator,
    /// The message holding the card.
    pub card_message_id: String,
}

/// What a turn is, when it is not a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TurnKind {
    CardAction,
}

/// The component clicked and what it carried.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CardActionInput {
    /// `button`, `select_static`, `date_picker`, `input`, a form's submit button...
    pub tag: String,
    /// The `value` the card's author attached to the component.
    #[serde(default)]
    pub value: serde_json::Value,
    /// A submitted form's fields by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form_value: Option<serde_json::Map<String, serde_json::Value>>,
    /// The chosen option of a select or picker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub option: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_value: Option<String>,
    /// The component's text as the card shows it ("Approve"), when it could be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// The user who clicked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CardOperator {
    pub open_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// The document comment a `docComment` turn answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DocComment {
    /// The document's token and type (`docx`, `sheet`, `file`, `doc`, ...).
    pub file_token: String,
    pub file_type: String,
    /// The thread, and the reply in it that mentioned the bot.
    pub comment_id: String,
    pub reply_id: String,
    /// The passage the thread is about (empty: the whole document).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub quote: String,
}

/// The kind of chat a turn came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChatKind {
    Dm,
    Group,
    Topic,
    /// A comment on a document (see [`Turn::doc_comment`]).
    #[serde(rename = "docComment")]
    DocComment,
}

/// A downloaded attachment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MediaFile {
    pub path: PathBuf,
    /// "image", "file", "audio" or "video".
    pub kind: String,
    pub file_name: Option<String>,
}
