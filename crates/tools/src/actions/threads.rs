//! Threads and topic posts: `replyInThread`, `listThreadMessages`, `createTopicPost`.

use lark::api::messages::{ListMessages, ReplyOptions};
use lark::model::content::Content;
use lark::model::{ReceiveId, ThreadId};
use serde::Deserialize;

use super::messages::{MessageList, Sent, message_json};
use super::{chat_id, message_id, non_empty, page_size};
use crate::error::{ToolError, ToolResult};
use crate::registry::ActionDef;
use crate::tools::Tools;
use crate::{handler, p};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplyInThreadArgs {
    pub message_id: String,
    #[serde(alias = "text")]
    pub content: String,
    /// `text` (default) or `post` (the content is markdown).
    #[serde(default)]
    pub msg_type: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListThreadMessagesArgs {
    pub thread_id: String,
    #[serde(default)]
    pub page_size: Option<u32>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateTopicPostArgs {
    pub chat_id: String,
    #[serde(alias = "text")]
    pub content: String,
    /// `post` (default: the content is markdown) or `text`.
    #[serde(default)]
    pub msg_type: Option<String>,
}

/// `content` as the message type asked for.
fn content_of(param_type: &str, msg_type: &str, content: &str) -> ToolResult<Content> {
    non_empty("content", content)?;
    match msg_type {
        "text" => Ok(Content::text(content)),
        "post" | "markdown" | "md" => Ok(Content::Post(openclaw_format::outbound::markdown_post(
            content,
        ))),
        other => Err(ToolError::param(
            param_type,
            format!("{other:?} is not supported; use \"text\" or \"post\""),
        )),
    }
}

impl Tools {
    /// `replyInThread`: replies under a message as a thread (joins the thread it is in).
    pub async fn reply_in_thread(&self, args: ReplyInThreadArgs) -> ToolResult<Sent> {
        let id = message_id("messageId", &args.message_id)?;
        let content = content_of(
            "msgType",
            args.msg_type.as_deref().unwrap_or("text"),
            &args.content,
        )?;
        let opts = ReplyOptions {
            reply_in_thread: true,
            uuid: Some(self.post_uuid(
                "replyInThread",
                id.as_str(),
                &format!(
                    "{}\n{}",
                    args.msg_type.as_deref().unwrap_or("text"),
                    args.content
                ),
                0,
            )),
        };
        let m = self.client.reply_message(&id, &content, &opts).await?;
        Ok(Sent {
            ok: true,
            message_id: m.message_id.as_str().to_owned(),
            chat_id: m.chat_id.as_ref().map(|c| c.as_str().to_owned()),
            thread_id: m.thread_id.as_ref().map(|t| t.as_str().to_owned()),
            message_ids: Vec::new(),
        })
    }

    /// `listThreadMessages`: the messages of a thread, oldest first.
    pub async fn list_thread_messages(
        &self,
        args: ListThreadMessagesArgs,
    ) -> ToolResult<MessageList> {
        let t = non_empty("threadId", &args.thread_id)?;
        if !t.starts_with("omt_") {
            return Err(ToolError::param(
                "threadId",
                format!(
                    "{t:?} is not a thread id; thread ids look like `omt_xxx` (from replyInThread or listMessages)"
                ),
            ));
        }
        let q = ListMessages::thread(&ThreadId::new(t)).page_size(page_size(args.page_size));
        let page = self.client.list_messages_page(&q, None).await?;
        Ok(MessageList {
            ok: true,
            messages: page.items.iter().map(message_json).collect(),
        })
    }

    /// `createTopicPost`: a new topic in a topic chat (markdown as a post by default).
    pub async fn create_topic_post(&self, args: CreateTopicPostArgs) -> ToolResult<Sent> {
        let chat = chat_id("chatId", &args.chat_id)?;
        let info = self.client.get_chat(&chat).await?;
        if !info.is_topic() {
            return Err(ToolError::Refused(format!(
                "chat {} is not a topic chat (its chat_mode is {:?}); createTopicPost only works \
                 in topic chats (chat_mode \"thread\"/\"topic\"). In a normal group use \
                 {{\"action\": \"send\", \"to\": \"chat:{}\", \"text\": ...}}",
                chat.as_str(),
                info.chat_mode,
                chat.as_str()
            )));
        }
        let content = content_of(
            "msgType",
            args.msg_type.as_deref().unwrap_or("post"),
            &args.content,
        )?;
        let uuid = self.post_uuid(
            "createTopicPost",
            chat.as_str(),
            &format!(
                "{}\n{}",
                args.msg_type.as_deref().unwrap_or("post"),
                args.content
            ),
            0,
        );
        let m = self
            .client
            .send_message(&ReceiveId::from(&chat), &content, Some(&uuid))
            .await?;
        Ok(Sent {
            ok: true,
            message_id: m.message_id.as_str().to_owned(),
            chat_id: Some(chat.as_str().to_owned()),
            thread_id: m.thread_id.as_ref().map(|t| t.as_str().to_owned()),
            message_ids: Vec::new(),
        })
    }
}

pub(crate) fn defs() -> Vec<ActionDef> {
    vec![
        ActionDef {
            name: "replyInThread",
            takes_to: false,
            description: "Reply to a message as a thread (creates the thread or joins it); returns {ok, messageId, threadId}. No attachments in threads.",
            example: r#"{"action": "replyInThread", "messageId": "om_xxx", "content": "这是话题回复内容"}"#,
            params: &[
                p!("messageId", Str, "om_xxx"),
                p!("content", Str, "the reply"),
                p!("msgType", Str, "text (default) or post (markdown)"),
            ],
            required: &["messageId", "content"],
            run: handler!(reply_in_thread),
        },
        ActionDef {
            name: "listThreadMessages",
            takes_to: false,
            description: "List the messages of a thread.",
            example: r#"{"action": "listThreadMessages", "threadId": "omt_xxx", "pageSize": 20}"#,
            params: &[
                p!("threadId", Str, "omt_xxx"),
                p!("pageSize", Int, "1-50, default 20"),
            ],
            required: &["threadId"],
            run: handler!(list_thread_messages),
        },
        ActionDef {
            name: "createTopicPost",
            takes_to: false,
            description: "Start a new topic in a topic chat (chat_mode thread); content is markdown (a post) unless msgType is text. Returns {ok, messageId, threadId}.",
            example: r##"{"action": "createTopicPost", "chatId": "oc_xxx", "content": "# 标题\n帖子正文内容"}"##,
            params: &[
                p!("chatId", Str, "oc_xxx of a topic chat"),
                p!("content", Str, "markdown (or plain text with msgType text)"),
                p!("msgType", Str, "post (default) or text"),
            ],
            required: &["chatId", "content"],
            run: handler!(create_topic_post),
        },
    ]
}
