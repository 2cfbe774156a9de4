//! The gateway as a systemd service: `gateway install` writes a unit that `systemd-analyze
//! verify` accepts without a word (system and `--user`), with the restart policy, `Type=notify`
//! and the sandbox; `gateway status` reads it back; `uninstall` removes it. And the readiness
//! protocol: under `NOTIFY_SOCKET` the gateway sends `READY=1` once its account is connected,
//! and `STOPPING=1` when it stops.

mod common;

use std::path::Path;

use common::*;

/// `systemd-analyze verify` over the unit: success and nothing said (it warns, exit 0, about
/// what it ignores).
fn verify(unit: &Path, user: bool, runtime: &Path) {
    let mut cmd = std::process::Command::new("systemd-analyze");
    if user {
        cmd.arg("--user");
    }
    let out = cmd
        .arg("verify")
        .arg(unit)
        .env("XDG_RUNTIME_DIR", runtime)
        .output()
        .expect("systemd-analyze is needed (scripts/systemd-setup installs it)");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success() && said.trim().is_empty(), "{said}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn install_writes_a_unit_systemd_accepts_and_status_and_uninstall_read_it() {
    let env = TestEnv::new();
    env.write_config(&config("http://127.0.0.1:9", "", ""));
    let runtime = path_in(&env, "run");
    std::fs::create_dir_all(&runtime).unwrap();

    let units = path_in(&env, "units");
    let out = env
        .run(&["gateway", "install", "--unit-dir", s(&units)])
        .await;
    out.ok();
    let unit = units.join("openclaw-gateway.service");
    let text = std::fs::read_to_string(&unit).expect("the unit");
    let exe = env!("CARGO_BIN_EXE_openclaw");
    let config_file = env.config_file();
    for want in [
        format!(
            "ExecStart={exe} --config {} gateway run",
            config_file.display()
        ),
        "Type=notify".into(),
        "Restart=on-failure".into(),
        "NoNewPrivileges=yes".into(),
        "ProtectSystem=strict".into(),
        format!(
            "ReadWritePaths={} {}",
            env.state_dir().display(),
            env.log_dir().display()
        ),
        "WantedBy=multi-user.target".into(),
    ] {
        assert!(text.contains(&want), "the unit lacks {want:?}:\n{text}");
    }
    verify(&unit, false, &runtime);

    // --user: the user's unit folder under HOME.
    let out = env.run(&["gateway", "install", "--user"]).await;
    assert!(out.ok().contains("systemctl --user"), "{}", out.all());
    let user_unit = env
        .home()
        .join(".config/systemd/user/openclaw-gateway.service");
    let text = std::fs::read_to_string(&user_unit).expect("the user unit");
    assert!(text.contains("WantedBy=default.target"), "{text}");
    verify(&user_unit, true, &runtime);

    let out = env.run(&["gateway", "status", "--user"]).await;
    let shown = out.ok();
    assert!(shown.contains(&user_unit.display().to_string()), "{shown}");
    assert!(
        shown.contains("ExecStart: ") && shown.contains("gateway run"),
        "{shown}"
    );

    env.run(&["gateway", "uninstall", "--user"]).await.ok();
    assert!(!user_unit.exists());
    let out = env.run(&["gateway", "status", "--user"]).await;
    assert!(out.failed().contains("not installed"), "{}", out.all());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_config_that_does_not_load_is_not_installed() {
    let env = TestEnv::new();
    env.write_config("{ channels: { lark: { appid: 1 } } }");
    let units = path_in(&env, "units");
    let out = env
        .run(&["gateway", "install", "--unit-dir", s(&units)])
        .await;
    assert!(out.failed().contains("appId"), "{}", out.all());
    assert!(!units.join("openclaw-gateway.service").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ready_is_sent_once_the_account_is_connected_and_stopping_at_the_end() {
    let sim = sim().await;
    let env = TestEnv::new();
    env.write_config(&config(sim.base_url(), "", ""));
    let socket_path = path_in(&env, "notify.sock");
    let socket = tokio::net::UnixDatagram::bind(&socket_path).unwrap();
    let mut gw = env.spawn_with(
        &["gateway", "run", "--port", "0"],
        &[("NOTIFY_SOCKET", s(&socket_path))],
    );
    let mut buf = vec![0u8; 4096];
    let n = tokio::time::timeout(WAIT, socket.recv(&mut buf))
        .await
        .unwrap_or_else(|_| panic!("no READY=1 within {WAIT:?}:\n{}", gw.stderr()))
        .unwrap();
    let said = String::from_utf8_lossy(&buf[..n]).into_owned();
    assert!(said.starts_with("READY=1\n"), "{said}");
    // Ready means connected: the platform holds the gateway's connection already.
    assert!(
        sim.state().connection_count(APP) >= 1,
        "READY before connecting"
    );
    assert!(said.contains("STATUS=1 account(s) connected"), "{said}");

    gw.signal("TERM");
    let n = tokio::time::timeout(WAIT, socket.recv(&mut buf))
        .await
        .expect("no STOPPING=1")
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&buf[..n]), "STOPPING=1\n");
    assert!(gw.wait_exit().await.success());
}
