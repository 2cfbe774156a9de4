//! OpenClaw's model settings into [`AgentConfig`]: `agents.defaults.model` (`"<provider>/<model>"`,
//! or `{ primary }`) picks the provider and model; `models.providers.<provider>` gives its
//! `baseUrl`, `apiKey` and `api` (`openai-completions` or `anthropic-messages`, the two wire
//! protocols this gateway speaks). `anthropic/...` and `openai/...` need no provider entry.
//! `agents.defaults.workspace` is the agent's workspace folder.

use lark::Secret;

use crate::accounts::Ctx;
use crate::error::ConfigError;
use crate::paths::resolve_in;
use crate::secret_ref;
use crate::tree::Node;
use crate::types::{AgentConfig, Provider};
use crate::view::Obj;

pub(crate) fn apply(
    agent: &mut AgentConfig,
    top: &Obj<'_>,
    ctx: &Ctx<'_>,
) -> Result<(), ConfigError> {
    let defaults = top.obj("agents").obj("defaults");
    // `agent.workspace`, ours, wins over OpenClaw's `agents.defaults.workspace`.
    if agent.workspace.is_none() {
        agent.workspace = defaults
            .text("workspace")
            .map(|dir| resolve_in(&dir, ctx.base_dir, ctx.env));
    }
    let (key, model_ref) = match defaults.text("model") {
        Some(m) => (defaults.key("model"), m),
        None => match defaults.obj("model").text("primary") {
            Some(m) => (defaults.obj("model").key("primary"), m),
            None => return Ok(()),
        },
    };
    let ours = top.obj("agent");
    for own in ["provider", "model", "baseUrl"] {
        if ours.get(own).is_some() {
            return Err(ConfigError::Conflict {
                file: None,
                first: ours.key(own),
                second: key,
            });
        }
    }
    let invalid = |key: String, message: String| ConfigError::Invalid {
        file: None,
        key,
        message,
    };
    let Some((provider_id, model)) = model_ref
        .split_once('/')
        .filter(|(p, m)| !p.is_empty() && !m.is_empty())
    else {
        return Err(invalid(
            key,
            format!(
                "{model_ref:?} must be \"<provider>/<model>\", such as \"anthropic/claude-sonnet-4-5\" or \"openai/gpt-4o\""
            ),
        ));
    };
    let providers = top.obj("models").obj("providers");
    let entry = providers.obj(provider_id);
    let configured = providers.get(provider_id).is_some();
    agent.provider = match (entry.str("api"), provider_id) {
        (Some("openai-completions"), _) => Provider::OpenAi,
        (Some("anthropic-messages"), _) => Provider::Anthropic,
        (None, "anthropic") => Provider::Anthropic,
        (None, "openai") => Provider::OpenAi,
        (None, _) if configured => {
            return Err(invalid(
                entry.key("api"),
                "set the provider's wire protocol: \"openai-completions\" (OpenAI and compatible servers) or \"anthropic-messages\"".to_owned(),
            ));
        }
        _ => {
            return Err(invalid(
                key,
                format!(
                    "provider {provider_id:?} is not anthropic or openai, and models.providers.{provider_id} is not configured: add it with baseUrl, apiKey and api"
                ),
            ));
        }
    };
    agent.base_url = entry.text("baseUrl");
    if configured && agent.base_url.is_none() && !matches!(provider_id, "anthropic" | "openai") {
        return Err(invalid(
            entry.key("baseUrl"),
            format!(
                "provider {provider_id:?} needs its API's base URL, such as \"http://localhost:11434/v1\""
            ),
        ));
    }
    if let Some(Node::Array(models)) = entry.get("models") {
        let ids: Vec<&str> = models
            .iter()
            .filter_map(|m| match m.get("id") {
                Some(Node::String(id)) => Some(id.as_str()),
                _ => None,
            })
            .collect();
        if !ids.is_empty() && !ids.contains(&model) {
            return Err(invalid(
                key,
                format!(
                    "model {model:?} is not among models.providers.{provider_id}.models ({})",
                    ids.join(", ")
                ),
            ));
        }
    }
    agent.api_key = secret_ref::resolve(&entry, "apiKey", ctx)?.map(Secret::new);
    agent.model = Some(model.to_owned());
    agent.model_ref = Some(model_ref.clone());
    Ok(())
}
