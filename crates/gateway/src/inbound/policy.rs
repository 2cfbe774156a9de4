//! Who may talk to the bot: the channel document's dmPolicy and groupPolicy tables, allowlists,
//! per-group settings (enabled, allowFrom, requireMention), OpenClaw's `groupSenderAllowFrom`
//! (who may trigger the bot in the groups admitted; a group's own `allowFrom` wins) and
//! `dms.<open_id>.enabled`. Pure: the pairing store is consulted by the caller when the verdict
//! says so.

use openclaw_config::{Account, DmConfig, DmPolicy, GroupConfig, GroupPolicy};

/// What the policy says of one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Admit,
    /// Refused, with a reason for logs and metrics.
    Refuse(&'static str),
    /// A DM from a sender not on the allowlist under `dmPolicy: pairing`: admitted only if the
    /// pairing store has approved them; otherwise they get a code.
    Pairing,
}

/// The facts of a message the policy looks at.
#[derive(Debug, Clone)]
pub struct Facts<'a> {
    pub is_dm: bool,
    pub chat_id: &'a str,
    /// Every id the sender is known by (open id, union id, user id).
    pub sender_ids: Vec<&'a str>,
    /// Whether the bot itself is @mentioned (`@_all` is not a mention of the bot).
    pub mentions_bot: bool,
}

fn listed(list: &[String], ids: &[&str]) -> bool {
    list.iter()
        .any(|entry| entry == "*" || ids.iter().any(|id| id == entry))
}

/// The group's own settings: the chat's entry, else the `"*"` entry.
pub fn group_config<'a>(account: &'a Account, chat_id: &str) -> Option<&'a GroupConfig> {
    account
        .groups
        .get(chat_id)
        .or_else(|| account.groups.get("*"))
}

/// `dms.<id>` of the sender, by any id it is known by.
pub fn dm_config<'a>(account: &'a Account, sender_ids: &[&str]) -> Option<&'a DmConfig> {
    sender_ids
        .iter()
        .find_map(|id| account.openclaw.dms.get(*id))
}

/// Judges one message.
pub fn judge(account: &Account, f: &Facts<'_>) -> Verdict {
    if f.is_dm {
        if dm_config(account, &f.sender_ids).is_some_and(|d| !d.enabled) {
            return Verdict::Refuse("dm sender disabled in dms");
        }
        return match account.dm_policy {
            DmPolicy::Disabled => Verdict::Refuse("dm disabled"),
            DmPolicy::Open => Verdict::Admit,
            DmPolicy::Allowlist if listed(&account.allow_from, &f.sender_ids) => Verdict::Admit,
            DmPolicy::Allowlist => Verdict::Refuse("dm sender not in allowFrom"),
            DmPolicy::Pairing if listed(&account.allow_from, &f.sender_ids) => Verdict::Admit,
            DmPolicy::Pairing => Verdict::Pairing,
        };
    }
    let group = group_config(account, f.chat_id);
    if group.is_some_and(|g| !g.enabled) {
        return Verdict::Refuse("group disabled");
    }
    let group_allow = group.map(|g| g.allow_from.as_slice()).unwrap_or(&[]);
    let group_senders = &account.openclaw.group_sender_allow_from;
    if group_allow.is_empty()
        && !group_senders.is_empty()
        && account.group_policy != GroupPolicy::Disabled
        && !listed(group_senders, &f.sender_ids)
    {
        return Verdict::Refuse("sender not in groupSenderAllowFrom");
    }
    match account.group_policy {
        GroupPolicy::Disabled => return Verdict::Refuse("groups disabled"),
        GroupPolicy::Open => {
            if !group_allow.is_empty() && !listed(group_allow, &f.sender_ids) {
                return Verdict::Refuse("sender not in the group's allowFrom");
            }
        }
        GroupPolicy::Allowlist => {
            // A chat id in groupAllowFrom admits the whole group.
            let mut ids = f.sender_ids.clone();
            ids.push(f.chat_id);
            if !listed(&account.group_allow_from, &ids) && !listed(group_allow, &f.sender_ids) {
                return Verdict::Refuse("sender not in groupAllowFrom");
            }
        }
    }
    let require_mention = group
        .and_then(|g| g.require_mention)
        .unwrap_or(account.require_mention);
    if require_mention && !f.mentions_bot {
        return Verdict::Refuse("bot not mentioned");
    }
    Verdict::Admit
}

#[cfg(test)]
mod tests;
