//! Mentions as the agent should read them: `<at user_id="ou_xxx">Name</at>`, the very tag it
//! writes to mention someone back, instead of lark's display form `@Name`, which loses the id.
//! The bot's own mention is the address line of the message, not part of the request, so it is
//! removed.

use std::collections::HashMap;

use lark::model::content::Text;
use lark::model::received::{PostElement, ReceivedContent};

/// What resolving a mention needs, from an event mention or a REST one.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MentionRef<'a> {
    /// The placeholder in the text: `@_user_1`, `@_all`.
    pub key: &'a str,
    pub open_id: Option<&'a str>,
    pub name: &'a str,
}

/// The tag the agent reads and writes for a person.
pub(crate) fn at_tag(open_id: &str, name: &str) -> String {
    Text::default().at(open_id, name).as_str().to_owned()
}

/// Replaces each `@_user_N` / `@_all` placeholder by its tag (or `@all`, or `@Name` when the id is
/// unknown), and removes the ones that mention `bot` with one following space. Scans tokens, so
/// `@_user_1` never eats the start of `@_user_10`.
pub(crate) fn resolve(text: &str, mentions: &[MentionRef<'_>], bot: Option<&str>) -> String {
    let by_key: HashMap<&str, &MentionRef<'_>> = mentions.iter().map(|m| (m.key, m)).collect();
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find("@_") {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 2..];
        let word = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        let key = &rest[pos..pos + 2 + word];
        rest = &rest[pos + 2 + word..];
        match by_key.get(key) {
            _ if key == "@_all" => out.push_str("@all"),
            Some(m) if bot.is_some() && m.open_id == bot => {
                rest = rest.strip_prefix(' ').unwrap_or(rest);
            }
            Some(MentionRef {
                open_id: Some(id),
                name,
                ..
            }) => out.push_str(&at_tag(id, name)),
            Some(m) if !m.name.is_empty() => {
                out.push('@');
                out.push_str(m.name);
            }
            _ => out.push_str(key),
        }
    }
    out.push_str(rest);
    out
}

/// A post whose `at` elements carry real ids (not placeholders) with those turned into text:
/// the tag for a person, nothing for the bot. lark renders such an element as `@Name`; the
/// placeholders and `all` are left for [`resolve`] and lark's rendering.
pub(crate) fn post_ats_as_tags(
    content: &ReceivedContent,
    mentions: &[MentionRef<'_>],
    bot: Option<&str>,
) -> Option<ReceivedContent> {
    let ReceivedContent::Post(post) = content else {
        return None;
    };
    let mut post = post.clone();
    for el in post.paragraphs.iter_mut().flatten() {
        let PostElement::At { user_id, user_name } = el else {
            continue;
        };
        if user_id.starts_with("@_") || matches!(user_id.as_str(), "all" | "all_members") {
            continue;
        }
        let text = if Some(user_id.as_str()) == bot {
            String::new()
        } else {
            let listed = mentions
                .iter()
                .find(|m| m.open_id == Some(user_id.as_str()));
            let name = user_name
                .as_deref()
                .or(listed.map(|m| m.name))
                .unwrap_or_default();
            at_tag(user_id, name)
        };
        *el = PostElement::Text {
            text,
            style: Vec::new(),
        };
    }
    Some(ReceivedContent::Post(post))
}

/// The content as agent text with every mention resolved.
pub(crate) fn render(
    content: &ReceivedContent,
    mentions: &[MentionRef<'_>],
    bot: Option<&str>,
) -> String {
    let rewritten = post_ats_as_tags(content, mentions, bot);
    let text = rewritten.as_ref().unwrap_or(content).to_agent_text();
    resolve(&text, mentions, bot).trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m<'a>(key: &'a str, id: &'a str, name: &'a str) -> MentionRef<'a> {
        MentionRef {
            key,
            open_id: Some(id),
            name,
        }
    }

    #[test]
    fn placeholders_become_tags_and_the_bot_goes() {
        let ms = [
            m("@_user_1", "ou_bot", "Claw"),
            m("@_user_10", "ou_bob", "Bob"),
        ];
        assert_eq!(
            resolve(
                "@_user_1 hi @_user_10, @_user_1x and @_all",
                &ms,
                Some("ou_bot")
            ),
            r#"hi <at user_id="ou_bob">Bob</at>, @_user_1x and @all"#
        );
        let nameless = MentionRef {
            key: "@_user_2",
            open_id: None,
            name: "Eve",
        };
        assert_eq!(resolve("@_user_2!", &[nameless], None), "@Eve!");
    }
}
