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
    /// `session`.
    pub session: SessionConfig,
    /// `messages`.
    pub messages: MessagesConfig,
    /// `cron` (scheduled jobs).
    pub cron: CronConfig,
    /// Keys in the file this gateway accepts and does not use (OpenClaw's other sections, other
    /// channels, plugin keys without an equivalent), as dotted paths in file order.
    pub ignored: Vec<String>,
    /// What loaded but deserves a word: `${VAR}` references to unset variables, left as written.
    pub warnings: Vec<String>,
}

/// `channels.lark`: one entry per bot account.
#[derive(Debug, Clone)]
pub struct LarkConfig {
    /// The `default` account first (when it exists), then named accounts in file order.
    pub accounts: Vec<Account>,
    /// Where the channel is in the file: `channels.lark` or `channels.feishu` (OpenClaw's).
    pub key: &'static str,
    /// `defaultAccount`: the account commands use when none is named.
    pub default_account: Option<String>,
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
    /// `channels.lark` or `channels.feishu`, for messages naming keys.
    pub channel: &'static str,
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
    /// `webhookHost` / `webhookPort`: when the port is set, this account's webhook is served on
    /// a listener of its own (host default 127.0.0.1) instead of the gateway port.
    pub webhook_host: Option<String>,
    pub webhook_port: Option<u16>,
    pub dm_policy: DmPolicy,
    pub group_policy: GroupPolicy,
    pub allow_from: Vec<String>,
    pub group_allow_from: Vec<String>,
    /// Whether group messages must @mention the bot (a group's own setting wins).
    pub require_mention: bool,
    /// Per-chat settings, by chat id (`oc_...`).
    pub groups: BTreeMap<String, GroupConfig>,
    pub typing_indicator: bool,
    /// How long a turn's answer may take before the typing reaction goes on
    /// (`typingDelayMs`, default 300; 0 shows it at once). A faster answer shows none.
    pub typing_delay: Duration,
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
    /// `queue.mode` and `queue.debounceMs`: this account's own queue mode and quiet window
    /// (a group's own wins; unset: `messages.queue`).
    pub queue: QueueOverride,
    pub media_max_bytes: u64,
    pub dm_download_dir: Option<PathBuf>,
    pub group_download_dir: Option<PathBuf>,
    /// Calls per second the client allows itself for the whole app (`rateLimits.appPerSecond`,
    /// default 50, the platform's documented per-app limit for sending).
    pub app_rate_limit: u32,
    /// Sends per second to one chat (`rateLimits.chatPerSecond`, default 5, the platform's limit).
    pub chat_rate_limit: u32,
    /// OpenClaw's keys beyond the channel document's (see [`AccountExtras`] for which act).
    pub openclaw: AccountExtras,
}

/// The account keys of OpenClaw's Feishu plugin beyond the channel document's (same names).
/// The gateway acts on each; the conversation keys (history, session scope, threads, other
/// bots, reactions) are described in the README's "Group conversations".
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AccountExtras {
    /// `groupSenderAllowFrom`: senders admitted in every group (a group's `allowFrom` wins).
    pub group_sender_allow_from: Vec<String>,
    /// `dms.<open_id>`.
    pub dms: BTreeMap<String, DmConfig>,
    /// `textChunkLimit` (OpenClaw: 4000); `None`: the platform's limits decide the split.
    pub text_chunk_limit: Option<u32>,
    /// `httpTimeoutMs`: a timeout for each platform call.
    pub http_timeout: Option<Duration>,
    /// `resolveSenderNames` (default true): look senders' names up in the contact API.
    pub resolve_sender_names: bool,
    /// `responsePrefix`, most specific first: the account, the channel, `messages.responsePrefix`;
    /// `Some("")` turns it off.
    pub response_prefix: Option<String>,
    /// `streaming.chunkMode`.
    pub chunk_mode: ChunkMode,
    /// `streaming.block.enabled` (default false).
    pub block_streaming: bool,
    /// `tools.{doc, chat, wiki, drive, perm, bitable, scopes}` (and the message tool's own
    /// `comment`, `sheet`, `calendar`, `task`): action groups turned on or off; absent: on.
    pub tools: BTreeMap<String, bool>,
    /// `tools.allow` / `tools.deny`: the tools (names or globs) the account's DMs, and its
    /// groups without lists of their own, may use.
    pub tools_allow: Vec<String>,
    pub tools_deny: Vec<String>,
    /// `actions.reactions`: whether the `react` action is offered (`None`: default).
    pub reactions: Option<bool>,
    pub allow_bots: AllowBots,
    /// `botTurnsPerMinute` (default 5): the most turns other bots' messages start in one chat
    /// in a minute.
    pub bot_turns_per_minute: u32,
    /// `respondToMentionAll` (default false): whether `@all` addresses the bot.
    pub respond_to_mention_all: bool,
    pub reaction_notifications: ReactionNotifications,
    /// `historyLimit`: the most unaddressed group messages a turn gets as context (`None`: the
    /// gateway's default).
    pub history_limit: Option<u32>,
    /// `dmHistoryLimit`: the most earlier DM messages a turn gets as context.
    pub dm_history_limit: Option<u32>,
    pub group_session_scope: SessionScope,
    pub reply_to_mode: Option<ReplyToMode>,
    /// `replyInThread: "enabled"`.
    pub reply_in_thread: bool,
}

/// `dms.<open_id>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DmConfig {
    pub enabled: bool,
    pub system_prompt: Option<String>,
}

impl Account {
    /// The app ID and secret, or an error saying which key to set.
    pub fn credentials(&self) -> Result<(String, Secret), ConfigError> {
        let app_id = self
            .app_id
            .clone()
            .ok_or_else(|| ConfigError::MissingAppId {
                account: self.id.clone(),
                channel: self.channel,
            })?;
        let secret = self
            .app_secret
            .clone()
            .ok_or_else(|| ConfigError::MissingAppSecret {
                account: self.id.clone(),
                channel: self.channel,
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
    /// `tools.allow` / `tools.deny`: tool names (or globs) this group's turns may use.
    pub tools_allow: Vec<String>,
    pub tools_deny: Vec<String>,
    /// `skills`: the skill names this group's turns see (`None`: every enabled skill).
    pub skills: Option<Vec<String>>,
    /// `None`: the account's.
    pub group_session_scope: Option<SessionScope>,
    pub reply_in_thread: Option<bool>,
    /// `queue.mode` / `queue.debounceMs` for this chat (unset: the account's).
    pub queue: QueueOverride,
}

/// An account's or a group's `queue: { mode, debounceMs }`, over `messages.queue`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct QueueOverride {
    pub mode: Option<QueueMode>,
    pub debounce_ms: Option<u64>,
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
    /// The model's key from `models.providers.<id>.apiKey`, when the file gives one (else the
    /// environment or `openclaw login`'s file).
    pub api_key: Option<Secret>,
    /// `agent.workspace`, else `agents.defaults.workspace`: the agent's workspace folder
    /// (default `<state>/workspace`).
    pub workspace: Option<PathBuf>,
    /// `agents.defaults.model` as written (`"<provider>/<model>"`), when it chose the model.
    pub model_ref: Option<String>,
    /// `mcpServers`, `skills` (see [`crate::McpServer`]).
    pub mcp_servers: Vec<crate::McpServer>,
    pub skills: crate::SkillsConfig,
}

/// `gateway`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayConfig {
    pub port: u16,
    /// The address to listen on: `gateway.bind` (`loopback`, `lan`, `custom` with
    /// `customBindHost`, or an address) resolved.
    pub bind: String,
    pub auth: GatewayAuth,
}

/// `gateway.auth` (loaded and validated; the control port's checks use it).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GatewayAuth {
    pub mode: Option<AuthMode>,
    pub token: Option<Secret>,
    pub password: Option<Secret>,
}

/// `session`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SessionConfig {
    /// `session.dmScope` as written; unset, each account keeps one session per sender (OpenClaw's
    /// `main` shares one among every DM sender, which a bot many people talk to must not do by
    /// default).
    pub dm_scope: Option<DmScope>,
}

/// `cron`: the scheduler of jobs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CronConfig {
    /// `cron.catchUpMinutes`: a firing missed while no gateway ran is run at start when it is
    /// less late than this, else recorded as missed.
    pub catch_up_minutes: u64,
}

impl Default for CronConfig {
    fn default() -> Self {
        CronConfig {
            catch_up_minutes: 10,
        }
    }
}

/// `messages`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MessagesConfig {
    pub queue: QueueConfig,
}

/// `messages.queue`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QueueConfig {
    pub mode: QueueMode,
    pub debounce_ms: Option<u64>,
    pub cap: Option<u32>,
    pub drop: Option<QueueDrop>,
    /// `byChannel.<channel>`; this gateway's entries are `lark` and `feishu`.
    pub by_channel: BTreeMap<String, QueueMode>,
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
spelled_enum!(
    /// `allowBots`: other apps' messages.
    AllowBots { Off = "false", On = "true", Mentions = "mentions" } default Off
);
spelled_enum!(
    /// `reactionNotifications`.
    ReactionNotifications { Off = "off", Own = "own", All = "all" } default Own
);
spelled_enum!(
    /// `groupSessionScope`: which group messages share one conversation.
    SessionScope {
        Group = "group",
        GroupSender = "group_sender",
        GroupTopic = "group_topic",
        GroupTopicSender = "group_topic_sender",
    } default Group
);
spelled_enum!(
    /// `replyToMode`: which parts of a reply quote the triggering message.
    ReplyToMode { Off = "off", First = "first", All = "all", Batched = "batched" } default All
);
spelled_enum!(
    /// `streaming.chunkMode`.
    ChunkMode { Length = "length", Newline = "newline" } default Length
);
spelled_enum!(
    /// `session.dmScope`: how DMs map to sessions.
    DmScope {
        /// Every DM, of every account and sender, in one session.
        Main = "main",
        PerPeer = "per-peer",
        PerChannelPeer = "per-channel-peer",
        PerAccountChannelPeer = "per-account-channel-peer",
    } default Main
);
spelled_enum!(
    /// `messages.queue.mode`; this gateway's default is `followup` (one turn per message).
    QueueMode { Followup = "followup", Collect = "collect", Interrupt = "interrupt", Steer = "steer" } default Followup
);
spelled_enum!(
    /// `messages.queue.drop`.
    QueueDrop { Old = "old", New = "new", Summarize = "summarize" } default Summarize
);
spelled_enum!(
    /// `gateway.auth.mode`.
    AuthMode { None = "none", Token = "token", Password = "password", TrustedProxy = "trusted-proxy" } default Token
);
