//! The inbound pipeline: per-chat ordered queues over the store, chats in parallel.
//!
//! A chat's worker takes the oldest open event of its chat from the store, runs it to the end
//! (policy, agent, reply), and takes the next; it ends when the chat has nothing open and no
//! wake-up came meanwhile. Memory holds only which chats have a worker, so a flood in one chat
//! queues in the store and never blocks the others, and a restart replays exactly what was
//! recorded and not finished. A global limit bounds the turns running at once.
//!
//! While a turn runs, its worker also watches the chat's wake-ups (`control`), so `/stop` and
//! the queue modes (`queue`) act on messages that arrive meanwhile.

pub(crate) mod bots;
mod card;
mod comment;
mod context;
pub(crate) mod control;
mod history;
mod job;
pub mod lease;
mod media;
pub(crate) mod names;
pub mod outcome;
pub mod policy;
mod queue;
pub(crate) mod reactions;
mod reply;
mod session;
mod stop;
mod turn;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;

use crate::account::AccountRt;
use crate::runtime::{Ctx, Wake, stopped};
use crate::store::EventStatus;
pub(crate) use card::CARD_ACTION_TYPE;
use outcome::{Outcome, TurnError};
pub(crate) use turn::sender_ids;

/// Attempts at one event before it is given up as failed (with its reason kept).
const MAX_ATTEMPTS: i64 = 5;

/// Takes the wake-ups stages send (`Ctx::wake`) until the gateway stops, and wakes each chat.
pub(crate) async fn dispatch(ctx: Arc<Ctx>, mut woken: mpsc::Receiver<Wake>) {
    let mut stop = ctx.stop.clone();
    loop {
        tokio::select! {
            w = woken.recv() => match w {
                Some(w) => wake(&ctx, &w.account, &w.chat),
                None => return,
            },
            _ = stopped(&mut stop) => return,
        }
    }
}

/// Says that `chat` has an open event: starts its worker, or tells the running one to look
/// again before it ends.
fn wake(ctx: &Arc<Ctx>, account: &Arc<AccountRt>, chat: &str) {
    let mut queues = account.queues.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(q) = queues.get_mut(chat) {
        q.pending = true;
        q.arrived.notify_one();
        return;
    }
    queues.insert(chat.to_owned(), control::ChatQueue::default());
    drop(queues);
    let (ctx, account, chat) = (ctx.clone(), account.clone(), chat.to_owned());
    let tracker = ctx.tasks.clone();
    tracker.spawn(async move { worker(ctx, account, chat).await });
}

async fn worker(ctx: Arc<Ctx>, account: Arc<AccountRt>, chat: String) {
    let acct = account.id().to_owned();
    // Held while this replica drains the chat (a shared store only; see lease.rs).
    let mut lease = None;
    loop {
        if ctx.stopping() {
            break;
        }
        let next = match ctx.store.next_open(&acct, &chat).await {
            Ok(n) => n,
            Err(e) => {
                tracing::error!(target: "lark", "[{acct}] store error reading chat {chat}: {e}");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        let Some(event) = next else {
            let mut queues = account.queues.lock().unwrap_or_else(|p| p.into_inner());
            match queues.get_mut(&chat) {
                Some(q) if q.pending => {
                    q.pending = false;
                    continue;
                }
                _ => {
                    queues.remove(&chat);
                    return;
                }
            }
        };
        match lease::hold(&ctx, &acct, &chat, &mut lease).await {
            lease::Hold::Kept => {}
            lease::Hold::Fresh => continue,
            // Another replica drains the chat: look again shortly, until nothing is open here,
            // so an event claimed here after its last look is not stranded.
            lease::Hold::Busy => {
                ctx.sleep_unless_stopping(lease::BUSY_WAIT).await;
                continue;
            }
        }
        // A connection lost lately may have taken an earlier message of this chat with it.
        if crate::intake::catch_up::before_turn(&ctx, &account, &event).await {
            continue;
        }
        // The lead of the batch it belongs to, a new batch (`collect`), or settled already.
        let event = match queue::prepare(&ctx, &account, event).await {
            Ok(Some(e)) => e,
            Ok(None) => continue,
            Err(e) => {
                tracing::warn!(target: "lark", "[{acct}] cannot ready chat {chat}'s next turn, trying again: {e}");
                ctx.sleep_unless_stopping(Duration::from_secs(1)).await;
                continue;
            }
        };
        let Ok(_permit) = ctx.turn_slots.acquire().await else {
            break;
        };
        let members = queue::members(&ctx, &event).await.unwrap_or_default();
        let control = control::Control::new(&ctx, &account, &event, &members);
        let run = turn::run(&ctx, &account, event.clone());
        let ended = control::watch(&ctx, &account, &chat, &control, run).await;
        let answered = matches!(ended, Ok(Outcome::Sent | Outcome::NothingToSend));
        if !queue::finish(&ctx, &event, &control, answered).await {
            settle(&ctx, &acct, &event.event_id, ended).await;
        }
    }
    account
        .queues
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .remove(&chat);
}

/// Records how a turn ended: the one place a turn's end is written to the store. A closed or
/// empty turn gets its status; a failed one counts an attempt and is tried again after the
/// wait its error asks for (or a growing backoff), or given up as failed, with its reason,
/// when it cannot pass or has been tried [`MAX_ATTEMPTS`] times. A status the store could not
/// write leaves the event open, and the chat's next look runs it again.
async fn settle(ctx: &Ctx, acct: &str, event_id: &str, ended: Result<Outcome, TurnError>) {
    let closed = match ended {
        Ok(Outcome::Sent) => return,
        Ok(Outcome::NothingToSend) => (EventStatus::Sent, None),
        Ok(Outcome::Closed { status, reason }) => (status, Some(reason)),
        Err(e) => {
            let attempts = ctx
                .store
                .bump_attempts(acct, event_id)
                .await
                .unwrap_or(MAX_ATTEMPTS);
            if attempts < MAX_ATTEMPTS && !e.is_permanent() {
                let backoff = Duration::from_millis(500 * (1 << attempts.min(6)) as u64);
                let wait = e.retry_after().map_or(backoff, |w| w.max(backoff));
                tracing::warn!(target: "lark", "[{acct}] event {event_id} failed (attempt {attempts}), retrying in {wait:?}: {e}");
                ctx.sleep_unless_stopping(wait).await;
                return;
            }
            tracing::error!(target: "lark", "[{acct}] giving up on event {event_id} after {attempts} attempts: {e}");
            ctx.metrics.turn(acct, "failed", Duration::ZERO);
            (EventStatus::Failed, Some(e.to_string()))
        }
    };
    let (status, reason) = closed;
    if let Err(e) = ctx
        .store
        .set_status(acct, event_id, status, reason.as_deref())
        .await
    {
        tracing::warn!(target: "lark", "[{acct}] cannot record how event {event_id} ended ({}), trying it again: {e}", status.as_str());
        ctx.sleep_unless_stopping(Duration::from_secs(1)).await;
    }
}
