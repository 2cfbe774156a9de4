//! OpenClaw's own file shape: `channels.feishu` with the plugin's keys, its environment, secret
//! references, the model from `agents.defaults` and `models.providers`, `gateway`, `session`,
//! `messages.queue`, and the sections this gateway accepts without using them.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use openclaw_config::{
    AllowBots, AuthMode, ConfigError, DmScope, Format, GroupPolicy, Mode, Provider, QueueMode,
    RenderMode, ReplyToMode, SessionScope, parse,
};

fn with_env(
    text: &str,
    vars: &[(&str, &str)],
    dir: &Path,
) -> Result<openclaw_config::Config, ConfigError> {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    parse(text, Format::Json5, &move |k| vars.get(k).cloned(), dir)
}

fn load(text: &str) -> Result<openclaw_config::Config, ConfigError> {
    with_env(text, &[], Path::new("/nonexistent"))
}

/// A file as OpenClaw writes it, with sections this gateway does not use.
const OPENCLAW_FILE: &str = r#"{
  // written by the wizard
  meta: { lastTouchedVersion: "2026.9.5", lastTouchedAt: "2026-11-30T10:00:00.000Z" },
  wizard: { lastRunAt: "2026-11-30T10:00:00.000Z", lastRunMode: "local" },
  update: { channel: "stable" },
  discovery: { mdns: { mode: "minimal" } },
  plugins: { entries: { feishu: { enabled: true } } },
  logging: { level: "info" },
  gateway: { mode: "local", port: 18790, bind: "lan", auth: { mode: "token", token: "gw-token-123" } },
  session: { dmScope: "per-channel-peer", reset: { mode: "daily" } },
  messages: { queue: { mode: "collect", debounceMs: 1500, byChannel: { feishu: "interrupt" } }, ackReaction: "👀" },
  agents: { defaults: { model: { primary: "local/qwen3" }, workspace: "/srv/agent", compaction: { mode: "safeguard" } } },
  models: {
    mode: "merge",
    providers: {
      local: { baseUrl: "http://127.0.0.1:11434/v1", apiKey: "sk-local-9", api: "openai-completions",
               models: [{ id: "qwen3", name: "Qwen 3" }] },
    },
  },
  channels: {
    telegram: { botToken: "x" },
    feishu: {
      appId: "cli_a", appSecret: "s3cret", domain: "lark", connectionMode: "websocket",
      dmPolicy: "open", allowFrom: ["*"], groupPolicy: "allowall",
      groups: { oc_1: { tools: { deny: ["calc__*"] }, groupSessionScope: "group_topic", replyInThread: "enabled" } },
      streaming: { mode: "off", chunkMode: "newline", block: { enabled: true } },
      renderMode: "raw", textChunkLimit: 2000, httpTimeoutMs: 15000, historyLimit: 20,
      tools: { perm: false, doc: true }, actions: { reactions: false }, allowBots: "mentions",
      replyToMode: "first", responsePrefix: "[bot] ", tts: { enabled: false },
    },
  },
}"#;

#[test]
fn openclaws_own_file_loads_into_the_same_account() {
    let c = load(OPENCLAW_FILE).unwrap();
    assert_eq!(c.lark.key, "channels.feishu");
    let a = &c.lark.accounts[0];
    assert_eq!(
        (a.id.as_str(), a.app_id.as_deref()),
        ("default", Some("cli_a"))
    );
    assert_eq!(a.app_secret.as_ref().unwrap().expose(), "s3cret");
    assert_eq!(a.domain, lark::Domain::Lark);
    assert_eq!(a.mode, Mode::Websocket);
    assert_eq!(a.webhook_path, "/feishu/events");
    assert_eq!(a.group_policy, GroupPolicy::Open);
    assert_eq!(a.render_mode, RenderMode::Text);
    assert_eq!(a.streaming, Some(false));
    let x = &a.openclaw;
    assert_eq!(x.text_chunk_limit, Some(2000));
    assert_eq!(x.http_timeout, Some(Duration::from_secs(15)));
    assert_eq!(x.history_limit, Some(20));
    assert_eq!(x.tools.get("perm"), Some(&false));
    assert_eq!(x.reactions, Some(false));
    assert_eq!(x.allow_bots, AllowBots::Mentions);
    assert_eq!(x.reply_to_mode, Some(ReplyToMode::First));
    assert_eq!(x.response_prefix.as_deref(), Some("[bot] "));
    assert!(x.block_streaming);
    let g = &a.groups["oc_1"];
    assert_eq!(g.tools_deny, ["calc__*"]);
    assert_eq!(g.group_session_scope, Some(SessionScope::GroupTopic));
    assert_eq!(g.reply_in_thread, Some(true));

    assert_eq!(c.agent.provider, Provider::OpenAi);
    assert_eq!(c.agent.model.as_deref(), Some("qwen3"));
    assert_eq!(
        c.agent.base_url.as_deref(),
        Some("http://127.0.0.1:11434/v1")
    );
    assert_eq!(c.agent.api_key.as_ref().unwrap().expose(), "sk-local-9");
    assert_eq!(c.agent.workspace.as_deref(), Some(Path::new("/srv/agent")));
    assert_eq!(
        (c.gateway.port, c.gateway.bind.as_str()),
        (18790, "0.0.0.0")
    );
    assert_eq!(c.gateway.auth.mode, Some(AuthMode::Token));
    assert_eq!(
        c.gateway.auth.token.as_ref().unwrap().expose(),
        "gw-token-123"
    );
    assert_eq!(c.session.dm_scope, Some(DmScope::PerChannelPeer));
    assert_eq!(c.messages.queue.mode, QueueMode::Collect);
    assert_eq!(c.messages.queue.debounce_ms, Some(1500));
    assert_eq!(c.messages.queue.by_channel["feishu"], QueueMode::Interrupt);
    assert_eq!(
        c.ignored,
        [
            "meta",
            "wizard",
            "update",
            "discovery",
            "plugins",
            "logging",
            "gateway.mode",
            "session.reset",
            "messages.ackReaction",
            "agents.defaults.compaction",
            "models.mode",
            "channels.telegram",
            "channels.feishu.tts",
        ]
    );
    // No secret in Debug output.
    let debug = format!("{c:?}");
    for secret in ["s3cret", "sk-local-9", "gw-token-123"] {
        assert!(!debug.contains(secret), "{secret} in {debug}");
    }
}

#[test]
fn typos_in_honoured_sections_are_still_refused() {
    let cases = [
        (
            "{channels: {feishu: {conectionMode: 'webhook'}}}",
            "did you mean channels.feishu.connectionMode?",
        ),
        ("{gateway: {prot: 1}}", "did you mean gateway.port?"),
        (
            "{agents: {defaults: {workspce: '/x'}}}",
            "did you mean agents.defaults.workspace?",
        ),
        ("{chanels: {}}", "did you mean channels?"),
        (
            "{channels: {feishu: {connectionMode: 'ws'}}}",
            "one of \"websocket\", \"webhook\"",
        ),
        (
            "{session: {dmScope: 'peer'}}",
            "session.dmScope is \"peer\"",
        ),
    ];
    for (text, want) in cases {
        let err = load(text).unwrap_err().to_string();
        assert!(err.contains(want), "{text}: {err}");
    }
}

#[test]
fn rules_openclaw_checks_and_both_spellings() {
    let err = load("{channels: {lark: {}, feishu: {}}}")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("both channels.lark and channels.feishu are set; keep only one"),
        "{err}"
    );
    let err = load("{channels: {feishu: {dmPolicy: 'open'}}}")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("channels.feishu.dmPolicy") && err.contains("[\"*\"]"),
        "{err}"
    );
    let err = load("{channels: {feishu: {mode: 'webhook', connectionMode: 'websocket'}}}")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("both channels.feishu.mode and channels.feishu.connectionMode"),
        "{err}"
    );
    let err = load("{gateway: {auth: {mode: 'token'}}}")
        .unwrap_err()
        .to_string();
    assert!(err.contains("OPENCLAW_GATEWAY_TOKEN"), "{err}");
    let err = load("{gateway: {bind: 'tailnet'}}")
        .unwrap_err()
        .to_string();
    assert!(err.contains("gateway.bind"), "{err}");
    let c = load("{gateway: {bind: 'custom', customBindHost: '10.1.2.3'}}").unwrap();
    assert_eq!(c.gateway.bind, "10.1.2.3");
    let err = load("{agents: {defaults: {model: 'mine/x'}}}")
        .unwrap_err()
        .to_string();
    assert!(err.contains("models.providers.mine"), "{err}");
    let err = load("{agent: {provider: 'echo'}, agents: {defaults: {model: 'openai/gpt-4o'}}}")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("both agent.provider and agents.defaults.model"),
        "{err}"
    );
    let c = load("{agents: {defaults: {model: 'anthropic/claude-sonnet-4-5'}}}").unwrap();
    assert_eq!(c.agent.provider, Provider::Anthropic);
    assert_eq!(c.agent.model.as_deref(), Some("claude-sonnet-4-5"));
    let err = load("{channels: {feishu: {defaultAccount: 'main'}}}")
        .unwrap_err()
        .to_string();
    assert!(err.contains("channels.feishu.defaultAccount"), "{err}");
}

#[test]
fn feishu_environment_and_named_accounts() {
    let env = [
        ("FEISHU_APP_ID", "cli_env"),
        ("FEISHU_APP_SECRET", "env-secret"),
        ("FEISHU_ENCRYPT_KEY", "ek"),
        ("FEISHU_VERIFICATION_TOKEN", "vt"),
    ];
    let c = with_env(
        "{channels: {feishu: {connectionMode: 'webhook'}}}",
        &env,
        Path::new("/"),
    )
    .unwrap();
    let a = &c.lark.accounts[0];
    assert_eq!(a.app_id.as_deref(), Some("cli_env"));
    assert_eq!(a.mode, Mode::Webhook);
    assert_eq!(a.encrypt_key.as_ref().unwrap().expose(), "ek");
    assert_eq!(a.verification_token.as_ref().unwrap().expose(), "vt");
    let err = load("{channels: {feishu: {}}}").unwrap().lark.accounts[0]
        .credentials()
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("channels.feishu.appId") && err.contains("FEISHU_APP_ID"),
        "{err}"
    );

    let c = load(
        "{channels: {feishu: {defaultAccount: 'main', dmPolicy: 'allowlist', webhookPort: 3000, accounts: {
            main: {appId: 'cli_m', appSecret: 'm'}, backup: {appId: 'cli_b', appSecret: 'b', enabled: false, webhookPort: 3001}}}}}",
    )
    .unwrap();
    let ids: Vec<&str> = c.lark.accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["main", "backup"]);
    assert_eq!(c.lark.default_account.as_deref(), Some("main"));
    assert_eq!(c.lark.accounts[0].webhook_path, "/feishu/events/main");
    assert_eq!(c.lark.accounts[0].webhook_port, Some(3000));
    assert_eq!(c.lark.accounts[1].webhook_port, Some(3001));
    assert!(!c.lark.accounts[1].enabled);
}

#[test]
fn secret_references_env_file_and_exec() {
    let dir = tempfile::tempdir().unwrap();
    let secrets = dir.path().join("secrets.json");
    std::fs::write(&secrets, r#"{"feishu": {"appSecret": "from-file"}}"#).unwrap();
    std::fs::write(dir.path().join("token.txt"), "single\n").unwrap();
    let text = format!(
        r#"{{
        secrets: {{ providers: {{
            vault: {{ source: "file", path: "{}" }},
            one: {{ source: "file", path: "token.txt", mode: "singleValue" }},
        }} }},
        channels: {{ feishu: {{
            appId: "cli_x",
            appSecret: {{ source: "file", provider: "vault", id: "/feishu/appSecret" }},
            verificationToken: {{ source: "file", provider: "one", id: "value" }},
            encryptKey: {{ source: "env", provider: "default", id: "MY_KEY" }},
        }} }},
        models: {{ providers: {{ p: {{ baseUrl: "http://x/v1", api: "anthropic-messages", apiKey: "${{P_KEY}}" }} }} }},
        agents: {{ defaults: {{ model: "p/m" }} }},
    }}"#,
        secrets.display()
    );
    let c = with_env(&text, &[("MY_KEY", "ek-env"), ("P_KEY", "pk")], dir.path()).unwrap();
    let a = &c.lark.accounts[0];
    assert_eq!(a.app_secret.as_ref().unwrap().expose(), "from-file");
    assert_eq!(a.verification_token.as_ref().unwrap().expose(), "single");
    assert_eq!(a.encrypt_key.as_ref().unwrap().expose(), "ek-env");
    assert_eq!(c.agent.api_key.as_ref().unwrap().expose(), "pk");
    assert_eq!(c.agent.provider, Provider::Anthropic);

    // A missing variable names the variable; a missing pointer names the file and the pointer.
    let err = with_env(&text, &[("P_KEY", "pk")], dir.path())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("channels.feishu.encryptKey") && err.contains("MY_KEY"),
        "{err}"
    );
    std::fs::write(&secrets, r#"{"feishu": {}}"#).unwrap();
    let err = with_env(&text, &[("MY_KEY", "k")], dir.path())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("/feishu/appSecret") && err.contains("secrets.json"),
        "{err}"
    );
    let err = load("{channels: {feishu: {appSecret: {source: 'store', provider: 'x', id: 'Y'}}}}")
        .unwrap_err()
        .to_string();
    assert!(err.contains("\"store\""), "{err}");
    let err =
        load("{channels: {feishu: {appSecret: {source: 'file', provider: 'nope', id: '/a'}}}}")
            .unwrap_err()
            .to_string();
    assert!(err.contains("secrets.providers.nope"), "{err}");
    // An unset ${VAR} stays as written and is reported.
    let c = load("{channels: {feishu: {appId: 'cli_1', appSecret: '${UNSET_SECRET}'}}}").unwrap();
    assert!(c.warnings[0].contains("UNSET_SECRET"), "{:?}", c.warnings);
}

#[cfg(unix)]
#[test]
fn exec_secret_provider_speaks_openclaws_protocol() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("resolver.sh");
    // Reads the request and answers the id it was asked for.
    std::fs::write(
        &script,
        "#!/bin/sh\nread req\ncase \"$req\" in *APP_SECRET*) printf '{\"protocolVersion\":1,\"values\":{\"APP_SECRET\":\"exec-secret\"}}';; *) printf '{\"protocolVersion\":1,\"values\":{},\"errors\":{\"X\":{\"code\":\"NOT_FOUND\"}}}';; esac\n",
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o700)).unwrap();
    let text = |id: &str| {
        format!(
            "{{secrets: {{providers: {{vault: {{source: 'exec', command: '{}'}}}}}}, channels: {{feishu: {{appId: 'cli_1', appSecret: {{source: 'exec', provider: 'vault', id: '{id}'}}}}}}}}",
            script.display()
        )
    };
    let c = load(&text("APP_SECRET")).unwrap();
    assert_eq!(
        c.lark.accounts[0].app_secret.as_ref().unwrap().expose(),
        "exec-secret"
    );
    let err = load(&text("X")).unwrap_err().to_string();
    assert!(err.contains("NOT_FOUND"), "{err}");
}

#[test]
fn openclaws_skills_section_adds_folders_and_switches_skills_off() {
    let dir = tempfile::tempdir().unwrap();
    let text = r#"{
      skills: {
        allowBundled: ["gemini"],
        load: { extraDirs: ["team-skills"], watch: true },
        entries: { sag: { enabled: false }, notes: { enabled: true, env: { K: "v" } } },
        install: { nodeManager: "npm" },
      },
      agents: { defaults: { skills: ["notes", "lark-message"] } },
      agent: { skills: { dirs: ["mine"] } },
      channels: { feishu: { appId: "cli_a", appSecret: "s" } },
    }"#;
    let cfg = with_env(text, &[], dir.path()).unwrap();
    let skills = &cfg.agent.skills;
    assert_eq!(
        skills.dirs,
        [dir.path().join("mine"), dir.path().join("team-skills")]
    );
    assert_eq!(skills.disabled, ["sag"]);
    assert_eq!(
        skills.enabled.as_deref(),
        Some(&["notes".to_owned(), "lark-message".to_owned()][..])
    );
    // The honoured part is no longer named as unused; the rest of the section still is.
    assert!(!cfg.ignored.iter().any(|k| k == "skills"
        || k.starts_with("skills.load.extraDirs")
        || k.ends_with(".enabled")));
    assert!(
        cfg.ignored.iter().any(|k| k == "skills.install"),
        "{:?}",
        cfg.ignored
    );
    // Ours names the list when both do.
    let ours = text.replace(
        r#"agent: { skills: { dirs: ["mine"] } }"#,
        r#"agent: { skills: { enabled: ["notes"] } }"#,
    );
    let cfg = with_env(&ours, &[], dir.path()).unwrap();
    assert_eq!(
        cfg.agent.skills.enabled.as_deref(),
        Some(&["notes".to_owned()][..])
    );
}

#[test]
fn an_accounts_tool_lists_sit_beside_its_group_switches() {
    let cfg = load(
        r#"{ channels: { feishu: { appId: "cli_a", appSecret: "s",
             tools: { doc: false, deny: ["web_fetch", "calc__*"] },
             accounts: { two: { appId: "cli_b", appSecret: "t", tools: { allow: ["message"] } } } } } }"#,
    )
    .unwrap();
    let one = &cfg.lark.accounts[0].openclaw;
    assert_eq!(one.tools_deny, ["web_fetch", "calc__*"]);
    assert_eq!(one.tools.get("doc"), Some(&false));
    // A named account inherits the channel's lists unless it sets its own.
    let two = &cfg.lark.accounts[1].openclaw;
    assert_eq!(two.tools_allow, ["message"]);
    assert!(load(r#"{ channels: { feishu: { appId: "cli_a", appSecret: "s", tools: { docs: false } } } }"#)
        .unwrap_err()
        .to_string()
        .contains("did you mean"));
}

#[test]
fn an_account_and_a_group_have_their_own_queue_mode() {
    let cfg = load(
        r#"{ messages: { queue: { mode: "followup" } },
             channels: { lark: { appId: "cli_a", appSecret: "s",
               queue: { mode: "collect", debounceMs: 250 },
               groups: { oc_ops: { queue: { mode: "interrupt" } } },
               accounts: { two: { appId: "cli_b", appSecret: "t", queue: { mode: "steer" } } } } } }"#,
    )
    .unwrap();
    let one = &cfg.lark.accounts[0];
    assert_eq!(one.queue.mode, Some(QueueMode::Collect));
    assert_eq!(one.queue.debounce_ms, Some(250));
    let ops = one.group("oc_ops").unwrap().queue;
    assert_eq!(ops.mode, Some(QueueMode::Interrupt));
    assert_eq!(ops.debounce_ms, None);
    assert_eq!(cfg.lark.accounts[1].queue.mode, Some(QueueMode::Steer));
    let typo = load(
        r#"{ channels: { lark: { appId: "cli_a", appSecret: "s", queue: { mode: "colect" } } } }"#,
    )
    .unwrap_err()
    .to_string();
    assert!(typo.contains("queue.mode"), "{typo}");
}

#[test]
fn group_conversation_keys_load_and_bad_values_name_the_key() {
    let c = load(
        "{channels: {feishu: {appId: 'cli_a', appSecret: 's', historyLimit: 2, dmHistoryLimit: 7, \
         botTurnsPerMinute: 3, respondToMentionAll: true, allowBots: true, \
         reactionNotifications: 'all', groupSessionScope: 'group_sender', replyToMode: 'off', \
         replyInThread: 'enabled'}}}",
    )
    .unwrap();
    let x = &c.lark.accounts[0].openclaw;
    assert_eq!((x.history_limit, x.dm_history_limit), (Some(2), Some(7)));
    assert_eq!(x.bot_turns_per_minute, 3);
    assert!(x.respond_to_mention_all && x.reply_in_thread);
    assert_eq!(x.allow_bots, AllowBots::On);
    assert_eq!(x.group_session_scope, SessionScope::GroupSender);
    assert_eq!(x.reply_to_mode, Some(ReplyToMode::Off));
    let d = load("{channels: {feishu: {appId: 'cli_a', appSecret: 's'}}}").unwrap();
    let x = &d.lark.accounts[0].openclaw;
    assert_eq!(x.bot_turns_per_minute, 5);
    assert!(!x.respond_to_mention_all);
    for (text, key) in [
        (
            "{channels: {feishu: {botTurnsPerMinute: 0}}}",
            "channels.feishu.botTurnsPerMinute",
        ),
        (
            "{channels: {feishu: {respondToMentionAll: 'yes'}}}",
            "channels.feishu.respondToMentionAll",
        ),
        (
            "{channels: {feishu: {dmHistoryLimit: -1}}}",
            "channels.feishu.dmHistoryLimit",
        ),
        (
            "{channels: {feishu: {groupSessionScope: 'topic'}}}",
            "channels.feishu.groupSessionScope",
        ),
    ] {
        let err = load(text).unwrap_err().to_string();
        assert!(err.contains(key), "{text}: {err}");
    }
}
