//! The parts of the schema that come from OpenClaw's own `openclaw.json`: the keys of its Feishu
//! plugin under `channels.feishu` (also accepted under `channels.lark`), the sections this
//! gateway honours (`agents.defaults`, `models.providers`, `gateway`, `session`,
//! `messages.queue`, `secrets.providers`), and the names of everything else OpenClaw writes,
//! which are accepted and left alone ([`Kind::Any`]) so a user's file loads unchanged while a
//! typo in a known section is still refused.

use crate::schema::{Kind, Schema};
use crate::tree::Node;

/// OpenClaw's top-level sections this gateway does not use.
const ROOT_IGNORED: &[&str] = &[
    "meta",
    "wizard",
    "update",
    "discovery",
    "bindings",
    "plugins",
    "logging",
    "identity",
    "audio",
    "routing",
    "talk",
    "tui",
    "ui",
    "tools",
    "approvals",
    "auth",
    "broadcast",
    "memory",
    "worktreeRoot",
    "cloudWorkers",
    "security",
    "diagnostics",
    "acp",
    "attachments",
    "telemetry",
    "mcp",
    "env",
    "browser",
    "desktop",
    "hooks",
    "canvas",
    "commands",
    "media",
    "audit",
];

/// OpenClaw's `cron` keys beside ours (its own scheduler's settings).
const CRON_IGNORED: &[&str] = &[
    "enabled",
    "store",
    "maxConcurrentRuns",
    "webhook",
    "webhookToken",
    "sessionRetention",
    "runLog",
    "failureAlert",
    "failureDestination",
];

/// OpenClaw's other channels (their sections load and are left alone).
pub(crate) const OTHER_CHANNELS: &[&str] = &[
    "telegram",
    "discord",
    "slack",
    "whatsapp",
    "signal",
    "imessage",
    "bluebubbles",
    "msteams",
    "matrix",
    "googlechat",
    "mattermost",
    "line",
    "irc",
    "nostr",
    "twitch",
    "zalo",
    "zalouser",
    "wechat",
    "wecom",
    "qqbot",
    "tlon",
    "nextcloud-talk",
    "synology-chat",
    "sms",
    "defaults",
];

pub(crate) const GATEWAY_IGNORED: &[&str] = &[
    "mode",
    "publicOrigin",
    "roles",
    "controlUi",
    "tailscale",
    "remote",
    "reload",
    "tls",
    "trustedProxies",
    "allowRealIpFallback",
    "terminal",
    "nodes",
    "push",
    "cliAgents",
    "tools",
    "http",
    "webchat",
    "cloudflareAccess",
];

const AUTH_IGNORED: &[&str] = &[
    "allowTailscale",
    "identityScopes",
    "rateLimit",
    "trustedProxy",
];

const AGENT_DEFAULTS_IGNORED: &[&str] = &[
    "agentRuntime",
    "authInheritance",
    "blockStreamingBreak",
    "blockStreamingChunk",
    "blockStreamingCoalesce",
    "blockStreamingDefault",
    "bootstrapMaxChars",
    "bootstrapTotalMaxChars",
    "compaction",
    "contextInjection",
    "contextLimits",
    "contextPruning",
    "cwd",
    "elevatedDefault",
    "experimental",
    "fastModeDefault",
    "heartbeat",
    "humanDelay",
    "imageMaxDimensionPx",
    "imageModel",
    "imageQuality",
    "llm",
    "maxConcurrent",
    "mediaMaxMb",
    "mediaModels",
    "memorySearch",
    "modelPolicy",
    "modelSelectionScope",
    "models",
    "params",
    "pdfMaxBytesMb",
    "pdfMaxMb",
    "pdfMaxPages",
    "pdfModel",
    "promptOverlays",
    "reasoningDefault",
    "repoRoot",
    "sandbox",
    "sessionStore",
    "silentReply",
    "skipBootstrap",
    "skipOptionalBootstrapFiles",
    "startupContext",
    "subagents",
    "systemAgent",
    "thinkingDefault",
    "timeoutSeconds",
    "toolProgressDetail",
    "typingIntervalSeconds",
    "typingMode",
    "userTimezone",
    "utilityModel",
    "verboseDefault",
    "voiceModel",
];

const PROVIDER_IGNORED: &[&str] = &[
    "headers",
    "authHeader",
    "auth",
    "params",
    "region",
    "request",
    "timeoutSeconds",
    "agentRuntime",
    "localService",
    "compat",
];

const SESSION_IGNORED: &[&str] = &[
    "scope",
    "groupScope",
    "identityLinks",
    "reset",
    "resetByType",
    "resetByChannel",
    "resetTriggers",
    "store",
    "maintenance",
    "threadBindings",
    "sharing",
    "sendPolicy",
    "mainKey",
    "parentForkMaxTokens",
];

const MESSAGES_IGNORED: &[&str] = &[
    "ackReaction",
    "ackReactionScope",
    "inbound",
    "groupChat",
    "messagePrefix",
    "responseUsage",
    "statusReactions",
    "tts",
    "usageTemplate",
    "visibleReplies",
    "removeAckAfterReply",
];

/// The plugin's account keys this gateway does not use.
const ACCOUNT_IGNORED: &[&str] = &[
    "stickerSets",
    "capabilities",
    "markdown",
    "configWrites",
    "contextVisibility",
    "heartbeatVisibility",
    "vcAutoJoin",
    "tts",
    "topicSessionMode",
    "dynamicAgentCreation",
    // Flat keys of older files, which OpenClaw itself migrates into `streaming`.
    "blockStreaming",
    "blockStreamingCoalesce",
    "chunkMode",
];

pub(crate) const CONNECTION_MODES: &[&str] = &["websocket", "webhook"];
pub(crate) const SESSION_SCOPES: &[&str] =
    &["group", "group_sender", "group_topic", "group_topic_sender"];
pub(crate) const REPLY_TO_MODES: &[&str] = &["off", "first", "all", "batched"];
pub(crate) const ON_OFF: &[&str] = &["disabled", "enabled"];
pub(crate) const REACTION_NOTIFICATIONS: &[&str] = &["off", "own", "all"];
pub(crate) const QUEUE_MODES: &[&str] = &["followup", "collect", "interrupt", "steer"];
pub(crate) const QUEUE_DROPS: &[&str] = &["old", "new", "summarize"];
pub(crate) const DM_SCOPES: &[&str] = &[
    "main",
    "per-peer",
    "per-channel-peer",
    "per-account-channel-peer",
];
pub(crate) const AUTH_MODES: &[&str] = &["none", "token", "password", "trusted-proxy"];
pub(crate) const MODEL_APIS: &[&str] = &["openai-completions", "anthropic-messages"];
pub(crate) const SECRET_SOURCES: &[&str] = &["env", "file", "exec"];

/// `name: Any` for each name.
pub(crate) fn ignored(names: &'static [&'static str]) -> Vec<(&'static str, Schema)> {
    names
        .iter()
        .map(|name| (*name, Schema::Leaf(Kind::Any)))
        .collect()
}

fn leaf(kind: Kind) -> Schema {
    Schema::Leaf(kind)
}

fn int(min: u64, max: u64) -> Schema {
    leaf(Kind::Int { min, max })
}

fn map(placeholder: &'static str, value: Schema) -> Schema {
    Schema::Map {
        placeholder,
        reserved: None,
        value: Box::new(value),
    }
}

fn object(fields: Vec<(&'static str, Schema)>, ignore: &'static [&'static str]) -> Schema {
    Schema::Object(fields.into_iter().chain(ignored(ignore)).collect())
}

/// The sections OpenClaw's file has beside ours.
pub(crate) fn extend_root(root: &mut Vec<(&'static str, Schema)>) {
    use Kind::*;
    let provider = object(
        vec![
            ("baseUrl", leaf(Str)),
            ("apiKey", leaf(SecretRef)),
            ("api", leaf(Enum(MODEL_APIS))),
            ("models", leaf(Catalog)),
        ],
        PROVIDER_IGNORED,
    );
    let model = Schema::Either(
        Box::new(leaf(Str)),
        Box::new(object(
            vec![("primary", leaf(Str)), ("fallbacks", leaf(StrList))],
            &[],
        )),
    );
    let defaults = object(
        vec![
            ("model", model),
            ("workspace", leaf(Str)),
            ("skills", leaf(StrList)),
        ],
        AGENT_DEFAULTS_IGNORED,
    );
    // `skills`: the folders to load (`load.extraDirs`) and the skills switched off
    // (`entries.<name>.enabled`); installing, the workshop and bundled lists are OpenClaw's own.
    let skills = object(
        vec![
            (
                "load",
                object(
                    vec![("extraDirs", leaf(StrList))],
                    &["allowSymlinkTargets", "watch"],
                ),
            ),
            (
                "entries",
                map(
                    "<skill>",
                    object(vec![("enabled", leaf(Bool))], &["apiKey", "env", "config"]),
                ),
            ),
        ],
        &["allowBundled", "install", "workshop", "limits"],
    );
    let queue = object(
        vec![
            ("mode", leaf(Enum(QUEUE_MODES))),
            ("debounceMs", int(0, 3_600_000)),
            ("cap", int(0, u32::MAX as u64)),
            ("drop", leaf(Enum(QUEUE_DROPS))),
            ("byChannel", map("<channel>", leaf(Enum(QUEUE_MODES)))),
        ],
        &["debounceMsByChannel"],
    );
    let secret_provider = Schema::Object(vec![
        ("source", leaf(Enum(SECRET_SOURCES))),
        ("path", leaf(Str)),
        ("mode", leaf(Enum(&["json", "singleValue"]))),
        ("command", leaf(Str)),
        ("args", leaf(StrList)),
        ("passEnv", leaf(StrList)),
        ("env", map("<name>", leaf(Str))),
        ("timeoutMs", int(1, 600_000)),
        ("jsonOnly", leaf(Bool)),
        ("allowlist", leaf(StrList)),
        ("maxBytes", leaf(Any)),
        ("noOutputTimeoutMs", leaf(Any)),
        ("maxOutputBytes", leaf(Any)),
        ("trustedDirs", leaf(Any)),
        ("pluginIntegration", leaf(Any)),
    ]);
    root.extend([
        (
            "agents",
            object(vec![("defaults", defaults)], &["list", "entries"]),
        ),
        (
            "models",
            object(vec![("providers", map("<provider>", provider))], &["mode"]),
        ),
        (
            "session",
            object(vec![("dmScope", leaf(Enum(DM_SCOPES)))], SESSION_IGNORED),
        ),
        (
            "messages",
            object(
                vec![("queue", queue), ("responsePrefix", leaf(Str))],
                MESSAGES_IGNORED,
            ),
        ),
        ("skills", skills),
        (
            "cron",
            object(vec![("catchUpMinutes", int(0, 525_600))], CRON_IGNORED),
        ),
        (
            "secrets",
            object(
                vec![("providers", map("<provider>", secret_provider))],
                &["defaults", "egressProxy"],
            ),
        ),
    ]);
    root.extend(ignored(ROOT_IGNORED));
}

/// `gateway.auth`.
pub(crate) fn gateway_auth() -> Schema {
    object(
        vec![
            ("mode", leaf(Kind::Enum(AUTH_MODES))),
            ("token", leaf(Kind::SecretRef)),
            ("password", leaf(Kind::SecretRef)),
        ],
        AUTH_IGNORED,
    )
}

/// `streaming`: our boolean, or the plugin's `{ mode, chunkMode, block }`.
pub(crate) fn streaming() -> Schema {
    use Kind::*;
    let coalesce = Schema::Object(vec![
        ("minChars", int(0, u32::MAX as u64)),
        ("maxChars", int(0, u32::MAX as u64)),
        ("idleMs", int(0, u32::MAX as u64)),
    ]);
    let block = Schema::Object(vec![("enabled", leaf(Bool)), ("coalesce", coalesce)]);
    Schema::Either(
        Box::new(leaf(Bool)),
        Box::new(Schema::Object(vec![
            ("mode", leaf(Enum(&["off", "partial"]))),
            ("chunkMode", leaf(Enum(&["length", "newline"]))),
            ("block", block),
        ])),
    )
}

/// The plugin's keys of one group beside ours.
pub(crate) fn group_fields() -> Vec<(&'static str, Schema)> {
    use Kind::*;
    let mut fields = vec![
        (
            "tools",
            Schema::Object(vec![("allow", leaf(StrList)), ("deny", leaf(StrList))]),
        ),
        ("groupSessionScope", leaf(Enum(SESSION_SCOPES))),
        ("replyInThread", leaf(Enum(ON_OFF))),
        ("skills", leaf(StrList)),
        ("queue", queue_override()),
    ];
    fields.extend(ignored(&["topicSessionMode"]));
    fields
}

/// An account's or a group's own `queue: { mode, debounceMs }`.
fn queue_override() -> Schema {
    use Kind::*;
    Schema::Object(vec![
        ("mode", leaf(Enum(QUEUE_MODES))),
        ("debounceMs", int(0, 3_600_000)),
    ])
}

/// The plugin's keys of one account beside ours (`top`: the channel level, which also has
/// `defaultAccount`).
pub(crate) fn account_fields(top: bool) -> Vec<(&'static str, Schema)> {
    use Kind::*;
    let tool_groups = crate::extras::TOOL_GROUPS
        .into_iter()
        .map(|name| (name, leaf(Bool)))
        .chain([("allow", leaf(StrList)), ("deny", leaf(StrList))])
        .collect();
    let dm = Schema::Object(vec![("enabled", leaf(Bool)), ("systemPrompt", leaf(Str))]);
    let mut fields = vec![
        ("connectionMode", leaf(Enum(CONNECTION_MODES))),
        ("queue", queue_override()),
        ("webhookHost", leaf(Str)),
        ("webhookPort", int(1, u16::MAX as u64)),
        ("groupSenderAllowFrom", leaf(IdList)),
        ("dms", map("<open_id>", dm)),
        ("textChunkLimit", int(1, u32::MAX as u64)),
        ("httpTimeoutMs", int(1, 300_000)),
        ("resolveSenderNames", leaf(Bool)),
        ("responsePrefix", leaf(Str)),
        ("tools", Schema::Object(tool_groups)),
        (
            "actions",
            object(vec![("reactions", leaf(Bool))], &["sticker"]),
        ),
        ("allowBots", leaf(BoolOr(&["mentions"]))),
        ("botTurnsPerMinute", int(1, 10_000)),
        ("respondToMentionAll", leaf(Bool)),
        ("reactionNotifications", leaf(Enum(REACTION_NOTIFICATIONS))),
        ("historyLimit", int(0, u32::MAX as u64)),
        ("dmHistoryLimit", int(0, u32::MAX as u64)),
        ("groupSessionScope", leaf(Enum(SESSION_SCOPES))),
        ("replyToMode", leaf(Enum(REPLY_TO_MODES))),
        ("replyInThread", leaf(Enum(ON_OFF))),
    ];
    if top {
        fields.push(("defaultAccount", leaf(Str)));
    }
    fields.extend(ignored(ACCOUNT_IGNORED));
    fields
}

/// The dotted paths of the keys present in the file that this gateway accepts and does not use,
/// in file order: what the start-up line and `openclaw doctor` name.
pub(crate) fn ignored_paths(
    schema: &Schema,
    node: &Node,
    path: &mut Vec<String>,
    out: &mut Vec<String>,
) {
    let Node::Object(members) = node else {
        return;
    };
    let fields = match schema {
        Schema::Object(fields) => fields,
        Schema::Either(_, object) => return ignored_paths(object, node, path, out),
        Schema::Map { value, .. } => {
            for (key, item) in members {
                path.push(key.clone());
                ignored_paths(value, item, path, out);
                path.pop();
            }
            return;
        }
        Schema::Leaf(_) => return,
    };
    for (key, item) in members {
        let Some((_, child)) = fields.iter().find(|(name, _)| name == key) else {
            continue;
        };
        path.push(key.clone());
        if matches!(child, Schema::Leaf(Kind::Any)) {
            if !matches!(item, Node::Null) {
                out.push(crate::keypath::display(path));
            }
        } else {
            ignored_paths(child, item, path, out);
        }
        path.pop();
    }
}
