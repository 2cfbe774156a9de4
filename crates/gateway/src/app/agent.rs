//! Building the agent the config asks for. An LLM provider gets its key from the file
//! (`models.providers.<id>.apiKey`) when it gives one, else from the environment or the state
//! dir (looked up per call, so `openclaw login` needs no restart); sessions in the store; the
//! `read` and `message` tools over every account's client, rooted at the workspace; and the
//! extensions of `agent.*` (MCP servers, `web_fetch`, skills with our `message` skill,
//! workspace files).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use openclaw_agent::extensions::allow_private_urls_from_env;
use openclaw_agent::llm::Provider as ModelProvider;
use openclaw_agent::skills::lark::{ActionDoc, skill as message_skill};
use openclaw_agent::{
    Agent, AnthropicProvider, ApiKey, CommandAgent, EchoAgent, Extensions, ExtensionsOptions,
    KeySource, LlmAgent, LlmConfig, OpenAiProvider, ReadTool, SessionStore, ToolRegistry,
};
use openclaw_config::{AgentConfig, Provider};
use openclaw_tools::{MessageTool, ToolGroups, ToolSettings};

use super::StartError;
use crate::account::AccountRt;
use crate::store::Store;

/// What an LLM agent is wired to.
pub struct AgentDeps<'a> {
    pub store: Arc<dyn Store>,
    pub state_dir: &'a Path,
    pub accounts: &'a [Arc<AccountRt>],
}

/// Sessions kept in the gateway's store.
struct StoreSessions(Arc<dyn Store>);

#[async_trait]
impl SessionStore for StoreSessions {
    async fn load(&self, key: &str) -> Result<Option<String>, String> {
        self.0.load_session(key).await.map_err(|e| e.to_string())
    }

    async fn save(&self, key: &str, data: &str) -> Result<(), String> {
        self.0
            .save_session(key, data)
            .await
            .map_err(|e| e.to_string())
    }

    async fn delete(&self, key: &str) -> Result<(), String> {
        self.0.delete_session(key).await.map_err(|e| e.to_string())
    }
}

/// The agent the config asks for.
pub fn agent_from(cfg: &AgentConfig, deps: &AgentDeps<'_>) -> Result<Arc<dyn Agent>, StartError> {
    agent_with_extensions(cfg, deps).map(|(agent, _)| agent)
}

/// An agent and, for an LLM, its extensions (whose `status()` is for `/status`).
pub type BuiltAgent = (Arc<dyn Agent>, Option<Arc<Extensions>>);

/// The agent the config asks for and, for an LLM, its extensions.
pub fn agent_with_extensions(
    cfg: &AgentConfig,
    deps: &AgentDeps<'_>,
) -> Result<BuiltAgent, StartError> {
    let provider: Arc<dyn ModelProvider> = match cfg.provider {
        Provider::Echo => return Ok((Arc::new(EchoAgent), None)),
        Provider::Command => {
            let agent = CommandAgent::new(cfg.command.clone(), cfg.timeout)
                .map_err(|e| StartError::Config(format!("agent.command: {e}")))?;
            return Ok((Arc::new(agent), None));
        }
        Provider::Anthropic => Arc::new(AnthropicProvider::new(
            cfg.model.clone(),
            cfg.base_url.clone(),
            key_source(cfg, "anthropic", deps.state_dir),
        )),
        Provider::OpenAi => Arc::new(OpenAiProvider::new(
            cfg.model.clone(),
            cfg.base_url.clone(),
            key_source(cfg, "openai", deps.state_dir),
        )),
    };
    let name = provider.name();
    let keys = key_source(cfg, name, deps.state_dir);
    if keys.resolve().is_none() {
        tracing::warn!(target: "agent", "No API key found for {name}: run `openclaw login --provider {name}` or set {}; until then each message is answered with a short notice", keys.env_name());
    }
    tracing::info!(target: "agent", "agent: {name} model {}", provider.model());
    let allow_private = allow_private_urls_from_env();
    let shipped = message_skill(&action_docs());
    let ext = Arc::new(Extensions::from_config(
        cfg,
        deps.state_dir,
        ExtensionsOptions {
            allow_private_urls: allow_private,
            shipped: vec![shipped],
            ..ExtensionsOptions::default()
        },
    ));
    let roots = roots(deps, ext.workspace_dir());
    let mut tools = ToolRegistry::new();
    tools.register(Arc::new(ReadTool));
    let accounts = deps
        .accounts
        .iter()
        .map(|a| {
            let settings = ToolSettings {
                allow_private_urls: allow_private,
                groups: ToolGroups::from_switches(&a.cfg.openclaw.tools, a.cfg.openclaw.reactions),
                ..ToolSettings::with_roots(roots.clone())
            };
            (a.id().to_owned(), a.client.clone(), settings)
        })
        .collect();
    tools.register(Arc::new(MessageTool::per_account(accounts)));
    tools.register(Arc::new(crate::schedule::tool::CronTool::new(
        deps.store.clone(),
    )));
    let defaults = LlmConfig::default();
    let llm = LlmConfig {
        system_prompt: cfg.system_prompt.clone(),
        max_tokens: cfg.max_tokens.unwrap_or(defaults.max_tokens),
        max_tool_rounds: cfg.max_tool_rounds.unwrap_or(defaults.max_tool_rounds),
        roots,
        extensions: Some(ext.clone()),
        ..defaults
    };
    let sessions = Arc::new(StoreSessions(deps.store.clone()));
    let agent = LlmAgent::new(provider, tools, sessions, llm);
    Ok((Arc::new(agent), Some(ext)))
}

/// Every action of the `message` tool, for our shipped skill.
fn action_docs() -> Vec<ActionDoc> {
    openclaw_tools::registry::actions()
        .iter()
        .map(|a| ActionDoc {
            name: a.name.to_owned(),
            description: a.description.to_owned(),
            takes_to: a.takes_to,
            example: a.example.to_owned(),
            input_schema: a.input_schema(),
        })
        .collect()
}

/// The file's key when it gives one (fixed for the run, never logged), else the environment
/// and the state dir's key file, read at each call.
fn key_source(cfg: &AgentConfig, provider: &'static str, state_dir: &Path) -> KeySource {
    match &cfg.api_key {
        Some(key) => KeySource::fixed(provider, ApiKey::new(key.expose())),
        None => KeySource::standard(provider, Some(state_dir)),
    }
}

/// The workspace first (relative paths start there), then every account's download folders.
fn roots(deps: &AgentDeps<'_>, workspace: &Path) -> Vec<PathBuf> {
    let workspace = workspace.to_owned();
    let mut roots = vec![workspace.clone()];
    for a in deps.accounts {
        let dm = a
            .cfg
            .dm_download_dir
            .clone()
            .unwrap_or_else(|| workspace.join("chatdownload"));
        let group = a
            .cfg
            .group_download_dir
            .clone()
            .unwrap_or_else(|| std::env::temp_dir().join("openclaw").join("chatdownload"));
        for dir in [dm, group] {
            if !roots.contains(&dir) {
                roots.push(dir);
            }
        }
    }
    roots
}
