//! Loading: defaults, env, accounts and their inheritance, credential files, and the errors.

use std::path::Path;
use std::time::Duration;

use openclaw_config::{
    ConfigError, DmPolicy, Format, GroupPolicy, Mode, Provider, RenderMode, parse,
};

fn no_env(_: &str) -> Option<String> {
    None
}

fn json5(text: &str) -> Result<openclaw_config::Config, ConfigError> {
    parse(text, Format::Json5, &no_env, Path::new("/nonexistent"))
}

#[test]
fn empty_config_has_defaults_and_a_default_account() {
    let config = json5("").unwrap();
    assert_eq!(config.lark.accounts.len(), 1);
    let a = &config.lark.accounts[0];
    assert_eq!(a.id, "default");
    assert!(a.enabled && a.require_mention && a.typing_indicator);
    assert_eq!(a.app_id, None);
    assert_eq!(a.domain, lark::Domain::Feishu);
    assert_eq!(a.mode, Mode::Websocket);
    assert_eq!(a.webhook_path, "/lark/webhook");
    assert_eq!(a.dm_policy, DmPolicy::Pairing);
    assert_eq!(a.group_policy, GroupPolicy::Allowlist);
    assert_eq!(a.render_mode, RenderMode::Auto);
    assert_eq!(a.max_event_age, Duration::from_secs(30 * 60));
    assert_eq!(a.media_max_bytes, 30 * 1024 * 1024);
    assert!(a.allow_from.is_empty() && a.groups.is_empty());
    assert_eq!(config.agent.provider, Provider::Anthropic);
    assert_eq!(config.agent.timeout, Duration::from_secs(120));
    assert_eq!(config.gateway.port, 18789);
    assert_eq!(config.gateway.bind, "127.0.0.1");
    assert_eq!(config.store.url, None);
    assert_eq!(
        json5("// nothing yet\n{}\n").unwrap().lark.accounts.len(),
        1
    );
}

#[test]
fn json5_syntax_is_accepted() {
    let text = r#"
    // comment
    {
      channels: { lark: { appId: 'cli_1', appSecret: "s", mode: "webhook", /* inline */ }, },
      gateway: { port: 0x50, bind: "0.0.0.0" },
    }"#;
    let config = json5(text).unwrap();
    assert_eq!(config.gateway.port, 80);
    assert_eq!(config.lark.accounts[0].mode, Mode::Webhook);
    let (id, secret) = config.lark.accounts[0].credentials().unwrap();
    assert_eq!((id.as_str(), secret.expose()), ("cli_1", "s"));
}

#[test]
fn env_fills_credentials_but_the_file_wins() {
    let env = |name: &str| match name {
        "LARK_APP_ID" => Some("cli_env".to_owned()),
        "LARK_APP_SECRET" => Some("env_secret".to_owned()),
        _ => None,
    };
    let base = Path::new("/");
    let config = parse("{}", Format::Json5, &env, base).unwrap();
    let (id, secret) = config.lark.accounts[0].credentials().unwrap();
    assert_eq!((id.as_str(), secret.expose()), ("cli_env", "env_secret"));

    let text = "{channels: {lark: {appId: 'cli_file'}}}";
    let config = parse(text, Format::Json5, &env, base).unwrap();
    let (id, secret) = config.lark.accounts[0].credentials().unwrap();
    assert_eq!((id.as_str(), secret.expose()), ("cli_file", "env_secret"));
}

#[test]
fn unknown_keys_name_the_path_and_the_nearest_key() {
    let err = json5("{channels: {lark: {appid: 'x'}}}").unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown key channels.lark.appid (did you mean channels.lark.appId?)"
    );
    let err = json5("{channels: {lark: {accounts: {prod: {requireMentions: true}}}}}").unwrap_err();
    assert!(
        err.to_string().contains(
            "unknown key channels.lark.accounts.prod.requireMentions (did you mean channels.lark.accounts.prod.requireMention?)"
        ),
        "{err}"
    );
    let err = json5("{appId: 'x'}").unwrap_err();
    assert!(
        err.to_string()
            .contains("(did you mean channels.lark.appId?)"),
        "{err}"
    );
    let err = json5("{channels: {lark: {accounts: {prod: {accounts: {}}}}}}").unwrap_err();
    assert!(
        err.to_string()
            .contains("unknown key channels.lark.accounts.prod.accounts"),
        "{err}"
    );
    let err = json5("{zzzzzzzz: 1}").unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown key zzzzzzzz; remove it or check its spelling"
    );
}

#[test]
fn wrong_types_and_values_name_key_got_and_accepted() {
    let cases = [
        (
            "{channels: {lark: {mode: 'socket'}}}",
            "channels.lark.mode is \"socket\", but it must be one of \"websocket\", \"webhook\".",
        ),
        (
            "{channels: {lark: {enabled: 'yes'}}}",
            "channels.lark.enabled is \"yes\", but it must be true or false.",
        ),
        (
            "{channels: {lark: {allowFrom: ['a', true]}}}",
            "channels.lark.allowFrom[1] is true, but it must be a string or a number.",
        ),
        (
            "{channels: {lark: {domain: 'cn'}}}",
            "channels.lark.domain is \"cn\"",
        ),
        (
            "{gateway: {port: 70000}}",
            "gateway.port is 70000, but it must be a whole number from 0 to 65535.",
        ),
        (
            "{agent: {timeoutSeconds: 0}}",
            "agent.timeoutSeconds is 0, but it must be a number greater than 0.",
        ),
        (
            "{agent: {provider: 'gpt'}}",
            "one of \"echo\", \"command\", \"anthropic\", \"openai\"",
        ),
        (
            "{channels: {lark: {groups: {oc_1: {enabled: 1}}}}}",
            "channels.lark.groups.oc_1.enabled is 1",
        ),
        ("{channels: 3}", "channels is 3, but it must be an object."),
    ];
    for (text, want) in cases {
        let err = json5(text).unwrap_err().to_string();
        assert!(err.contains(want), "{text}: {err}");
    }
    assert!(
        json5("{channels: {lark: {mode: 'webhook', domain: 'http://127.0.0.1:9000/'}}}").is_ok()
    );
    assert!(
        json5("{channels: {lark: {appId: null}}}").is_ok(),
        "null means not set"
    );
}

#[test]
fn named_accounts_inherit_except_identity() {
    let text = r#"{channels: {lark: {
        appId: 'cli_top', appSecret: 'top_secret', name: 'Top', domain: 'lark', mode: 'webhook',
        encryptKey: 'ek', dmPolicy: 'open', allowFrom: ['ou_1'], webhookPath: '/hook',
        groups: {oc_1: {requireMention: false}},
        accounts: {
          zeta: {appId: 'cli_z', appSecret: 'z', groups: {oc_2: {systemPrompt: 'hi'}}},
          alpha: {appId: 'cli_a', domain: 'feishu', enabled: false, webhookPath: '/a'},
        },
    }}}"#;
    let config = json5(text).unwrap();
    let ids: Vec<&str> = config.lark.accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(
        ids,
        ["default", "zeta", "alpha"],
        "default first, then file order"
    );

    let top = config.lark.account("default").unwrap();
    assert_eq!(top.webhook_path, "/hook");
    assert_eq!(top.groups["oc_1"].require_mention, Some(false));

    let zeta = config.lark.account("zeta").unwrap();
    assert_eq!(zeta.name, None, "name is not inherited");
    assert_eq!(zeta.domain, lark::Domain::Lark);
    assert_eq!(zeta.mode, Mode::Webhook);
    assert_eq!(zeta.encrypt_key.as_ref().map(|s| s.expose()), Some("ek"));
    assert_eq!(zeta.dm_policy, DmPolicy::Open);
    assert_eq!(zeta.allow_from, ["ou_1"]);
    assert_eq!(zeta.webhook_path, "/lark/webhook/zeta");
    assert_eq!(
        zeta.groups.keys().collect::<Vec<_>>(),
        ["oc_2"],
        "own groups replace"
    );
    assert_eq!(zeta.credentials().unwrap().1.expose(), "z");

    let alpha = config.lark.account("alpha").unwrap();
    assert!(!alpha.enabled);
    assert_eq!(alpha.domain, lark::Domain::Feishu);
    assert_eq!(alpha.webhook_path, "/a");
    assert!(
        alpha.groups.contains_key("oc_1"),
        "groups inherited when none set"
    );
    let err = alpha.credentials().unwrap_err();
    assert_eq!(
        err.to_string(),
        "App secret not configured for account alpha: set channels.lark.accounts.alpha.appSecret (or appSecretFile)"
    );
}

#[test]
fn default_account_exists_only_when_configured_or_alone() {
    let named_only = "{channels: {lark: {domain: 'lark', accounts: {prod: {appId: 'cli_p'}}}}}";
    let config = json5(named_only).unwrap();
    let ids: Vec<&str> = config.lark.accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["prod"]);
    let err = config.lark.accounts[0].credentials().unwrap_err();
    assert_eq!(
        err.to_string(),
        "App secret not configured for account prod: set channels.lark.accounts.prod.appSecret (or appSecretFile)"
    );
    let env = |n: &str| (n == "LARK_APP_SECRET").then(|| "s".to_owned());
    let config = parse(named_only, Format::Json5, &env, Path::new("/")).unwrap();
    assert_eq!(config.lark.accounts[0].id, "default");

    let err = json5("{channels: {lark: {accounts: {default: {}}}}}").unwrap_err();
    assert!(
        err.to_string().contains("channels.lark.accounts.default"),
        "{err}"
    );
    assert!(err.to_string().contains("reserved"), "{err}");
}

#[test]
fn missing_credentials_messages_are_exact() {
    let config = json5("{}").unwrap();
    let err = config.lark.accounts[0].credentials().unwrap_err();
    assert_eq!(
        err.to_string(),
        "App ID not configured for account default: set channels.lark.appId (or appIdFile, or the LARK_APP_ID environment variable)"
    );
    let config = json5("{channels: {lark: {appId: 'cli_1'}}}").unwrap();
    let err = config.lark.accounts[0].credentials().unwrap_err();
    assert_eq!(
        err.to_string(),
        "App secret not configured for account default: set channels.lark.appSecret (or appSecretFile, or LARK_APP_SECRET)"
    );
    let config = json5("{channels: {lark: {accounts: {p: {appSecret: 'x'}}}}}").unwrap();
    assert_eq!(
        config.lark.accounts[0]
            .credentials()
            .unwrap_err()
            .to_string(),
        "App ID not configured for account p: set channels.lark.accounts.p.appId (or appIdFile)"
    );
}

#[test]
fn credential_files_are_read_trimmed_and_relative_to_the_config() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("id.txt"), "  cli_from_file\n").unwrap();
    std::fs::write(dir.path().join("secret.txt"), "file-secret-value\n").unwrap();
    let text = "{channels: {lark: {appIdFile: 'id.txt', appSecretFile: 'secret.txt'}}}";
    let config = parse(text, Format::Json5, &no_env, dir.path()).unwrap();
    let (id, secret) = config.lark.accounts[0].credentials().unwrap();
    assert_eq!(
        (id.as_str(), secret.expose()),
        ("cli_from_file", "file-secret-value")
    );

    let text = "{channels: {lark: {appSecretFile: 'missing.txt'}}}";
    let err = parse(text, Format::Json5, &no_env, dir.path())
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("Could not read channels.lark.appSecretFile "),
        "{err}"
    );
    assert!(err.contains("missing.txt"), "{err}");

    std::fs::write(dir.path().join("empty.txt"), " \n").unwrap();
    let text = "{channels: {lark: {appIdFile: 'empty.txt'}}}";
    let err = parse(text, Format::Json5, &no_env, dir.path())
        .unwrap_err()
        .to_string();
    assert!(err.contains("the file is empty"), "{err}");

    let text = "{channels: {lark: {appId: 'x', appIdFile: 'id.txt'}}}";
    let err = parse(text, Format::Json5, &no_env, dir.path())
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "both channels.lark.appId and channels.lark.appIdFile are set; keep only one of them."
    );

    // A disabled account's unreadable file is not an error.
    let text = "{channels: {lark: {enabled: false, appSecretFile: 'missing.txt'}}}";
    assert!(parse(text, Format::Json5, &no_env, dir.path()).is_ok());
}

#[test]
fn agent_rules() {
    let err = json5("{agent: {provider: 'command'}}")
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("agent.command: "), "{err}");
    let err = json5("{agent: {provider: 'command', command: []}}")
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("agent.command: "), "{err}");
    let config = json5(
        "{agent: {provider: 'command', command: ['my-agent', '--json'], timeoutSeconds: 2.5, model: 'm', maxTokens: 100, streaming: true}}",
    )
    .unwrap();
    assert_eq!(config.agent.provider, Provider::Command);
    assert_eq!(config.agent.command, ["my-agent", "--json"]);
    assert_eq!(config.agent.timeout, Duration::from_millis(2500));
    assert_eq!(config.agent.max_tokens, Some(100));
    assert_eq!(config.agent.streaming, Some(true));
    assert_eq!(
        json5("{agent: {provider: 'openai'}}")
            .unwrap()
            .agent
            .provider,
        Provider::OpenAi
    );
}

#[test]
fn known_keys_cover_the_schema() {
    let keys = openclaw_config::known_keys();
    for key in [
        "channels.lark.appId",
        "channels.lark.downloads.dmDir",
        "channels.lark.groups.<chat_id>.requireMention",
        "channels.lark.accounts.<name>.appSecretFile",
        "channels.lark.accounts.<name>.groups.<chat_id>.allowFrom",
        "agent.command",
        "gateway.port",
        "store.url",
    ] {
        assert!(keys.contains(&key), "{key}");
    }
    assert!(!keys.contains(&"channels.lark.accounts.<name>.accounts.<name>.appId"));
}
