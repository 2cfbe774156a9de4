//! An OpenClaw user's setup, unchanged, against lark-sim with the real binary: the file OpenClaw
//! runs with (its model from `agents.defaults.model` and `models.providers`, answered by a
//! scripted OpenAI-compatible server that accepts only the file's key), the file its
//! `config set` writes (and the one line naming the sections not used), `FEISHU_APP_ID` /
//! `FEISHU_APP_SECRET` alone, a `{ source: "file" }` secret, a webhook on `/feishu/events`, two
//! `accounts`, and `config set` on `channels.feishu` keeping every other byte.

mod common;

use common::*;
use lark_sim::AppSpec;

const MODEL_KEY: &str = "sk-e2e-model-key-4411";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_file_openclaw_runs_with_starts_the_gateway_and_its_model_answers() {
    let sim = sim().await;
    let model = scripted_model(MODEL_KEY).await;
    let env = TestEnv::new();
    env.write_config(&format!(
        r#"{{
  meta: {{ lastTouchedVersion: "2026.9.5" }},
  wizard: {{ lastRunAt: "2026-11-30T10:00:00.000Z", lastRunCommand: "onboard", lastRunMode: "local" }},
  update: {{ channel: "stable", checkOnStart: false }},
  discovery: {{ mdns: {{ mode: "minimal" }} }},
  logging: {{ level: "info", consoleStyle: "pretty" }},
  gateway: {{ mode: "local", port: {port}, bind: "loopback", auth: {{ mode: "token", token: "gw-e2e-token" }} }},
  session: {{ dmScope: "per-channel-peer" }},
  messages: {{ queue: {{ mode: "followup" }} }},
  models: {{
    providers: {{
      local: {{ baseUrl: "{base}", apiKey: "{MODEL_KEY}", api: "openai-completions",
               models: [{{ id: "qwen3", name: "Qwen 3" }}] }},
    }},
  }},
  agents: {{ defaults: {{ model: {{ primary: "local/qwen3" }}, workspace: "{ws}" }} }},
  plugins: {{ entries: {{ feishu: {{ enabled: true }} }} }},
  channels: {{
    feishu: {{
      appId: "{APP}", appSecret: "{SECRET}", domain: "{sim_url}",
      connectionMode: "websocket", streaming: {{ mode: "off" }},
      dmPolicy: "open", allowFrom: ["*"],
    }},
  }},
}}
"#,
        port = free_port(),
        base = model.base_url,
        ws = s(&path_in(&env, "workspace")),
        sim_url = sim.base_url(),
    ));
    let (mut gw, _) = run_ws_gateway(&env, &sim, &[]).await;
    let stderr = gw.stderr();
    assert!(
        stderr.contains("not used by this gateway: meta, wizard, update, discovery, logging, gateway.mode, plugins"),
        "{stderr}"
    );
    let answer = dm_answered(&sim, APP, "oc_dm_model", "what is two plus two").await;
    assert!(
        answer.contains("qwen3 heard") && answer.contains("what is two plus two"),
        "{answer}"
    );
    let requests = model.requests();
    assert_eq!(requests[0]["model"], "qwen3", "{requests:?}");
    // agents.defaults.workspace is the agent's workspace root.
    assert!(path_in(&env, "workspace").is_dir());
    assert!(!env.state_dir().join("workspace").exists());
    gw.stop().await;
    for secret in [MODEL_KEY, "gw-e2e-token", SECRET] {
        assert!(!gw.stderr().contains(secret) && !env.logs().contains(secret));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_as_openclaw_writes_it_names_unused_sections_once_and_answers() {
    let sim = sim().await;
    let env = TestEnv::new();
    let creds = format!("appId: \"{APP}\", appSecret: \"{SECRET}\",");
    env.write_config(&feishu_file(sim.base_url(), &creds, ""));
    let (mut gw, _) = run_ws_gateway(&env, &sim, &[]).await;
    let answer = dm_answered(&sim, APP, "oc_dm_written", "hello from openclaw").await;
    assert!(answer.contains("hello from openclaw"), "{answer}");
    let stderr = gw.stderr();
    assert_eq!(
        stderr
            .matches("not used by this gateway: meta, plugins")
            .count(),
        1,
        "{stderr}"
    );
    assert!(stderr.contains("in websocket mode"), "{stderr}");
    gw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feishu_environment_variables_alone() {
    let sim = sim().await;
    let env = TestEnv::new();
    env.write_config(&feishu_file(sim.base_url(), "", ""));
    let mut gw = env.spawn_with(
        &["gateway", "run", "--port", "0"],
        &[("FEISHU_APP_ID", APP), ("FEISHU_APP_SECRET", SECRET)],
    );
    gw.wait_stderr("ws client ready").await;
    let answer = dm_answered(&sim, APP, "oc_dm_env", "from the environment").await;
    assert!(answer.contains("from the environment"), "{answer}");
    gw.stop().await;
    assert!(!gw.stderr().contains(SECRET));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_secret_reference() {
    let sim = sim().await;
    let env = TestEnv::new();
    let secrets = path_in(&env, "secrets.json");
    std::fs::write(
        &secrets,
        format!(r#"{{"feishu": {{"appSecret": "{SECRET}"}}}}"#),
    )
    .unwrap();
    let feishu = format!(
        r#"appId: "{APP}", appSecret: {{ source: "file", provider: "vault", id: "/feishu/appSecret" }},"#
    );
    let top = format!(
        r#"secrets: {{ providers: {{ vault: {{ source: "file", path: "{}", mode: "json" }} }} }},"#,
        s(&secrets)
    );
    env.write_config(&feishu_file(sim.base_url(), &feishu, &top));
    let (mut gw, _) = run_ws_gateway(&env, &sim, &[]).await;
    let answer = dm_answered(&sim, APP, "oc_dm_file", "secret from a file").await;
    assert!(answer.contains("secret from a file"), "{answer}");
    gw.stop().await;
    assert!(!gw.stderr().contains(SECRET));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_mode_on_feishu_events_with_key_and_token() {
    const KEY: &str = "e2e-feishu-encrypt-key";
    const TOKEN: &str = "e2e-feishu-token";
    lark::install_crypto_provider();
    let sim = lark_sim::Sim::start("127.0.0.1:0", lark_sim::SimConfig::default())
        .await
        .unwrap();
    let env = TestEnv::new();
    let feishu = format!(
        r#"appId: "{APP}", appSecret: "{SECRET}", connectionMode: "webhook", encryptKey: "{KEY}", verificationToken: "{TOKEN}","#
    );
    env.write_config(&feishu_file(sim.base_url(), &feishu, ""));
    let mut gw = env.spawn(&["gateway", "run", "--port", "0"]);
    let addr = gw.addr().await;
    gw.wait_stderr("in webhook mode").await;
    let state = sim.state();
    state.add_app(AppSpec::webhook(
        APP,
        SECRET,
        &format!("http://{addr}/feishu/events"),
        Some(KEY),
        Some(TOKEN),
    ));
    state.verify_webhook(APP).await.expect("URL verification");
    let answer = dm_answered(&sim, APP, "oc_dm_hook", "over feishu events").await;
    assert!(answer.contains("over feishu events"), "{answer}");
    gw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_accounts_both_answer() {
    const APP2: &str = "cli_e2e_second_app_77";
    const SECRET2: &str = "e2e-second-secret-31";
    let sim = sim().await;
    sim.state().add_app(AppSpec::websocket(APP2, SECRET2));
    let env = TestEnv::new();
    let feishu = format!(
        r#"defaultAccount: "main", accounts: {{
            main: {{ appId: "{APP}", appSecret: "{SECRET}" }},
            second: {{ appId: "{APP2}", appSecret: "{SECRET2}" }},
        }},"#
    );
    env.write_config(&feishu_file(sim.base_url(), &feishu, ""));
    let (mut gw, _) = run_ws_gateway(&env, &sim, &[]).await;
    assert!(sim.state().wait_connections(APP2, 1, WAIT).await);
    let a = dm_answered(&sim, APP, "oc_dm_main", "to the main bot").await;
    let b = dm_answered(&sim, APP2, "oc_dm_second", "to the second bot").await;
    assert!(
        a.contains("to the main bot") && b.contains("to the second bot"),
        "{a} / {b}"
    );
    gw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_set_on_channels_feishu_keeps_every_other_byte() {
    let env = TestEnv::new();
    let before = feishu_file(
        "http://127.0.0.1:9",
        "appId: \"cli_x\", appSecret: \"s\", // the wizard put these here\n",
        "/* trailing */ wizard: { lastRunMode: \"local\" },",
    );
    env.write_config(&before);
    env.run(&["config", "set", "channels.feishu.dmPolicy", "allowlist"])
        .await
        .ok();
    let after = std::fs::read_to_string(env.config_file()).unwrap();
    assert_eq!(
        after,
        before.replace("dmPolicy: \"open\"", "dmPolicy: \"allowlist\""),
        "{after}"
    );
    assert_eq!(
        env.run(&["config", "get", "channels.feishu.dmPolicy"])
            .await
            .ok()
            .trim(),
        "allowlist"
    );
    // A typo in the channel is still refused, with the nearest key.
    let out = env
        .run(&["config", "set", "channels.feishu.dmPolcy", "open"])
        .await;
    assert!(
        out.failed()
            .contains("did you mean channels.feishu.dmPolicy?")
    );
}
