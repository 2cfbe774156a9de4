//! `openclaw login [--provider anthropic|openai] [--api-key-stdin]`: asks for an LLM API key
//! (typed without echo) or reads it from stdin, checks it with one cheap call, and stores it in
//! the state dir, readable by the owner only. The gateway looks the key up on every model call,
//! so a running gateway uses it at once.

use std::io::{BufRead, Read, Write};

use anyhow::{Result, anyhow, bail};
use openclaw_agent::ApiKey;
use openclaw_agent::credentials::{env_var, store_key, verify};
use openclaw_config::{Paths, Provider};

/// Runs the command. `provider` defaults to the configured LLM provider, else anthropic.
pub async fn run(paths: &Paths, provider: Option<String>, from_stdin: bool) -> Result<()> {
    // The config may be missing or incomplete at first login; only the agent keys matter here.
    let config = openclaw_config::load(paths).ok();
    let configured = config.as_ref().map(|c| c.agent.provider);
    let provider: &'static str = match provider.as_deref() {
        Some("anthropic") => "anthropic",
        Some("openai") => "openai",
        Some(other) => bail!("unknown provider {other:?}: use anthropic or openai"),
        None if configured == Some(Provider::OpenAi) => "openai",
        None => "anthropic",
    };
    let base_url = config
        .as_ref()
        .filter(|c| match provider {
            "openai" => c.agent.provider == Provider::OpenAi,
            _ => c.agent.provider == Provider::Anthropic,
        })
        .and_then(|c| c.agent.base_url.clone());

    let key = if from_stdin {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        text
    } else {
        prompt_hidden(&format!("{provider} API key: "))?
    };
    let key = ApiKey::new(key);
    if key.expose().is_empty() {
        bail!("no key was given");
    }
    verify(provider, base_url.as_deref(), &key)
        .await
        .map_err(|e| anyhow!("{e}; the key was not stored"))?;
    let path = store_key(&paths.state_dir, provider, &key).map_err(|e| {
        anyhow!(
            "cannot store the key under {}: {e}",
            paths.state_dir.display()
        )
    })?;
    println!(
        "The {provider} API key works and is stored in {} (readable by you only). {} takes precedence when set.",
        path.display(),
        env_var(provider)
    );
    Ok(())
}

/// Reads one line from the terminal without showing it; from a pipe, reads the first line.
fn prompt_hidden(prompt: &str) -> Result<String> {
    let mut err = std::io::stderr();
    write!(err, "{prompt}")?;
    err.flush()?;
    let _echo_off = EchoOff::new();
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    writeln!(err)?;
    Ok(line)
}

/// Turns terminal echo off while alive (a no-op when stdin is not a terminal).
struct EchoOff {
    #[cfg(unix)]
    saved: Option<libc::termios>,
}

impl EchoOff {
    fn new() -> EchoOff {
        #[cfg(unix)]
        {
            // SAFETY: tcgetattr/tcsetattr on fd 0 with a zeroed termios they fill in; failure
            // (not a terminal) is checked and leaves the terminal untouched.
            unsafe {
                let mut t: libc::termios = std::mem::zeroed();
                if libc::isatty(0) == 1 && libc::tcgetattr(0, &mut t) == 0 {
                    let saved = t;
                    t.c_lflag &= !libc::ECHO;
                    t.c_lflag |= libc::ECHONL;
                    if libc::tcsetattr(0, libc::TCSANOW, &t) == 0 {
                        return EchoOff { saved: Some(saved) };
                    }
                }
            }
            EchoOff { saved: None }
        }
        #[cfg(not(unix))]
        EchoOff {}
    }
}

impl Drop for EchoOff {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let Some(t) = self.saved {
            // SAFETY: restores the attributes read in `new` on the same descriptor.
            unsafe {
                libc::tcsetattr(0, libc::TCSANOW, &t);
            }
        }
    }
}
