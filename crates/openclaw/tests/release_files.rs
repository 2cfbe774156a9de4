//! What ships beside the binary: `openclaw --version` names the git revision it was built from
//! (when built from a checkout), and the tarball's sample config loads as it is.

mod common;

use common::*;

#[tokio::test]
async fn version_names_the_revision_of_the_checkout() {
    let env = TestEnv::new();
    let out = env.run(&["--version"]).await;
    let line = out.ok().trim().to_owned();
    assert!(
        line.starts_with(&format!("openclaw {}", env!("CARGO_PKG_VERSION"))),
        "{line}"
    );
    let head = std::process::Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    match head {
        Some(rev) => assert!(line.ends_with(&format!("({rev})")), "{line} vs {rev}"),
        // A tarball: the version alone, or the revision scripts/release recorded.
        None => assert!(!line.contains("()"), "{line}"),
    }
}

#[tokio::test]
async fn the_sample_config_validates() {
    let env = TestEnv::new();
    let sample = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/openclaw.sample.json"
    );
    let text = std::fs::read_to_string(sample).expect("read the sample config");
    env.write_config(&text);
    let out = env.run(&["config", "validate"]).await;
    assert!(out.ok().contains("OK"), "{}", out.all());
}
