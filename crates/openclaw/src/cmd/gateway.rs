//! `openclaw gateway run`: starts every enabled account until SIGINT or SIGTERM, then stops
//! intake, lets the turns in flight finish (bounded) and exits 0.

use std::net::SocketAddr;

use anyhow::{Context, Result, anyhow};
use openclaw_config::Paths;
use openclaw_gateway::Options;
use openclaw_gateway::logging::LogOptions;

use super::sim;
use crate::RunArgs;

fn listen_addr(bind: &str, port: u16) -> Result<SocketAddr> {
    let text = if bind.contains(':') && !bind.starts_with('[') {
        format!("[{bind}]:{port}")
    } else {
        format!("{bind}:{port}")
    };
    text.parse()
        .with_context(|| format!("--bind / gateway.bind {bind:?} is not an IP address"))
}

async fn terminated() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// The start-up lines about the file itself: what it holds that this gateway does not use, and
/// unset `${VAR}`s.
fn describe_config(config: &openclaw_config::Config, log: &LogOptions) {
    // `logging.format` and `keepDays` are read by the CLI itself (see cmd/logs.rs); OpenClaw's
    // other logging keys are not.
    let ignored: Vec<&str> = config
        .ignored
        .iter()
        .map(String::as_str)
        .filter(|k| !(log.from_file && *k == "logging"))
        .collect();
    if !ignored.is_empty() {
        tracing::info!(target: "gateway", "not used by this gateway: {}", ignored.join(", "));
    }
    for w in &config.warnings {
        tracing::warn!(target: "gateway", "{w}");
    }
}

pub async fn run(paths: &Paths, args: RunArgs) -> Result<()> {
    let log = super::logs::options(paths, args.log_format.as_deref(), args.verbose)?;
    if let Some(path) = openclaw_gateway::logging::init(&log) {
        tracing::info!(target: "gateway", "log file: {}", path.display());
    }
    let mut config = super::load(paths)?;
    describe_config(&config, &log);
    let sim = if args.sim {
        // Without a tenant there is usually no model key either: the sim answers with the echo
        // agent unless the file names a provider.
        let named = openclaw_config::edit::get(&paths.config_file, "agent.provider")
            .ok()
            .flatten()
            .is_some();
        if !named {
            config.agent.provider = openclaw_config::Provider::Echo;
        }
        Some(sim::start(&mut config).await?)
    } else {
        None
    };
    for a in config.lark.accounts.iter().filter(|a| a.enabled) {
        a.credentials().map_err(|e| anyhow!("{e}"))?;
    }
    let bind = args.bind.as_deref().unwrap_or(&config.gateway.bind);
    let addr = listen_addr(bind, args.port.unwrap_or(config.gateway.port))?;
    let running = openclaw_gateway::start(
        &config,
        Options {
            state_dir: paths.state_dir.clone(),
            bind: addr,
            verbose: args.verbose,
        },
    )
    .await
    .map_err(|e| anyhow!("{e}"))?;
    if let Some(sim) = &sim {
        sim.print_howto(running.addr);
        sim.show_jobs(running.ctx.clone());
    }
    // The sim's accounts point at the embedded sim, which the file does not say.
    if sim.is_none() {
        running.watch_config(paths.clone());
    }
    // Under systemd (Type=notify): READY=1 once every account is connected.
    tokio::spawn(openclaw_gateway::app::notify::ready_when_connected(
        running.ctx.clone(),
    ));
    terminated().await;
    let _ = openclaw_gateway::app::notify::notify("STOPPING=1\n");
    tracing::info!(target: "gateway", "stopping: no new events; finishing the turns in flight");
    running.shutdown().await;
    tracing::info!(target: "gateway", "stopped");
    Ok(())
}
