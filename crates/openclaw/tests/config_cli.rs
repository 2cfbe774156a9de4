//! `openclaw config ...` as the spec's Quick Start uses it: `set` creates the file, `get` shows
//! values with secrets redacted, `set` on a commented JSON5 file changes only its key, a
//! misspelt key is refused naming the right one, `unset`, `path` (with `--config`,
//! `OPENCLAW_CONFIG_PATH`, `OPENCLAW_STATE_DIR`), and `validate` (OK, or "App ID not configured"
//! with the fix).

mod common;

use common::*;

#[tokio::test]
async fn quick_start_config_set_creates_the_file_and_get_redacts_the_secret() {
    let env = TestEnv::new();
    assert!(!env.config_file().exists());
    let sim_url = "http://127.0.0.1:9";
    env.run(&["config", "set", "channels.lark.appId", APP])
        .await
        .ok();
    let out = env
        .run(&["config", "set", "channels.lark.appSecret", SECRET])
        .await;
    out.ok();
    assert!(
        !out.all().contains(SECRET),
        "set echoed the secret: {out:?}"
    );
    env.run(&["config", "set", "channels.lark.enabled", "true"])
        .await
        .ok();
    env.run(&["config", "set", "channels.lark.domain", sim_url])
        .await
        .ok();
    assert!(
        env.config_file().exists(),
        "config set did not create {:?}",
        env.config_file()
    );
    // It holds a secret: only its owner may read it.
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(env.config_file())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "config file mode {mode:o}");
    }

    let out = env.run(&["config", "get", "channels.lark.appSecret"]).await;
    assert_eq!(out.ok().trim(), "<redacted>");
    assert!(!out.all().contains(SECRET));
    let out = env.run(&["config", "get", "channels.lark.enabled"]).await;
    assert_eq!(out.ok().trim(), "true");
    let out = env.run(&["config", "get", "channels.lark.appId"]).await;
    assert_eq!(out.ok().trim(), APP);
    let out = env.run(&["config", "get", "channels.lark.domain"]).await;
    assert_eq!(out.ok().trim(), sim_url);
    // The whole object: the secret inside is redacted too.
    let out = env.run(&["config", "get", "channels.lark"]).await;
    let shown = out.ok();
    assert!(
        shown.contains("<redacted>") && shown.contains(APP),
        "{shown}"
    );
    assert!(!shown.contains(SECRET), "{shown}");

    // The file is what a load accepts.
    let out = env.run(&["config", "validate"]).await;
    assert!(out.ok().contains("OK"), "{out:?}");
}

#[tokio::test]
async fn config_set_keeps_comments_and_other_keys_byte_for_byte() {
    let env = TestEnv::new();
    let before = r#"// My OpenClaw config.
{
  /* the bot */
  channels: {
    lark: {
      appId: 'cli_keepme0001',   // from the console
      dmPolicy: "open",
      allowFrom: ["ou_a", "ou_b",],
    },
  },
  // the port
  gateway: { port: 18790 },
}
"#;
    env.write_config(before);
    env.run(&["config", "set", "channels.lark.appSecret", SECRET])
        .await
        .ok();
    let after = std::fs::read_to_string(env.config_file()).unwrap();
    // Every original line survives as is; the only change is the new key.
    for line in before.lines() {
        assert!(after.contains(line), "line {line:?} changed:\n{after}");
    }
    assert_eq!(after.lines().count(), before.lines().count() + 1, "{after}");
    assert!(after.contains(SECRET));

    // Changing an existing value touches that value only.
    env.run(&["config", "set", "channels.lark.dmPolicy", "pairing"])
        .await
        .ok();
    let changed = std::fs::read_to_string(env.config_file()).unwrap();
    assert_eq!(changed, after.replace("\"open\"", "\"pairing\""));
    let out = env.run(&["config", "get", "gateway.port"]).await;
    assert_eq!(out.ok().trim(), "18790");
}

#[tokio::test]
async fn a_misspelt_key_is_refused_naming_the_right_one() {
    let env = TestEnv::new();
    let out = env
        .run(&["config", "set", "channels.lark.appid", "x"])
        .await;
    let text = out.failed();
    assert!(text.contains("channels.lark.appId"), "{text}");
    assert!(!env.config_file().exists(), "a refused set wrote the file");
    let out = env
        .run(&["config", "set", "channels.lark.dmPolicy", "everyone"])
        .await;
    let text = out.failed();
    assert!(text.contains("pairing") && text.contains("open"), "{text}");
}

#[tokio::test]
async fn config_unset_removes_the_key() {
    let env = TestEnv::new();
    env.run(&["config", "set", "channels.lark.appId", APP])
        .await
        .ok();
    env.run(&["config", "set", "channels.lark.name", "My Lark Bot"])
        .await
        .ok();
    let out = env.run(&["config", "unset", "channels.lark.name"]).await;
    assert!(out.ok().contains("removed channels.lark.name"), "{out:?}");
    let out = env.run(&["config", "get", "channels.lark.name"]).await;
    assert!(out.failed().contains("not set"), "{out:?}");
    let out = env.run(&["config", "get", "channels.lark.appId"]).await;
    assert_eq!(out.ok().trim(), APP);
    let out = env.run(&["config", "unset", "channels.lark.name"]).await;
    assert!(out.ok().contains("was not set"), "{out:?}");
}

#[tokio::test]
async fn config_path_honours_flag_then_env_then_state_dir() {
    let env = TestEnv::new();
    let out = env.run(&["config", "path"]).await;
    assert_eq!(out.ok().trim(), s(&env.config_file()));

    let via_env = path_in(&env, "from-env.json5");
    let out = env
        .run_with(
            &["config", "path"],
            &[("OPENCLAW_CONFIG_PATH", s(&via_env))],
        )
        .await;
    assert_eq!(out.ok().trim(), s(&via_env));

    let via_flag = path_in(&env, "flag.yaml");
    let out = env
        .run_with(
            &["--config", s(&via_flag), "config", "path"],
            &[("OPENCLAW_CONFIG_PATH", s(&via_env))],
        )
        .await;
    assert_eq!(out.ok().trim(), s(&via_flag));

    // Without OPENCLAW_STATE_DIR: ~/.openclaw/openclaw.json.
    let mut c = env.command(&["config", "path"]);
    c.env_remove("OPENCLAW_STATE_DIR");
    let out = c.output().await.unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        s(&env.home().join(".openclaw").join("openclaw.json"))
    );

    // `set` with --config writes there, and `get` reads it back.
    env.run(&[
        "--config",
        s(&via_flag),
        "config",
        "set",
        "channels.lark.appId",
        APP,
    ])
    .await
    .ok();
    assert!(via_flag.exists());
    assert!(!env.config_file().exists());
    let out = env
        .run(&[
            "--config",
            s(&via_flag),
            "config",
            "get",
            "channels.lark.appId",
        ])
        .await;
    assert_eq!(out.ok().trim(), APP);
}

#[tokio::test]
async fn validate_names_the_missing_app_id_with_the_fix() {
    let env = TestEnv::new();
    env.run(&["config", "set", "channels.lark.enabled", "true"])
        .await
        .ok();
    let out = env.run(&["config", "validate"]).await;
    let text = out.failed();
    assert!(text.contains("App ID not configured"), "{text}");
    assert!(
        text.contains("channels.lark.appId") && text.contains("LARK_APP_ID"),
        "{text}"
    );

    env.run(&["config", "set", "channels.lark.appId", APP])
        .await
        .ok();
    let out = env.run(&["config", "validate"]).await;
    let text = out.failed();
    assert!(text.contains("App secret not configured"), "{text}");
    assert!(
        text.contains("channels.lark.appSecret") && text.contains("LARK_APP_SECRET"),
        "{text}"
    );

    // The environment variables count, as the spec says.
    let out = env
        .run_with(&["config", "validate"], &[("LARK_APP_SECRET", SECRET)])
        .await;
    assert!(out.ok().contains("OK"), "{out:?}");
    assert!(!out.all().contains(SECRET));

    // A broken file names the file and the problem.
    env.write_config("{ channels: { lark: { mode: 'carrier-pigeon' } } }");
    let out = env.run(&["config", "validate"]).await;
    let text = out.failed();
    assert!(
        text.contains("channels.lark.mode") && text.contains("webhook"),
        "{text}"
    );
    assert!(text.contains(s(&env.config_file())), "{text}");
}
