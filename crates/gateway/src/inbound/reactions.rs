//! Reactions to the agent (`reactionNotifications`): a user's reaction on the bot's messages
//! (`own`, the default) or on any message of a chat the bot is in (`all`) is noted for the
//! chat and told to the model at its next turn there ("Ada reacted THUMBSUP to your message
//! om_x"). A reaction never starts a turn of its own.
//!
//! The event names the message but not its chat, so the message is looked up once. Notes are
//! kept in the store beside the sessions (under [`notes_key`]), the newest [`MAX_NOTES`], so
//! they outlive a restart and every replica sees them.

use std::sync::Arc;

use lark::model::event::Reaction;
use openclaw_config::ReactionNotifications;

use super::outcome::{Outcome, TurnError};
use crate::account::AccountRt;
use crate::runtime::Ctx;
use crate::store::EventStatus;

/// The most notes a chat keeps for its next turn (older ones are dropped).
const MAX_NOTES: usize = 20;

/// The queue reaction events wait in (one per account: they are noted in order).
pub(crate) const QUEUE: &str = "reactions";

/// Whether the account wants reaction events run through the pipeline.
pub(crate) fn wanted(account: &AccountRt, r: &Reaction) -> bool {
    account.cfg.openclaw.reaction_notifications != ReactionNotifications::Off
        && r.operator_type == "user"
}

fn notes_key(acct: &str, chat_id: &str) -> String {
    format!("lark:{acct}:notes:{chat_id}")
}

/// Notes one reaction for its chat's next turn.
pub(super) async fn note(
    ctx: &Arc<Ctx>,
    account: &Arc<AccountRt>,
    r: &Reaction,
) -> Result<Outcome, TurnError> {
    let ignored = |why: &str| Ok(Outcome::closed(EventStatus::Ignored, why.to_owned()));
    let (Some(message_id), true) = (&r.message_id, wanted(account, r)) else {
        return ignored("reaction not noted");
    };
    let items = match account.client.get_message(message_id).await {
        Ok(items) => items,
        Err(e) => {
            tracing::info!(target: "lark", "[{}] cannot look up message {message_id} a reaction was added to: {e}", account.id());
            return ignored("reacted message unknown");
        }
    };
    let Some(m) = items.iter().find(|m| &m.message_id == message_id) else {
        return ignored("reacted message unknown");
    };
    let own = m.sender.sender_type == "app" && m.sender.id == account.app_id;
    let mode = account.cfg.openclaw.reaction_notifications;
    let Some(chat) = m
        .chat_id
        .as_ref()
        .filter(|_| own || mode == ReactionNotifications::All)
    else {
        return ignored("reaction on another's message");
    };
    let who = match r.user_id.open_id.as_ref().map(|o| o.to_string()) {
        Some(id) => account.names.name(&id).await.unwrap_or(id),
        None => "someone".to_owned(),
    };
    let whose = if own {
        "your message".to_owned()
    } else {
        format!("the message of {}", m.sender.id)
    };
    let text = format!("{who} reacted {} to {whose} {message_id}", r.emoji_type());
    let key = notes_key(account.id(), chat.as_str());
    let mut notes = load(ctx, &key).await;
    notes.push(text);
    let drop = notes.len().saturating_sub(MAX_NOTES);
    notes.drain(..drop);
    let doc = serde_json::to_string(&notes).unwrap_or_else(|_| "[]".into());
    ctx.store.save_session(&key, &doc).await?;
    Ok(Outcome::closed(EventStatus::Ignored, "reaction noted"))
}

/// The chat's notes, taken (forgotten once read).
pub(super) async fn take(ctx: &Ctx, acct: &str, chat_id: &str) -> Vec<String> {
    let key = notes_key(acct, chat_id);
    let notes = load(ctx, &key).await;
    if !notes.is_empty()
        && let Err(e) = ctx.store.delete_session(&key).await
    {
        tracing::warn!(target: "lark", "[{acct}] cannot forget the notes of {chat_id}: {e}");
    }
    notes
}

async fn load(ctx: &Ctx, key: &str) -> Vec<String> {
    match ctx.store.load_session(key).await {
        Ok(Some(doc)) => serde_json::from_str(&doc).unwrap_or_default(),
        _ => Vec::new(),
    }
}
