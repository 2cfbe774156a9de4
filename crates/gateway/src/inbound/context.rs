//! What a turn carries besides its message: the group's history since the bot's previous turn
//! there (history.rs) and the notes of what happened meanwhile (reactions.rs).

use std::sync::Arc;

use lark::model::event::MessageReceived;
use openclaw_agent::{ChatKind, Turn};
use openclaw_config::SessionScope;

use crate::account::AccountRt;
use crate::runtime::Ctx;
use crate::store::StoredEvent;

pub(super) async fn add(
    ctx: &Arc<Ctx>,
    account: &Arc<AccountRt>,
    ev: &StoredEvent,
    msg: &MessageReceived,
    scope: SessionScope,
    mut turn: Turn,
) -> Turn {
    if turn.chat_type == ChatKind::Dm {
        turn.session_turns = account.cfg.openclaw.dm_history_limit;
    } else {
        turn.history = super::history::gather(ctx, account, ev, msg, scope).await;
    }
    turn.notes = super::reactions::take(ctx, account.id(), msg.chat_id.as_str()).await;
    turn
}
