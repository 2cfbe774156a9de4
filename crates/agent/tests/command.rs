//! The command agent against real processes: scripts written into a temporary directory.

use std::path::{Path, PathBuf};
use std::time::Duration;

use futures::StreamExt;
use openclaw_agent::{
    Agent, AgentError, AgentEvent, ChatKind, CommandAgent, MediaFile, Turn, collect,
};
use tokio::time::{Instant, timeout};

/// Every test finishes well within this, or something hangs.
const BOUND: Duration = Duration::from_secs(15);

fn turn(text: &str) -> Turn {
    Turn {
        account: "default".into(),
        session_key: "lark:default:group:oc_chat".into(),
        chat_id: "oc_chat".into(),
        chat_type: ChatKind::Group,
        sender_open_id: "ou_sender".into(),
        sender_name: Some("Ada".into()),
        message_id: "om_1".into(),
        thread_id: None,
        text: text.into(),
        media: vec![MediaFile {
            path: PathBuf::from("/tmp/x.png"),
            kind: "image".into(),
            file_name: Some("x.png".into()),
        }],
        media_errors: vec!["file too large".into()],
        system_prompt: Some("be brief".into()),
        tools: Default::default(),
        skills: None,
        doc_comment: None,
        messages: Vec::new(),
        steer: Default::default(),
        history: Vec::new(),
        notes: Vec::new(),
        session_turns: None,
        card_action: None,
    }
}

/// An agent running `sh <script>` with `body` as the script, in `dir`.
fn sh(dir: &Path, body: &str, limit: Duration) -> CommandAgent {
    let script = dir.join("agent.sh");
    std::fs::write(&script, format!("cd '{}'\n{body}\n", dir.display())).unwrap();
    CommandAgent::new(vec!["sh".into(), script.display().to_string()], limit).unwrap()
}

#[tokio::test]
async fn answers_with_stdout_and_sees_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let agent = sh(
        dir.path(),
        r#"cat >/dev/null; printf 'hello %s %s %s' "$OPENCLAW_SESSION_KEY" "$OPENCLAW_CHAT_ID" "$OPENCLAW_SENDER""#,
        Duration::from_secs(10),
    );
    let answer = timeout(BOUND, collect(agent.run(turn("hi"))))
        .await
        .unwrap();
    assert_eq!(
        answer.unwrap(),
        "hello lark:default:group:oc_chat oc_chat ou_sender"
    );
}

#[tokio::test]
async fn receives_the_turn_as_json_on_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("agent.py");
    std::fs::write(
        &script,
        r#"import json, sys
t = json.load(sys.stdin)
print(t["sessionKey"], t["chatType"], t["senderName"], t["media"][0]["fileName"],
      t["mediaErrors"][0], t["systemPrompt"], t["threadId"], t["text"], sep="|", end="")
"#,
    )
    .unwrap();
    let agent = CommandAgent::new(
        vec!["python3".into(), script.display().to_string()],
        Duration::from_secs(10),
    )
    .unwrap();
    let answer = timeout(BOUND, collect(agent.run(turn("héllo \"quoted\"\n你好"))))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        answer,
        "lark:default:group:oc_chat|group|Ada|x.png|file too large|be brief|None|héllo \"quoted\"\n你好"
    );
}

#[tokio::test]
async fn streams_output_as_it_arrives() {
    let dir = tempfile::tempdir().unwrap();
    // The second chunk waits for a file the test creates only after it saw the first one: the
    // first delta must arrive while the process is still running.
    let agent = sh(
        dir.path(),
        "printf one; while [ ! -f go ]; do sleep 0.02; done; printf two",
        Duration::from_secs(10),
    );
    let mut stream = agent.run(turn("hi"));
    let first = timeout(BOUND, stream.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(first, AgentEvent::Text("one".into()));
    std::fs::write(dir.path().join("go"), "").unwrap();
    let second = timeout(BOUND, stream.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(second, AgentEvent::Text("two".into()));
    assert!(timeout(BOUND, stream.next()).await.unwrap().is_none());
}

#[tokio::test]
async fn a_character_split_across_writes_arrives_whole() {
    let dir = tempfile::tempdir().unwrap();
    // 你 is e4 bd a0 and 好 e5 a5 bd; the split falls inside 你 and the two writes are apart.
    let agent = sh(
        dir.path(),
        r"printf 'a\344\275'; sleep 0.2; printf '\240\345\245'; sleep 0.2; printf '\275b'",
        Duration::from_secs(10),
    );
    let mut stream = agent.run(turn("hi"));
    let mut deltas = Vec::new();
    while let Some(event) = timeout(BOUND, stream.next()).await.unwrap() {
        let AgentEvent::Text(text) = event.unwrap() else {
            panic!("only text is expected");
        };
        deltas.push(text);
    }
    assert!(deltas.iter().all(|d| !d.contains('\u{fffd}')), "{deltas:?}");
    assert_eq!(deltas.concat(), "a你好b");
}

#[tokio::test]
async fn a_slow_command_is_killed_at_the_timeout() {
    let dir = tempfile::tempdir().unwrap();
    // The script and the `sleep` it started both have to go.
    let agent = sh(
        dir.path(),
        "printf started; sleep 30 & echo $! > sleep.pid; wait",
        Duration::from_secs(1),
    );
    let started = Instant::now();
    let mut stream = agent.run(turn("hi"));
    let first = timeout(BOUND, stream.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(first, AgentEvent::Text("started".into()));
    let err = timeout(BOUND, stream.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap_err();
    assert!(matches!(err, AgentError::Timeout { seconds: 1 }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(
        err.user_message(),
        "Sorry, the agent took longer than 1 s and was stopped."
    );
    assert!(timeout(BOUND, stream.next()).await.unwrap().is_none());

    let pid = std::fs::read_to_string(dir.path().join("sleep.pid")).unwrap();
    assert_gone(pid.trim()).await;
}

#[tokio::test]
async fn dropping_the_answer_kills_the_command() {
    let dir = tempfile::tempdir().unwrap();
    let agent = sh(
        dir.path(),
        "sleep 30 & echo $! > sleep.pid; printf started; wait",
        Duration::from_secs(60),
    );
    let mut stream = agent.run(turn("hi"));
    let first = timeout(BOUND, stream.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(first, AgentEvent::Text("started".into()));
    drop(stream);
    let pid = std::fs::read_to_string(dir.path().join("sleep.pid")).unwrap();
    assert_gone(pid.trim()).await;
}

/// Waits until `pid` no longer runs: gone, or a zombie nobody reaped yet (still dead).
async fn assert_gone(pid: &str) {
    let stat = format!("/proc/{pid}/stat");
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match std::fs::read_to_string(&stat) {
            Err(_) => return,
            Ok(s)
                if s.rsplit(')')
                    .next()
                    .is_some_and(|r| r.trim_start().starts_with('Z')) =>
            {
                return;
            }
            Ok(_) if Instant::now() > deadline => panic!("process {pid} still runs"),
            Ok(_) => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
}

#[tokio::test]
async fn a_failing_command_fails_without_leaking_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let agent = sh(
        dir.path(),
        "printf partial; echo 'secret token sk-123 in a traceback' >&2; exit 3",
        Duration::from_secs(10),
    );
    let err = timeout(BOUND, collect(agent.run(turn("hi"))))
        .await
        .unwrap()
        .unwrap_err();
    let AgentError::Failed { message } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(message, "the agent command exited with status 3");
    let said = err.user_message();
    assert!(
        !said.contains("secret") && !said.contains("sk-123"),
        "{said}"
    );
    assert!(said.contains("status 3"), "{said}");
}

#[tokio::test]
async fn a_program_that_cannot_start_is_named() {
    let agent = CommandAgent::new(
        vec![
            "/nonexistent/openclaw-agent-xyz".into(),
            "--api-key=sk-secret".into(),
        ],
        Duration::from_secs(10),
    )
    .unwrap();
    let err = timeout(BOUND, collect(agent.run(turn("hi"))))
        .await
        .unwrap()
        .unwrap_err();
    assert!(matches!(err, AgentError::Failed { .. }), "{err:?}");
    let said = err.user_message();
    assert!(said.contains("/nonexistent/openclaw-agent-xyz"), "{said}");
    assert!(!said.contains("sk-secret"), "{said}");
}

#[tokio::test]
async fn a_command_that_ignores_stdin_still_answers() {
    let dir = tempfile::tempdir().unwrap();
    let agent = sh(dir.path(), "exec 0<&-; echo fine", Duration::from_secs(10));
    let mut big = turn("");
    big.text = "x".repeat(1 << 20);
    let answer = timeout(BOUND, collect(agent.run(big))).await.unwrap();
    assert_eq!(answer.unwrap(), "fine\n");
}
