//! The day's log file: `<dir>/openclaw-YYYY-MM-DD.log` (UTC days), switched to the next day's
//! file at midnight by the first line written after it, with the files older than
//! `logging.keepDays` deleted at each switch.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use tracing_subscriber::fmt::MakeWriter;

use super::logging::civil;

/// `logging.keepDays` when the file does not say.
pub const DEFAULT_KEEP_DAYS: u32 = 7;

/// `openclaw-YYYY-MM-DD.log` for the UTC day of `t`.
pub fn file_name(t: SystemTime) -> String {
    let (y, m, d, ..) = civil(t);
    format!("openclaw-{y:04}-{m:02}-{d:02}.log")
}

/// A log file that follows the day.
pub struct DailyFile {
    dir: PathBuf,
    keep_days: u32,
    open: Mutex<Option<(String, File)>>,
}

impl DailyFile {
    /// Opens today's file in `dir` (creating both); `keep_days` 0 keeps every file.
    pub fn open(dir: &Path, keep_days: u32) -> io::Result<DailyFile> {
        std::fs::create_dir_all(dir)?;
        let f = DailyFile {
            dir: dir.to_owned(),
            keep_days,
            open: Mutex::new(None),
        };
        f.switch_to(SystemTime::now())?;
        Ok(f)
    }

    /// Today's file.
    pub fn path(&self) -> PathBuf {
        self.dir.join(file_name(SystemTime::now()))
    }

    fn switch_to(&self, now: SystemTime) -> io::Result<()> {
        let name = file_name(now);
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.join(&name))?;
        *self.open.lock().unwrap_or_else(|e| e.into_inner()) = Some((name, file));
        self.prune(now);
        Ok(())
    }

    /// Deletes the day files from before the last `keep_days` days (today counts as one).
    fn prune(&self, now: SystemTime) {
        if self.keep_days == 0 {
            return;
        }
        let oldest_kept =
            file_name(now - Duration::from_secs(86_400 * u64::from(self.keep_days - 1)));
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            // Same-shaped names order as their dates do.
            if name.len() == oldest_kept.len()
                && name.starts_with("openclaw-")
                && name.ends_with(".log")
                && name < oldest_kept
            {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }

    /// Appends one formatted line at `now`, in that day's file.
    fn write_at(&self, now: SystemTime, buf: &[u8]) -> io::Result<()> {
        let due = {
            let open = self.open.lock().unwrap_or_else(|e| e.into_inner());
            open.as_ref().map(|(n, _)| n.as_str()) != Some(file_name(now).as_str())
        };
        if due {
            self.switch_to(now)?;
        }
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        match open.as_mut() {
            Some((_, f)) => f.write_all(buf),
            None => Ok(()),
        }
    }
}

/// One event's line, handed to the [`DailyFile`].
pub struct LineWriter<'a>(&'a DailyFile);

impl Write for LineWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write_at(SystemTime::now(), buf)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for DailyFile {
    type Writer = LineWriter<'a>;

    fn make_writer(&'a self) -> Self::Writer {
        LineWriter(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    #[test]
    fn a_new_day_gets_a_new_file_and_old_days_go() {
        let dir = tempfile::tempdir().unwrap();
        let day = |n: u64| UNIX_EPOCH + Duration::from_secs(1_900_000_000 + n * 86_400);
        // A file from long ago, which the first switch deletes.
        std::fs::write(dir.path().join("openclaw-2020-01-01.log"), "old\n").unwrap();
        std::fs::write(dir.path().join("notes.txt"), "kept\n").unwrap();
        let f = DailyFile::open(dir.path(), 3).unwrap();
        for n in 0..5 {
            f.write_at(day(n), format!("line {n}\n").as_bytes())
                .unwrap();
        }
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        let want: Vec<String> = ["notes.txt".to_owned()]
            .into_iter()
            .chain([file_name(day(2)), file_name(day(3)), file_name(day(4))])
            .collect();
        // Today's real file is years older than the days written, so it went too.
        assert_eq!(names, want);
        let last = std::fs::read_to_string(dir.path().join(file_name(day(4)))).unwrap();
        assert_eq!(last, "line 4\n");
    }
}
