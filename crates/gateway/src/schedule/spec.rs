//! What a job's schedule means: a cron expression (seconds optional), an interval, or one
//! instant, each read in an IANA zone; and the firing that follows a given time.
//!
//! Parsing is strict and says how to fix the input, since the agent and the CLI both write
//! schedules. Every firing is computed from the previous scheduled time (not the moment a
//! replica got to it), so all replicas agree on each firing's time, which is part of its id.

use std::str::FromStr;

use croner::Cron;
use croner::parser::{CronParser, Seconds};
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};

/// Why a schedule cannot be used. Each message says what to write instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpecError {
    #[error(
        "invalid cron expression {expr:?}: {reason} (write five fields \"min hour day month weekday\", or six with seconds first, e.g. \"0 7 * * *\")"
    )]
    Cron { expr: String, reason: String },
    #[error(
        "unknown time zone {0:?}: name an IANA zone such as Asia/Shanghai, Europe/London or UTC"
    )]
    Zone(String),
    #[error(
        "invalid interval {0:?}: write a number and a unit (ms, s, m, h, d, w), e.g. 30s, 10m, 1h30m"
    )]
    Every(String),
    #[error(
        "invalid time {0:?}: write 2026-12-05T09:00 (read in the job's zone), 2026-12-05T09:00:00+08:00, or a delay such as 20m"
    )]
    At(String),
    #[error("unknown schedule kind {0:?}: use cron, every or at")]
    Kind(String),
}

/// A parsed schedule.
#[derive(Debug, Clone)]
pub enum Schedule {
    Cron(Box<Cron>, TimeZone),
    /// Every so many milliseconds.
    Every(i64),
    /// Once, at this instant (ms since the epoch).
    At(i64),
}

/// The zone named, or the machine's when none is.
pub fn zone(name: Option<&str>) -> Result<(TimeZone, String), SpecError> {
    match name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => TimeZone::get(n)
            .map(|tz| (tz, n.to_owned()))
            .map_err(|_| SpecError::Zone(n.to_owned())),
        None => {
            let tz = TimeZone::system();
            let name = tz.iana_name().unwrap_or("UTC").to_owned();
            Ok((tz, name))
        }
    }
}

/// Parses an interval such as `30s`, `10m`, `1h30m`, `2d`, `500ms`.
pub fn parse_every(text: &str) -> Result<i64, SpecError> {
    let bad = || SpecError::Every(text.to_owned());
    let mut rest = text.trim();
    if rest.is_empty() {
        return Err(bad());
    }
    let mut total: i64 = 0;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let n: i64 = rest[..digits].parse().map_err(|_| bad())?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let unit = rest[..unit_len].trim();
        rest = rest[unit_len..].trim_start();
        let ms = match unit {
            "ms" => 1,
            "s" | "sec" | "secs" | "second" | "seconds" => 1_000,
            "m" | "min" | "mins" | "minute" | "minutes" => 60_000,
            "h" | "hr" | "hour" | "hours" => 3_600_000,
            "d" | "day" | "days" => 86_400_000,
            "w" | "week" | "weeks" => 604_800_000,
            _ => return Err(bad()),
        };
        total = n
            .checked_mul(ms)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(bad)?;
    }
    if total <= 0 {
        return Err(bad());
    }
    Ok(total)
}

/// Parses a one-shot time: an instant with an offset, a civil time read in `tz`, or a delay
/// from `now_ms` (`20m`, `in 20m`).
pub fn parse_at(text: &str, tz: &TimeZone, now_ms: i64) -> Result<i64, SpecError> {
    let t = text.trim();
    let bad = || SpecError::At(text.to_owned());
    if let Ok(ts) = Timestamp::from_str(t) {
        return Ok(ts.as_millisecond());
    }
    if let Ok(dt) = DateTime::from_str(t) {
        let z = dt.to_zoned(tz.clone()).map_err(|_| bad())?;
        return Ok(z.timestamp().as_millisecond());
    }
    let delay = t.strip_prefix("in ").unwrap_or(t);
    parse_every(delay).map(|d| now_ms + d).map_err(|_| bad())
}

/// Parses a cron expression, seconds optional.
pub fn parse_cron(expr: &str) -> Result<Cron, SpecError> {
    CronParser::builder()
        .seconds(Seconds::Optional)
        .build()
        .parse(expr.trim())
        .map_err(|e| SpecError::Cron {
            expr: expr.to_owned(),
            reason: e.to_string(),
        })
}

impl Schedule {
    /// The schedule a job stores: `kind` and `expr` as written, read in zone `tz`.
    pub fn parse(kind: &str, expr: &str, tz: &str) -> Result<Schedule, SpecError> {
        let (zone, _) = zone(Some(tz))?;
        match kind {
            "cron" => Ok(Schedule::Cron(Box::new(parse_cron(expr)?), zone)),
            "every" => Ok(Schedule::Every(parse_every(expr)?)),
            "at" => Timestamp::from_str(expr)
                .map(|t| Schedule::At(t.as_millisecond()))
                .map_err(|_| SpecError::At(expr.to_owned())),
            other => Err(SpecError::Kind(other.to_owned())),
        }
    }

    /// The first firing of a job made at `now_ms`.
    pub fn first(&self, now_ms: i64) -> Option<i64> {
        match self {
            Schedule::At(t) => Some(*t),
            Schedule::Every(d) => Some(now_ms + d),
            Schedule::Cron(..) => self.after(now_ms),
        }
    }

    /// The firing after the one scheduled at `scheduled_ms`, skipping any at or before
    /// `now_ms` (a gateway that was down fires a recurring job once, not once per firing it
    /// missed); `None` once a one-shot has fired.
    pub fn next(&self, scheduled_ms: i64, now_ms: i64) -> Option<i64> {
        match self {
            Schedule::At(_) => None,
            Schedule::Every(d) => {
                let mut n = scheduled_ms + d;
                if n <= now_ms {
                    n += ((now_ms - n) / d + 1) * d;
                }
                Some(n)
            }
            Schedule::Cron(..) => self.after(scheduled_ms.max(now_ms)),
        }
    }

    /// The cron firing strictly after `ms`.
    fn after(&self, ms: i64) -> Option<i64> {
        let Schedule::Cron(cron, tz) = self else {
            return None;
        };
        let from = Timestamp::from_millisecond(ms).ok()?.to_zoned(tz.clone());
        let next: Zoned = cron.find_next_occurrence(&from, false).ok()?;
        Some(next.timestamp().as_millisecond())
    }
}

/// An instant in a zone, as people write it: `2026-12-05 09:00:00 Asia/Shanghai`.
pub fn show(ms: i64, tz: &str) -> String {
    let Ok(ts) = Timestamp::from_millisecond(ms) else {
        return ms.to_string();
    };
    let zone = TimeZone::get(tz).unwrap_or(TimeZone::UTC);
    format!("{} {tz}", ts.to_zoned(zone).strftime("%Y-%m-%d %H:%M:%S"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(s: &str) -> i64 {
        Timestamp::from_str(s).unwrap().as_millisecond()
    }

    #[test]
    fn intervals_read_as_people_write_them() {
        assert_eq!(parse_every("30s"), Ok(30_000));
        assert_eq!(parse_every("1h30m"), Ok(5_400_000));
        assert_eq!(parse_every("2 d"), Ok(172_800_000));
        assert_eq!(parse_every("500ms"), Ok(500));
        for bad in ["", "10", "5 parsecs", "0s", "m"] {
            assert!(parse_every(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_cron_expression_fires_in_its_zone_with_seconds_optional() {
        let s = Schedule::parse("cron", "0 7 * * *", "Asia/Shanghai").unwrap();
        // 07:00 in Shanghai is 23:00 UTC the day before.
        let now = ms("2026-12-04T20:00:00Z");
        assert_eq!(s.first(now), Some(ms("2026-12-04T23:00:00Z")));
        let six = Schedule::parse("cron", "*/5 * * * * *", "UTC").unwrap();
        assert_eq!(
            six.next(ms("2026-12-04T20:00:00Z"), 0),
            Some(ms("2026-12-04T20:00:05Z"))
        );
    }

    #[test]
    fn bad_schedules_say_how_to_write_them() {
        let e = Schedule::parse("cron", "61 * * *", "UTC").unwrap_err();
        assert!(e.to_string().contains("five fields"), "{e}");
        let e = zone(Some("Mars/Olympus")).unwrap_err();
        assert!(e.to_string().contains("Mars/Olympus"), "{e}");
        assert!(parse_at("tomorrow-ish", &TimeZone::UTC, 0).is_err());
    }

    #[test]
    fn a_one_shot_reads_civil_times_in_its_zone_and_fires_once() {
        let (tz, _) = zone(Some("Asia/Shanghai")).unwrap();
        let at = parse_at("2026-12-05T09:00", &tz, 0).unwrap();
        assert_eq!(at, ms("2026-12-05T01:00:00Z"));
        assert_eq!(parse_at("in 2s", &tz, 1_000), Ok(3_000));
        let s = Schedule::At(at);
        assert_eq!(s.first(0), Some(at));
        assert_eq!(s.next(at, at), None);
        assert_eq!(
            show(at, "Asia/Shanghai"),
            "2026-12-05 09:00:00 Asia/Shanghai"
        );
    }

    #[test]
    fn a_recurring_job_after_downtime_fires_once_then_keeps_its_grid() {
        let every = Schedule::Every(1_000);
        assert_eq!(every.next(10_000, 10_000), Some(11_000));
        // Down from 11 s to 15.5 s: the next firing is 16 s, on the same grid.
        assert_eq!(every.next(11_000, 15_500), Some(16_000));
    }
}
