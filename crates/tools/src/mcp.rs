//! The MCP door: every action as an MCP tool (its own schema), over stdio or streamable HTTP.

use std::sync::Arc;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    InitializeResult, ListToolsResult, PaginatedRequestParams, ServerCapabilities, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler, ServiceExt};
use serde_json::Value;

use crate::registry::actions;
use crate::tools::Tools;

/// The MCP server over one set of tools.
#[derive(Clone, Debug)]
pub struct McpServer {
    tools: Tools,
}

impl McpServer {
    pub fn new(tools: Tools) -> McpServer {
        McpServer { tools }
    }

    /// The MCP tools: one per action.
    pub fn tool_list() -> Vec<Tool> {
        actions()
            .iter()
            .map(|a| {
                let schema = match a.input_schema() {
                    Value::Object(m) => m,
                    _ => Default::default(),
                };
                Tool::new(a.name, a.description, Arc::new(schema))
            })
            .collect()
    }

    /// Serves on stdin/stdout until the client goes away.
    pub async fn serve_stdio(self) -> std::io::Result<()> {
        let running = self
            .serve(rmcp::transport::stdio())
            .await
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        running
            .waiting()
            .await
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        Ok(())
    }

    /// Serves streamable HTTP at `/mcp` on `listener` until `cancel` fires.
    pub async fn serve_http(
        self,
        listener: tokio::net::TcpListener,
        cancel: tokio_util::sync::CancellationToken,
    ) -> std::io::Result<()> {
        use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
        use rmcp::transport::streamable_http_server::{
            StreamableHttpServerConfig, StreamableHttpService,
        };
        let service: StreamableHttpService<McpServer, LocalSessionManager> =
            StreamableHttpService::new(
                move || Ok(self.clone()),
                Default::default(),
                StreamableHttpServerConfig::default().with_cancellation_token(cancel.child_token()),
            );
        let router = axum::Router::new().nest_service("/mcp", service);
        axum::serve(listener, router)
            .with_graceful_shutdown(async move { cancel.cancelled_owned().await })
            .await
    }
}

impl ServerHandler for McpServer {
    fn get_info(&self) -> InitializeResult {
        InitializeResult::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("openclaw", env!("CARGO_PKG_VERSION")))
            .with_instructions(
                "Lark/Feishu actions of the openclaw message tool. Custom actions take chatId \
                 (oc_xxx); only send/reply/react/sendAttachment take `to`.",
            )
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        // Actions of a group switched off are not offered.
        let groups = &self.tools.settings().groups;
        let tools = McpServer::tool_list()
            .into_iter()
            .filter(|t| groups.allows(&t.name))
            .collect();
        Ok(ListToolsResult::with_all_items(tools))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let mut args = request.arguments.unwrap_or_default();
        // The tool name is the action, unless the arguments are the document's duplicated-key
        // permission call.
        if !(args.contains_key("docToken") && args.contains_key("action")) {
            args.insert("action".into(), Value::String(request.name.to_string()));
        }
        let out = self.tools.dispatch(Value::Object(args)).await;
        let result = match out.result {
            Ok(v) => CallToolResult::success(vec![ContentBlock::text(v.to_string())]),
            Err(e) => CallToolResult::error(vec![ContentBlock::text(e)]),
        };
        Ok(result.into())
    }
}
