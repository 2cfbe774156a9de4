//! Counters and a latency histogram, rendered as Prometheus text at `GET /metrics`.
//!
//! Hand-written rather than a metrics framework: a dozen series, labelled by account, behind one
//! mutex that is taken once per event or send (never on a hot inner loop).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds (seconds) of the turn latency histogram.
const BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0,
];

#[derive(Default)]
struct Histogram {
    counts: Vec<u64>,
    sum: f64,
    count: u64,
}

#[derive(Default)]
struct Inner {
    /// (metric name, labels) → value.
    counters: BTreeMap<(&'static str, String), u64>,
    latency: BTreeMap<String, Histogram>,
    /// (account, connection index) → the connection's current state.
    conn_state: BTreeMap<(String, String), &'static str>,
}

/// The gateway's metrics.
#[derive(Default)]
pub struct Metrics {
    inner: Mutex<Inner>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

fn labels(pairs: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let v = v
            .replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\n', "\\n");
        let _ = write!(out, "{k}=\"{v}\"");
    }
    out
}

const HELP: &[(&str, &str)] = &[
    (
        "openclaw_events_received_total",
        "Events accepted from the platform",
    ),
    (
        "openclaw_events_duplicate_total",
        "Events dropped as already seen (event id or message id)",
    ),
    (
        "openclaw_events_recovered_total",
        "Messages a lost connection never delivered, recovered from the chat's history",
    ),
    (
        "openclaw_events_acked_total",
        "Events acknowledged after being recorded",
    ),
    (
        "openclaw_events_refused_total",
        "Messages refused by policy, by reason",
    ),
    ("openclaw_turns_total", "Agent turns, by outcome"),
    ("openclaw_sends_total", "Outbound sends, by outcome"),
    (
        "openclaw_cron_firings_total",
        "Scheduled job firings, by outcome (sent, failed, missed)",
    ),
    (
        "openclaw_llm_tokens_total",
        "Tokens the model used, by kind (input, output, cache_read, cache_write)",
    ),
];

impl Metrics {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Adds one to a counter.
    pub fn inc(&self, name: &'static str, pairs: &[(&str, &str)]) {
        *self
            .lock()
            .counters
            .entry((name, labels(pairs)))
            .or_default() += 1;
    }

    /// Adds the tokens one model call used.
    pub fn tokens(&self, account: &str, usage: &openclaw_agent::Usage) {
        let mut inner = self.lock();
        for (kind, n) in [
            ("input", usage.input_tokens),
            ("output", usage.output_tokens),
            ("cache_read", usage.cache_read_tokens),
            ("cache_write", usage.cache_write_tokens),
        ] {
            let key = (
                "openclaw_llm_tokens_total",
                labels(&[("account", account), ("kind", kind)]),
            );
            *inner.counters.entry(key).or_default() += n;
        }
    }

    pub fn event_received(&self, account: &str) {
        self.inc("openclaw_events_received_total", &[("account", account)]);
    }

    pub fn event_duplicate(&self, account: &str) {
        self.inc("openclaw_events_duplicate_total", &[("account", account)]);
    }

    pub fn event_recovered(&self, account: &str) {
        self.inc("openclaw_events_recovered_total", &[("account", account)]);
    }

    pub fn event_acked(&self, account: &str) {
        self.inc("openclaw_events_acked_total", &[("account", account)]);
    }

    pub fn refused(&self, account: &str, reason: &str) {
        self.inc(
            "openclaw_events_refused_total",
            &[("account", account), ("reason", reason)],
        );
    }

    pub fn turn(&self, account: &str, outcome: &str, latency: Duration) {
        self.inc(
            "openclaw_turns_total",
            &[("account", account), ("outcome", outcome)],
        );
        let mut inner = self.lock();
        let h = inner
            .latency
            .entry(labels(&[("account", account)]))
            .or_default();
        if h.counts.is_empty() {
            h.counts = vec![0; BUCKETS.len()];
        }
        let secs = latency.as_secs_f64();
        for (i, le) in BUCKETS.iter().enumerate() {
            if secs <= *le {
                h.counts[i] += 1;
            }
        }
        h.sum += secs;
        h.count += 1;
    }

    pub fn send(&self, account: &str, outcome: &str) {
        self.inc(
            "openclaw_sends_total",
            &[("account", account), ("outcome", outcome)],
        );
    }

    /// The state of connection `conn` of an account (webhook accounts have one, "webhook").
    pub fn connection_state(&self, account: &str, conn: usize, state: &'static str) {
        self.lock()
            .conn_state
            .insert((account.to_owned(), conn.to_string()), state);
    }

    /// The value of a counter (tests and `/status`).
    pub fn get(&self, name: &'static str, pairs: &[(&str, &str)]) -> u64 {
        self.lock()
            .counters
            .get(&(name, labels(pairs)))
            .copied()
            .unwrap_or(0)
    }

    /// Prometheus text exposition format.
    pub fn render(&self) -> String {
        let inner = self.lock();
        let mut out = String::new();
        for (name, help) in HELP {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter");
            for ((n, l), v) in &inner.counters {
                if n == name {
                    let _ = writeln!(out, "{name}{{{l}}} {v}");
                }
            }
        }
        let name = "openclaw_turn_latency_seconds";
        let _ = writeln!(
            out,
            "# HELP {name} Time from an event's arrival to the end of its reply\n# TYPE {name} histogram"
        );
        for (l, h) in &inner.latency {
            for (i, le) in BUCKETS.iter().enumerate() {
                let _ = writeln!(out, "{name}_bucket{{{l},le=\"{le}\"}} {}", h.counts[i]);
            }
            let _ = writeln!(out, "{name}_bucket{{{l},le=\"+Inf\"}} {}", h.count);
            let _ = writeln!(out, "{name}_sum{{{l}}} {}", h.sum);
            let _ = writeln!(out, "{name}_count{{{l}}} {}", h.count);
        }
        let name = "openclaw_connection_state";
        let _ = writeln!(
            out,
            "# HELP {name} The connection state of each account (1 for the current state)\n# TYPE {name} gauge"
        );
        let name_alive = "openclaw_connections_alive";
        let mut alive: BTreeMap<&str, u32> = BTreeMap::new();
        for ((account, _), state) in &inner.conn_state {
            *alive.entry(account).or_default() += u32::from(*state == "connected");
        }
        for ((account, conn), state) in &inner.conn_state {
            for s in [
                "connecting",
                "connected",
                "reconnecting",
                "stopped",
                "fatal",
                "webhook",
            ] {
                let v = u8::from(*state == s);
                let l = labels(&[("account", account), ("conn", conn), ("state", s)]);
                let _ = writeln!(out, "{name}{{{l}}} {v}");
            }
        }
        let _ = writeln!(
            out,
            "# HELP {name_alive} Long connections of each account that are connected now\n# TYPE {name_alive} gauge"
        );
        for (account, n) in alive {
            let _ = writeln!(
                out,
                "{name_alive}{{{}}} {n}",
                labels(&[("account", account)])
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_histogram_and_state_in_prometheus_text() {
        let m = Metrics::default();
        m.event_received("default");
        m.event_received("default");
        m.refused("default", "bot not mentioned");
        m.turn("default", "sent", Duration::from_millis(30));
        m.connection_state("default", 0, "connected");
        m.connection_state("default", 1, "reconnecting");
        let text = m.render();
        assert!(text.contains("openclaw_events_received_total{account=\"default\"} 2"));
        assert!(text.contains(
            "openclaw_events_refused_total{account=\"default\",reason=\"bot not mentioned\"} 1"
        ));
        assert!(
            text.contains(
                "openclaw_turn_latency_seconds_bucket{account=\"default\",le=\"0.025\"} 0"
            )
        );
        assert!(
            text.contains(
                "openclaw_turn_latency_seconds_bucket{account=\"default\",le=\"0.05\"} 1"
            )
        );
        assert!(text.contains(
            "openclaw_connection_state{account=\"default\",conn=\"0\",state=\"connected\"} 1"
        ));
        assert!(text.contains(
            "openclaw_connection_state{account=\"default\",conn=\"1\",state=\"reconnecting\"} 1"
        ));
        assert!(text.contains("openclaw_connections_alive{account=\"default\"} 1"));
    }
}
