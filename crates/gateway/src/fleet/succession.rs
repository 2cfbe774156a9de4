//! A replica restarted on the same state directory after `kill -9` gives back the chat leases
//! its dead predecessor held, so its chats are taken at once instead of after the leases lapse.

use std::path::Path;
use std::sync::Arc;

use crate::store::{Replica, Store};

/// The file in the state directory naming the replica that last ran on it.
const REPLICA_FILE: &str = "replica.json";

/// At start, with a shared store: when the replica that last ran on this state directory died
/// without giving its chat leases back (`kill -9`, a crash), gives them back for it, so its
/// chats are taken at once instead of after the leases expire; then names this replica in the
/// file. A predecessor that may still run (its process exists, or that cannot be told) is left
/// alone: its leases expire on their own if it is dead.
pub(crate) async fn succeed(ctx_store: &Arc<dyn Store>, me: &Replica, state_dir: &Path) {
    let path = state_dir.join(REPLICA_FILE);
    let prev: Option<serde_json::Value> = std::fs::read_to_string(&path)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok());
    if let Some(prev) = prev {
        let id = prev["id"].as_str().unwrap_or_default();
        let pid = prev["pid"].as_u64().unwrap_or(0) as u32;
        let same_host = prev["host"].as_str() == Some(me.host.as_str());
        if !id.is_empty() && id != me.id && same_host && !process_may_run(pid, me.pid) {
            match ctx_store.forget_replica(id).await {
                Ok(n) => {
                    tracing::info!(target: "gateway", "replica {id} (pid {pid}) on this state directory stopped without giving back its chat leases; released {n}")
                }
                Err(e) => {
                    tracing::warn!(target: "gateway", "cannot release the chat leases of the previous replica {id}: {e}")
                }
            }
        }
    }
    let mine = serde_json::json!({ "id": me.id, "host": me.host, "pid": me.pid });
    if let Err(e) = std::fs::write(&path, mine.to_string()) {
        tracing::warn!(target: "gateway", "cannot write {}: {e}", path.display());
    }
}

/// Whether process `pid` may still be running (this process's own pid means a restarted
/// container whose predecessor had the same one).
fn process_may_run(pid: u32, me: u32) -> bool {
    if pid == 0 {
        return true;
    }
    if pid == me {
        return false;
    }
    let proc = Path::new("/proc");
    !proc.join("self").exists() || proc.join(pid.to_string()).exists()
}

#[cfg(test)]
mod tests {
    use super::process_may_run;

    #[test]
    fn a_predecessor_runs_unless_its_process_is_gone_or_is_this_one() {
        let me = std::process::id();
        assert!(
            !process_may_run(me, me),
            "a restarted container reuses its pid"
        );
        assert!(process_may_run(0, me), "no pid on record: cannot tell");
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        if std::path::Path::new("/proc/self").exists() {
            assert!(!process_may_run(pid, me), "exited and reaped");
            assert!(process_may_run(1, me), "init runs");
        }
    }
}
