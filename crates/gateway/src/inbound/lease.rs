//! Chats across replicas: one replica at a time drains a chat's queue, under a lease in the
//! shared store, renewed while it works and given back when the chat has nothing open. A
//! replica that dies stops renewing; `fleet`'s sweep on every live replica wakes its chats.
//!
//! With a store only one process uses (SQLite) every lease is granted without a query. The
//! order of a chat's messages across replicas is kept by the catch-up
//! (`intake::catch_up::before_turn`), from the store and the chat's history, never by waiting.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::runtime::Ctx;

/// How long a lease lasts unrenewed: how soon another replica takes over a dead one's chats.
pub const TTL: Duration = Duration::from_secs(10);
/// How often a held lease is renewed (a turn may run far longer than the TTL).
const RENEW_EVERY: Duration = Duration::from_secs(3);
/// How long a worker whose chat is held elsewhere waits before it looks again.
pub(crate) const BUSY_WAIT: Duration = Duration::from_millis(300);

/// This replica's lease on one chat, renewed in the background while it lives and given back
/// when dropped.
pub(crate) struct ChatLease {
    lost: Arc<AtomicBool>,
    renewer: tokio::task::JoinHandle<()>,
    release: Option<(Arc<Ctx>, String, String)>,
}

/// Whether the worker may run its chat's next turn.
pub(crate) enum Hold {
    /// Held since before: go on.
    Kept,
    /// Just taken: read the queue again (another replica may have moved it on).
    Fresh,
    /// Another replica holds it (or the store is unreachable): wait and look again.
    Busy,
}

/// Makes sure this replica holds `chat`'s lease, taking it when free or expired.
pub(crate) async fn hold(
    ctx: &Arc<Ctx>,
    account: &str,
    chat: &str,
    lease: &mut Option<ChatLease>,
) -> Hold {
    if !ctx.store.shared() {
        return Hold::Kept;
    }
    if let Some(l) = lease {
        if !l.lost.load(Ordering::Acquire) {
            return Hold::Kept;
        }
        *lease = None;
    }
    let ttl = TTL.as_millis() as i64;
    match ctx
        .store
        .lease_chat(account, chat, &ctx.replica.id, ttl)
        .await
    {
        Ok(true) => {
            *lease = Some(ChatLease::start(ctx, account, chat));
            Hold::Fresh
        }
        Ok(false) => Hold::Busy,
        Err(e) => {
            tracing::warn!(target: "lark", "[{account}] cannot take the lease of chat {chat}: {e}");
            Hold::Busy
        }
    }
}

impl ChatLease {
    fn start(ctx: &Arc<Ctx>, account: &str, chat: &str) -> ChatLease {
        let lost = Arc::new(AtomicBool::new(false));
        let (c, a, ch, l) = (
            ctx.clone(),
            account.to_owned(),
            chat.to_owned(),
            lost.clone(),
        );
        let renewer = tokio::spawn(async move {
            let ttl = TTL.as_millis() as i64;
            let mut renewed = Instant::now();
            loop {
                tokio::time::sleep(RENEW_EVERY).await;
                match c.store.lease_chat(&a, &ch, &c.replica.id, ttl).await {
                    Ok(true) => renewed = Instant::now(),
                    // Expired and taken over (this process stalled): stop after this turn.
                    Ok(false) => break,
                    // The database is away: the lease may lapse under us; once it surely has,
                    // the next turn must take it again first.
                    Err(_) if renewed.elapsed() + RENEW_EVERY >= TTL => break,
                    Err(_) => {}
                }
            }
            tracing::warn!(target: "lark", "[{a}] lost the lease of chat {ch}; taking it again before the next turn");
            l.store(true, Ordering::Release);
        });
        ChatLease {
            lost,
            renewer,
            release: Some((ctx.clone(), account.to_owned(), chat.to_owned())),
        }
    }
}

impl Drop for ChatLease {
    fn drop(&mut self) {
        self.renewer.abort();
        if self.lost.load(Ordering::Acquire) {
            return;
        }
        // Given back at once so another replica's waiting worker need not wait for expiry.
        if let Some((ctx, account, chat)) = self.release.take()
            && let Ok(rt) = tokio::runtime::Handle::try_current()
        {
            rt.spawn(async move {
                let _ = ctx
                    .store
                    .release_chat(&account, &chat, &ctx.replica.id)
                    .await;
            });
        }
    }
}
