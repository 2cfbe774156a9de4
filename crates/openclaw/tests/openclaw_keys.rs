//! OpenClaw's `channels.feishu` keys acting, against lark-sim with the real binary:
//! `webhookHost`/`webhookPort` (the account's webhook on a listener of its own),
//! `responsePrefix`, `textChunkLimit` with `streaming.chunkMode`, `resolveSenderNames: false`,
//! `groupSenderAllowFrom`, `dms.<open_id>.{enabled, systemPrompt}` and `session.dmScope`.

mod common;

use common::*;
use lark_sim::{AppSpec, ChatMode, Person, UserMessage};

const MODEL_KEY: &str = "sk-e2e-keys-model-5521";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_port_serves_the_account_on_a_listener_of_its_own() {
    const KEY: &str = "e2e-own-port-encrypt-key";
    const TOKEN: &str = "e2e-own-port-token";
    lark::install_crypto_provider();
    let sim = lark_sim::Sim::start("127.0.0.1:0", lark_sim::SimConfig::default())
        .await
        .unwrap();
    let env = TestEnv::new();
    let port = free_port();
    let feishu = format!(
        r#"appId: "{APP}", appSecret: "{SECRET}", connectionMode: "webhook", encryptKey: "{KEY}",
           verificationToken: "{TOKEN}", webhookHost: "127.0.0.1", webhookPort: {port},"#
    );
    env.write_config(&feishu_file(sim.base_url(), &feishu, ""));
    let mut gw = env.spawn(&["gateway", "run", "--port", "0"]);
    let addr = gw.addr().await;
    let own = format!("http://127.0.0.1:{port}/feishu/events");
    gw.wait_stderr(&format!("webhook listening at {own}")).await;
    let state = sim.state();
    state.add_app(AppSpec::webhook(APP, SECRET, &own, Some(KEY), Some(TOKEN)));
    state.verify_webhook(APP).await.expect("URL verification");
    let answer = dm_answered(&sim, APP, "oc_dm_own_port", "over a port of its own").await;
    assert!(answer.contains("over a port of its own"), "{answer}");
    // The gateway port does not serve that account's path; the webhook port serves nothing else.
    let (status, _) = get(&format!("http://{addr}/feishu/events")).await;
    assert_eq!(status, 404);
    let (status, _) = get(&format!("http://127.0.0.1:{port}/healthz")).await;
    assert_eq!(status, 404);
    gw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_port_in_use_stops_the_start_naming_the_key() {
    let sim = sim().await;
    let env = TestEnv::new();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let feishu = format!(
        r#"appId: "{APP}", appSecret: "{SECRET}", connectionMode: "webhook", verificationToken: "t", webhookPort: {port},"#
    );
    env.write_config(&feishu_file(sim.base_url(), &feishu, ""));
    let out = env.run(&["gateway", "run", "--port", "0"]).await;
    let text = out.failed();
    assert!(
        text.contains(&format!(
            "cannot listen on 127.0.0.1:{port} for the webhook"
        )) && text.contains("channels.feishu.webhookPort"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reply_text_gets_the_prefix_and_is_cut_by_paragraph_at_the_chunk_limit() {
    let sim = sim().await;
    let env = TestEnv::new();
    let feishu = format!(
        r#"appId: "{APP}", appSecret: "{SECRET}", renderMode: "raw", responsePrefix: "[bot]",
           textChunkLimit: 40, streaming: {{ mode: "off", chunkMode: "newline" }},"#
    );
    env.write_config(&feishu_file(sim.base_url(), &feishu, ""));
    let (mut gw, _) = run_ws_gateway(&env, &sim, &[]).await;
    let state = sim.state();
    seed_dm(state, APP, "oc_dm_chunks", "ou_reader");
    let text = "First paragraph, short.\n\nSecond one, also short.\n\nThird paragraph is here.";
    let m = say(state, APP, "oc_dm_chunks", "ou_reader", text);
    let replies = wait_replies(state, APP, "oc_dm_chunks", &m.message_id, 3).await;
    let texts: Vec<String> = replies.iter().map(text_of).collect();
    assert_eq!(
        texts,
        [
            "[bot] First paragraph, short.",
            "Second one, also short.",
            "Third paragraph is here."
        ],
        "{replies:#?}"
    );
    gw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn length_chunks_and_an_empty_prefix_turns_the_inherited_one_off() {
    let sim = sim().await;
    let env = TestEnv::new();
    let feishu = format!(
        r#"responsePrefix: "[channel]", renderMode: "raw", textChunkLimit: 20,
           accounts: {{ main: {{ appId: "{APP}", appSecret: "{SECRET}", responsePrefix: "" }} }},"#
    );
    env.write_config(&feishu_file(sim.base_url(), &feishu, ""));
    let (mut gw, _) = run_ws_gateway(&env, &sim, &[]).await;
    let state = sim.state();
    seed_dm(state, APP, "oc_dm_length", "ou_reader");
    let m = say(
        state,
        APP,
        "oc_dm_length",
        "ou_reader",
        "one two three four five six seven",
    );
    let replies = wait_replies(state, APP, "oc_dm_length", &m.message_id, 2).await;
    let texts: Vec<String> = replies.iter().map(text_of).collect();
    assert_eq!(
        texts,
        ["one two three four", "five six seven"],
        "{replies:#?}"
    );
    gw.stop().await;
}

/// A gateway on the scripted model, `extra` in `channels.feishu` and `top` at the top level.
struct ModelRun {
    sim: lark_sim::Sim,
    model: ScriptedModel,
    gw: Gateway,
    addr: String,
    env: TestEnv,
}

async fn run_on_model(extra: &str, top: &str) -> ModelRun {
    let sim = sim().await;
    let model = scripted_model(MODEL_KEY).await;
    let env = TestEnv::new();
    env.write_config(&format!(
        r#"{{
  gateway: {{ port: {port} }},
  {top}
  models: {{ providers: {{ local: {{ baseUrl: "{base}", apiKey: "{MODEL_KEY}", api: "openai-completions",
                                   models: [{{ id: "qwen3" }}] }} }} }},
  agents: {{ defaults: {{ model: "local/qwen3", workspace: "{ws}" }} }},
  channels: {{ feishu: {{ appId: "{APP}", appSecret: "{SECRET}", domain: "{sim_url}",
                          streaming: {{ mode: "off" }}, {extra} }} }},
}}
"#,
        port = free_port(),
        base = model.base_url,
        ws = s(&path_in(&env, "workspace")),
        sim_url = sim.base_url(),
    ));
    let (gw, addr) = run_ws_gateway(&env, &sim, &[]).await;
    ModelRun {
        sim,
        model,
        gw,
        addr,
        env,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dms_settings_and_dm_scope_main_share_one_session() {
    let mut run = run_on_model(
        r#"dmPolicy: "open", allowFrom: ["*"], responsePrefix: "[{model}]",
           dms: { ou_pirate: { systemPrompt: "Answer as a pirate." }, ou_muted: { enabled: false } },"#,
        r#"session: { dmScope: "main" },"#,
    )
    .await;
    let (sim, state) = (&run.sim, run.sim.state());
    // A disabled DM sender is not answered (the refusal is counted).
    seed_dm(state, APP, "oc_dm_muted", "ou_muted");
    say(state, APP, "oc_dm_muted", "ou_muted", "anyone there?");
    wait_metric(&run.addr, "reason=\"dm sender disabled in dms\"} 1").await;
    assert!(bot_messages(state, APP, "oc_dm_muted").is_empty());
    let first = dm_from(
        sim,
        APP,
        "oc_dm_pirate",
        "ou_pirate",
        "remember the word teal",
    )
    .await;
    assert!(first.starts_with("[qwen3] qwen3 heard"), "{first}");
    let system = run.model.requests()[0]["messages"][0].to_string();
    assert!(system.contains("Answer as a pirate."), "{system}");
    // dmScope main: another sender's DM continues the same session.
    dm_from(sim, APP, "oc_dm_other", "ou_other", "what was the word?").await;
    let second = run.model.requests()[1]["messages"].to_string();
    assert!(
        second.contains("remember the word teal") && !second.contains("Answer as a pirate."),
        "{second}"
    );
    run.gw.stop().await;
    // The file's model key reached the model and no log.
    assert!(!run.gw.stderr().contains(MODEL_KEY) && !run.env.logs().contains(MODEL_KEY));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dm_sessions_stay_apart_by_default() {
    let mut run = run_on_model(r#"dmPolicy: "open", allowFrom: ["*"],"#, "").await;
    dm_from(&run.sim, APP, "oc_dm_a", "ou_a", "remember the word teal").await;
    dm_from(&run.sim, APP, "oc_dm_b", "ou_b", "what was the word?").await;
    let second = run.model.requests()[1]["messages"].to_string();
    assert!(!second.contains("teal"), "{second}");
    run.gw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_sender_allow_from_and_no_sender_name_look_ups() {
    let mut run = run_on_model(
        r#"groupPolicy: "open", requireMention: false, groupSenderAllowFrom: ["ou_lead"],
           resolveSenderNames: false,"#,
        "",
    )
    .await;
    let state = run.sim.state();
    state
        .seed_chat(
            APP,
            lark_sim::SeedChat {
                chat_id: Some("oc_team".into()),
                name: "team".into(),
                chat_mode: ChatMode::Group,
                members: vec![
                    Person::new("ou_lead", "Ada Lovelace"),
                    Person::new("ou_member", "Bob"),
                ],
                description: String::new(),
                owner: None,
            },
        )
        .unwrap();
    let send = |user: &str, name: &str, text: &str| {
        state
            .user_sends(
                APP,
                UserMessage::text("oc_team", Person::new(user, name), text),
            )
            .unwrap()
    };
    let member = send("ou_member", "Bob", "member speaking");
    let lead = send("ou_lead", "Ada Lovelace", "lead speaking");
    // One chat runs in order: once the lead is answered, the member's message was judged.
    let answer = text_of(&wait_replies(state, APP, "oc_team", &lead.message_id, 1).await[0]);
    assert!(replies_to(state, APP, "oc_team", &member.message_id).is_empty());
    assert!(
        answer.contains("sender=ou_lead") && !answer.contains("Ada Lovelace"),
        "{answer}"
    );
    let contact: Vec<_> = state
        .calls(APP)
        .into_iter()
        .filter(|c| c.path.contains("/contact/"))
        .collect();
    assert!(contact.is_empty(), "{contact:?}");
    run.gw.stop().await;
}
