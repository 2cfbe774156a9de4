//! `openclaw doctor` as a user runs it against lark-sim: a good setup (exit 0, every check ok,
//! the model's key accepted by a models-list call), and exit 1 with the fix named for a wrong
//! secret, a missing contact scope, an unreachable database and a model key the provider
//! refuses; `--json` for scripts. Plus the CLI as people look for it: `message --help` lists
//! every action and `message send --json` runs the send action.

mod common;

use common::*;
use lark_sim::ScopeChange;
use serde_json::Value;

const MODEL_KEY: &str = "sk-doctor-model-key-90";

fn good_config(sim_url: &str, model_base: &str, key: &str, top_extra: &str) -> String {
    format!(
        r#"{{
  meta: {{ lastTouchedVersion: "2026.9.5" }},
  channels: {{ feishu: {{ appId: "{APP}", appSecret: "{SECRET}", domain: "{sim_url}", dmPolicy: "open", allowFrom: ["*"] }} }},
  models: {{ providers: {{ local: {{ baseUrl: "{model_base}", apiKey: "{key}", api: "openai-completions" }} }} }},
  agents: {{ defaults: {{ model: "local/qwen3" }} }},
  {top_extra}
}}"#
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_good_setup_passes() {
    let sim = sim().await;
    let model = scripted_model(MODEL_KEY).await;
    let env = TestEnv::new();
    env.write_config(&good_config(sim.base_url(), &model.base_url, MODEL_KEY, ""));
    let out = env.run(&["doctor"]).await;
    let text = out.ok();
    for want in [
        "loads; channel from channels.feishu",
        "honoured: channels.feishu, agents.defaults.model, models.providers",
        "not used by this gateway: meta",
        "credentials work; bot E2E Bot",
        "contact scope granted",
        "mode websocket",
        "reachable, schema up to date",
        "model qwen3",
        "the key works",
    ] {
        assert!(text.contains(want), "lacks {want:?}:\n{text}");
    }
    assert!(!text.contains("FAIL"), "{text}");
    assert!(!out.all().contains(SECRET) && !out.all().contains(MODEL_KEY));

    let out = env.run(&["doctor", "--json"]).await;
    let v: Value = serde_json::from_str(out.ok()).unwrap();
    assert_eq!(v["ok"], true, "{v:#}");
    assert!(v["checks"].as_array().unwrap().len() >= 6, "{v:#}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_secret_fails_with_the_fix() {
    let sim = sim().await;
    let model = scripted_model(MODEL_KEY).await;
    let env = TestEnv::new();
    let text = good_config(sim.base_url(), &model.base_url, MODEL_KEY, "")
        .replace(SECRET, "not-the-secret");
    env.write_config(&text);
    let out = env.run(&["doctor"]).await;
    assert_eq!(out.status.code(), Some(1), "{out:#?}");
    let all = out.all();
    assert!(all.contains("FAIL [account default]"), "{all}");
    assert!(all.contains("fix: Invalid App ID or App Secret"), "{all}");
    assert!(!all.contains("not-the-secret"), "{all}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_contact_scope_fails_with_the_scope_to_grant() {
    let sim = sim().await;
    sim.state()
        .set_scopes(
            APP,
            ScopeChange {
                contact: Some(false),
                ..ScopeChange::default()
            },
        )
        .unwrap();
    let model = scripted_model(MODEL_KEY).await;
    let env = TestEnv::new();
    env.write_config(&good_config(sim.base_url(), &model.base_url, MODEL_KEY, ""));
    let out = env.run(&["doctor"]).await;
    assert_eq!(out.status.code(), Some(1), "{out:#?}");
    let all = out.all();
    assert!(all.contains("credentials work"), "{all}");
    assert!(
        all.contains("fix: grant the scope contact:user.base:readonly"),
        "{all}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_database_fails_with_the_fix() {
    let sim = sim().await;
    let model = scripted_model(MODEL_KEY).await;
    let env = TestEnv::new();
    let url = format!(
        "postgres://openclaw:db-pass-77@127.0.0.1:{}/openclaw?connect_timeout=2",
        free_port()
    );
    let store = format!("store: {{ url: \"{url}\" }},");
    env.write_config(&good_config(
        sim.base_url(),
        &model.base_url,
        MODEL_KEY,
        &store,
    ));
    let out = env.run(&["doctor"]).await;
    assert_eq!(out.status.code(), Some(1), "{out:#?}");
    let all = out.all();
    assert!(all.contains("FAIL [store] PostgreSQL"), "{all}");
    assert!(
        all.contains("fix: start the database or fix store.url"),
        "{all}"
    );
    assert!(!all.contains("db-pass-77"), "{all}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_model_key_and_a_broken_file_fail_with_the_fix() {
    let sim = sim().await;
    let model = scripted_model(MODEL_KEY).await;
    let env = TestEnv::new();
    env.write_config(&good_config(
        sim.base_url(),
        &model.base_url,
        "sk-wrong",
        "",
    ));
    let out = env.run(&["doctor"]).await;
    assert_eq!(out.status.code(), Some(1), "{out:#?}");
    let all = out.all();
    assert!(all.contains("refused the key (HTTP 401)"), "{all}");
    assert!(!all.contains("sk-wrong"), "{all}");

    env.write_config("{ channels: { feishu: { conectionMode: 'webhook' } } }");
    let out = env.run(&["doctor"]).await;
    assert_eq!(out.status.code(), Some(1), "{out:#?}");
    assert!(
        out.all()
            .contains("did you mean channels.feishu.connectionMode?"),
        "{out:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn message_help_lists_every_action_and_send_takes_json() {
    let env = TestEnv::new();
    let help = env.run(&["message", "--help"]).await;
    let text = help.ok();
    for action in openclaw_tools::registry::actions() {
        assert!(
            text.lines()
                .any(|l| l.trim_start().starts_with(&format!("{} ", action.name))),
            "{} missing from:\n{text}",
            action.name
        );
    }

    let sim = sim().await;
    env.write_config(&config(sim.base_url(), "", ""));
    seed_dm(sim.state(), APP, "oc_dm_json", "ou_json");
    let out = env
        .run(&[
            "message",
            "send",
            "--json",
            r#"{"to":"chat:oc_dm_json","message":"sent through the action"}"#,
        ])
        .await;
    let v: Value = serde_json::from_str(out.ok()).unwrap();
    assert!(v.to_string().contains("om_"), "{v}");
    let sent = bot_messages(sim.state(), APP, "oc_dm_json");
    assert!(
        text_of(&sent[0]).contains("sent through the action"),
        "{sent:#?}"
    );
    // The channel document's form still works, and so does its --json output flag.
    let out = env
        .run(&[
            "message",
            "send",
            "--to",
            "oc_dm_json",
            "-m",
            "flags",
            "--json",
        ])
        .await;
    let v: Value = serde_json::from_str(out.ok()).unwrap();
    assert_eq!(v["ok"], true, "{v}");
}
