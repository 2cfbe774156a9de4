//! The typing indicator: a `Typing` reaction on the message while its answer is made.
//!
//! It never delays a reply. The reaction is added in its own task, in parallel with the
//! agent's work, and removed in parallel with the reply's last part (once its add has landed,
//! however late), so a slow or rate-limited reactions API holds up nothing the user waits for
//! and leaves no reaction behind. A turn with more of the chat's messages queued behind it
//! shows none at all: the reactions would spend the platform's budget on messages answered
//! within moments anyway. A reaction that a crashed run left (recorded on the event) is
//! removed the same way.

use std::sync::Arc;

use lark::model::MessageId;
use tokio::task::JoinHandle;

use crate::account::AccountRt;
use crate::runtime::Ctx;
use crate::store::StoredEvent;

/// The emoji shown on a message while its answer is being made.
const TYPING: &str = "Typing";

/// The typing reaction of one turn: none, one recorded by an earlier run, or one being added.
#[derive(Debug)]
pub(crate) enum Typing {
    Off,
    Recorded(String),
    Adding(JoinHandle<Option<String>>),
}

impl Typing {
    /// Starts the typing reaction for the turn of `ev`, unless the account turned it off, the
    /// breaker is open, or `backlog` (more of the chat's messages wait behind this one). A
    /// reaction an earlier run recorded is kept rather than added again.
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
        if backlog || !account.cfg.typing_indicator || !account.typing.allows() {
            return Typing::Off;
        }
        let (ctx, account) = (ctx.clone(), account.clone());
        let (event_id, message_id) = (ev.event_id.clone(), message_id.clone());
        Typing::Adding(tokio::spawn(async move {
            add(&ctx, &account, &event_id, &message_id).await
        }))
    }

    /// A reaction recorded on the event by an earlier run, if any (for a resumed send).
    pub(crate) fn recorded(ev: &StoredEvent) -> Typing {
        ev.typing_reaction
            .clone()
            .map_or(Typing::Off, Typing::Recorded)
    }

    /// Takes the reaction off (waiting for its add first, if that is still on its way).
    pub(crate) async fn remove(self, account: &AccountRt, message_id: &MessageId) {
        let reaction = match self {
            Typing::Off => return,
            Typing::Recorded(r) => r,
            Typing::Adding(add) => match add.await {
                Ok(Some(r)) => r,
                _ => return,
            },
        };
        if let Err(e) = account.client.delete_reaction(message_id, &reaction).await {
            tracing::debug!(target: "lark", "[{}] removing the typing reaction failed: {e}", account.id());
        }
    }

    /// Waits for an add still on its way, so that the reaction is recorded on the event when
    /// the turn is tried again (and not added twice).
    pub(crate) async fn settle(self) {
        if let Typing::Adding(add) = self {
            let _ = add.await;
        }
    }
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
