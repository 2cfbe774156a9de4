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

/// The panel's workspace answer holds the wiki's trees, the calendar's events, the tasks and
/// each document's comment count, as the bot made them over the REST API.
#[tokio::test]
async fn the_workspace_panel_shows_wiki_calendar_tasks_and_comments() {
    let (sim, http) = sim().await;
    let base = sim.base_url().to_owned();
    let token: Value = http
        .post(format!(
            "{base}/open-apis/auth/v3/tenant_access_token/internal"
        ))
        .json(&json!({"app_id": APP, "app_secret": "secret"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let bearer = format!("Bearer {}", token["tenant_access_token"].as_str().unwrap());
    let call = |method: reqwest::Method, path: String, body: Value| {
        let (http, bearer) = (http.clone(), bearer.clone());
        async move {
            let r: Value = http
                .request(method, path)
                .header("Authorization", bearer)
                .json(&body)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert_eq!(r["code"], 0, "{r}");
            r["data"].clone()
        }
    };
    let space = sim.state().seed_wiki_space(APP, "Team space").unwrap();
    let node = call(
        reqwest::Method::POST,
        format!("{base}/open-apis/wiki/v2/spaces/{space}/nodes"),
        json!({"obj_type": "docx", "node_type": "origin", "title": "Runbook"}),
    )
    .await;
    let doc = node["node"]["obj_token"].as_str().unwrap().to_owned();
    sim.state()
        .user_comments(
            APP,
            serde_json::from_value(
                json!({"file_token": doc, "user": {"open_id": "ou_alice"}, "text": "typo"}),
            )
            .unwrap(),
        )
        .unwrap();
    let cal = call(
        reqwest::Method::POST,
        format!("{base}/open-apis/calendar/v4/calendars/primary"),
        json!({}),
    )
    .await;
    let cal_id = cal["calendars"][0]["calendar"]["calendar_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let t = json!({"timestamp": "1796436000", "timezone": "UTC"});
    let t2 = json!({"timestamp": "1796439600", "timezone": "UTC"});
    call(
        reqwest::Method::POST,
        format!("{base}/open-apis/calendar/v4/calendars/{cal_id}/events"),
        json!({"summary": "Standup", "start_time": t, "end_time": t2}),
    )
    .await;
    call(
        reqwest::Method::POST,
        format!("{base}/open-apis/task/v2/tasks"),
        json!({"summary": "Fix typo"}),
    )
    .await;

    let w: Value = http
        .get(format!("{base}/_sim/page/apps/{APP}/workspace"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(w["wiki"][0]["name"], "Team space");
    assert_eq!(w["wiki"][0]["nodes"][0]["title"], "Runbook");
    assert_eq!(w["events"][0]["summary"], "Standup");
    assert_eq!(w["tasks"][0]["summary"], "Fix typo");
    let item = w["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["token"] == doc.as_str())
        .unwrap();
    assert_eq!(item["comments"], 1);
    let panel = http
        .get(format!("{base}/web/panel.js"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        panel.contains("<h3>Wiki</h3>") && panel.contains("/comments`"),
        "the panel renders them"
    );
}
