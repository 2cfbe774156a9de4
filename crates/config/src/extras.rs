//! OpenClaw's account keys beyond the channel document's, into [`AccountExtras`]: read with the
//! same inheritance as every other account key (the account's own value, else the channel's).

use std::time::Duration;

use crate::accounts::{Ctx, Scope};
use crate::types::{
    AccountExtras, AllowBots, ChunkMode, DmConfig, ReactionNotifications, ReplyToMode, SessionScope,
};
use crate::view::Obj;

/// OpenClaw's `tools.<group>` names, then the message tool's own groups that OpenClaw lacks.
pub(crate) const TOOL_GROUPS: [&str; 11] = [
    "doc", "chat", "wiki", "drive", "perm", "bitable", "scopes", "comment", "sheet", "calendar",
    "task",
];

pub(crate) fn account(scope: &Scope<'_, '_>, ctx: &Ctx<'_>) -> AccountExtras {
    let small = |key: &str| {
        scope
            .pick(|o| o.u64(key))
            .and_then(|n| u32::try_from(n).ok())
    };
    let dms_from = if scope.own.get("dms").is_some() {
        scope.own
    } else {
        scope.top.unwrap_or(scope.own)
    };
    let tools = TOOL_GROUPS
        .iter()
        .filter_map(|g| {
            scope
                .pick(|o| o.obj("tools").bool(g))
                .map(|on| ((*g).to_owned(), on))
        })
        .collect();
    let tools_list = |key: &str| {
        scope
            .pick(|o| o.obj("tools").strings(key))
            .unwrap_or_default()
    };
    let (tools_allow, tools_deny) = (tools_list("allow"), tools_list("deny"));
    let allow_bots = scope
        .pick(|o| {
            o.bool("allowBots")
                .map(|b| if b { AllowBots::On } else { AllowBots::Off })
                .or_else(|| o.str("allowBots").and_then(AllowBots::from_spelling))
        })
        .unwrap_or_default();
    // Most specific first; `messages.responsePrefix` is the last resort.
    let response_prefix = scope
        .pick(|o| o.str("responsePrefix").map(str::to_owned))
        .or_else(|| ctx.response_prefix.clone());
    AccountExtras {
        group_sender_allow_from: scope
            .pick(|o| o.strings("groupSenderAllowFrom"))
            .unwrap_or_default(),
        dms: dms(&dms_from.obj("dms")),
        text_chunk_limit: small("textChunkLimit"),
        http_timeout: scope
            .pick(|o| o.u64("httpTimeoutMs"))
            .map(Duration::from_millis),
        resolve_sender_names: scope.pick(|o| o.bool("resolveSenderNames")).unwrap_or(true),
        response_prefix,
        chunk_mode: scope
            .pick(|o| {
                o.obj("streaming")
                    .str("chunkMode")
                    .and_then(ChunkMode::from_spelling)
            })
            .unwrap_or_default(),
        block_streaming: scope
            .pick(|o| o.obj("streaming").obj("block").bool("enabled"))
            .unwrap_or(false),
        tools,
        tools_allow,
        tools_deny,
        reactions: scope.pick(|o| o.obj("actions").bool("reactions")),
        allow_bots,
        bot_turns_per_minute: small("botTurnsPerMinute").unwrap_or(5),
        respond_to_mention_all: scope
            .pick(|o| o.bool("respondToMentionAll"))
            .unwrap_or(false),
        reaction_notifications: scope
            .pick(|o| {
                o.str("reactionNotifications")
                    .and_then(ReactionNotifications::from_spelling)
            })
            .unwrap_or_default(),
        history_limit: small("historyLimit"),
        dm_history_limit: small("dmHistoryLimit"),
        group_session_scope: scope
            .pick(|o| {
                o.str("groupSessionScope")
                    .and_then(SessionScope::from_spelling)
            })
            .unwrap_or_default(),
        reply_to_mode: scope.pick(|o| o.str("replyToMode").and_then(ReplyToMode::from_spelling)),
        reply_in_thread: scope
            .pick(|o| o.str("replyInThread"))
            .is_some_and(|v| v == "enabled"),
    }
}

fn dms(dms: &Obj<'_>) -> std::collections::BTreeMap<String, DmConfig> {
    dms.entries()
        .into_iter()
        .map(|(open_id, d)| {
            let dm = DmConfig {
                enabled: d.bool("enabled").unwrap_or(true),
                system_prompt: d.str("systemPrompt").map(str::to_owned),
            };
            (open_id.to_owned(), dm)
        })
        .collect()
}
