//! `openclaw doctor [--json]`: one report a user can act on. The config file and which of its
//! sections are honoured or left alone; per account the credentials and the bot (a live probe),
//! the contact scope sender names need, the connection mode and a webhook's key and token; the
//! store (SQLite file or PostgreSQL reachable, its schema not newer than this binary); the model
//! provider and whether its key works (a models-list call); per account the scopes each feature
//! needs ([`scopes`]) and the `message` tool's groups, and the agent's MCP servers ([`extras`]).
//! Each problem comes with its fix in one line; the exit status is 1 when a check failed that
//! blocks running, while a warning (a missing scope, an MCP server down) leaves it 0.

mod extras;
mod scopes;

use std::time::Duration;

use anyhow::{Result, bail};
use openclaw_agent::KeySource;
use openclaw_config::{Config, Mode, Paths, Provider};
use serde::Serialize;
use serde_json::json;

/// How a check came out: a failure blocks running, a warning does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
enum Level {
    Ok,
    Warn,
    Fail,
}

/// One line of the report.
#[derive(Debug, Serialize)]
struct Check {
    area: String,
    /// False only for a failure.
    ok: bool,
    level: Level,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<String>,
}

#[derive(Default)]
struct Report(Vec<Check>);

impl Report {
    fn push(&mut self, level: Level, area: &str, message: String, fix: Option<String>) {
        self.0.push(Check {
            area: area.to_owned(),
            ok: level != Level::Fail,
            level,
            message,
            fix,
        });
    }

    fn ok(&mut self, area: &str, message: impl Into<String>) {
        self.push(Level::Ok, area, message.into(), None);
    }

    fn warn(&mut self, area: &str, message: impl Into<String>, fix: impl Into<String>) {
        self.push(Level::Warn, area, message.into(), Some(fix.into()));
    }

    fn fail(&mut self, area: &str, message: impl Into<String>, fix: impl Into<String>) {
        self.push(Level::Fail, area, message.into(), Some(fix.into()));
    }
}

pub async fn run(paths: &Paths, as_json: bool) -> Result<()> {
    let mut report = Report::default();
    let file = paths.config_file.display().to_string();
    match openclaw_config::load(paths) {
        Ok(config) => {
            let found = paths.config_file.exists();
            report.ok(
                "config",
                if found {
                    format!("{file}: loads; channel from {}", config.lark.key)
                } else {
                    format!("{file} does not exist: every default applies")
                },
            );
            let honoured = honoured_sections(paths);
            if !honoured.is_empty() {
                report.ok("config", format!("honoured: {}", honoured.join(", ")));
            }
            if !config.ignored.is_empty() {
                report.ok(
                    "config",
                    format!("not used by this gateway: {}", config.ignored.join(", ")),
                );
            }
            for w in &config.warnings {
                report.fail(
                    "config",
                    w.clone(),
                    "set the variable, or write the value itself",
                );
            }
            accounts(&config, &mut report).await;
            extras::mcp_servers(&config, &mut report).await;
            store(&config, paths, &mut report).await;
            model(&config, paths, &mut report).await;
        }
        Err(e) => report.fail(
            "config",
            e.to_string(),
            format!(
                "edit {file} (or `openclaw config set KEY VALUE`), then run `openclaw doctor` again"
            ),
        ),
    }
    let failed = report.0.iter().filter(|c| c.level == Level::Fail).count();
    let warnings = report.0.iter().filter(|c| c.level == Level::Warn).count();
    if as_json {
        println!(
            "{}",
            serde_json::to_string_pretty(
                &json!({ "ok": failed == 0, "warnings": warnings, "checks": report.0 })
            )?
        );
    } else {
        for c in &report.0 {
            println!(
                "{} [{}] {}",
                match c.level {
                    Level::Ok => "ok  ",
                    Level::Warn => "WARN",
                    Level::Fail => "FAIL",
                },
                c.area,
                c.message
            );
            if let Some(fix) = &c.fix {
                println!("       fix: {fix}");
            }
        }
    }
    if failed > 0 {
        bail!("{failed} problem(s) found");
    }
    Ok(())
}

/// The sections of the file this gateway reads, as written.
fn honoured_sections(paths: &Paths) -> Vec<String> {
    let keys = [
        "channels.lark",
        "channels.feishu",
        "agent",
        "agents.defaults.model",
        "agents.defaults.workspace",
        "models.providers",
        "gateway",
        "store",
        "session.dmScope",
        "messages.queue",
        "secrets.providers",
    ];
    keys.iter()
        .filter(|k| {
            openclaw_config::edit::get(&paths.config_file, k)
                .ok()
                .flatten()
                .is_some()
        })
        .map(|k| (*k).to_owned())
        .collect()
}

async fn accounts(config: &Config, report: &mut Report) {
    for a in config.lark.accounts.iter().filter(|a| a.enabled) {
        let area = format!("account {}", a.id);
        if let Err(e) = a.credentials() {
            report.fail(&area, e.to_string(), "set the credentials named above");
            continue;
        }
        let probe = openclaw_gateway::probe::probe(a).await;
        if !probe.ok {
            let text = probe.error.unwrap_or_default();
            let (message, fix) = match text.split_once("\n  fix: ") {
                Some((m, f)) => (m.to_owned(), f.to_owned()),
                None => (
                    text,
                    format!("check {}.appId, appSecret and domain", a.channel),
                ),
            };
            report.fail(&area, message, fix);
            continue;
        }
        report.ok(
            &area,
            format!(
                "credentials work; bot {} ({})",
                probe.bot_name.unwrap_or_default(),
                probe.bot_open_id.unwrap_or_default()
            ),
        );
        match probe.contact_scope {
            // One of the four permissions the channel document requires, so a failure (exit
            // 1); the scopes of optional features below are warnings.
            Some(false) => report.fail(
                &area,
                "the app may not read users, so senders show as ids, not names",
                "grant the scope contact:user.base:readonly (Permissions & Scopes) and publish a new version",
            ),
            _ => report.ok(&area, "contact scope granted: sender names resolve"),
        }
        let missing = match openclaw_gateway::account::client_for(a) {
            Ok(client) => scopes::check(&client, &area, report).await,
            Err(e) => {
                report.warn(
                    &area,
                    format!("scopes not checked: {e}"),
                    "fix the account above",
                );
                Vec::new()
            }
        };
        extras::groups(a, &missing, &area, report);
        match a.mode {
            Mode::Websocket => report.ok(&area, "mode websocket (long connection)"),
            Mode::Webhook => {
                let missing: Vec<&str> = [
                    ("verificationToken", a.verification_token.is_none()),
                    ("encryptKey", a.encrypt_key.is_none()),
                ]
                .into_iter()
                .filter(|(_, m)| *m)
                .map(|(k, _)| k)
                .collect();
                if missing.is_empty() {
                    report.ok(
                        &area,
                        format!("mode webhook at {}; key and token set", a.webhook_path),
                    );
                } else {
                    report.fail(
                        &area,
                        format!("mode webhook, but {} not set", missing.join(" and ")),
                        format!(
                            "copy them from Events & Callbacks > Encryption Strategy into {}.{}",
                            a.channel,
                            missing.join(" / ")
                        ),
                    );
                }
            }
        }
    }
}

async fn store(config: &Config, paths: &Paths, report: &mut Report) {
    let url = openclaw_gateway::store::database_url(config.store.url.as_deref());
    let what = match &url {
        Some(_) => "PostgreSQL (store.url)".to_owned(),
        None => format!("SQLite {}", paths.state_dir.join("openclaw.db").display()),
    };
    let opened = tokio::time::timeout(
        Duration::from_secs(15),
        openclaw_gateway::store::open(config.store.url.as_deref(), &paths.state_dir),
    )
    .await;
    match opened {
        Ok(Ok(_)) => report.ok("store", format!("{what}: reachable, schema up to date")),
        Ok(Err(e)) => report.fail(
            "store",
            format!("{what}: {e}"),
            if url.is_some() {
                "start the database or fix store.url (host, port, user, password, sslmode)"
            } else {
                "make the state directory writable (OPENCLAW_STATE_DIR)"
            },
        ),
        Err(_) => report.fail(
            "store",
            format!("{what}: no answer within 15 s"),
            "check that the database host is reachable from here",
        ),
    }
}

async fn model(config: &Config, paths: &Paths, report: &mut Report) {
    let agent = &config.agent;
    let (name, default_base) = match agent.provider {
        Provider::Echo => return report.ok("model", "agent: echo (answers what it got)"),
        Provider::Command => {
            return report.ok("model", format!("agent: command {:?}", agent.command));
        }
        Provider::Anthropic => ("anthropic", "https://api.anthropic.com"),
        Provider::OpenAi => ("openai", "https://api.openai.com/v1"),
    };
    let base = agent
        .base_url
        .clone()
        .unwrap_or_else(|| default_base.to_owned());
    let base = base.trim_end_matches('/').to_owned();
    let model = agent
        .model
        .clone()
        .unwrap_or_else(|| "(default)".to_owned());
    let key = match &agent.api_key {
        Some(k) => Some(k.expose().to_owned()),
        None => KeySource::standard(name, Some(&paths.state_dir))
            .resolve()
            .map(|k| k.expose().to_owned()),
    };
    let custom = agent.base_url.is_some();
    let Some(key) = key.or_else(|| custom.then(String::new)) else {
        return report.fail(
            "model",
            format!("{name} model {model}: no API key found"),
            format!(
                "run `openclaw login --provider {name}`, set {}, or give models.providers.<id>.apiKey",
                openclaw_agent::credentials::env_var(name)
            ),
        );
    };
    let url = match agent.provider {
        Provider::Anthropic if !base.ends_with("/v1") => format!("{base}/v1/models"),
        _ => format!("{base}/models"),
    };
    let client = match reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
    {
        Ok(c) => c,
        Err(e) => return report.fail("model", e.to_string(), "check the TLS setup"),
    };
    let mut req = client.get(&url);
    if !key.is_empty() {
        req = match agent.provider {
            Provider::Anthropic => req
                .header("x-api-key", &key)
                .header("anthropic-version", "2023-06-01"),
            _ => req.bearer_auth(&key),
        };
    }
    match req.send().await {
        Ok(r) if r.status().is_success() => report.ok(
            "model",
            format!("{name} model {model} at {base}: the key works"),
        ),
        Ok(r) if matches!(r.status().as_u16(), 401 | 403) => report.fail(
            "model",
            format!(
                "{name} at {base} refused the key (HTTP {})",
                r.status().as_u16()
            ),
            format!(
                "check the key (`openclaw login --provider {name}` or models.providers.<id>.apiKey)"
            ),
        ),
        Ok(r) => report.fail(
            "model",
            format!(
                "{name} at {base}: listing models answered HTTP {}",
                r.status().as_u16()
            ),
            "check the provider's baseUrl (an OpenAI-compatible API root ends in /v1)",
        ),
        Err(e) => report.fail(
            "model",
            format!("{name} at {base} is unreachable: {e}"),
            "check the provider's baseUrl and the network",
        ),
    }
}
