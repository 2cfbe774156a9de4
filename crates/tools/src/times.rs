//! Times as the calendar and task actions take them: RFC 3339 (`2026-12-05T10:00:00+08:00`), or
//! a wall-clock time (`2026-12-05 10:00`, a date alone for a whole day) in the call's
//! `timeZone` (an IANA name such as `Asia/Shanghai`).

use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;

use crate::error::{ToolError, ToolResult};

/// A time zone by its IANA name; `None` when the call gave none.
pub fn zone(tz: Option<&str>) -> ToolResult<Option<TimeZone>> {
    match tz.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(name) => TimeZone::get(name).map(Some).map_err(|_| {
            ToolError::param(
                "timeZone",
                format!("{name:?} is not a time zone; use an IANA name such as Asia/Shanghai or America/New_York"),
            )
        }),
    }
}

/// The instant `value` names, and whether it was a date alone.
pub fn parse(param: &str, value: &str, tz: Option<&TimeZone>) -> ToolResult<(Timestamp, bool)> {
    let v = value.trim();
    if v.is_empty() {
        return Err(ToolError::param(
            param,
            "is empty; give a time such as 2026-12-05 10:00 (with timeZone) or 2026-12-05T10:00:00+08:00",
        ));
    }
    if let Ok(t) = v.parse::<Timestamp>() {
        return Ok((t, false));
    }
    // A date alone (no time of day) is a whole day, from its midnight.
    let civil = if v.contains(':') {
        v.parse::<DateTime>().map(|d| (d, false))
    } else {
        v.parse::<Date>()
            .map(|d| (d.to_datetime(jiff::civil::Time::midnight()), true))
    };
    let Ok((dt, whole_day)) = civil else {
        return Err(ToolError::param(
            param,
            format!(
                "{v:?} is not a time; use RFC 3339 (2026-12-05T10:00:00+08:00) or \"2026-12-05 10:00\" with timeZone"
            ),
        ));
    };
    let Some(tz) = tz else {
        return Err(ToolError::param(
            "timeZone",
            format!(
                "is required for the wall-clock time {v:?} of `{param}` (e.g. \"timeZone\": \"Asia/Shanghai\"), or give {param} with its offset (2026-12-05T10:00:00+08:00)"
            ),
        ));
    };
    let t = dt
        .to_zoned_datetime(tz.clone())
        .map_err(|e| ToolError::param(param, format!("{v:?}: {e}")))?;
    Ok((t.timestamp(), whole_day))
}

/// RFC 3339 in `tz` (UTC when none).
pub fn show(t: Timestamp, tz: Option<&TimeZone>) -> String {
    match tz {
        Some(tz) => t
            .to_zoned_datetime(tz.clone())
            .strftime("%Y-%m-%dT%H:%M:%S%:z")
            .to_string(),
        None => t.to_string(),
    }
}

/// A `[start, end)` window; an end not after its start is refused.
pub fn window(
    start: (&str, &str),
    end: (&str, &str),
    tz: Option<&TimeZone>,
) -> ToolResult<(Timestamp, Timestamp)> {
    let (s, _) = parse(start.0, start.1, tz)?;
    let (e, _) = parse(end.0, end.1, tz)?;
    if e <= s {
        return Err(ToolError::param(
            end.0,
            format!(
                "{} is not after {} ({}); the end must come after the start",
                end.1, start.0, start.1
            ),
        ));
    }
    Ok((s, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_and_wall_clock_times() {
        let sh = zone(Some("Asia/Shanghai")).unwrap();
        let (a, _) = parse("start", "2026-12-05T10:00:00+08:00", None).unwrap();
        let (b, day) = parse("start", "2026-12-05 10:00", sh.as_ref()).unwrap();
        assert_eq!((a, day), (b, false));
        assert_eq!(a.as_second(), 1_796_436_000);
        let (_, whole) = parse("due", "2026-12-05", sh.as_ref()).unwrap();
        assert!(whole);
        assert_eq!(show(a, sh.as_ref()), "2026-12-05T10:00:00+08:00");
        let e = parse("start", "2026-12-05 10:00", None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("timeZone") && e.contains("Asia/Shanghai"), "{e}");
        assert!(
            zone(Some("Mars/Base"))
                .unwrap_err()
                .to_string()
                .contains("IANA")
        );
        let e = window(
            ("start", "2026-12-05 11:00"),
            ("end", "2026-12-05 10:00"),
            sh.as_ref(),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("parameter `end`") && e.contains("after"), "{e}");
    }
}
