//! `openclaw doctor` as a user runs it against lark-sim: a good setup (exit 0, every check ok,
//! the model's key accepted by a models-list call), and exit 1 with the fix named for a wrong
//! secret, an unreachable database and a model key the provider refuses; missing scopes
//! (docx, drive) are warnings with the scope to add (exit 0), the required contact scope a failure; the `message` tool's
//! groups as the switches set them; MCP servers started and listed (running with their tools,
//! or a missing command with the fix); `--json` for scripts. Plus the CLI as people look for it: `message --help` lists
//! every action and `message send --json` runs the send action.

mod common;

use common::*;
use lark_sim::{FamilyChange, ScopeChange};
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

/// A setup that passes against `sim` (with `top_extra` at the top of the file) and the model
/// server it names, which must outlive the runs.
async fn good_setup(sim: &lark_sim::Sim, top_extra: &str) -> (TestEnv, ScriptedModel) {
    let model = scripted_model(MODEL_KEY).await;
    let env = TestEnv::new();
    env.write_config(&good_config(
        sim.base_url(),
        &model.base_url,
        MODEL_KEY,
        top_extra,
    ));
    (env, model)
}

#[track_caller]
fn assert_lines(text: &str, wanted: &[&str]) {
    for want in wanted {
        assert!(text.contains(want), "lacks {want:?}:\n{text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_good_setup_passes() {
    let sim = sim().await;
    let (env, _model) = good_setup(&sim, "").await;
    let out = env.run(&["doctor"]).await;
    let text = out.ok();
    assert_lines(
        text,
        &[
            "loads; channel from channels.feishu",
            "honoured: channels.feishu, agents.defaults.model, models.providers",
            "not used by this gateway: meta",
            "credentials work; bot E2E Bot",
            "contact scope granted",
            "mode websocket",
            "reachable, schema up to date",
            "model qwen3",
            "the key works",
        ],
    );
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
    let (env, _model) = good_setup(&sim, "").await;
    let out = env.run(&["doctor"]).await;
    // The channel document requires this scope: exit 1, unlike an optional feature's.
    assert_eq!(out.status.code(), Some(1), "{out:#?}");
    let all = out.all();
    assert!(all.contains("credentials work"), "{all}");
    assert!(
        all.contains("FAIL [account default] the app may not read users"),
        "{all}"
    );
    assert!(
        all.contains("fix: grant the scope contact:user.base:readonly"),
        "{all}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_docx_and_drive_scopes_warn_with_the_scopes_and_the_actions_that_need_them() {
    let sim = sim().await;
    sim.state()
        .set_scope_families(
            APP,
            FamilyChange {
                docx: Some(false),
                drive: Some(false),
                ..FamilyChange::default()
            },
        )
        .unwrap();
    let (env, _model) = good_setup(&sim, "").await;
    let out = env.run(&["doctor"]).await;
    let text = out.ok();
    assert_lines(
        text,
        &[
            "WARN [account default] the app lacks the scope docx:document: documents will be refused",
            "fix: add the scope docx:document in the developer console (Permissions & Scopes) and publish a new version; the message actions createDocument, appendDocument, readDocument",
            "WARN [account default] the app lacks the scope drive:drive",
            "fix: add the scope drive:drive in the developer console",
            "uploadFile",
            "ok   [account default] scope im:message.group_msg granted",
            "ok   [account default] scope bitable:app granted",
            "ok   [account default] scope wiki:wiki granted",
            "ok   [account default] scope calendar:calendar granted",
            "ok   [account default] scope task:task:write granted",
            "message tool group doc: on; needs docx:document, its scope is missing (above)",
        ],
    );
    assert_eq!(text.matches("WARN").count(), 2, "{text}");
    assert!(!text.contains("FAIL"), "{text}");

    // The probes reached lark-sim and were refused there with the platform's code.
    let refused: Vec<String> = sim
        .state()
        .calls(APP)
        .iter()
        .filter(|c| c.code == Some(99991672))
        .map(|c| c.path.clone())
        .collect();
    assert!(
        refused.iter().any(|p| p.starts_with("/open-apis/docx/"))
            && refused.iter().any(|p| p.starts_with("/open-apis/drive/")),
        "{refused:?}"
    );

    let out = env.run(&["doctor", "--json"]).await;
    let v: Value = serde_json::from_str(out.ok()).unwrap();
    assert_eq!(
        (&v["ok"], &v["warnings"]),
        (&Value::Bool(true), &Value::from(2)),
        "{v:#}"
    );
    let warned: Vec<&Value> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["level"] == "warn")
        .collect();
    assert!(
        warned[0]["fix"].as_str().unwrap().contains("docx:document"),
        "{warned:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_message_tool_groups_show_as_the_switches_set_them() {
    let sim = sim().await;
    let model = scripted_model(MODEL_KEY).await;
    let env = TestEnv::new();
    let text = good_config(sim.base_url(), &model.base_url, MODEL_KEY, "").replace(
        r#"allowFrom: ["*"] }"#,
        r#"allowFrom: ["*"], tools: { wiki: false }, actions: { reactions: false } }"#,
    );
    env.write_config(&text);
    let out = env.run(&["doctor"]).await;
    let text = out.ok();
    assert_lines(
        text,
        &[
            "message tool group im: on; needs im:message",
            "message tool group doc: on; needs docx:document\n",
            "message tool group wiki: off (channels.feishu.tools.wiki is false); needs wiki:wiki",
            "message tool group reaction: off (channels.feishu.actions.reactions is false)",
            "message tool group calendar: on; needs calendar:calendar",
        ],
    );
    let groups = text
        .lines()
        .filter(|l| l.contains("message tool group "))
        .count();
    assert_eq!(groups, openclaw_tools::groups::GROUPS.len(), "{text}");
    assert_eq!(text.matches(": off (").count(), 2, "{text}");
}

/// The peers virtualenv's python, which has the official MCP SDK.
fn peers_python() -> std::path::PathBuf {
    let dir = std::env::var("OPENCLAW_PEERS_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| {
            std::path::PathBuf::from(std::env::var("HOME").unwrap_or_else(|_| "/root".into()))
                .join(".cache/openclaw/peers")
        });
    let py = dir.join("venv/bin/python");
    assert!(
        py.exists(),
        "the MCP Python SDK is not installed at {}: run scripts/peers-setup (scripts/test runs it)",
        py.display()
    );
    py
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mcp_servers_are_started_and_listed_and_a_missing_command_gets_the_fix() {
    let sim = sim().await;
    let calc = concat!(env!("CARGO_MANIFEST_DIR"), "/../agent/tests/mcp/calc.py");
    let servers = format!(
        r#"agent: {{ mcpServers: {{
            calc: {{ command: {:?}, args: [{calc:?}, "stdio"], env: {{ TOKEN: "mcp-env-secret-31" }} }},
            broken: {{ command: "openclaw-no-such-mcp-server" }},
        }} }},"#,
        peers_python().display().to_string()
    );
    let (env, _model) = good_setup(&sim, &servers).await;
    let out = env.run(&["doctor"]).await;
    let text = out.ok();
    // calc.py offers add, big, slow, token_len and grow (mul comes only when grow is called).
    assert_lines(
        text,
        &[
            "ok   [mcp calc] running (stdio), 5 tools",
            "WARN [mcp broken] down (stdio): cannot start openclaw-no-such-mcp-server",
            "fix: check agent.mcpServers.broken.command (installed, on PATH or an absolute path)",
        ],
    );
    assert!(!text.contains("FAIL"), "{text}");
    assert!(!out.all().contains("mcp-env-secret-31"), "{out:#?}");

    let out = env.run(&["doctor", "--json"]).await;
    let v: Value = serde_json::from_str(out.ok()).unwrap();
    let calc = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["area"] == "mcp calc")
        .unwrap();
    assert_eq!(calc["level"], "ok", "{v:#}");
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
