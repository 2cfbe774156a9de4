//! The `lark-sim` binary: a local Lark / Feishu Open Platform on one port.

use std::io::Write;
use std::time::Duration;

use clap::Parser;
use lark_sim::{AppSpec, RedeliveryPolicy, Sim, SimConfig, Tls};

#[derive(Parser, Debug)]
#[command(
    name = "lark-sim",
    version,
    about = "A local Lark / Feishu Open Platform"
)]
struct Args {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:0")]
    addr: String,
    /// An app in websocket mode, as `app_id:app_secret` (repeatable). More apps, and webhook-mode
    /// apps, can be created with `POST /_sim/apps`.
    #[arg(long = "app", value_name = "APP_ID:SECRET")]
    apps: Vec<String>,
    /// Lifetime of access tokens, in seconds.
    #[arg(long, default_value_t = 7200)]
    token_ttl: u64,
    /// How long to wait for an event's ACK before it counts as failed, in milliseconds.
    #[arg(long, default_value_t = 3000)]
    ack_timeout_ms: u64,
    /// Waits before each redelivery of an unacknowledged event, in milliseconds, comma separated.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "15000,300000,3600000,21600000"
    )]
    redelivery_ms: Vec<u64>,
    /// Event payloads larger than this many bytes are split across frames.
    #[arg(long, default_value_t = 64 * 1024)]
    fragment_size: usize,
    /// Enforce 5 sends per second per chat (99991400, HTTP 429).
    #[arg(long)]
    rate_limit: bool,
    /// Enforce the platform's budgets per API (per second and per minute), per chat, per card
    /// message, per CardKit card and per document (99991400 with x-ogw-ratelimit-reset).
    #[arg(long)]
    platform_limits: bool,
    /// Connections allowed per app.
    #[arg(long, default_value_t = 50)]
    max_connections: usize,
    /// Client config sent to long-connection clients: PingInterval, in seconds.
    #[arg(long, default_value_t = 120)]
    ping_interval: i64,
    /// Client config: ReconnectInterval, in seconds.
    #[arg(long, default_value_t = 120)]
    reconnect_interval: i64,
    /// Client config: ReconnectNonce, in seconds.
    #[arg(long, default_value_t = 30)]
    reconnect_nonce: i64,
    /// Client config: ReconnectCount (-1 means unlimited).
    #[arg(long, default_value_t = -1, allow_hyphen_values = true)]
    reconnect_count: i64,
    /// Serve HTTPS and WSS (instead of HTTP and WS) with a certificate made at start; the PEM to
    /// trust is written to a temporary file whose path is printed.
    #[arg(long)]
    tls: bool,
    /// Serve HTTPS and WSS with this PEM certificate chain (needs --tls-key).
    #[arg(long, value_name = "PATH", requires = "tls_key")]
    tls_cert: Option<std::path::PathBuf>,
    /// The PEM private key of --tls-cert.
    #[arg(long, value_name = "PATH", requires = "tls_cert")]
    tls_key: Option<std::path::PathBuf>,
}

fn parse_app(s: &str) -> Result<AppSpec, String> {
    let (id, secret) = s
        .split_once(':')
        .ok_or_else(|| format!("--app {s}: expected APP_ID:SECRET"))?;
    if id.is_empty() || secret.is_empty() {
        return Err(format!("--app {s}: app id and secret must not be empty"));
    }
    Ok(AppSpec::websocket(id, secret))
}

#[tokio::main]
async fn main() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let apps: Vec<AppSpec> = match args.apps.iter().map(|a| parse_app(a)).collect() {
        Ok(apps) => apps,
        Err(e) => {
            eprintln!("lark-sim: {e}");
            std::process::exit(2);
        }
    };
    let config = SimConfig {
        token_ttl: Duration::from_secs(args.token_ttl),
        redelivery: RedeliveryPolicy {
            ack_timeout: Duration::from_millis(args.ack_timeout_ms),
            schedule: args
                .redelivery_ms
                .iter()
                .map(|ms| Duration::from_millis(*ms))
                .collect(),
        },
        fragment_size: args.fragment_size.max(1),
        ping_interval_secs: args.ping_interval,
        reconnect_interval_secs: args.reconnect_interval,
        reconnect_nonce_secs: args.reconnect_nonce,
        reconnect_count: args.reconnect_count,
        max_connections: args.max_connections,
        rate_limit: args.rate_limit,
        platform_limits: args.platform_limits,
    };
    let tls = match (args.tls_cert, args.tls_key) {
        (Some(cert), Some(key)) => Some(Tls::Pem { cert, key }),
        _ if args.tls => Some(Tls::SelfSigned),
        _ => None,
    };
    let sim = match Sim::start_with(&args.addr, config, tls).await {
        Ok(sim) => sim,
        Err(e) => {
            eprintln!("lark-sim: cannot serve on {}: {e}", args.addr);
            std::process::exit(1);
        }
    };
    for app in apps {
        sim.state().add_app(app);
    }
    let mut out = std::io::stdout();
    let _ = writeln!(out, "lark-sim listening on {}", sim.base_url());
    if let Some(path) = sim.certificate_path() {
        let _ = writeln!(out, "lark-sim certificate: {}", path.display());
    }
    // After the lines clients parse: the chat page, for a person.
    let _ = writeln!(
        out,
        "Open {}/ to chat with the bots as their users",
        sim.base_url()
    );
    let _ = out.flush();
    let _ = tokio::signal::ctrl_c().await;
}
