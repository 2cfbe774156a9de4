//! Expanding a `merge_forward` message. The event carries no children; they come from
//! `GET /im/v1/messages/:message_id`, whose `items` list the forwarded message first and then
//! every descendant, each pointing to its parent with `upper_message_id`. Rendering them with
//! senders and times is what makes a forwarded conversation readable to an agent (users
//! complained of forwarded messages arriving empty).

use std::collections::HashMap;

use super::ReceivedContent;

/// One item of the `GET /im/v1/messages/:id` answer, reduced to what rendering needs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ForwardedMessage {
    pub message_id: String,
    /// The parent inside the forward; `None` for the forwarded message itself.
    pub upper_message_id: Option<String>,
    pub msg_type: String,
    pub create_time_ms: Option<u64>,
    /// The sender's id, or a display name when the caller resolved one.
    pub sender: String,
    /// `body.content`, the JSON string.
    pub content: String,
}

const MAX_ITEMS: usize = 200;
const MAX_DEPTH: usize = 8;

/// Renders the children of `root_id` (nested forwards indented), oldest first:
///
/// ```text
/// <forwarded_messages>
/// [2024-11-22 00:00:00 UTC] ou_a:
///     hello
/// </forwarded_messages>
/// ```
pub fn render_forwarded(root_id: &str, items: &[ForwardedMessage]) -> String {
    let mut children: HashMap<&str, Vec<&ForwardedMessage>> = HashMap::new();
    for it in items.iter().take(MAX_ITEMS) {
        if it.message_id == root_id && it.upper_message_id.is_none() {
            continue;
        }
        let parent = it.upper_message_id.as_deref().unwrap_or(root_id);
        children.entry(parent).or_default().push(it);
    }
    for list in children.values_mut() {
        list.sort_by_key(|m| m.create_time_ms.unwrap_or(0));
    }
    let mut out = String::new();
    subtree(root_id, &children, 0, &mut out);
    if items.len() > MAX_ITEMS {
        out = out.replacen(
            "</forwarded_messages>",
            "... (truncated)\n</forwarded_messages>",
            1,
        );
    }
    out
}

fn subtree(id: &str, map: &HashMap<&str, Vec<&ForwardedMessage>>, depth: usize, out: &mut String) {
    let Some(list) = map.get(id).filter(|l| !l.is_empty() && depth < MAX_DEPTH) else {
        out.push_str("<forwarded_messages/>");
        return;
    };
    out.push_str("<forwarded_messages>\n");
    for m in list {
        let when = m
            .create_time_ms
            .map(utc)
            .unwrap_or_else(|| "unknown time".into());
        let body = if m.msg_type == "merge_forward" {
            let mut nested = String::new();
            subtree(&m.message_id, map, depth + 1, &mut nested);
            nested
        } else {
            ReceivedContent::parse(&m.msg_type, &m.content).to_agent_text()
        };
        out.push_str(&format!("[{when}] {}:\n", m.sender));
        for line in body.lines() {
            out.push_str("    ");
            out.push_str(line);
            out.push('\n');
        }
    }
    out.push_str("</forwarded_messages>");
}

/// `YYYY-MM-DD HH:MM:SS UTC` without a date library (days-from-civil, inverted).
fn utc(ms: u64) -> String {
    let secs = ms / 1000;
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_formats_known_instants() {
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc(1_732_233_600_000), "2024-11-22 00:00:00 UTC");
        assert_eq!(utc(951_782_400_000), "2000-02-29 00:00:00 UTC");
    }
}
