//! `openclaw logs [--follow] [--since 10m]`: prints the day's log file (or every line since a
//! moment, across days), and with `--follow` keeps printing lines as the gateway writes them,
//! moving to the next day's file at midnight. Also where the gateway's log settings come from:
//! `--log-format`, `logging.format` and `logging.keepDays`.

use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result, bail};
use openclaw_config::Paths;
use openclaw_gateway::log_file::{DEFAULT_KEEP_DAYS, file_name};
use openclaw_gateway::logging::{LogFormat, LogOptions, log_dir, timestamp};

/// How often `--follow` looks for new lines.
const FOLLOW_EVERY: Duration = Duration::from_millis(200);

/// The gateway's log settings: `--log-format` over `logging.format`, and `logging.keepDays`.
pub fn options(paths: &Paths, flag: Option<&str>, verbose: bool) -> Result<LogOptions> {
    let raw = |key: &str| {
        openclaw_config::edit::get(&paths.config_file, key)
            .ok()
            .flatten()
    };
    let from_file = raw("logging.format").is_some() || raw("logging.keepDays").is_some();
    let format = match flag {
        Some(f) => LogFormat::parse(f)
            .with_context(|| format!("--log-format {f:?}: use \"text\" or \"json\""))?,
        None => match raw("logging.format") {
            None => LogFormat::Text,
            Some(v) => v.as_str().and_then(LogFormat::parse).with_context(|| {
                format!("logging.format is {v}: set it to \"text\" or \"json\"")
            })?,
        },
    };
    let keep_days = match raw("logging.keepDays") {
        None => DEFAULT_KEEP_DAYS,
        Some(v) => v
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .with_context(|| {
                format!(
                    "logging.keepDays is {v}: set it to a whole number of days (0 keeps every file)"
                )
            })?,
    };
    Ok(LogOptions {
        verbose,
        format,
        dir: log_dir(&paths.state_dir),
        keep_days,
        from_file,
    })
}

/// `10m`, `2h`, `30s`, `1d`.
fn parse_since(text: &str) -> Result<Duration> {
    let text = text.trim();
    let (n, unit) = text.split_at(
        text.find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len()),
    );
    let n: u64 = n.parse().with_context(|| {
        format!("--since {text:?}: use a number and a unit, such as 10m, 2h, 30s or 1d")
    })?;
    let secs = match unit {
        "s" => 1,
        "m" | "" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => bail!("--since {text:?}: the unit is s, m, h or d (such as 10m)"),
    };
    Ok(Duration::from_secs(n * secs))
}

/// The time a line starts with: the text format's first word, or JSON's `time`.
fn line_time(line: &str) -> Option<&str> {
    if line.starts_with('{') {
        let at = line.find("\"time\":\"")? + "\"time\":\"".len();
        return line.get(at..at + 24);
    }
    line.get(..24).filter(|t| t.ends_with('Z'))
}

/// Prints the lines of `text` at or after `cutoff` (every line without one); a line without a
/// time (a continuation) goes with the line before it.
fn print_since(text: &str, cutoff: Option<&str>, out: &mut impl Write) -> Result<()> {
    let mut showing = cutoff.is_none();
    for line in text.lines() {
        if let (Some(cut), Some(t)) = (cutoff, line_time(line)) {
            showing = t >= cut;
        }
        if showing {
            writeln!(out, "{line}")?;
        }
    }
    Ok(())
}

/// The day files from the one holding `since` to today, oldest first.
fn files_since(dir: &Path, since: SystemTime) -> Vec<PathBuf> {
    let first = file_name(since);
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with("openclaw-") && n.len() == first.len() && *n >= first)
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names.into_iter().map(|n| dir.join(n)).collect()
}

pub async fn run(paths: &Paths, follow: bool, since: Option<String>) -> Result<()> {
    let dir = log_dir(&paths.state_dir);
    let now = SystemTime::now();
    let (from, cutoff) = match since.as_deref().map(parse_since).transpose()? {
        Some(d) => {
            let at = now.checked_sub(d).unwrap_or(SystemTime::UNIX_EPOCH);
            (at, Some(timestamp(at)))
        }
        None => (now, None),
    };
    let today = dir.join(file_name(now));
    let files = files_since(&dir, from);
    if files.is_empty() && !follow {
        bail!(
            "no log file at {} yet: the gateway writes it once it runs (openclaw gateway run)",
            today.display()
        );
    }
    let mut out = std::io::stdout().lock();
    for f in &files {
        let text = std::fs::read_to_string(f).with_context(|| format!("read {}", f.display()))?;
        print_since(&text, cutoff.as_deref(), &mut out)?;
    }
    out.flush()?;
    drop(out);
    if !follow {
        return Ok(());
    }
    let mut current = today;
    let mut offset = std::fs::metadata(&current).map(|m| m.len()).unwrap_or(0);
    let mut partial = String::new();
    loop {
        tokio::time::sleep(FOLLOW_EVERY).await;
        let now_file = dir.join(file_name(SystemTime::now()));
        if let Ok(mut f) = std::fs::File::open(&current) {
            let len = f.metadata().map(|m| m.len()).unwrap_or(0);
            // A file cut shorter (deleted and made again) is read from its start.
            if len < offset {
                offset = 0;
            }
            if len > offset {
                f.seek(SeekFrom::Start(offset))?;
                let mut chunk = String::new();
                f.take(len - offset).read_to_string(&mut chunk)?;
                offset = len;
                partial.push_str(&chunk);
                // Only whole lines; the rest waits for its newline.
                if let Some(end) = partial.rfind('\n') {
                    let whole: String = partial.drain(..=end).collect();
                    let mut out = std::io::stdout().lock();
                    out.write_all(whole.as_bytes())?;
                    out.flush()?;
                }
            }
        }
        if now_file != current && std::fs::metadata(&now_file).is_ok() {
            current = now_file;
            offset = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_reads_units_and_names_the_fix() {
        assert_eq!(parse_since("10m").unwrap(), Duration::from_secs(600));
        assert_eq!(parse_since("2h").unwrap(), Duration::from_secs(7200));
        assert_eq!(parse_since("1d").unwrap(), Duration::from_secs(86_400));
        assert!(parse_since("10x").unwrap_err().to_string().contains("10m"));
    }

    #[test]
    fn lines_before_the_cutoff_are_left_out_with_their_continuations() {
        let text = "2026-11-30T00:00:00.000Z INFO  [lark] old\n  more old\n{\"time\":\"2026-11-30T01:00:00.000Z\",\"level\":\"INFO\"}\n2026-11-30T02:00:00.000Z INFO  [lark] new\n  more new\n";
        let mut out = Vec::new();
        print_since(text, Some("2026-11-30T00:30:00.000Z"), &mut out).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(!out.contains("old"), "{out}");
        assert!(
            out.contains("01:00:00") && out.contains("more new"),
            "{out}"
        );
    }
}
