//! `openclaw message send` against lark-sim: the spec's `--to "oc_chat_id" --message "Hello from
//! OpenClaw!"` prints an `om_` id and the message is in the chat; `chat:` / `user:` / bare `ou_`
//! targets (a DM); `--markdown` (a post), `--card` (interactive), `--image` and `--file`
//! (uploaded, then sent); `--json`; `--account` picks the named bot, and a wrong name is a clear
//! error.

mod common;

use common::*;
use lark_sim::{AppSpec, ChatMode};
use serde_json::Value;

const GROUP: &str = "oc_e2e_team";
const USER: &str = "ou_e2e_dana";
const DM: &str = "oc_e2e_dm_dana";

/// A 1x1 PNG.
const PNG: [u8; 68] = [
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x04, 0x00, 0x00, 0x00, 0xb5, 0x1c, 0x0c,
    0x02, 0x00, 0x00, 0x00, 0x0b, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0x64, 0x60, 0x00, 0x00,
    0x00, 0x06, 0x00, 0x02, 0x30, 0x81, 0xd0, 0x2f, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44,
    0xae, 0x42, 0x60, 0x82,
];

async fn setup() -> (lark_sim::Sim, TestEnv) {
    let sim = sim().await;
    let state = sim.state();
    seed(state, APP, GROUP, ChatMode::Group, &[USER]);
    seed_dm(state, APP, DM, USER);
    let env = TestEnv::new();
    env.write_config(&config(sim.base_url(), "", ""));
    (sim, env)
}

/// The bot's message with this id in the chat.
fn find(sim: &lark_sim::Sim, app: &str, chat: &str, id: &str) -> Value {
    bot_messages(sim.state(), app, chat)
        .into_iter()
        .find(|m| m["message_id"] == id)
        .unwrap_or_else(|| {
            panic!(
                "{id} is not in {chat}: {:#?}",
                sim.state().chat_messages(app, chat)
            )
        })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_to_a_chat_as_the_spec_shows() {
    let (sim, env) = setup().await;
    let out = env
        .run(&[
            "message",
            "send",
            "--to",
            GROUP,
            "--message",
            "Hello from OpenClaw!",
        ])
        .await;
    let id = out.ok().trim().to_owned();
    assert!(id.starts_with("om_"), "{out:?}");
    let m = find(&sim, APP, GROUP, &id);
    assert_eq!(m["msg_type"], "text");
    assert_eq!(m["content"]["text"], "Hello from OpenClaw!");

    let out = env
        .run(&[
            "message",
            "send",
            "--to",
            &format!("chat:{GROUP}"),
            "-m",
            "prefixed",
        ])
        .await;
    let m = find(&sim, APP, GROUP, out.ok().trim());
    assert_eq!(m["content"]["text"], "prefixed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn to_a_user_lands_in_their_dm() {
    let (sim, env) = setup().await;
    for to in [USER.to_owned(), format!("user:{USER}")] {
        let out = env
            .run(&["message", "send", "--to", &to, "--message", "psst"])
            .await;
        let id = out.ok().trim().to_owned();
        let m = find(&sim, APP, DM, &id);
        assert_eq!(m["content"]["text"], "psst", "{to}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn markdown_card_image_and_file() {
    let (sim, env) = setup().await;
    let out = env
        .run(&[
            "message",
            "send",
            "--to",
            GROUP,
            "--markdown",
            "-m",
            "**Status:** all *good*",
        ])
        .await;
    let m = find(&sim, APP, GROUP, out.ok().trim());
    assert_eq!(m["msg_type"], "post", "{m:#}");
    assert!(text_of(&m).contains("good"), "{m:#}");

    let card = path_in(&env, "alert.json");
    std::fs::write(
        &card,
        r#"{"header": {"title": {"tag": "plain_text", "content": "Alert"}, "template": "red"},
            "elements": [{"tag": "div", "text": {"tag": "lark_md", "content": "**Status:** Error detected"}}]}"#,
    )
    .unwrap();
    let out = env
        .run(&["message", "send", "--to", GROUP, "--card", s(&card)])
        .await;
    let m = find(&sim, APP, GROUP, out.ok().trim());
    assert_eq!(m["msg_type"], "interactive", "{m:#}");
    assert!(text_of(&m).contains("Error detected"), "{m:#}");

    let png = path_in(&env, "dot.png");
    std::fs::write(&png, PNG).unwrap();
    let out = env
        .run(&["message", "send", "--to", GROUP, "--image", s(&png)])
        .await;
    let m = find(&sim, APP, GROUP, out.ok().trim());
    assert_eq!(m["msg_type"], "image", "{m:#}");
    assert!(
        m["content"]["image_key"]
            .as_str()
            .is_some_and(|k| k.starts_with("img_")),
        "{m:#}"
    );

    let doc = path_in(&env, "notes.txt");
    std::fs::write(&doc, "meeting notes\n").unwrap();
    let out = env
        .run(&["message", "send", "--to", GROUP, "--file", s(&doc)])
        .await;
    let m = find(&sim, APP, GROUP, out.ok().trim());
    assert_eq!(m["msg_type"], "file", "{m:#}");
    assert!(
        m["content"]["file_key"]
            .as_str()
            .is_some_and(|k| k.starts_with("file_")),
        "{m:#}"
    );

    // The uploads went through the upload APIs first.
    let paths: Vec<String> = sim
        .state()
        .calls(APP)
        .iter()
        .map(|c| c.path.clone())
        .collect();
    assert!(
        paths.iter().any(|p| p.contains("/im/v1/images")),
        "{paths:?}"
    );
    assert!(
        paths.iter().any(|p| p.contains("/im/v1/files")),
        "{paths:?}"
    );

    // A card file that is not JSON is a clear error, and nothing is sent.
    std::fs::write(&card, "{ nope").unwrap();
    let before = bot_messages(sim.state(), APP, GROUP).len();
    let out = env
        .run(&["message", "send", "--to", GROUP, "--card", s(&card)])
        .await;
    assert!(out.failed().contains("not JSON"), "{out:?}");
    assert_eq!(bot_messages(sim.state(), APP, GROUP).len(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_output_and_named_accounts() {
    const APP2: &str = "cli_e2esecond00002";
    const SECRET2: &str = "e2e-second-secret";
    let sim = sim().await;
    let state = sim.state();
    state.add_app(AppSpec::websocket(APP2, SECRET2));
    seed(state, APP, GROUP, ChatMode::Group, &[USER]);
    seed(state, APP2, GROUP, ChatMode::Group, &[USER]);
    let env = TestEnv::new();
    let lark = format!("accounts: {{ second: {{ appId: \"{APP2}\", appSecret: \"{SECRET2}\" }} }}");
    env.write_config(&config(sim.base_url(), &lark, ""));

    let out = env
        .run(&[
            "message",
            "send",
            "--to",
            GROUP,
            "-m",
            "as default",
            "--json",
        ])
        .await;
    let v: Value = serde_json::from_str(out.ok()).unwrap_or_else(|e| panic!("{e}: {out:?}"));
    assert_eq!(v["ok"], true);
    assert_eq!(v["account"], "default");
    assert_eq!(v["chatId"], GROUP);
    let id = v["messageId"].as_str().unwrap();
    assert!(id.starts_with("om_"));
    find(&sim, APP, GROUP, id);

    let out = env
        .run(&[
            "message",
            "send",
            "--to",
            GROUP,
            "-m",
            "as second",
            "--account",
            "second",
            "--json",
        ])
        .await;
    let v: Value = serde_json::from_str(out.ok()).unwrap();
    assert_eq!(v["account"], "second");
    let m = find(&sim, APP2, GROUP, v["messageId"].as_str().unwrap());
    assert_eq!(m["content"]["text"], "as second");
    assert!(
        bot_messages(state, APP, GROUP)
            .iter()
            .all(|m| m["content"]["text"] != "as second")
    );

    let out = env
        .run(&[
            "message",
            "send",
            "--to",
            GROUP,
            "-m",
            "x",
            "--account",
            "nosuch",
        ])
        .await;
    let text = out.failed();
    assert!(
        text.contains("nosuch") && text.contains("default") && text.contains("second"),
        "{text}"
    );
}
