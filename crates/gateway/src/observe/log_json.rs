//! `--log-format json` / `logging.format: "json"`: one JSON object a line for log shippers,
//! with `time`, `level`, `target`, `message`, every structured field of the event (`app_id`,
//! `conn_id`, ...), and the ids the line's text names: `account` from its `[account]` prefix,
//! `message_id` (the first `om_…`) and `event_id` (the word after "event ").

use std::fmt;
use std::time::SystemTime;

use serde_json::{Map, Value};
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

use super::logging::timestamp;

/// The JSON line format.
pub struct JsonLine;

#[derive(Default)]
struct Fields(Map<String, Value>);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0
            .insert(field.name().to_owned(), Value::String(format!("{value:?}")));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0
            .insert(field.name().to_owned(), Value::String(value.to_owned()));
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.0.insert(field.name().to_owned(), value.into());
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.insert(field.name().to_owned(), value.into());
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.0.insert(field.name().to_owned(), value.into());
    }
}

fn word_id(w: &str) -> &str {
    w.trim_end_matches(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
}

/// The ids a line's text names: `[account] ...`, `om_…`, `event <id>`.
fn ids_in(message: &str, out: &mut Map<String, Value>) {
    if let Some(rest) = message.strip_prefix('[')
        && let Some((account, _)) = rest.split_once("] ")
        && !account.is_empty()
        && !account.contains(' ')
    {
        out.entry("account").or_insert_with(|| account.into());
    }
    let mut words = message.split_whitespace().peekable();
    while let Some(w) = words.next() {
        if let Some(at) = w.find("om_") {
            let id = word_id(&w[at..]);
            if id.len() > 3 {
                out.entry("message_id").or_insert_with(|| id.into());
            }
        }
        if w == "event"
            && let Some(next) = words.peek()
        {
            let id = word_id(next);
            if id.len() >= 8 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                out.entry("event_id").or_insert_with(|| id.into());
            }
        }
    }
}

/// The object for one event (also what a test parses back).
pub fn object(
    level: &str,
    target: &str,
    at: SystemTime,
    mut fields: Map<String, Value>,
) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("time".into(), timestamp(at).into());
    out.insert("level".into(), level.into());
    out.insert("target".into(), target.into());
    let message = match fields.remove("message") {
        Some(Value::String(m)) => m,
        Some(other) => other.to_string(),
        None => String::new(),
    };
    ids_in(&message, &mut out);
    for (k, v) in fields {
        out.entry(k).or_insert(v);
    }
    out.insert("message".into(), message.into());
    out
}

impl<S, N> FormatEvent<S, N> for JsonLine
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        _ctx: &FmtContext<'_, S, N>,
        mut w: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let meta = event.metadata();
        let mut fields = Fields::default();
        event.record(&mut fields);
        let target = meta.target();
        let short = target.rsplit("::").next().unwrap_or(target);
        let obj = object(meta.level().as_str(), short, SystemTime::now(), fields.0);
        writeln!(w, "{}", Value::Object(obj))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_come_from_the_prefix_and_the_text() {
        let mut fields = Map::new();
        fields.insert(
            "message".into(),
            "[work] answered om_abc123, in 1.2s after event 5f1d9c0e2b7a".into(),
        );
        fields.insert("conn_id".into(), "7".into());
        let o = object("INFO", "lark", SystemTime::now(), fields);
        assert_eq!(o["account"], "work");
        assert_eq!(o["message_id"], "om_abc123");
        assert_eq!(o["event_id"], "5f1d9c0e2b7a");
        assert_eq!(o["conn_id"], "7");
        assert_eq!(o["level"], "INFO");
        assert!(o["time"].as_str().unwrap().ends_with('Z'));
    }
}
