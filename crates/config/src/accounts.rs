//! `channels.lark` into [`Account`]s: the top-level (`default`) account, named accounts that
//! inherit what they do not set, credentials from inline keys, files or the environment.
//!
//! Inheritance: a named account takes every top-level key it does not set, except the
//! credentials and `name` (they identify one bot and must not leak into another), `groups`
//! (taken whole, only when the account sets none: merging chat lists would surprise) and
//! `webhookPath` (defaults to `/lark/webhook/<name>` so webhook accounts do not collide).
//!
//! The channel is `channels.lark` (the channel document's name) or `channels.feishu` (OpenClaw's
//! plugin, whose webhook path defaults to `/feishu/events` and whose environment is
//! `FEISHU_APP_ID`, `FEISHU_APP_SECRET`, `FEISHU_VERIFICATION_TOKEN`, `FEISHU_ENCRYPT_KEY`);
//! both spellings of a key (`mode` / `connectionMode`) mean the same and may not disagree.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use lark::{Domain, Secret};

use crate::error::ConfigError;
use crate::paths::resolve_in;
use crate::secret_ref;
use crate::types::{Account, DmPolicy, GroupConfig, GroupPolicy, Mode, RenderMode};
use crate::view::Obj;
use crate::{DEFAULT_ACCOUNT, Env};

const DEFAULT_WEBHOOK_PATH: &str = "/lark/webhook";
const FEISHU_WEBHOOK_PATH: &str = "/feishu/events";
const DEFAULT_MAX_EVENT_AGE_MINUTES: f64 = 30.0;
const DEFAULT_MEDIA_MAX_MB: f64 = 30.0;
/// The typing reaction goes on once an answer has taken this long (a faster one shows none).
const DEFAULT_TYPING_DELAY_MS: f64 = 300.0;
const DEFAULT_APP_RATE: u32 = 50;
/// Long connections per websocket account: one carries events while another reconnects.
const DEFAULT_CONNECTIONS: u32 = 2;
const DEFAULT_PONG_TIMEOUT_SECS: u64 = 10;
/// The platform asks for a ping every 120 s; pinging more often finds a silent socket sooner.
const DEFAULT_PING_INTERVAL_SECS: u64 = 15;

/// A number of seconds as a duration; 0 (or anything unusable) turns the setting off.
fn seconds(n: f64) -> Option<Duration> {
    Duration::try_from_secs_f64(n).ok().filter(|d| !d.is_zero())
}
const DEFAULT_CHAT_RATE: u32 = 5;
const CREDENTIAL_KEYS: [&str; 4] = ["appId", "appIdFile", "appSecret", "appSecretFile"];

/// Where relative paths start, where the environment comes from, and the file's
/// `secrets.providers` for secret references.
pub(crate) struct Ctx<'a> {
    pub(crate) env: Env<'a>,
    pub(crate) base_dir: &'a Path,
    pub(crate) secrets: Obj<'a>,
    /// `messages.responsePrefix`, the fallback of every account's.
    pub(crate) response_prefix: Option<String>,
}

/// Which spelling of the channel the file uses.
#[derive(Clone, Copy)]
struct Channel {
    key: &'static str,
    webhook_path: &'static str,
    feishu: bool,
}

/// The channel's object, its key, and the accounts: `default` first when it exists, then named
/// ones in file order.
pub(crate) fn build<'a>(
    channels: &Obj<'a>,
    ctx: &Ctx<'_>,
) -> Result<(Obj<'a>, &'static str, Vec<Account>), ConfigError> {
    let (lark, feishu) = (
        channels.get("lark").is_some(),
        channels.get("feishu").is_some(),
    );
    if lark && feishu {
        return Err(ConfigError::Conflict {
            file: None,
            first: "channels.lark".to_owned(),
            second: "channels.feishu".to_owned(),
        });
    }
    let channel = if feishu {
        Channel {
            key: "channels.feishu",
            webhook_path: FEISHU_WEBHOOK_PATH,
            feishu: true,
        }
    } else {
        Channel {
            key: "channels.lark",
            webhook_path: DEFAULT_WEBHOOK_PATH,
            feishu: false,
        }
    };
    let obj = channels.obj(if feishu { "feishu" } else { "lark" });
    let accounts = build_accounts(&obj, channel, ctx)?;
    Ok((obj, channel.key, accounts))
}

fn build_accounts(
    lark: &Obj<'_>,
    channel: Channel,
    ctx: &Ctx<'_>,
) -> Result<Vec<Account>, ConfigError> {
    let named = lark.obj("accounts").entries();
    // Either platform's variables fill the default account; the channel's own name first.
    let env_pair = |a: &str, b: &str| {
        let (first, second) = if channel.feishu { (b, a) } else { (a, b) };
        env_text(ctx.env, first).or_else(|| env_text(ctx.env, second))
    };
    let env_id = env_pair("LARK_APP_ID", "FEISHU_APP_ID");
    let env_secret = env_pair("LARK_APP_SECRET", "FEISHU_APP_SECRET");
    let top_has_credentials = CREDENTIAL_KEYS.iter().any(|k| lark.get(k).is_some());
    let mut accounts = Vec::with_capacity(named.len() + 1);
    // Without named accounts the default account always exists, so status can say what is
    // missing instead of "no accounts".
    if top_has_credentials || env_id.is_some() || env_secret.is_some() || named.is_empty() {
        let scope = Scope {
            own: lark,
            top: None,
        };
        accounts.push(account(
            DEFAULT_ACCOUNT,
            &scope,
            (env_id, env_secret),
            channel,
            ctx,
        )?);
    }
    for (name, own) in &named {
        let scope = Scope {
            own,
            top: Some(lark),
        };
        accounts.push(account(name, &scope, (None, None), channel, ctx)?);
    }
    Ok(accounts)
}

/// An account's own keys, falling back to the top level for inherited ones.
pub(crate) struct Scope<'s, 'a> {
    pub(crate) own: &'s Obj<'a>,
    pub(crate) top: Option<&'s Obj<'a>>,
}

impl<'a> Scope<'_, 'a> {
    pub(crate) fn pick<T>(&self, get: impl Fn(&Obj<'a>) -> Option<T>) -> Option<T> {
        get(self.own).or_else(|| self.top.and_then(&get))
    }

    /// The object that sets `key`: the account's own, else the top level's.
    fn setter(&self, key: &str) -> &Obj<'a> {
        match self.top {
            Some(top) if self.own.get(key).is_none() => top,
            _ => self.own,
        }
    }

    /// An inherited secret, resolved where it is written.
    fn secret(&self, key: &str, ctx: &Ctx<'_>) -> Result<Option<Secret>, ConfigError> {
        Ok(secret_ref::resolve(self.setter(key), key, ctx)?.map(Secret::new))
    }
}

fn account(
    id: &str,
    scope: &Scope<'_, '_>,
    (env_id, env_secret): (Option<String>, Option<String>),
    channel: Channel,
    ctx: &Ctx<'_>,
) -> Result<Account, ConfigError> {
    let own = scope.own;
    let enabled = scope.pick(|o| o.bool("enabled")).unwrap_or(true);
    let app_id = credential(own, "appId", env_id, enabled, ctx)?;
    let app_secret = credential(own, "appSecret", env_secret, enabled, ctx)?.map(Secret::new);
    // The webhook's key and token from OpenClaw's variables, for the default account only.
    let default_env = |name: &str| {
        scope
            .top
            .is_none()
            .then(|| env_text(ctx.env, name))
            .flatten()
            .map(Secret::new)
    };
    let encrypt_key = match scope.secret("encryptKey", ctx)? {
        Some(s) => Some(s),
        None => default_env("FEISHU_ENCRYPT_KEY"),
    };
    let verification_token = match scope.secret("verificationToken", ctx)? {
        Some(s) => Some(s),
        None => default_env("FEISHU_VERIFICATION_TOKEN"),
    };
    let mode = connection_mode(scope)?;

    let webhook_path = match own.text("webhookPath") {
        Some(path) => path,
        None if scope.top.is_none() => channel.webhook_path.to_owned(),
        None => format!("{}/{id}", channel.webhook_path),
    };
    if !webhook_path.starts_with('/') {
        return Err(ConfigError::Invalid {
            file: None,
            key: own.key("webhookPath"),
            message: format!(
                "{webhook_path:?} must start with /, as in {:?}",
                channel.webhook_path
            ),
        });
    }

    let minutes = scope
        .pick(|o| o.f64("maxEventAgeMinutes"))
        .unwrap_or(DEFAULT_MAX_EVENT_AGE_MINUTES);
    let max_event_age =
        Duration::try_from_secs_f64(minutes * 60.0).map_err(|_| ConfigError::Invalid {
            file: None,
            key: own.key("maxEventAgeMinutes"),
            message: "the number is too large".to_owned(),
        })?;
    let media_mb = scope
        .pick(|o| o.f64("mediaMaxMb"))
        .unwrap_or(DEFAULT_MEDIA_MAX_MB);
    // A float-to-int `as` saturates, so an absurd size becomes u64::MAX rather than wrapping.
    let media_max_bytes = (media_mb * 1024.0 * 1024.0) as u64;

    let groups_from = if own.get("groups").is_some() {
        own
    } else {
        scope.top.unwrap_or(own)
    };
    let download = |key: &str| {
        scope
            .pick(|o| o.obj("downloads").text(key))
            .map(|dir| resolve_in(&dir, ctx.base_dir, ctx.env))
    };

    let allow_from = scope.pick(|o| o.strings("allowFrom")).unwrap_or_default();
    let dm_policy = scope
        .pick(|o| o.str("dmPolicy").and_then(DmPolicy::from_spelling))
        .unwrap_or_default();
    // OpenClaw's plugin checks this; the channel document's `open` never needed the wildcard.
    if channel.feishu && dm_policy == DmPolicy::Open && !allow_from.iter().any(|a| a == "*") {
        return Err(ConfigError::Invalid {
            file: None,
            key: scope.setter("dmPolicy").key("dmPolicy"),
            message: format!(
                "\"open\" needs \"*\" in allowFrom to admit anyone, as OpenClaw requires: set {}.allowFrom to [\"*\"]",
                channel.key
            ),
        });
    }
    let webhook_port = scope
        .pick(|o| o.u64("webhookPort"))
        .and_then(|p| u16::try_from(p).ok());

    Ok(Account {
        id: id.to_owned(),
        channel: channel.key,
        webhook_host: scope.pick(|o| o.text("webhookHost")),
        webhook_port,
        openclaw: crate::extras::account(scope, ctx),
        enabled,
        app_id,
        app_secret,
        name: own.text("name"),
        domain: scope
            .pick(|o| o.str("domain").and_then(|d| Domain::parse(d).ok()))
            .unwrap_or(Domain::Feishu),
        mode,
        encrypt_key,
        verification_token,
        webhook_path,
        dm_policy,
        group_policy: scope
            .pick(|o| {
                o.str("groupPolicy")
                    .map(|p| if p == "allowall" { "open" } else { p })
                    .and_then(GroupPolicy::from_spelling)
            })
            .unwrap_or_default(),
        allow_from,
        group_allow_from: scope
            .pick(|o| o.strings("groupAllowFrom"))
            .unwrap_or_default(),
        require_mention: scope.pick(|o| o.bool("requireMention")).unwrap_or(true),
        groups: groups(&groups_from.obj("groups")),
        typing_indicator: scope.pick(|o| o.bool("typingIndicator")).unwrap_or(true),
        typing_delay: Duration::from_secs_f64(
            scope
                .pick(|o| o.f64("typingDelayMs"))
                .unwrap_or(DEFAULT_TYPING_DELAY_MS)
                .clamp(0.0, 3_600_000.0)
                / 1000.0,
        ),
        streaming: scope.pick(|o| {
            o.bool("streaming")
                .or_else(|| o.obj("streaming").str("mode").map(|m| m == "partial"))
        }),
        sender_name_ttl: Duration::from_secs_f64(
            scope
                .pick(|o| o.f64("senderNameTtlSeconds"))
                .unwrap_or(3600.0)
                .clamp(0.0, 1e9),
        ),
        connections: scope
            .pick(|o| o.f64("connections"))
            .map_or(DEFAULT_CONNECTIONS, |n| n.clamp(1.0, 50.0) as u32),
        pong_timeout: scope.pick(|o| o.f64("pongTimeoutSeconds")).map_or(
            Some(Duration::from_secs(DEFAULT_PONG_TIMEOUT_SECS)),
            seconds,
        ),
        ping_interval: scope.pick(|o| o.f64("pingIntervalSeconds")).map_or(
            Some(Duration::from_secs(DEFAULT_PING_INTERVAL_SECS)),
            seconds,
        ),
        render_mode: scope
            .pick(|o| {
                o.str("renderMode")
                    .map(|m| if m == "raw" { "text" } else { m })
                    .and_then(RenderMode::from_spelling)
            })
            .unwrap_or_default(),
        max_event_age,
        catch_up: scope.pick(|o| o.bool("catchUp")).unwrap_or(true),
        queue: crate::types::QueueOverride {
            mode: scope.pick(|o| {
                o.obj("queue")
                    .str("mode")
                    .and_then(crate::types::QueueMode::from_spelling)
            }),
            debounce_ms: scope.pick(|o| o.obj("queue").u64("debounceMs")),
        },
        media_max_bytes,
        app_rate_limit: scope
            .pick(|o| o.obj("rateLimits").f64("appPerSecond"))
            .map_or(DEFAULT_APP_RATE, |n| n.clamp(1.0, 1e9) as u32),
        chat_rate_limit: scope
            .pick(|o| o.obj("rateLimits").f64("chatPerSecond"))
            .map_or(DEFAULT_CHAT_RATE, |n| n.clamp(1.0, 1e9) as u32),
        dm_download_dir: download("dmDir"),
        group_download_dir: download("groupDir"),
    })
}

fn groups(groups: &Obj<'_>) -> BTreeMap<String, GroupConfig> {
    groups
        .entries()
        .into_iter()
        .map(|(chat_id, g)| {
            let group = GroupConfig {
                require_mention: g.bool("requireMention"),
                system_prompt: g.str("systemPrompt").map(str::to_owned),
                enabled: g.bool("enabled").unwrap_or(true),
                allow_from: g.strings("allowFrom").unwrap_or_default(),
                streaming: g.bool("streaming"),
                tools_allow: g.obj("tools").strings("allow").unwrap_or_default(),
                tools_deny: g.obj("tools").strings("deny").unwrap_or_default(),
                skills: g.strings("skills"),
                group_session_scope: g
                    .str("groupSessionScope")
                    .and_then(crate::types::SessionScope::from_spelling),
                reply_in_thread: g.str("replyInThread").map(|v| v == "enabled"),
                queue: crate::types::QueueOverride {
                    mode: g
                        .obj("queue")
                        .str("mode")
                        .and_then(crate::types::QueueMode::from_spelling),
                    debounce_ms: g.obj("queue").u64("debounceMs"),
                },
            };
            (chat_id.to_owned(), group)
        })
        .collect()
}

/// `appId` / `appSecret`: inline, from `<key>File`, or (default account) from the environment.
/// Setting both the inline key and the file is refused: which one wins would be a guess.
/// A disabled account's unreadable file is not an error (it is parked, perhaps on purpose).
fn credential(
    own: &Obj<'_>,
    key: &str,
    env_value: Option<String>,
    enabled: bool,
    ctx: &Ctx<'_>,
) -> Result<Option<String>, ConfigError> {
    let file_key = format!("{key}File");
    let inline = secret_ref::resolve(own, key, ctx);
    let file = own.text(&file_key);
    if file.is_some() && own.get(key).is_some() {
        return Err(ConfigError::Conflict {
            file: None,
            first: own.key(key),
            second: own.key(&file_key),
        });
    }
    // A disabled account's unresolvable reference is parked like its unreadable file.
    let inline = match inline {
        Ok(v) => v,
        Err(_) if !enabled => None,
        Err(e) => return Err(e),
    };
    match (inline, file) {
        (Some(_), Some(_)) => Err(ConfigError::Conflict {
            file: None,
            first: own.key(key),
            second: own.key(&file_key),
        }),
        (Some(value), None) => Ok(Some(value)),
        (None, Some(path)) => match read_credential_file(&own.key(&file_key), &path, ctx) {
            Ok(value) => Ok(Some(value)),
            Err(_) if !enabled => Ok(None),
            Err(e) => Err(e),
        },
        (None, None) => Ok(env_value),
    }
}

/// Reads and trims a credential file. The error names the key and the path, never the content.
fn read_credential_file(key: &str, path: &str, ctx: &Ctx<'_>) -> Result<String, ConfigError> {
    let path = resolve_in(path, ctx.base_dir, ctx.env);
    let fail = |reason: String| ConfigError::CredentialFile {
        key: key.to_owned(),
        path: path.clone(),
        reason,
    };
    let text = std::fs::read_to_string(&path).map_err(|e| fail(e.to_string()))?;
    let value = text.trim();
    if value.is_empty() {
        return Err(fail("the file is empty".to_owned()));
    }
    Ok(value.to_owned())
}

/// `mode` and OpenClaw's `connectionMode` say the same; both set and different is refused.
fn connection_mode(scope: &Scope<'_, '_>) -> Result<Mode, ConfigError> {
    let read = |o: &Obj<'_>| match (o.str("mode"), o.str("connectionMode")) {
        (Some(a), Some(b)) if a != b => Some(Err(ConfigError::Conflict {
            file: None,
            first: o.key("mode"),
            second: o.key("connectionMode"),
        })),
        (a, b) => a.or(b).and_then(Mode::from_spelling).map(Ok),
    };
    scope.pick(read).transpose().map(Option::unwrap_or_default)
}

pub(crate) fn env_text(env: Env<'_>, name: &str) -> Option<String> {
    env(name)
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}
