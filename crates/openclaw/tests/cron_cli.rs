//! Scheduled jobs end to end: `openclaw cron add` writes a job to the store, a running
//! gateway posts each firing once to lark-sim, `cron runs` tells the history; a one-shot found
//! late runs once inside `cron.catchUpMinutes` and is recorded as missed past it; bad input is
//! refused with a sentence saying what to fix.

mod common;

use common::*;
use lark_sim::ChatMode;
use serde_json::Value;

fn runs(env_out: &str) -> Vec<Value> {
    serde_json::from_str(env_out).unwrap_or_else(|e| panic!("{e}: {env_out}"))
}

fn job_id(added: &str) -> String {
    let v: Value = serde_json::from_str(added).unwrap_or_else(|e| panic!("{e}: {added}"));
    v["id"].as_str().unwrap().to_owned()
}

fn ago(minutes: i64) -> String {
    (jiff::Timestamp::now() - jiff::SignedDuration::from_mins(minutes)).to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_every_2s_job_posts_once_per_firing() {
    let sim = sim().await;
    let state = sim.state();
    seed(state, APP, "oc_team", ChatMode::Group, &["ou_ada"]);
    let env = TestEnv::new();
    env.write_config(&config(sim.base_url(), "", ""));
    let added = env
        .run(&[
            "cron",
            "add",
            "--name",
            "standup",
            "--every",
            "2s",
            "--tz",
            "UTC",
            "--to",
            "chat:oc_team",
            "--message",
            "Stand-up time",
            "--json",
        ])
        .await;
    let id = job_id(added.ok());
    // On the configured port, where `channels status` looks for it.
    let mut gw = env.spawn(&["gateway", "run"]);
    let addr = gw.addr().await;
    gw.wait_stderr("ws client ready").await;
    let (_, status) = get(&format!("http://{addr}/status")).await;
    assert!(
        status.contains(&id) && status.contains("nextRunAtMs"),
        "{status}"
    );
    let channels = env.run(&["channels", "status"]).await;
    assert!(
        channels
            .ok()
            .contains(&format!("job {id} (standup): every 2s, next ")),
        "{}",
        channels.all()
    );
    wait_until("three posts of the job", || {
        bot_messages(state, APP, "oc_team").len() >= 3
    })
    .await;
    gw.stop().await;
    let posted = bot_messages(state, APP, "oc_team");
    assert!(
        posted.iter().all(|m| text_of(m).contains("Stand-up time")),
        "{posted:#?}"
    );
    let history = runs(env.run(&["cron", "runs", &id, "--json"]).await.ok());
    let sent: Vec<&Value> = history.iter().filter(|r| r["outcome"] == "sent").collect();
    // One post per firing: as many messages as firings sent, each firing two seconds apart.
    assert_eq!(sent.len(), posted.len(), "{history:#?}");
    let mut times: Vec<i64> = sent
        .iter()
        .map(|r| r["scheduledAtMs"].as_i64().unwrap())
        .collect();
    times.sort();
    assert!(times.windows(2).all(|w| w[1] - w[0] >= 2000), "{times:?}");
    let listed = env.run(&["automations", "list"]).await;
    assert!(
        listed.ok().contains(&id) && listed.ok().contains("every 2s"),
        "{}",
        listed.all()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_one_shot_found_late_runs_inside_the_catch_up_window_and_is_missed_past_it() {
    let sim = sim().await;
    let state = sim.state();
    seed(state, APP, "oc_late", ChatMode::Group, &["ou_ada"]);
    seed(state, APP, "oc_soon", ChatMode::Group, &["ou_ada"]);
    let env = TestEnv::new();
    env.write_config(&config(sim.base_url(), "", ""));
    let late = env
        .run(&[
            "cron",
            "add",
            "--at",
            &ago(30),
            "--to",
            "chat:oc_late",
            "--message",
            "too late",
            "--json",
        ])
        .await;
    let late = job_id(late.ok());
    let soon = env
        .run(&[
            "cron",
            "create",
            "--at",
            &ago(2),
            "--to",
            "chat:oc_soon",
            "--message",
            "a bit late",
            "--json",
        ])
        .await;
    let soon = job_id(soon.ok());
    let (mut gw, _addr) = run_ws_gateway(&env, &sim, &[]).await;
    wait_until("the late-but-inside post", || {
        !bot_messages(state, APP, "oc_soon").is_empty()
    })
    .await;
    gw.wait_stderr("missed a firing").await;
    gw.stop().await;
    assert_eq!(bot_messages(state, APP, "oc_soon").len(), 1);
    assert!(bot_messages(state, APP, "oc_late").is_empty());
    let missed = runs(env.run(&["cron", "runs", &late, "--json"]).await.ok());
    assert_eq!(missed.len(), 1, "{missed:#?}");
    assert_eq!(missed[0]["outcome"], "missed");
    assert!(
        missed[0]["detail"]
            .as_str()
            .unwrap()
            .contains("cron.catchUpMinutes is 10")
    );
    for id in [&late, &soon] {
        let shown: Value =
            serde_json::from_str(env.run(&["cron", "show", id, "--json"]).await.ok()).unwrap();
        assert_eq!(
            shown["enabled"], false,
            "a one-shot that fired is switched off: {shown}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_jobs_are_refused_with_what_to_fix() {
    let sim = sim().await;
    seed(sim.state(), APP, "oc_team", ChatMode::Group, &["ou_ada"]);
    let env = TestEnv::new();
    env.write_config(&config(sim.base_url(), "", ""));
    let base = ["cron", "add", "--to", "chat:oc_team", "--message", "hi"];
    let with = |extra: &[&'static str]| {
        let mut a: Vec<&str> = base.to_vec();
        a.extend_from_slice(extra);
        a
    };
    let cases: [(&[&str], &str); 4] = [
        (
            &["--cron", "61 * * * *"],
            "invalid cron expression \"61 * * * *\"",
        ),
        (
            &["--every", "1h", "--tz", "Mars/Olympus"],
            "unknown time zone \"Mars/Olympus\"",
        ),
        (&["--every", "1h", "--at", "20m"], "cannot be used with"),
        (&["--every", "soon"], "invalid interval \"soon\""),
    ];
    for (extra, want) in cases {
        let out = env.run(&with(extra)).await;
        let err = out.failed();
        assert!(err.contains(want), "{extra:?}: {err}");
    }
    let out = env
        .run(&[
            "cron",
            "add",
            "--every",
            "1h",
            "--to",
            "chat:oc_nowhere",
            "--message",
            "hi",
        ])
        .await;
    let err = out.failed();
    assert!(
        err.contains("the bot cannot post to chat:oc_nowhere"),
        "{err}"
    );
    let listed = env.run(&["cron", "list", "--json"]).await;
    assert_eq!(runs(listed.ok()).len(), 0, "nothing was added");
}
