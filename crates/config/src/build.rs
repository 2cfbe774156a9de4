//! From a parsed tree to [`Config`]: the schema check, `${VAR}` substitution, then defaults and
//! the rules that span several keys. Lark accounts have their own module, [`crate::accounts`];
//! the model from OpenClaw's `agents.defaults.model` and `models.providers` is [`crate::model`].

use std::net::IpAddr;
use std::path::Path;
use std::time::Duration;

use lark::Secret;

use crate::accounts::{self, Ctx, env_text};
use crate::agent_ext;
use crate::error::ConfigError;
use crate::secret_ref;
use crate::tree::Node;
use crate::types::{
    AgentConfig, AuthMode, Config, CronConfig, DmScope, GatewayAuth, GatewayConfig, LarkConfig,
    MessagesConfig, Provider, QueueConfig, QueueDrop, QueueMode, SessionConfig, StoreConfig,
};
use crate::view::Obj;
use crate::{Env, schema, schema_openclaw};

const DEFAULT_TIMEOUT_SECONDS: f64 = 120.0;
const DEFAULT_PORT: u16 = 18789;
const DEFAULT_BIND: &str = "127.0.0.1";

pub(crate) fn config(raw: &Node, env: Env<'_>, base_dir: &Path) -> Result<Config, ConfigError> {
    schema::check(schema::root(), raw, &mut Vec::new())?;
    let mut ignored = Vec::new();
    schema_openclaw::ignored_paths(schema::root(), raw, &mut Vec::new(), &mut ignored);
    let mut missing = Vec::new();
    let root = substitute(raw, env, &mut missing);
    let warnings = missing
        .iter()
        .map(|name| {
            format!(
                "${{{name}}} is used in the config but {name} is not set; the text stays as written"
            )
        })
        .collect();
    let top = Obj::root(&root);
    let messages = top.obj("messages");
    let ctx = Ctx {
        env,
        base_dir,
        secrets: top.obj("secrets"),
        response_prefix: messages.str("responsePrefix").map(str::to_owned),
    };
    let (_, key, accounts) = accounts::build(&top.obj("channels"), &ctx)?;
    let default_account = top
        .obj("channels")
        .obj(key.trim_start_matches("channels."))
        .text("defaultAccount");
    if let Some(name) = &default_account
        && !accounts.iter().any(|a| &a.id == name)
    {
        return Err(ConfigError::Invalid {
            file: None,
            key: format!("{key}.defaultAccount"),
            message: format!("no account is named {name:?}; name one under {key}.accounts"),
        });
    }
    let mut agent = agent(&top.obj("agent"), &top, &ctx)?;
    crate::model::apply(&mut agent, &top, &ctx)?;
    Ok(Config {
        lark: LarkConfig {
            accounts,
            key,
            default_account,
        },
        agent,
        gateway: gateway(&top.obj("gateway"), &ctx)?,
        store: StoreConfig {
            url: top.obj("store").text("url"),
        },
        session: SessionConfig {
            dm_scope: top
                .obj("session")
                .str("dmScope")
                .and_then(DmScope::from_spelling),
        },
        messages: MessagesConfig {
            queue: queue(&messages.obj("queue")),
        },
        cron: CronConfig {
            catch_up_minutes: top
                .obj("cron")
                .u64("catchUpMinutes")
                .unwrap_or(CronConfig::default().catch_up_minutes),
        },
        ignored,
        warnings,
    })
}

/// Every string with its `${VAR}` references replaced.
fn substitute(node: &Node, env: Env<'_>, missing: &mut Vec<String>) -> Node {
    match node {
        Node::String(s) if s.contains("${") => {
            Node::String(secret_ref::substitute(s, env, missing))
        }
        Node::Array(items) => {
            Node::Array(items.iter().map(|i| substitute(i, env, missing)).collect())
        }
        Node::Object(members) => Node::Object(
            members
                .iter()
                .map(|(k, v)| (k.clone(), substitute(v, env, missing)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn queue(queue: &Obj<'_>) -> QueueConfig {
    QueueConfig {
        mode: queue
            .str("mode")
            .and_then(QueueMode::from_spelling)
            .unwrap_or_default(),
        debounce_ms: queue.u64("debounceMs"),
        cap: queue.u64("cap").and_then(|n| u32::try_from(n).ok()),
        drop: queue.str("drop").and_then(QueueDrop::from_spelling),
        by_channel: queue
            .obj("byChannel")
            .string_members()
            .into_iter()
            .filter_map(|(channel, mode)| {
                Some((channel.to_owned(), QueueMode::from_spelling(mode)?))
            })
            .collect(),
    }
}

fn agent(agent: &Obj<'_>, top: &Obj<'_>, ctx: &Ctx<'_>) -> Result<AgentConfig, ConfigError> {
    let provider = agent
        .str("provider")
        .and_then(Provider::from_spelling)
        .unwrap_or_default();
    let command = agent.strings("command").unwrap_or_default();
    let runnable = command
        .first()
        .is_some_and(|program| !program.trim().is_empty());
    if provider == Provider::Command && !runnable {
        return Err(ConfigError::Invalid {
            file: None,
            key: agent.key("command"),
            message: "agent.provider is \"command\", so agent.command must name the program to \
                      run and its arguments, such as [\"my-agent\", \"--json\"]"
                .to_owned(),
        });
    }
    let seconds = agent
        .f64("timeoutSeconds")
        .unwrap_or(DEFAULT_TIMEOUT_SECONDS);
    let timeout = Duration::try_from_secs_f64(seconds).map_err(|_| ConfigError::Invalid {
        file: None,
        key: agent.key("timeoutSeconds"),
        message: "the number is too large".to_owned(),
    })?;
    // The schema bounds these to u32, so the conversions cannot fail.
    let small = |key: &str| agent.u64(key).and_then(|n| u32::try_from(n).ok());
    Ok(AgentConfig {
        provider,
        command,
        timeout,
        model: agent.text("model"),
        base_url: agent.text("baseUrl"),
        max_tokens: small("maxTokens"),
        system_prompt: agent.str("systemPrompt").map(str::to_owned),
        max_tool_rounds: small("maxToolRounds"),
        streaming: agent.bool("streaming"),
        api_key: None,
        model_ref: None,
        mcp_servers: agent_ext::mcp_servers(agent, ctx)?,
        skills: agent_ext::skills(agent, top, ctx),
        workspace: agent_ext::workspace(agent, ctx),
    })
}

fn gateway(gateway: &Obj<'_>, ctx: &Ctx<'_>) -> Result<GatewayConfig, ConfigError> {
    let invalid = |key: &str, message: String| ConfigError::Invalid {
        file: None,
        key: gateway.key(key),
        message,
    };
    let bind = match gateway.text("bind").as_deref() {
        None | Some("loopback" | "auto") => DEFAULT_BIND.to_owned(),
        Some("lan") => "0.0.0.0".to_owned(),
        Some("custom") => match gateway.text("customBindHost") {
            Some(host) if host.parse::<IpAddr>().is_ok() => host,
            Some(host) => {
                return Err(invalid(
                    "customBindHost",
                    format!("{host:?} is not an IP address"),
                ));
            }
            None => {
                return Err(invalid(
                    "bind",
                    "\"custom\" needs gateway.customBindHost, an IP address such as \"10.0.0.5\""
                        .to_owned(),
                ));
            }
        },
        Some(address) if address.parse::<IpAddr>().is_ok() => address.to_owned(),
        Some(other) => {
            return Err(invalid(
                "bind",
                format!(
                    "{other:?} is not \"loopback\", \"lan\", \"custom\" (with customBindHost) or an IP address (\"tailnet\" needs Tailscale, which this gateway does not drive)"
                ),
            ));
        }
    };
    let auth = gateway.obj("auth");
    let secret = |key: &str, env_name: &str| -> Result<Option<Secret>, ConfigError> {
        Ok(secret_ref::resolve(&auth, key, ctx)?
            .or_else(|| env_text(ctx.env, env_name))
            .map(Secret::new))
    };
    let token = secret("token", "OPENCLAW_GATEWAY_TOKEN")?;
    let password = secret("password", "OPENCLAW_GATEWAY_PASSWORD")?;
    let mode = auth.str("mode").and_then(AuthMode::from_spelling);
    let needs = |what: &str, env_name: &str| ConfigError::Invalid {
        file: None,
        key: auth.key("mode"),
        message: format!(
            "{:?} needs gateway.auth.{what} (or the {env_name} environment variable)",
            mode.map(AuthMode::as_str).unwrap_or_default()
        ),
    };
    match mode {
        Some(AuthMode::Token) if token.is_none() => {
            return Err(needs("token", "OPENCLAW_GATEWAY_TOKEN"));
        }
        Some(AuthMode::Password) if password.is_none() => {
            return Err(needs("password", "OPENCLAW_GATEWAY_PASSWORD"));
        }
        _ => {}
    }
    Ok(GatewayConfig {
        port: gateway
            .u64("port")
            .and_then(|p| u16::try_from(p).ok())
            .unwrap_or(DEFAULT_PORT),
        bind,
        auth: GatewayAuth {
            mode,
            token,
            password,
        },
    })
}
