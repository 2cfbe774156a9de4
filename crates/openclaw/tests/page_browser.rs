//! lark-sim's chat page in a real headless Chromium, against `openclaw gateway run --sim` run as
//! a user runs it: the printed URL opens a page where Alice chats with the bot and sees its echo,
//! @-mentions it in a group, uploads an image that reaches the bot, replies in a thread, clicks a
//! card button and sees the updated card, watches a streaming card grow and opens a document the
//! bot wrote. A second run reacts from the emoji picker, replies quoting a message, sends markdown
//! as a post, creates a topic group from the New chat form and switches to dark mode. Screenshots
//! of the main views go to `docs/screenshots/` (the README shows them).
//! Skipped, saying so, only when Chromium is missing (`scripts/test` installs it).

mod browser;

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use browser::{Browser, WAIT};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const APP: &str = "cli_a1b2c3d4e5f60718";
const SECRET: &str = "sim-secret";
const TEAM: &str = "oc_sim_team";

/// A 2×2 PNG (red, green, blue, white).
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x08, 0x02, 0x00, 0x00, 0x00, 0xfd, 0xd4, 0x9a,
    0x73, 0x00, 0x00, 0x00, 0x16, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xc0,
    0xf0, 0x1f, 0x08, 0x19, 0x18, 0xfe, 0xff, 0xff, 0x0f, 0x00, 0x2f, 0xec, 0x05, 0xfc, 0xa9, 0x3e,
    0x22, 0x0d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

fn screenshots() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots")
}

/// `openclaw gateway run --sim` in a tempdir home; returns it and the page URL it printed.
async fn gateway(dir: &std::path::Path) -> (Child, String) {
    for sub in ["home", "state", "logs"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_openclaw"))
        .args(["gateway", "run", "--sim", "--port", "0"])
        .env("HOME", dir.join("home"))
        .env("OPENCLAW_STATE_DIR", dir.join("state"))
        .env("OPENCLAW_LOG_DIR", dir.join("logs"))
        .env("NO_PROXY", "*")
        .env_remove("RUST_LOG")
        .env_remove("OPENCLAW_CONFIG_PATH")
        .env_remove("LARK_APP_ID")
        .env_remove("LARK_APP_SECRET")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("openclaw starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let url = tokio::time::timeout(WAIT, async {
        while let Ok(Some(line)) = lines.next_line().await {
            if let Some(rest) = line.strip_prefix("Open ") {
                let url = rest.split_whitespace().next().unwrap_or_default();
                assert!(
                    line.ends_with("to chat with the bot"),
                    "unexpected line {line:?}"
                );
                return url.trim_end_matches('/').to_owned();
            }
        }
        panic!("the gateway never printed the page URL");
    })
    .await
    .expect("the page URL within the wait");
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, url)
}

/// The gateway with the bot connected, and Chromium on its page with the seeded DM open.
async fn open_page(exe: &str, dir: &std::path::Path) -> (Child, String, Browser) {
    lark::install_crypto_provider();
    let (gw, base) = gateway(dir).await;
    wait_sim("the bot's long connection", async || {
        (sim_get(&base, "/connections").await["count"].as_u64() > Some(0)).then_some(())
    })
    .await;
    let b = Browser::launch(exe, 1280, 800).await;
    b.goto(&format!("{base}/")).await;
    b.wait_for(
        "the seeded chats",
        "document.querySelector('[data-chat=oc_sim_dm_alice]') && document.querySelector('[data-chat=oc_sim_team]')",
    )
    .await;
    b.wait_for(
        "the DM with Alice open",
        "document.getElementById('chat-title').textContent === 'Alice'",
    )
    .await;
    (gw, base, b)
}

/// Acting as the bot over REST with the sim app's credentials, as a bot on a tenant would.
struct Bot {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Bot {
    async fn new(base: &str) -> Bot {
        let http = reqwest::Client::builder().no_proxy().build().unwrap();
        let r: Value = http
            .post(format!(
                "{base}/open-apis/auth/v3/tenant_access_token/internal"
            ))
            .json(&json!({ "app_id": APP, "app_secret": SECRET }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = r["tenant_access_token"].as_str().expect("token").to_owned();
        Bot {
            http,
            base: base.to_owned(),
            token,
        }
    }

    async fn call(&self, method: &str, path: &str, body: Value) -> Value {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let r: Value = self
            .http
            .request(method, format!("{}/open-apis{path}", self.base))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(r["code"], 0, "{path}: {r}");
        r["data"].clone()
    }

    async fn send_card(&self, chat: &str, content: Value) -> String {
        let d = self
            .call(
                "POST",
                "/im/v1/messages?receive_id_type=chat_id",
                json!({ "receive_id": chat, "msg_type": "interactive", "content": content.to_string() }),
            )
            .await;
        d["message_id"].as_str().unwrap().to_owned()
    }
}

/// The lark-sim control API.
async fn sim_get(base: &str, path: &str) -> Value {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(format!("{base}/_sim/apps/{APP}{path}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Waits until `f` finds something in lark-sim's records.
async fn wait_sim<T>(what: &str, mut f: impl AsyncFnMut() -> Option<T>) -> T {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        if let Some(v) = f().await {
            return v;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "lark-sim never recorded {what} within {WAIT:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn js_str(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

/// A JS expression: does a message in `list` from the bot (or from me) contain `text`?
fn message_with(list: &str, mine: bool, text: &str) -> String {
    let who = if mine { ".mine" } else { ":not(.mine)" };
    format!(
        "[...document.querySelectorAll('#{list} li.msg{who}')].find(li => li.querySelector('.bubble').innerText.includes({}))?.dataset.id",
        js_str(text)
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chat_page_talks_to_the_bot_in_a_real_browser() {
    let Some(exe) = browser::chromium() else {
        eprintln!(
            "SKIPPED the_chat_page_talks_to_the_bot_in_a_real_browser: no Chromium at /usr/bin/chromium (scripts/browser-setup installs it)"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (mut gw, base, b) = open_page(&exe, dir.path()).await;
    let shots = screenshots();

    // A first visit: the seeded DM and group, a hint, the DM open.
    assert!(
        b.eval("document.getElementById('hint').innerText")
            .await
            .as_str()
            .unwrap()
            .contains("chat with the bot")
    );

    // Alice types a message; the bot's echo appears live.
    b.click("#input").await;
    b.type_text("hello from the browser").await;
    b.press("Enter").await;
    b.wait_for(
        "Alice's message",
        &message_with("messages", true, "hello from the browser"),
    )
    .await;
    b.wait_for(
        "the bot's echo",
        &message_with("messages", false, "hello from the browser"),
    )
    .await;
    b.screenshot(&shots.join("chat.png")).await;

    // In the group, Alice @-mentions the bot through the completion list.
    b.click("[data-chat=oc_sim_team]").await;
    b.wait_for(
        "the group open",
        "document.getElementById('chat-title').textContent === 'Team'",
    )
    .await;
    b.click("#input").await;
    b.type_text("@open").await;
    b.wait_for(
        "the mention completion",
        "!document.getElementById('mention-list').hidden && document.getElementById('mention-list').innerText.includes('@openclaw')",
    )
    .await;
    b.press("Enter").await;
    b.type_text("status please").await;
    b.press("Enter").await;
    let asked = b
        .wait_for(
            "Alice's mention",
            &message_with("messages", true, "@openclaw status please"),
        )
        .await;
    let asked = asked.as_str().unwrap().to_owned();
    b.wait_for(
        "the bot's answer in the group",
        &message_with("messages", false, "status please"),
    )
    .await;
    let team = sim_get(&base, &format!("/chats/{TEAM}/messages")).await;
    let sent = team["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["message_id"] == asked.as_str())
        .expect("the mention in lark-sim");
    assert_eq!(sent["mentions"][0]["name"], "openclaw", "{sent}");
    assert_eq!(sent["content"]["text"], "@_user_1 status please", "{sent}");

    // Alice uploads an image: it arrives at the bot as an image message.
    let png = dir.path().join("diagram.png");
    std::fs::write(&png, PNG).unwrap();
    b.choose_file("#upload", &png).await;
    b.wait_for(
        "the uploaded image shown",
        "[...document.querySelectorAll('#messages li.msg.mine[data-type=image] img.thumb')].some(i => i.complete && i.naturalWidth === 2)",
    )
    .await;
    let image_key = wait_sim("the image event acknowledged by the bot", async || {
        let d = sim_get(&base, "/deliveries").await;
        d["items"].as_array()?.iter().find_map(|e| {
            let msg = &e["body"]["event"]["message"];
            (msg["message_type"] == "image" && e["status"] == "acked").then(|| {
                let c: Value = serde_json::from_str(msg["content"].as_str()?).ok()?;
                c["image_key"].as_str().map(str::to_owned)
            })?
        })
    })
    .await;
    assert!(image_key.starts_with("img_"), "{image_key}");

    // A thread on the mention: Alice replies in it (mentioning the bot, as a group needs); the
    // bot's echo lands in the thread.
    let row = format!("#messages li.msg[data-id='{asked}']");
    b.hover(&row).await;
    b.click(&format!("{row} [data-do=thread]")).await;
    b.wait_for(
        "the thread open",
        "!document.getElementById('thread').hidden",
    )
    .await;
    b.click("#input").await;
    b.type_text("@open").await;
    b.wait_for(
        "the mention completion in the thread",
        "!document.getElementById('mention-list').hidden",
    )
    .await;
    b.press("Enter").await;
    b.type_text("more detail in the thread").await;
    b.press("Enter").await;
    b.wait_for(
        "Alice's reply in the thread",
        &message_with("thread-messages", true, "more detail in the thread"),
    )
    .await;
    b.wait_for(
        "the bot's echo in the thread",
        &message_with("thread-messages", false, "more detail in the thread"),
    )
    .await;
    b.screenshot(&shots.join("thread.png")).await;
    b.click("#close-thread").await;

    // The bot sends a card; Alice clicks its button; the bot updates the card.
    let bot = Bot::new(&base).await;
    let card = |title: &str, body: &str, buttons: bool| {
        let mut elements = vec![json!({ "tag": "markdown", "content": body })];
        if buttons {
            elements.push(json!({ "tag": "action", "actions": [
                { "tag": "button", "text": { "tag": "plain_text", "content": "Approve" }, "type": "primary", "value": { "choice": "approve" } },
                { "tag": "button", "text": { "tag": "plain_text", "content": "Reject" }, "type": "danger", "value": { "choice": "reject" } },
            ]}));
        }
        json!({ "header": { "title": { "tag": "plain_text", "content": title }, "template": "blue" }, "elements": elements })
    };
    let card_msg = bot
        .send_card(
            TEAM,
            card(
                "Deploy to production?",
                "**3 commits** ready: see [the diff](https://example.com/diff)",
                true,
            ),
        )
        .await;
    let card_row = format!("#messages li.msg[data-id='{card_msg}']");
    b.click(&format!("{card_row} button.primary")).await;
    let clicker = wait_sim("the card click delivered to the bot", async || {
        let d = sim_get(&base, "/deliveries").await;
        d["items"].as_array()?.iter().find_map(|e| {
            let ev = &e["body"]["event"];
            (e["event_type"] == "card.action.trigger"
                && ev["action"]["value"]["choice"] == "approve"
                && ev["context"]["open_message_id"] == card_msg.as_str())
            .then(|| ev["operator"]["open_id"].as_str().map(str::to_owned))?
        })
    })
    .await;
    assert_eq!(clicker, "ou_sim_alice");
    bot.call(
        "PATCH",
        &format!("/im/v1/messages/{card_msg}"),
        json!({ "content": card("Deployed", "Approved by **Alice**: deploying now", false).to_string() }),
    )
    .await;
    b.wait_for(
        "the updated card",
        &format!(
            "document.querySelector(\"{card_row} .card\")?.innerText.includes('Approved by Alice')"
        ),
    )
    .await;
    b.screenshot(&shots.join("card.png")).await;

    // A CardKit card streams its answer: the page shows it growing.
    let streaming = json!({
        "schema": "2.0",
        "config": { "streaming_mode": true },
        "header": { "title": { "tag": "plain_text", "content": "Thinking" }, "template": "indigo" },
        "body": { "elements": [{ "tag": "markdown", "element_id": "answer", "content": "" }] },
    });
    let created = bot
        .call(
            "POST",
            "/cardkit/v1/cards",
            json!({ "type": "card_json", "data": streaming.to_string() }),
        )
        .await;
    let card_id = created["card_id"].as_str().unwrap().to_owned();
    let stream_msg = bot
        .send_card(
            TEAM,
            json!({ "type": "card", "data": { "card_id": card_id } }),
        )
        .await;
    let answer = format!(
        "document.querySelector(\"#messages li.msg[data-id='{stream_msg}'] [data-element=answer]\")?.innerText"
    );
    let parts = [
        "The deploy",
        "The deploy finished",
        "The deploy finished: all 3 services are healthy.",
    ];
    let mut seen = Vec::new();
    for (i, text) in parts.iter().enumerate() {
        bot.call(
            "PUT",
            &format!("/cardkit/v1/cards/{card_id}/elements/answer/content"),
            json!({ "content": text, "sequence": i + 1 }),
        )
        .await;
        let shown = b
            .wait_for(
                &format!("the streamed text {text:?}"),
                &format!("({answer} || '').trim() === {} && {answer}", js_str(text)),
            )
            .await;
        seen.push(shown.as_str().unwrap().trim().len());
    }
    assert!(
        seen.windows(2).all(|w| w[0] < w[1]),
        "the card grew: {seen:?}"
    );

    // The bot writes a document with a table and shares it; the panel renders it.
    let doc = bot
        .call(
            "POST",
            "/docx/v1/documents",
            json!({ "title": "Launch plan" }),
        )
        .await;
    let doc_id = doc["document"]["document_id"].as_str().unwrap().to_owned();
    let text = |t: &str| json!({ "elements": [{ "text_run": { "content": t } }] });
    let kids = bot
        .call(
            "POST",
            &format!("/docx/v1/documents/{doc_id}/blocks/{doc_id}/children"),
            json!({ "children": [
                { "block_type": 3, "heading1": text("Launch plan") },
                { "block_type": 2, "text": text("Who does what, by when.") },
                { "block_type": 31, "table": { "property": { "row_size": 2, "column_size": 2 } } },
            ]}),
        )
        .await;
    let cells: Vec<String> = kids["children"][2]["table"]["cells"]
        .as_array()
        .expect("table cells")
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    for (cell, t) in cells
        .iter()
        .zip(["Task", "Owner", "Write the release notes", "Bob"])
    {
        bot.call(
            "POST",
            &format!("/docx/v1/documents/{doc_id}/blocks/{cell}/children"),
            json!({ "children": [{ "block_type": 2, "text": text(t) }] }),
        )
        .await;
    }
    bot.call(
        "POST",
        &format!("/drive/v1/permissions/{doc_id}/members?type=docx"),
        json!({ "member_type": "openid", "member_id": "ou_sim_alice", "perm": "edit" }),
    )
    .await;
    b.click("#toggle-panel").await;
    b.click(&format!("[data-open='{doc_id}']")).await;
    b.wait_for(
        "the document's table",
        "[...document.querySelectorAll('#panel table.doc-table td')].map(td => td.innerText.trim()).join('|') === 'Task|Owner|Write the release notes|Bob'",
    )
    .await;
    b.wait_for(
        "the document's members",
        "document.getElementById('panel-body').innerText.includes('ou_sim_alice')",
    )
    .await;
    b.screenshot(&shots.join("document.png")).await;

    // A job made with the CLI (on the same store) shows in the inspector with its schedule.
    let added = Command::new(env!("CARGO_BIN_EXE_openclaw"))
        .args(["cron", "add", "--name", "weekly-report", "--every", "1h"])
        .args([
            "--to",
            "user:ou_sim_alice",
            "--message",
            "the week's open issues",
        ])
        .env("HOME", dir.path().join("home"))
        .env("OPENCLAW_STATE_DIR", dir.path().join("state"))
        .env_remove("OPENCLAW_CONFIG_PATH")
        .output()
        .await
        .expect("openclaw cron add runs");
    assert!(added.status.success(), "cron add: {added:?}");

    // The inspector: the gateway's jobs, events with their ACKs, the bot's calls.
    b.click("[data-tab=inspector]").await;
    b.wait_for(
        "events and calls in the inspector",
        "document.querySelector('#deliveries')?.innerText.includes('card.action.trigger') && document.querySelector('#calls')?.innerText.includes('/open-apis/docx/v1/documents')",
    )
    .await;
    b.wait_for(
        "the job in the inspector",
        "document.querySelector('#jobs')?.innerText.includes('weekly-report') && document.querySelector('#jobs')?.innerText.includes('every 1h')",
    )
    .await;
    b.screenshot(&shots.join("inspector.png")).await;

    let errors = b.errors();
    assert!(errors.is_empty(), "the page logged errors: {errors:#?}");
    b.close().await;
    let _ = gw.start_kill();
    let _ = gw.wait().await;
}

/// lark-sim's record of message `id` in `chat` (the control API's view), once it exists.
async fn sim_message(base: &str, chat: &str, id: &str) -> Option<Value> {
    let list = sim_get(base, &format!("/chats/{chat}/messages")).await;
    list["items"]
        .as_array()?
        .iter()
        .find(|m| m["message_id"] == id)
        .cloned()
}

/// A JS expression: the computed background colour of the page.
const BACKGROUND: &str = "getComputedStyle(document.body).backgroundColor";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chat_page_reacts_replies_posts_markdown_opens_topics_and_goes_dark() {
    let Some(exe) = browser::chromium() else {
        eprintln!(
            "SKIPPED the_chat_page_reacts_replies_posts_markdown_opens_topics_and_goes_dark: no Chromium at /usr/bin/chromium (scripts/browser-setup installs it)"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (mut gw, base, b) = open_page(&exe, dir.path()).await;
    const DM: &str = "oc_sim_dm_alice";

    b.click("#input").await;
    b.type_text("ship it today").await;
    b.press("Enter").await;
    let mine = b
        .wait_for(
            "Alice's message",
            &message_with("messages", true, "ship it today"),
        )
        .await;
    let mine = mine.as_str().unwrap().to_owned();
    let echo = b
        .wait_for(
            "the bot's echo",
            &message_with("messages", false, "ship it today"),
        )
        .await;
    let echo = echo.as_str().unwrap().to_owned();

    // 1. Alice reacts to the bot's echo with 👍 from the picker: lark-sim records it, the bot
    // gets (and acknowledges) the reaction event, and the message shows the reaction.
    let echo_row = format!("#messages li.msg[data-id='{echo}']");
    b.hover(&echo_row).await;
    b.click(&format!("{echo_row} [data-do=react]")).await;
    b.wait_for(
        "the emoji picker",
        "!document.getElementById('emoji-picker').hidden",
    )
    .await;
    b.click("#emoji-picker [data-emoji=THUMBSUP]").await;
    let reaction = wait_sim("Alice's 👍 on the echo", async || {
        let m = sim_message(&base, DM, &echo).await?;
        m["reactions"]
            .as_array()?
            .iter()
            .find(|r| r["emoji_type"] == "THUMBSUP")
            .cloned()
    })
    .await;
    assert_eq!(reaction["operator_id"], "ou_sim_alice", "{reaction}");
    wait_sim("the reaction event acknowledged by the bot", async || {
        let d = sim_get(&base, "/deliveries").await;
        d["items"].as_array()?.iter().find(|e| {
            e["event_type"] == "im.message.reaction.created_v1"
                && e["body"]["event"]["message_id"] == echo.as_str()
                && e["body"]["event"]["reaction_type"]["emoji_type"] == "THUMBSUP"
                && e["status"] == "acked"
        })?;
        Some(())
    })
    .await;
    b.wait_for(
        "the 👍 under the echo",
        &format!(
            "(() => {{ const c = document.querySelector(\"{echo_row} .reactions button[data-react=THUMBSUP]\");
               return c && c.classList.contains('mine') && c.innerText.trim() === '👍 1'; }})()"
        ),
    )
    .await;
    assert!(
        b.eval("document.getElementById('emoji-picker').hidden")
            .await
            .as_bool()
            .unwrap(),
        "the picker closes after a pick"
    );

    // 2. Alice replies to her own message: the reply records its parent and quotes it.
    let mine_row = format!("#messages li.msg[data-id='{mine}']");
    b.hover(&mine_row).await;
    b.click(&format!("{mine_row} [data-do=reply]")).await;
    b.wait_for(
        "the reply context",
        "!document.getElementById('context').hidden && document.getElementById('context-text').textContent === 'Replying to Alice'",
    )
    .await;
    b.type_text("and the docs too").await;
    b.press("Enter").await;
    let reply = b
        .wait_for(
            "Alice's reply",
            &message_with("messages", true, "and the docs too"),
        )
        .await;
    let reply = reply.as_str().unwrap().to_owned();
    let record = wait_sim("the reply", async || sim_message(&base, DM, &reply).await).await;
    assert_eq!(record["parent_id"], mine.as_str(), "{record}");
    let quote = b
        .wait_for(
            "the quoted parent on the reply",
            &format!("document.querySelector(\"#messages li.msg[data-id='{reply}'] .bubble .quote\")?.innerText"),
        )
        .await;
    let quote = quote.as_str().unwrap();
    assert!(
        quote.starts_with("Alice:") && quote.contains("ship it today"),
        "{quote:?}"
    );
    assert!(
        b.eval("document.getElementById('context').hidden")
            .await
            .as_bool()
            .unwrap(),
        "the reply context clears after sending"
    );

    // 3. Markdown ticked: `**bold**` and a link go as a post and render as bold and a link.
    b.click("#markdown").await;
    b.click("#input").await;
    b.type_text("**bold** and a [link](https://example.com)")
        .await;
    b.press("Enter").await;
    let post = b
        .wait_for(
            "Alice's post",
            &message_with("messages", true, "bold and a link"),
        )
        .await;
    let post = post.as_str().unwrap().to_owned();
    let record = wait_sim("the post", async || sim_message(&base, DM, &post).await).await;
    assert_eq!(record["msg_type"], "post", "{record}");
    let para = &record["content"]["zh_cn"]["content"][0];
    assert_eq!(para[0]["text"], "bold", "{record}");
    assert_eq!(para[0]["style"], json!(["bold"]), "{record}");
    assert_eq!(para[2]["tag"], "a", "{record}");
    assert_eq!(para[2]["href"], "https://example.com", "{record}");
    let post_row = format!("#messages li.msg[data-id='{post}']");
    b.wait_for(
        "the post rendered with bold and a link",
        &format!(
            "(() => {{ const b = document.querySelector(\"{post_row} .bubble b\");
               const a = document.querySelector(\"{post_row} .bubble a[href='https://example.com']\");
               return b && b.innerText === 'bold' && a && a.innerText === 'link'
                 && getComputedStyle(b).fontWeight >= 600; }})()"
        ),
    )
    .await;
    b.click("#markdown").await;
    b.wait_for(
        "Markdown unticked",
        "!document.getElementById('markdown').checked",
    )
    .await;

    // 4. A topic group from the New chat form: Alice posts (mentioning the bot); the post
    // opens a topic and the bot's echo lands in the topic's thread, not as a new topic.
    b.click("#new-chat-box summary").await;
    b.click("#new-chat input[name=name]").await;
    b.type_text("Launch topics").await;
    b.press("Tab").await;
    b.press("ArrowDown").await;
    b.wait_for(
        "the mode set to Topic group",
        "document.querySelector('#new-chat select[name=mode]').value === 'topic'",
    )
    .await;
    b.press("Tab").await;
    b.type_text("Bob").await;
    b.click("#new-chat button[type=submit]").await;
    b.wait_for(
        "the topic group open",
        "document.getElementById('chat-title').textContent === 'Launch topics'",
    )
    .await;
    let topic_chat = b
        .wait_for(
            "the topic group in the chat list",
            "(() => { const c = document.querySelector('#chats button[aria-current=true]');
               return c && c.querySelector('.kind').textContent === 'Topics' && c.dataset.chat; })()",
        )
        .await;
    let topic_chat = topic_chat.as_str().unwrap().to_owned();
    b.click("#input").await;
    b.type_text("@open").await;
    b.wait_for(
        "the mention completion in the topic group",
        "!document.getElementById('mention-list').hidden && document.getElementById('mention-list').innerText.includes('@openclaw')",
    )
    .await;
    b.press("Enter").await;
    b.type_text("first topic").await;
    b.press("Enter").await;
    let topic = b
        .wait_for(
            "Alice's topic",
            &message_with("messages", true, "first topic"),
        )
        .await;
    let topic = topic.as_str().unwrap().to_owned();
    let record = wait_sim("the topic", async || {
        sim_message(&base, &topic_chat, &topic).await
    })
    .await;
    let thread = record["thread_id"]
        .as_str()
        .expect("a topic has a thread")
        .to_owned();
    // lark-sim gives a top-level message a thread only in a topic group.
    assert!(record["root_id"].is_null(), "{record}");
    let answer = wait_sim("the bot's echo in the topic group", async || {
        let list = sim_get(&base, &format!("/chats/{topic_chat}/messages")).await;
        list["items"]
            .as_array()?
            .iter()
            .find(|m| {
                m["sender"]["sender_type"] == "app"
                    && m["content"].to_string().contains("first topic")
            })
            .cloned()
    })
    .await;
    assert_eq!(answer["root_id"], topic.as_str(), "{answer}");
    assert_eq!(answer["thread_id"], thread.as_str(), "{answer}");
    let topic_row = format!("#messages li.msg[data-id='{topic}']");
    b.wait_for(
        "the topic's reply count",
        &format!("document.querySelector(\"{topic_row} .thread-link\")?.innerText === '1 reply'"),
    )
    .await;
    assert!(
        b.eval(&message_with("messages", false, "first topic"))
            .await
            .is_null(),
        "the bot's echo is not a topic of its own"
    );
    b.click(&format!("{topic_row} .thread-link")).await;
    b.wait_for(
        "the bot's echo in the topic's thread",
        &message_with("thread-messages", false, "first topic"),
    )
    .await;
    b.click("#close-thread").await;

    // 5. Dark mode follows the system setting: the background changes.
    b.click(&format!("[data-chat={DM}]")).await;
    b.wait_for(
        "the DM open again",
        "document.getElementById('chat-title').textContent === 'Alice'",
    )
    .await;
    b.wait_for(
        "the 👍 in the DM",
        &format!("document.querySelector(\"{echo_row} .reactions\")"),
    )
    .await;
    let light = b.eval(BACKGROUND).await;
    b.call(
        "Emulation.setEmulatedMedia",
        json!({ "features": [{ "name": "prefers-color-scheme", "value": "dark" }] }),
    )
    .await;
    b.wait_for(
        "the dark background",
        &format!("{BACKGROUND} === 'rgb(26, 26, 26)'"),
    )
    .await;
    assert_ne!(light, json!("rgb(26, 26, 26)"), "the light background");
    b.screenshot(&screenshots().join("chat-dark.png")).await;

    let errors = b.errors();
    assert!(errors.is_empty(), "the page logged errors: {errors:#?}");
    b.close().await;
    let _ = gw.start_kill();
    let _ = gw.wait().await;
}
