//! Checking an account against the platform: credentials, the bot's identity, and what to do
//! when they fail, in the words of the channel document's troubleshooting section. Used by
//! `openclaw channels status --probe` and by `gateway run --verbose` at start.

use serde::Serialize;

use openclaw_config::Account;

/// The result of probing one account.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Probe {
    pub ok: bool,
    pub bot_name: Option<String>,
    pub bot_open_id: Option<String>,
    /// What failed, and what to do about it.
    pub error: Option<String>,
    /// Whether the app may read users (sender names); `None` when not checked.
    pub contact_scope: Option<bool>,
}

/// The troubleshooting advice for an error, as a line to append (empty when there is none).
pub fn explain(e: &lark::Error) -> String {
    let advice = match e {
        lark::Error::Network(_) => {
            "cannot reach the Lark/Feishu API: check network connectivity and channels.lark.domain \
             (\"feishu\" for open.feishu.cn, \"lark\" for open.larksuite.com, or your base URL), \
             and that your IP is not blocked by Lark"
        }
        lark::Error::Api(a) => match a.code {
            99991663 | 10014 | 99991543 | 10003 => {
                "Invalid App ID or App Secret: check the credentials in the Lark Open Platform \
                 (Credentials & Basic Info) and channels.lark.appId / appSecret"
            }
            99991668 => {
                "Bot capability not enabled: go to the app settings, add the Bot feature and publish a version"
            }
            _ => return String::new(),
        },
        lark::Error::Decode { .. } => {
            "the domain answered, but not as the Lark API: check channels.lark.domain"
        }
        _ => return String::new(),
    };
    format!("\n  fix: {advice}")
}

/// Probes an account: gets a token and the bot's identity.
pub async fn probe(account: &Account) -> Probe {
    let failed = |error: String| Probe {
        ok: false,
        bot_name: None,
        bot_open_id: None,
        error: Some(error),
        contact_scope: None,
    };
    let client = match crate::account::client_for(account) {
        Ok(c) => c,
        Err(e) => return failed(e),
    };
    match client.bot_info().await {
        Ok(bot) => Probe {
            ok: true,
            contact_scope: Some(contact_scope(&client).await),
            bot_name: Some(bot.app_name),
            bot_open_id: Some(bot.open_id.to_string()),
            error: None,
        },
        Err(e) => failed(format!("{e}{}", explain(&e))),
    }
}

/// Whether the contact API answers: a look-up of a user nobody has is "not found" when the app
/// holds the scope, and 99991672 / 99991676 when it does not.
async fn contact_scope(client: &lark::Client) -> bool {
    match client
        .get_user(
            "ou_openclaw_scope_probe",
            lark::api::contact::UserIdType::OpenId,
        )
        .await
    {
        Err(e) => !matches!(e.code(), Some(99991672 | 99991676)),
        Ok(_) => true,
    }
}
