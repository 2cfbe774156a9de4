//! Over raw HTTP: an app set up without the docx, drive, group-history (and other workspace)
//! scopes is refused with the platform's 99991672 and the scopes that would do, while the
//! families it holds and a p2p chat's history still answer; granting the scope back lets the
//! call through.

mod support;

use lark_sim::{ChatMode, Person, SeedChat};
use serde_json::{Value, json};
use support::*;

async fn get(sim: &lark_sim::Sim, token: &str, path: &str) -> (u16, Value) {
    let resp = http()
        .get(format!("{}{path}", sim.base_url()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.json().await.unwrap())
}

async fn scopes(sim: &lark_sim::Sim, body: Value) -> Value {
    let resp = http()
        .post(format!("{}/_sim/apps/{APP_ID}/scopes", sim.base_url()))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    resp.json().await.unwrap()
}

fn seed(sim: &lark_sim::Sim, mode: ChatMode) -> String {
    sim.state()
        .seed_chat(
            APP_ID,
            SeedChat {
                name: "Team".into(),
                chat_mode: mode,
                members: vec![Person::new("ou_ann", "Ann")],
                ..Default::default()
            },
        )
        .unwrap()
}

#[tokio::test]
async fn withheld_scopes_are_refused_with_the_scopes_that_would_do() {
    let sim = sim().await;
    let t = token(&sim).await;
    let group = seed(&sim, ChatMode::Group);
    let p2p = seed(&sim, ChatMode::P2p);
    let now = scopes(
        &sim,
        json!({"docx": false, "drive": false, "group_msg": false}),
    )
    .await;
    assert_eq!(
        (&now["docx"], &now["drive"], &now["group_msg"], &now["wiki"]),
        (&json!(false), &json!(false), &json!(false), &json!(true)),
        "{now}"
    );

    let (status, v) = get(&sim, &t, "/open-apis/docx/v1/documents/doxcnNotThere").await;
    assert_eq!((status, &v["code"]), (400, &json!(99991672)), "{v}");
    assert_eq!(
        v["msg"],
        "Access denied. One of the following scopes is required: [docx:document, docx:document:readonly]."
    );
    assert_eq!(
        v["error"]["permission_violations"][1],
        json!({"type": "action_scope_required", "subject": "docx:document:readonly"})
    );
    let (status, v) = get(&sim, &t, "/open-apis/drive/v1/files").await;
    assert_eq!((status, &v["code"]), (400, &json!(99991672)), "{v}");
    assert!(v["msg"].as_str().unwrap().contains("drive:drive"), "{v}");
    let history = |chat: &str| {
        format!("/open-apis/im/v1/messages?container_id_type=chat&container_id={chat}")
    };
    let (status, v) = get(&sim, &t, &history(&group)).await;
    assert_eq!((status, &v["code"]), (400, &json!(99991672)), "{v}");
    assert!(
        v["msg"].as_str().unwrap().contains("im:message.group_msg"),
        "{v}"
    );

    // What the app holds still answers: a p2p chat's history, the wiki, a bad token first.
    let (status, v) = get(&sim, &t, &history(&p2p)).await;
    assert_eq!((status, &v["code"]), (200, &json!(0)), "{v}");
    let (status, v) = get(&sim, &t, "/open-apis/wiki/v2/spaces").await;
    assert_eq!((status, &v["code"]), (200, &json!(0)), "{v}");
    let (_, v) = get(
        &sim,
        "t-not-a-token",
        "/open-apis/docx/v1/documents/doxcnNotThere",
    )
    .await;
    assert_ne!(v["code"], json!(99991672), "{v}");

    scopes(&sim, json!({"docx": true})).await;
    let (_, v) = get(&sim, &t, "/open-apis/docx/v1/documents/doxcnNotThere").await;
    assert_ne!(v["code"], json!(99991672), "{v}");
    assert_ne!(v["code"], json!(0), "{v}");
}
