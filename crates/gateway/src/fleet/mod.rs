//! The replicas on one PostgreSQL database, as a fleet: each replica's heartbeat (counted in
//! `/status`), the sweep that wakes the chats a dead replica left with open events and no live
//! lease, the lapse of a replica's heartbeat noted as a gap for the catch-up, and the
//! succession of a replica restarted on the same state directory ([`succeed`]).
//!
//! None of it runs on a store only one process uses (SQLite): [`spawn`] starts nothing there.

mod succession;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio_util::task::TaskTracker;

use crate::runtime::{Ctx, stopped};

pub(crate) use succession::succeed;

/// How often each replica beats and sweeps.
const SWEEP_EVERY: Duration = Duration::from_secs(2);
/// Open events younger than this are left to the replica that claimed them.
const SWEEP_GRACE: Duration = Duration::from_secs(3);
/// A replica is counted alive while its heartbeat is younger than this.
pub const ALIVE_WINDOW: Duration = Duration::from_secs(10);

/// With a shared store: this replica's heartbeat, and the sweep that takes over the chats of
/// replicas that died or stopped with open events, every [`SWEEP_EVERY`] until `stop`.
pub(crate) fn spawn(ctx: &Arc<Ctx>, tracker: &TaskTracker, mut stop: watch::Receiver<bool>) {
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
                    crate::intake::catch_up::replica_lapsed(&ctx, seen);
                }
            }
            for account in &ctx.accounts {
                if let Ok(chats) = ctx.store.orphan_chats(account.id(), grace).await {
                    for chat in chats {
                        ctx.wake(account, &chat).await;
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
