//! The simulator's state: its settings, the apps (each its own tenant with a bot), and the
//! tokens it has issued. Everything sits behind short-lived `std::sync::Mutex` locks that are
//! never held across an `.await`.

use std::collections::HashMap;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use serde::Deserialize;

use crate::error::ApiError;

/// How an app receives its events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryMode {
    #[default]
    Websocket,
    Webhook,
}

/// What defines an app: its credentials and how events reach it.
#[derive(Debug, Clone, Deserialize)]
pub struct AppSpec {
    pub app_id: String,
    pub app_secret: String,
    #[serde(default)]
    pub encrypt_key: Option<String>,
    #[serde(default)]
    pub verification_token: Option<String>,
    #[serde(default)]
    pub mode: DeliveryMode,
    #[serde(default)]
    pub webhook_url: Option<String>,
    /// The bot's display name (`bot.app_name`); defaults to a name derived from the app id.
    #[serde(default)]
    pub bot_name: Option<String>,
}

/// Redelivery of events that were not acknowledged in time.
#[derive(Debug, Clone)]
pub struct RedeliveryPolicy {
    /// How long the platform waits for an ACK (3 s on the real platform).
    pub ack_timeout: Duration,
    /// The waits before each retry (15 s, 5 min, 1 h, 6 h on the real platform).
    pub schedule: Vec<Duration>,
}

impl Default for RedeliveryPolicy {
    fn default() -> Self {
        RedeliveryPolicy {
            ack_timeout: Duration::from_secs(3),
            schedule: vec![
                Duration::from_secs(15),
                Duration::from_secs(5 * 60),
                Duration::from_secs(60 * 60),
                Duration::from_secs(6 * 60 * 60),
            ],
        }
    }
}

/// Settings of one simulator instance.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Lifetime of issued access tokens (`expire`); 2 h on the real platform.
    pub token_ttl: Duration,
    pub redelivery: RedeliveryPolicy,
    /// Event payloads larger than this are split across several data frames (`sum`/`seq`).
    pub fragment_size: usize,
    /// The long connection's client config sent in the endpoint answer and in pongs.
    pub ping_interval_secs: i64,
    pub reconnect_interval_secs: i64,
    pub reconnect_nonce_secs: i64,
    pub reconnect_count: i64,
    /// At most this many websocket connections per app (50 on the real platform).
    pub max_connections: usize,
    /// Enforce 5 sends per second per chat (99991400 / HTTP 429) when true.
    pub rate_limit: bool,
    /// Enforce the platform's budgets per API and per resource as well (`crate::limits`).
    pub platform_limits: bool,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            token_ttl: Duration::from_secs(7200),
            redelivery: RedeliveryPolicy::default(),
            fragment_size: 64 * 1024,
            ping_interval_secs: 120,
            reconnect_interval_secs: 120,
            reconnect_nonce_secs: 30,
            reconnect_count: -1,
            max_connections: 50,
            rate_limit: false,
            platform_limits: false,
        }
    }
}

/// One app: a tenant with a bot.
pub struct App {
    pub spec: AppSpec,
    pub tenant_key: String,
    pub bot_open_id: String,
    pub bot_name: String,
    /// Documents, sheets, bitables, drive files, permissions and CardKit cards.
    pub workspace: Mutex<crate::workspace::Workspace>,
    /// Chats, messages, reactions, pins, images and files.
    pub im: Mutex<crate::im::ImStore>,
    /// Long connections, event deliveries and delivery faults.
    pub runtime: crate::delivery::Runtime,
    /// Which scopes the app has been granted (all of them unless a test revokes some).
    pub scopes: crate::contact::Scopes,
    /// Which workspace scope families the app holds (all unless a test withholds some).
    pub families: crate::contact::Families,
}

impl App {
    pub fn new(spec: AppSpec) -> Self {
        let suffix = spec.app_id.trim_start_matches("cli_").to_owned();
        let bot_name = spec
            .bot_name
            .clone()
            .unwrap_or_else(|| format!("Bot {suffix}"));
        App {
            tenant_key: format!("tenant_{suffix}"),
            bot_open_id: format!("ou_bot_{suffix}"),
            bot_name,
            workspace: Mutex::new(Default::default()),
            im: Mutex::new(Default::default()),
            runtime: Default::default(),
            scopes: Default::default(),
            families: Default::default(),
            spec,
        }
    }
}

/// An issued access token.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub app_id: String,
    pub expires_at: Instant,
}

/// The whole simulator.
pub struct SimState {
    pub config: RwLock<SimConfig>,
    pub apps: RwLock<HashMap<String, Arc<App>>>,
    pub tokens: Mutex<HashMap<String, IssuedToken>>,
    /// `http://127.0.0.1:PORT`, once bound.
    pub base_url: String,
    /// Every `/open-apis` and endpoint call, oldest first (bounded).
    pub calls: Mutex<std::collections::VecDeque<crate::calls::CallRecord>>,
    /// Injected failures for the next calls matching a path.
    pub faults: Mutex<Vec<crate::calls::FailRule>>,
    pub(crate) next_conn_id: AtomicU64,
    /// Used for webhook pushes.
    pub(crate) http: reqwest::Client,
    /// The budgets counted under `platform_limits`.
    pub(crate) limits: crate::limits::Counters,
    /// What the program behind an app tells the chat page about itself (its scheduled jobs),
    /// by app and name; shown in the page's inspector as it was last set.
    page_notes: Mutex<HashMap<(String, String), serde_json::Value>>,
    /// Counts page note changes, so the page shows them (see `web::live`); a watch, so a
    /// change between two looks is not missed.
    pub(crate) page_notes_rev: tokio::sync::watch::Sender<u64>,
}

impl SimState {
    pub fn new(config: SimConfig, base_url: String) -> Self {
        SimState {
            config: RwLock::new(config),
            apps: RwLock::new(HashMap::new()),
            tokens: Mutex::new(HashMap::new()),
            base_url,
            calls: Mutex::new(Default::default()),
            faults: Mutex::new(Vec::new()),
            next_conn_id: AtomicU64::new(1),
            limits: Default::default(),
            page_notes: Mutex::new(HashMap::new()),
            page_notes_rev: tokio::sync::watch::channel(0).0,
            http: reqwest::Client::builder()
                .no_proxy()
                .build()
                .unwrap_or_default(),
        }
    }

    /// Sets what the chat page's inspector shows under `name` for `app_id` (a gateway running
    /// with an embedded sim hands over its scheduled jobs as `jobs`).
    pub fn set_page_note(&self, app_id: &str, name: &str, value: serde_json::Value) {
        let key = (app_id.to_owned(), name.to_owned());
        let old = self
            .page_notes
            .lock()
            .expect("page notes lock")
            .insert(key, value.clone());
        if old.as_ref() != Some(&value) {
            self.page_notes_rev.send_modify(|n| *n = n.wrapping_add(1));
        }
    }

    /// What [`SimState::set_page_note`] last set, if anything.
    pub fn page_note(&self, app_id: &str, name: &str) -> Option<serde_json::Value> {
        self.page_notes
            .lock()
            .expect("page notes lock")
            .get(&(app_id.to_owned(), name.to_owned()))
            .cloned()
    }

    pub fn config(&self) -> SimConfig {
        self.config.read().expect("config lock").clone()
    }

    pub fn app(&self, app_id: &str) -> Option<Arc<App>> {
        self.apps.read().expect("apps lock").get(app_id).cloned()
    }

    /// Every app, in no particular order.
    pub fn apps_snapshot(&self) -> Vec<Arc<App>> {
        self.apps
            .read()
            .expect("apps lock")
            .values()
            .cloned()
            .collect()
    }

    /// What a delivery task needs from the current settings.
    pub(crate) fn dispatch_ctx(&self) -> crate::delivery::DispatchCtx {
        let cfg = self.config();
        crate::delivery::DispatchCtx {
            policy: cfg.redelivery,
            fragment_size: cfg.fragment_size,
            http: self.http.clone(),
        }
    }

    /// Adds (or replaces) an app.
    pub fn add_app(&self, spec: AppSpec) -> Arc<App> {
        let app = Arc::new(App::new(spec));
        self.apps
            .write()
            .expect("apps lock")
            .insert(app.spec.app_id.clone(), app.clone());
        app
    }

    /// Issues a token for `app_id` valid for the configured lifetime.
    pub fn issue_token(&self, app_id: &str, prefix: &str) -> (String, Duration) {
        let ttl = self.config().token_ttl;
        let token = format!("{prefix}{}", uuid::Uuid::new_v4().simple());
        self.tokens.lock().expect("tokens lock").insert(
            token.clone(),
            IssuedToken {
                app_id: app_id.to_owned(),
                expires_at: Instant::now() + ttl,
            },
        );
        (token, ttl)
    }

    /// The app a bearer token belongs to, or the platform's error for it.
    pub fn app_for_token(&self, token: &str) -> Result<Arc<App>, ApiError> {
        if !(token.starts_with("t-") || token.starts_with("u-") || token.starts_with("a-")) {
            return Err(ApiError::bad_token_format());
        }
        let issued = self
            .tokens
            .lock()
            .expect("tokens lock")
            .get(token)
            .cloned()
            .ok_or_else(ApiError::invalid_token)?;
        if Instant::now() >= issued.expires_at {
            return Err(ApiError::invalid_token());
        }
        self.app(&issued.app_id).ok_or_else(ApiError::invalid_token)
    }

    /// Expires every token now (a test fault: "token expiry mid-run").
    pub fn expire_tokens(&self) {
        let now = Instant::now();
        for t in self.tokens.lock().expect("tokens lock").values_mut() {
            t.expires_at = now;
        }
    }
}

impl SimState {
    /// The app an issued token belonged to, even once it expired (for the call log).
    pub fn token_owner(&self, token: &str) -> Option<String> {
        self.tokens
            .lock()
            .expect("tokens lock")
            .get(token)
            .map(|t| t.app_id.clone())
    }
}
