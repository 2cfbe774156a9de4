//! `openclaw mcp [--account NAME] [--http 127.0.0.1:PORT]`: every action of the message tool as
//! an MCP tool, over stdio (default) or streamable HTTP at `/mcp`.

use anyhow::{Context, Result, anyhow};
use clap::Args;
use openclaw_config::Paths;
use openclaw_tools::mcp::McpServer;

#[derive(Args)]
pub struct McpArgs {
    /// The account whose app the tools act as (default: the default account).
    #[arg(long)]
    pub account: Option<String>,
    /// Serve streamable HTTP on this address (at /mcp) instead of stdio.
    #[arg(long, value_name = "ADDR")]
    pub http: Option<String>,
}

pub async fn run(paths: &Paths, args: McpArgs) -> Result<()> {
    let mut tools = super::tool_cli::tools_for(paths, args.account.as_deref())?;
    // Over MCP there is no terminal of ours to draw on (stdout carries the protocol).
    tools = openclaw_tools::Tools::new(
        tools.client().clone(),
        openclaw_tools::ToolSettings {
            progress: None,
            ..tools.settings().clone()
        },
    );
    let server = McpServer::new(tools);
    match args.http {
        None => server
            .serve_stdio()
            .await
            .map_err(|e| anyhow!("MCP over stdio: {e}")),
        Some(addr) => {
            let listener = tokio::net::TcpListener::bind(&addr)
                .await
                .with_context(|| format!("cannot listen on {addr}"))?;
            let local = listener.local_addr()?;
            eprintln!("openclaw mcp listening on http://{local}/mcp");
            let cancel = tokio_util::sync::CancellationToken::new();
            let stop = cancel.clone();
            tokio::spawn(async move {
                let _ = tokio::signal::ctrl_c().await;
                stop.cancel();
            });
            server
                .serve_http(listener, cancel)
                .await
                .map_err(|e| anyhow!("MCP over HTTP: {e}"))
        }
    }
}
