//! `openclaw mcp`: an rmcp client lists the message tool's actions and calls two of them, over
//! stdio (the binary as a child process) and over streamable HTTP (`--http`), against lark-sim.

mod common;

use common::*;
use lark_sim::ChatMode;
use rmcp::ServiceExt;
use rmcp::model::CallToolRequestParams;
use rmcp::transport::TokioChildProcess;
use serde_json::{Value, json};

const GROUP: &str = "oc_mcp_team";
const USER: &str = "ou_mcp_dana";

fn args(v: Value) -> serde_json::Map<String, Value> {
    v.as_object().cloned().unwrap_or_default()
}

fn text(r: &rmcp::model::CallToolResult) -> String {
    serde_json::to_value(r).unwrap()["content"][0]["text"]
        .as_str()
        .unwrap_or("")
        .to_owned()
}

/// Lists the tools, sends a message and reacts to it through `client`.
async fn exercise<S: rmcp::service::Service<rmcp::RoleClient>>(
    client: &rmcp::service::RunningService<rmcp::RoleClient, S>,
    sim: &lark_sim::Sim,
) {
    let tools = client.list_all_tools().await.expect("tools listed");
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    for n in [
        "send",
        "react",
        "appendDocument",
        "createBitableRecord",
        "manageDocPermission",
    ] {
        assert!(names.contains(&n), "{n} missing: {names:?}");
    }
    let sent = client
        .call_tool(CallToolRequestParams::new("send").with_arguments(args(
            json!({"to": format!("chat:{GROUP}"), "text": "hello over MCP"}),
        )))
        .await
        .expect("send called");
    assert_ne!(sent.is_error, Some(true), "{}", text(&sent));
    let v: Value = serde_json::from_str(&text(&sent)).unwrap();
    let id = v["messageId"].as_str().unwrap().to_owned();
    let reacted = client
        .call_tool(
            CallToolRequestParams::new("react")
                .with_arguments(args(json!({"messageId": id, "emoji": "DONE"}))),
        )
        .await
        .expect("react called");
    assert_ne!(reacted.is_error, Some(true), "{}", text(&reacted));
    let msgs = sim.state().chat_messages(APP, GROUP).unwrap();
    let m = msgs
        .iter()
        .find(|m| m["message_id"] == id.as_str())
        .unwrap();
    assert_eq!(m["reactions"][0]["emoji_type"], "DONE", "{m}");
    // A custom action given `to` is an error the model can read.
    let wrong = client
        .call_tool(
            CallToolRequestParams::new("listMessages")
                .with_arguments(args(json!({"to": format!("chat:{GROUP}")}))),
        )
        .await
        .expect("called");
    assert_eq!(wrong.is_error, Some(true));
    assert!(text(&wrong).contains("chatId"), "{}", text(&wrong));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mcp_over_stdio() {
    let sim = sim().await;
    seed(sim.state(), APP, GROUP, ChatMode::Group, &[USER]);
    let env = TestEnv::new();
    env.write_config(&config(sim.base_url(), "", ""));
    let mut cmd = env.command(&["mcp"]);
    cmd.env("OPENCLAW_CONFIG_PATH", env.config_file());
    let transport = TokioChildProcess::new(cmd).expect("spawn openclaw mcp");
    let client = ().serve(transport).await.expect("MCP session");
    exercise(&client, &sim).await;
    client.cancel().await.expect("closed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mcp_over_streamable_http() {
    use rmcp::transport::StreamableHttpClientTransport;
    use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
    let sim = sim().await;
    seed(sim.state(), APP, GROUP, ChatMode::Group, &[USER]);
    let env = TestEnv::new();
    env.write_config(&config(sim.base_url(), "", ""));
    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    let mut cmd = env.command(&["mcp", "--http", &addr]);
    cmd.env("OPENCLAW_CONFIG_PATH", env.config_file())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true);
    let _child = cmd.spawn().expect("spawn openclaw mcp --http");
    wait_until("the MCP port", || {
        std::net::TcpStream::connect(&addr).is_ok()
    })
    .await;
    let transport = StreamableHttpClientTransport::from_config(
        StreamableHttpClientTransportConfig::with_uri(format!("http://{addr}/mcp")),
    );
    let client = ().serve(transport).await.expect("MCP session");
    exercise(&client, &sim).await;
    client.cancel().await.expect("closed");
}
