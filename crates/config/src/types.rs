//! The typed configuration the gateway runs on, after defaults, inheritance, environment and
//! credential files have been applied. Secrets are `lark::Secret`, so `Debug` of any of these
//! prints `<redacted>` in their place.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use lark::{Domain, Secret};

use crate::error::ConfigError;

/// The whole configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub lark: LarkConfig,
    pub agent: AgentConfig,
    pub gateway: GatewayConfig,
    pub store: StoreConfig,
}

/// `channels.lark`: one entry per bot account.
#[derive(Debug, Clone)]
pub struct LarkConfig {
    /// The `default` account first (when it exists), then named accounts in file order.
    pub accounts: Vec<Account>,
}

impl LarkConfig {
    /// The account with this id.
    pub fn account(&self, id: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.id == id)
    }
}

/// One Lark / Feishu bot: its credentials and how it behaves in chats.
#[derive(Debug, Clone)]
pub struct Account {
    /// `default` for the top-level account, else the name under `accounts`.
    pub id: String,
    pub enabled: bool,
    pub app_id: Option<String>,
    pub app_secret: Option<Secret>,
    /// A display name for status output.
    pub name: Option<String>,
    pub domain: Domain,
    pub mode: Mode,
    pub encrypt_key: Option<Secret>,
    pub verification_token: Option<Secret>,
    pub webhook_path: String,
    pub dm_policy: DmPolicy,
    pub group_policy: GroupPolicy,
    pub allow_from: Vec<String>,
    pub group_allow_from: Vec<String>,
    /// Whether group messages must @mention the bot (a group's own setting wins).
    pub require_mention: bool,
    /// Per-chat settings, by chat id (`oc_...`).
    pub groups: BTreeMap<String, GroupConfig>,
    pub typing_indicator: bool,
    /// Whether replies stream into a card as the model writes (`streaming`; a group's own
    /// setting wins; unset: `agent.streaming`, else on in DMs for LLM agents).
    pub streaming: Option<bool>,
    /// How long a sender's name from the contact API is trusted (`senderNameTtlSeconds`, 1 h).
    pub sender_name_ttl: Duration,
    /// Long connections per websocket account (`connections`, default 2, at most 50).
    pub connections: u32,
    /// A ping unanswered this long marks a socket dead (`pongTimeoutSeconds`, default 10; 0 off).
    pub pong_timeout: Option<Duration>,
    /// Ping at least this often (`pingIntervalSeconds`, default 15; 0 follows the platform).
    pub ping_interval: Option<Duration>,
    pub render_mode: RenderMode,
    /// Events older than this are dropped (redeliveries after an outage).
    pub max_event_age: Duration,
    /// After a dropped long connection or a restart, read a chat's recent history before a
    /// turn, so a message the platform pushed into the lost socket is answered first, in its
    /// place, without waiting for the redelivery (`catchUp`, default on).
    pub catch_up: bool,
    pub media_max_bytes: u64,
    pub dm_download_dir: Option<PathBuf>,
    pub group_download_dir: Option<PathBuf>,
    /// Calls per second the client allows itself for the whole app (`rateLimits.appPerSecond`,
    /// default 50, the platform's documented per-app limit for sending).
    pub app_rate_limit: u32,
    /// Sends per second to one chat (`rateLimits.chatPerSecond`, default 5, the platform's limit).
    pub chat_rate_limit: u32,
}

impl Account {
    /// The app ID and secret, or an error saying which key to set.
    pub fn credentials(&self) -> Result<(String, Secret), ConfigError> {
        let app_id = self
            .app_id
            .clone()
            .ok_or_else(|| ConfigError::MissingAppId {
                account: self.id.clone(),
            })?;
        let secret = self
            .app_secret
            .clone()
            .ok_or_else(|| ConfigError::MissingAppSecret {
                account: self.id.clone(),
            })?;
        Ok((app_id, secret))
    }

    /// The settings of one group chat, if it has any.
    pub fn group(&self, chat_id: &str) -> Option<&GroupConfig> {
        self.groups.get(chat_id)
    }
}

/// `groups.<chat_id>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupConfig {
    /// `None`: the account's `require_mention` applies.
    pub require_mention: Option<bool>,
    pub system_prompt: Option<String>,
    pub enabled: bool,
    pub allow_from: Vec<String>,
    /// Streams replies in this chat into a card (`None`: the account's setting).
    pub streaming: Option<bool>,
}

/// `agent`.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentConfig {
    pub provider: Provider,
    /// argv of the program for provider `command`.
    pub command: Vec<String>,
    pub timeout: Duration,
    pub model: Option<String>,
    pub base_url: Option<String>,
    pub max_tokens: Option<u32>,
    pub system_prompt: Option<String>,
    pub max_tool_rounds: Option<u32>,
    pub streaming: Option<bool>,
    /// `mcpServers`, `skills`, `workspace` (see [`crate::McpServer`]).
    pub mcp_servers: Vec<crate::McpServer>,
    pub skills: crate::SkillsConfig,
    pub workspace: Option<PathBuf>,
}

/// `gateway`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayConfig {
    pub port: u16,
    pub bind: String,
}

/// `store`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StoreConfig {
    pub url: Option<String>,
}

/// Declares a config enum with its spellings, `as_str` and a parser over those spellings.
macro_rules! spelled_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal),+ $(,)? } default $default:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
        }

        impl $name {
            /// The spelling used in the config file.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            pub(crate) fn from_spelling(s: &str) -> Option<$name> {
                match s {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl Default for $name {
            fn default() -> Self {
                $name::$default
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

// The default of each is the value an absent key means.
spelled_enum!(
    /// How events arrive: the long connection, or HTTP callbacks.
    Mode { Websocket = "websocket", Webhook = "webhook" } default Websocket
);
spelled_enum!(
    /// Who may talk to the bot in direct messages.
    DmPolicy {
        /// Unknown senders get a pairing code to approve.
        Pairing = "pairing",
        Open = "open",
        Allowlist = "allowlist",
        Disabled = "disabled",
    } default Pairing
);
spelled_enum!(
    /// Which group chats the bot answers in.
    GroupPolicy { Allowlist = "allowlist", Open = "open", Disabled = "disabled" } default Allowlist
);
spelled_enum!(
    /// How replies are rendered: plain text, rich post, interactive card, or chosen per reply.
    RenderMode { Auto = "auto", Text = "text", Post = "post", Card = "card" } default Auto
);
spelled_enum!(
    /// Which agent answers.
    Provider { Echo = "echo", Command = "command", Anthropic = "anthropic", OpenAi = "openai" } default Anthropic
);
