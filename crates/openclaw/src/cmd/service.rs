//! `openclaw gateway install [--user] [--config PATH]`, `uninstall`, `status`: the gateway as a
//! systemd service. The unit restarts it on failure, waits for its readiness (`Type=notify`:
//! the gateway says `READY=1` once every account is connected) and runs it in a sandbox where
//! only its state dir (and log dir) is writable.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use openclaw_config::Paths;

use crate::ServiceArgs;

/// The unit's file name.
pub const UNIT: &str = "openclaw-gateway.service";

/// Where the unit goes: `--unit-dir`, else the user's or the system's unit folder.
fn unit_dir(args: &ServiceArgs) -> Result<PathBuf> {
    if let Some(d) = &args.unit_dir {
        return Ok(d.clone());
    }
    if !args.user {
        return Ok(PathBuf::from("/etc/systemd/system"));
    }
    let config = match std::env::var_os("XDG_CONFIG_HOME").filter(|v| !v.is_empty()) {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(
            std::env::var_os("HOME")
                .context("HOME is not set: pass --unit-dir DIR for the user's unit folder")?,
        )
        .join(".config"),
    };
    Ok(config.join("systemd/user"))
}

/// One word of a command line as systemd reads it: quoted when it must be.
fn word(text: &str) -> String {
    if !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+=:@,".contains(c))
    {
        return text.to_owned();
    }
    let escaped = text
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('%', "%%")
        .replace('$', "$$");
    format!("\"{escaped}\"")
}

fn absolute(p: &Path) -> Result<PathBuf> {
    if p.is_absolute() {
        return Ok(p.to_owned());
    }
    Ok(std::env::current_dir()
        .context("cannot read the current folder")?
        .join(p))
}

/// The unit's text for this binary, config and state dir.
pub fn unit_text(exe: &Path, paths: &Paths, log_dir: Option<&Path>, user: bool) -> Result<String> {
    let config = absolute(&paths.config_file)?;
    let state = absolute(&paths.state_dir)?;
    let mut writable = vec![word(&state.to_string_lossy())];
    let mut env = vec![format!(
        "Environment={}",
        word(&format!("OPENCLAW_STATE_DIR={}", state.display()))
    )];
    if let Some(dir) = log_dir {
        let dir = absolute(dir)?;
        writable.push(word(&dir.to_string_lossy()));
        env.push(format!(
            "Environment={}",
            word(&format!("OPENCLAW_LOG_DIR={}", dir.display()))
        ));
    }
    let wanted_by = if user {
        "default.target"
    } else {
        "multi-user.target"
    };
    Ok(format!(
        "# Written by `openclaw gateway install`; `openclaw gateway uninstall` removes it.
[Unit]
Description=openclaw gateway: an AI agent in Lark and Feishu
After=network-online.target
Wants=network-online.target

[Service]
# The gateway says READY=1 once every account is connected.
Type=notify
NotifyAccess=main
ExecStart={exe} --config {config} gateway run
# `systemctl reload openclaw-gateway` rereads the config file (hot reload).
ExecReload=/bin/kill -HUP $MAINPID
{env}
# Secrets kept out of the unit (LARK_APP_SECRET=..., ANTHROPIC_API_KEY=...), if the file exists.
EnvironmentFile=-{env_file}
Restart=on-failure
RestartSec=5
TimeoutStopSec=30
# The sandbox: only the state (and log) folders are writable.
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=read-only
ReadWritePaths={writable}
PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
RestrictSUIDSGID=yes
RestrictNamespaces=yes
RestrictRealtime=yes
LockPersonality=yes
RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6
SystemCallArchitectures=native
UMask=0077

[Install]
WantedBy={wanted_by}
",
        exe = word(&exe.to_string_lossy()),
        config = word(&config.to_string_lossy()),
        env = env.join("\n"),
        env_file = word(&state.join("gateway.env").to_string_lossy()),
        writable = writable.join(" "),
    ))
}

fn systemctl(user: bool) -> String {
    if user {
        "systemctl --user".into()
    } else {
        "systemctl".into()
    }
}

pub fn install(paths: &Paths, args: &ServiceArgs) -> Result<()> {
    // The unit runs what is installed now; a config that does not load would only fail later.
    super::load(paths).with_context(|| {
        format!(
            "{} does not load; fix it before installing the service",
            paths.config_file.display()
        )
    })?;
    let exe = std::env::current_exe().context("cannot find this program's own path")?;
    let log_dir = std::env::var_os("OPENCLAW_LOG_DIR").map(PathBuf::from);
    std::fs::create_dir_all(&paths.state_dir)
        .with_context(|| format!("cannot create the state dir {}", paths.state_dir.display()))?;
    let text = unit_text(&exe, paths, log_dir.as_deref(), args.user)?;
    let dir = unit_dir(args)?;
    std::fs::create_dir_all(&dir).with_context(|| {
        format!(
            "cannot create {} (run as root, or pass --user)",
            dir.display()
        )
    })?;
    let path = dir.join(UNIT);
    std::fs::write(&path, text).with_context(|| {
        format!(
            "cannot write {} (run as root, or pass --user)",
            path.display()
        )
    })?;
    let ctl = systemctl(args.user);
    println!("wrote {}", path.display());
    println!(
        "start it now and at boot: {ctl} daemon-reload && {ctl} enable --now openclaw-gateway"
    );
    if args.user {
        println!("keep it running after you log out: loginctl enable-linger $USER");
    }
    Ok(())
}

pub fn uninstall(args: &ServiceArgs) -> Result<()> {
    let path = unit_dir(args)?.join(UNIT);
    if !path.exists() {
        bail!("no unit at {}: nothing to uninstall", path.display());
    }
    std::fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))?;
    let ctl = systemctl(args.user);
    println!("removed {}", path.display());
    println!(
        "if it is running, stop it: {ctl} disable --now openclaw-gateway; then {ctl} daemon-reload"
    );
    Ok(())
}

/// `ExecStart=` and the other lines `status` shows, as the unit says them.
fn setting<'a>(text: &'a str, key: &str) -> Vec<&'a str> {
    text.lines()
        .filter_map(|l| l.strip_prefix(key)?.strip_prefix('='))
        .collect()
}

pub fn status(args: &ServiceArgs) -> Result<()> {
    let path = unit_dir(args)?.join(UNIT);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(_) => bail!(
            "not installed: no unit at {} (openclaw gateway install{})",
            path.display(),
            if args.user { " --user" } else { "" }
        ),
    };
    println!("unit: {}", path.display());
    for key in [
        "ExecStart",
        "Environment",
        "ReadWritePaths",
        "Restart",
        "Type",
    ] {
        for v in setting(&text, key) {
            println!("  {key}: {v}");
        }
    }
    let mut cmd = std::process::Command::new("systemctl");
    if args.user {
        cmd.arg("--user");
    }
    match cmd.args(["is-active", "openclaw-gateway"]).output() {
        Ok(out) => {
            let state = String::from_utf8_lossy(&out.stdout).trim().to_owned();
            let state = if state.is_empty() {
                String::from_utf8_lossy(&out.stderr).trim().to_owned()
            } else {
                state
            };
            println!("  systemd: {state}");
        }
        Err(_) => println!("  systemd: systemctl not found"),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_with_spaces_and_specials_are_quoted() {
        assert_eq!(word("/usr/bin/openclaw"), "/usr/bin/openclaw");
        assert_eq!(word("/a b/c"), "\"/a b/c\"");
        assert_eq!(word("/x/100%$"), "\"/x/100%%$$\"");
    }
}
