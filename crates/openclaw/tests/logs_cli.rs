//! Logs as a log shipper and a user read them: `gateway run --log-format json` (and
//! `logging.format: "json"`) writes one JSON object a line with level, target, account and the
//! message id; a bad `logging.format` is refused naming the key; `openclaw logs` prints the day's
//! file, `--since` filters it, and `--follow` prints lines as they are written.

mod common;

use common::*;
use serde_json::Value;

fn json_lines(text: &str) -> Vec<Value> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_lines_carry_level_target_account_and_message_id() {
    let sim = sim().await;
    let env = TestEnv::new();
    env.write_config(&config(sim.base_url(), "dmPolicy: \"open\"", ""));
    let (mut gw, _addr) = run_ws_gateway(&env, &sim, &["--log-format", "json", "--verbose"]).await;
    let state = sim.state();
    seed_dm(state, APP, "oc_dm_alice", "ou_alice");
    let m = say(state, APP, "oc_dm_alice", "ou_alice", "hello json");
    wait_replies(state, APP, "oc_dm_alice", &m.message_id, 1).await;
    gw.wait_stderr(&format!("answered {}", m.message_id)).await;
    gw.stop().await;

    let lines = json_lines(&gw.stderr());
    for l in &lines {
        for key in ["time", "level", "target", "message"] {
            assert!(l.get(key).is_some(), "{key} missing: {l}");
        }
    }
    let start = lines
        .iter()
        .find(|l| {
            l["message"]
                .as_str()
                .unwrap()
                .contains("starting Lark provider")
        })
        .expect("the start line");
    assert_eq!(start["account"], "default", "{start}");
    assert_eq!(start["target"], "lark", "{start}");
    assert_eq!(start["level"], "INFO", "{start}");
    let answered = lines
        .iter()
        .find(|l| l["message"].as_str().unwrap().contains("answered"))
        .expect("the answered line");
    assert_eq!(answered["message_id"], m.message_id.as_str(), "{answered}");
    assert!(lines.iter().any(|l| l["app_id"] == APP), "no app_id field");

    // The file holds the same objects, and `openclaw logs` prints them.
    let file = json_lines(&env.logs());
    assert!(
        file.iter()
            .any(|l| l["message_id"] == m.message_id.as_str())
    );
    let out = env.run(&["logs"]).await;
    let printed = json_lines(out.ok());
    assert_eq!(printed.len(), file.len(), "{}", out.all());
    assert!(!out.ok().contains(SECRET));
    let recent = env.run(&["logs", "--since", "1d"]).await;
    assert_eq!(json_lines(recent.ok()).len(), file.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logging_format_in_the_file_is_honoured_and_a_bad_one_refused() {
    let sim = sim().await;
    let env = TestEnv::new();
    env.write_config(&config(sim.base_url(), "", "logging: { format: \"xml\" },"));
    let out = env.run(&["gateway", "run", "--port", "0"]).await;
    let text = out.failed();
    assert!(
        text.contains("logging.format") && text.contains("\"json\""),
        "{text}"
    );

    env.write_config(&config(
        sim.base_url(),
        "",
        "logging: { format: \"json\", keepDays: 3 },",
    ));
    let (mut gw, _) = run_ws_gateway(&env, &sim, &[]).await;
    gw.stop().await;
    let lines = json_lines(&gw.stderr());
    assert!(
        lines.iter().any(|l| l["message"] == "ws client ready"),
        "{lines:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_follow_prints_new_lines_and_since_leaves_old_ones_out() {
    let env = TestEnv::new();
    std::fs::create_dir_all(env.log_dir()).unwrap();
    let out = env.run(&["logs"]).await;
    assert!(out.failed().contains("no log file"), "{}", out.all());

    // Today's file with a line from long ago and one from now.
    let today = env.log_dir().join(openclaw_gateway::log_file::file_name(
        std::time::SystemTime::now(),
    ));
    let now = openclaw_gateway::logging::timestamp(std::time::SystemTime::now());
    let old = format!("{}T00:00:00.000Z INFO  [lark] the old line", &now[..10]);
    std::fs::write(&today, format!("{old}\n{now} INFO  [lark] the new line\n")).unwrap();
    let out = env.run(&["logs", "--since", "1s"]).await;
    let text = out.ok();
    assert!(text.contains("the new line"), "{text}");
    // Unless the test runs in the first second of the day.
    if !now[11..].starts_with("00:00:0") {
        assert!(!text.contains("the old line"), "{text}");
    }

    let mut follow = env.spawn(&["logs", "--follow"]);
    follow.wait_stdout("the new line").await;
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&today)
        .unwrap();
    use std::io::Write;
    writeln!(f, "{now} INFO  [lark] written while following").unwrap();
    follow.wait_stdout("written while following").await;
    follow.kill9().await;
}
