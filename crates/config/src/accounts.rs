//! `channels.lark` into [`Account`]s: the top-level (`default`) account, named accounts that
//! inherit what they do not set, credentials from inline keys, files or the environment.
//!
//! Inheritance: a named account takes every top-level key it does not set, except the
//! credentials and `name` (they identify one bot and must not leak into another), `groups`
//! (taken whole, only when the account sets none: merging chat lists would surprise) and
//! `webhookPath` (defaults to `/lark/webhook/<name>` so webhook accounts do not collide).

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use lark::{Domain, Secret};

use crate::error::ConfigError;
use crate::paths::resolve_in;
use crate::types::{Account, DmPolicy, GroupConfig, GroupPolicy, Mode, RenderMode};
use crate::view::Obj;
use crate::{DEFAULT_ACCOUNT, Env};

const DEFAULT_WEBHOOK_PATH: &str = "/lark/webhook";
const DEFAULT_MAX_EVENT_AGE_MINUTES: f64 = 30.0;
const DEFAULT_MEDIA_MAX_MB: f64 = 30.0;
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

/// Where relative paths start and where the environment comes from.
pub(crate) struct Ctx<'a> {
    pub(crate) env: Env<'a>,
    pub(crate) base_dir: &'a Path,
}

/// All accounts: `default` first when it exists, then named ones in file order.
pub(crate) fn build(lark: &Obj<'_>, ctx: &Ctx<'_>) -> Result<Vec<Account>, ConfigError> {
    let named = lark.obj("accounts").entries();
    let env_id = env_text(ctx.env, "LARK_APP_ID");
    let env_secret = env_text(ctx.env, "LARK_APP_SECRET");
    let top_has_credentials = CREDENTIAL_KEYS.iter().any(|k| lark.text(k).is_some());
    let mut accounts = Vec::with_capacity(named.len() + 1);
    // Without named accounts the default account always exists, so status can say what is
    // missing instead of "no accounts".
    if top_has_credentials || env_id.is_some() || env_secret.is_some() || named.is_empty() {
        let scope = Scope {
            own: lark,
            top: None,
        };
        accounts.push(account(DEFAULT_ACCOUNT, &scope, (env_id, env_secret), ctx)?);
    }
    for (name, own) in &named {
        let scope = Scope {
            own,
            top: Some(lark),
        };
        accounts.push(account(name, &scope, (None, None), ctx)?);
    }
    Ok(accounts)
}

/// An account's own keys, falling back to the top level for inherited ones.
struct Scope<'s, 'a> {
    own: &'s Obj<'a>,
    top: Option<&'s Obj<'a>>,
}

impl<'a> Scope<'_, 'a> {
    fn pick<T>(&self, get: impl Fn(&Obj<'a>) -> Option<T>) -> Option<T> {
        get(self.own).or_else(|| self.top.and_then(&get))
    }
}

fn account(
    id: &str,
    scope: &Scope<'_, '_>,
    (env_id, env_secret): (Option<String>, Option<String>),
    ctx: &Ctx<'_>,
) -> Result<Account, ConfigError> {
    let own = scope.own;
    let enabled = scope.pick(|o| o.bool("enabled")).unwrap_or(true);
    let app_id = credential(own, "appId", env_id, enabled, ctx)?;
    let app_secret = credential(own, "appSecret", env_secret, enabled, ctx)?.map(Secret::new);

    let webhook_path = match own.text("webhookPath") {
        Some(path) => path,
        None if scope.top.is_none() => DEFAULT_WEBHOOK_PATH.to_owned(),
        None => format!("{DEFAULT_WEBHOOK_PATH}/{id}"),
    };
    if !webhook_path.starts_with('/') {
        return Err(ConfigError::Invalid {
            file: None,
            key: own.key("webhookPath"),
            message: format!("{webhook_path:?} must start with /, as in \"/lark/webhook\""),
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

    Ok(Account {
        id: id.to_owned(),
        enabled,
        app_id,
        app_secret,
        name: own.text("name"),
        domain: scope
            .pick(|o| o.str("domain").and_then(|d| Domain::parse(d).ok()))
            .unwrap_or(Domain::Feishu),
        mode: scope
            .pick(|o| o.str("mode").and_then(Mode::from_spelling))
            .unwrap_or_default(),
        encrypt_key: scope.pick(|o| o.text("encryptKey")).map(Secret::new),
        verification_token: scope.pick(|o| o.text("verificationToken")).map(Secret::new),
        webhook_path,
        dm_policy: scope
            .pick(|o| o.str("dmPolicy").and_then(DmPolicy::from_spelling))
            .unwrap_or_default(),
        group_policy: scope
            .pick(|o| o.str("groupPolicy").and_then(GroupPolicy::from_spelling))
            .unwrap_or_default(),
        allow_from: scope.pick(|o| o.strings("allowFrom")).unwrap_or_default(),
        group_allow_from: scope
            .pick(|o| o.strings("groupAllowFrom"))
            .unwrap_or_default(),
        require_mention: scope.pick(|o| o.bool("requireMention")).unwrap_or(true),
        groups: groups(&groups_from.obj("groups")),
        typing_indicator: scope.pick(|o| o.bool("typingIndicator")).unwrap_or(true),
        streaming: scope.pick(|o| o.bool("streaming")),
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
            .pick(|o| o.str("renderMode").and_then(RenderMode::from_spelling))
            .unwrap_or_default(),
        max_event_age,
        catch_up: scope.pick(|o| o.bool("catchUp")).unwrap_or(true),
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
    let inline = own.text(key);
    let file = own.text(&file_key);
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

fn env_text(env: Env<'_>, name: &str) -> Option<String> {
    env(name)
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}
