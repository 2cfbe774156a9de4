//! Chat commands the agent answers itself: `/new` and `/reset` start a fresh session, `/status`
//! tells the model, the session's size and what it used so far.

use super::Inner;
use super::session::Session;

/// The command in a message, if it is one. Group messages start with the gateway's
/// `[chatId=… sender=…]` header, which is skipped.
pub(crate) fn parse(text: &str) -> Option<&'static str> {
    let mut t = text.trim_start();
    if t.starts_with("[chatId=")
        && let Some(end) = t.find(']')
    {
        t = &t[end + 1..];
    }
    let word = t.split_whitespace().next()?.to_ascii_lowercase();
    Some(match word.as_str() {
        "/new" => "new",
        "/reset" => "reset",
        "/status" => "status",
        _ => return None,
    })
}

/// Runs a command and returns the answer.
pub(crate) async fn run(inner: &Inner, command: &str, session_key: &str) -> String {
    match command {
        "new" | "reset" => match inner.sessions.delete(session_key).await {
            Ok(()) => "Started a new session: earlier messages are forgotten.".into(),
            Err(e) => {
                tracing::error!(target: "agent", "[{session_key}] cannot reset the session: {e}");
                "Sorry, the session could not be reset.".into()
            }
        },
        _ => {
            let data = inner.sessions.load(session_key).await.ok().flatten();
            let s = Session::parse(data.as_deref());
            let u = s.usage;
            format!(
                "Model: {} {}\nSession: {} turn(s), about {} tokens of history\nUsage: {} input, {} output, {} cache read, {} cache write tokens",
                inner.provider.name(),
                inner.provider.model(),
                s.turns.len(),
                s.estimate_tokens(),
                u.input_tokens,
                u.output_tokens,
                u.cache_read_tokens,
                u.cache_write_tokens
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_found_after_the_group_header() {
        assert_eq!(parse("/new"), Some("new"));
        assert_eq!(
            parse("[chatId=oc_1 sender=ou_1] /STATUS please"),
            Some("status")
        );
        assert_eq!(parse("  /reset"), Some("reset"));
        assert_eq!(parse("what is /new"), None);
        assert_eq!(parse("/newer"), None);
    }
}
