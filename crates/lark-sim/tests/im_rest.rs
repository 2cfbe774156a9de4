//! The IM REST API as a client sees it: state stays consistent across endpoints, ids look like
//! the platform's, limits and malformed requests get the platform's answers.

mod support;

use lark_sim::{ChatMode, Person, SeedChat, UserMessage};
use reqwest::StatusCode;
use serde_json::{Value, json};
use support::*;

struct Api {
    base: String,
    token: String,
    http: reqwest::Client,
}

impl Api {
    async fn new(sim: &lark_sim::Sim) -> Api {
        Api {
            base: format!("{}/open-apis", sim.base_url()),
            token: token(sim).await,
            http: http(),
        }
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.call(reqwest::Method::GET, path, None).await
    }

    async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(reqwest::Method::POST, path, Some(body)).await
    }

    async fn send_text(&self, chat: &str, text: &str) -> Value {
        let (s, v) = self
            .post("/im/v1/messages?receive_id_type=chat_id", json!({"receive_id": chat, "msg_type": "text", "content": json!({"text": text}).to_string()}))
            .await;
        assert_eq!(s, 200, "{v}");
        v["data"].clone()
    }
}

fn seed(sim: &lark_sim::Sim, mode: ChatMode) -> String {
    sim.state()
        .seed_chat(
            APP_ID,
            SeedChat {
                name: "Team".into(),
                chat_mode: mode,
                members: (0..25)
                    .map(|i| Person::new(&format!("ou_member{i:02}"), &format!("Member {i}")))
                    .collect(),
                ..Default::default()
            },
        )
        .unwrap()
}

#[tokio::test]
async fn a_sent_message_is_visible_in_get_list_and_the_control_api() {
    let sim = sim().await;
    let api = Api::new(&sim).await;
    let chat = seed(&sim, ChatMode::Group);
    let sent = api
        .send_text(&chat, r#"hi <at user_id="ou_member01">Member 1</at>"#)
        .await;
    let id = sent["message_id"].as_str().unwrap();
    assert!(id.starts_with("om_"));
    assert_eq!(sent["sender"]["sender_type"], "app");
    assert_eq!(sent["body"]["content"], r#"{"text":"hi @_user_1"}"#);
    assert_eq!(sent["mentions"][0]["id"], "ou_member01");

    let (_, got) = api.get(&format!("/im/v1/messages/{id}")).await;
    assert_eq!(got["data"]["items"][0]["message_id"], id);
    let (_, list) = api
        .get(&format!(
            "/im/v1/messages?container_id_type=chat&container_id={chat}"
        ))
        .await;
    assert_eq!(list["data"]["items"].as_array().unwrap().len(), 1);

    let all = sim.state().chat_messages(APP_ID, &chat).unwrap();
    assert_eq!(all[0]["sender"]["sender_type"], "app");
    assert_eq!(all[0]["content"]["text"], "hi @_user_1");
}

#[tokio::test]
async fn every_receive_id_type_reaches_the_user_and_uuid_deduplicates() {
    let sim = sim().await;
    let api = Api::new(&sim).await;
    seed(&sim, ChatMode::Group);
    let mut chats = Vec::new();
    let user = sim.state().app(APP_ID).unwrap().im.lock().unwrap().users["ou_member03"].clone();
    for (ty, id) in [
        ("open_id", user.open_id.clone()),
        ("user_id", user.user_id.clone()),
        ("union_id", user.union_id.clone()),
        ("email", user.email.clone()),
    ] {
        let (s, v) = api
            .post(
                &format!("/im/v1/messages?receive_id_type={ty}"),
                json!({"receive_id": id, "msg_type": "text", "content": "{\"text\":\"x\"}"}),
            )
            .await;
        assert_eq!(s, 200, "{ty}: {v}");
        chats.push(v["data"]["chat_id"].as_str().unwrap().to_owned());
    }
    assert!(
        chats.iter().all(|c| c == &chats[0]),
        "one p2p chat per user: {chats:?}"
    );

    let body = json!({"receive_id": chats[0], "msg_type": "text", "content": "{\"text\":\"once\"}", "uuid": "u-1"});
    let (_, a) = api
        .post("/im/v1/messages?receive_id_type=chat_id", body.clone())
        .await;
    let (_, b) = api
        .post("/im/v1/messages?receive_id_type=chat_id", body)
        .await;
    assert_eq!(a["data"]["message_id"], b["data"]["message_id"]);
    let texts: Vec<_> = sim
        .state()
        .chat_messages(APP_ID, &chats[0])
        .unwrap()
        .into_iter()
        .filter(|m| m["content"]["text"] == "once")
        .collect();
    assert_eq!(texts.len(), 1, "the same uuid never sends twice");

    let (s, v) = api.post("/im/v1/messages?receive_id_type=email", json!({"receive_id": "nobody@nowhere", "msg_type": "text", "content": "{\"text\":\"x\"}"})).await;
    assert_eq!(s, 400);
    assert_ne!(v["code"], 0);
}

#[tokio::test]
async fn reply_in_thread_creates_a_thread_listed_by_container_thread() {
    let sim = sim().await;
    let api = Api::new(&sim).await;
    let chat = seed(&sim, ChatMode::Group);
    let user = sim
        .state()
        .user_sends(
            APP_ID,
            UserMessage::text(&chat, Person::new("ou_member01", "Member 1"), "question"),
        )
        .unwrap();
    let (s, r) = api
        .post(&format!("/im/v1/messages/{}/reply", user.message_id), json!({"msg_type": "text", "content": "{\"text\":\"answer\"}", "reply_in_thread": true}))
        .await;
    assert_eq!(s, 200, "{r}");
    let thread = r["data"]["thread_id"].as_str().unwrap();
    assert!(thread.starts_with("omt_"));
    assert_eq!(r["data"]["root_id"], user.message_id.as_str());
    assert_eq!(r["data"]["parent_id"], user.message_id.as_str());
    let (_, list) = api
        .get(&format!(
            "/im/v1/messages?container_id_type=thread&container_id={thread}"
        ))
        .await;
    let ids: Vec<&str> = list["data"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["message_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        vec![
            user.message_id.as_str(),
            r["data"]["message_id"].as_str().unwrap()
        ]
    );

    // A user's follow-up in the thread carries the thread id in its event.
    let follow = sim
        .state()
        .user_sends(
            APP_ID,
            UserMessage {
                parent_id: Some(user.message_id.clone()),
                ..UserMessage::text(&chat, Person::new("ou_member01", ""), "more")
            },
        )
        .unwrap();
    let d = sim
        .state()
        .deliveries(APP_ID)
        .unwrap()
        .into_iter()
        .find(|d| d.event_id == follow.event_id)
        .unwrap();
    assert_eq!(d.body["event"]["message"]["thread_id"], thread);
}

#[tokio::test]
async fn recall_edit_and_card_patch_show_in_the_message_state() {
    let sim = sim().await;
    let api = Api::new(&sim).await;
    let chat = seed(&sim, ChatMode::Group);
    let a = api.send_text(&chat, "first").await;
    let id = a["message_id"].as_str().unwrap();
    let (s, _) = api
        .call(
            reqwest::Method::PUT,
            &format!("/im/v1/messages/{id}"),
            Some(json!({"msg_type": "text", "content": "{\"text\":\"edited\"}"})),
        )
        .await;
    assert_eq!(s, 200);
    let (_, got) = api.get(&format!("/im/v1/messages/{id}")).await;
    assert_eq!(got["data"]["items"][0]["updated"], true);
    assert_eq!(
        got["data"]["items"][0]["body"]["content"],
        "{\"text\":\"edited\"}"
    );

    let (s, _) = api
        .call(
            reqwest::Method::DELETE,
            &format!("/im/v1/messages/{id}"),
            None,
        )
        .await;
    assert_eq!(s, 200);
    let (_, got) = api.get(&format!("/im/v1/messages/{id}")).await;
    assert_eq!(got["data"]["items"][0]["deleted"], true);
    let (s, v) = api
        .call(
            reqwest::Method::PUT,
            &format!("/im/v1/messages/{id}"),
            Some(json!({"msg_type": "text", "content": "{\"text\":\"again\"}"})),
        )
        .await;
    assert_eq!(
        (s, v["code"].as_i64()),
        (StatusCode::BAD_REQUEST, Some(230011))
    );

    let card = json!({"config": {"update_multi": true}, "elements": [{"tag": "markdown", "content": "v1"}]});
    let (_, c) = api
        .post(
            "/im/v1/messages?receive_id_type=chat_id",
            json!({"receive_id": chat, "msg_type": "interactive", "content": card.to_string()}),
        )
        .await;
    let cid = c["data"]["message_id"].as_str().unwrap();
    let card2 = json!({"config": {"update_multi": true}, "elements": [{"tag": "markdown", "content": "v2"}]});
    let (s, _) = api
        .call(
            reqwest::Method::PATCH,
            &format!("/im/v1/messages/{cid}"),
            Some(json!({"content": card2.to_string()})),
        )
        .await;
    assert_eq!(s, 200);
    let all = sim.state().chat_messages(APP_ID, &chat).unwrap();
    let patched = all.iter().find(|m| m["message_id"] == cid).unwrap();
    assert_eq!(patched["content"]["elements"][0]["content"], "v2");
    assert_eq!(patched["updated"], true);
    // A card cannot be edited as text.
    let (s, _) = api
        .call(
            reqwest::Method::PUT,
            &format!("/im/v1/messages/{cid}"),
            Some(json!({"msg_type": "text", "content": "{\"text\":\"x\"}"})),
        )
        .await;
    assert_eq!(s, 400);
}

#[tokio::test]
async fn list_pages_sorts_and_filters_by_seconds() {
    let sim = sim().await;
    let api = Api::new(&sim).await;
    let chat = seed(&sim, ChatMode::Group);
    for i in 0..5 {
        api.send_text(&chat, &format!("m{i}")).await;
    }
    let mut seen = Vec::new();
    let mut token = String::new();
    loop {
        let (_, v) = api.get(&format!("/im/v1/messages?container_id_type=chat&container_id={chat}&page_size=2&page_token={token}")).await;
        for m in v["data"]["items"].as_array().unwrap() {
            seen.push(m["body"]["content"].as_str().unwrap().to_owned());
        }
        if v["data"]["has_more"] != true {
            break;
        }
        token = v["data"]["page_token"].as_str().unwrap().to_owned();
    }
    assert_eq!(seen.len(), 5);
    assert!(seen[0].contains("m0") && seen[4].contains("m4"));
    let (_, desc) = api.get(&format!("/im/v1/messages?container_id_type=chat&container_id={chat}&sort_type=ByCreateTimeDesc&page_size=1")).await;
    assert!(
        desc["data"]["items"][0]["body"]["content"]
            .as_str()
            .unwrap()
            .contains("m4")
    );
    let future = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 3600;
    let (_, none) = api
        .get(&format!(
            "/im/v1/messages?container_id_type=chat&container_id={chat}&start_time={future}"
        ))
        .await;
    assert_eq!(none["data"]["items"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn reactions_pins_chat_info_and_members() {
    let sim = sim().await;
    let api = Api::new(&sim).await;
    let chat = seed(&sim, ChatMode::Topic);
    let m = api.send_text(&chat, "pin me").await;
    assert!(
        m["thread_id"].as_str().unwrap().starts_with("omt_"),
        "a topic chat opens a topic per message"
    );
    let id = m["message_id"].as_str().unwrap();
    let (s, r) = api
        .post(
            &format!("/im/v1/messages/{id}/reactions"),
            json!({"reaction_type": {"emoji_type": "THUMBSUP"}}),
        )
        .await;
    assert_eq!(s, 200);
    let rid = r["data"]["reaction_id"].as_str().unwrap();
    let (_, l) = api.get(&format!("/im/v1/messages/{id}/reactions")).await;
    assert_eq!(
        l["data"]["items"][0]["reaction_type"]["emoji_type"],
        "THUMBSUP"
    );
    let (s, _) = api
        .call(
            reqwest::Method::DELETE,
            &format!("/im/v1/messages/{id}/reactions/{rid}"),
            None,
        )
        .await;
    assert_eq!(s, 200);
    let (_, l) = api.get(&format!("/im/v1/messages/{id}/reactions")).await;
    assert_eq!(l["data"]["items"].as_array().unwrap().len(), 0);
    let (s, v) = api
        .post(
            &format!("/im/v1/messages/{id}/reactions"),
            json!({"reaction_type": {"emoji_type": "no such emoji!"}}),
        )
        .await;
    assert_eq!(
        (s, v["code"].as_i64()),
        (StatusCode::BAD_REQUEST, Some(231001))
    );

    let (s, _) = api.post("/im/v1/pins", json!({"message_id": id})).await;
    assert_eq!(s, 200);
    let (_, pins) = api.get(&format!("/im/v1/pins?chat_id={chat}")).await;
    assert_eq!(pins["data"]["items"][0]["message_id"], id);
    api.call(reqwest::Method::DELETE, &format!("/im/v1/pins/{id}"), None)
        .await;
    let (_, pins) = api.get(&format!("/im/v1/pins?chat_id={chat}")).await;
    assert_eq!(pins["data"]["items"].as_array().unwrap().len(), 0);

    let (_, info) = api.get(&format!("/im/v1/chats/{chat}")).await;
    assert_eq!(info["data"]["chat_mode"], "topic");
    assert_eq!(info["data"]["user_count"], "25");
    assert_eq!(info["data"]["bot_count"], "1");
    let (_, p1) = api
        .get(&format!("/im/v1/chats/{chat}/members?page_size=20"))
        .await;
    assert_eq!(p1["data"]["items"].as_array().unwrap().len(), 20);
    assert_eq!(p1["data"]["member_total"], 25);
    assert_eq!(p1["data"]["has_more"], true);
    let t = p1["data"]["page_token"].as_str().unwrap();
    let (_, p2) = api
        .get(&format!(
            "/im/v1/chats/{chat}/members?page_size=20&page_token={t}"
        ))
        .await;
    assert_eq!(p2["data"]["items"].as_array().unwrap().len(), 5);
    assert_eq!(p2["data"]["has_more"], false);

    let (_, bot) = api.get("/bot/v3/info").await;
    assert_eq!(
        bot["bot"]["open_id"],
        sim.state().app(APP_ID).unwrap().bot_open_id.as_str()
    );
    assert!(bot.get("data").is_none());
}

#[tokio::test]
async fn uploads_downloads_with_range_and_size_limits() {
    let sim = sim().await;
    let api = Api::new(&sim).await;
    let chat = seed(&sim, ChatMode::Group);
    let png = b"\x89PNG\r\n\x1a\n0123456789".to_vec();
    let form = reqwest::multipart::Form::new()
        .text("image_type", "message")
        .part(
            "image",
            reqwest::multipart::Part::bytes(png.clone()).file_name("a.png"),
        );
    let v: Value = api
        .http
        .post(format!("{}/im/v1/images", api.base))
        .bearer_auth(&api.token)
        .multipart(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let key = v["data"]["image_key"].as_str().unwrap().to_owned();
    assert!(key.starts_with("img_"));
    let (_, m) = api.post("/im/v1/messages?receive_id_type=chat_id", json!({"receive_id": chat, "msg_type": "image", "content": json!({"image_key": key}).to_string()})).await;
    let mid = m["data"]["message_id"].as_str().unwrap();
    let url = format!(
        "{}/im/v1/messages/{mid}/resources/{key}?type=image",
        api.base
    );
    let full = api
        .http
        .get(&url)
        .bearer_auth(&api.token)
        .send()
        .await
        .unwrap();
    assert_eq!(full.status(), 200);
    assert_eq!(full.bytes().await.unwrap().to_vec(), png);
    let part = api
        .http
        .get(&url)
        .bearer_auth(&api.token)
        .header("Range", "bytes=0-3")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), 206);
    assert_eq!(
        part.headers()["content-range"],
        format!("bytes 0-3/{}", png.len())
    );
    assert_eq!(part.bytes().await.unwrap().as_ref(), b"\x89PNG");

    let empty = reqwest::multipart::Form::new()
        .text("file_type", "stream")
        .text("file_name", "e.bin")
        .part(
            "file",
            reqwest::multipart::Part::bytes(Vec::new()).file_name("e.bin"),
        );
    let r = api
        .http
        .post(format!("{}/im/v1/files", api.base))
        .bearer_auth(&api.token)
        .multipart(empty)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let big = reqwest::multipart::Form::new()
        .text("image_type", "message")
        .part(
            "image",
            reqwest::multipart::Part::bytes(vec![0u8; 10 * 1024 * 1024 + 1]).file_name("big.png"),
        );
    let r = api
        .http
        .post(format!("{}/im/v1/images", api.base))
        .bearer_auth(&api.token)
        .multipart(big)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert_ne!(v["code"], 0);

    let long_text = json!({"text": "a".repeat(151 * 1024)}).to_string();
    let (s, _) = api
        .post(
            "/im/v1/messages?receive_id_type=chat_id",
            json!({"receive_id": chat, "msg_type": "text", "content": long_text}),
        )
        .await;
    assert_eq!(s, 400);
    let big_card =
        json!({"elements": [{"tag": "markdown", "content": "a".repeat(31 * 1024)}]}).to_string();
    let (s, _) = api
        .post(
            "/im/v1/messages?receive_id_type=chat_id",
            json!({"receive_id": chat, "msg_type": "interactive", "content": big_card}),
        )
        .await;
    assert_eq!(s, 400);
}

#[tokio::test]
async fn malformed_requests_get_a_400_envelope_never_a_crash() {
    let sim = sim().await;
    let api = Api::new(&sim).await;
    let chat = seed(&sim, ChatMode::Group);
    let bad_content =
        format!(r#"{{"receive_id":"{chat}","msg_type":"text","content":"not json"}}"#);
    let cases: Vec<(reqwest::Method, String, Option<&str>)> = vec![
        (
            reqwest::Method::POST,
            "/im/v1/messages?receive_id_type=chat_id".into(),
            Some("{not json"),
        ),
        (
            reqwest::Method::POST,
            "/im/v1/messages?receive_id_type=chat_id".into(),
            Some("{}"),
        ),
        (
            reqwest::Method::POST,
            "/im/v1/messages".into(),
            Some(r#"{"receive_id":"x","msg_type":"text","content":"{}"}"#),
        ),
        (
            reqwest::Method::POST,
            "/im/v1/messages?receive_id_type=chat_id".into(),
            Some(r#"{"receive_id":"oc_nope","msg_type":"text","content":"{\"text\":\"x\"}"}"#),
        ),
        (
            reqwest::Method::POST,
            "/im/v1/messages?receive_id_type=chat_id".into(),
            Some(&bad_content),
        ),
        (
            reqwest::Method::GET,
            "/im/v1/messages/om_missing".into(),
            None,
        ),
        (
            reqwest::Method::GET,
            "/im/v1/messages?container_id_type=chat".into(),
            None,
        ),
        (
            reqwest::Method::GET,
            format!("/im/v1/messages?container_id_type=chat&container_id={chat}&page_token=%%%"),
            None,
        ),
        (reqwest::Method::GET, "/im/v1/chats/oc_missing".into(), None),
        (
            reqwest::Method::POST,
            "/im/v1/images".into(),
            Some("plain body"),
        ),
        (
            reqwest::Method::POST,
            "/im/v1/pins".into(),
            Some(r#"{"message_id":5}"#),
        ),
    ];
    for (method, path, body) in cases {
        let mut req = api
            .http
            .request(method.clone(), format!("{}{path}", api.base))
            .bearer_auth(&api.token);
        if let Some(b) = body {
            req = req
                .header("Content-Type", "application/json")
                .body(b.to_owned());
        }
        let resp = req.send().await.unwrap();
        assert_eq!(resp.status(), 400, "{method} {path}");
        let v: Value = resp
            .json()
            .await
            .unwrap_or_else(|_| panic!("{method} {path}: JSON body"));
        assert!(
            v["code"].as_i64().unwrap() != 0 && v["msg"].is_string(),
            "{method} {path}: {v}"
        );
    }
}

#[tokio::test]
async fn tokens_expire_faults_inject_and_calls_are_logged() {
    let sim = sim_with(lark_sim::SimConfig {
        rate_limit: true,
        ..quick_config()
    })
    .await;
    let api = Api::new(&sim).await;
    let chat = seed(&sim, ChatMode::Group);

    sim.state().fail_next("/im/v1/messages", 1, 500, 1234);
    let (s, v) = api
        .get(&format!(
            "/im/v1/messages?container_id_type=chat&container_id={chat}"
        ))
        .await;
    assert_eq!((s.as_u16(), v["code"].as_i64()), (500, Some(1234)));
    let (s, _) = api
        .get(&format!(
            "/im/v1/messages?container_id_type=chat&container_id={chat}"
        ))
        .await;
    assert_eq!(s, 200, "only the next call fails");

    let mut limited = None;
    for i in 0..6 {
        let (s, v) = api.post("/im/v1/messages?receive_id_type=chat_id", json!({"receive_id": chat, "msg_type": "text", "content": json!({"text": format!("{i}")}).to_string()})).await;
        if s == 429 {
            limited = Some(v);
        }
    }
    let v = limited.expect("the 6th send within a second is limited");
    assert_eq!(v["code"], 99991400);

    sim.state().expire_tokens();
    let (s, v) = api.get("/bot/v3/info").await;
    assert!(s == 400 || s == 401);
    assert_eq!(v["code"], 99991663);

    let calls = sim.state().calls(APP_ID);
    assert_eq!(
        calls[0].path,
        "/open-apis/auth/v3/tenant_access_token/internal"
    );
    assert!(
        calls
            .iter()
            .any(|c| c.status == 500 && c.code == Some(1234))
    );
    assert!(
        calls
            .iter()
            .any(|c| c.status == 429 && c.code == Some(99991400))
    );
    assert_eq!(calls.last().unwrap().code, Some(99991663));
}
