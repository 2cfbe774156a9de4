//! From a parsed tree to [`Config`]: the schema check, then defaults and the rules that span
//! several keys. Lark accounts have their own module, [`crate::accounts`].

use std::time::Duration;

use crate::accounts::{self, Ctx};
use crate::agent_ext;
use crate::error::ConfigError;
use crate::schema;
use crate::tree::Node;
use crate::types::{AgentConfig, Config, GatewayConfig, LarkConfig, Provider, StoreConfig};
use crate::view::Obj;

const DEFAULT_TIMEOUT_SECONDS: f64 = 120.0;
const DEFAULT_PORT: u16 = 18789;
const DEFAULT_BIND: &str = "127.0.0.1";

pub(crate) fn config(root: &Node, ctx: &Ctx<'_>) -> Result<Config, ConfigError> {
    schema::check(schema::root(), root, &mut Vec::new())?;
    let top = Obj::root(root);
    let lark = LarkConfig {
        accounts: accounts::build(&top.obj("channels").obj("lark"), ctx)?,
    };
    Ok(Config {
        lark,
        agent: agent(&top.obj("agent"), ctx)?,
        gateway: gateway(&top.obj("gateway")),
        store: StoreConfig {
            url: top.obj("store").text("url"),
        },
    })
}

fn agent(agent: &Obj<'_>, ctx: &Ctx<'_>) -> Result<AgentConfig, ConfigError> {
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
        mcp_servers: agent_ext::mcp_servers(agent, ctx)?,
        skills: agent_ext::skills(agent, ctx),
        workspace: agent_ext::workspace(agent, ctx),
    })
}

fn gateway(gateway: &Obj<'_>) -> GatewayConfig {
    GatewayConfig {
        port: gateway
            .u64("port")
            .and_then(|p| u16::try_from(p).ok())
            .unwrap_or(DEFAULT_PORT),
        bind: gateway
            .text("bind")
            .unwrap_or_else(|| DEFAULT_BIND.to_owned()),
    }
}
