//! Messages: the framework actions (`send`, `reply`, `react`, `sendAttachment`, addressed with
//! `to`) and the custom ones on one message (list, pin, unpin, recall, update).

use lark::api::files::UploadFile;
use lark::api::images::ImageType;
use lark::api::messages::{ListMessages, ReplyOptions, SortType};
use lark::model::ReceiveId;
use lark::model::content::Content;
use openclaw_format::outbound::{PlanOptions, plan_reply};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{chat_id, message_id, non_empty, page_size};
use crate::error::{ToolError, ToolResult};
use crate::p;
use crate::registry::ActionDef;
use crate::tools::Tools;
use crate::{emoji, handler, local};

pub const SEND_EXAMPLE: &str = r#"{"action": "send", "to": "chat:oc_xxx", "text": "<at user_id=\"ou_abc123\">张三</at> 请查看这个文档"}"#;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendArgs {
    /// `chat:oc_xxx`, `user:ou_xxx` or a bare id.
    pub to: String,
    /// Text with `<at user_id="ou_xxx">name</at>` mentions; markdown becomes a post.
    #[serde(alias = "message", alias = "content")]
    pub text: String,
}

/// A message posted: its id and chat, and every id when a long text took several messages.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Sent {
    pub ok: bool,
    pub message_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chat_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thread_id: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub message_ids: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplyArgs {
    #[serde(default)]
    pub to: Option<String>,
    /// The message answered (`om_xxx`).
    #[serde(alias = "replyTo")]
    pub message_id: String,
    #[serde(alias = "message", alias = "content")]
    pub text: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReactArgs {
    #[serde(default)]
    pub to: Option<String>,
    pub message_id: String,
    #[serde(default, alias = "emojiType")]
    pub emoji: Option<String>,
    #[serde(default)]
    pub reaction_id: Option<String>,
    #[serde(default)]
    pub remove: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Reacted {
    pub ok: bool,
    pub reaction_id: String,
    pub emoji: String,
    pub removed: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendAttachmentArgs {
    pub to: String,
    #[serde(alias = "filePath", alias = "media")]
    pub path: String,
    /// Set when the caller is inside a thread: attachments cannot go there.
    #[serde(default)]
    pub thread_id: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListMessagesArgs {
    pub chat_id: String,
    #[serde(default)]
    pub page_size: Option<u32>,
}

/// Messages, newest first, in a compact form a model can read.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct MessageList {
    pub ok: bool,
    pub messages: Vec<Value>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageIdArgs {
    pub message_id: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateMessageArgs {
    pub message_id: String,
    #[serde(alias = "text")]
    pub content: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Done {
    pub ok: bool,
}

/// The text a message shows: `text` of a text message, the raw content JSON otherwise.
pub(crate) fn message_json(m: &lark::api::messages::Message) -> Value {
    let raw = m.content();
    let content: Value = serde_json::from_str(raw).unwrap_or(Value::String(raw.to_owned()));
    let text = content
        .get("text")
        .and_then(Value::as_str)
        .map(|s| Value::String(s.to_owned()))
        .unwrap_or(content);
    serde_json::json!({
        "messageId": m.message_id.as_str(),
        "threadId": m.thread_id.as_ref().map(|t| t.as_str()),
        "rootId": m.root_id.as_ref().map(|t| t.as_str()),
        "msgType": m.msg_type.as_str(),
        "sender": m.sender.id,
        "senderType": m.sender.sender_type,
        "createTime": m.create_time,
        "deleted": m.deleted,
        "content": text,
    })
}

fn sent(m: &lark::api::messages::Message, all: Vec<String>) -> Sent {
    Sent {
        ok: true,
        message_id: m.message_id.as_str().to_owned(),
        chat_id: m.chat_id.as_ref().map(|c| c.as_str().to_owned()),
        thread_id: m.thread_id.as_ref().map(|t| t.as_str().to_owned()),
        message_ids: if all.len() > 1 { all } else { Vec::new() },
    }
}

/// The messages that carry `text`: text, or posts (cards for tables) when it is markdown.
fn contents(text: &str) -> ToolResult<Vec<Content>> {
    let parts = plan_reply(text, &PlanOptions::default());
    if parts.is_empty() {
        return Err(ToolError::param("text", "is empty; give the text to send"));
    }
    Ok(parts)
}

impl Tools {
    /// `send`: text (with `<at>` mentions) to a chat or user; markdown becomes a post.
    pub async fn send(&self, args: SendArgs) -> ToolResult<Sent> {
        let to = ReceiveId::infer(non_empty("to", &args.to)?);
        let mut last = None;
        let mut ids = Vec::new();
        for (i, content) in contents(&args.text)?.into_iter().enumerate() {
            // A uuid per message: neither the client's retries nor a re-run turn post it twice.
            let uuid = self.post_uuid("send", &args.to, &args.text, i);
            let m = self.client.send_message(&to, &content, Some(&uuid)).await?;
            ids.push(m.message_id.as_str().to_owned());
            last = Some(m);
        }
        let first = last.ok_or_else(|| ToolError::param("text", "is empty"))?;
        Ok(sent(&first, ids))
    }

    /// `reply`: answers a message.
    pub async fn reply(&self, args: ReplyArgs) -> ToolResult<Sent> {
        let id = message_id("messageId", &args.message_id)?;
        let mut last = None;
        let mut ids = Vec::new();
        for (i, content) in contents(&args.text)?.into_iter().enumerate() {
            let opts = ReplyOptions {
                reply_in_thread: false,
                uuid: Some(self.post_uuid("reply", id.as_str(), &args.text, i)),
            };
            let m = self.client.reply_message(&id, &content, &opts).await?;
            ids.push(m.message_id.as_str().to_owned());
            last = Some(m);
        }
        let m = last.ok_or_else(|| ToolError::param("text", "is empty"))?;
        Ok(sent(&m, ids))
    }

    /// `react`: adds the bot's emoji reaction, or removes one with `reactionId` + `remove`.
    pub async fn react(&self, args: ReactArgs) -> ToolResult<Reacted> {
        let id = message_id("messageId", &args.message_id)?;
        if args.remove {
            let reaction_id = match (&args.reaction_id, &args.emoji) {
                (Some(r), _) => r.clone(),
                (None, Some(e)) => self.own_reaction(&id, e).await?,
                (None, None) => {
                    return Err(ToolError::param(
                        "reactionId",
                        "is required with `remove: true` (it is in the result of the react call that added it)",
                    ));
                }
            };
            let r = self.client.delete_reaction(&id, &reaction_id).await?;
            return Ok(Reacted {
                ok: true,
                reaction_id,
                emoji: r.reaction_type.emoji_type,
                removed: true,
            });
        }
        let Some(e) = args
            .emoji
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty())
        else {
            return Err(ToolError::param("emoji", "is required (e.g. \"THUMBSUP\")"));
        };
        if let Some(right) = emoji::wrong_case(e) {
            return Err(ToolError::param(
                "emoji",
                format!(
                    "{e:?} is not an emoji type; emoji types are case-sensitive: use {right:?}"
                ),
            ));
        }
        match self.client.add_reaction(&id, e).await {
            Ok(r) => Ok(Reacted {
                ok: true,
                reaction_id: r.reaction_id,
                emoji: e.to_owned(),
                removed: false,
            }),
            Err(err) if err.code() == Some(231001) => Err(ToolError::param(
                "emoji",
                format!(
                    "{e:?} is not an emoji type (case-sensitive); use one of: {}",
                    emoji::DOC_LIST
                ),
            )),
            Err(err) => Err(err.into()),
        }
    }

    /// The bot's own reaction of that emoji on a message (to remove it without its id).
    async fn own_reaction(&self, id: &lark::model::MessageId, emoji: &str) -> ToolResult<String> {
        use futures::TryStreamExt;
        let all: Vec<_> = self
            .client
            .list_reactions(id, Some(emoji))
            .try_collect()
            .await?;
        all.into_iter()
            .find(|r| r.operator.operator_type == "app")
            .map(|r| r.reaction_id)
            .ok_or_else(|| {
                ToolError::param(
                    "reactionId",
                    format!("the bot has no {emoji} reaction on that message"),
                )
            })
    }

    /// `sendAttachment`: a local file as an image or file message (never inside a thread).
    pub async fn send_attachment(&self, args: SendAttachmentArgs) -> ToolResult<Sent> {
        if args
            .thread_id
            .as_deref()
            .is_some_and(|t| !t.trim().is_empty())
        {
            return Err(ToolError::Refused(
                "attachments (images/files) cannot be sent inside a thread (话题内不能发送附件); \
                 send it to the chat's main view instead: {\"action\": \"sendAttachment\", \"to\": \
                 \"chat:oc_xxx\", \"path\": \"/tmp/file.png\"} without threadId"
                    .into(),
            ));
        }
        let to = ReceiveId::infer(non_empty("to", &args.to)?);
        let path = local::allowed_file("path", &args.path, &self.settings.roots)?;
        let content = if local::is_image(&path) {
            Content::image(
                self.client
                    .upload_image(path.as_path(), ImageType::Message)
                    .await?,
            )
        } else {
            let up = UploadFile::new(path.as_path()).file_name(local::file_name(&path));
            Content::file(self.client.upload_file(up).await?)
        };
        let uuid = self.post_uuid("sendAttachment", &args.to, &args.path, 0);
        let m = self.client.send_message(&to, &content, Some(&uuid)).await?;
        Ok(sent(&m, Vec::new()))
    }

    /// `listMessages`: a chat's latest messages, newest first.
    pub async fn list_messages(&self, args: ListMessagesArgs) -> ToolResult<MessageList> {
        let chat = chat_id("chatId", &args.chat_id)?;
        let q = ListMessages::chat(&chat)
            .sort(SortType::ByCreateTimeDesc)
            .page_size(page_size(args.page_size));
        let page = self.client.list_messages_page(&q, None).await?;
        Ok(MessageList {
            ok: true,
            messages: page.items.iter().map(message_json).collect(),
        })
    }

    /// `pinMessage`.
    pub async fn pin_message(&self, args: MessageIdArgs) -> ToolResult<Done> {
        self.client
            .pin_message(&message_id("messageId", &args.message_id)?)
            .await?;
        Ok(Done { ok: true })
    }

    /// `unpinMessage`.
    pub async fn unpin_message(&self, args: MessageIdArgs) -> ToolResult<Done> {
        self.client
            .unpin_message(&message_id("messageId", &args.message_id)?)
            .await?;
        Ok(Done { ok: true })
    }

    /// `recallMessage`: deletes a message the bot sent.
    pub async fn recall_message(&self, args: MessageIdArgs) -> ToolResult<Done> {
        self.client
            .recall_message(&message_id("messageId", &args.message_id)?)
            .await?;
        Ok(Done { ok: true })
    }

    /// `updateMessage`: replaces the text of a message the bot sent (markdown as a post).
    pub async fn update_message(&self, args: UpdateMessageArgs) -> ToolResult<Done> {
        let id = message_id("messageId", &args.message_id)?;
        let parts = contents(&args.content).map_err(|_| ToolError::param("content", "is empty"))?;
        let content = match parts.as_slice() {
            [one @ (Content::Text(_) | Content::Post(_))] => one.clone(),
            _ => Content::Post(openclaw_format::outbound::markdown_post(&args.content)),
        };
        self.client.edit_message(&id, &content).await?;
        Ok(Done { ok: true })
    }
}

pub(crate) fn defs() -> Vec<ActionDef> {
    vec![
        ActionDef {
            name: "send",
            takes_to: true,
            description: "Send text to a chat or user (`<at user_id=\"ou_xxx\">name</at>` mentions; markdown becomes a rich post).",
            example: SEND_EXAMPLE,
            params: &[
                p!("to", Str, "`chat:oc_xxx`, `user:ou_xxx` or a bare id"),
                p!("text", Str, "the message; markdown is rendered"),
            ],
            required: &["to", "text"],
            run: handler!(send),
        },
        ActionDef {
            name: "reply",
            takes_to: true,
            description: "Reply to a message.",
            example: r#"{"action": "reply", "to": "chat:oc_xxx", "messageId": "om_xxx", "text": "收到"}"#,
            params: &[
                p!("to", Str, "`chat:oc_xxx` (optional)"),
                p!("messageId", Str, "the message answered, om_xxx"),
                p!("text", Str, "the reply; markdown is rendered"),
            ],
            required: &["messageId", "text"],
            run: handler!(reply),
        },
        ActionDef {
            name: "react",
            takes_to: true,
            description: "Add an emoji reaction to a message (emoji types are case-sensitive: THUMBSUP, Typing, DONE...); remove one with reactionId + remove: true.",
            example: r#"{"action": "react", "to": "chat:oc_xxx", "messageId": "om_xxx", "emoji": "THUMBSUP"}"#,
            params: &[
                p!("to", Str, "`chat:oc_xxx`"),
                p!("messageId", Str, "om_xxx"),
                p!(
                    "emoji",
                    Str,
                    "case-sensitive emoji type, e.g. THUMBSUP, DONE, Typing"
                ),
                p!("reactionId", Str, "the reaction to remove"),
                p!("remove", Bool, "true to remove the reaction reactionId"),
            ],
            required: &["messageId"],
            run: handler!(react),
        },
        ActionDef {
            name: "sendAttachment",
            takes_to: true,
            description: "Send a local file (from the workspace or download folders) as an image or file message; not inside a thread.",
            example: r#"{"action": "sendAttachment", "to": "chat:oc_xxx", "path": "/tmp/file.png"}"#,
            params: &[
                p!("to", Str, "`chat:oc_xxx` or `user:ou_xxx`"),
                p!("path", Str, "local file path"),
            ],
            required: &["to", "path"],
            run: handler!(send_attachment),
        },
        ActionDef {
            name: "listMessages",
            takes_to: false,
            description: "List a chat's latest messages (newest first).",
            example: r#"{"action": "listMessages", "chatId": "oc_xxx", "pageSize": 20}"#,
            params: &[
                p!("chatId", Str, "oc_xxx (without `chat:`)"),
                p!("pageSize", Int, "1-50, default 20"),
            ],
            required: &["chatId"],
            run: handler!(list_messages),
        },
        ActionDef {
            name: "pinMessage",
            takes_to: false,
            description: "Pin a message in its chat.",
            example: r#"{"action": "pinMessage", "messageId": "om_xxx"}"#,
            params: &[p!("messageId", Str, "om_xxx")],
            required: &["messageId"],
            run: handler!(pin_message),
        },
        ActionDef {
            name: "unpinMessage",
            takes_to: false,
            description: "Unpin a message.",
            example: r#"{"action": "unpinMessage", "messageId": "om_xxx"}"#,
            params: &[p!("messageId", Str, "om_xxx")],
            required: &["messageId"],
            run: handler!(unpin_message),
        },
        ActionDef {
            name: "recallMessage",
            takes_to: false,
            description: "Recall (delete) a message the bot sent.",
            example: r#"{"action": "recallMessage", "messageId": "om_xxx"}"#,
            params: &[p!("messageId", Str, "om_xxx")],
            required: &["messageId"],
            run: handler!(recall_message),
        },
        ActionDef {
            name: "updateMessage",
            takes_to: false,
            description: "Edit the text of a message the bot sent.",
            example: r#"{"action": "updateMessage", "messageId": "om_xxx", "content": "修改后的内容"}"#,
            params: &[
                p!("messageId", Str, "om_xxx"),
                p!("content", Str, "the new text (markdown is rendered)"),
            ],
            required: &["messageId", "content"],
            run: handler!(update_message),
        },
    ]
}
