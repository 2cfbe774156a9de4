//! The `message` tool's action groups as an account's switches set them (with the scopes each
//! needs), and the agent's MCP servers: each configured server started, given a bounded time to
//! come up, listed with its state and tool count (or its error and the fix), then stopped.

use std::time::Duration;

use openclaw_agent::mcp::{McpHub, Phase};
use openclaw_config::{Account, Config, McpTransport};
use openclaw_tools::ToolGroups;
use openclaw_tools::groups::GROUPS;

use super::Report;

/// The longest doctor waits for the MCP servers to finish starting.
const MCP_WAIT: Duration = Duration::from_secs(20);

/// The scopes a group's actions need (its main scope first).
fn group_scopes(group: &str) -> &'static str {
    match group {
        "im" => "im:message (group history: im:message.group_msg)",
        "doc" => "docx:document",
        "comment" => "docs:document.comment:read, docs:document.comment:create",
        "wiki" => "wiki:wiki",
        "sheet" => "sheets:spreadsheet",
        "bitable" => "bitable:app",
        "drive" => "drive:drive",
        "perm" => "docs:permission.member:create",
        "calendar" => "calendar:calendar",
        "task" => "task:task:write",
        "chat" => "im:chat:readonly",
        _ => "im:message.reactions:write_only",
    }
}

/// One line per group: on or off (and by which switch), the scopes it needs, and whether the
/// probe found its scope missing.
pub(super) fn groups(a: &Account, scope_missing: &[&str], area: &str, report: &mut Report) {
    let groups = ToolGroups::from_switches(&a.openclaw.tools, a.openclaw.reactions);
    for g in GROUPS {
        let switch = if g == "reaction" {
            "actions.reactions".to_owned()
        } else {
            format!("tools.{g}")
        };
        let state = if groups.enabled(g) {
            "on".to_owned()
        } else {
            format!("off ({}.{switch} is false)", a.channel)
        };
        let missing = if groups.enabled(g) && scope_missing.contains(&g) {
            ", its scope is missing (above)"
        } else {
            ""
        };
        report.ok(
            area,
            format!(
                "message tool group {g}: {state}; needs {}{missing}",
                group_scopes(g)
            ),
        );
    }
}

/// Starts every server of `agent.mcpServers`, waits (bounded) for each to be up or
/// down, reports it, and stops them all (the hub kills its programs when dropped).
pub(super) async fn mcp_servers(config: &Config, report: &mut Report) {
    let specs = &config.agent.mcp_servers;
    if specs.is_empty() {
        return;
    }
    let hub = McpHub::start(specs);
    hub.ready(MCP_WAIT).await;
    for (st, spec) in hub.status().into_iter().zip(specs) {
        let area = format!("mcp {}", st.name);
        let key = format!("agent.mcpServers.{}", st.name);
        let fix = match &spec.transport {
            McpTransport::Stdio { .. } => format!(
                "check {key}.command (installed, on PATH or an absolute path) and its args; run it by hand to see its error"
            ),
            McpTransport::Http { .. } => format!(
                "check {key}.url and headers, and that the server is up and reachable from here"
            ),
        };
        match st.state {
            Phase::Running => report.ok(
                &area,
                format!("running ({}), {} tools", st.transport, st.tools),
            ),
            Phase::Down => report.warn(
                &area,
                format!(
                    "down ({}): {}",
                    st.transport,
                    st.last_error.as_deref().unwrap_or("exited")
                ),
                fix,
            ),
            Phase::Starting => report.warn(
                &area,
                format!(
                    "still starting after {} s ({})",
                    MCP_WAIT.as_secs(),
                    st.transport
                ),
                fix,
            ),
        }
    }
    drop(hub);
}
