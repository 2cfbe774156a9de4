//! DM pairing end to end, under the default `dmPolicy: pairing`: a stranger's first DM gets one
//! reply with an 8-character code (no 0/O/1/I), a second DM nothing more; `openclaw pairing list
//! lark` shows it; `pairing approve lark CODE --notify` tells the user "You're in" and from then
//! on their DMs are answered, across a gateway restart; `pairing reject` removes a request (the
//! user's next DM gets a fresh code, not an answer); an unknown code is a clear error.

mod common;

use common::*;

const ALPHABET: &str = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// The code in a pairing reply.
fn code_in(text: &str) -> String {
    let at = text
        .find("pairing code: ")
        .unwrap_or_else(|| panic!("no code in {text:?}"));
    let code: String = text[at + "pairing code: ".len()..]
        .chars()
        .take(8)
        .collect();
    assert!(
        code.len() == 8 && code.chars().all(|c| ALPHABET.contains(c)),
        "bad code {code:?} in {text:?}"
    );
    code
}

/// A stranger DMs the bot; returns the code of the single reply.
async fn ask_to_pair(sim: &lark_sim::Sim, chat: &str, user: &str) -> String {
    let state = sim.state();
    seed_dm(state, APP, chat, user);
    let m = say(state, APP, chat, user, "hi, can I talk to you?");
    let replies = wait_replies(state, APP, chat, &m.message_id, 1).await;
    code_in(&text_of(&replies[0]))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stranger_pairs_and_is_answered_from_then_on() {
    let sim = sim().await;
    let state = sim.state();
    let env = TestEnv::new();
    env.write_config(&config(sim.base_url(), "", ""));
    let (mut gw, addr) = run_ws_gateway(&env, &sim, &[]).await;

    let code = ask_to_pair(&sim, "oc_dm_erin", "ou_erin").await;
    let stderr = gw
        .wait_stderr("approve with: openclaw pairing approve lark")
        .await;
    assert!(stderr.contains(&code), "{stderr}");

    // A second DM is recorded and refused as pending: no second code, no answer.
    let again = say(state, APP, "oc_dm_erin", "ou_erin", "hello??");
    wait_metric(&addr, "reason=\"pairing pending\"} 1").await;
    assert!(replies_to(state, APP, "oc_dm_erin", &again.message_id).is_empty());
    assert_eq!(bot_messages(state, APP, "oc_dm_erin").len(), 1);

    let out = env.run(&["pairing", "list", "lark"]).await;
    let text = out.ok();
    assert!(text.contains(&code) && text.contains("ou_erin"), "{text}");
    let out = env.run(&["pairing", "list", "lark", "--json"]).await;
    let v: serde_json::Value = serde_json::from_str(out.ok()).unwrap();
    assert_eq!(v[0]["code"], code.as_str());
    assert_eq!(v[0]["openId"], "ou_erin");

    let out = env
        .run(&["pairing", "approve", "lark", &code, "--notify"])
        .await;
    assert!(out.ok().contains("Approved ou_erin"), "{out:?}");
    let msgs = bot_messages(state, APP, "oc_dm_erin");
    assert_eq!(msgs.len(), 2, "{msgs:#?}");
    assert!(text_of(&msgs[1]).contains("You're in"), "{msgs:#?}");
    let out = env.run(&["pairing", "list", "lark"]).await;
    assert!(out.ok().contains("No pending pairing requests"), "{out:?}");

    let m = say(state, APP, "oc_dm_erin", "ou_erin", "now you know me");
    let r = wait_replies(state, APP, "oc_dm_erin", &m.message_id, 1).await;
    assert!(text_of(&r[0]).contains("now you know me"), "{r:#?}");

    // The approval is in the state dir: it survives a restart.
    gw.stop().await;
    let (mut gw, _) = run_ws_gateway(&env, &sim, &[]).await;
    let m = say(
        state,
        APP,
        "oc_dm_erin",
        "ou_erin",
        "still me after a restart",
    );
    let r = wait_replies(state, APP, "oc_dm_erin", &m.message_id, 1).await;
    assert!(
        text_of(&r[0]).contains("still me after a restart"),
        "{r:#?}"
    );
    gw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reject_and_unknown_codes() {
    let sim = sim().await;
    let env = TestEnv::new();
    env.write_config(&config(sim.base_url(), "", ""));
    let (mut gw, _) = run_ws_gateway(&env, &sim, &[]).await;
    let code = ask_to_pair(&sim, "oc_dm_frank", "ou_frank").await;

    let out = env.run(&["pairing", "reject", "lark", &code]).await;
    assert!(out.ok().contains("Rejected ou_frank"), "{out:?}");
    let out = env.run(&["pairing", "list", "lark"]).await;
    assert!(!out.ok().contains(&code), "{out:?}");
    // A decided code cannot be approved afterwards.
    let out = env.run(&["pairing", "approve", "lark", &code]).await;
    assert!(
        out.failed()
            .contains(&format!("no pending pairing request with code {code}")),
        "{out:?}"
    );

    let out = env.run(&["pairing", "approve", "lark", "ZZZZ2222"]).await;
    let text = out.failed();
    assert!(
        text.contains("no pending pairing request with code ZZZZ2222"),
        "{text}"
    );
    assert!(text.contains("openclaw pairing list lark"), "{text}");
    let out = env
        .run(&["pairing", "approve", "telegram", "ZZZZ2222"])
        .await;
    assert!(out.failed().contains("unknown channel"), "{out:?}");

    // The rejected user is still not answered: their next DM gets a fresh code, not an echo.
    let state = sim.state();
    let m = say(state, APP, "oc_dm_frank", "ou_frank", "please?");
    let r = wait_replies(state, APP, "oc_dm_frank", &m.message_id, 1).await;
    let fresh = code_in(&text_of(&r[0]));
    assert_ne!(fresh, code);
    assert!(!text_of(&r[0]).contains("please?"), "{r:#?}");
    gw.stop().await;
}
