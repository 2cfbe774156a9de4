//! Three `openclaw gateway run` processes on one lark-sim app and one PostgreSQL database
//! (`OPENCLAW_DATABASE_URL`; `#[ignore]`d unless asked for, as `scripts/test` does): every message answered once and in order, `channels status`
//! counting the replicas alive, and a replica killed with SIGKILL mid-turn whose work the
//! others finish, once.

mod common;

use std::collections::HashMap;
use std::time::Duration;

use common::*;
use lark_sim::{ChatMode, Injected, Sim};

/// Replicas take over a dead one's chats after its leases expire (10 s) and a sweep (2 s).
const TAKEOVER_WAIT: Duration = Duration::from_secs(60);

/// A fresh database on the test server. The tests that call this are `#[ignore]`d unless
/// asked for (`scripts/test` asks); asked for without a server, they fail.
async fn fresh_db(test: &str) -> String {
    let admin = std::env::var("OPENCLAW_TEST_PG_URL").unwrap_or_else(|_| {
        panic!("{test} needs PostgreSQL: set OPENCLAW_TEST_PG_URL (scripts/test sets it)")
    });
    let name = format!("oc_{}", uuid::Uuid::new_v4().simple());
    let (client, conn) = tokio_postgres::connect(&admin, tokio_postgres::NoTls)
        .await
        .unwrap_or_else(|e| panic!("OPENCLAW_TEST_PG_URL={admin} is unreachable: {e}"));
    tokio::spawn(conn);
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    let (base, _) = admin.rsplit_once('/').unwrap();
    format!("{base}/{name}")
}

/// `n` replicas, each its own machine (state dir, port) sharing the database `db`.
async fn replicas(sim: &Sim, db: &str, n: usize, agent: &str) -> Vec<(TestEnv, Gateway)> {
    let mut out = Vec::new();
    for _ in 0..n {
        let env = TestEnv::new();
        env.write_config(&config(
            sim.base_url(),
            r#"groupPolicy: "open", requireMention: false, typingIndicator: false"#,
            agent,
        ));
        let mut gw = env.spawn_with(&["gateway", "run"], &[("OPENCLAW_DATABASE_URL", db)]);
        gw.wait_stderr("ws client ready").await;
        out.push((env, gw));
    }
    assert!(
        sim.state().wait_connections(APP, n, WAIT).await,
        "not every replica connected"
    );
    out
}

fn group_chats(sim: &Sim, n: usize) -> Vec<String> {
    let chats: Vec<String> = (0..n).map(|i| format!("oc_rep{i}")).collect();
    for c in &chats {
        seed(sim.state(), APP, c, ChatMode::Group, &["ou_ada"]);
    }
    chats
}

/// Waits (bounded) until each message has a reply; then checks exactly one each, in order.
async fn assert_answered_once_in_order(sim: &Sim, sent: &HashMap<String, Vec<Injected>>) {
    let total: usize = sent.values().map(Vec::len).sum();
    let count = || -> usize {
        sent.keys()
            .map(|c| bot_messages(sim.state(), APP, c).len())
            .sum()
    };
    let deadline = tokio::time::Instant::now() + TAKEOVER_WAIT;
    while count() < total {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{} of {total} answered after {TAKEOVER_WAIT:?}",
            count()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    for (chat, msgs) in sent {
        let got: Vec<String> = bot_messages(sim.state(), APP, chat)
            .iter()
            .map(|m| m["parent_id"].as_str().unwrap_or_default().to_owned())
            .collect();
        let want: Vec<String> = msgs.iter().map(|m| m.message_id.clone()).collect();
        assert_eq!(got, want, "chat {chat}: not each once, in order");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: set OPENCLAW_TEST_PG_URL (scripts/test starts one and runs these)"]
async fn three_replica_processes_answer_every_message_once_in_order() {
    let db = fresh_db("three_replica_processes_answer_every_message_once_in_order").await;
    let sim = sim().await;
    let mut fleet = replicas(&sim, &db, 3, "").await;
    let chats = group_chats(&sim, 6);
    let mut sent: HashMap<String, Vec<Injected>> = HashMap::new();
    for i in 0..20 {
        for c in &chats {
            let m = say(sim.state(), APP, c, "ou_ada", &format!("{c} #{i}"));
            sent.entry(c.clone()).or_default().push(m);
        }
    }
    assert_answered_once_in_order(&sim, &sent).await;

    // Every replica says how many are alive.
    let out = fleet[0].0.run(&["channels", "status"]).await;
    assert!(out.ok().contains("replicas alive: 3"), "{}", out.all());
    let json = fleet[1].0.run(&["channels", "status", "--json"]).await;
    let v: serde_json::Value = serde_json::from_str(json.ok()).unwrap();
    assert_eq!(v["store"]["kind"], "postgres", "{v}");
    for (_, gw) in fleet.iter_mut() {
        gw.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: set OPENCLAW_TEST_PG_URL (scripts/test starts one and runs these)"]
async fn a_replica_killed_mid_turn_leaves_its_work_to_the_others_answered_once() {
    let db = fresh_db("a_replica_killed_mid_turn").await;
    let sim = sim().await;
    let marks = tempfile::tempdir().unwrap();
    // The agent notes which process runs it ($PPID is the gateway), takes 2 s, then answers.
    let script = format!(
        "cat >/dev/null; touch '{}/'$PPID; sleep 2; echo 'the slow answer'",
        s(marks.path())
    );
    let agent = format!(
        "agent: {{ provider: \"command\", command: [\"sh\", \"-c\", {}], timeoutSeconds: 30 }}",
        serde_json::to_string(&script).unwrap()
    );
    let mut fleet = replicas(&sim, &db, 3, &agent).await;
    let chats = group_chats(&sim, 6);
    let mut sent: HashMap<String, Vec<Injected>> = HashMap::new();
    for i in 0..2 {
        for c in &chats {
            let m = say(sim.state(), APP, c, "ou_ada", &format!("{c} #{i}"));
            sent.entry(c.clone()).or_default().push(m);
        }
    }
    // Kill the first replica seen running a turn, while it runs it.
    let mut victim = None;
    wait_until("an agent turn to start", || {
        let started: Vec<u32> = std::fs::read_dir(marks.path())
            .map(|d| {
                d.flatten()
                    .filter_map(|e| e.file_name().to_str()?.parse().ok())
                    .collect()
            })
            .unwrap_or_default();
        victim = fleet.iter().position(|(_, g)| started.contains(&g.pid));
        victim.is_some()
    })
    .await;
    let victim = victim.unwrap();
    fleet[victim].1.kill9().await;
    assert_answered_once_in_order(&sim, &sent).await;
    for (i, (_, gw)) in fleet.iter_mut().enumerate() {
        if i != victim {
            gw.stop().await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: set OPENCLAW_TEST_PG_URL (scripts/test starts one and runs these)"]
async fn a_replica_restarted_after_kill_9_gives_back_its_leases_at_once() {
    let db = fresh_db("a_replica_restarted_after_kill_9").await;
    let sim = sim().await;
    let marks = tempfile::tempdir().unwrap();
    let script = format!(
        "cat >/dev/null; touch '{}/'$PPID; sleep 1; echo 'the slow answer'",
        s(marks.path())
    );
    let agent = format!(
        "agent: {{ provider: \"command\", command: [\"sh\", \"-c\", {}], timeoutSeconds: 30 }}",
        serde_json::to_string(&script).unwrap()
    );
    let mut fleet = replicas(&sim, &db, 1, &agent).await;
    let chats = group_chats(&sim, 1);
    let sent: Vec<Injected> = (0..2)
        .map(|i| say(sim.state(), APP, &chats[0], "ou_ada", &format!("#{i}")))
        .collect();
    let pid = fleet[0].1.pid;
    wait_until("the agent turn to start", || {
        marks.path().join(pid.to_string()).exists()
    })
    .await;
    fleet[0].1.kill9().await;
    // The same machine (state directory) starts it again: its predecessor is gone, so the
    // chat lease it died holding is given back at once instead of after 10 s.
    let env = &fleet[0].0;
    let mut again = env.spawn_with(&["gateway", "run"], &[("OPENCLAW_DATABASE_URL", &db)]);
    again
        .wait_stderr("stopped without giving back its chat leases; released 1")
        .await;
    let sent = HashMap::from([(chats[0].clone(), sent)]);
    assert_answered_once_in_order(&sim, &sent).await;
    again.stop().await;
}

/// Three replicas, a flood in rounds over many chats, a command agent taking 0-0.3 s per turn,
/// and `kill -9` of one replica in the middle: every message once and in order. What the
/// killed replica was handed and never recorded is found in the chat's history by the replica
/// answering the chat's next message, before that message; what it recorded is taken over in
/// order once its leases lapse.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: set OPENCLAW_TEST_PG_URL (scripts/test starts one and runs these)"]
async fn a_replica_killed_in_a_flood_leaves_every_chat_in_order() {
    let db = fresh_db("a_replica_killed_in_a_flood").await;
    let sim = sim().await;
    let script = "sleep 0.$(( $$ % 4 )); cat >/dev/null; echo answered";
    let agent = format!(
        "agent: {{ provider: \"command\", command: [\"sh\", \"-c\", {}], timeoutSeconds: 30 }}",
        serde_json::to_string(script).unwrap()
    );
    let mut fleet = replicas(&sim, &db, 3, &agent).await;
    let chats = group_chats(&sim, 12);
    let mut sent: HashMap<String, Vec<Injected>> = HashMap::new();
    for round in 0..12 {
        for c in &chats {
            let m = say(sim.state(), APP, c, "ou_ada", &format!("{c} #{round}"));
            sent.entry(c.clone()).or_default().push(m);
        }
        if round == 6 {
            // Mid-flood: once the replicas are answering, the first one dies with its turns,
            // its leases and whatever its sockets were handed.
            wait_until("the first replies", || {
                chats
                    .iter()
                    .map(|c| bot_messages(sim.state(), APP, c).len())
                    .sum::<usize>()
                    >= chats.len()
            })
            .await;
            fleet[0].1.kill9().await;
        }
    }
    assert_answered_once_in_order(&sim, &sent).await;
    for (_, gw) in fleet.iter_mut().skip(1) {
        gw.stop().await;
    }
}

/// Three replicas and a job firing every second: each firing posted exactly once, also when a
/// replica is killed with SIGKILL while the job keeps firing (a firing it had claimed is
/// finished by another, with the same uuids).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: set OPENCLAW_TEST_PG_URL (scripts/test starts one and runs these)"]
async fn three_replicas_post_each_firing_of_a_job_once_even_when_one_is_killed() {
    let sim = sim().await;
    let db = fresh_db("scheduled jobs on replicas").await;
    seed(sim.state(), APP, "oc_cron", ChatMode::Group, &["ou_ada"]);
    let mut fleet = replicas(&sim, &db, 3, "").await;
    let envs = [("OPENCLAW_DATABASE_URL", db.as_str())];
    // The CLI on a machine of its own, on the same database.
    let cli = TestEnv::new();
    cli.write_config(&config(sim.base_url(), "", ""));
    let cli = &cli;
    let added = cli
        .run_with(
            &[
                "cron",
                "add",
                "--name",
                "tick",
                "--every",
                "1s",
                "--to",
                "chat:oc_cron",
                "--message",
                "tick",
                "--json",
            ],
            &envs,
        )
        .await;
    let v: serde_json::Value = serde_json::from_str(added.ok()).unwrap();
    let id = v["id"].as_str().unwrap().to_owned();
    let runs = |out: String| -> Vec<serde_json::Value> { serde_json::from_str(&out).unwrap() };
    let history = || async {
        let out = cli
            .run_with(&["cron", "runs", &id, "--limit", "1000", "--json"], &envs)
            .await;
        runs(out.ok().to_owned())
    };
    let posted = || bot_messages(sim.state(), APP, "oc_cron").len();
    wait_until("five firings posted", || posted() >= 5).await;
    fleet[1].1.kill9().await;
    let deadline = tokio::time::Instant::now() + TAKEOVER_WAIT;
    while posted() < 12 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{} posted",
            posted()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let off = cli.run_with(&["cron", "disable", &id], &envs).await;
    off.ok();
    // Every claimed firing ends (the killed replica's after its lease expires).
    loop {
        let h = history().await;
        if h.iter().all(|r| r["outcome"] != "running") {
            let sent = h.iter().filter(|r| r["outcome"] == "sent").count();
            assert_eq!(sent, posted(), "one post per firing: {h:#?}");
            assert!(sent >= 12);
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "still running: {h:#?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    for (i, (_, gw)) in fleet.iter_mut().enumerate() {
        if i != 1 {
            gw.stop().await;
        }
    }
}
