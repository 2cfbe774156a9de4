//! A running turn's controller: while the chat's worker runs a turn, it also watches the chat's
//! wake-ups, so a `/stop` or a new message is seen at once rather than queued behind the turn.
//!
//! What a newcomer does depends on the queue mode (see `queue`): `/stop` always stops the
//! running turn; in `interrupt` mode an admitted message stops it too and becomes the lead of a
//! batch holding everything unanswered; in `steer` mode (an LLM agent) its text is handed to
//! the turn's [`Steer`] inbox; otherwise it waits for its turn in the store.
//!
//! Stops are recorded before the turn is told: `/stop` closes the running turn's events, and
//! every event before it, as `stopped` in one step with the `/stop` itself, so a restart never
//! runs them again; an interrupt records the new batch first, so a restart runs that batch.

use std::collections::HashSet;
use std::future::Future;
use std::sync::{Arc, Mutex};

use lark::model::event::MessageReceived;
use openclaw_agent::{Steer, SteerMessage};
use openclaw_config::QueueMode;
use openclaw_format::inbound::agent_text;
use tokio::sync::{Notify, watch};

use super::outcome::{Outcome, TurnError};
use super::queue;
use super::stop::{self, StopReason, StopSignal};
use crate::account::AccountRt;
use crate::runtime::Ctx;
use crate::store::{EventStatus, StoredEvent};

tokio::task_local! {
    /// The controller of the turn the current task runs (set by [`watch`]).
    static CONTROL: Arc<Control>;
}

/// A chat queue with a worker running.
#[derive(Debug, Default)]
pub(crate) struct ChatQueue {
    /// Woken while draining: look at the store again before ending.
    pub(crate) pending: bool,
    /// Told of every wake-up, for the running turn's controller.
    pub(crate) arrived: Arc<Notify>,
}

/// What a running turn can be told.
pub(crate) struct Control {
    /// The events the turn answers (its lead and the batch's members).
    running: Vec<String>,
    mode: QueueMode,
    stop_tx: watch::Sender<Option<StopReason>>,
    stop_rx: StopSignal,
    /// Open for an LLM turn in `steer` mode.
    pub(crate) steer: Steer,
    /// Messages handed to the turn: (message id, event id).
    steered: Mutex<Vec<(String, String)>>,
}

impl Control {
    /// The controller of `lead`'s turn, which also answers `members` (its batch).
    pub(crate) fn new(
        ctx: &Ctx,
        account: &AccountRt,
        lead: &StoredEvent,
        members: &[StoredEvent],
    ) -> Arc<Control> {
        let mode = queue::mode(ctx, account, lead);
        let (stop_tx, stop_rx) = StopSignal::new();
        let steer = if mode == QueueMode::Steer && queue::agent_steers(ctx) {
            Steer::open()
        } else {
            Steer::default()
        };
        let mut running = vec![lead.event_id.clone()];
        for m in members {
            if !running.contains(&m.event_id) {
                running.push(m.event_id.clone());
            }
        }
        Arc::new(Control {
            running,
            mode,
            stop_tx,
            stop_rx,
            steer,
            steered: Mutex::new(Vec::new()),
        })
    }

    /// Why the turn was stopped, if it was.
    pub(crate) fn stopped(&self) -> Option<StopReason> {
        *self.stop_tx.borrow()
    }

    /// The event ids of the steered messages the turn took.
    pub(crate) fn steered_taken(&self) -> Vec<String> {
        let taken = self.steer.taken();
        lock(&self.steered)
            .iter()
            .filter(|(m, _)| taken.contains(m))
            .map(|(_, e)| e.clone())
            .collect()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The stop signal of the turn the current task runs, if it runs under a controller.
pub(crate) fn stop_signal() -> Option<StopSignal> {
    CONTROL.try_with(|c| c.stop_rx.clone()).ok()
}

/// The steering inbox of the turn the current task runs (closed outside a controller).
pub(crate) fn steer_inbox() -> Steer {
    CONTROL.try_with(|c| c.steer.clone()).unwrap_or_default()
}

/// Runs `turn` under `control`, looking at the chat's newcomers whenever it is woken.
pub(super) async fn watch(
    ctx: &Arc<Ctx>,
    account: &Arc<AccountRt>,
    chat: &str,
    control: &Arc<Control>,
    turn: impl Future<Output = Result<Outcome, TurnError>>,
) -> Result<Outcome, TurnError> {
    let arrived = {
        let queues = account.queues.lock().unwrap_or_else(|p| p.into_inner());
        queues.get(chat).map(|q| q.arrived.clone())
    };
    let Some(arrived) = arrived else {
        return CONTROL.scope(control.clone(), turn).await;
    };
    let turn = CONTROL.scope(control.clone(), turn);
    tokio::pin!(turn);
    let mut seen: HashSet<String> = control.running.iter().cloned().collect();
    loop {
        tokio::select! {
            ended = &mut turn => return ended,
            _ = arrived.notified(), if control.stopped().is_none() => {
                if let Err(e) = look(ctx, account, chat, control, &mut seen).await {
                    tracing::warn!(target: "lark", "[{}] cannot look at chat {chat}'s new messages while a turn runs: {e}", account.id());
                }
            }
        }
    }
}

/// Judges the chat's open events not seen yet, in order, and acts on the first that stops the
/// turn.
async fn look(
    ctx: &Arc<Ctx>,
    account: &Arc<AccountRt>,
    chat: &str,
    control: &Control,
    seen: &mut HashSet<String>,
) -> Result<(), TurnError> {
    let acct = account.id();
    let open = ctx.store.open_events(acct, chat, queue::LOOK_LIMIT).await?;
    for (i, ev) in open.iter().enumerate() {
        if !seen.insert(ev.event_id.clone()) {
            continue;
        }
        if ev.status != EventStatus::Received || ev.batch.is_some() {
            continue;
        }
        let Some(msg) = queue::message_of(ev) else {
            continue;
        };
        let is_stop = stop::is_stop(account, &msg);
        let acts = is_stop
            || control.mode == QueueMode::Interrupt
            || (control.mode == QueueMode::Steer && control.steer.is_open());
        if !acts || super::turn::admit(ctx, account, ev, &msg).await?.is_some() {
            // Refused or waiting: the worker takes it in its turn (and records a refusal).
            continue;
        }
        if is_stop {
            let ids: Vec<String> = open[..=i].iter().map(|e| e.event_id.clone()).collect();
            let reason = StopReason::Stop;
            ctx.store
                .close_events(acct, &ids, EventStatus::Stopped, reason.recorded())
                .await?;
            tracing::info!(target: "lark", "[{acct}] /stop in chat {chat}: stopping the running turn ({} event(s) closed)", ids.len());
            control.stop_tx.send_replace(Some(reason));
            return Ok(());
        }
        match control.mode {
            QueueMode::Interrupt => {
                // What came between was refused or is no message: it stays out.
                let mut members = control.running.clone();
                members.push(ev.event_id.clone());
                ctx.store.set_batch(acct, &ev.event_id, &members).await?;
                tracing::info!(target: "lark", "[{acct}] a new message in chat {chat} interrupts the running turn");
                control.stop_tx.send_replace(Some(StopReason::Interrupt));
                return Ok(());
            }
            _ => steer(account, control, ev, &msg),
        }
    }
    Ok(())
}

/// Hands a message to the running turn's steering inbox.
fn steer(account: &AccountRt, control: &Control, ev: &StoredEvent, msg: &MessageReceived) {
    let bot = account.bot_cached().map(|b| b.open_id.clone());
    let text = agent_text(msg, bot.as_ref()).text;
    let message_id = msg.message_id.to_string();
    if control.steer.push(SteerMessage {
        message_id: message_id.clone(),
        text,
    }) {
        lock(&control.steered).push((message_id, ev.event_id.clone()));
    }
}
