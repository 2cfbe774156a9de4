//! Crash safety of `openclaw gateway run`: a gateway killed with SIGKILL while the agent command
//! is answering a DM, restarted on the same state dir, answers that DM exactly once; SIGTERM
//! during a turn lets it finish, exits 0, and the restart does not answer it again; and when
//! lark-sim cuts the long connection in the middle of a burst of messages, every message is
//! answered exactly once.

mod common;

use std::time::Duration;

use common::*;
use lark_sim::{RedeliveryPolicy, SimConfig};

/// A config whose agent touches `marker`, takes 2 s, then answers.
fn slow_agent_config(sim_url: &str, marker: &std::path::Path) -> String {
    let script = format!(
        "cat >/dev/null; touch '{}'; sleep 2; echo 'the slow answer'",
        s(marker)
    );
    let agent = format!(
        "agent: {{ provider: \"command\", command: [\"sh\", \"-c\", {}], timeoutSeconds: 30 }}",
        serde_json::to_string(&script).unwrap()
    );
    config(sim_url, "dmPolicy: \"open\"", &agent)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_during_a_turn_finishes_it_and_exits_zero() {
    let sim = sim().await;
    let state = sim.state();
    let env = TestEnv::new();
    let marker = path_in(&env, "agent-started");
    env.write_config(&slow_agent_config(sim.base_url(), &marker));
    let (mut gw, _) = run_ws_gateway(&env, &sim, &[]).await;

    seed_dm(state, APP, "oc_dm_term", "ou_term");
    let m = say(state, APP, "oc_dm_term", "ou_term", "take your time");
    wait_until("the agent command to start", || marker.exists()).await;
    gw.signal("TERM");
    let status = gw.wait_exit().await;
    assert_eq!(status.code(), Some(0), "{}", gw.stderr());
    let r = replies_to(state, APP, "oc_dm_term", &m.message_id);
    assert_eq!(
        r.len(),
        1,
        "the turn in flight was not finished before exit: {r:#?}\n{}",
        gw.stderr()
    );

    // The next run has nothing to resume: the chat's next message is the next answer.
    let (mut gw, _) = run_ws_gateway(&env, &sim, &[]).await;
    let next = say(state, APP, "oc_dm_term", "ou_term", "and another");
    wait_replies(state, APP, "oc_dm_term", &next.message_id, 1).await;
    assert_eq!(replies_to(state, APP, "oc_dm_term", &m.message_id).len(), 1);
    assert!(!gw.stderr().contains("resuming"), "{}", gw.stderr());
    gw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_a_turn_then_restart_answers_exactly_once() {
    let sim = sim().await;
    let state = sim.state();
    let env = TestEnv::new();
    let marker = path_in(&env, "agent-started");
    env.write_config(&slow_agent_config(sim.base_url(), &marker));
    let (mut gw, _) = run_ws_gateway(&env, &sim, &[]).await;

    seed_dm(state, APP, "oc_dm_crash", "ou_crash");
    let m = say(state, APP, "oc_dm_crash", "ou_crash", "think hard");
    wait_until("the agent command to start", || marker.exists()).await;
    gw.kill9().await;
    assert!(
        replies_to(state, APP, "oc_dm_crash", &m.message_id).is_empty(),
        "answered before the kill; the test proves nothing"
    );
    std::fs::remove_file(&marker).unwrap();
    wait_until("the sim to see the connection drop", || {
        state.connection_count(APP) == 0
    })
    .await;

    let (mut gw, _) = run_ws_gateway(&env, &sim, &[]).await;
    let stderr = gw
        .wait_stderr("resuming 1 chat(s) with unfinished turns")
        .await;
    assert!(stderr.contains("[default]"), "{stderr}");
    let r = wait_replies(state, APP, "oc_dm_crash", &m.message_id, 1).await;
    assert!(text_of(&r[0]).contains("the slow answer"), "{r:#?}");
    // Longer than the agent takes: a second answer would have come by now.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let r = replies_to(state, APP, "oc_dm_crash", &m.message_id);
    assert_eq!(r.len(), 1, "answered more than once: {r:#?}");
    assert_eq!(bot_messages(state, APP, "oc_dm_crash").len(), 1);
    gw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_long_connection_mid_burst_loses_and_doubles_nothing() {
    const N: usize = 10;
    // The platform tells clients to wait a random part of `reconnect_nonce` (30 s) before
    // reconnecting; 1 s keeps the test short.
    let sim = sim_with(SimConfig {
        reconnect_nonce_secs: 1,
        reconnect_interval_secs: 1,
        redelivery: RedeliveryPolicy {
            ack_timeout: Duration::from_secs(1),
            schedule: vec![Duration::from_millis(300); 40],
        },
        ..SimConfig::default()
    })
    .await;
    let state = sim.state();
    let env = TestEnv::new();
    env.write_config(&config(sim.base_url(), "dmPolicy: \"open\"", ""));
    let (mut gw, addr) = run_ws_gateway(&env, &sim, &[]).await;

    let chats = ["oc_burst_a", "oc_burst_b"];
    seed_dm(state, APP, chats[0], "ou_burst_a");
    seed_dm(state, APP, chats[1], "ou_burst_b");
    let mut sent = Vec::new();
    for i in 0..N {
        if i == N / 2 {
            assert!(state.drop_connections(APP).unwrap() >= 1);
        }
        let chat = chats[i % 2];
        let user = if i % 2 == 0 {
            "ou_burst_a"
        } else {
            "ou_burst_b"
        };
        sent.push((
            chat,
            say(state, APP, chat, user, &format!("message number {i}")),
        ));
    }
    gw.wait_stderr("ws disconnected").await;
    for (chat, m) in &sent {
        let deadline = tokio::time::Instant::now() + WAIT;
        while replies_to(state, APP, chat, &m.message_id).is_empty() {
            assert!(
                tokio::time::Instant::now() < deadline,
                "{} never answered; deliveries:\n{:#?}\ngateway:\n{}",
                m.message_id,
                state
                    .deliveries(APP)
                    .unwrap()
                    .iter()
                    .find(|d| d.event_id == m.event_id),
                gw.stderr()
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        let d = state.wait_delivery(APP, &m.event_id, WAIT).await.unwrap();
        assert_eq!(d.status, lark_sim::DeliveryStatus::Acked, "{d:#?}");
    }
    wait_metric(
        &addr,
        &format!("openclaw_turns_total{{account=\"default\",outcome=\"sent\"}} {N}"),
    )
    .await;
    for (i, (chat, m)) in sent.iter().enumerate() {
        let r = replies_to(state, APP, chat, &m.message_id);
        assert_eq!(r.len(), 1, "message {i} answered {} times: {r:#?}", r.len());
        assert!(
            text_of(&r[0]).contains(&format!("message number {i}")),
            "{r:#?}"
        );
    }
    let all: usize = chats
        .iter()
        .map(|c| bot_messages(state, APP, c).len())
        .sum();
    assert_eq!(all, N);
    gw.stop().await;
}
