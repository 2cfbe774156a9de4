//! `openclaw login`: the key is checked with one call, stored 0600 under the state dir, and
//! never printed; a refused key is not stored.

use std::io::Write;
use std::process::{Command, Stdio};

use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;

async fn models(headers: HeaderMap) -> StatusCode {
    let ok = headers
        .get("x-api-key")
        .is_some_and(|k| k == "sk-ant-good-123456")
        && headers.get("anthropic-version").is_some();
    if ok {
        StatusCode::OK
    } else {
        StatusCode::UNAUTHORIZED
    }
}

fn login(state: &std::path::Path, key: &str) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_openclaw"))
        .args(["login", "--provider", "anthropic", "--api-key-stdin"])
        .env("OPENCLAW_STATE_DIR", state)
        .env_remove("OPENCLAW_CONFIG_PATH")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{key}\n").as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[tokio::test]
async fn a_checked_key_is_stored_owner_only_and_a_refused_one_is_not() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let app = axum::Router::new().route("/v1/models", get(models));
        let _ = axum::serve(listener, app).await;
    });
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("openclaw.json"),
        format!(r#"{{ agent: {{ provider: "anthropic", baseUrl: "{url}" }} }}"#),
    )
    .unwrap();
    let state = dir.path().to_owned();

    let bad = tokio::task::spawn_blocking({
        let state = state.clone();
        move || login(&state, "sk-ant-bad-999999")
    })
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(!bad.status.success());
    assert!(
        stderr.contains("anthropic refused the key (HTTP 401); the key was not stored"),
        "{stderr}"
    );
    assert!(!stderr.contains("999999"));
    assert!(!state.join("credentials/anthropic.key").exists());

    let good = tokio::task::spawn_blocking({
        let state = state.clone();
        move || login(&state, "sk-ant-good-123456")
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&good.stdout);
    assert!(
        good.status.success(),
        "{}",
        String::from_utf8_lossy(&good.stderr)
    );
    assert!(stdout.contains("is stored in"), "{stdout}");
    assert!(!stdout.contains("123456"));
    let path = state.join("credentials/anthropic.key");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "sk-ant-good-123456\n"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
}
