//! Finding the config file, and loading it from disk.

use std::path::Path;

use openclaw_config::{Format, Paths};

fn no_env(_: &str) -> Option<String> {
    None
}

#[test]
fn paths_follow_the_conventions() {
    let home = |n: &str| (n == "HOME").then(|| "/home/u".to_owned());
    let p = Paths::resolve_with(None, &home);
    assert_eq!(p.config_file, Path::new("/home/u/.openclaw/openclaw.json"));
    assert_eq!(p.state_dir, Path::new("/home/u/.openclaw"));

    let state = |n: &str| match n {
        "HOME" => Some("/home/u".to_owned()),
        "OPENCLAW_STATE_DIR" => Some("/srv/oc".to_owned()),
        _ => None,
    };
    let p = Paths::resolve_with(None, &state);
    assert_eq!(p.config_file, Path::new("/srv/oc/openclaw.json"));
    assert_eq!(p.state_dir, Path::new("/srv/oc"));

    let both = |n: &str| match n {
        "OPENCLAW_CONFIG_PATH" => Some("~/cfg/oc.yaml".to_owned()),
        other => state(other),
    };
    let p = Paths::resolve_with(None, &both);
    assert_eq!(p.config_file, Path::new("/home/u/cfg/oc.yaml"));
    assert_eq!(p.format(), Format::Yaml);
    let p = Paths::resolve_with(Some(Path::new("/x/c.json5")), &both);
    assert_eq!(p.config_file, Path::new("/x/c.json5"));
    assert_eq!(p.state_dir, Path::new("/srv/oc"));
}

#[test]
fn load_reads_files_and_names_them_in_errors() {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths {
        config_file: dir.path().join("openclaw.json"),
        state_dir: dir.path().to_path_buf(),
    };
    assert!(
        openclaw_config::load_with(&paths, &no_env).is_ok(),
        "missing file = defaults"
    );
    std::fs::write(&paths.config_file, "{ channels: { lark: { mode: 'x' } } }").unwrap();
    let err = openclaw_config::load_with(&paths, &no_env)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with(&format!(
            "{}: channels.lark.mode",
            paths.config_file.display()
        )),
        "{err}"
    );
    std::fs::write(&paths.config_file, "{ channels: ").unwrap();
    let err = openclaw_config::load_with(&paths, &no_env)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("is not valid JSON5") || err.contains("not valid JSON5"),
        "{err}"
    );
    std::fs::write(&paths.config_file, "{ a: 1, a: 2 }").unwrap();
    let err = openclaw_config::load_with(&paths, &no_env)
        .unwrap_err()
        .to_string();
    assert!(err.contains("duplicate key"), "{err}");
}
