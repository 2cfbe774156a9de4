//! Pinned messages of a chat: pin, unpin, list (PROTOCOL §5.1).

use futures::Stream;
use serde::Deserialize;

use crate::api::page::{Page, paginate};
use crate::error::Result;
use crate::http::{Client, Req};
use crate::model::{ChatId, MessageId};
use crate::routes::Route;

/// A pinned message.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Default)]
#[serde(default)]
pub struct Pin {
    pub message_id: MessageId,
    pub chat_id: ChatId,
    pub operator_id: String,
    pub operator_id_type: String,
    /// Milliseconds since the epoch.
    #[serde(deserialize_with = "super::de::opt_i64")]
    pub create_time: Option<i64>,
}

#[derive(Deserialize)]
struct PinAnswer {
    #[serde(default)]
    pin: Option<Pin>,
}

impl Client {
    /// Pins a message in its chat.
    pub async fn pin_message(&self, message_id: &MessageId) -> Result<Pin> {
        let body = serde_json::json!({ "message_id": message_id });
        let a: PinAnswer = self.call(Req::route(Route::PinCreate).json(&body)).await?;
        Ok(a.pin.unwrap_or_else(|| Pin {
            message_id: message_id.clone(),
            ..Pin::default()
        }))
    }

    pub async fn unpin_message(&self, message_id: &MessageId) -> Result<()> {
        let req = Req::route(Route::PinDelete {
            message_id: message_id.0.clone(),
        });
        let _: serde::de::IgnoredAny = self.call(req).await?;
        Ok(())
    }

    /// One page of a chat's pins, optionally in a window of milliseconds since the epoch.
    pub async fn list_pins_page(
        &self,
        chat_id: &ChatId,
        window_ms: (Option<i64>, Option<i64>),
        page_token: Option<&str>,
    ) -> Result<Page<Pin>> {
        let req = Req::route(Route::PinList)
            .query("chat_id", chat_id)
            .query_opt("start_time", window_ms.0)
            .query_opt("end_time", window_ms.1)
            .query("page_size", 50)
            .query_opt("page_token", page_token.filter(|t| !t.is_empty()));
        self.call(req).await
    }

    /// Every pin of a chat.
    pub fn list_pins(&self, chat_id: &ChatId) -> impl Stream<Item = Result<Pin>> + Send {
        let (client, chat) = (self.clone(), chat_id.clone());
        paginate(move |token| {
            let (client, chat) = (client.clone(), chat.clone());
            async move {
                client
                    .list_pins_page(&chat, (None, None), token.as_deref())
                    .await
            }
        })
    }
}
