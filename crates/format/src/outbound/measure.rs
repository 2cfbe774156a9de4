//! Sizes as the platform counts them, and the three kinds of message a reply can become.
//!
//! The platform measures `content` as it travels inside the request body, that is the JSON string
//! of the content escaped a second time ([`Content::check_size`]). JSON escaping is per character,
//! so the size of a part is the fixed size of its empty wrapper plus a per-character cost of its
//! markdown; the planner adds up costs instead of re-encoding a growing part at every step.

use lark::model::content::{Content, POST_CARD_LIMIT, Post, TEXT_LIMIT};
use serde_json::json;

/// Bytes kept free under each limit, for what the platform counts besides `content` itself
/// (`check_size` says "give or take the few bytes of the other fields").
pub(crate) const MARGIN: usize = 1024;

/// The platform refuses a card with more tables than this (230099).
pub(crate) const CARD_TABLE_LIMIT: usize = 3;

/// The message type a part is sent as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Text,
    Post,
    Card,
}

impl Kind {
    fn limit(self) -> usize {
        match self {
            Kind::Text => TEXT_LIMIT,
            Kind::Post | Kind::Card => POST_CARD_LIMIT,
        }
    }

    /// The most markdown cost one part of this kind may carry.
    pub(crate) fn budget(self) -> usize {
        self.limit() - MARGIN - encoded_size(&self.content(""))
    }

    pub(crate) fn max_tables(self) -> usize {
        match self {
            Kind::Card => CARD_TABLE_LIMIT,
            Kind::Text | Kind::Post => usize::MAX,
        }
    }

    /// The message carrying `markdown`.
    pub(crate) fn content(self, markdown: &str) -> Content {
        match self {
            Kind::Text => Content::text(markdown),
            // One `md` element alone in its paragraph: how the official channel sends formatted
            // replies (PROTOCOL §6), and the client renders it as one markdown document.
            Kind::Post => Content::Post(Post::markdown(markdown)),
            Kind::Card => Content::card(card_json(&card_mentions(markdown))),
        }
    }
}

/// A v2 card with one markdown element, which (unlike a post `md`) renders tables.
pub(crate) fn card_json(markdown: &str) -> serde_json::Value {
    json!({
        "schema": "2.0",
        "body": { "elements": [{ "tag": "markdown", "content": markdown }] }
    })
}

/// Card markdown mentions people as `<at id=ou_xxx></at>`; the agent writes the text/post form
/// `<at user_id="ou_xxx">Name</at>`. The card form is never longer, so costs measured on the
/// agent's form stay an upper bound.
pub(crate) fn card_mentions(markdown: &str) -> String {
    const OPEN: &str = "<at user_id=\"";
    let mut out = String::with_capacity(markdown.len());
    let mut rest = markdown;
    while let Some(pos) = rest.find(OPEN) {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + OPEN.len()..];
        let tag = after.find("\">").and_then(|q| {
            let id = &after[..q];
            let close = after[q..].find("</at>")? + q;
            (!id.contains(['<', '>', '"', '\n'])).then_some((id, close + "</at>".len()))
        });
        match tag {
            Some((id, end)) => {
                out.push_str(&format!("<at id={id}></at>"));
                rest = &after[end..];
            }
            None => {
                out.push_str(OPEN);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// What [`Content::check_size`] measures: the content string, JSON-encoded once more.
pub fn encoded_size(content: &Content) -> usize {
    serde_json::to_string(&content.to_json_string()).map_or(usize::MAX, |s| s.len())
}

/// The bytes `s` adds to an encoded part: its characters escaped twice.
pub(crate) fn cost(s: &str) -> usize {
    s.chars().map(char_cost).sum()
}

pub(crate) fn char_cost(c: char) -> usize {
    match c {
        // `"` → `\"` → `\\\"`, and likewise `\`.
        '"' | '\\' => 4,
        // `\n` → `\\n`; serde_json has short escapes for these five.
        '\n' | '\r' | '\t' | '\u{8}' | '\u{c}' => 3,
        // Other control characters → `\u00XX` → `\\u00XX`.
        c if (c as u32) < 0x20 => 7,
        c => c.len_utf8(),
    }
}

/// The longest prefix of `s` costing at most `room`, cut at a char boundary, and the rest. At
/// least one character is taken, so a caller always makes progress.
pub(crate) fn cut_at_cost(s: &str, room: usize) -> (&str, &str) {
    let mut used = 0;
    for (i, c) in s.char_indices() {
        used += char_cost(c);
        if used > room {
            let i = if i == 0 { c.len_utf8() } else { i };
            return s.split_at(i);
        }
    }
    (s, "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cost_plus_wrapper_is_the_measured_size() {
        let samples = [
            "plain",
            "quote \" back\\slash\nnew\tline\r\u{1}\u{8}\u{c}\u{7f}",
            "中文 **粗体** 🎉 <at user_id=\"ou_1\">Ada</at> & <b>",
        ];
        for kind in [Kind::Text, Kind::Post, Kind::Card] {
            let empty = encoded_size(&kind.content(""));
            for s in samples {
                let measured = encoded_size(&kind.content(s));
                if kind == Kind::Card {
                    assert!(measured <= empty + cost(s), "{kind:?} {s:?}");
                } else {
                    assert_eq!(measured, empty + cost(s), "{kind:?} {s:?}");
                }
            }
        }
    }

    #[test]
    fn card_mentions_use_the_card_form() {
        assert_eq!(
            card_mentions(r#"hi <at user_id="ou_1">Ada</at> and <at user_id="all"></at>!"#),
            "hi <at id=ou_1></at> and <at id=all></at>!"
        );
        assert_eq!(card_mentions("<at user_id=\"x"), "<at user_id=\"x");
    }

    #[test]
    fn cuts_never_split_a_character() {
        let (a, b) = cut_at_cost("中文字", 7);
        assert_eq!((a, b), ("中文", "字"));
        assert_eq!(cut_at_cost("中", 1), ("中", ""));
    }
}
