//! The typing indicator: a `Typing` reaction on the message while its answer is made.
//!
//! It never delays a reply. The reaction is added in its own task, in parallel with the
//! agent's work, and removed in parallel with the reply's last part (once its add has landed,
//! however late), so a slow or rate-limited reactions API holds up nothing the user waits for
//! and leaves no reaction behind. A reaction that a crashed run left (recorded on the event) is
//! removed the same way.
//!
//! It is only shown when it tells the user something, and never at the replies' expense:
//! - it waits `typingDelayMs` (300 ms by default) first, and an answer ready by then goes out
//!   with no reaction at all: a reply that fast needs no "typing", and a reaction added and
//!   taken off again within it would cost two calls of the reactions budget (and the CPU of two
//!   requests) for a flicker;
//! - a turn with more of the chat's messages queued behind it shows none: those messages are
//!   answered within moments anyway;
//! - when the reactions budget (add or remove) is low, the turn shows none, rather than queue
//!   behind the limiter and be removed late.

use std::sync::Arc;

use lark::model::MessageId;
use lark::ratelimit::Family;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::account::AccountRt;
use crate::runtime::Ctx;
use crate::store::StoredEvent;

/// The emoji shown on a message while its answer is being made.
const TYPING: &str = "Typing";

/// The typing reaction of one turn: none, one recorded by an earlier run, or one on its way
/// (waiting out its delay, or being added).
#[derive(Debug)]
pub(crate) enum Typing {
    Off,
    Recorded(String),
    Adding {
        /// Dropped once the answer is ready: an add still in its delay is called off.
        ready: oneshot::Sender<()>,
        task: JoinHandle<Option<String>>,
    },
}

impl Typing {
    /// Starts the typing reaction for the turn of `ev`, unless the account turned it off or
    /// `backlog` (more of the chat's messages wait behind this one). A reaction an earlier run
    /// recorded is kept rather than added again.
    pub(crate) fn start(
        ctx: &Arc<Ctx>,
        account: &Arc<AccountRt>,
        ev: &StoredEvent,
        message_id: &MessageId,
        backlog: bool,
    ) -> Typing {
        if let Some(r) = &ev.typing_reaction {
            return Typing::Recorded(r.clone());
        }
        if backlog || !account.cfg.typing_indicator || !worth_a_reaction(account) {
            return Typing::Off;
        }
        let (ctx, account) = (ctx.clone(), account.clone());
        let (event_id, message_id) = (ev.event_id.clone(), message_id.clone());
        let (ready, answered) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let delay = account.cfg.typing_delay;
            if !delay.is_zero() {
                tokio::select! {
                    biased;
                    // Sent or dropped: either way the answer is ready.
                    _ = answered => return None,
                    () = tokio::time::sleep(delay) => {}
                }
            }
            // Checked again right before the add, with no await between the check and the
            // limiter's count, so turns starting together cannot all pass on the same room
            // (and the budget may have run low while the agent worked).
            if !worth_a_reaction(&account) {
                return None;
            }
            add(&ctx, &account, &event_id, &message_id).await
        });
        Typing::Adding { ready, task }
    }

    /// A reaction recorded on the event by an earlier run, if any (for a resumed send).
    pub(crate) fn recorded(ev: &StoredEvent) -> Typing {
        ev.typing_reaction
            .clone()
            .map_or(Typing::Off, Typing::Recorded)
    }

    /// Takes the reaction off (calling off an add still in its delay, and waiting for one
    /// already on its way).
    pub(crate) async fn remove(self, account: &AccountRt, message_id: &MessageId) {
        let reaction = match self {
            Typing::Off => return,
            Typing::Recorded(r) => r,
            Typing::Adding { ready, task } => {
                drop(ready);
                match task.await {
                    Ok(Some(r)) => r,
                    _ => return,
                }
            }
        };
        if let Err(e) = account.client.delete_reaction(message_id, &reaction).await {
            tracing::debug!(target: "lark", "[{}] removing the typing reaction failed: {e}", account.id());
        }
    }

    /// Calls off an add still in its delay and waits for one already on its way, so that the
    /// reaction is recorded on the event when the turn is tried again (and not added twice).
    pub(crate) async fn settle(self) {
        if let Typing::Adding { ready, task } = self {
            drop(ready);
            let _ = task.await;
        }
    }
}

/// Whether a typing reaction may go out now: the breaker is closed and neither reactions
/// budget is low (an add commits the turn to a removal too).
fn worth_a_reaction(account: &AccountRt) -> bool {
    let client = &account.client;
    account.typing.allows()
        && !client.budget_low(Family::ReactionAdd)
        && !client.budget_low(Family::ReactionRemove)
}

/// Adds the reaction and records it on the event, so a crash does not leave it behind.
async fn add(
    ctx: &Ctx,
    account: &AccountRt,
    event_id: &str,
    message_id: &MessageId,
) -> Option<String> {
    match account.client.add_reaction(message_id, TYPING).await {
        Ok(r) => {
            account.typing.success();
            let _ = ctx
                .store
                .set_typing(account.id(), event_id, Some(&r.reaction_id))
                .await;
            Some(r.reaction_id)
        }
        Err(e) => {
            let limited = matches!(e, lark::Error::RateLimited { .. })
                || e.api().is_some_and(|a| a.is_rate_limited());
            account.typing.failure(limited);
            tracing::debug!(target: "lark", "[{}] typing reaction failed: {e}", account.id());
            None
        }
    }
}
