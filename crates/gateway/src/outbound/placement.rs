//! Where a reply's parts go: `replyInThread` (the group's, else the account's: `enabled` opens
//! a thread under the triggering message; a message already in a thread is always answered
//! there) and `replyToMode` (which parts quote the triggering message: `off` none, `first` the
//! first, `all` and `batched` every part; unset, every part, as before). A part that neither
//! quotes nor goes to a thread is sent to the chat as a new message.

use lark::model::event::{ChatType, MessageReceived};
use openclaw_config::ReplyToMode;

use crate::account::AccountRt;

/// Whether the reply to `msg` goes into a thread under it (or the thread it is in).
pub(crate) fn in_thread(account: &AccountRt, msg: &MessageReceived) -> bool {
    if msg.thread_id.is_some() {
        return true;
    }
    msg.chat_type != ChatType::P2p
        && crate::inbound::policy::group_config(&account.cfg, msg.chat_id.as_str())
            .and_then(|g| g.reply_in_thread)
            .unwrap_or(account.cfg.openclaw.reply_in_thread)
}

/// Whether part `i` of the reply quotes the triggering message.
pub(crate) fn quotes(account: &AccountRt, i: usize) -> bool {
    match account.cfg.openclaw.reply_to_mode {
        Some(ReplyToMode::Off) => false,
        Some(ReplyToMode::First) => i == 0,
        Some(ReplyToMode::All | ReplyToMode::Batched) | None => true,
    }
}
