//! No secret value ever reaches `Debug` output or an error message.

use std::path::Path;

use openclaw_config::{ConfigError, Format, Paths, edit, load_with, parse};
use serde_json::json;

const SECRETS: [&str; 4] = [
    "APP-SECRET-VALUE-1",
    "ENCRYPT-KEY-VALUE-2",
    "VERIFY-TOKEN-VALUE-3",
    "FILE-SECRET-VALUE-4",
];

fn assert_clean(text: &str) {
    for secret in SECRETS {
        assert!(!text.contains(secret), "leaked {secret}: {text}");
    }
}

#[test]
fn debug_of_a_loaded_config_is_redacted() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("secret.txt"), "FILE-SECRET-VALUE-4\n").unwrap();
    let text = r#"{channels: {lark: {
        appId: 'cli_1', appSecret: 'APP-SECRET-VALUE-1',
        encryptKey: 'ENCRYPT-KEY-VALUE-2', verificationToken: 'VERIFY-TOKEN-VALUE-3',
        accounts: {other: {appId: 'cli_2', appSecretFile: 'secret.txt'}},
    }}}"#;
    let config = parse(text, Format::Json5, &|_| None, dir.path()).unwrap();
    let debug = format!("{config:?} {config:#?}");
    assert!(debug.contains("<redacted>"));
    assert_clean(&debug);
    assert_eq!(
        config.lark.accounts[1].credentials().unwrap().1.expose(),
        "FILE-SECRET-VALUE-4"
    );
}

#[test]
fn errors_never_carry_secret_values() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("secret.txt"), "FILE-SECRET-VALUE-4\n").unwrap();
    let base = dir.path();
    let cases = [
        // Wrong types at secret keys: described by type only.
        "{channels: {lark: {appSecret: ['APP-SECRET-VALUE-1']}}}",
        "{channels: {lark: {encryptKey: {k: 'ENCRYPT-KEY-VALUE-2'}}}}",
        "{channels: {lark: {verificationToken: ['VERIFY-TOKEN-VALUE-3']}}}",
        // Errors next to secrets.
        "{channels: {lark: {appSecret: 'APP-SECRET-VALUE-1', appSecretFile: 'secret.txt'}}}",
        "{channels: {lark: {appSecret: 'APP-SECRET-VALUE-1', mode: 'x'}}}",
        "{channels: {lark: {encryptKey: 'ENCRYPT-KEY-VALUE-2', encryptkey: 'ENCRYPT-KEY-VALUE-2'}}}",
        // Syntax errors around secrets.
        "{channels: {lark: {appSecret: 'APP-SECRET-VALUE-1}}}",
        "{channels: {lark: {appSecret: APP-SECRET-VALUE-1}}}",
        "{channels: {lark: {appSecret: 'APP-SECRET-VALUE-1', appSecret: 'APP-SECRET-VALUE-1'}}}",
        // The credential file used as a config, and as an id file that is fine.
        "{channels: {lark: {appIdFile: 'secret.txt', verificationToken: 5}}}",
    ];
    let mut errors: Vec<ConfigError> = Vec::new();
    for text in cases {
        errors.push(parse(text, Format::Json5, &|_| None, base).unwrap_err());
        let yaml_like = text.replace('{', "{ ").replace('}', " }");
        if let Err(e) = parse(&yaml_like, Format::Yaml, &|_| None, base) {
            errors.push(e);
        }
    }
    // A credential file that is not a file.
    std::fs::create_dir(dir.path().join("dir")).unwrap();
    let text = "{channels: {lark: {appSecretFile: 'dir'}}}";
    errors.push(parse(text, Format::Json5, &|_| None, base).unwrap_err());

    // Through load and edit, too.
    let file = dir.path().join("openclaw.json");
    std::fs::write(
        &file,
        "{channels: {lark: {appSecret: 'APP-SECRET-VALUE-1', appId: 7}}}",
    )
    .unwrap();
    let paths = Paths {
        config_file: file.clone(),
        state_dir: dir.path().to_path_buf(),
    };
    errors.push(load_with(&paths, &|_| None).unwrap_err());
    errors.push(
        edit::set(
            &file,
            "channels.lark.appSecret",
            json!(["APP-SECRET-VALUE-1"]),
        )
        .unwrap_err(),
    );
    errors.push(
        edit::set(
            &file,
            "channels.lark.appSecret.x",
            json!("APP-SECRET-VALUE-1"),
        )
        .unwrap_err(),
    );
    errors.push(edit::set(&file, "channels.lark.encryptKey", json!(12)).unwrap_err());

    let config = parse("{}", Format::Json5, &|_| None, Path::new("/")).unwrap();
    errors.push(config.lark.accounts[0].credentials().unwrap_err());

    assert!(errors.len() > 15);
    for err in &errors {
        assert_clean(&err.to_string());
        assert_clean(&format!("{err:?}"));
    }
}
