//! Chats: `getChatMembers`, `getChatInfo`.

use futures::TryStreamExt;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::chat_id;
use crate::error::ToolResult;
use crate::registry::ActionDef;
use crate::tools::Tools;
use crate::{handler, p};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatArgs {
    pub chat_id: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Member {
    /// The open id (`ou_xxx`) to use in `<at user_id=...>` and as `memberId`.
    pub user_id: String,
    pub name: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Members {
    pub ok: bool,
    pub members: Vec<Member>,
}

impl Tools {
    /// `getChatMembers`: every member with their open id.
    pub async fn get_chat_members(&self, args: ChatArgs) -> ToolResult<Members> {
        let chat = chat_id("chatId", &args.chat_id)?;
        let all: Vec<_> = self.client.chat_members(&chat).try_collect().await?;
        Ok(Members {
            ok: true,
            members: all
                .into_iter()
                .map(|m| Member {
                    user_id: m.member_id,
                    name: m.name,
                })
                .collect(),
        })
    }

    /// `getChatInfo`: name, description, owner, mode (`topic` chats take createTopicPost), counts.
    pub async fn get_chat_info(&self, args: ChatArgs) -> ToolResult<Value> {
        let chat = chat_id("chatId", &args.chat_id)?;
        let i = self.client.get_chat(&chat).await?;
        Ok(json!({
            "ok": true,
            "chatId": chat.as_str(),
            "name": i.name,
            "description": i.description,
            "ownerId": i.owner_id,
            "chatMode": i.chat_mode,
            "isTopicChat": i.is_topic(),
            "chatType": i.chat_type,
            "external": i.external,
            "userCount": i.user_count,
            "botCount": i.bot_count,
        }))
    }
}

pub(crate) fn defs() -> Vec<ActionDef> {
    vec![
        ActionDef {
            name: "getChatMembers",
            takes_to: false,
            description: "List a chat's members with their user ids (ou_xxx).",
            example: r#"{"action": "getChatMembers", "chatId": "oc_xxx"}"#,
            params: &[p!("chatId", Str, "oc_xxx (without `chat:`)")],
            required: &["chatId"],
            run: handler!(get_chat_members),
        },
        ActionDef {
            name: "getChatInfo",
            takes_to: false,
            description: "A chat's name, description, owner, mode (topic or group) and member count.",
            example: r#"{"action": "getChatInfo", "chatId": "oc_xxx"}"#,
            params: &[p!("chatId", Str, "oc_xxx (without `chat:`)")],
            required: &["chatId"],
            run: handler!(get_chat_info),
        },
    ]
}
