//! The agent's reach past Lark, built from `agent.*` in one call: the MCP servers of
//! `agent.mcpServers` (started, their tools offered as `<server>__<tool>`), the `web_fetch`
//! tool, the skills and the workspace files. An [`LlmAgent`](crate::LlmAgent) given these in
//! [`LlmConfig::extensions`](crate::LlmConfig) offers the tools, lists the skills and puts the
//! workspace files in each turn's system prompt; [`Extensions::status`] is what `/status` and
//! `openclaw doctor` show.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use openclaw_config::AgentConfig;

use crate::Turn;
use crate::mcp::{McpHub, McpServerStatus};
use crate::skills::{ShippedSkill, Skill, SkillSources};
use crate::tool::ToolRegistry;
use crate::web::{FetchPolicy, Fetcher, SharedLookup, WebFetchTool};
use crate::workspace::{WorkspaceFiles, WorkspaceStatus};

/// The environment variable that lets tools fetch private and loopback addresses.
pub const ALLOW_PRIVATE_URLS_ENV: &str = "OPENCLAW_ALLOW_PRIVATE_URLS";
/// The longest the first turn waits for MCP servers still starting.
const FIRST_START_WAIT: Duration = Duration::from_secs(15);

/// What the config does not say.
#[derive(Default)]
pub struct ExtensionsOptions {
    /// Fetch loopback and private addresses (see [`allow_private_urls_from_env`]).
    pub allow_private_urls: bool,
    /// The resolver `web_fetch` uses (the system's when `None`).
    pub lookup: Option<SharedLookup>,
    /// Skills we ship (the `message` tool's), replaced by a user's skill of the same name.
    pub shipped: Vec<ShippedSkill>,
}

/// Whether `OPENCLAW_ALLOW_PRIVATE_URLS=1` is set.
pub fn allow_private_urls_from_env() -> bool {
    std::env::var(ALLOW_PRIVATE_URLS_ENV).is_ok_and(|v| v == "1")
}

/// MCP servers, `web_fetch`, skills and workspace files.
pub struct Extensions {
    mcp: Arc<McpHub>,
    skills: SkillSources,
    workspace: WorkspaceFiles,
    web: WebFetchTool,
}

impl std::fmt::Debug for Extensions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Extensions")
            .field("mcp", &self.mcp)
            .field("skills", &self.skills.dirs)
            .field("workspace", &self.workspace.dir())
            .finish()
    }
}

/// Everything [`Extensions::status`] reports.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExtensionsStatus {
    pub mcp_servers: Vec<McpServerStatus>,
    /// Every enabled skill's name.
    pub skills: Vec<String>,
    pub workspace: WorkspaceStatus,
}

impl Extensions {
    /// Starts the MCP servers (in the background, on the current runtime), writes the shipped
    /// skills under `<state>/bundled-skills/`, and creates the workspace folder
    /// (`agent.workspace`, else `<state>/workspace/`).
    pub fn from_config(cfg: &AgentConfig, state_dir: &Path, opts: ExtensionsOptions) -> Extensions {
        let workspace = cfg
            .workspace
            .clone()
            .unwrap_or_else(|| state_dir.join("workspace"));
        let _ = std::fs::create_dir_all(&workspace);
        let mut dirs: Vec<PathBuf> = cfg.skills.dirs.clone();
        dirs.push(state_dir.join("skills"));
        dirs.push(workspace.join("skills"));
        let skills = SkillSources {
            disabled: cfg.skills.disabled.clone(),
            ..SkillSources::with_shipped(
                &state_dir.join("bundled-skills"),
                &opts.shipped,
                dirs,
                cfg.skills.enabled.clone(),
            )
        };
        let mut policy = FetchPolicy {
            allow_private: opts.allow_private_urls,
            ..FetchPolicy::default()
        };
        if let Some(lookup) = opts.lookup {
            policy.lookup = lookup;
        }
        for s in &cfg.mcp_servers {
            tracing::info!(target: "mcp", "[{}] starting MCP server", s.name);
        }
        Extensions {
            mcp: Arc::new(McpHub::start(&cfg.mcp_servers)),
            skills,
            workspace: WorkspaceFiles::new(workspace),
            web: WebFetchTool::new(Fetcher::new(policy)),
        }
    }

    /// Adds `web_fetch` and every MCP server's tools.
    pub fn register_tools(&self, tools: &mut ToolRegistry) {
        tools.register(Arc::new(self.web.clone()));
        if !self.mcp.is_empty() {
            tools.register_set(self.mcp.clone());
        }
    }

    pub fn mcp(&self) -> &McpHub {
        &self.mcp
    }

    /// The workspace folder (relative paths of `read` start there).
    pub fn workspace_dir(&self) -> &Path {
        self.workspace.dir()
    }

    pub fn status(&self) -> ExtensionsStatus {
        ExtensionsStatus {
            mcp_servers: self.mcp.status(),
            skills: self.skills.load(None).into_iter().map(|s| s.name).collect(),
            workspace: self.workspace.status(),
        }
    }

    /// Waits a little for servers still in their first start (the first turn after a start).
    pub(crate) async fn ready(&self) {
        self.mcp.ready(FIRST_START_WAIT).await;
    }

    /// The turn's skills: none when it may not `read` (it could not open them).
    pub(crate) fn skills_for(&self, turn: &Turn, tool_names: &[String]) -> Vec<Skill> {
        if !tool_names.iter().any(|n| n == "read") {
            return Vec::new();
        }
        self.skills.load(turn.skills.as_deref())
    }

    pub(crate) fn workspace_section(&self) -> String {
        self.workspace.prompt_section()
    }
}
