//! Chat information and members (PROTOCOL §5.1). Member listings exclude bots.

use futures::Stream;
use serde::Deserialize;

use crate::api::page::{Page, paginate};
use crate::error::Result;
use crate::http::{Client, Req};
use crate::model::ChatId;
use crate::routes::Route;

/// A chat's information. Counts arrive as strings and are parsed leniently.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Default)]
#[serde(default)]
pub struct ChatInfo {
    pub name: String,
    pub description: String,
    pub avatar: String,
    pub owner_id: String,
    pub owner_id_type: String,
    /// `group`, `topic` or `p2p`.
    pub chat_mode: String,
    /// `private` or `public`.
    pub chat_type: String,
    pub chat_tag: String,
    pub external: bool,
    pub tenant_key: String,
    #[serde(deserialize_with = "super::de::opt_i64")]
    pub user_count: Option<i64>,
    #[serde(deserialize_with = "super::de::opt_i64")]
    pub bot_count: Option<i64>,
}

impl ChatInfo {
    /// A topic (forum-style) chat, where every post starts a thread.
    pub fn is_topic(&self) -> bool {
        self.chat_mode == "topic" || self.chat_mode == "thread"
    }
}

/// A member of a chat.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Default)]
#[serde(default)]
pub struct ChatMember {
    pub member_id_type: String,
    pub member_id: String,
    pub name: String,
    pub tenant_key: String,
}

/// One page of members, with the chat's member count.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Default)]
#[serde(default)]
pub struct MembersPage {
    #[serde(deserialize_with = "super::de::null_as_default")]
    pub items: Vec<ChatMember>,
    pub has_more: bool,
    pub page_token: Option<String>,
    #[serde(deserialize_with = "super::de::opt_i64")]
    pub member_total: Option<i64>,
}

impl Client {
    /// A chat's name, mode, owner and counts (user ids as open ids).
    pub async fn get_chat(&self, chat_id: &ChatId) -> Result<ChatInfo> {
        let req = Req::route(Route::ChatGet {
            chat_id: chat_id.0.clone(),
        })
        .query("user_id_type", "open_id");
        self.call(req).await
    }

    /// One page of a chat's members (by open id).
    pub async fn chat_members_page(
        &self,
        chat_id: &ChatId,
        page_size: Option<u32>,
        page_token: Option<&str>,
    ) -> Result<MembersPage> {
        let req = Req::route(Route::ChatMembers {
            chat_id: chat_id.0.clone(),
        })
        .query("member_id_type", "open_id")
        .query_opt("page_size", page_size)
        .query_opt("page_token", page_token.filter(|t| !t.is_empty()));
        self.call(req).await
    }

    /// Every member of a chat.
    pub fn chat_members(&self, chat_id: &ChatId) -> impl Stream<Item = Result<ChatMember>> + Send {
        let (client, chat) = (self.clone(), chat_id.clone());
        paginate(move |token| {
            let (client, chat) = (client.clone(), chat.clone());
            async move {
                let p = client
                    .chat_members_page(&chat, None, token.as_deref())
                    .await?;
                Ok(Page {
                    items: p.items,
                    has_more: p.has_more,
                    page_token: p.page_token,
                })
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_parsed_from_strings() {
        let c: ChatInfo = serde_json::from_str(
            r#"{"name":"n","chat_mode":"topic","user_count":"12","bot_count":"1","external":false}"#,
        )
        .unwrap();
        assert_eq!((c.user_count, c.bot_count), (Some(12), Some(1)));
        assert!(c.is_topic());
        let c: ChatInfo = serde_json::from_str(r#"{"user_count":"many"}"#).unwrap();
        assert_eq!(c.user_count, None);
    }
}
