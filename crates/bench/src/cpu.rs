//! CPU time of a process, from `/proc/<pid>/stat`: user + system time of all its threads, in
//! milliseconds. Read before and after a load, the difference divided by the replies is the CPU
//! each reply cost, the fair figure on a shared machine where wall-clock rates are bounded by
//! whatever else runs.

use std::sync::OnceLock;

/// Clock ticks per second of the `stat` times (`getconf CLK_TCK`; 100 on every usual Linux).
fn ticks_per_second() -> f64 {
    static TICKS: OnceLock<f64> = OnceLock::new();
    *TICKS.get_or_init(|| {
        std::process::Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .and_then(|s| s.trim().parse::<f64>().ok())
            .filter(|t| *t > 0.0)
            .unwrap_or(100.0)
    })
}

/// User + system CPU time `pid` has used so far, in milliseconds.
pub fn cpu_ms(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    parse_stat(&stat).map(|ticks| ticks as f64 * 1000.0 / ticks_per_second())
}

/// utime + stime (fields 14 and 15) of a `stat` line; the command name in parentheses may hold
/// spaces, so fields are counted from its closing parenthesis.
fn parse_stat(stat: &str) -> Option<u64> {
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // After ")" the first field is the state (field 3): utime is field 14, stime field 15.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

/// CPU used by a process between two readings.
pub struct Meter {
    pid: u32,
    start: Option<f64>,
}

impl Meter {
    pub fn start(pid: u32) -> Meter {
        Meter {
            pid,
            start: cpu_ms(pid),
        }
    }

    /// Milliseconds of CPU since [`Meter::start`] (0 when the process could not be read).
    pub fn elapsed_ms(&self) -> f64 {
        match (self.start, cpu_ms(self.pid)) {
            (Some(a), Some(b)) => (b - a).max(0.0),
            _ => 0.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_user_and_system_time_past_a_name_with_spaces() {
        let line = "4242 (node echo) S 1 4242 4242 0 -1 4194304 100 0 0 0 250 75 0 0 20 0 11 0";
        assert_eq!(parse_stat(line), Some(325));
        assert_eq!(parse_stat("garbage"), None);
    }

    #[test]
    fn a_busy_process_shows_cpu_time() {
        // Ticks are 10 ms: spin until one is counted (bounded), then the reading must have grown.
        let meter = Meter::start(std::process::id());
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        let mut x = 0u64;
        while meter.elapsed_ms() == 0.0 && std::time::Instant::now() < deadline {
            for i in 0..1_000_000u64 {
                x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(i));
            }
        }
        assert!(meter.elapsed_ms() > 0.0, "no CPU time counted ({x})");
    }
}
