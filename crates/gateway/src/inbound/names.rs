//! Who is talking: sender names from the contact API, for the agent.
//!
//! A message event carries only the sender's ids. Names are looked up once per user and cached
//! per account (bounded, with a TTL); however many messages arrive at once there is one look-up
//! in flight per user, and users missing at about the same time are fetched in one batch call.
//! Without the contact scope the gateway uses the id, logs once how to grant the scope, and does
//! not try again for an hour, so no message ever pays for a look-up that cannot succeed.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use lark::api::contact::UserIdType;
use tokio::sync::oneshot;

/// Users fetched in one batch call (the platform's maximum).
const BATCH: usize = 50;
/// How long look-ups are gathered before a batch goes out.
const GATHER: Duration = Duration::from_millis(5);
/// How long a failed look-up is not retried for that user.
const NEGATIVE_TTL: Duration = Duration::from_secs(60);
/// How long a missing scope stops all look-ups.
const NO_SCOPE_PAUSE: Duration = Duration::from_secs(3600);

#[derive(Default)]
struct Inner {
    /// open id → (name, when it was learnt, how long it is good for).
    cache: HashMap<String, (Option<String>, Instant, Duration)>,
    waiting: HashMap<String, Vec<oneshot::Sender<Option<String>>>>,
    flush_scheduled: bool,
    paused_until: Option<Instant>,
    warned: bool,
}

/// The name cache of one account.
pub struct Names {
    client: lark::Client,
    account: String,
    ttl: Duration,
    capacity: usize,
    inner: Mutex<Inner>,
}

impl std::fmt::Debug for Names {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Names")
            .field("account", &self.account)
            .finish()
    }
}

impl Names {
    pub fn new(client: lark::Client, account: &str, ttl: Duration, capacity: usize) -> Names {
        Names {
            client,
            account: account.to_owned(),
            ttl,
            capacity: capacity.max(1),
            inner: Mutex::new(Inner::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The user's display name, or `None` when it cannot be known (no scope, unknown user).
    pub async fn name(self: &Arc<Self>, open_id: &str) -> Option<String> {
        let rx = {
            let mut inner = self.lock();
            let now = Instant::now();
            if let Some((name, at, ttl)) = inner.cache.get(open_id)
                && now.duration_since(*at) < *ttl
            {
                return name.clone();
            }
            if inner.paused_until.is_some_and(|t| now < t) {
                return None;
            }
            let (tx, rx) = oneshot::channel();
            inner
                .waiting
                .entry(open_id.to_owned())
                .or_default()
                .push(tx);
            if !inner.flush_scheduled {
                inner.flush_scheduled = true;
                let me = self.clone();
                tokio::spawn(async move { me.flush().await });
            }
            rx
        };
        rx.await.ok().flatten()
    }

    /// Looks up everyone waiting, in batches, and answers them.
    async fn flush(self: Arc<Self>) {
        tokio::time::sleep(GATHER).await;
        loop {
            let ids: Vec<String> = {
                let mut inner = self.lock();
                let ids: Vec<String> = inner.waiting.keys().take(BATCH).cloned().collect();
                if ids.is_empty() {
                    inner.flush_scheduled = false;
                    return;
                }
                ids
            };
            let result = self.client.get_users_batch(&ids, UserIdType::OpenId).await;
            let mut inner = self.lock();
            let now = Instant::now();
            let found: HashMap<String, Option<String>> = match result {
                Ok(users) => users
                    .into_iter()
                    .map(|u| (u.open_id.to_string(), u.display_name().map(str::to_owned)))
                    .collect(),
                Err(e) => {
                    let no_scope = matches!(e.code(), Some(99991672 | 99991676));
                    if no_scope {
                        inner.paused_until = Some(now + NO_SCOPE_PAUSE);
                        if !inner.warned {
                            inner.warned = true;
                            tracing::warn!(target: "lark", "[{}] sender names are unavailable: the app lacks the contact scope ({e}); grant contact:user.base:readonly (and contact:contact.base:readonly) under Permissions & Scopes and publish a version. Until then the agent sees open ids.", self.account);
                        }
                    } else {
                        tracing::debug!(target: "lark", "[{}] sender name look-up failed: {e}", self.account);
                    }
                    HashMap::new()
                }
            };
            if inner.cache.len() + ids.len() > self.capacity {
                // Bounded: expired entries go first, then everything (names are cheap to relearn).
                inner
                    .cache
                    .retain(|_, (_, at, ttl)| now.duration_since(*at) < *ttl);
                if inner.cache.len() + ids.len() > self.capacity {
                    inner.cache.clear();
                }
            }
            for id in ids {
                let name = found.get(&id).cloned().flatten();
                let ttl = if found.contains_key(&id) {
                    self.ttl
                } else {
                    NEGATIVE_TTL
                };
                inner.cache.insert(id.clone(), (name.clone(), now, ttl));
                for tx in inner.waiting.remove(&id).unwrap_or_default() {
                    let _ = tx.send(name.clone());
                }
            }
        }
    }
}
