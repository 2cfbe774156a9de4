//! One running account: its config, its platform client, the bot's identity (looked up once and
//! cached), its chat queues and what it reports to `/status`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use lark::api::bot::BotInfo;
use lark::webhook::WebhookVerifier;
use openclaw_config::{Account, Mode};
use tokio::sync::{OnceCell, watch};

/// The platform client for an account: `domain` (feishu, lark or a base URL), its credentials,
/// and `httpTimeoutMs` as each request's timeout when set.
pub fn client_for(account: &Account) -> Result<lark::Client, String> {
    let (app_id, secret) = account.credentials().map_err(|e| e.to_string())?;
    let mut builder = lark::Client::builder(app_id, secret)
        .domain(account.domain.clone())
        .rate_limits(lark::ratelimit::RateLimits {
            app_per_second: account.app_rate_limit,
            chat_per_second: account.chat_rate_limit,
        });
    if let Some(timeout) = account.openclaw.http_timeout {
        builder = builder.timeout(timeout);
    }
    builder.build().map_err(|e| e.to_string())
}

/// A breaker for the typing reaction: a chat that is rate limited, or reactions that keep
/// failing, get no reactions for a while instead of a storm of failing calls.
#[derive(Debug, Default)]
pub struct Breaker {
    state: Mutex<(u32, Option<Instant>)>,
}

impl Breaker {
    const OPEN_FOR: Duration = Duration::from_secs(300);
    const FAILURES: u32 = 3;

    pub fn allows(&self) -> bool {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        match s.1 {
            Some(until) if Instant::now() < until => false,
            Some(_) => {
                *s = (0, None);
                true
            }
            None => true,
        }
    }

    pub fn success(&self) {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).0 = 0;
    }

    /// Counts a failure; a rate limit opens the breaker at once.
    pub fn failure(&self, rate_limited: bool) {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        s.0 += 1;
        if rate_limited || s.0 >= Self::FAILURES {
            s.1 = Some(Instant::now() + Self::OPEN_FOR);
        }
    }
}

/// Sender names remembered per account.
const NAME_CACHE_CAPACITY: usize = 10_000;

/// A running account.
pub struct AccountRt {
    /// Replaced by a config reload; reads see the newest (see [`crate::live`]).
    pub cfg: crate::live::Live<Account>,
    pub app_id: String,
    /// Replaced with the account's connections when its credentials change.
    pub client: crate::live::Live<lark::Client>,
    bot: OnceCell<BotInfo>,
    /// Chat queues with a worker running, and whether each was woken while draining.
    pub(crate) queues: Mutex<HashMap<String, crate::inbound::control::ChatQueue>>,
    /// The status of each long connection, in the order they were started.
    pub(crate) conns: Mutex<Vec<watch::Receiver<lark::ws::Status>>>,
    pub(crate) last_event_ms: AtomicI64,
    pub(crate) typing: Breaker,
    pub(crate) verifier: crate::live::Live<Option<WebhookVerifier>>,
    /// Recently seen messages, to catch one message pushed under two ids.
    pub(crate) twins: crate::intake::twins::Twins,
    /// Sender names from the contact API, cached.
    pub(crate) names: crate::live::Live<Arc<crate::inbound::names::Names>>,
    /// When events may have been lost, and which chats were read back since.
    pub(crate) gaps: crate::intake::catch_up::gaps::Gaps,
    /// Whether the app was seen receiving a group message that did not address it (it holds
    /// the scope to read every group message; see inbound/history.rs).
    pub(crate) hears_all: std::sync::atomic::AtomicBool,
    /// Turns other bots started lately, per chat (`botTurnsPerMinute`).
    pub(crate) bot_turns: crate::inbound::bots::BotTurns,
}

impl std::fmt::Debug for AccountRt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountRt")
            .field("id", &self.cfg.id)
            .field("app_id", &self.app_id)
            .finish()
    }
}

impl AccountRt {
    pub fn new(cfg: Account) -> Result<AccountRt, String> {
        let (client, verifier, names) = Self::parts(&cfg)?;
        Ok(AccountRt {
            twins: crate::intake::twins::Twins::default(),
            names: crate::live::Live::new(names),
            gaps: Default::default(),
            hears_all: Default::default(),
            bot_turns: Default::default(),
            app_id: client.app_id().to_string(),
            client: crate::live::Live::new(client),
            bot: OnceCell::new(),
            queues: Mutex::new(HashMap::new()),
            conns: Mutex::new(Vec::new()),
            last_event_ms: AtomicI64::new(0),
            typing: Breaker::default(),
            verifier: crate::live::Live::new(verifier),
            cfg: crate::live::Live::new(cfg),
        })
    }

    /// What an account's config makes: its client, webhook verifier and sender-name cache.
    #[allow(clippy::type_complexity)]
    fn parts(
        cfg: &Account,
    ) -> Result<
        (
            lark::Client,
            Option<WebhookVerifier>,
            Arc<crate::inbound::names::Names>,
        ),
        String,
    > {
        let client = client_for(cfg)?;
        let verifier = (cfg.mode == Mode::Webhook)
            .then(|| WebhookVerifier::new(cfg.encrypt_key.clone(), cfg.verification_token.clone()));
        let names = Arc::new(crate::inbound::names::Names::new(
            client.clone(),
            &cfg.id,
            cfg.sender_name_ttl,
            NAME_CACHE_CAPACITY,
        ));
        Ok((client, verifier, names))
    }

    /// Takes a new config for the same app (a reload): the settings for the next read, and a
    /// new client, verifier and name cache for the new credentials. The caller restarts the
    /// account's connections around it when those changed.
    pub(crate) fn replace_config(&self, cfg: Account) -> Result<(), String> {
        let (client, verifier, names) = Self::parts(&cfg)?;
        self.client.replace(client);
        self.verifier.replace(verifier);
        self.names.replace(names);
        self.cfg.replace(cfg);
        Ok(())
    }

    pub fn id(&self) -> &str {
        &self.cfg.id
    }

    /// The bot's identity, looked up once (concurrent callers wait for the one look-up); a
    /// failed look-up is retried on the next call.
    pub async fn bot(&self) -> lark::Result<&BotInfo> {
        self.bot.get_or_try_init(|| self.client.bot_info()).await
    }

    pub fn bot_cached(&self) -> Option<&BotInfo> {
        self.bot.get()
    }

    pub(crate) fn touch(&self) {
        self.last_event_ms
            .store(crate::store::now_ms(), Ordering::Relaxed);
    }

    pub fn last_event_ms(&self) -> Option<i64> {
        Some(self.last_event_ms.load(Ordering::Relaxed)).filter(|t| *t > 0)
    }

    /// Each long connection's status now (empty in webhook mode).
    pub fn conn_statuses(&self) -> Vec<lark::ws::Status> {
        self.conns
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .map(|w| w.borrow().clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use openclaw_config::Format;

    #[tokio::test]
    async fn http_timeout_ms_bounds_each_platform_call() {
        lark::install_crypto_provider();
        // Accepts connections and never answers.
        let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = silent.local_addr().unwrap();
        tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((conn, _)) = silent.accept().await {
                held.push(conn);
            }
        });
        let text = format!(
            r#"{{ channels: {{ feishu: {{ appId: "cli_a", appSecret: "s", domain: "http://{addr}", httpTimeoutMs: 150 }} }} }}"#
        );
        let config =
            openclaw_config::parse(&text, Format::Json5, &|_| None, std::path::Path::new("."))
                .unwrap_or_else(|e| panic!("{e}"));
        let client = super::client_for(&config.lark.accounts[0]).unwrap();
        // Without the key the client waits 30 s per call; with it the call fails well within.
        let result = tokio::time::timeout(Duration::from_secs(15), client.bot_info())
            .await
            .expect("the call outlived httpTimeoutMs");
        assert!(result.is_err());
    }
}
