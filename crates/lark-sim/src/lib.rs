//! `lark-sim`: a local Lark / Feishu Open Platform.
//!
//! It serves, on one port, the REST API under `/open-apis/...`, the long-connection bootstrap
//! (`POST /callback/ws/endpoint`) and websocket, webhook pushes to apps in webhook mode, and a
//! control API under `/_sim/...` to act as users and to inspect what a bot did. Its fidelity is
//! proven by the official SDKs talking to it in the test suite.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let sim = lark_sim::Sim::start("127.0.0.1:0", Default::default()).await?;
//! sim.state().add_app(lark_sim::AppSpec::websocket("cli_a1b2c3d4e5f60718", "secret"));
//! println!("{}", sim.base_url());
//! # Ok(()) }
//! ```

pub mod auth;
pub mod calls;
pub mod contact;
pub mod control;
pub mod delivery;
pub mod error;
pub mod events;
pub mod ids;
pub mod im;
pub mod limits;
pub mod state;
pub mod tls;
pub mod unrouted;
pub mod web;
pub mod workspace;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use tokio::net::TcpListener;
use tokio::sync::watch;

pub use calls::{CallRecord, FailRule};
pub use contact::{FamilyChange, ScopeChange, UserSpec};
pub use control::{
    CardAction, CardOutcome, Injected, Person, SeedChat, SimError, UserMessage, UserReaction,
};
pub use delivery::{Attempt, DeliveryRecord, DeliveryStatus, Outcome};
pub use im::store::ChatMode;
pub use state::{App, AppSpec, DeliveryMode, RedeliveryPolicy, SimConfig, SimState};
pub use tls::Tls;

impl AppSpec {
    /// An app that receives its events over the long connection.
    pub fn websocket(app_id: &str, app_secret: &str) -> Self {
        AppSpec {
            app_id: app_id.to_owned(),
            app_secret: app_secret.to_owned(),
            encrypt_key: None,
            verification_token: None,
            mode: DeliveryMode::Websocket,
            webhook_url: None,
            bot_name: None,
        }
    }

    /// An app whose events are POSTed to `webhook_url`, encrypted with `encrypt_key` when set.
    pub fn webhook(
        app_id: &str,
        app_secret: &str,
        webhook_url: &str,
        encrypt_key: Option<&str>,
        verification_token: Option<&str>,
    ) -> Self {
        AppSpec {
            app_id: app_id.to_owned(),
            app_secret: app_secret.to_owned(),
            encrypt_key: encrypt_key.map(str::to_owned),
            verification_token: verification_token.map(str::to_owned),
            mode: DeliveryMode::Webhook,
            webhook_url: Some(webhook_url.to_owned()),
            bot_name: None,
        }
    }
}

/// A running simulator. Dropping it stops the server.
pub struct Sim {
    addr: SocketAddr,
    state: Arc<SimState>,
    /// The PEM a client must trust, and its file, when serving TLS.
    trust: Option<(String, std::path::PathBuf)>,
    _cert_dir: Option<tls::TempDir>,
    _shutdown: watch::Sender<()>,
}

impl Sim {
    /// Binds `addr` (port 0 picks a free port) and serves plain HTTP until the `Sim` is dropped.
    pub async fn start(addr: &str, config: SimConfig) -> std::io::Result<Sim> {
        Self::start_with(addr, config, None).await
    }

    /// Like [`Sim::start`], serving HTTPS and WSS instead; [`Sim::certificate_pem`] is what a
    /// client must trust.
    pub async fn start_tls(addr: &str, config: SimConfig, tls: Tls) -> std::io::Result<Sim> {
        Self::start_with(addr, config, Some(tls)).await
    }

    /// [`Sim::start`] when `tls` is `None`, [`Sim::start_tls`] otherwise.
    pub async fn start_with(
        addr: &str,
        config: SimConfig,
        tls: Option<Tls>,
    ) -> std::io::Result<Sim> {
        // Webhook pushes and TLS use rustls; pick its provider explicitly (a no-op when one is set).
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let prepared = tls.map(|t| tls::prepare(&t, addr)).transpose()?;
        let scheme = if prepared.is_some() { "https" } else { "http" };
        let state = Arc::new(SimState::new(config, format!("{scheme}://{addr}")));
        let (tx, mut rx) = watch::channel(());
        let app = router(state.clone());
        let stop = async move {
            let _ = rx.changed().await;
        };
        let (trust, cert_dir) = match prepared {
            None => {
                tokio::spawn(async move {
                    let _ = axum::serve(
                        listener,
                        app.into_make_service_with_connect_info::<SocketAddr>(),
                    )
                    .with_graceful_shutdown(stop)
                    .await;
                });
                (None, None)
            }
            Some(p) => {
                use axum::serve::ListenerExt;
                let listener = tls::TlsListener::new(listener, p.acceptor)?.tap_io(|_| {});
                tokio::spawn(async move {
                    let _ = axum::serve(
                        listener,
                        app.into_make_service_with_connect_info::<SocketAddr>(),
                    )
                    .with_graceful_shutdown(stop)
                    .await;
                });
                (Some((p.trust_pem, p.trust_path)), p.dir)
            }
        };
        Ok(Sim {
            addr,
            state,
            trust,
            _cert_dir: cert_dir,
            _shutdown: tx,
        })
    }

    /// The PEM certificate a client must trust when the simulator serves TLS.
    pub fn certificate_pem(&self) -> Option<&str> {
        self.trust.as_ref().map(|(pem, _)| pem.as_str())
    }

    /// The file holding [`Sim::certificate_pem`].
    pub fn certificate_path(&self) -> Option<&Path> {
        self.trust.as_ref().map(|(_, path)| path.as_path())
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` (`https://` with TLS): the base URL to give a client instead of the
    /// platform's domain.
    pub fn base_url(&self) -> &str {
        &self.state.base_url
    }

    pub fn state(&self) -> &Arc<SimState> {
        &self.state
    }
}

/// Every route of the simulator: the platform's (with the call log and injected failures around
/// them), the long connection, and the control API.
pub fn router(state: Arc<SimState>) -> Router {
    let platform = Router::new()
        .route(
            "/open-apis/auth/v3/tenant_access_token/internal",
            post(auth::tenant_access_token),
        )
        .route(
            "/open-apis/auth/v3/app_access_token/internal",
            post(auth::app_access_token),
        )
        .route("/callback/ws/endpoint", post(delivery::ws::endpoint))
        .merge(im::routes())
        .merge(contact::routes())
        .merge(workspace::routes())
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            contact::enforce_scopes,
        ))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            limits::enforce,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            calls::inject_faults,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            calls::record_calls,
        ));
    // The chat page at `/` refreshes whenever a request or a delivery changed something.
    let changes = web::Changes::default();
    Router::new()
        .merge(platform)
        .route("/ws/v2", get(delivery::ws::upgrade))
        .merge(control::routes())
        .merge(workspace::control_routes())
        .merge(contact::control_routes())
        .merge(unrouted::routes())
        .fallback(unrouted::fallback)
        .merge(web::routes(changes.clone()))
        .layer(axum::middleware::from_fn_with_state(
            changes,
            web::track_changes,
        ))
        .with_state(state)
}
