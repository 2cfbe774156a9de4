//! Chats across replicas: one replica at a time drains a chat's queue, under a lease in the
//! shared store; a replica that dies stops renewing its leases, and a sweep on every live
//! replica wakes the chats left with open events and no live lease. Each replica also writes
//! a heartbeat row, which `/status` counts.
//!
//! With a store only one process uses (SQLite) all of this is skipped: every lease is granted
//! without a query and there is nothing to sweep. The order of a chat's messages across
//! replicas is kept by the catch-up (`catch_up::before_turn`), from the store and the chat's
//! history, never by waiting.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::watch;
use tokio_util::task::TaskTracker;

use crate::runtime::{Ctx, stopped};
use crate::store::{Replica, Store};

/// How long a lease lasts unrenewed: how soon another replica takes over a dead one's chats.
pub const TTL: Duration = Duration::from_secs(10);
/// How often a held lease is renewed (a turn may run far longer than the TTL).
const RENEW_EVERY: Duration = Duration::from_secs(3);
/// How long a worker whose chat is held elsewhere waits before it looks again.
pub(crate) const BUSY_WAIT: Duration = Duration::from_millis(300);
/// How often each replica beats and sweeps.
const SWEEP_EVERY: Duration = Duration::from_secs(2);
/// Open events younger than this are left to the replica that claimed them.
const SWEEP_GRACE: Duration = Duration::from_secs(3);
/// A replica is counted alive while its heartbeat is younger than this.
pub const ALIVE_WINDOW: Duration = Duration::from_secs(10);

/// The file in the state directory naming the replica that last ran on it.
const REPLICA_FILE: &str = "replica.json";

/// At start, with a shared store: when the replica that last ran on this state directory died
/// without giving its chat leases back (`kill -9`, a crash), gives them back for it, so its
/// chats are taken at once instead of after the leases expire; then names this replica in the
/// file. A predecessor that may still run (its process exists, or that cannot be told) is left
/// alone: its leases expire on their own if it is dead.
pub(crate) async fn succeed(ctx_store: &Arc<dyn Store>, me: &Replica, state_dir: &Path) {
    let path = state_dir.join(REPLICA_FILE);
    let prev: Option<serde_json::Value> = std::fs::read_to_string(&path)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok());
    if let Some(prev) = prev {
        let id = prev["id"].as_str().unwrap_or_default();
        let pid = prev["pid"].as_u64().unwrap_or(0) as u32;
        let same_host = prev["host"].as_str() == Some(me.host.as_str());
        if !id.is_empty() && id != me.id && same_host && !process_may_run(pid, me.pid) {
            match ctx_store.forget_replica(id).await {
                Ok(n) => {
                    tracing::info!(target: "gateway", "replica {id} (pid {pid}) on this state directory stopped without giving back its chat leases; released {n}")
                }
                Err(e) => {
                    tracing::warn!(target: "gateway", "cannot release the chat leases of the previous replica {id}: {e}")
                }
            }
        }
    }
    let mine = serde_json::json!({ "id": me.id, "host": me.host, "pid": me.pid });
    if let Err(e) = std::fs::write(&path, mine.to_string()) {
        tracing::warn!(target: "gateway", "cannot write {}: {e}", path.display());
    }
}

/// Whether process `pid` may still be running (this process's own pid means a restarted
/// container whose predecessor had the same one).
fn process_may_run(pid: u32, me: u32) -> bool {
    if pid == 0 {
        return true;
    }
    if pid == me {
        return false;
    }
    let proc = Path::new("/proc");
    !proc.join("self").exists() || proc.join(pid.to_string()).exists()
}

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

/// With a shared store: this replica's heartbeat, and the sweep that takes over the chats of
/// replicas that died or stopped with open events, every [`SWEEP_EVERY`] until `stop`.
pub(crate) fn spawn_replica_tasks(
    ctx: &Arc<Ctx>,
    tracker: &TaskTracker,
    mut stop: watch::Receiver<bool>,
) {
    if !ctx.store.shared() {
        return;
    }
    let ctx = ctx.clone();
    tracker.spawn(async move {
        let grace = SWEEP_GRACE.as_millis() as i64;
        let mut failing = false;
        loop {
            let beat = ctx.store.heartbeat(&ctx.replica).await;
            match (&beat, failing) {
                (Err(e), false) => {
                    tracing::warn!(target: "gateway", "database unreachable, retrying: {e}")
                }
                (Ok(()), true) => tracing::info!(target: "gateway", "database reachable again"),
                _ => {}
            }
            failing = beat.is_err();
            // A replica that stopped beating died with its sockets: what they held is lost.
            let recent = 2 * SWEEP_EVERY.as_millis() as i64;
            if let Ok(lapsed) = ctx
                .store
                .lapsed_replicas(ALIVE_WINDOW.as_millis() as i64, recent)
                .await
            {
                for seen in lapsed {
                    crate::inbound::catch_up::replica_lapsed(&ctx, seen);
                }
            }
            for account in &ctx.accounts {
                if let Ok(chats) = ctx.store.orphan_chats(account.id(), grace).await {
                    for chat in chats {
                        crate::inbound::wake(&ctx, account, &chat);
                    }
                }
            }
            tokio::select! {
                _ = tokio::time::sleep(SWEEP_EVERY) => {}
                _ = stopped(&mut stop) => return,
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::process_may_run;

    #[test]
    fn a_predecessor_runs_unless_its_process_is_gone_or_is_this_one() {
        let me = std::process::id();
        assert!(
            !process_may_run(me, me),
            "a restarted container reuses its pid"
        );
        assert!(process_may_run(0, me), "no pid on record: cannot tell");
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        if std::path::Path::new("/proc/self").exists() {
            assert!(!process_may_run(pid, me), "exited and reaped");
            assert!(process_may_run(1, me), "init runs");
        }
    }
}
