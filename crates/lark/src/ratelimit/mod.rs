//! Client-side rate limits as the platform counts them, so the client stays under its budgets
//! instead of tripping 99991400: a budget per API family (sending, editing, reactions, CardKit,
//! docs, ...) with its documented per-second and per-minute figures, bursts allowed up to the
//! per-second figure, and the per-resource budgets (5 sends per second per chat, shared by every
//! bot in it; 5 patches per second per card message; 10 updates per second per CardKit card; 3
//! edits per second per document). A family the platform answered 99991400 / 429 for waits what
//! its `x-ogw-ratelimit-reset` says; every other family carries on.
//!
//! [`RateLimits`] (`rateLimits.{appPerSecond, chatPerSecond}` in the config) stays the override:
//! `app_per_second` scales every family's documented figures by `app_per_second / 50` (50, the
//! default, is the documented table; a million is no app limit at all), `chat_per_second` sets the
//! per-chat send budget.

mod chats;
mod family;
mod window;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use reqwest::Method;
use tokio::sync::Notify;
use tokio::time::{Duration, Instant};

pub(crate) use chats::ChatBook;
pub use family::{Family, Figures};
use window::{Wait, Window};

/// The documented send budget, which `app_per_second` is measured against.
const DOCUMENTED_APP_PER_SECOND: u64 = 50;
/// A family's budget is low when less than this share of a window is left (one fifth).
const LOW_SHARE_DIVISOR: usize = 5;
/// Per-resource budgets are forgotten once idle, when there are more than this many.
const MAX_RESOURCES: usize = 10_000;

/// The override of the platform's figures (`rateLimits` in the config).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    /// 50 (the default) keeps every family at its documented figures; another value scales them
    /// all by `app_per_second / 50` (for a private deployment with other limits, or lark-sim).
    pub app_per_second: u32,
    /// Sends and replies to one chat or user per second (default 5, the platform's budget).
    pub chat_per_second: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            app_per_second: DOCUMENTED_APP_PER_SECOND as u32,
            chat_per_second: 5,
        }
    }
}

impl RateLimits {
    /// The figures `family` gets under these limits.
    pub fn figures(&self, family: Family) -> Figures {
        let doc = family.figures();
        let scale = |n: u32| {
            let scaled = n as u64 * self.app_per_second.max(1) as u64 / DOCUMENTED_APP_PER_SECOND;
            scaled.clamp(1, u32::MAX as u64) as u32
        };
        Figures {
            per_second: scale(doc.per_second),
            per_minute: doc.per_minute.map(scale),
            per_resource: match family {
                Family::Send => Some(self.chat_per_second.max(1)),
                _ => doc.per_resource,
            },
        }
    }
}

/// What a call is counted against: its family, and the resource of a per-resource budget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Key {
    family: Family,
    resource: Option<String>,
}

/// One budget: its windows and, after a 99991400, when the platform said it opens again.
struct Budget {
    windows: Vec<Window>,
    paused_until: Option<Instant>,
}

impl Budget {
    fn new(windows: impl IntoIterator<Item = Option<Window>>) -> Budget {
        Budget {
            windows: windows.into_iter().flatten().collect(),
            paused_until: None,
        }
    }

    fn wait(&mut self, now: Instant) -> Option<Wait> {
        let mut longest: Option<Wait> = None;
        let mut consider = |w: Wait| {
            longest = Some(match (longest, w) {
                (Some(Wait::For(a)), Wait::For(b)) => Wait::For(a.max(b)),
                (Some(Wait::For(a)), Wait::Answer) | (Some(Wait::Answer), Wait::For(a)) => {
                    Wait::For(a)
                }
                (_, w) => w,
            })
        };
        if let Some(until) = self.paused_until.filter(|u| *u > now) {
            consider(Wait::For(until - now));
        }
        for w in &mut self.windows {
            if let Some(wait) = w.wait(now) {
                consider(wait);
            }
        }
        longest
    }

    /// How many calls may start now (the fewest any window has room for; none while paused),
    /// `None` when the budget has no window (no limit).
    fn remaining(&mut self, now: Instant) -> Option<usize> {
        let paused = self.paused_until.is_some_and(|u| u > now);
        let room = self.windows.iter_mut().map(|w| w.room(now).0).min();
        if paused { Some(0) } else { room }
    }

    /// Paused, or some window has less than a fifth of its cap left.
    fn is_low(&mut self, now: Instant) -> bool {
        self.paused_until.is_some_and(|u| u > now)
            || self.windows.iter_mut().any(|w| {
                let (room, cap) = w.room(now);
                room * LOW_SHARE_DIVISOR < cap
            })
    }

    fn pause(&mut self, until: Instant) {
        self.paused_until = Some(self.paused_until.map_or(until, |u| u.max(until)));
    }

    fn idle(&mut self, now: Instant) -> bool {
        self.paused_until.is_none_or(|u| u <= now) && self.windows.iter_mut().all(|w| w.idle(now))
    }
}

struct State {
    families: HashMap<Family, Budget>,
    resources: HashMap<(Family, String), Budget>,
}

impl State {
    /// Starts the call if every budget it counts against has room, else says what it waits for.
    fn try_start(&mut self, limits: &RateLimits, key: &Key, now: Instant) -> Option<Wait> {
        let mut wait = self.families.get_mut(&key.family).and_then(|b| b.wait(now));
        if let Some(resource) = &key.resource {
            if self.resources.len() > MAX_RESOURCES {
                self.resources.retain(|_, b| !b.idle(now));
            }
            let per = limits.figures(key.family).per_resource;
            let budget = self
                .resources
                .entry((key.family, resource.clone()))
                .or_insert_with(|| {
                    Budget::new([per.and_then(|n| Window::new(n as u64, Duration::from_secs(1)))])
                });
            wait = match (wait, budget.wait(now)) {
                (Some(Wait::For(a)), Some(Wait::For(b))) => Some(Wait::For(a.max(b))),
                (Some(Wait::For(a)), _) | (_, Some(Wait::For(a))) => Some(Wait::For(a)),
                (a, b) => a.or(b),
            };
        }
        if wait.is_some() {
            return wait;
        }
        for budget in self.budgets(key) {
            budget.windows.iter_mut().for_each(Window::start);
        }
        None
    }

    fn budgets<'a>(&'a mut self, key: &Key) -> impl Iterator<Item = &'a mut Budget> {
        let State {
            families,
            resources,
        } = self;
        let resource = key
            .resource
            .as_ref()
            .and_then(|r| resources.get_mut(&(key.family, r.clone())));
        families.get_mut(&key.family).into_iter().chain(resource)
    }
}

struct Shared {
    limits: RateLimits,
    state: Mutex<State>,
    /// Wakes calls waiting for a slot held by a call in flight.
    answered: Notify,
    waits: AtomicU64,
}

/// The budgets of one client (shared by its clones).
pub(crate) struct Limiters {
    shared: Arc<Shared>,
    pub(crate) chats: ChatBook,
}

/// A started call's slots; they count from the moment it is dropped (the answer came back, or the
/// call was abandoned).
pub(crate) struct Permit {
    shared: Arc<Shared>,
    key: Key,
}

impl Drop for Permit {
    fn drop(&mut self) {
        {
            let mut state = self.shared.state.lock().expect("limiter lock");
            let now = Instant::now();
            for budget in state.budgets(&self.key) {
                budget.windows.iter_mut().for_each(|w| w.finish(now));
            }
        }
        self.shared.answered.notify_waiters();
    }
}

impl Limiters {
    pub(crate) fn new(limits: RateLimits) -> Self {
        let families = Family::ALL
            .into_iter()
            .map(|f| {
                let fig = limits.figures(f);
                let budget = Budget::new([
                    Window::new(fig.per_second as u64, Duration::from_secs(1)),
                    fig.per_minute
                        .and_then(|n| Window::new(n as u64, Duration::from_secs(60))),
                ]);
                (f, budget)
            })
            .collect();
        Limiters {
            shared: Arc::new(Shared {
                limits,
                state: Mutex::new(State {
                    families,
                    resources: HashMap::new(),
                }),
                answered: Notify::new(),
                waits: AtomicU64::new(0),
            }),
            chats: ChatBook::default(),
        }
    }

    /// What a call counts against; `None` for calls outside every budget. `chat` is what a send
    /// names: the receive id, or for a reply the message answered (counted on its chat when the
    /// client knows it).
    pub(crate) fn key(&self, method: &Method, path: &str, chat: Option<&str>) -> Option<Key> {
        let family = Family::of(method, path)?;
        let resource = match family {
            Family::Send => chat.map(|c| self.chats.chat_of(c).unwrap_or_else(|| c.to_owned())),
            f => f.resource_in(path).map(str::to_owned),
        };
        Some(Key { family, resource })
    }

    /// Waits until every budget of `key` has room, and takes a slot in each.
    pub(crate) async fn acquire(&self, key: Option<&Key>) -> Option<Permit> {
        let key = key?;
        let mut counted = false;
        loop {
            let answered = self.shared.answered.notified();
            tokio::pin!(answered);
            answered.as_mut().enable();
            let wait = {
                let mut state = self.shared.state.lock().expect("limiter lock");
                state.try_start(&self.shared.limits, key, Instant::now())
            };
            let Some(wait) = wait else {
                return Some(Permit {
                    shared: self.shared.clone(),
                    key: key.clone(),
                });
            };
            if !counted {
                counted = true;
                self.shared.waits.fetch_add(1, Ordering::Relaxed);
            }
            match wait {
                // Counted answers only age, so nothing but time opens this slot.
                Wait::For(d) => tokio::time::sleep(d).await,
                Wait::Answer => answered.await,
            }
        }
    }

    /// The platform refused a call of `key` for rate: its family (and its resource) waits `wait`.
    pub(crate) fn pause(&self, key: &Key, wait: Duration) {
        let until = Instant::now() + wait;
        let mut state = self.shared.state.lock().expect("limiter lock");
        if let Some(b) = state.families.get_mut(&key.family) {
            b.pause(until);
        }
        if let Some(r) = &key.resource
            && let Some(b) = state.resources.get_mut(&(key.family, r.clone()))
        {
            b.pause(until);
        }
    }

    /// How many calls of `family` may start right now without waiting (the tightest of its
    /// windows; 0 while the platform has it paused), `None` when it has no limit. Cheap: one
    /// lock, no allocation.
    pub(crate) fn remaining(&self, family: Family) -> Option<u64> {
        self.with_family(family, |b, now| b.remaining(now).map(|n| n as u64))
            .flatten()
    }

    /// Whether `family` has less than a fifth of a window left (or is paused): a call that can
    /// be done without, like the typing indicator, is better skipped than queued.
    pub(crate) fn is_low(&self, family: Family) -> bool {
        self.with_family(family, Budget::is_low).unwrap_or(false)
    }

    fn with_family<T>(
        &self,
        family: Family,
        f: impl FnOnce(&mut Budget, Instant) -> T,
    ) -> Option<T> {
        let mut state = self.shared.state.lock().expect("limiter lock");
        let now = Instant::now();
        state.families.get_mut(&family).map(|b| f(b, now))
    }

    /// How many calls had to wait for a budget.
    pub(crate) fn waits(&self) -> u64 {
        self.shared.waits.load(Ordering::Relaxed)
    }
}

impl crate::Client {
    /// How many calls of `family` the client would start right now without waiting for its
    /// budget (`None`: no limit). Per-resource budgets (a chat's sends) are not counted here.
    pub fn budget_remaining(&self, family: Family) -> Option<u64> {
        self.inner.limiters.remaining(family)
    }

    /// Whether `family`'s budget is low: less than a fifth of its per-second or per-minute
    /// window left, or paused after a 99991400. Optional calls check this to stay out of the
    /// way of the ones a user waits for.
    pub fn budget_low(&self, family: Family) -> bool {
        self.inner.limiters.is_low(family)
    }

    /// Tells the client which chat a message is in, so a reply to it counts against that chat's
    /// send budget. The long connection does this for every message event it delivers; a webhook
    /// receiver calls it for the messages it is pushed.
    pub fn learn_chat(&self, message_id: &crate::model::MessageId, chat_id: &crate::model::ChatId) {
        self.inner
            .limiters
            .chats
            .learn(message_id.as_str(), chat_id.as_str());
    }
}

#[cfg(test)]
mod tests;
