//! Logs: the console gets the channel document's lines as they are written there
//! (`[lark] [default] starting Lark provider (cli_xxx) in websocket mode`, `[ws] ws connect
//! success`), and the same lines, with time and level, go to the day's file
//! `<state>/logs/openclaw-YYYY-MM-DD.log` (`OPENCLAW_LOG_DIR` moves the folder), kept
//! `logging.keepDays` days. With the JSON format both get one JSON object a line instead.
//!
//! Nothing here ever formats a secret: secrets are `lark::Secret`, which prints `<redacted>`.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use tracing::{Event, Level, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

use super::log_file::DailyFile;
use super::log_json::JsonLine;

/// (year, month, day, hour, minute, second, millisecond) in UTC.
pub(crate) fn civil(t: SystemTime) -> (i64, u32, u32, u32, u32, u32, u32) {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs() as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Howard Hinnant's days-to-civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        year,
        month,
        day,
        (rem / 3600) as u32,
        (rem % 3600 / 60) as u32,
        (rem % 60) as u32,
        d.subsec_millis(),
    )
}

/// The log folder: `OPENCLAW_LOG_DIR`, else `<state>/logs`.
pub fn log_dir(state_dir: &Path) -> PathBuf {
    std::env::var_os("OPENCLAW_LOG_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| state_dir.join("logs"))
}

/// `2026-11-30T00:30:45.000Z`: the time at the start of each file line (and JSON's `time`);
/// it sorts as the times do, which `openclaw logs --since` relies on.
pub fn timestamp(t: SystemTime) -> String {
    let (y, mo, d, h, mi, s, ms) = civil(t);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}Z")
}

/// `--log-format` / `logging.format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

impl LogFormat {
    /// `text` or `json`; anything else is `None`.
    pub fn parse(s: &str) -> Option<LogFormat> {
        match s {
            "text" => Some(LogFormat::Text),
            "json" => Some(LogFormat::Json),
            _ => None,
        }
    }
}

/// How the gateway logs.
#[derive(Debug, Clone)]
pub struct LogOptions {
    /// Debug lines of the gateway's own targets.
    pub verbose: bool,
    pub format: LogFormat,
    /// The folder of the day files ([`log_dir`]).
    pub dir: PathBuf,
    /// `logging.keepDays`; 0 keeps every file.
    pub keep_days: u32,
    /// Whether the config file set `logging.format` or `logging.keepDays`.
    pub from_file: bool,
}

/// One line per event: `[target] message key=value`, with time and level in the file.
struct Line {
    with_time: bool,
}

impl<S, N> FormatEvent<S, N> for Line
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut w: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let meta = event.metadata();
        if self.with_time {
            write!(
                w,
                "{} {:5} ",
                timestamp(SystemTime::now()),
                meta.level().as_str()
            )?;
        } else if *meta.level() <= Level::WARN {
            write!(w, "{} ", meta.level().as_str())?;
        }
        let target = meta.target();
        let short = target.rsplit("::").next().unwrap_or(target);
        write!(w, "[{short}] ")?;
        ctx.field_format().format_fields(w.by_ref(), event)?;
        writeln!(w)
    }
}

/// Logs to the console and the day's file. `verbose` adds debug lines of the gateway's own
/// targets; `RUST_LOG` overrides the filter. Returns the file's path (printed at start), or
/// `None` when the file could not be opened (the console still gets everything).
pub fn init(opts: &LogOptions) -> Option<PathBuf> {
    let default = if opts.verbose {
        "info,lark=debug,gateway=debug,ws=debug"
    } else {
        "info"
    };
    let filter = || EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let json = opts.format == LogFormat::Json;
    let console = tracing_subscriber::fmt::layer()
        .with_ansi(!json && std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    let console = if json {
        console.event_format(JsonLine).with_filter(filter()).boxed()
    } else {
        console
            .event_format(Line { with_time: false })
            .with_filter(filter())
            .boxed()
    };
    let file = DailyFile::open(&opts.dir, opts.keep_days).ok();
    let path = file.as_ref().map(DailyFile::path);
    let file_layer = file.map(|f| {
        let layer = tracing_subscriber::fmt::layer()
            .with_ansi(false)
            .with_writer(f);
        if json {
            layer.event_format(JsonLine).with_filter(filter()).boxed()
        } else {
            layer
                .event_format(Line { with_time: true })
                .with_filter(filter())
                .boxed()
        }
    });
    let _ = tracing_subscriber::registry()
        .with(console)
        .with(file_layer)
        .try_init();
    path
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn civil_dates_are_right_across_leap_years() {
        let at = |s: u64| civil(UNIX_EPOCH + Duration::from_secs(s));
        assert_eq!(at(0), (1970, 1, 1, 0, 0, 0, 0));
        assert_eq!(at(951_782_400), (2000, 2, 29, 0, 0, 0, 0));
        assert_eq!(at(1_795_998_645), (2026, 11, 30, 0, 30, 45, 0));
    }
}
