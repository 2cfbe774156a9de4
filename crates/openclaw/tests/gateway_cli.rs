//! `openclaw gateway run` as a user starts it: refused with the spec's "App ID not configured" /
//! "App secret not configured" when credentials are missing; started from `LARK_APP_ID` /
//! `LARK_APP_SECRET`; the spec's start-up lines on stderr and in the day's log file; a DM answered
//! by the echo agent; `--verbose` probing the bot at start; SIGTERM and SIGINT exiting 0; and
//! `gateway run --sim` working with no config at all, its printed curl line getting an answer.

mod common;

use common::*;
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_credentials_is_refused_with_the_spec_words() {
    let env = TestEnv::new();
    let out = env.run(&["gateway", "run", "--port", "0"]).await;
    let text = out.failed();
    assert!(text.contains("App ID not configured"), "{text}");
    assert!(text.contains("LARK_APP_ID"), "{text}");

    let out = env
        .run_with(&["gateway", "run", "--port", "0"], &[("LARK_APP_ID", APP)])
        .await;
    let text = out.failed();
    assert!(text.contains("App secret not configured"), "{text}");
    assert!(text.contains("LARK_APP_SECRET"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn starts_from_environment_credentials() {
    let sim = sim().await;
    let env = TestEnv::new();
    env.write_config(&format!(
        "{{ channels: {{ lark: {{ domain: \"{}\" }} }} }}",
        sim.base_url()
    ));
    let mut gw = env.spawn_with(
        &["gateway", "run", "--port", "0"],
        &[("LARK_APP_ID", APP), ("LARK_APP_SECRET", SECRET)],
    );
    gw.wait_stderr("ws client ready").await;
    assert!(sim.state().wait_connections(APP, 1, WAIT).await);
    gw.stop().await;
    assert!(!gw.stderr().contains(SECRET));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_lines_go_to_stderr_and_the_log_file_and_a_dm_is_echoed() {
    let sim = sim().await;
    let env = TestEnv::new();
    env.write_config(&config(sim.base_url(), "dmPolicy: \"open\"", ""));
    let (mut gw, _addr) = run_ws_gateway(&env, &sim, &[]).await;
    let stderr = gw.wait_stderr("ws client ready").await;
    let spec_lines = [
        format!("[lark] [default] starting Lark provider ({APP}) in websocket mode"),
        "[ws] ws connect success".to_owned(),
        "[ws] ws client ready".to_owned(),
    ];
    for line in &spec_lines {
        assert!(
            stderr.contains(line.as_str()),
            "stderr lacks {line:?}:\n{stderr}"
        );
    }
    // The log file's path is printed at start; it is the day's file in OPENCLAW_LOG_DIR.
    let at = stderr.find("log file: ").expect("no 'log file:' line");
    let path = stderr[at + "log file: ".len()..]
        .lines()
        .next()
        .unwrap()
        .trim();
    let path = std::path::Path::new(path);
    assert_eq!(path.parent().unwrap(), env.log_dir(), "{stderr}");
    let name = path.file_name().unwrap().to_str().unwrap();
    assert!(
        name.starts_with("openclaw-")
            && name.ends_with(".log")
            && name.len() == "openclaw-YYYY-MM-DD.log".len(),
        "{name}"
    );
    let log = std::fs::read_to_string(path).expect("read the log file");
    for line in &spec_lines {
        assert!(
            log.contains(line.as_str()),
            "log file lacks {line:?}:\n{log}"
        );
    }

    let state = sim.state();
    seed_dm(state, APP, "oc_dm_alice", "ou_alice");
    let m = say(state, APP, "oc_dm_alice", "ou_alice", "hello gateway");
    let replies = wait_replies(state, APP, "oc_dm_alice", &m.message_id, 1).await;
    assert!(
        text_of(&replies[0]).contains("hello gateway"),
        "{replies:#?}"
    );
    gw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verbose_logs_the_probe_at_start() {
    let sim = sim().await;
    let env = TestEnv::new();
    env.write_config(&config(sim.base_url(), "", ""));
    let mut gw = env.spawn(&["gateway", "run", "--port", "0", "--verbose"]);
    let stderr = gw.wait_stderr("probe ok").await;
    let line = stderr.lines().find(|l| l.contains("probe ok")).unwrap();
    assert!(
        line.contains("[default]") && line.contains("E2E Bot") && line.contains("ou_"),
        "{line}"
    );
    gw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_and_sigint_exit_zero() {
    let sim = sim().await;
    let env = TestEnv::new();
    env.write_config(&config(sim.base_url(), "", ""));
    for sig in ["TERM", "INT"] {
        let (mut gw, _) = run_ws_gateway(&env, &sim, &[]).await;
        gw.signal(sig);
        let status = gw.wait_exit().await;
        assert_eq!(
            status.code(),
            Some(0),
            "SIG{sig}: {status}\n{}",
            gw.stderr()
        );
        assert!(gw.stderr().contains("stopped"), "{}", gw.stderr());
        let state = sim.state();
        wait_until("the sim to see the connection close", || {
            state.connection_count(APP) == 0
        })
        .await;
    }
}

/// The JSON inside `-d '...'` on the line after `marker` in the --sim how-to.
fn curl_body(howto: &str, marker: &str) -> (String, String) {
    let mut lines = howto.lines().skip_while(|l| !l.contains(marker));
    let curl = lines
        .nth(1)
        .unwrap_or_else(|| panic!("no curl after {marker:?}:\n{howto}"));
    let url = curl
        .split_whitespace()
        .find(|w| w.starts_with("http"))
        .unwrap()
        .to_owned();
    let body = curl
        .split("-d '")
        .nth(1)
        .unwrap()
        .trim_end()
        .trim_end_matches('\'')
        .to_owned();
    (url, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sim_mode_needs_no_config_and_its_curl_line_gets_an_answer() {
    let env = TestEnv::new();
    let mut gw = env.spawn(&["gateway", "run", "--sim", "--port", "0"]);
    let howto = gw.wait_stdout("Read a conversation").await;
    gw.wait_stderr("ws client ready").await;
    assert!(
        howto.contains("lark-sim (a local Lark) is running at http://"),
        "{howto}"
    );
    assert!(howto.contains("curl -s "), "{howto}");
    assert!(!env.config_file().exists(), "--sim wrote a config");

    let (url, body) = curl_body(&howto, "Alice writes to the bot in a DM");
    let sent: Value = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"));
    let r = http()
        .post(&url)
        .header("content-type", "application/json")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{:?}", r.text().await);
    let injected: Value = r.json().await.unwrap();
    let message_id = injected["message_id"].as_str().unwrap().to_owned();

    // Read the DM through the sim's control API, as the how-to's last curl line does.
    let read_url = howto
        .lines()
        .skip_while(|l| !l.contains("Read a conversation"))
        .nth(1)
        .and_then(|l| l.split_whitespace().find(|w| w.starts_with("http")))
        .unwrap()
        .to_owned();
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let msgs: Value = http()
            .get(&read_url)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let list = msgs
            .as_array()
            .cloned()
            .or_else(|| msgs["items"].as_array().cloned())
            .unwrap_or_default();
        let reply = list
            .iter()
            .find(|m| m["parent_id"] == message_id.as_str() && m["sender"]["sender_type"] == "app");
        if let Some(reply) = reply {
            assert!(
                text_of(reply).contains(sent["text"].as_str().unwrap()),
                "{reply:#}"
            );
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no echo reply; the chat:\n{msgs:#}\n{}",
            gw.stderr()
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    gw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verbose_with_a_wrong_secret_shows_the_fix_and_status_says_why() {
    let sim = sim().await;
    let env = TestEnv::new();
    env.write_config(&config(sim.base_url(), "", "").replace(SECRET, "wrong-secret-0000"));
    let mut gw = env.spawn(&["gateway", "run", "--port", "0", "--verbose"]);
    let addr = gw.addr().await;
    let stderr = gw.wait_stderr("probe failed").await;
    let stderr = if stderr.contains("Invalid App ID or App Secret") {
        stderr
    } else {
        gw.wait_stderr("Invalid App ID or App Secret").await
    };
    assert!(stderr.contains("[default] probe failed"), "{stderr}");
    // The gateway stays up and says what is wrong on /status.
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let (_, body) = get(&format!("http://{addr}/status")).await;
        let v: Value = serde_json::from_str(&body).unwrap();
        let a = &v["accounts"][0];
        if a["lastError"].is_string() {
            assert_ne!(a["state"], "connected", "{v:#}");
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "/status never reported the error: {v:#}\n{}",
            gw.stderr()
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    gw.stop().await;
}
