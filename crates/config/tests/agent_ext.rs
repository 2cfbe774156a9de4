//! `agent.mcpServers`, `agent.skills` and `agent.workspace`: typed values, the rules, and no
//! server secret in errors, `Debug` or `config get`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use openclaw_config::{ConfigError, Format, McpTransport, edit, parse};

fn no_env(_: &str) -> Option<String> {
    None
}

fn json5(text: &str) -> Result<openclaw_config::Config, ConfigError> {
    parse(text, Format::Json5, &no_env, Path::new("/etc/oc"))
}

#[test]
fn servers_skills_and_workspace_are_read_in_file_order() {
    let c = json5(
        r#"{ agent: {
            mcpServers: {
              calc: { command: "python3", args: ["calc.py"], env: { TOKEN: "s3cret-env" } },
              search: { url: "https://mcp.example.com/mcp", headers: { Authorization: "Bearer s3cret-hdr" }, timeoutSeconds: 5 },
              off: { command: "x", enabled: false },
            },
            skills: { enabled: ["lark-message", "notes"], dirs: ["skills", "/opt/skills"] },
            workspace: "ws",
        } }"#,
    )
    .unwrap();
    let a = &c.agent;
    let names: Vec<&str> = a.mcp_servers.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["calc", "search"]);
    assert_eq!(a.mcp_servers[0].timeout, Duration::from_secs(60));
    assert_eq!(a.mcp_servers[1].timeout, Duration::from_secs(5));
    match &a.mcp_servers[0].transport {
        McpTransport::Stdio {
            command, args, env, ..
        } => {
            assert_eq!(command, "python3");
            assert_eq!(args, &["calc.py"]);
            assert_eq!(env[0].0, "TOKEN");
            assert_eq!(env[0].1.expose(), "s3cret-env");
        }
        other => panic!("{other:?}"),
    }
    assert!(
        matches!(&a.mcp_servers[1].transport, McpTransport::Http { url, .. } if url == "https://mcp.example.com/mcp")
    );
    let debug = format!("{c:?}");
    assert!(!debug.contains("s3cret"), "{debug}");
    assert!(debug.contains("TOKEN") && debug.contains("Authorization"));
    assert_eq!(
        a.skills.enabled.as_deref(),
        Some(&["lark-message".to_owned(), "notes".to_owned()][..])
    );
    assert_eq!(
        a.skills.dirs,
        [
            PathBuf::from("/etc/oc/skills"),
            PathBuf::from("/opt/skills")
        ]
    );
    assert_eq!(a.workspace, Some(PathBuf::from("/etc/oc/ws")));

    let empty = json5("").unwrap();
    assert!(empty.agent.mcp_servers.is_empty() && empty.agent.skills.enabled.is_none());
}

#[test]
fn a_server_needs_one_of_command_and_url_and_a_tool_safe_name() {
    let err = json5(r#"{ agent: { mcpServers: { calc: { args: ["x"] } } } }"#).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("agent.mcpServers.calc.command") && text.contains("`url`"),
        "{text}"
    );

    let err = json5(r#"{ agent: { mcpServers: { calc: { command: "a", url: "http://x" } } } }"#)
        .unwrap_err();
    assert!(err.to_string().contains("exactly one"), "{err}");

    let err = json5(r#"{ agent: { mcpServers: { c: { url: "ftp://x" } } } }"#).unwrap_err();
    assert!(err.to_string().contains("agent.mcpServers.c.url"), "{err}");

    let err = json5(r#"{ agent: { mcpServers: { "my tools": { command: "a" } } } }"#).unwrap_err();
    assert!(err.to_string().contains("letters, digits"), "{err}");

    let err = json5(r#"{ agent: { mcpServers: { c: { comand: "a" } } } }"#).unwrap_err();
    assert!(err.to_string().contains("did you mean"), "{err}");

    // A wrong type for a secret never shows the value.
    let err = json5(r#"{ agent: { mcpServers: { c: { command: "a", env: { T: 12345678 } } } } }"#)
        .unwrap_err();
    assert!(
        err.to_string().contains("agent.mcpServers.c.env.T"),
        "{err}"
    );
}

#[test]
fn config_get_redacts_env_and_header_values() {
    let value = serde_json::json!({
        "calc": { "command": "python3", "env": { "TOKEN": "s3cret" } },
        "web": { "url": "https://x/mcp", "headers": { "Authorization": "Bearer s3cret" } }
    });
    let shown = edit::redact_for_display("agent.mcpServers", &value).to_string();
    assert!(!shown.contains("s3cret"), "{shown}");
    assert!(shown.contains("TOKEN") && shown.contains("python3"));
    let one = edit::redact_for_display(
        "agent.mcpServers.calc.env.TOKEN",
        &serde_json::json!("s3cret"),
    );
    assert_eq!(one, serde_json::json!("<redacted>"));
}
