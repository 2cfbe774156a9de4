//! Which of the agent's sessions a message belongs to: the chat's kind and its session key.
//!
//! Groups: one session per chat, a thread's per thread. DMs follow `session.dmScope` as OpenClaw
//! means it; unset, each account keeps one session per sender:
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
use openclaw_config::DmScope;

/// The message's chat kind and session key.
pub(super) fn key(
    dm_scope: Option<DmScope>,
    acct: &str,
    msg: &MessageReceived,
    sender: &str,
) -> (ChatKind, String) {
    match (&msg.chat_type, &msg.thread_id) {
        (ChatType::P2p, _) => (ChatKind::Dm, dm_key(dm_scope, acct, sender)),
        (ChatType::TopicGroup, Some(t)) => (ChatKind::Topic, format!("lark:{acct}:thread:{t}")),
        (ChatType::Group, Some(t)) => (ChatKind::Group, format!("lark:{acct}:thread:{t}")),
        (ChatType::TopicGroup, None) => (
            ChatKind::Topic,
            format!("lark:{acct}:group:{}", msg.chat_id),
        ),
        _ => (
            ChatKind::Group,
            format!("lark:{acct}:group:{}", msg.chat_id),
        ),
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
