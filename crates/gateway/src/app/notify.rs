//! systemd's readiness protocol (`Type=notify`), spoken directly: one datagram with
//! `READY=1` to the socket `$NOTIFY_SOCKET` names (a path, or `@name` in the abstract
//! namespace), sent once every account is connected (a webhook account is ready once it
//! listens), so `systemctl start` returns when the bot can answer. `STOPPING=1` at shutdown.

use std::sync::Arc;
use std::time::Duration;

use crate::observe::status::account_statuses;
use crate::runtime::Ctx;

/// How often the accounts' states are looked at until they are all up.
const LOOK_EVERY: Duration = Duration::from_millis(100);

/// Sends `message` to `$NOTIFY_SOCKET`; nothing happens without one (not under systemd).
pub fn notify(message: &str) -> std::io::Result<bool> {
    let Some(socket) = std::env::var_os("NOTIFY_SOCKET") else {
        return Ok(false);
    };
    send(&socket.to_string_lossy(), message)?;
    Ok(true)
}

#[cfg(target_os = "linux")]
fn send(socket: &str, message: &str) -> std::io::Result<()> {
    use std::os::linux::net::SocketAddrExt;
    use std::os::unix::net::{SocketAddr, UnixDatagram};
    let sock = UnixDatagram::unbound()?;
    match socket.strip_prefix('@') {
        Some(name) => {
            let addr = SocketAddr::from_abstract_name(name.as_bytes())?;
            sock.send_to_addr(message.as_bytes(), &addr)?;
        }
        None => {
            sock.send_to(message.as_bytes(), socket)?;
        }
    }
    Ok(())
}

#[cfg(all(unix, not(target_os = "linux")))]
fn send(socket: &str, message: &str) -> std::io::Result<()> {
    std::os::unix::net::UnixDatagram::unbound()?.send_to(message.as_bytes(), socket)?;
    Ok(())
}

#[cfg(not(unix))]
fn send(_socket: &str, _message: &str) -> std::io::Result<()> {
    Ok(())
}

/// Waits until every account is up (or the gateway stops), then tells systemd it is ready.
pub async fn ready_when_connected(ctx: Arc<Ctx>) {
    if std::env::var_os("NOTIFY_SOCKET").is_none() {
        return;
    }
    loop {
        if ctx.stopping() {
            return;
        }
        let statuses = account_statuses(&ctx).await;
        let up = statuses
            .iter()
            .filter(|s| s.state == "connected" || s.state == "listening")
            .count();
        if up == statuses.len() {
            let message = format!("READY=1\nSTATUS={up} account(s) connected\n");
            match notify(&message) {
                Ok(_) => {
                    tracing::info!(target: "gateway", "told systemd the gateway is ready ({up} account(s) connected)")
                }
                Err(e) => {
                    tracing::warn!(target: "gateway", "cannot tell systemd the gateway is ready: {e}")
                }
            }
            return;
        }
        tokio::time::sleep(LOOK_EVERY).await;
    }
}
