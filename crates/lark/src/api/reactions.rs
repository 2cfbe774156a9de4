//! Emoji reactions on messages: add, remove, list (PROTOCOL §5.1).
//!
//! Emoji types are case-sensitive (`THUMBSUP`, `SMILE`, `Typing`); an unknown one is 231001.

use futures::Stream;
use serde::Deserialize;

use crate::api::page::{Page, paginate};
use crate::error::Result;
use crate::http::{Client, Req};
use crate::model::MessageId;
use crate::routes::Route;

/// A reaction on a message.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Default)]
#[serde(default)]
pub struct Reaction {
    pub reaction_id: String,
    pub operator: Operator,
    /// Milliseconds since the epoch.
    #[serde(deserialize_with = "super::de::opt_i64")]
    pub action_time: Option<i64>,
    pub reaction_type: Emoji,
}

/// Who reacted: an open id (`operator_type` `user`) or an app id (`app`).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Default)]
#[serde(default)]
pub struct Operator {
    pub operator_id: String,
    pub operator_type: String,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Default)]
#[serde(default)]
pub struct Emoji {
    pub emoji_type: String,
}

impl Client {
    /// Adds the bot's `emoji_type` reaction to a message.
    pub async fn add_reaction(&self, message_id: &MessageId, emoji_type: &str) -> Result<Reaction> {
        let body = serde_json::json!({ "reaction_type": { "emoji_type": emoji_type } });
        // A repeated add answers with the existing reaction, so retries are harmless.
        let req = Req::route(Route::ReactionCreate {
            message_id: message_id.0.clone(),
        })
        .json(&body);
        self.call(req).await
    }

    /// Removes one of the bot's own reactions.
    pub async fn delete_reaction(
        &self,
        message_id: &MessageId,
        reaction_id: &str,
    ) -> Result<Reaction> {
        let req = Req::route(Route::ReactionDelete {
            message_id: message_id.0.clone(),
            reaction_id: reaction_id.to_owned(),
        });
        self.call(req).await
    }

    /// One page of a message's reactions, optionally of one emoji type.
    pub async fn list_reactions_page(
        &self,
        message_id: &MessageId,
        emoji_type: Option<&str>,
        page_token: Option<&str>,
    ) -> Result<Page<Reaction>> {
        let req = Req::route(Route::ReactionList {
            message_id: message_id.0.clone(),
        })
        .query_opt("reaction_type", emoji_type)
        .query("page_size", 50)
        .query_opt("page_token", page_token.filter(|t| !t.is_empty()));
        self.call(req).await
    }

    /// Every reaction on a message.
    pub fn list_reactions(
        &self,
        message_id: &MessageId,
        emoji_type: Option<&str>,
    ) -> impl Stream<Item = Result<Reaction>> + Send {
        let (client, id) = (self.clone(), message_id.clone());
        let emoji = emoji_type.map(str::to_owned);
        paginate(move |token| {
            let (client, id, emoji) = (client.clone(), id.clone(), emoji.clone());
            async move {
                client
                    .list_reactions_page(&id, emoji.as_deref(), token.as_deref())
                    .await
            }
        })
    }
}
