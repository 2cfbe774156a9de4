//! `openclaw`: the gateway and CLI that put an AI agent into Lark and Feishu.
//!
//! Clap wiring only: each command's work lives in `cmd/` over the library crates
//! (`openclaw-config`, `openclaw-gateway`, `lark`).

mod cmd;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};

/// Put an AI agent into Lark and Feishu.
#[derive(Parser)]
#[command(name = "openclaw", version = env!("OPENCLAW_VERSION"), about)]
struct Cli {
    /// The config file (default: $OPENCLAW_CONFIG_PATH, else $OPENCLAW_STATE_DIR/openclaw.json,
    /// else ~/.openclaw/openclaw.json).
    #[arg(long, global = true, value_name = "PATH")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read and change the config file.
    #[command(subcommand)]
    Config(ConfigCmd),
    /// Run the gateway.
    #[command(subcommand)]
    Gateway(GatewayCmd),
    /// Send messages.
    #[command(subcommand)]
    Message(MessageCmd),
    /// Channel accounts: configuration and connection state.
    #[command(subcommand)]
    Channels(ChannelsCmd),
    /// DM pairing requests: list, approve, reject.
    #[command(subcommand)]
    Pairing(PairingCmd),
    /// Scheduled jobs: add, list, show, remove, enable, disable, run, runs.
    #[command(subcommand, visible_alias = "automations")]
    Cron(cmd::cron::CronCmd),
    /// Stores an LLM API key (checked first) in the state dir, readable by you only.
    Login {
        /// The provider the key is for (default: agent.provider, else anthropic).
        #[arg(long, value_parser = ["anthropic", "openai"])]
        provider: Option<String>,
        /// Read the key from stdin instead of asking for it.
        #[arg(long)]
        api_key_stdin: bool,
    },
    /// Prints the day's log file (with --since, every line since then, across days).
    Logs {
        /// Keep printing lines as they are written.
        #[arg(long, short)]
        follow: bool,
        /// Only lines from this long ago on: 30s, 10m, 2h, 1d.
        #[arg(long, value_name = "AGO")]
        since: Option<String>,
    },
    /// Serve every message action as an MCP tool (stdio, or streamable HTTP with --http).
    Mcp(cmd::mcp::McpArgs),
    /// Checks the whole setup (config, each account's credentials, bot and scopes, the store,
    /// the model's key) and says how to fix each problem; exits 1 when something is wrong.
    Doctor {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum ConfigCmd {
    /// Sets KEY (a dotted path such as channels.lark.appId) to VALUE: true/false, a number,
    /// a JSON array or object, else a string. Only that key changes in the file.
    Set { key: String, value: String },
    /// Prints the value at KEY (secrets redacted).
    Get { key: String },
    /// Removes KEY from the file.
    Unset { key: String },
    /// Prints the config file's path.
    Path,
    /// Checks the whole config and prints OK or what is wrong.
    Validate,
}

#[derive(Subcommand)]
pub enum GatewayCmd {
    /// Starts every enabled account and serves webhooks, /healthz, /status and /metrics.
    Run(RunArgs),
    /// Writes a systemd unit running `gateway run` with this config (--config PATH).
    Install(ServiceArgs),
    /// Removes the systemd unit.
    Uninstall(ServiceArgs),
    /// Shows the installed unit and whether systemd runs it.
    Status(ServiceArgs),
}

#[derive(Args)]
pub struct ServiceArgs {
    /// A user service (~/.config/systemd/user) instead of a system one (/etc/systemd/system).
    #[arg(long)]
    pub user: bool,
    /// The folder of the unit file, instead of systemd's (for packaging).
    #[arg(long, value_name = "DIR")]
    pub unit_dir: Option<PathBuf>,
}

#[derive(Args)]
pub struct RunArgs {
    /// The HTTP port (webhooks, health, status, metrics); default gateway.port or 18789.
    #[arg(long)]
    pub port: Option<u16>,
    /// The address to listen on; default gateway.bind or 127.0.0.1.
    #[arg(long)]
    pub bind: Option<String>,
    /// Log each event and send, and probe the bot's identity at start.
    #[arg(long, short)]
    pub verbose: bool,
    /// No tenant needed: run against an embedded lark-sim with a seeded DM and group.
    #[arg(long)]
    pub sim: bool,
    /// `text` (the default) or `json`: one JSON object a line for log shippers, on the console
    /// and in the log file (default logging.format).
    #[arg(long, value_name = "FORMAT")]
    pub log_format: Option<String>,
}

#[derive(Subcommand)]
pub enum MessageCmd {
    /// Sends one message and prints its id (or, with --json '{...}', runs the send action).
    Send(SendArgs),
    /// Any other action of the message tool: `openclaw message <action> --json '{...}'`.
    #[command(external_subcommand)]
    Action(Vec<String>),
}

#[derive(Args)]
pub struct SendArgs {
    /// oc_ (chat), ou_ (user open id), on_ (union id), chat:oc_..., user:ou_..., or an e-mail.
    #[arg(long, required_unless_present = "json")]
    pub to: Option<String>,
    /// The text (with --markdown: markdown, sent as a rich post).
    #[arg(long, short)]
    pub message: Option<String>,
    /// Send the message as markdown (a post).
    #[arg(long)]
    pub markdown: bool,
    /// Send an interactive card from a JSON file.
    #[arg(long, value_name = "FILE.json")]
    pub card: Option<PathBuf>,
    /// Upload and send an image.
    #[arg(long, value_name = "PATH")]
    pub image: Option<PathBuf>,
    /// Upload and send a file.
    #[arg(long, value_name = "PATH")]
    pub file: Option<PathBuf>,
    /// The account to send as (default: the default account).
    #[arg(long)]
    pub account: Option<String>,
    /// Print the result as JSON; with a value, run the `send` action with those parameters
    /// (`--json '{"to":"chat:oc_...","message":"hi"}'`), as every other action runs.
    #[arg(long, num_args = 0..=1, value_name = "PARAMS")]
    pub json: Option<Option<String>>,
}

#[derive(Subcommand)]
pub enum ChannelsCmd {
    /// Each account: configured or what is missing, mode, connection state, last event.
    Status {
        /// Check credentials and the bot's identity against the platform.
        #[arg(long)]
        probe: bool,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum PairingCmd {
    /// Pending pairing requests.
    List {
        /// The channel (lark).
        #[arg(default_value = "lark")]
        channel: String,
        #[arg(long)]
        json: bool,
    },
    /// Approves a pairing code: the user may talk to the bot from now on.
    Approve {
        channel: String,
        code: String,
        /// Tell the user they are in.
        #[arg(long)]
        notify: bool,
    },
    /// Rejects a pairing code.
    Reject { channel: String, code: String },
}

/// `openclaw message --help`: every action of the `message` tool with its one-line summary.
fn message_actions_help() -> String {
    let mut out =
        String::from("Actions (openclaw message <action> --json '{...}' [--account NAME]):\n");
    for a in openclaw_tools::registry::actions() {
        let summary = a.description.split(". ").next().unwrap_or(a.description);
        let summary = summary.trim_end_matches('.');
        out.push_str(&format!("  {:<22} {summary}\n", a.name));
    }
    out
}

fn main() -> ExitCode {
    lark::install_crypto_provider();
    let help = message_actions_help();
    let command = Cli::command().mut_subcommand("message", |m| m.after_help(help));
    let cli = match Cli::from_arg_matches(&command.get_matches()) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let paths = openclaw_config::Paths::resolve(cli.config.as_deref());
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("openclaw: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        match cli.command {
            Command::Config(c) => cmd::config::run(&paths, c),
            Command::Gateway(GatewayCmd::Run(args)) => cmd::gateway::run(&paths, args).await,
            Command::Gateway(GatewayCmd::Install(args)) => cmd::service::install(&paths, &args),
            Command::Gateway(GatewayCmd::Uninstall(args)) => cmd::service::uninstall(&args),
            Command::Gateway(GatewayCmd::Status(args)) => cmd::service::status(&args),
            Command::Message(MessageCmd::Send(args)) => cmd::message::send(&paths, args).await,
            Command::Message(MessageCmd::Action(argv)) => cmd::tool_cli::run(&paths, argv).await,
            Command::Logs { follow, since } => cmd::logs::run(&paths, follow, since).await,
            Command::Mcp(args) => cmd::mcp::run(&paths, args).await,
            Command::Doctor { json } => cmd::doctor::run(&paths, json).await,
            Command::Channels(ChannelsCmd::Status { probe, json }) => {
                cmd::channels::status(&paths, probe, json).await
            }
            Command::Pairing(p) => cmd::pairing::run(&paths, p).await,
            Command::Cron(c) => cmd::cron::run(&paths, c).await,
            Command::Login {
                provider,
                api_key_stdin,
            } => cmd::login::run(&paths, provider, api_key_stdin).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("openclaw: {e:#}");
            ExitCode::FAILURE
        }
    }
}
