//! The typing indicator against lark-sim: it never holds up a reply (added beside the agent's
//! work, removed beside the reply's send), is skipped for a turn with messages queued behind
//! it, and never outlives its reply, even when its add lands after the reply went out.

mod common;

use common::*;
use lark_sim::ChatMode;

const ECHO: &str = r#"{ provider: "echo" }"#;

/// The calls to the reactions of `message_id`: (method, HTTP status), in order.
fn reaction_calls(h: &Harness, message_id: &str) -> Vec<(String, u16, u64)> {
    let needle = format!("/messages/{message_id}/reactions");
    h.sim
        .state()
        .calls(APP)
        .iter()
        .filter(|c| c.path.contains(&needle))
        .map(|c| (c.method.clone(), c.status, c.at_ms))
        .collect()
}

/// When the reply to `message_id` was sent (lark-sim's clock).
fn reply_call_at(h: &Harness, message_id: &str) -> u64 {
    let needle = format!("/messages/{message_id}/reply");
    let calls = h.sim.state().calls(APP);
    let reply = calls
        .iter()
        .find(|c| c.path.contains(&needle) && c.status == 200);
    reply
        .unwrap_or_else(|| panic!("no reply call: {calls:?}"))
        .at_ms
}

#[tokio::test]
async fn a_slow_typing_reaction_never_holds_up_the_reply_and_is_removed_after_it() {
    let h = start(r#"dmPolicy: "open""#, ECHO).await;
    h.seed("oc_dm", ChatMode::P2p, &[("ou_ada", "Ada")]);
    // The reactions API is rate limited once: the add waits the second the platform says.
    h.sim.state().fail_next("/reactions", 1, 429, 99991400);
    let m = h.say("oc_dm", "ou_ada", "quick question", false);
    let r = h.wait_replies("oc_dm", &m.message_id, 1).await;
    assert_eq!(text_of(&r[0]), "quick question");
    // The add landed after the reply went out, and came off again after that.
    wait_until("the typing reaction removed", || {
        reaction_calls(&h, &m.message_id)
            .iter()
            .any(|(method, status, _)| method == "DELETE" && *status == 200)
    })
    .await;
    let calls = reaction_calls(&h, &m.message_id);
    let added = calls
        .iter()
        .find(|(method, status, _)| method == "POST" && *status == 200)
        .unwrap_or_else(|| panic!("never added: {calls:?}"));
    assert!(
        reply_call_at(&h, &m.message_id) <= added.2,
        "the reply waited for the typing reaction: {calls:?}"
    );
    assert!(reactions_on(&h, "oc_dm", &m.message_id).is_empty());
    h.wait_closed(&m.event_id).await;
}

#[tokio::test]
async fn a_turn_with_messages_queued_behind_it_shows_no_typing_indicator() {
    let dir = tempfile::tempdir().unwrap();
    let go = dir.path().join("go");
    // The first turn waits until the test has seen every message recorded.
    let agent = format!(
        r#"{{ provider: "command", command: ["sh", "-c", "cat >/dev/null; while [ ! -e '{}' ]; do sleep 0.02; done; echo ok"], timeoutSeconds: 20 }}"#,
        go.display()
    );
    let h = start(r#"dmPolicy: "open""#, &agent).await;
    h.seed("oc_dm", ChatMode::P2p, &[("ou_ada", "Ada")]);
    let sent: Vec<_> = (0..4)
        .map(|i| h.say("oc_dm", "ou_ada", &format!("burst {i}"), false))
        .collect();
    let store = h.gateway().ctx.store.clone();
    let deadline = tokio::time::Instant::now() + POLL_FOR;
    for m in &sent {
        while store.event("default", &m.event_id).await.unwrap().is_none() {
            assert!(tokio::time::Instant::now() < deadline, "never recorded");
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
    std::fs::write(&go, "").unwrap();
    for m in &sent {
        assert_eq!(h.wait_replies("oc_dm", &m.message_id, 1).await.len(), 1);
        h.wait_closed(&m.event_id).await;
    }
    // The second and third turns had messages behind them: no reaction was even tried. The
    // last had none, and showed it (and took it off).
    for m in &sent[1..3] {
        assert_eq!(
            reaction_calls(&h, &m.message_id),
            vec![],
            "{}",
            m.message_id
        );
    }
    let last: Vec<String> = reaction_calls(&h, &sent[3].message_id)
        .into_iter()
        .map(|(method, _, _)| method)
        .collect();
    assert_eq!(last, ["POST", "DELETE"]);
    for m in &sent {
        assert!(reactions_on(&h, "oc_dm", &m.message_id).is_empty());
    }
}
