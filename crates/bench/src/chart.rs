//! The comparison as an SVG chart (the README shows `docs/bench.svg`): one panel per figure,
//! one bar per bot, each bar labelled with its value. Plain SVG text, no dependencies.

use std::fmt::Write;

use crate::args::Target;
use crate::report::{RunStats, find};

const WIDTH: f64 = 860.0;
const LABEL_W: f64 = 210.0;
const BAR_MAX: f64 = 500.0;
const BAR_H: f64 = 20.0;
const BAR_GAP: f64 = 6.0;
const PANEL_TOP: f64 = 28.0;
const PANEL_GAP: f64 = 18.0;

/// One panel: its title and which run and figure it reads.
struct Panel {
    title: &'static str,
    load: &'static str,
    value: fn(&RunStats) -> f64,
    unit: &'static str,
    decimals: usize,
}

const PANELS: [Panel; 5] = [
    Panel {
        title: "Closed loop, one message at a time: p50 reply latency (lower is better)",
        load: "closed-loop",
        value: |r| r.p50_ms as f64,
        unit: " ms",
        decimals: 0,
    },
    Panel {
        title: "Closed loop: p99 reply latency (lower is better)",
        load: "closed-loop",
        value: |r| r.p99_ms as f64,
        unit: " ms",
        decimals: 0,
    },
    Panel {
        title: "Burst: replies per second (higher is better)",
        load: "burst",
        value: |r| r.replies_per_s,
        unit: "/s",
        decimals: 1,
    },
    Panel {
        title: "Burst: CPU time of the bot per reply, user + system (lower is better)",
        load: "burst",
        value: |r| r.cpu_ms_per_reply,
        unit: " ms",
        decimals: 3,
    },
    Panel {
        title: "Burst: peak resident memory of the bot (lower is better)",
        load: "burst",
        value: |r| r.peak_rss_mb,
        unit: " MB",
        decimals: 1,
    },
];

fn color(t: Target) -> &'static str {
    match t {
        Target::Gateway => "#2563eb",
        Target::Tuned => "#93c5fd",
        Target::Node => "#9ca3af",
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The chart of `rows`; `caption` (a line each) says what was run where.
pub fn render(rows: &[RunStats], caption: &[&str]) -> String {
    let targets: Vec<Target> = Target::selected(None)
        .into_iter()
        .filter(|t| rows.iter().any(|r| r.bot == t.name()))
        .collect();
    let panel_h = PANEL_TOP + targets.len() as f64 * (BAR_H + BAR_GAP) + PANEL_GAP;
    let head = 38.0 + 16.0 * caption.len() as f64;
    let height = head + PANELS.len() as f64 * panel_h;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="-apple-system, Segoe UI, Helvetica, Arial, sans-serif" font-size="13">
<rect width="100%" height="100%" fill="#ffffff"/>
<text x="16" y="24" font-size="16" font-weight="600" fill="#111827">openclaw-bench: the gateway against the official Node SDK echo bot</text>
"##
    );
    for (i, line) in caption.iter().enumerate() {
        let _ = writeln!(
            svg,
            r##"<text x="16" y="{:.0}" font-size="12" fill="#4b5563">{}</text>"##,
            42.0 + 16.0 * i as f64,
            escape(line)
        );
    }
    for (i, p) in PANELS.iter().enumerate() {
        let top = head + i as f64 * panel_h;
        let _ = writeln!(
            svg,
            r##"<text x="16" y="{:.0}" font-weight="600" fill="#1f2937">{}</text>"##,
            top + 18.0,
            escape(p.title)
        );
        let values: Vec<(Target, Option<f64>)> = targets
            .iter()
            .map(|t| (*t, find(rows, t.name(), p.load).map(p.value)))
            .collect();
        let max = values
            .iter()
            .filter_map(|(_, v)| *v)
            .fold(0.0_f64, f64::max);
        for (j, (t, v)) in values.iter().enumerate() {
            let y = top + PANEL_TOP + j as f64 * (BAR_H + BAR_GAP);
            let _ = writeln!(
                svg,
                r##"<text x="{:.0}" y="{:.0}" text-anchor="end" fill="#374151">{}</text>"##,
                LABEL_W - 8.0,
                y + 14.0,
                escape(t.label())
            );
            let Some(v) = v else {
                continue;
            };
            let w = if max > 0.0 { v / max * BAR_MAX } else { 0.0 };
            let _ = writeln!(
                svg,
                r##"<rect x="{LABEL_W}" y="{y:.0}" width="{:.1}" height="{BAR_H}" rx="3" fill="{}"/><text x="{:.1}" y="{:.0}" fill="#111827">{:.*}{}</text>"##,
                w.max(1.0),
                color(*t),
                LABEL_W + w.max(1.0) + 6.0,
                y + 14.0,
                p.decimals,
                v,
                p.unit
            );
        }
    }
    svg.push_str("</svg>\n");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::Outcome;

    fn run(bot: &str, load: &str, latency: u64) -> RunStats {
        let o = Outcome {
            latencies_ms: vec![latency],
            answered: 1,
            wall_ms: 1000,
            ..Outcome::default()
        };
        let mut r = RunStats::new(bot, 1, 1, o, 0, 0);
        r.load = load.to_owned();
        r
    }

    #[test]
    fn every_bot_gets_a_labelled_bar_scaled_to_the_largest() {
        let rows = vec![
            run("gateway", "closed-loop", 5),
            run("node", "closed-loop", 10),
            run("gateway", "burst", 1),
            run("node", "burst", 1),
        ];
        let svg = render(&rows, &["2 cores & a <test>", "second line"]);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>\n"));
        assert!(svg.contains("2 cores &amp; a &lt;test&gt;") && svg.contains("second line"));
        assert!(
            svg.contains(r#"width="250.0" height="20""#),
            "5 of 10 is half of 500"
        );
        assert!(svg.contains(r#"width="500.0" height="20""#));
        assert!(svg.contains(">10 ms<") && svg.contains(">5 ms<"));
        assert!(!svg.contains("tuned"), "a bot that did not run has no row");
    }
}
