//! The chat page's server side without a browser: the page and its files are served from the
//! binary, the page routes answer, an upload becomes a resource the page can show, and the live
//! stream says "change" when a user sends a message. The page itself is tested in a real
//! browser by `crates/openclaw/tests/page_browser.rs`.

use std::time::Duration;

use futures::StreamExt;
use lark_sim::{AppSpec, Sim};
use serde_json::{Value, json};

const APP: &str = "cli_page0a1b2c3d4e5f6";
const WAIT: Duration = Duration::from_secs(10);

async fn sim() -> (Sim, reqwest::Client) {
    let sim = Sim::start("127.0.0.1:0", Default::default()).await.unwrap();
    sim.state().add_app(AppSpec::websocket(APP, "secret"));
    (sim, reqwest::Client::builder().no_proxy().build().unwrap())
}

#[tokio::test]
async fn the_page_and_its_files_are_served() {
    let (sim, http) = sim().await;
    for (path, kind, needle) in [
        ("/", "text/html", "<script src=\"/web/app.js\">"),
        ("/web/app.js", "text/javascript", "EventSource"),
        ("/web/render.js", "text/javascript", "const Render"),
        ("/web/panel.js", "text/javascript", "const Panel"),
        ("/web/style.css", "text/css", "prefers-color-scheme: dark"),
        ("/favicon.ico", "image/svg+xml", "<svg"),
    ] {
        let r = http
            .get(format!("{}{path}", sim.base_url()))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{path}");
        let ct = r.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(ct.starts_with(kind), "{path}: {ct}");
        assert!(r.text().await.unwrap().contains(needle), "{path}");
    }
}

#[tokio::test]
async fn chats_uploads_and_live_changes() {
    let (sim, http) = sim().await;
    let base = sim.base_url().to_owned();
    let page = format!("{base}/_sim/page/apps/{APP}");
    let post = |path: String, body: Value| {
        let http = http.clone();
        async move {
            let r = http.post(path).json(&body).send().await.unwrap();
            assert_eq!(r.status(), 200);
            r.json::<Value>().await.unwrap()
        }
    };
    post(
        format!("{base}/_sim/apps/{APP}/chats"),
        json!({"chat_id": "oc_team", "name": "Team", "chat_mode": "group",
               "members": [{"open_id": "ou_alice", "name": "Alice"}]}),
    )
    .await;

    // The live stream opens with one event, then one per burst of changes.
    let events = http
        .get(format!("{base}/_sim/page/events"))
        .send()
        .await
        .unwrap();
    assert!(
        events.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    let mut stream = events.bytes_stream();
    let first = tokio::time::timeout(WAIT, stream.next())
        .await
        .expect("a first event")
        .unwrap()
        .unwrap();
    assert!(String::from_utf8_lossy(&first).contains("event: change"));

    // An image from Alice: uploaded through the page, sent, shown back.
    let png = b"\x89PNG\r\n\x1a\nrest".to_vec();
    let up: Value = http
        .post(format!("{page}/uploads?kind=image&name=a.png"))
        .body(png.clone())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let key = up["key"].as_str().expect("a key").to_owned();
    assert!(key.starts_with("img_"), "{up}");
    post(
        format!("{base}/_sim/apps/{APP}/messages"),
        json!({"chat_id": "oc_team", "sender": {"open_id": "ou_alice", "name": "Alice"},
               "message_type": "image", "content": {"image_key": key}}),
    )
    .await;
    let next = tokio::time::timeout(WAIT, stream.next())
        .await
        .expect("a change after the message")
        .unwrap()
        .unwrap();
    assert!(String::from_utf8_lossy(&next).contains("event: change"));

    let img = http
        .get(format!("{page}/resources/{key}"))
        .send()
        .await
        .unwrap();
    assert_eq!(img.headers()["content-type"], "image/png");
    assert_eq!(img.bytes().await.unwrap().to_vec(), png);

    let chats: Value = http
        .get(format!("{page}/chats"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(chats["chats"][0]["name"], "Team", "{chats}");
    assert_eq!(chats["chats"][0]["count"], 1, "{chats}");
    assert_eq!(chats["chats"][0]["last"], "[Image]", "{chats}");
    assert_eq!(chats["chats"][0]["members"][0]["name"], "Alice", "{chats}");

    let msgs: Value = http
        .get(format!("{page}/chats/oc_team/messages"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(msgs["items"][0]["content"]["image_key"], key.as_str());
    assert_eq!(msgs["items"][0]["pinned"], false);

    let missing = http
        .get(format!("{base}/_sim/page/apps/cli_nope/chats"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}
