//! Client-side rate limits, so the client stays under the platform's documented limits instead
//! of tripping 99991400: one limiter for the whole app and one per chat for sends (the platform
//! allows 5 messages per second per chat, shared by all bots in it).

use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};

use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota};

/// Requests per second the client allows itself.
#[derive(Debug, Clone, Copy)]
pub struct RateLimits {
    /// All calls of one app (default 50/s).
    pub app_per_second: u32,
    /// Sends and replies to one chat (default 5/s, the platform's limit).
    pub chat_per_second: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            app_per_second: 50,
            chat_per_second: 5,
        }
    }
}

pub(crate) struct Limiters {
    app: DefaultDirectRateLimiter,
    chat: DefaultKeyedRateLimiter<String>,
    waits: AtomicU64,
}

fn quota(per_second: u32) -> Quota {
    Quota::per_second(NonZeroU32::new(per_second.max(1)).expect("max(1) is non-zero"))
}

/// `per_second` calls spaced evenly with no burst: the platform counts in a sliding second, where
/// a burst of N at the end of one window and N more at the start of the next would exceed N.
fn spaced(per_second: u32) -> Quota {
    let period = std::time::Duration::from_secs(1) / per_second.max(1);
    match Quota::with_period(period) {
        Some(q) => q.allow_burst(NonZeroU32::MIN),
        // Over a billion per second rounds the period to zero: that is no limit at all.
        None => quota(per_second),
    }
}

impl Limiters {
    pub(crate) fn new(limits: RateLimits) -> Self {
        Limiters {
            app: governor::RateLimiter::direct(quota(limits.app_per_second)),
            chat: governor::RateLimiter::keyed(spaced(limits.chat_per_second)),
            waits: AtomicU64::new(0),
        }
    }

    /// Waits until the app (and the chat, if any) may make one more call.
    pub(crate) async fn acquire(&self, chat: Option<&str>) {
        if self.app.check().is_err() {
            self.waits.fetch_add(1, Ordering::Relaxed);
            self.app.until_ready().await;
        }
        if let Some(chat) = chat {
            let key = chat.to_owned();
            if self.chat.check_key(&key).is_err() {
                self.waits.fetch_add(1, Ordering::Relaxed);
                self.chat.until_key_ready(&key).await;
            }
            if self.chat.len() > 10_000 {
                self.chat.retain_recent();
            }
        }
    }

    /// How many calls had to wait for a limiter.
    pub(crate) fn waits(&self) -> u64 {
        self.waits.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_chat_gets_no_burst_and_other_chats_are_not_held_up() {
        let l = Limiters::new(RateLimits {
            app_per_second: 1000,
            chat_per_second: 5,
        });
        l.acquire(Some("oc_a")).await;
        assert!(
            l.chat.check_key(&"oc_a".to_owned()).is_err(),
            "the second send waits"
        );
        assert!(
            l.chat.check_key(&"oc_b".to_owned()).is_ok(),
            "another chat does not"
        );
    }

    #[test]
    fn absurd_limits_do_not_panic() {
        let _ = Limiters::new(RateLimits {
            app_per_second: u32::MAX,
            chat_per_second: u32::MAX,
        });
        let _ = Limiters::new(RateLimits {
            app_per_second: 0,
            chat_per_second: 0,
        });
    }
}
