//! Reading what people did to messages: `listPins` (a chat's pinned messages) and
//! `listReactions` (who reacted to a message, with what).

use futures::TryStreamExt;
use serde::{Deserialize, Serialize};

use super::{chat_id, message_id};
use crate::error::ToolResult;
use crate::registry::ActionDef;
use crate::tools::Tools;
use crate::{handler, p};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListPinsArgs {
    pub chat_id: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct PinOut {
    pub message_id: String,
    /// Who pinned it.
    pub operator_id: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub create_time: Option<i64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Pins {
    pub ok: bool,
    pub pins: Vec<PinOut>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListReactionsArgs {
    pub message_id: String,
    /// Only this emoji (case-sensitive, e.g. `THUMBSUP`).
    #[serde(default, alias = "emojiType")]
    pub emoji: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ReactionOut {
    pub reaction_id: String,
    pub emoji: String,
    /// An open id (`operatorType` user) or an app id (app).
    pub operator_id: String,
    pub operator_type: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Reactions {
    pub ok: bool,
    pub reactions: Vec<ReactionOut>,
}

impl Tools {
    /// `listPins`: the pinned messages of a chat.
    pub async fn list_pins(&self, args: ListPinsArgs) -> ToolResult<Pins> {
        let chat = chat_id("chatId", &args.chat_id)?;
        let all: Vec<_> = self.client.list_pins(&chat).try_collect().await?;
        Ok(Pins {
            ok: true,
            pins: all
                .into_iter()
                .map(|p| PinOut {
                    message_id: p.message_id.0,
                    operator_id: p.operator_id,
                    create_time: p.create_time,
                })
                .collect(),
        })
    }

    /// `listReactions`: every reaction on a message.
    pub async fn list_reactions(&self, args: ListReactionsArgs) -> ToolResult<Reactions> {
        let id = message_id("messageId", &args.message_id)?;
        let emoji = args
            .emoji
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty());
        let all: Vec<_> = self.client.list_reactions(&id, emoji).try_collect().await?;
        Ok(Reactions {
            ok: true,
            reactions: all
                .into_iter()
                .map(|r| ReactionOut {
                    reaction_id: r.reaction_id,
                    emoji: r.reaction_type.emoji_type,
                    operator_id: r.operator.operator_id,
                    operator_type: r.operator.operator_type,
                })
                .collect(),
        })
    }
}

pub(crate) fn defs() -> Vec<ActionDef> {
    vec![
        ActionDef {
            name: "listPins",
            takes_to: false,
            description: "List a chat's pinned messages: [{messageId, operatorId, createTime}].",
            example: r#"{"action": "listPins", "chatId": "oc_xxx"}"#,
            params: &[p!("chatId", Str, "the chat id oc_xxx")],
            required: &["chatId"],
            run: handler!(list_pins),
        },
        ActionDef {
            name: "listReactions",
            takes_to: false,
            description: "List the reactions on a message: [{reactionId, emoji, operatorId, operatorType}].",
            example: r#"{"action": "listReactions", "messageId": "om_xxx"}"#,
            params: &[
                p!("messageId", Str, "the message id om_xxx"),
                p!(
                    "emoji",
                    Str,
                    "optional: only this emoji type, e.g. THUMBSUP"
                ),
            ],
            required: &["messageId"],
            run: handler!(list_reactions),
        },
    ]
}
