//! A standby connection per account: when one long connection drops or goes silent, the other
//! carries every new event at once (each acknowledged on its first delivery attempt, none left
//! waiting for the platform's redelivery), and a redelivery on the other socket is answered once.

mod common;

use std::time::Duration;

use common::*;
use lark_sim::{ChatMode, DeliveryStatus};

const ECHO: &str = r#"{ provider: "echo" }"#;
const OPEN: &str = r#"dmPolicy: "open", groupPolicy: "open", requireMention: false"#;

/// Sends `n` messages at once and checks each was answered exactly once and acknowledged on the
/// first delivery attempt.
async fn burst_answered_on_first_attempt(h: &Harness, chat: &str, n: usize, tag: &str) {
    let sent: Vec<_> = (0..n)
        .map(|i| h.say(chat, "ou_ada", &format!("{tag} {i}"), false))
        .collect();
    for m in &sent {
        let r = h.wait_replies(chat, &m.message_id, 1).await;
        assert_eq!(r.len(), 1, "no reply to {}", m.message_id);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let deliveries = h.sim.state().deliveries(APP).unwrap();
    for m in &sent {
        assert_eq!(h.replies_to(chat, &m.message_id).len(), 1);
        let d = deliveries
            .iter()
            .find(|d| d.event_id == m.event_id)
            .unwrap();
        assert_eq!(d.status, DeliveryStatus::Acked);
        assert_eq!(
            d.attempts.len(),
            1,
            "{} waited for a redelivery: {:?}",
            m.message_id,
            d.attempts
        );
    }
}

#[tokio::test]
async fn two_connections_by_default_and_a_drop_leaves_no_gap() {
    let h = start_with(quick_sim_slow_reconnect(), OPEN, ECHO).await;
    h.seed("oc_g", ChatMode::Group, &[("ou_ada", "Ada")]);
    assert!(
        h.sim
            .state()
            .wait_connections(APP, 2, Duration::from_secs(10))
            .await,
        "two connections by default"
    );
    let dropped = h.sim.state().drop_connection(APP, None).unwrap();
    assert!(dropped.is_some());
    // The dropped socket is gone at once; the other carries everything.
    assert!(
        h.sim
            .state()
            .wait_connections_exactly(APP, 1, Duration::from_secs(5))
            .await
    );
    burst_answered_on_first_attempt(&h, "oc_g", 50, "after drop").await;
    let status = openclaw_gateway::status::account_statuses(&h.gateway().ctx).await;
    assert_eq!(status[0].connections.len(), 2);
    assert!(status[0].disconnects >= 1, "{status:?}");
}

#[tokio::test]
async fn a_silent_connection_is_found_by_its_pong_deadline_and_the_other_carries_on() {
    let h = start_with(
        quick_sim_slow_reconnect(),
        &format!("{OPEN}, pingIntervalSeconds: 1, pongTimeoutSeconds: 1"),
        ECHO,
    )
    .await;
    h.seed("oc_g", ChatMode::Group, &[("ou_ada", "Ada")]);
    assert!(
        h.sim
            .state()
            .wait_connections(APP, 2, Duration::from_secs(10))
            .await
    );
    h.sim
        .state()
        .set_silent_connection(APP, None, true)
        .unwrap();
    // The gateway notices within its pong deadline and closes that socket.
    let ctx = h.gateway().ctx.clone();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let s = openclaw_gateway::status::account_statuses(&ctx).await;
        let found = s[0].connections.iter().any(|c| {
            c.last_error
                .as_deref()
                .is_some_and(|e| e.contains("no pong"))
        });
        if found {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "never noticed: {s:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    burst_answered_on_first_attempt(&h, "oc_g", 50, "after silence").await;
}

#[tokio::test]
async fn with_both_connections_dropped_nothing_is_lost() {
    let h = start_with(quick_sim(), OPEN, ECHO).await;
    h.seed("oc_g", ChatMode::Group, &[("ou_ada", "Ada")]);
    assert!(
        h.sim
            .state()
            .wait_connections(APP, 2, Duration::from_secs(10))
            .await
    );
    h.sim.state().drop_connections(APP).unwrap();
    let sent: Vec<_> = (0..10)
        .map(|i| h.say("oc_g", "ou_ada", &format!("gap {i}"), false))
        .collect();
    for m in &sent {
        assert_eq!(h.wait_replies("oc_g", &m.message_id, 1).await.len(), 1);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    for m in &sent {
        assert_eq!(h.replies_to("oc_g", &m.message_id).len(), 1);
    }
}

#[tokio::test]
async fn one_connection_when_configured() {
    let h = start_with(quick_sim(), &format!("{OPEN}, connections: 1"), ECHO).await;
    h.seed("oc_g", ChatMode::Group, &[("ou_ada", "Ada")]);
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(h.sim.state().connection_count(APP), 1);
    let m = h.say("oc_g", "ou_ada", "hello", false);
    assert_eq!(h.wait_replies("oc_g", &m.message_id, 1).await.len(), 1);
}
