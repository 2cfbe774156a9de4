//! The listeners: the gateway port, and one listener for each `webhookHost`/`webhookPort` the
//! webhook accounts name (accounts naming the same one share it, each on its own path). Every
//! one is bound before intake starts, so a port in use stops the start with the key to change.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use super::StartError;
use super::server;
use crate::account::AccountRt;
use crate::runtime::Ctx;

/// `webhookHost` when an account sets only `webhookPort`, as OpenClaw defaults it.
pub const DEFAULT_WEBHOOK_HOST: &str = "127.0.0.1";

/// Binds the gateway port.
pub(super) async fn bind(addr: SocketAddr) -> Result<(TcpListener, SocketAddr), StartError> {
    let listen = |e: std::io::Error| StartError::Listen {
        addr,
        reason: e.to_string(),
    };
    let listener = TcpListener::bind(addr).await.map_err(listen)?;
    let local = listener.local_addr().map_err(listen)?;
    Ok((listener, local))
}

/// Serves `app` on `listener` until the task is aborted.
pub(super) fn serve(listener: TcpListener, app: Router) -> JoinHandle<()> {
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(target: "gateway", "HTTP server stopped: {e}");
        }
    })
}

/// The webhook listeners of their own, serving; and where each of their accounts listens.
pub(super) async fn own_webhooks(
    ctx: &Arc<Ctx>,
) -> Result<(Vec<JoinHandle<()>>, HashMap<String, SocketAddr>), StartError> {
    let mut by_listener: BTreeMap<(String, u16), Vec<Arc<AccountRt>>> = BTreeMap::new();
    for a in ctx.accounts.iter().filter(|a| a.verifier.is_some()) {
        if let Some(port) = a.cfg.webhook_port {
            let host = a
                .cfg
                .webhook_host
                .clone()
                .unwrap_or_else(|| DEFAULT_WEBHOOK_HOST.to_owned());
            by_listener.entry((host, port)).or_default().push(a.clone());
        }
    }
    let mut servers = Vec::new();
    let mut addrs = HashMap::new();
    for ((host, port), accounts) in by_listener {
        let refused = |e: std::io::Error| StartError::WebhookListen {
            account: accounts[0].id().to_owned(),
            channel: accounts[0].cfg.channel,
            at: format!("{host}:{port}"),
            reason: e.to_string(),
        };
        let listener = TcpListener::bind((host.as_str(), port))
            .await
            .map_err(refused)?;
        let local = listener.local_addr().map_err(refused)?;
        for a in &accounts {
            addrs.insert(a.id().to_owned(), local);
        }
        servers.push(serve(
            listener,
            server::webhook_router(ctx.clone(), &accounts),
        ));
    }
    Ok((servers, addrs))
}
