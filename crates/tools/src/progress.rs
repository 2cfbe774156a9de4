//! Upload progress on a terminal (indicatif), for the CLI. Nothing is drawn when stderr is not
//! a terminal.

use std::io::IsTerminal;

use indicatif::{ProgressBar as Bar, ProgressStyle};

use crate::settings::{Progress, ProgressBar};

/// Draws one bar per upload on stderr.
#[derive(Debug, Default)]
pub struct TerminalProgress;

struct Running(Bar);

impl Progress for TerminalProgress {
    fn start(&self, name: &str, size: u64) -> Box<dyn ProgressBar> {
        let bar = if std::io::stderr().is_terminal() {
            let b = Bar::new(size);
            if let Ok(style) = ProgressStyle::with_template(
                "{spinner} uploading {msg} {bytes}/{total_bytes} [{elapsed_precise}]",
            ) {
                b.set_style(style);
            }
            b.set_message(name.to_owned());
            b.enable_steady_tick(std::time::Duration::from_millis(120));
            b
        } else {
            Bar::hidden()
        };
        Box::new(Running(bar))
    }
}

impl ProgressBar for Running {
    fn finish(self: Box<Self>, ok: bool) {
        if ok {
            self.0.set_position(self.0.length().unwrap_or(0));
            self.0.finish_and_clear();
        } else {
            self.0.abandon();
        }
    }
}
