//! `GET /bot/v3/info`: the bot's own identity (answered at the top level, not under `data`).

use serde::Deserialize;

use crate::error::Result;
use crate::http::{Client, Req};
use crate::model::OpenId;
use crate::routes::Route;

/// The bot behind the app's credentials.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct BotInfo {
    pub open_id: OpenId,
    #[serde(default)]
    pub app_name: String,
    #[serde(default)]
    pub avatar_url: String,
    #[serde(default)]
    pub activate_status: Option<i64>,
}

#[derive(Deserialize)]
struct Answer {
    bot: BotInfo,
}

impl Client {
    /// The bot's identity; also proves the credentials and the bot capability work.
    pub async fn bot_info(&self) -> Result<BotInfo> {
        let a: Answer = self.call_top(Req::route(Route::BotInfo)).await?;
        Ok(a.bot)
    }
}
