//! IM messages: send, reply, edit, patch a card, recall, get, list (PROTOCOL §5.1).
//!
//! Sends and replies count against the per-chat limiter (5 per second per chat). A send with a
//! `uuid` is idempotent for an hour on the platform, so it is retried freely; without one it is
//! not retried after an answer was lost, because that could post the message twice.

use futures::Stream;
use serde::{Deserialize, Serialize};

use crate::api::page::{Page, paginate};
use crate::error::{Error, Result};
use crate::http::{Client, Req};
use crate::model::content::{Card, Content};
use crate::model::{ChatId, MessageId, ReceiveId, ThreadId};
use crate::routes::Route;

pub use crate::api::message_types::{Mention, Message, MessageBody, MsgType, Sender};

#[derive(Serialize)]
struct SendBody<'a> {
    receive_id: &'a str,
    msg_type: &'a str,
    content: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uuid: Option<&'a str>,
}

#[derive(Serialize)]
struct ReplyBody<'a> {
    msg_type: &'a str,
    content: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    reply_in_thread: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    uuid: Option<&'a str>,
}

/// Options of a reply.
#[derive(Debug, Clone, Default)]
pub struct ReplyOptions {
    /// Reply as a thread (in a topic chat the reply joins the topic anyway).
    pub reply_in_thread: bool,
    /// Idempotency key: the same uuid within an hour posts one message.
    pub uuid: Option<String>,
}

/// Order of a listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortType {
    #[default]
    ByCreateTimeAsc,
    ByCreateTimeDesc,
}

impl SortType {
    fn as_str(self) -> &'static str {
        match self {
            SortType::ByCreateTimeAsc => "ByCreateTimeAsc",
            SortType::ByCreateTimeDesc => "ByCreateTimeDesc",
        }
    }
}

/// Which messages to list: those of a chat or of a thread, optionally in a time window.
#[derive(Debug, Clone)]
pub struct ListMessages {
    container_id_type: &'static str,
    container_id: String,
    /// Seconds since the epoch (not milliseconds).
    pub start_time: Option<i64>,
    pub end_time: Option<i64>,
    pub sort: Option<SortType>,
    pub page_size: Option<u32>,
}

impl ListMessages {
    pub fn chat(chat_id: &ChatId) -> ListMessages {
        ListMessages::new("chat", chat_id.as_str())
    }

    pub fn thread(thread_id: &ThreadId) -> ListMessages {
        ListMessages::new("thread", thread_id.as_str())
    }

    fn new(kind: &'static str, id: &str) -> ListMessages {
        ListMessages {
            container_id_type: kind,
            container_id: id.to_owned(),
            start_time: None,
            end_time: None,
            sort: None,
            page_size: None,
        }
    }

    /// Only messages created at or after `secs` (seconds since the epoch).
    pub fn start_time(mut self, secs: i64) -> Self {
        self.start_time = Some(secs);
        self
    }

    pub fn end_time(mut self, secs: i64) -> Self {
        self.end_time = Some(secs);
        self
    }

    pub fn sort(mut self, sort: SortType) -> Self {
        self.sort = Some(sort);
        self
    }

    /// Items per page (the platform allows up to 50).
    pub fn page_size(mut self, n: u32) -> Self {
        self.page_size = Some(n);
        self
    }
}

#[derive(Deserialize)]
struct Items {
    #[serde(default, deserialize_with = "crate::api::de::null_as_default")]
    items: Vec<Message>,
}

impl Client {
    /// Sends `content` to `to` (a chat, or a user by open/union/user id or e-mail).
    ///
    /// `uuid` makes the send idempotent: a second send with the same uuid within an hour returns
    /// the first message instead of posting again.
    pub async fn send_message(
        &self,
        to: &ReceiveId,
        content: &Content,
        uuid: Option<&str>,
    ) -> Result<Message> {
        content.check_size()?;
        if to.id.is_empty() {
            return Err(Error::InvalidArgument("the receive id is empty".into()));
        }
        let body = SendBody {
            receive_id: &to.id,
            msg_type: content.msg_type(),
            content: content.to_json_string(),
            uuid,
        };
        let mut req = Req::route(Route::MessageCreate)
            .query("receive_id_type", to.kind.as_str())
            .json(&body)
            .chat(to.id.clone());
        if uuid.is_none() {
            req = req.not_retry_safe();
        }
        self.call(req).await
    }

    /// Replies to `message_id`.
    pub async fn reply_message(
        &self,
        message_id: &MessageId,
        content: &Content,
        opts: &ReplyOptions,
    ) -> Result<Message> {
        content.check_size()?;
        let body = ReplyBody {
            msg_type: content.msg_type(),
            content: content.to_json_string(),
            reply_in_thread: opts.reply_in_thread,
            uuid: opts.uuid.as_deref(),
        };
        let mut req = Req::route(Route::MessageReply {
            message_id: message_id.0.clone(),
        })
        .json(&body)
        .chat(message_id.0.clone());
        if opts.uuid.is_none() {
            req = req.not_retry_safe();
        }
        self.call(req).await
    }

    /// Replaces the content of a text or post message the bot sent.
    pub async fn edit_message(&self, message_id: &MessageId, content: &Content) -> Result<Message> {
        if !matches!(content, Content::Text(_) | Content::Post(_)) {
            return Err(Error::InvalidArgument(format!(
                "only text and post messages can be edited, not {}; update a card with patch_card",
                content.msg_type()
            )));
        }
        content.check_size()?;
        let body = serde_json::json!({
            "msg_type": content.msg_type(),
            "content": content.to_json_string(),
        });
        // Setting the same content twice is harmless, so this is retried.
        let req = Req::route(Route::MessageUpdate {
            message_id: message_id.0.clone(),
        })
        .json(&body)
        .chat(message_id.0.clone());
        self.call(req).await
    }

    /// Replaces the card of an interactive message (the card needs `config.update_multi`).
    pub async fn patch_card(&self, message_id: &MessageId, card: &Card) -> Result<()> {
        let content = Content::Interactive(card.clone());
        content.check_size()?;
        let body = serde_json::json!({ "content": content.to_json_string() });
        let req = Req::route(Route::MessagePatch {
            message_id: message_id.0.clone(),
        })
        .json(&body)
        .chat(message_id.0.clone());
        let _: serde::de::IgnoredAny = self.call(req).await?;
        Ok(())
    }

    /// Recalls (deletes) a message.
    pub async fn recall_message(&self, message_id: &MessageId) -> Result<()> {
        let req = Req::route(Route::MessageDelete {
            message_id: message_id.0.clone(),
        });
        let _: serde::de::IgnoredAny = self.call(req).await?;
        Ok(())
    }

    /// A message; for a merge-forward, the parent followed by the forwarded messages.
    pub async fn get_message(&self, message_id: &MessageId) -> Result<Vec<Message>> {
        let req = Req::route(Route::MessageGet {
            message_id: message_id.0.clone(),
        });
        let items: Items = self.call(req).await?;
        Ok(items.items)
    }

    /// One page of messages; pass the previous page's token to get the next.
    pub async fn list_messages_page(
        &self,
        query: &ListMessages,
        page_token: Option<&str>,
    ) -> Result<Page<Message>> {
        let req = Req::route(Route::MessageList)
            .query("container_id_type", query.container_id_type)
            .query("container_id", &query.container_id)
            .query_opt("start_time", query.start_time)
            .query_opt("end_time", query.end_time)
            .query_opt("sort_type", query.sort.map(SortType::as_str))
            .query_opt("page_size", query.page_size)
            .query_opt("page_token", page_token.filter(|t| !t.is_empty()));
        self.call(req).await
    }

    /// Every message matching `query`, page after page.
    pub fn list_messages(&self, query: ListMessages) -> impl Stream<Item = Result<Message>> + Send {
        let client = self.clone();
        paginate(move |token| {
            let (client, query) = (client.clone(), query.clone());
            async move { client.list_messages_page(&query, token.as_deref()).await }
        })
    }
}
