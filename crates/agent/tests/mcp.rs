//! The MCP client against real servers written on the official Python SDK
//! (`tests/mcp/calc.py`, from the peers virtualenv of `scripts/peers-setup`): a scripted model
//! calls `calc__add`, the result reaches it; the server killed mid-run makes its tools answer
//! "unavailable" until the restart; a group's `tools.deny` hides them; no server secret is
//! ever logged.

mod common;

use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::ext::*;
use common::*;
use openclaw_agent::mcp::Phase;
use openclaw_agent::{Agent, ExtensionsOptions, collect};
use tokio::io::AsyncBufReadExt;

const ENV_SECRET: &str = "tok-s3cret-env-value";
const HEADER_SECRET: &str = "hdr-s3cret-header-value";

fn python() -> PathBuf {
    let dir = std::env::var("OPENCLAW_PEERS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(std::env::var("HOME").unwrap_or_else(|_| "/root".into()))
                .join(".cache/openclaw/peers")
        });
    let py = dir.join("venv/bin/python");
    assert!(
        py.exists(),
        "the MCP Python SDK is not installed at {}: run scripts/peers-setup (scripts/test runs it)",
        py.display()
    );
    py
}

fn calc_script() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/mcp/calc.py").to_owned()
}

/// Every log line of the test's thread (the runtime is current-thread, so its tasks too).
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Logs {
    fn capture(&self) -> tracing::subscriber::DefaultGuard {
        let logs = self.clone();
        let sub = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .with_writer(move || logs.clone())
            .finish();
        tracing::subscriber::set_default(sub)
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// One turn whose model calls `tool` with `input` and then answers `answer`: the tool's result
/// as the model got it.
async fn call_once(
    server: &Server,
    agent: &impl Agent,
    t: openclaw_agent::Turn,
    tool: &str,
    input: &str,
) -> (String, bool) {
    server.push(Reply::sse(tool_round("toolu_x", tool, input)));
    server.push(Reply::sse(a_answer(&["done"])));
    let before = server.requests().len();
    assert_eq!(collect(agent.run(t)).await.unwrap(), "done");
    let reqs = server.requests();
    assert_eq!(reqs.len(), before + 2);
    tool_result(&reqs[before + 1].body)
}

#[tokio::test]
async fn a_stdio_server_is_called_filtered_killed_and_restarted() {
    let logs = Logs::default();
    let _guard = logs.capture();
    let state = tempfile::tempdir().unwrap();
    let pid_file = state.path().join("calc.pid");
    let block = state.path().join("calc.block");
    let cfg = agent_config(
        &format!(
            r#"{{ mcpServers: {{ calc: {{ command: {py:?}, args: [{script:?}, "stdio"],
                 env: {{ TOKEN: "{ENV_SECRET}", CALC_PID_FILE: {pid:?}, CALC_BLOCK_FILE: {block:?} }},
                 timeoutSeconds: 20 }} }} }}"#,
            py = python(),
            script = calc_script(),
            pid = pid_file,
            block = block,
        ),
        state.path(),
    );
    let ext = extensions(&cfg, state.path(), ExtensionsOptions::default());
    let server = Server::start(vec![
        Reply::sse(tool_round("toolu_1", "calc__add", r#"{"a": 2, "b": 40}"#)),
        Reply::sse(a_answer(&["2 + 40 = ", "42"])),
    ])
    .await;
    let agent = agent(&server, ext.clone());

    // The first turn waits for the server's first start, offers its tools, runs the call.
    let answer = collect(agent.run(turn("lark:default:dm:ou_user", "om_1", "2+40?")))
        .await
        .unwrap();
    assert_eq!(answer, "2 + 40 = 42");
    let reqs = server.requests();
    let tools = reqs[0].body["tools"].as_array().unwrap().clone();
    let add = tools
        .iter()
        .find(|t| t["name"] == "calc__add")
        .expect("calc__add offered");
    assert_eq!(add["input_schema"]["properties"]["a"]["type"], "integer");
    assert!(
        add["description"]
            .as_str()
            .unwrap()
            .contains("Add two integers")
    );
    assert_eq!(tool_result(&reqs[1].body), ("42".to_owned(), false));
    let st = &ext.status().mcp_servers[0];
    assert_eq!(
        (st.name.as_str(), st.transport, st.state, st.tools),
        ("calc", "stdio", Phase::Running, 5)
    );

    // The environment reaches the server (it tells its length, never its value).
    let t = turn("lark:default:dm:ou_user", "om_2", "token?");
    let (text, _) = call_once(&server, &agent, t, "calc__token_len", "{}").await;
    assert_eq!(text, ENV_SECRET.len().to_string());

    // A result far over the cap is cut, and the model is told.
    let t = turn("lark:default:dm:ou_user", "om_3", "big");
    let (text, is_error) = call_once(&server, &agent, t, "calc__big", "{}").await;
    assert!(!is_error);
    assert!(
        text.ends_with("[cut: the result was 200000 characters; only the first 50000 are shown]"),
        "{}",
        &text[text.len() - 200..]
    );

    // One group denies the server's tools: not offered there, and refused if called anyway;
    // another group is offered them.
    let mut denied = turn("lark:default:group:oc_ops", "om_4", "2+2?");
    denied.chat_id = "oc_ops".into();
    denied.tools.deny = vec!["calc__*".into()];
    let (text, is_error) =
        call_once(&server, &agent, denied, "calc__add", r#"{"a":2,"b":2}"#).await;
    assert!(
        is_error && text.contains("no tool named \"calc__add\""),
        "{text}"
    );
    let reqs = server.requests();
    let offered = tool_names(&reqs[reqs.len() - 2].body);
    assert!(
        !offered.iter().any(|n| n.starts_with("calc__")),
        "{offered:?}"
    );
    assert!(offered.contains(&"read".to_owned()) && offered.contains(&"web_fetch".to_owned()));
    let other = turn("lark:default:group:oc_dev", "om_5", "2+3?");
    let (text, _) = call_once(&server, &agent, other, "calc__add", r#"{"a":2,"b":3}"#).await;
    assert_eq!(text, "5");
    let reqs = server.requests();
    assert!(tool_names(&reqs[reqs.len() - 2].body).contains(&"calc__add".to_owned()));

    // The server offers another tool and says so: it is listed again and offered.
    let t = turn("lark:default:dm:ou_user", "om_5b", "grow");
    let (text, _) = call_once(&server, &agent, t, "calc__grow", "{}").await;
    assert_eq!(text, "mul added");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while ext.status().mcp_servers[0].tools != 6 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the new tool was never listed"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let t = turn("lark:default:dm:ou_user", "om_5c", "6*7?");
    let (text, _) = call_once(&server, &agent, t, "calc__mul", r#"{"a":6,"b":7}"#).await;
    assert_eq!(text, "42");

    // Killed mid-run (and unable to start again for now): its tools answer "unavailable".
    std::fs::write(&block, "").unwrap();
    let pid: i32 = std::fs::read_to_string(&pid_file)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    // SAFETY: kill(2) on the pid of the server this test started.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGKILL) }, 0);
    assert!(
        ext.mcp()
            .wait_for("calc", Phase::Down, Duration::from_secs(20))
            .await
    );
    let t = turn("lark:default:dm:ou_user", "om_6", "2+40?");
    let (text, is_error) = call_once(&server, &agent, t, "calc__add", r#"{"a":2,"b":40}"#).await;
    assert!(
        is_error && text.contains("unavailable") && text.contains("calc"),
        "{text}"
    );
    let reqs = server.requests();
    assert!(tool_names(&reqs[reqs.len() - 2].body).contains(&"calc__add".to_owned()));

    // Able to start again: restarted with backoff, and it works.
    std::fs::remove_file(&block).unwrap();
    assert!(
        ext.mcp()
            .wait_for("calc", Phase::Running, Duration::from_secs(60))
            .await
    );
    let t = turn("lark:default:dm:ou_user", "om_7", "2+40?");
    let (text, is_error) = call_once(&server, &agent, t, "calc__add", r#"{"a":2,"b":40}"#).await;
    assert_eq!((text.as_str(), is_error), ("42", false));
    assert!(ext.status().mcp_servers[0].restarts >= 1);

    // The logs tell the story, without the server's secret.
    let logs = logs.text();
    assert!(
        logs.contains("[calc] connected (stdio): 5 tool(s)"),
        "{logs}"
    );
    assert!(
        logs.contains("[calc] its tools changed: 6 tool(s)"),
        "{logs}"
    );
    assert!(logs.contains("[calc] unavailable"), "{logs}");
    assert!(!logs.contains(ENV_SECRET), "the env secret was logged");
    assert!(!format!("{cfg:?}{ext:?}").contains(ENV_SECRET));
}

#[tokio::test]
async fn a_call_longer_than_timeout_seconds_is_stopped() {
    let state = tempfile::tempdir().unwrap();
    let cfg = agent_config(
        &format!(
            r#"{{ mcpServers: {{ calc: {{ command: {py:?}, args: [{script:?}, "stdio"], timeoutSeconds: 1 }} }} }}"#,
            py = python(),
            script = calc_script(),
        ),
        state.path(),
    );
    let ext = extensions(&cfg, state.path(), ExtensionsOptions::default());
    assert!(
        ext.mcp()
            .wait_for("calc", Phase::Running, Duration::from_secs(60))
            .await
    );
    let server = Server::start(vec![]).await;
    let agent = agent(&server, ext.clone());
    let t = turn("lark:default:dm:ou_user", "om_1", "slow");
    let (text, is_error) = call_once(&server, &agent, t, "calc__slow", r#"{"seconds": 30}"#).await;
    assert!(is_error, "{text}");
    assert_eq!(
        text,
        "calc__slow took longer than 1 s and was stopped; try a smaller request"
    );
    // A timeout is the call's, not the server's: it stays up.
    assert_eq!(ext.status().mcp_servers[0].state, Phase::Running);
}

/// Starts `calc.py http PORT` and returns it with the port it listens on.
async fn http_server(port: u16) -> (tokio::process::Child, u16) {
    let mut child = tokio::process::Command::new(python())
        .args([calc_script(), "http".into(), port.to_string()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
        .await
        .expect("the server printed its port")
        .unwrap()
        .unwrap();
    let port = line.strip_prefix("PORT ").unwrap().parse().unwrap();
    (child, port)
}

#[tokio::test]
async fn a_streamable_http_server_is_called_lost_and_found_again() {
    let logs = Logs::default();
    let _guard = logs.capture();
    let (mut first, port) = http_server(0).await;
    let state = tempfile::tempdir().unwrap();
    let cfg = agent_config(
        &format!(
            r#"{{ mcpServers: {{ calc: {{ url: "http://127.0.0.1:{port}/mcp",
                 headers: {{ Authorization: "Bearer {HEADER_SECRET}" }}, timeoutSeconds: 20 }} }} }}"#
        ),
        state.path(),
    );
    let ext = extensions(&cfg, state.path(), ExtensionsOptions::default());
    assert!(
        ext.mcp()
            .wait_for("calc", Phase::Running, Duration::from_secs(60))
            .await
    );
    let server = Server::start(vec![]).await;
    let agent = agent(&server, ext.clone());

    let t = turn("lark:default:dm:ou_user", "om_1", "2+40?");
    let (text, is_error) = call_once(&server, &agent, t, "calc__add", r#"{"a":2,"b":40}"#).await;
    assert_eq!(
        (text.as_str(), is_error),
        ("42", false),
        "{:?}",
        ext.status()
    );
    assert_eq!(ext.status().mcp_servers[0].transport, "http");

    // The server goes away: the call says its tool is unavailable.
    first.kill().await.unwrap();
    let t = turn("lark:default:dm:ou_user", "om_2", "2+40?");
    let (text, is_error) = call_once(&server, &agent, t, "calc__add", r#"{"a":2,"b":40}"#).await;
    assert!(is_error && text.contains("unavailable"), "{text}");
    assert!(
        ext.mcp()
            .wait_for("calc", Phase::Down, Duration::from_secs(20))
            .await
    );

    // Back on the same port: reconnected with backoff, and it works again.
    let (_second, again) = http_server(port).await;
    assert_eq!(again, port);
    assert!(
        ext.mcp()
            .wait_for("calc", Phase::Running, Duration::from_secs(60))
            .await
    );
    let t = turn("lark:default:dm:ou_user", "om_3", "2+40?");
    let (text, is_error) = call_once(&server, &agent, t, "calc__add", r#"{"a":2,"b":40}"#).await;
    assert_eq!((text.as_str(), is_error), ("42", false));

    let logs = logs.text();
    assert!(logs.contains("[calc] connected (http)"), "{logs}");
    assert!(
        !logs.contains(HEADER_SECRET),
        "the header secret was logged"
    );
    assert!(!format!("{cfg:?}{ext:?}").contains(HEADER_SECRET));
}
