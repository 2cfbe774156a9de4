//! The last resort when an answer needs more messages than allowed: keep what fits in the
//! allowed number and say plainly how much was left out, instead of flooding the chat.

use super::measure::{Kind, cost, cut_at_cost};
use super::pack::SEP;
use super::split::unclosed_fence;

/// The note that ends a truncated reply.
pub(crate) fn note(more_chars: usize) -> String {
    format!("… (reply truncated: {more_chars} more characters)")
}

/// Keeps the first `max` (≥ 1) of `parts` (markdown packed for `kind`), the last one cut to make
/// room for the note counting every character left out.
pub(crate) fn truncate(mut parts: Vec<String>, kind: Kind, max: usize) -> Vec<String> {
    let max = max.max(1);
    if parts.len() <= max {
        return parts;
    }
    let dropped: usize = parts[max..].iter().map(|p| p.chars().count()).sum();
    parts.truncate(max);
    let last = parts.pop().unwrap_or_default();
    let budget = kind.budget();
    // The widest note the count can make, and a closing fence of a usual length.
    let mut room = budget.saturating_sub(cost(SEP) + cost(&note(usize::MAX)) + cost("\n````"));
    let (mut kept, mut close) = cut_part(&last, room);
    let extra = close.as_ref().map_or(0, |c| cost("\n") + cost(c));
    if cost(kept) + extra + cost(SEP) + cost(&note(usize::MAX)) > budget {
        // An unusually long fence line: cut again, leaving room for it.
        room = room.saturating_sub(extra);
        (kept, close) = cut_part(&last, room);
    }
    let left_out = last[kept.len()..].trim().chars().count() + dropped;
    let mut text = kept.trim_end().to_owned();
    if let Some(c) = close {
        text.push('\n');
        text.push_str(&c);
    }
    if !text.is_empty() {
        text.push_str(SEP);
    }
    text.push_str(&note(left_out));
    parts.push(text);
    parts
}

/// The prefix of `part` that costs at most `room`, ended at a line when one is near, and the
/// fence line that closes code it leaves open.
fn cut_part(part: &str, room: usize) -> (&str, Option<String>) {
    let (prefix, rest) = cut_at_cost(part, room);
    if rest.is_empty() {
        return (prefix, None);
    }
    // A prefix of one character may exceed a tiny room; there is nothing to keep then.
    if cost(prefix) > room {
        return ("", None);
    }
    let prefix = match prefix.rfind('\n') {
        Some(nl) if nl >= prefix.len() / 2 => &prefix[..nl],
        _ => prefix,
    };
    (prefix, unclosed_fence(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_within_the_bound_are_untouched() {
        let parts = vec!["a".to_owned(), "b".to_owned()];
        assert_eq!(truncate(parts.clone(), Kind::Post, 2), parts);
    }

    #[test]
    fn the_last_kept_part_ends_with_the_count_of_what_was_left_out() {
        let parts = vec!["one".to_owned(), "two".to_owned(), "three".to_owned()];
        assert_eq!(
            truncate(parts, Kind::Text, 2),
            ["one", "two\n\n… (reply truncated: 5 more characters)"]
        );
    }

    #[test]
    fn a_cut_inside_code_closes_the_fence_before_the_note() {
        let code: String = (0..5000).map(|i| format!("line {i}\n")).collect();
        let big = format!("```py\n{code}```");
        let out = truncate(vec![big.clone(), "next".into()], Kind::Post, 1);
        assert_eq!(out.len(), 1);
        let (body, note) = out[0].rsplit_once(SEP).unwrap();
        assert!(body.starts_with("```py\nline 0\n") && body.ends_with("\n```"));
        assert!(cost(&out[0]) <= Kind::Post.budget());
        let kept = body.len() - "```py\n".len() - "\n```".len();
        let left = big.len() - "```py\n".len() - kept;
        // What was cut from the big part (less the whitespace at the cut) plus "next".
        let n: usize = note
            .trim_start_matches("… (reply truncated: ")
            .trim_end_matches(" more characters)")
            .parse()
            .unwrap();
        assert!(n + 2 >= left && n <= left + 4, "{n} vs {left}");
    }
}
