//! The documentation's YAML snippets load verbatim.

use std::path::Path;

use openclaw_config::{Config, Format, Mode, parse};

fn yaml(text: &str) -> Config {
    parse(text, Format::Yaml, &|_| None, Path::new("/")).unwrap()
}

#[test]
fn basic_snippet() {
    let config = yaml(
        r#"
channels:
  lark:
    enabled: true
    appId: "cli_xxxxx"
    appSecret: "xxxxx"
    name: "My Lark Bot"
    domain: "feishu"  # or "lark" for international
    mode: "websocket"  # or "webhook"
"#,
    );
    let a = &config.lark.accounts[0];
    assert_eq!(a.id, "default");
    assert_eq!(a.name.as_deref(), Some("My Lark Bot"));
    assert_eq!(a.domain, lark::Domain::Feishu);
    assert_eq!(a.mode, Mode::Websocket);
    let (id, secret) = a.credentials().unwrap();
    assert_eq!((id.as_str(), secret.expose()), ("cli_xxxxx", "xxxxx"));
}

#[test]
fn multi_account_snippet() {
    let config = yaml(
        r#"
channels:
  lark:
    enabled: true
    # Default account
    appId: "cli_default"
    appSecret: "default_secret"

    accounts:
      production:
        appId: "cli_prod"
        appSecret: "prod_secret"
        name: "Production Bot"
        domain: "lark"
      staging:
        appId: "cli_staging"
        appSecret: "staging_secret"
        name: "Staging Bot"
"#,
    );
    let ids: Vec<&str> = config.lark.accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["default", "production", "staging"]);
    let prod = config.lark.account("production").unwrap();
    assert_eq!(prod.domain, lark::Domain::Lark);
    assert_eq!(prod.name.as_deref(), Some("Production Bot"));
    assert_eq!(prod.credentials().unwrap().0, "cli_prod");
    let staging = config.lark.account("staging").unwrap();
    assert_eq!(staging.domain, lark::Domain::Feishu);
    assert_eq!(staging.webhook_path, "/lark/webhook/staging");
}

#[test]
fn groups_snippet() {
    let config = yaml(
        r#"
channels:
  lark:
    groupPolicy: "allowlist"
    groupAllowFrom: ["oc_xxx", "oc_yyy"]
    requireMention: true
    groups:
      "oc_specific_chat_id":
        requireMention: true
        systemPrompt: "You are a helpful assistant for this team."
      123456:
        enabled: false
"#,
    );
    let a = &config.lark.accounts[0];
    assert_eq!(a.group_allow_from, ["oc_xxx", "oc_yyy"]);
    let g = &a.groups["oc_specific_chat_id"];
    assert_eq!(g.require_mention, Some(true));
    assert_eq!(
        g.system_prompt.as_deref(),
        Some("You are a helpful assistant for this team.")
    );
    assert!(g.enabled && g.allow_from.is_empty());
    assert!(
        !a.groups["123456"].enabled,
        "numeric-looking chat ids are names"
    );
}

#[test]
fn webhook_snippet() {
    let config = yaml(
        r#"
channels:
  lark:
    appId: "cli_xxxxx"
    appSecret: "xxxxx"
    mode: "webhook"
    encryptKey: "your_encrypt_key"
    verificationToken: "your_verification_token"
    webhookPath: "/lark/webhook"
"#,
    );
    let a = &config.lark.accounts[0];
    assert_eq!(a.mode, Mode::Webhook);
    assert_eq!(a.encrypt_key.as_ref().unwrap().expose(), "your_encrypt_key");
    assert_eq!(
        a.verification_token.as_ref().unwrap().expose(),
        "your_verification_token"
    );
    assert_eq!(a.webhook_path, "/lark/webhook");
}

#[test]
fn credential_files_snippet() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app_id"), "cli_from_file\n").unwrap();
    std::fs::write(dir.path().join("app_secret"), "secret_from_file\n").unwrap();
    let text = format!(
        "channels:\n  lark:\n    appIdFile: \"{}\"\n    appSecretFile: \"{}\"\n",
        dir.path().join("app_id").display(),
        dir.path().join("app_secret").display()
    );
    let config = parse(&text, Format::Yaml, &|_| None, Path::new("/elsewhere")).unwrap();
    let (id, secret) = config.lark.accounts[0].credentials().unwrap();
    assert_eq!(
        (id.as_str(), secret.expose()),
        ("cli_from_file", "secret_from_file")
    );
}

#[test]
fn yaml_errors() {
    let err = parse(
        "channels:\n  lark:\n    appid: x\n",
        Format::Yaml,
        &|_| None,
        Path::new("/"),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown key channels.lark.appid (did you mean channels.lark.appId?)"
    );
    let err = parse("channels: [\n", Format::Yaml, &|_| None, Path::new("/")).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("the config is not valid YAML: "),
        "{err}"
    );
    assert!(
        parse(
            "# only a comment\n",
            Format::Yaml,
            &|_| None,
            Path::new("/")
        )
        .is_ok()
    );
}
