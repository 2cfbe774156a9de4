//! Cards both ways against lark-sim: a click on a card the bot sent is answered at once and
//! becomes a `cardAction` turn of a `command` agent (the answer never waits for the agent; a
//! redelivered callback is not a second turn), over the long connection and the webhook
//! (schema 2.0 and the legacy callback); and `askUser` round trips with a scripted model.

mod common;
mod model;

use common::*;
use lark::model::ReceiveId;
use lark::model::content::Content;
use lark_sim::{CardAction, ChatMode, DeliveryStatus, Person};
use model::{Model, answer, tool_call};
use serde_json::{Value, json};

use common::llm::write_key;

/// A command agent that writes each turn to `turn-<n>.json` under `dir`, then waits for the file
/// `gate` before it answers `done` (a slow agent, as long as the test wants).
fn gated_agent(dir: &std::path::Path) -> String {
    let script = dir.join("agent.sh");
    std::fs::write(
        &script,
        "n=$(ls \"$1\" | grep -c '^turn-')\ncat > \"$1/turn-$n.json\"\nwhile [ ! -e \"$1/gate\" ]; do sleep 0.02; done\nprintf done\n",
    )
    .unwrap();
    format!(
        r#"{{ provider: "command", command: ["sh", "{}", "{}"], timeoutSeconds: 30 }}"#,
        script.display(),
        dir.display()
    )
}

fn turns(dir: &std::path::Path) -> Vec<Value> {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("turn-"))
        .collect();
    names.sort();
    names
        .iter()
        .filter_map(|n| serde_json::from_str(&std::fs::read_to_string(dir.join(n)).ok()?).ok())
        .collect()
}

const APPROVAL: &str = r#"{"schema":"2.0","body":{"elements":[
    {"tag":"markdown","content":"Ship it?"},
    {"tag":"button","text":{"tag":"plain_text","content":"Approve"},"behaviors":[{"type":"callback","value":{"decision":"approve"}}]},
    {"tag":"button","text":{"tag":"plain_text","content":"Reject"},"behaviors":[{"type":"callback","value":{"decision":"reject"}}]}]}}"#;

/// The bot posts the approval card in `chat`; its message id.
async fn bot_sends_card(h: &Harness, chat: &str) -> String {
    let client = &h.gateway().ctx.accounts[0].client;
    let card: Value = serde_json::from_str(APPROVAL).unwrap();
    let m = client
        .send_message(&ReceiveId::infer(chat), &Content::card(card), None)
        .await
        .unwrap();
    m.message_id.to_string()
}

/// A button click's action on [`APPROVAL`].
fn decide(decision: &str) -> Value {
    json!({"tag": "button", "value": {"decision": decision}})
}

/// `who` clicks on the card `message_id`; the bot's answer, as the platform got it.
async fn click(
    h: &Harness,
    message_id: &str,
    who: (&str, &str),
    action: Value,
) -> lark_sim::CardOutcome {
    let a = CardAction {
        message_id: message_id.into(),
        user: Person::new(who.0, who.1),
        action,
    };
    h.sim.state().card_action(APP, a).await.unwrap()
}

#[tokio::test]
async fn a_click_is_answered_before_the_slow_agent_runs_and_becomes_one_card_action_turn() {
    let work = tempfile::tempdir().unwrap();
    let h = start(r#"dmPolicy: "open""#, &gated_agent(work.path())).await;
    h.seed("oc_dm", ChatMode::P2p, &[("ou_ada", "Ada")]);
    let card = bot_sends_card(&h, "oc_dm").await;

    let outcome = click(&h, &card, ("ou_ada", "Ada"), decide("approve")).await;
    // The platform has its answer, and the agent has not answered (it cannot: it waits).
    let toast = &outcome.response.as_ref().expect("an answer")["toast"];
    assert_eq!(toast["type"], "info", "{outcome:?}");
    wait_until("the agent got the turn", || turns(work.path()).len() == 1).await;
    assert!(h.replies_to("oc_dm", &card).is_empty());

    // The same callback redelivered is acknowledged and not run again.
    let record = h
        .sim
        .state()
        .deliveries(APP)
        .unwrap()
        .into_iter()
        .find(|d| d.event_id == outcome.event_id)
        .unwrap();
    h.sim.state().inject_raw(APP, record.body.clone()).unwrap();
    wait_until("the redelivery acknowledged", || {
        h.sim.state().deliveries(APP).unwrap().iter().any(|d| {
            d.event_id == outcome.event_id
                && d.status == DeliveryStatus::Acked
                && d.attempts.len() == 1
        })
    })
    .await;

    std::fs::write(work.path().join("gate"), "").unwrap();
    let replies = h.wait_replies("oc_dm", &card, 1).await;
    assert_eq!(text_of(&replies[0]), "done");
    let e = h.wait_closed(&outcome.event_id).await;
    assert_eq!(e.status, openclaw_gateway::store::EventStatus::Sent);

    // A message after it is the next turn: nothing of the redelivery ran in between.
    let m = h.say("oc_dm", "ou_ada", "thanks", false);
    h.wait_replies("oc_dm", &m.message_id, 1).await;
    let t = turns(work.path());
    assert_eq!(t.len(), 2, "{t:?}");
    let turn = &t[0];
    assert_eq!(turn["kind"], "cardAction");
    assert_eq!(turn["action"]["value"], json!({"decision": "approve"}));
    assert_eq!(turn["action"]["tag"], "button");
    assert_eq!(turn["action"]["label"], "Approve");
    assert_eq!(turn["operator"]["openId"], "ou_ada");
    assert_eq!(turn["cardMessageId"], card.as_str());
    assert_eq!(turn["senderOpenId"], "ou_ada");
    assert_eq!(turn["chatId"], "oc_dm");
    assert!(
        turn["text"]
            .as_str()
            .unwrap()
            .starts_with("[card action] Ada clicked Approve on "),
        "{turn}"
    );
    assert!(t[1].get("kind").is_none(), "a message turn has no kind");
}

#[tokio::test]
async fn a_clicker_the_policy_refuses_is_not_a_turn() {
    let work = tempfile::tempdir().unwrap();
    std::fs::write(work.path().join("gate"), "").unwrap();
    let h = start(
        r#"groupPolicy: "allowlist", groupAllowFrom: ["ou_ada"], requireMention: true"#,
        &gated_agent(work.path()),
    )
    .await;
    h.seed(
        "oc_grp",
        ChatMode::Group,
        &[("ou_ada", "Ada"), ("ou_eve", "Eve")],
    );
    let card = bot_sends_card(&h, "oc_grp").await;
    let eve = click(&h, &card, ("ou_eve", "Eve"), decide("reject")).await;
    let e = h.wait_closed(&eve.event_id).await;
    assert_eq!(e.status, openclaw_gateway::store::EventStatus::Refused);
    // Ada is allowed, and a click needs no mention.
    let ada = click(&h, &card, ("ou_ada", "Ada"), decide("approve")).await;
    let e = h.wait_closed(&ada.event_id).await;
    assert_eq!(e.status, openclaw_gateway::store::EventStatus::Sent);
    let t = turns(work.path());
    assert_eq!(t.len(), 1, "{t:?}");
    assert_eq!(t[0]["operator"]["openId"], "ou_ada");
    assert_eq!(t[0]["chatType"], "group");
}

/// The card a reply view carries, as JSON.
fn card_of(m: &Value) -> Value {
    let c = &m["content"];
    match c.as_str() {
        Some(s) => serde_json::from_str(s).unwrap(),
        None => c.clone(),
    }
}

#[tokio::test]
async fn ask_user_round_trips_the_choice_to_the_model_and_a_second_click_is_refused() {
    let model = Model::start(|body, n| match n {
        0 => tool_call(&json!({
            "action": "askUser", "question": "Deploy to production?", "options": ["Yes", "No"]
        })),
        _ => {
            let text = body["messages"].to_string();
            if text.contains("answered your question") && text.contains(": Yes") {
                answer(&["Deploying now."])
            } else {
                answer(&["I did not get an answer."])
            }
        }
    })
    .await;
    let h = start(r#"dmPolicy: "open", streaming: false"#, &model.agent()).await;
    write_key(&h);
    h.seed("oc_dm", ChatMode::P2p, &[("ou_ada", "Ada")]);
    // Ada under her name (not `say`'s id-as-name), as the answered card shows it.
    let m = h
        .sim
        .state()
        .user_sends(
            APP,
            lark_sim::UserMessage {
                chat_id: Some("oc_dm".into()),
                sender: Person::new("ou_ada", "Ada"),
                text: Some("ship it".into()),
                ..Default::default()
            },
        )
        .unwrap();
    let e = h.wait_closed(&m.event_id).await;
    assert_eq!(model.requests().len(), 1, "the question ends the turn");
    assert!(h.replies_to("oc_dm", &m.message_id).is_empty(), "{e:?}");
    let ask = h
        .messages("oc_dm")
        .into_iter()
        .find(|x| x["msg_type"] == "interactive")
        .expect("the question card");
    let ask_id = ask["message_id"].as_str().unwrap().to_owned();
    let q = card_of(&ask);
    let yes = q
        .pointer("/body/elements/1/behaviors/0/value")
        .unwrap()
        .clone();
    assert_eq!(q.pointer("/body/elements/1/text/content").unwrap(), "Yes");

    let first = click(
        &h,
        &ask_id,
        ("ou_ada", "Ada"),
        json!({"tag": "button", "value": yes}),
    )
    .await;
    let resp = first.response.clone().unwrap();
    assert_eq!(resp["toast"]["type"], "success", "{resp}");
    let updated = &resp["card"]["data"];
    assert!(
        updated.to_string().contains("**Yes** (answered by Ada)"),
        "{updated}"
    );
    let buttons: Vec<&Value> = updated["body"]["elements"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["tag"] == "button")
        .collect();
    assert_eq!(buttons.len(), 2);
    assert!(buttons.iter().all(|b| b["disabled"] == true), "{updated}");

    let replies = h.wait_replies("oc_dm", &ask_id, 1).await;
    assert_eq!(text_of(&replies[0]), "Deploying now.");
    let second_request = model.requests()[1]["messages"].to_string();
    assert!(
        second_request.contains("answered your question \\\"Deploy to production?\\\""),
        "{second_request}"
    );

    // A second click, even by the same user, is told politely and is no turn.
    let no = q
        .pointer("/body/elements/2/behaviors/0/value")
        .unwrap()
        .clone();
    let again = click(
        &h,
        &ask_id,
        ("ou_ada", "Ada"),
        json!({"tag": "button", "value": no}),
    )
    .await;
    let resp = again.response.unwrap();
    assert_eq!(
        resp["toast"]["content"],
        "This question was already answered."
    );
    assert!(resp.get("card").is_none());
    assert_eq!(model.requests().len(), 2);
    // The page shows the answered card.
    let now = h
        .messages("oc_dm")
        .into_iter()
        .find(|x| x["message_id"] == ask_id.as_str())
        .unwrap();
    assert!(now.to_string().contains("answered by Ada"), "{now}");
}

/// lark-sim pushing to the gateway's webhook (verification token `vt`, no encrypt key) and a
/// gateway whose agent is [`gated_agent`] with its gate open.
async fn webhook_harness(work: &std::path::Path) -> Harness {
    std::fs::write(work.join("gate"), "").unwrap();
    let h = start_with(
        lark_sim::SimConfig::default(),
        r#"mode: "webhook", verificationToken: "vt", dmPolicy: "open""#,
        &gated_agent(work),
    )
    .await;
    let url = format!("http://{}/lark/webhook", h.gateway().addr);
    h.sim.state().add_app(lark_sim::AppSpec::webhook(
        APP,
        SECRET,
        &url,
        None,
        Some("vt"),
    ));
    h
}

#[tokio::test]
async fn over_the_webhook_a_click_and_a_legacy_callback_are_turns_answered_at_once() {
    let work = tempfile::tempdir().unwrap();
    let h = webhook_harness(work.path()).await;
    h.seed("oc_dm", ChatMode::P2p, &[("ou_ada", "Ada")]);
    let card = bot_sends_card(&h, "oc_dm").await;
    let outcome = click(&h, &card, ("ou_ada", "Ada"), decide("approve")).await;
    assert_eq!(outcome.response.as_ref().unwrap()["toast"]["type"], "info");
    h.wait_replies("oc_dm", &card, 1).await;

    // A legacy message-card callback: a bare object, SHA-1 signed with the verification token.
    let body = json!({
        "open_id": "ou_ada", "user_id": "u_ada", "tenant_key": "t",
        "open_message_id": card, "open_chat_id": "oc_dm", "token": "c-legacy",
        "action": {"tag": "button", "value": {"decision": "reject"}},
    })
    .to_string();
    let (ts, nonce) = (
        (std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs())
        .to_string(),
        "n1".to_owned(),
    );
    let sig = lark::webhook::crypto::card_signature_v1(&ts, &nonce, "vt", body.as_bytes());
    let post = || {
        reqwest::Client::new()
            .post(format!("http://{}/lark/webhook", h.gateway().addr))
            .header("X-Lark-Request-Timestamp", &ts)
            .header("X-Lark-Request-Nonce", &nonce)
            .header("X-Lark-Signature", &sig)
            .body(body.clone())
            .send()
    };
    let answer: Value = post().await.unwrap().json().await.unwrap();
    assert_eq!(answer["toast"]["content"], "Received", "{answer}");
    wait_until("the legacy click answered", || {
        h.replies_to("oc_dm", &card).len() == 2
    })
    .await;
    // The same callback again is not a second turn.
    let again: Value = post().await.unwrap().json().await.unwrap();
    assert_eq!(again["toast"]["content"], "Received");
    let m = h.say("oc_dm", "ou_ada", "and now?", false);
    h.wait_replies("oc_dm", &m.message_id, 1).await;
    let t = turns(work.path());
    assert_eq!(t.len(), 3, "{t:?}");
    assert_eq!(t[0]["action"]["value"], json!({"decision": "approve"}));
    assert_eq!(t[1]["kind"], "cardAction");
    assert_eq!(t[1]["action"]["value"], json!({"decision": "reject"}));
    assert_eq!(t[1]["action"]["label"], "Reject");
    assert_eq!(t[1]["operator"]["openId"], "ou_ada");
}
