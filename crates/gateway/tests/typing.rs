//! The typing indicator against lark-sim: it never holds up a reply (added beside the agent's
//! work, removed beside the reply's send), shows only once an answer takes longer than
//! `typingDelayMs`, is skipped for a turn with messages queued behind it or when the reactions
//! budget is low, and never outlives its reply, even when its add lands after the reply went out.

mod common;

use common::*;
use lark_sim::ChatMode;

const ECHO: &str = r#"{ provider: "echo" }"#;
/// The typing reaction at once, for tests of how it is added and removed.
const AT_ONCE: &str = r#"dmPolicy: "open", typingDelayMs: 0"#;

/// A `command` agent that answers "ok" once the file `go` exists.
fn gated_agent(go: &std::path::Path) -> String {
    format!(
        r#"{{ provider: "command", command: ["sh", "-c", "cat >/dev/null; while [ ! -e '{}' ]; do sleep 0.02; done; echo ok"], timeoutSeconds: 30 }}"#,
        go.display()
    )
}

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

/// Waits (a bounded poll) until every message of `sent` is recorded in the gateway's store.
async fn wait_recorded(h: &Harness, sent: &[lark_sim::Injected]) {
    let store = h.gateway().ctx.store.clone();
    let deadline = tokio::time::Instant::now() + POLL_FOR;
    for m in sent {
        while store.event("default", &m.event_id).await.unwrap().is_none() {
            assert!(tokio::time::Instant::now() < deadline, "never recorded");
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
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
    let h = start(AT_ONCE, ECHO).await;
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
    let h = start(AT_ONCE, &gated_agent(&go)).await;
    h.seed("oc_dm", ChatMode::P2p, &[("ou_ada", "Ada")]);
    let sent: Vec<_> = (0..4)
        .map(|i| h.say("oc_dm", "ou_ada", &format!("burst {i}"), false))
        .collect();
    wait_recorded(&h, &sent).await;
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

#[tokio::test]
async fn an_answer_ready_within_the_delay_shows_no_typing_reaction_and_a_slower_one_does() {
    // Fast: the echo agent answers long before a (generous) delay is up.
    let fast = start(r#"dmPolicy: "open", typingDelayMs: 60000"#, ECHO).await;
    fast.seed("oc_dm", ChatMode::P2p, &[("ou_ada", "Ada")]);
    let m = fast.say("oc_dm", "ou_ada", "quick", false);
    assert_eq!(
        text_of(&fast.wait_replies("oc_dm", &m.message_id, 1).await[0]),
        "quick"
    );
    fast.wait_closed(&m.event_id).await;
    assert_eq!(
        reaction_calls(&fast, &m.message_id),
        vec![],
        "no reaction tried"
    );

    // Slow, at the default delay: the agent answers only once the reaction is on.
    let dir = tempfile::tempdir().unwrap();
    let go = dir.path().join("go");
    let slow = start(r#"dmPolicy: "open""#, &gated_agent(&go)).await;
    slow.seed("oc_dm", ChatMode::P2p, &[("ou_ada", "Ada")]);
    let m = slow.say("oc_dm", "ou_ada", "a hard one", false);
    wait_until("the typing reaction on", || {
        reactions_on(&slow, "oc_dm", &m.message_id).len() == 1
    })
    .await;
    assert!(slow.replies_to("oc_dm", &m.message_id).is_empty());
    std::fs::write(&go, "").unwrap();
    slow.wait_replies("oc_dm", &m.message_id, 1).await;
    slow.wait_closed(&m.event_id).await;
    wait_until("the typing reaction off", || {
        reactions_on(&slow, "oc_dm", &m.message_id).is_empty()
    })
    .await;
    let methods: Vec<String> = reaction_calls(&slow, &m.message_id)
        .into_iter()
        .map(|(method, _, _)| method)
        .collect();
    assert_eq!(methods, ["POST", "DELETE"]);
}

/// Under `--platform-limits`, a burst of turns at once in thirty chats, with the client's
/// budgets at a tenth of the documented figures (`appPerSecond: 5`: five reactions a second):
/// the reactions budget runs low and the later turns show no typing instead of queueing their
/// reactions behind it; the platform never refuses a call for rate, every message is answered
/// once, and no reaction is left behind.
#[tokio::test]
async fn a_burst_under_platform_limits_skips_typing_when_the_reactions_budget_is_low() {
    const CHATS: usize = 30;
    let dir = tempfile::tempdir().unwrap();
    let go = dir.path().join("go");
    let sim = lark_sim::SimConfig {
        platform_limits: true,
        ..lark_sim::SimConfig::default()
    };
    let lark = r#"dmPolicy: "open", typingDelayMs: 0, rateLimits: { appPerSecond: 5 }"#;
    let h = start_with(sim, lark, &gated_agent(&go)).await;
    let chats: Vec<String> = (0..CHATS).map(|c| format!("oc_dm_{c}")).collect();
    let sent: Vec<_> = chats
        .iter()
        .enumerate()
        .map(|(c, chat)| {
            let user = format!("ou_user_{c}");
            h.seed(chat, ChatMode::P2p, &[(&user, "User")]);
            h.say(chat, &user, &format!("burst {c}"), false)
        })
        .collect();
    wait_recorded(&h, &sent).await;
    std::fs::write(&go, "").unwrap();
    for (chat, m) in chats.iter().zip(&sent) {
        assert_eq!(h.wait_replies(chat, &m.message_id, 1).await.len(), 1);
        h.wait_closed(&m.event_id).await;
    }
    for (chat, m) in chats.iter().zip(&sent) {
        wait_until("no typing reaction left", || {
            reactions_on(&h, chat, &m.message_id).is_empty()
        })
        .await;
        assert_eq!(
            h.replies_to(chat, &m.message_id).len(),
            1,
            "{chat} answered once"
        );
    }
    let calls = h.sim.state().calls(APP);
    let refused: Vec<_> = calls
        .iter()
        .filter(|c| c.code == Some(99991400) || c.status == 429)
        .map(|c| format!("{} {}", c.method, c.path))
        .collect();
    assert!(refused.is_empty(), "refused for rate: {refused:?}");
    let adds = sent
        .iter()
        .filter(|m| {
            reaction_calls(&h, &m.message_id)
                .iter()
                .any(|(method, _, _)| method == "POST")
        })
        .count();
    assert!(adds > 0, "the first turns showed typing");
    assert!(
        adds < CHATS,
        "a low reactions budget skips typing, but all {adds} turns showed it"
    );
}
