//! `openclaw`: the gateway and CLI that put an AI agent into Lark and Feishu.
//!
//! The platform layer (the `lark` client and `lark-sim`) is what exists today; the gateway
//! (config, `gateway run`, policies, pairing, the agent) is built on top of it next. Until then
//! this binary says so plainly instead of pretending.

use clap::Parser;

/// Put an AI agent into Lark and Feishu.
#[derive(Parser)]
#[command(name = "openclaw", version, about)]
struct Cli {
    /// Everything after `openclaw` (the gateway commands are not built yet).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<String>,
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    eprintln!(
        "openclaw {}: the gateway commands ({}) are not available in this build yet.\n\
         Run a local Lark to develop against with: lark-sim --addr 127.0.0.1:9000 --app cli_a1b2c3d4e5f60718:secret",
        env!("CARGO_PKG_VERSION"),
        if cli.args.is_empty() {
            "none given".to_owned()
        } else {
            cli.args.join(" ")
        }
    );
    std::process::ExitCode::from(2)
}
