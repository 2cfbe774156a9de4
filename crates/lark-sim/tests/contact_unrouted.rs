//! Over raw HTTP: the contact API (get, batch with repeated keys, bad parameters, the control
//! routes for users and scopes), unknown routes recorded in the call log, and the binary's
//! `--tls` flag.

mod support;

use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};
use support::*;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

async fn get(sim: &lark_sim::Sim, token: &str, path: &str) -> (u16, Value) {
    let resp = http()
        .get(format!("{}{path}", sim.base_url()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.json().await.unwrap())
}

async fn control(sim: &lark_sim::Sim, path: &str, body: Value) -> Value {
    http()
        .post(format!("{}{path}", sim.base_url()))
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn contact_users_by_id_and_in_batches() {
    let sim = sim().await;
    let t = token(&sim).await;
    let made = control(
        &sim,
        &format!("/_sim/apps/{APP_ID}/users"),
        json!({"open_id": "ou_ann", "name": "Ann", "en_name": "Ann E", "user_id": "ann01"}),
    )
    .await;
    assert_eq!(made["user_id"], "ann01");
    control(
        &sim,
        &format!("/_sim/apps/{APP_ID}/users"),
        json!({"open_id": "ou_ben", "name": "Ben"}),
    )
    .await;

    let (status, v) = get(&sim, &t, "/open-apis/contact/v3/users/ann01?user_id_type=user_id&department_id_type=open_department_id").await;
    assert_eq!((status, &v["code"]), (200, &json!(0)), "{v}");
    let user = &v["data"]["user"];
    assert_eq!(
        (&user["name"], &user["en_name"]),
        (&json!("Ann"), &json!("Ann E"))
    );
    assert_eq!(user["open_id"], "ou_ann");
    assert_eq!(user["status"]["is_activated"], true);
    for size in ["avatar_72", "avatar_240", "avatar_640", "avatar_origin"] {
        assert!(user["avatar"][size].is_string(), "{size}");
    }

    let (_, v) = get(
        &sim,
        &t,
        "/open-apis/contact/v3/users/batch?user_ids=ou_ben&user_ids=ou_ann&user_ids=ou_ben",
    )
    .await;
    let names: Vec<&str> = v["data"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Ben", "Ann"], "in request order, duplicates once");

    let (status, v) = get(
        &sim,
        &t,
        "/open-apis/contact/v3/users/batch?user_ids=ou_ann&user_ids=ou_x",
    )
    .await;
    assert_eq!((status, &v["code"]), (400, &json!(99992351)), "{v}");
    assert!(v["msg"].as_str().unwrap().contains("ou_x"));
    let (status, v) = get(&sim, &t, "/open-apis/contact/v3/users/batch").await;
    assert_eq!((status, &v["code"]), (400, &json!(99992402)), "{v}");
    let (_, v) = get(
        &sim,
        &t,
        "/open-apis/contact/v3/users/ou_ann?user_id_type=email",
    )
    .await;
    assert_eq!(v["code"], 99992402);
    assert_eq!(v["error"]["field_violations"][0]["field"], "user_id_type");

    let scopes = control(
        &sim,
        &format!("/_sim/apps/{APP_ID}/scopes"),
        json!({"contact": false}),
    )
    .await;
    assert_eq!(
        (&scopes["contact"], &scopes["user_base"]),
        (&json!(false), &json!(true))
    );
    let (status, v) = get(
        &sim,
        &t,
        "/open-apis/contact/v3/users/batch?user_ids=ou_ann",
    )
    .await;
    assert_eq!((status, &v["code"]), (400, &json!(99991672)));
    assert_eq!(
        v["error"]["permission_violations"],
        json!([{"type": "action_scope_required", "subject": "contact:contact.base:readonly"}])
    );
    assert!(v["error"]["log_id"].is_string());

    let codes: Vec<_> = sim
        .state()
        .calls(APP_ID)
        .iter()
        .filter(|c| c.path.starts_with("/open-apis/contact/"))
        .map(|c| c.code)
        .collect();
    assert_eq!(
        codes,
        [
            Some(0),
            Some(0),
            Some(99992351),
            Some(99992402),
            Some(99992402),
            Some(99991672)
        ]
    );
}

#[tokio::test]
async fn unknown_routes_are_answered_404_and_recorded() {
    let sim = sim().await;
    let t = token(&sim).await;
    let (status, v) = get(&sim, &t, "/open-apis/calendar/v4/calendars").await;
    assert_eq!(status, 404);
    assert_eq!(v["code"], 404, "{v}");
    let resp = http()
        .post(format!("{}/open-apis/nope", sim.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 404);

    let mine = sim.state().calls(APP_ID);
    let last = mine.last().unwrap();
    assert_eq!(
        (last.method.as_str(), last.path.as_str(), last.status),
        ("GET", "/open-apis/calendar/v4/calendars", 404)
    );
    let all: Value = http()
        .get(format!("{}/_sim/calls", sim.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let appless = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["path"] == "/open-apis/nope")
        .expect("the app-less call is listed");
    assert_eq!(appless["app_id"], Value::Null);
    assert_eq!(
        (&appless["method"], &appless["status"]),
        (&json!("POST"), &json!(404))
    );
}

#[tokio::test]
async fn the_binary_serves_https_with_the_certificate_it_prints() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_lark-sim"))
        .args(["--tls", "--app", "cli_a1b2c3d4e5f60718:secret"])
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start lark-sim");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut next = async || {
        tokio::time::timeout(Duration::from_secs(10), lines.next_line())
            .await
            .unwrap()
            .unwrap()
            .unwrap()
    };
    let first = next().await;
    let base = first
        .strip_prefix("lark-sim listening on ")
        .unwrap_or_else(|| panic!("first line: {first}"))
        .to_owned();
    assert!(base.starts_with("https://127.0.0.1:"), "{base}");
    let second = next().await;
    let path = second
        .strip_prefix("lark-sim certificate: ")
        .unwrap_or_else(|| panic!("second line: {second}"));
    let pem = std::fs::read(path).unwrap();

    let trusting = reqwest::Client::builder()
        .no_proxy()
        .tls_certs_merge([reqwest::Certificate::from_pem(&pem).unwrap()])
        .build()
        .unwrap();
    let token: Value = trusting
        .post(format!(
            "{base}/open-apis/auth/v3/tenant_access_token/internal"
        ))
        .json(&json!({"app_id": "cli_a1b2c3d4e5f60718", "app_secret": "secret"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(token["code"], 0);
    let endpoint: Value = trusting
        .post(format!("{base}/callback/ws/endpoint"))
        .json(&json!({"AppID": "cli_a1b2c3d4e5f60718", "AppSecret": "secret"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        endpoint["data"]["URL"]
            .as_str()
            .unwrap()
            .starts_with("wss://"),
        "{endpoint}"
    );
    assert!(
        http()
            .get(format!("{base}/_sim/apps"))
            .send()
            .await
            .is_err(),
        "a client that does not trust the certificate is refused"
    );
}
