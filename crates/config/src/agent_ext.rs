//! The agent's reach past Lark: `agent.mcpServers` (MCP servers over stdio or streamable
//! HTTP), `agent.skills` and `agent.workspace`. Their schema, typed values and the rules the
//! schema alone cannot say (a server needs exactly one of `command` and `url`).

use std::path::PathBuf;
use std::time::Duration;

use lark::Secret;

use crate::accounts::Ctx;
use crate::error::ConfigError;
use crate::paths::resolve_in;
use crate::schema::{Kind, Schema};
use crate::view::Obj;

/// How long one MCP tool call may take when `timeoutSeconds` is not set.
const DEFAULT_MCP_TIMEOUT: Duration = Duration::from_secs(60);

/// `agent.mcpServers.<name>`: one MCP server whose tools the model may call as
/// `<name>__<tool>`. `Debug` shows environment and header names, never their values.
#[derive(Debug, Clone, PartialEq)]
pub struct McpServer {
    pub name: String,
    pub transport: McpTransport,
    /// The most one tool call may take (`timeoutSeconds`, default 60).
    pub timeout: Duration,
}

/// How an MCP server is reached.
#[derive(Debug, Clone, PartialEq)]
pub enum McpTransport {
    /// A program started by the gateway, speaking MCP on its stdin and stdout.
    Stdio {
        command: String,
        args: Vec<String>,
        env: Vec<(String, Secret)>,
        cwd: Option<PathBuf>,
    },
    /// A running server's streamable HTTP endpoint.
    Http {
        url: String,
        headers: Vec<(String, Secret)>,
    },
}

/// `agent.skills`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SkillsConfig {
    /// Only these skills (by name) are offered; `None`: every skill found.
    pub enabled: Option<Vec<String>>,
    /// More folders of skills, after `<state>/skills/` and `<workspace>/skills/` in precedence
    /// (then OpenClaw's `skills.load.extraDirs`).
    pub dirs: Vec<PathBuf>,
    /// OpenClaw's `skills.entries.<name>.enabled: false`: never offered.
    pub disabled: Vec<String>,
}

/// The schema of `agent.mcpServers`, `agent.skills` and `agent.workspace`.
pub(crate) fn schema_fields() -> Vec<(&'static str, Schema)> {
    let secrets = |placeholder| Schema::Map {
        placeholder,
        reserved: None,
        value: Box::new(Schema::Leaf(Kind::Str)),
    };
    let server = Schema::Object(vec![
        ("command", Schema::Leaf(Kind::Str)),
        ("args", Schema::Leaf(Kind::StrList)),
        ("env", secrets("<VAR>")),
        ("cwd", Schema::Leaf(Kind::Str)),
        ("url", Schema::Leaf(Kind::Str)),
        ("headers", secrets("<Header>")),
        (
            "timeoutSeconds",
            Schema::Leaf(Kind::Number { positive: true }),
        ),
        ("enabled", Schema::Leaf(Kind::Bool)),
    ]);
    vec![
        (
            "mcpServers",
            Schema::Map {
                placeholder: "<name>",
                reserved: None,
                value: Box::new(server),
            },
        ),
        (
            "skills",
            Schema::Object(vec![
                ("enabled", Schema::Leaf(Kind::StrList)),
                ("dirs", Schema::Leaf(Kind::StrList)),
            ]),
        ),
        ("workspace", Schema::Leaf(Kind::Str)),
    ]
}

/// `agent.mcpServers` in file order, enabled ones only.
pub(crate) fn mcp_servers(agent: &Obj<'_>, ctx: &Ctx<'_>) -> Result<Vec<McpServer>, ConfigError> {
    let mut out = Vec::new();
    let servers = agent.obj("mcpServers");
    for (name, s) in servers.entries() {
        let invalid = |key: String, message: String| ConfigError::Invalid {
            file: None,
            key,
            message,
        };
        if !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            || name.contains("__")
        {
            return Err(invalid(
                servers.key(name),
                "a server's name becomes the prefix of its tools' names (`<name>__<tool>`): use \
                 letters, digits, `-` and single `_` only"
                    .into(),
            ));
        }
        if s.bool("enabled") == Some(false) {
            continue;
        }
        let secrets = |key: &str| -> Vec<(String, Secret)> {
            s.obj(key)
                .entries()
                .into_iter()
                .filter_map(|(k, _)| s.obj(key).str(k).map(|v| (k.to_owned(), Secret::new(v))))
                .collect()
        };
        let transport = match (s.text("command"), s.text("url")) {
            (Some(command), None) => McpTransport::Stdio {
                command,
                args: s.strings("args").unwrap_or_default(),
                env: secrets("env"),
                cwd: s.text("cwd").map(|d| resolve_in(&d, ctx.base_dir, ctx.env)),
            },
            (None, Some(url)) if url.starts_with("http://") || url.starts_with("https://") => {
                McpTransport::Http {
                    url,
                    headers: secrets("headers"),
                }
            }
            (None, Some(_)) => {
                return Err(invalid(
                    s.key("url"),
                    "the URL of a streamable HTTP MCP server starts with http:// or https://"
                        .into(),
                ));
            }
            _ => {
                return Err(invalid(
                    s.key("command"),
                    format!(
                        "MCP server {name:?} needs exactly one of `command` (a program speaking \
                         MCP over stdio, with `args` and `env`) or `url` (a streamable HTTP \
                         endpoint, with `headers`)"
                    ),
                ));
            }
        };
        let timeout = match s.f64("timeoutSeconds") {
            None => DEFAULT_MCP_TIMEOUT,
            Some(n) => Duration::try_from_secs_f64(n)
                .map_err(|_| invalid(s.key("timeoutSeconds"), "the number is too large".into()))?,
        };
        out.push(McpServer {
            name: name.to_owned(),
            transport,
            timeout,
        });
    }
    Ok(out)
}

/// `agent.skills`, with OpenClaw's `skills` section and `agents.defaults.skills` (`top` is the
/// file's root): ours name the list first, OpenClaw's add folders and switch skills off.
pub(crate) fn skills(agent: &Obj<'_>, top: &Obj<'_>, ctx: &Ctx<'_>) -> SkillsConfig {
    let skills = agent.obj("skills");
    let theirs = top.obj("skills");
    let dirs = |list: Option<Vec<String>>| -> Vec<PathBuf> {
        list.unwrap_or_default()
            .iter()
            .filter(|d| !d.trim().is_empty())
            .map(|d| resolve_in(d, ctx.base_dir, ctx.env))
            .collect()
    };
    let mut all = dirs(skills.strings("dirs"));
    all.extend(dirs(theirs.obj("load").strings("extraDirs")));
    SkillsConfig {
        enabled: skills
            .strings("enabled")
            .or_else(|| top.obj("agents").obj("defaults").strings("skills")),
        dirs: all,
        disabled: theirs
            .obj("entries")
            .entries()
            .into_iter()
            .filter(|(_, e)| e.bool("enabled") == Some(false))
            .map(|(name, _)| name.to_owned())
            .collect(),
    }
}

pub(crate) fn workspace(agent: &Obj<'_>, ctx: &Ctx<'_>) -> Option<PathBuf> {
    agent
        .text("workspace")
        .map(|d| resolve_in(&d, ctx.base_dir, ctx.env))
}
