//! `config set/get/unset`: JSON5 edits keep every other byte, values are typed, keys checked.

use std::fs;
use std::path::Path;

use openclaw_config::edit::{self, parse_cli_value};
use serde_json::json;

const COMMENTED: &str = r#"// OpenClaw config
{
  /* the bot */
  channels: {
    lark: {
      appId: "cli_old", // from the console
      domain: 'lark',
    },
  },
  gateway: { port: 18789 },
}
"#;

fn file_with(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    fs::write(&path, text).unwrap();
    path
}

#[test]
fn replacing_a_value_keeps_every_other_byte() {
    let dir = tempfile::tempdir().unwrap();
    let file = file_with(dir.path(), "openclaw.json", COMMENTED);
    edit::set(&file, "channels.lark.appId", json!("cli_new")).unwrap();
    let want = COMMENTED.replace("\"cli_old\"", "\"cli_new\"");
    assert_eq!(fs::read_to_string(&file).unwrap(), want);
    edit::set(&file, "gateway.port", json!(9000)).unwrap();
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        want.replace("18789", "9000")
    );
}

#[test]
fn inserting_keeps_style_and_comments() {
    let dir = tempfile::tempdir().unwrap();
    let file = file_with(dir.path(), "openclaw.json", COMMENTED);
    edit::set(&file, "channels.lark.appSecret", json!("s3cret")).unwrap();
    let text = fs::read_to_string(&file).unwrap();
    let want = COMMENTED.replace(
        "      domain: 'lark',\n",
        "      domain: 'lark',\n      appSecret: \"s3cret\",\n",
    );
    assert_eq!(text, want);

    // Nested creation, below an inline object and at the top level.
    edit::set(
        &file,
        "channels.lark.groups.oc_1.requireMention",
        json!(false),
    )
    .unwrap();
    edit::set(&file, "gateway.bind", json!("0.0.0.0")).unwrap();
    edit::set(
        &file,
        "agent.command",
        parse_cli_value("[\"my-agent\", \"--json\"]"),
    )
    .unwrap();
    let text = fs::read_to_string(&file).unwrap();
    assert!(
        text.starts_with("// OpenClaw config\n{\n  /* the bot */\n"),
        "{text}"
    );
    assert!(
        text.contains("appId: \"cli_old\", // from the console\n"),
        "{text}"
    );
    assert!(
        text.contains("      groups: {\n        oc_1: {\n          requireMention: false\n        }\n      },\n"),
        "{text}"
    );
    assert!(
        text.contains("gateway: { port: 18789, bind: \"0.0.0.0\" },"),
        "{text}"
    );
    assert!(
        text.contains("  agent: {\n    command: [\"my-agent\", \"--json\"]\n  },\n}"),
        "{text}"
    );
    assert_eq!(
        edit::get(&file, "channels.lark.groups.oc_1.requireMention").unwrap(),
        Some(json!(false))
    );
    assert_eq!(
        edit::get(&file, "channels.lark.groups[\"oc_1\"]").unwrap(),
        Some(json!({"requireMention": false}))
    );
}

#[test]
fn inserting_into_strict_json_adds_a_separating_comma() {
    let dir = tempfile::tempdir().unwrap();
    let original = "{\n    \"gateway\": {\n        \"port\": 1\n    }\n}\n";
    let file = file_with(dir.path(), "openclaw.json", original);
    edit::set(&file, "gateway.bind", json!("::")).unwrap();
    edit::set(&file, "store.url", json!("sqlite://x")).unwrap();
    let text = fs::read_to_string(&file).unwrap();
    assert_eq!(
        text,
        "{\n    \"gateway\": {\n        \"port\": 1,\n        \"bind\": \"::\"\n    },\n    \"store\": {\n        \"url\": \"sqlite://x\"\n    }\n}\n"
    );
    assert!(
        serde_json::from_str::<serde_json::Value>(&text).is_ok(),
        "still strict JSON"
    );
}

#[test]
fn unset_removes_the_line_and_fixes_commas() {
    let dir = tempfile::tempdir().unwrap();
    let original =
        "{\n  \"a\": 1,\n  \"gateway\": {\n    \"port\": 1,\n    \"bind\": \"x\" // why\n  }\n}\n";
    let file = file_with(dir.path(), "openclaw.json", original);
    assert!(edit::unset(&file, "gateway.bind").unwrap());
    let text = fs::read_to_string(&file).unwrap();
    assert_eq!(
        text,
        "{\n  \"a\": 1,\n  \"gateway\": {\n    \"port\": 1\n  }\n}\n"
    );
    // `a` is unknown but present: it can still be removed (that is how typos get fixed).
    assert!(edit::unset(&file, "a").unwrap());
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        "{\n  \"gateway\": {\n    \"port\": 1\n  }\n}\n"
    );
    assert!(!edit::unset(&file, "gateway.bind").unwrap(), "already gone");
    assert!(
        edit::unset(&file, "gateway.bnd").is_err(),
        "absent and unknown"
    );

    let inline = file_with(
        dir.path(),
        "inline.json5",
        "{gateway: {port: 1, bind: 'x'}, store: {url: 'u'}}",
    );
    assert!(edit::unset(&inline, "gateway.port").unwrap());
    assert_eq!(
        fs::read_to_string(&inline).unwrap(),
        "{gateway: {bind: 'x'}, store: {url: 'u'}}"
    );
    assert!(edit::unset(&inline, "store").unwrap());
    assert_eq!(
        fs::read_to_string(&inline).unwrap(),
        "{gateway: {bind: 'x'}}"
    );
}

#[test]
fn cli_values_are_typed() {
    assert_eq!(parse_cli_value("true"), json!(true));
    assert_eq!(parse_cli_value("false"), json!(false));
    assert_eq!(parse_cli_value("null"), json!(null));
    assert_eq!(parse_cli_value("42"), json!(42));
    assert_eq!(parse_cli_value("-1.5"), json!(-1.5));
    assert_eq!(parse_cli_value("[a"), json!("[a"));
    assert_eq!(
        parse_cli_value("['ou_1', \"ou_2\",]"),
        json!(["ou_1", "ou_2"])
    );
    assert_eq!(
        parse_cli_value("{requireMention: true}"),
        json!({"requireMention": true})
    );
    for text in ["007", "inf", "NaN", "cli_a1b2", " 5", "1e", ""] {
        assert_eq!(parse_cli_value(text), json!(text), "{text}");
    }
}

#[test]
fn set_refuses_unknown_keys_and_wrong_types_but_allows_incomplete_configs() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("openclaw.json");
    let err = edit::set(&file, "channels.lark.appid", json!("x")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown key channels.lark.appid (did you mean channels.lark.appId?)"
    );
    let err = edit::set(&file, "channels.lark.requireMention", json!("yes")).unwrap_err();
    assert!(err.to_string().contains("must be true or false"), "{err}");
    let err = edit::set(&file, "gateway.port", json!(-1)).unwrap_err();
    assert!(err.to_string().contains("gateway.port is -1"), "{err}");
    let err = edit::set(
        &file,
        "channels.lark.groups",
        json!({"oc_1": {"enabld": true}}),
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("did you mean channels.lark.groups.oc_1.enabled?"),
        "{err}"
    );
    let err = edit::set(&file, "channels.lark.accounts.default.appId", json!("x")).unwrap_err();
    assert!(err.to_string().contains("reserved"), "{err}");
    assert!(!file.exists(), "refused edits write nothing");

    // Step by step: an app ID without its secret, provider command before the command.
    edit::set(&file, "channels.lark.appId", json!("cli_1")).unwrap();
    edit::set(&file, "agent.provider", json!("command")).unwrap();
    edit::set(&file, "channels.lark.appSecretFile", json!("secret.txt")).unwrap();
    assert_eq!(
        edit::get(&file, "agent.provider").unwrap(),
        Some(json!("command"))
    );
    assert_eq!(edit::get(&file, "agent.model").unwrap(), None);
    assert!(edit::get(&file, "agent.modle").is_err());
}

#[test]
fn a_missing_file_is_created_private_and_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state/nested/openclaw.json");
    edit::set(&file, "channels.lark.appId", json!("cli_1")).unwrap();
    let text = fs::read_to_string(&file).unwrap();
    assert_eq!(
        text,
        "{\n  \"channels\": {\n    \"lark\": {\n      \"appId\": \"cli_1\"\n    }\n  }\n}\n"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        // An existing file keeps its permissions.
        fs::set_permissions(&file, fs::Permissions::from_mode(0o640)).unwrap();
        edit::set(&file, "channels.lark.appId", json!("cli_2")).unwrap();
        let mode = fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
    }
    // No temporary files are left behind.
    let names: Vec<_> = fs::read_dir(file.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["openclaw.json"]);
}

#[cfg(unix)]
#[test]
fn a_symlinked_config_is_written_through() {
    let dir = tempfile::tempdir().unwrap();
    let real = file_with(dir.path(), "real.json", "{}\n");
    let link = dir.path().join("openclaw.json");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    edit::set(&link, "gateway.port", json!(1)).unwrap();
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(edit::get(&real, "gateway.port").unwrap(), Some(json!(1)));
}

#[test]
fn set_over_a_non_object_is_refused_but_null_is_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let file = file_with(dir.path(), "openclaw.json", "{channels: {lark: null}}\n");
    edit::set(&file, "channels.lark.mode", json!("webhook")).unwrap();
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        "{channels: {lark: {mode: \"webhook\"}}}\n"
    );
    let file = file_with(dir.path(), "bad.json", "{channels: {lark: {groups: []}}}\n");
    let err = edit::set(&file, "channels.lark.groups.oc_1.enabled", json!(true)).unwrap_err();
    assert!(
        err.to_string()
            .contains("channels.lark.groups is not an object"),
        "{err}"
    );
}

#[test]
fn yaml_files_are_rewritten_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let file = file_with(
        dir.path(),
        "openclaw.yaml",
        "gateway:\n  port: 1\nchannels:\n  lark:\n    appId: cli_1\n",
    );
    edit::set(&file, "channels.lark.mode", json!("webhook")).unwrap();
    assert!(edit::unset(&file, "gateway.port").unwrap());
    let text = fs::read_to_string(&file).unwrap();
    assert_eq!(
        text,
        "gateway: {}\nchannels:\n  lark:\n    appId: cli_1\n    mode: webhook\n"
    );
    let config =
        openclaw_config::parse(&text, openclaw_config::Format::Yaml, &|_| None, dir.path())
            .unwrap();
    assert_eq!(config.lark.accounts[0].mode, openclaw_config::Mode::Webhook);

    let fresh = dir.path().join("new/openclaw.yml");
    edit::set(
        &fresh,
        "channels.lark.groups.oc_1.allowFrom",
        json!(["ou_1"]),
    )
    .unwrap();
    assert_eq!(
        fs::read_to_string(&fresh).unwrap(),
        "channels:\n  lark:\n    groups:\n      oc_1:\n        allowFrom:\n        - ou_1\n"
    );
}

#[test]
fn redaction_for_display() {
    assert_eq!(
        edit::redact_for_display("channels.lark.appSecret", &json!("s")),
        json!("<redacted>")
    );
    assert_eq!(
        edit::redact_for_display("channels.lark.appId", &json!("cli")),
        json!("cli")
    );
    let shown = edit::redact_for_display(
        "channels.lark",
        &json!({"appId": "cli", "encryptKey": "k", "accounts": {"p": {"verificationToken": "t"}}}),
    );
    assert_eq!(
        shown,
        json!({"appId": "cli", "encryptKey": "<redacted>", "accounts": {"p": {"verificationToken": "<redacted>"}}})
    );
}

#[test]
fn layouts_keep_their_line_endings_indentation_and_comments() {
    let dir = tempfile::tempdir().unwrap();
    let crlf = file_with(
        dir.path(),
        "crlf.json",
        "{\r\n\t\"gateway\": {\r\n\t\t\"port\": 1\r\n\t}\r\n}\r\n",
    );
    edit::set(&crlf, "agent.command", json!(["a"])).unwrap();
    assert_eq!(
        fs::read_to_string(&crlf).unwrap(),
        "{\r\n\t\"gateway\": {\r\n\t\t\"port\": 1\r\n\t},\r\n\t\"agent\": {\r\n\t\t\"command\": [\"a\"]\r\n\t}\r\n}\r\n"
    );

    // A comment after the last member stays with it; the emptied object becomes `{}`.
    let commented = file_with(
        dir.path(),
        "c.json5",
        "{\n  gateway: {\n    port: 1, /* c */\n  },\n}\n",
    );
    edit::set(&commented, "gateway.bind", json!("x")).unwrap();
    assert_eq!(
        fs::read_to_string(&commented).unwrap(),
        "{\n  gateway: {\n    port: 1, /* c */\n    bind: \"x\",\n  },\n}\n"
    );
    assert!(edit::unset(&commented, "gateway.bind").unwrap());
    assert!(edit::unset(&commented, "gateway.port").unwrap());
    assert_eq!(
        fs::read_to_string(&commented).unwrap(),
        "{\n  gateway: {},\n}\n"
    );

    // One-line objects get one-line members.
    let inline = file_with(dir.path(), "i.json5", "{ gateway: { port: 1, } }");
    edit::set(&inline, "agent.command", json!(["a", "b"])).unwrap();
    assert_eq!(
        fs::read_to_string(&inline).unwrap(),
        "{ gateway: { port: 1, }, agent: {command: [\"a\", \"b\"]} }"
    );
}
