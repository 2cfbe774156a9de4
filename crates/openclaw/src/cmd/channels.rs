//! `openclaw channels status [--probe] [--json]`: each account as configured, its connection as
//! the running gateway reports it (`GET /status`), and with `--probe` a live check of the
//! credentials and the bot, with the troubleshooting advice for each failure.

use std::time::Duration;

use anyhow::{Result, bail};
use openclaw_config::{Mode, Paths};
use openclaw_gateway::status::{AccountStatus, StoreStatus};
use serde_json::{Value, json};

/// The running gateway's `/status`, if one answers on the configured port: its accounts and
/// its store (the replicas alive on a shared one).
/// `token` is `gateway.auth.token` (or `OPENCLAW_GATEWAY_TOKEN`), which a protected port wants.
async fn running_status(
    bind: &str,
    port: u16,
    token: Option<&lark::Secret>,
) -> Option<(Vec<AccountStatus>, StoreStatus)> {
    let host = match bind {
        "0.0.0.0" | "::" | "" => "127.0.0.1",
        h => h,
    };
    let host = if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_owned()
    };
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()
        .ok()?;
    let mut request = client.get(format!("http://{host}:{port}/status"));
    if let Some(token) = token {
        request = request.bearer_auth(token.expose());
    }
    let v: Value = request.send().await.ok()?.json().await.ok()?;
    let accounts = serde_json::from_value(v.get("accounts")?.clone()).ok()?;
    let store = v
        .get("store")
        .and_then(|s| serde_json::from_value(s.clone()).ok())
        .unwrap_or_default();
    Some((accounts, store))
}

fn ago(ms: Option<i64>) -> String {
    match ms {
        Some(t) => {
            let secs = (openclaw_gateway::store::now_ms() - t).max(0) / 1000;
            format!("{secs}s ago")
        }
        None => "never".into(),
    }
}

pub async fn status(paths: &Paths, probe: bool, as_json: bool) -> Result<()> {
    let config = super::load(paths)?;
    let (live, store) = match running_status(
        &config.gateway.bind,
        config.gateway.port,
        config.gateway.auth.token.as_ref(),
    )
    .await
    {
        Some((accounts, store)) => (Some(accounts), Some(store)),
        None => (None, None),
    };
    let mut rows = Vec::new();
    let mut failures = 0;
    for a in &config.lark.accounts {
        let configured = a.credentials().err().map(|e| e.to_string());
        let running = live
            .as_ref()
            .and_then(|l| l.iter().find(|s| s.id == a.id))
            .cloned();
        let probed = if probe && configured.is_none() {
            Some(openclaw_gateway::probe::probe(a).await)
        } else {
            None
        };
        if probed.as_ref().is_some_and(|p| !p.ok) || (probe && configured.is_some() && a.enabled) {
            failures += 1;
        }
        rows.push((a, configured, running, probed));
    }
    if as_json {
        let accounts: Vec<Value> = rows
            .iter()
            .map(|(a, missing, running, probed)| {
                json!({
                    "id": a.id,
                    "name": a.name,
                    "enabled": a.enabled,
                    "appId": a.app_id,
                    "mode": if a.mode == Mode::Webhook { "webhook" } else { "websocket" },
                    "configured": missing.is_none(),
                    "missing": missing,
                    "gateway": running,
                    "probe": probed,
                })
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({
                "config": paths.config_file.display().to_string(),
                "gatewayRunning": live.is_some(),
                "store": store,
                "accounts": accounts,
            }))?
        );
    } else {
        println!("Lark accounts (config {}):", paths.config_file.display());
        for (a, missing, running, probed) in &rows {
            let mode = if a.mode == Mode::Webhook {
                "webhook"
            } else {
                "websocket"
            };
            let name = a
                .name
                .as_deref()
                .map(|n| format!(" \"{n}\""))
                .unwrap_or_default();
            let app = a.app_id.as_deref().unwrap_or("no app id");
            let enabled = if a.enabled { "" } else { " (disabled)" };
            match missing {
                None => println!("- {} ({app}){name}: configured, {mode} mode{enabled}", a.id),
                Some(m) => println!("- {}{name}: not configured{enabled}: {m}", a.id),
            }
            if a.mode == Mode::Webhook {
                println!("    webhook path: {}", a.webhook_path);
            }
            match running {
                Some(s) => println!(
                    "    gateway: {}{} (connects {}, disconnects {}), last event {}, queue {}{}",
                    s.state,
                    if s.connections.is_empty() {
                        String::new()
                    } else {
                        format!(", {}/{} connections alive", s.alive, s.connections.len())
                    },
                    s.connects,
                    s.disconnects,
                    ago(s.last_event_at_ms),
                    s.queue_depth,
                    s.last_error
                        .as_deref()
                        .map(|e| format!(", last error: {e}"))
                        .unwrap_or_default()
                ),
                None if live.is_some() => println!("    gateway: not running this account"),
                None => {}
            }
            for j in running.iter().flat_map(|s| &s.jobs) {
                println!(
                    "    job {} ({}): {}, next {} → {}",
                    j.id, j.name, j.schedule, j.next, j.to
                );
            }
            if let Some(p) = probed {
                if p.ok {
                    println!(
                        "    probe: ok, bot \"{}\" ({})",
                        p.bot_name.as_deref().unwrap_or(""),
                        p.bot_open_id.as_deref().unwrap_or("")
                    );
                    match p.contact_scope {
                        Some(true) => println!("    contact scope: granted (sender names on)"),
                        Some(false) => println!(
                            "    contact scope: missing: the agent sees open ids, not names; grant contact:user.base:readonly (and contact:contact.base:readonly) under Permissions & Scopes and publish a version"
                        ),
                        None => {}
                    }
                } else {
                    println!(
                        "    probe: FAILED: {}",
                        p.error.as_deref().unwrap_or("unknown error")
                    );
                }
            }
        }
        if let Some(n) = store.as_ref().and_then(|s| s.replicas_alive) {
            println!("replicas alive: {n} (sharing the PostgreSQL store)");
        }
        if live.is_none() {
            println!(
                "gateway: not running (nothing answers on {}:{}); start it with: openclaw gateway run",
                config.gateway.bind, config.gateway.port
            );
        }
    }
    if failures > 0 {
        bail!("{failures} account(s) failed the probe");
    }
    Ok(())
}
