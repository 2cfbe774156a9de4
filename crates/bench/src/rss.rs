//! Resident memory of a child process, from `/proc/<pid>/status`: `VmRSS` now, `VmHWM` (the
//! kernel's peak), and a sampler that polls `VmRSS` every 100 ms and keeps the highest.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

/// A `kB` field of `/proc/<pid>/status`, in bytes.
fn status_field(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find_map(|line| {
        let rest = line.strip_prefix(field)?.strip_prefix(':')?;
        let kb: u64 = rest.trim().trim_end_matches("kB").trim().parse().ok()?;
        Some(kb * 1024)
    })
}

/// Resident set size now, in bytes.
pub fn rss(pid: u32) -> Option<u64> {
    status_field(pid, "VmRSS")
}

/// The peak resident set size since the process started, in bytes.
pub fn hwm(pid: u32) -> Option<u64> {
    status_field(pid, "VmHWM")
}

/// Polls `VmRSS` of a process every 100 ms until stopped.
pub struct Sampler {
    peak: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<()>,
}

impl Sampler {
    pub fn start(pid: u32) -> Sampler {
        let peak = Arc::new(AtomicU64::new(rss(pid).unwrap_or(0)));
        let stop = Arc::new(AtomicBool::new(false));
        let task = tokio::spawn({
            let (peak, stop) = (peak.clone(), stop.clone());
            async move {
                let mut tick = tokio::time::interval(Duration::from_millis(100));
                while !stop.load(Ordering::Relaxed) {
                    tick.tick().await;
                    if let Some(now) = rss(pid) {
                        peak.fetch_max(now, Ordering::Relaxed);
                    }
                }
            }
        });
        Sampler { peak, stop, task }
    }

    /// Stops sampling; the highest `VmRSS` seen, in bytes.
    pub async fn finish(self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.task.await;
        self.peak.load(Ordering::Relaxed)
    }
}

/// Bytes as megabytes (MiB), for printing.
pub fn mb(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}
