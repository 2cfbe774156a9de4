//! `/stop`: the words that stop a session's running turn, the note a stopped answer ends with,
//! and the signal a running turn listens to.
//!
//! A running turn stops by being dropped: the command agent's process group is killed with its
//! stream, an LLM turn's request and tool loop are aborted with its task. What the answer had
//! written stays, with a note saying it was stopped, and goes out as the turn's reply (into its
//! card when it streams); nothing more is sent for it.

use lark::model::event::MessageReceived;
use openclaw_format::inbound::agent_text;
use tokio::sync::watch;

use crate::account::AccountRt;

/// Why a running turn was stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StopReason {
    /// `/stop` (or `stop`, `停止`) in the session.
    Stop,
    /// A newer message in the session (`messages.queue.mode: "interrupt"`).
    Interrupt,
}

impl StopReason {
    /// The line a stopped answer ends with.
    pub(crate) fn note(self) -> &'static str {
        match self {
            StopReason::Stop => "⏹ Stopped.",
            StopReason::Interrupt => "⏹ Stopped: answering your newer message.",
        }
    }

    /// The reason recorded on the stopped events.
    pub(crate) fn recorded(self) -> &'static str {
        match self {
            StopReason::Stop => "stopped by /stop",
            StopReason::Interrupt => "interrupted by a newer message",
        }
    }
}

/// What `/stop` says when the session has nothing running.
pub(crate) const NOTHING_RUNNING: &str = "Nothing is running.";

/// The running turn's end of the stop signal: `None` until it is stopped.
#[derive(Debug, Clone)]
pub(crate) struct StopSignal(watch::Receiver<Option<StopReason>>);

impl StopSignal {
    /// A signal and the sender that fires it.
    pub(crate) fn new() -> (watch::Sender<Option<StopReason>>, StopSignal) {
        let (tx, rx) = watch::channel(None);
        (tx, StopSignal(rx))
    }

    /// Resolves once the turn is stopped, with the reason (never, if its sender is gone).
    pub(crate) async fn stopped(&mut self) -> StopReason {
        let reason = self.0.wait_for(Option::is_some).await.map(|r| *r);
        match reason {
            Ok(r) => r.unwrap_or(StopReason::Stop),
            Err(_) => std::future::pending().await,
        }
    }
}

/// Whether the message is a stop command: `/stop`, `stop` or `停止` alone (any case, a
/// trailing `.`/`!`/`。`/`！` allowed), the bot's mention aside.
pub(crate) fn is_stop(account: &AccountRt, msg: &MessageReceived) -> bool {
    if msg.message_type != "text" && msg.message_type != "post" {
        return false;
    }
    let bot = account.bot_cached().map(|b| b.open_id.clone());
    is_stop_text(&agent_text(msg, bot.as_ref()).text)
}

fn is_stop_text(text: &str) -> bool {
    let t = text
        .trim()
        .trim_end_matches(['.', '!', '。', '！'])
        .trim()
        .to_lowercase();
    matches!(t.as_str(), "/stop" | "stop" | "停止")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stop_words_alone_stop_and_a_sentence_with_them_does_not() {
        for t in [
            "/stop",
            "stop",
            "Stop!",
            " STOP. ",
            "停止",
            "停止。",
            "/STOP",
        ] {
            assert!(is_stop_text(t), "{t:?}");
        }
        for t in [
            "stop the deploy",
            "don't stop",
            "/stopped",
            "",
            "停止吧",
            "/ stop",
        ] {
            assert!(!is_stop_text(t), "{t:?}");
        }
    }

    #[tokio::test]
    async fn a_stop_signal_resolves_with_its_reason() {
        let (tx, mut rx) = StopSignal::new();
        tx.send_replace(Some(StopReason::Interrupt));
        assert_eq!(rx.stopped().await, StopReason::Interrupt);
    }
}
