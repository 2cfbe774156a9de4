//! Which of the agent's sessions a message belongs to: the chat's kind and its session key.
//!
//! Groups follow `groupSessionScope` (the group's, else the account's), as OpenClaw means it:
//!
//! | `groupSessionScope` | key |
//! |---|---|
//! | `group` (default) | `lark:<account>:group:<chat_id>` (the whole chat, topics too) |
//! | `group_sender` | `lark:<account>:group:<chat_id>:sender:<open_id>` |
//! | `group_topic` | `lark:<account>:thread:<thread_id>` (a message outside topics: the chat's) |
//! | `group_topic_sender` | `lark:<account>:thread:<thread_id>:sender:<open_id>` |
//!
//! `/new` resets the session of the key, so only that scope. DMs follow `session.dmScope` as
//! OpenClaw means it; unset, each account keeps one session per sender:
//!
//! | `dmScope` | key |
//! |---|---|
//! | `main` | `main` (every DM of every account and sender, one session) |
//! | `per-peer` | `dm:<open_id>` |
//! | `per-channel-peer` | `lark:dm:<open_id>` |
//! | `per-account-channel-peer`, unset | `lark:<account>:dm:<open_id>` |
//!
//! An open id belongs to one app, so `per-peer` and `per-channel-peer` share a session between
//! accounts only for apps that see the same id.

use lark::model::event::{ChatType, MessageReceived};
use openclaw_agent::ChatKind;
use openclaw_config::{Account, DmScope, SessionScope};

use crate::runtime::Ctx;

/// The group session scope of a chat: the group's `groupSessionScope`, else the account's.
pub(super) fn group_scope(account: &Account, chat_id: &str) -> SessionScope {
    super::policy::group_config(account, chat_id)
        .and_then(|g| g.group_session_scope)
        .unwrap_or(account.openclaw.group_session_scope)
}

/// The chat kind and session key of `msg` as this account and gateway scope them.
pub(super) fn of(ctx: &Ctx, account: &Account, msg: &MessageReceived) -> (ChatKind, String) {
    let scope = group_scope(account, msg.chat_id.as_str());
    key(
        ctx.session.dm_scope,
        scope,
        &account.id,
        msg,
        super::turn::sender(msg),
    )
}

/// The message's chat kind and session key.
pub(super) fn key(
    dm_scope: Option<DmScope>,
    scope: SessionScope,
    acct: &str,
    msg: &MessageReceived,
    sender: &str,
) -> (ChatKind, String) {
    let kind = match msg.chat_type {
        ChatType::P2p => return (ChatKind::Dm, dm_key(dm_scope, acct, sender)),
        ChatType::TopicGroup => ChatKind::Topic,
        _ => ChatKind::Group,
    };
    (kind, group_key(scope, acct, msg, sender))
}

fn group_key(scope: SessionScope, acct: &str, msg: &MessageReceived, sender: &str) -> String {
    let topic = msg.thread_id.as_ref().map(|t| t.as_str());
    let base = match (scope, topic) {
        (SessionScope::GroupTopic | SessionScope::GroupTopicSender, Some(t)) => {
            format!("lark:{acct}:thread:{t}")
        }
        _ => format!("lark:{acct}:group:{}", msg.chat_id),
    };
    match scope {
        SessionScope::GroupSender | SessionScope::GroupTopicSender => {
            format!("{base}:sender:{sender}")
        }
        SessionScope::Group | SessionScope::GroupTopic => base,
    }
}

pub(super) fn dm_key(dm_scope: Option<DmScope>, acct: &str, sender: &str) -> String {
    match dm_scope {
        Some(DmScope::Main) => "main".to_owned(),
        Some(DmScope::PerPeer) => format!("dm:{sender}"),
        Some(DmScope::PerChannelPeer) => format!("lark:dm:{sender}"),
        Some(DmScope::PerAccountChannelPeer) | None => format!("lark:{acct}:dm:{sender}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_dm_scope_gives_its_own_key() {
        let keys: Vec<String> = [
            Some(DmScope::Main),
            Some(DmScope::PerPeer),
            Some(DmScope::PerChannelPeer),
            Some(DmScope::PerAccountChannelPeer),
            None,
        ]
        .into_iter()
        .map(|s| dm_key(s, "ops", "ou_1"))
        .collect();
        assert_eq!(
            keys,
            [
                "main",
                "dm:ou_1",
                "lark:dm:ou_1",
                "lark:ops:dm:ou_1",
                "lark:ops:dm:ou_1"
            ]
        );
    }
}
