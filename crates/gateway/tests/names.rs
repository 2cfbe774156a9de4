//! Who is talking: sender names come from the contact API through a per-account cache (one
//! look-up per user however many messages, batched), reach the agent in the group prefix and
//! the turn, are refreshed after their TTL, and a missing scope costs one call, not one per message.

mod common;

use std::time::Duration;

use common::*;
use lark_sim::{ChatMode, ScopeChange, UserSpec};

const OPEN: &str =
    r#"dmPolicy: "open", groupPolicy: "open", requireMention: false, typingIndicator: false"#;

fn contact_calls(h: &Harness) -> usize {
    h.sim
        .state()
        .calls(APP)
        .iter()
        .filter(|c| c.path.contains("/contact/v3/users"))
        .count()
}

fn user(id: &str, name: &str) -> UserSpec {
    UserSpec {
        open_id: id.into(),
        name: name.into(),
        en_name: None,
        union_id: None,
        user_id: None,
    }
}

#[tokio::test]
async fn a_thousand_messages_from_twenty_users_cost_at_most_twenty_look_ups() {
    // lark-sim enforces no rate limit here; the client's own 5 sends/s per chat would make
    // this test take 20 s.
    let h = start(
        &format!("{OPEN}, rateLimits: {{ appPerSecond: 100000, chatPerSecond: 100000 }}"),
        r#"{ provider: "echo" }"#,
    )
    .await;
    let members: Vec<(String, String)> = (0..20)
        .map(|i| (format!("ou_user_{i:02}"), format!("User {i}")))
        .collect();
    let refs: Vec<(&str, &str)> = members
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    for c in 0..10 {
        h.seed(&format!("oc_g{c}"), ChatMode::Group, &refs);
    }
    let mut sent = Vec::new();
    for i in 0..1000 {
        let (id, _) = &members[i % 20];
        sent.push((
            format!("oc_g{}", i % 10),
            h.say(&format!("oc_g{}", i % 10), id, &format!("m{i}"), false),
        ));
    }
    let answered = || -> usize {
        (0..10)
            .map(|c| {
                h.messages(&format!("oc_g{c}"))
                    .iter()
                    .filter(|m| m["sender"]["sender_type"] == "app")
                    .count()
            })
            .sum()
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while answered() < sent.len() && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(answered(), 1000);
    let calls = contact_calls(&h);
    assert!((1..=20).contains(&calls), "{calls} contact look-ups");
}

/// Ada says `text` (as `name`: the sim renames a sender to the name a message carries).
async fn turn(h: &Harness, out: &std::path::Path, name: &str, text: &str) -> serde_json::Value {
    let m = h
        .sim
        .state()
        .user_sends(
            APP,
            lark_sim::UserMessage {
                chat_id: Some("oc_team".into()),
                sender: lark_sim::Person::new("ou_ada", name),
                text: Some(text.into()),
                ..Default::default()
            },
        )
        .unwrap();
    h.wait_replies("oc_team", &m.message_id, 1).await;
    serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap()
}

#[tokio::test]
async fn the_name_reaches_the_agent_and_a_rename_is_seen_after_the_ttl() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("turn.json");
    let agent = format!(
        r#"{{ provider: "command", command: ["sh", "-c", "cat > '{}'; printf ok"], timeoutSeconds: 20 }}"#,
        out.display()
    );
    let h = start(&format!("{OPEN}, senderNameTtlSeconds: 1"), &agent).await;
    h.seed("oc_team", ChatMode::Group, &[("ou_ada", "Ada")]);
    let t = turn(&h, &out, "Ada", "first").await;
    assert_eq!(t["senderName"], "Ada");
    assert!(
        t["text"]
            .as_str()
            .unwrap()
            .starts_with("[chatId=oc_team sender=ou_ada name=Ada]"),
        "{t}"
    );
    // Renamed on the platform: the cached name holds until its TTL, then the new one shows.
    h.sim
        .state()
        .set_user(APP, user("ou_ada", "Ada Lovelace"))
        .unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let t = turn(&h, &out, "Ada Lovelace", "second").await;
    assert_eq!(t["senderName"], "Ada Lovelace");
}

#[tokio::test]
async fn without_the_contact_scope_the_id_is_used_and_not_looked_up_per_message() {
    let h = start(OPEN, r#"{ provider: "echo" }"#).await;
    h.sim
        .state()
        .set_scopes(
            APP,
            ScopeChange {
                contact: Some(false),
                user_base: None,
            },
        )
        .unwrap();
    h.seed(
        "oc_team",
        ChatMode::Group,
        &[("ou_ada", "Ada"), ("ou_bo", "Bo")],
    );
    for i in 0..10 {
        let from = if i % 2 == 0 { "ou_ada" } else { "ou_bo" };
        let m = h.say("oc_team", from, &format!("m{i}"), false);
        assert_eq!(h.wait_replies("oc_team", &m.message_id, 1).await.len(), 1);
    }
    assert_eq!(contact_calls(&h), 1);
}
