//! Changing one key of a JSON5 text by splicing: replace a value's bytes, insert a member into
//! an object (creating the missing intermediate objects), or remove a member's bytes. Nothing
//! outside those bytes changes, so comments, order and layout survive.

use serde_json::Value;

use super::render::Style;
use super::scan::{self, ObjectSpan, Scanned};
use crate::error::ConfigError;
use crate::keypath;

/// The text with `path` set to `value`. A blank text becomes a new `{ ... }` document.
pub(crate) fn set(text: &str, path: &[String], value: &Value) -> Result<String, ConfigError> {
    let owned;
    let text = if text.trim().is_empty() {
        owned = "{}\n".to_owned();
        &owned
    } else {
        text
    };
    let root = root_object(text)?;
    let style = document_style(text, &root);
    let mut object = &root;
    for (i, seg) in path.iter().enumerate() {
        let Some(member) = object.members.iter().find(|m| m.key == *seg) else {
            return Ok(insert(text, object, seg, &path[i + 1..], value, &style));
        };
        let last = i + 1 == path.len();
        match &member.value {
            _ if last => {}
            Scanned::Object(inner) => {
                object = inner;
                continue;
            }
            // `null` means "not set", so an object may replace it.
            Scanned::Other if &text[member.value_start..member.value_end] == "null" => {}
            Scanned::Other => {
                return Err(ConfigError::NotAnObject {
                    file: None,
                    key: keypath::display(&path[..=i]),
                    child: keypath::display(path),
                });
            }
        }
        let indent = line_indent(text, member.key_start);
        let mut style = style.clone();
        style.flat = !value_spans_lines(text, member, object);
        let new_value = style.nested(&path[i + 1..], value, indent);
        return Ok(splice(
            text,
            member.value_start..member.value_end,
            &new_value,
        ));
    }
    // An empty path sets the whole document; `edit` never asks for that.
    Ok(text.to_owned())
}

/// The text without the member at `path`, or `None` when it is not there.
pub(crate) fn unset(text: &str, path: &[String]) -> Result<Option<String>, ConfigError> {
    let root = root_object(text)?;
    let Some((last, parents)) = path.split_last() else {
        return Ok(None);
    };
    let mut object = &root;
    for seg in parents {
        match object
            .members
            .iter()
            .find(|m| m.key == *seg)
            .map(|m| &m.value)
        {
            Some(Scanned::Object(inner)) => object = inner,
            _ => return Ok(None),
        }
    }
    let Some(index) = object.members.iter().position(|m| m.key == *last) else {
        return Ok(None);
    };
    let member = &object.members[index];
    let previous = index.checked_sub(1).map(|i| &object.members[i]);
    let after = member.comma.map_or(member.value_end, |c| c + 1);

    let mut cuts = Vec::new();
    if starts_line(text, member.key_start) && rest_of_line_is_trivia(text, after) {
        // The member has its own line(s): remove them whole, trailing comment included.
        cuts.push(line_start(text, member.key_start)..line_after(text, after));
        // The new last member must not keep a comma it only had as a separator.
        let separator = previous
            .and_then(|p| p.comma)
            .filter(|_| member.comma.is_none());
        if let Some(comma) = separator {
            cuts.push(comma..comma + 1);
        }
    } else if member.comma.is_some() {
        let end = after + spaces(text, after);
        cuts.push(member.key_start..end);
    } else if let Some(comma) = previous.and_then(|p| p.comma) {
        cuts.push(comma..member.value_end);
    } else {
        cuts.push(member.key_start..member.value_end);
    }
    // The last member gone and only blanks left: `{}`, not a brace on a line of its own.
    if let [only] = cuts.as_slice() {
        let blank_around = text[object.open + 1..only.start].trim().is_empty()
            && text[only.end..object.close].trim().is_empty();
        if object.members.len() == 1 && blank_around {
            cuts.clear();
            cuts.push(object.open + 1..object.close);
        }
    }
    // Later cuts first, so earlier offsets stay valid.
    cuts.sort_by_key(|r| std::cmp::Reverse(r.start));
    let mut out = text.to_owned();
    for cut in cuts {
        out.replace_range(cut, "");
    }
    Ok(Some(out))
}

fn root_object(text: &str) -> Result<ObjectSpan, ConfigError> {
    match scan::scan(text) {
        Ok(Scanned::Object(root)) => Ok(root),
        Ok(Scanned::Other) => Err(ConfigError::Invalid {
            file: None,
            key: "(the whole file)".to_owned(),
            message: "the file must hold one object, { ... }".to_owned(),
        }),
        Err(message) => Err(ConfigError::Syntax {
            file: None,
            format: crate::Format::Json5,
            message,
        }),
    }
}

/// Inserts `key: value` (wrapped in objects for `nested`) as the last member of `object`.
fn insert(
    text: &str,
    object: &ObjectSpan,
    key: &str,
    nested: &[String],
    value: &Value,
    style: &Style,
) -> String {
    let mut style = style.clone();
    if let Some(first) = object.members.first() {
        style.quote_keys = first.quoted;
    }
    let nl = style.newline;
    let Some(last) = object.members.last() else {
        let outer = line_indent(text, object.open);
        let inner = format!("{outer}{}", style.unit);
        let member = style.member(key, nested, value, &inner);
        let interior = &text[object.open + 1..object.close];
        return if interior.trim().is_empty() {
            splice(
                text,
                object.open + 1..object.close,
                &format!("{nl}{inner}{member}{nl}{outer}"),
            )
        } else {
            // Only comments inside: put the member first and leave them where they are.
            splice(
                text,
                object.open + 1..object.open + 1,
                &format!("{nl}{inner}{member}"),
            )
        };
    };
    let after = last.comma.map_or(last.value_end, |c| c + 1);
    let own_lines =
        starts_line(text, last.key_start) && text[last.value_end..object.close].contains('\n');
    if own_lines {
        let indent = line_indent(text, last.key_start);
        let member = style.member(key, nested, value, indent);
        // After any comment that ends the last member's line, so it stays with its member.
        let at = if rest_of_line_is_trivia(text, after) {
            line_end(text, after)
        } else {
            after
        };
        let trailing = if last.comma.is_some() { "," } else { "" };
        let out = splice(text, at..at, &format!("{nl}{indent}{member}{trailing}"));
        if last.comma.is_some() {
            out
        } else {
            splice(&out, last.value_end..last.value_end, ",")
        }
    } else {
        style.flat = true;
        let member = style.member(key, nested, value, "");
        match last.comma {
            Some(comma) => splice(text, comma + 1..comma + 1, &format!(" {member},")),
            None => splice(text, last.value_end..last.value_end, &format!(", {member}")),
        }
    }
}

/// The indent unit and key quoting of the document, from its first top-level member.
fn document_style(text: &str, root: &ObjectSpan) -> Style {
    let first = root.members.first();
    let unit = first
        .filter(|m| starts_line(text, m.key_start))
        .map(|m| line_indent(text, m.key_start))
        .filter(|indent| !indent.is_empty())
        .unwrap_or("  ");
    Style {
        unit: unit.to_owned(),
        quote_keys: first.is_none_or(|m| m.quoted),
        newline: if text.contains("\r\n") { "\r\n" } else { "\n" },
        flat: false,
    }
}

/// Whether a member's value should be written over several lines: when its object already has
/// members on their own lines (a one-line object stays on one line).
fn value_spans_lines(text: &str, member: &scan::Member, object: &ObjectSpan) -> bool {
    starts_line(text, member.key_start) || text[object.open..object.close].contains('\n')
}

fn splice(text: &str, range: std::ops::Range<usize>, with: &str) -> String {
    let mut out = String::with_capacity(text.len() + with.len());
    out.push_str(&text[..range.start]);
    out.push_str(with);
    out.push_str(&text[range.end..]);
    out
}

fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// The whitespace that begins the line holding `at`.
fn line_indent(text: &str, at: usize) -> &str {
    let start = line_start(text, at);
    let line = &text[start..at];
    let len = line.len() - line.trim_start_matches([' ', '\t']).len();
    &text[start..start + len]
}

/// Whether only spaces stand between the start of the line and `at`.
fn starts_line(text: &str, at: usize) -> bool {
    text[line_start(text, at)..at]
        .trim_matches([' ', '\t'])
        .is_empty()
}

fn spaces(text: &str, at: usize) -> usize {
    let rest = &text[at..];
    rest.len() - rest.trim_start_matches([' ', '\t']).len()
}

/// Whether the line from `at` holds nothing but spaces and comments that end on it.
fn rest_of_line_is_trivia(text: &str, at: usize) -> bool {
    let mut rest = &text[at..];
    loop {
        rest = rest.trim_start_matches([' ', '\t']);
        if let Some(body) = rest.strip_prefix("/*") {
            match body.find("*/") {
                Some(end) if !body[..end].contains('\n') => rest = &body[end + 2..],
                _ => return false,
            }
        } else {
            return rest.is_empty()
                || rest.starts_with('\n')
                || rest.starts_with("\r\n")
                || rest.starts_with("//");
        }
    }
}

/// The offset of the line break ending the line holding `at` (before `\r\n`), or the text's end.
fn line_end(text: &str, at: usize) -> usize {
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    if end > at && text.as_bytes().get(end - 1) == Some(&b'\r') {
        end - 1
    } else {
        end
    }
}

/// The offset just past the line break ending the line holding `at`.
fn line_after(text: &str, at: usize) -> usize {
    text[at..].find('\n').map_or(text.len(), |i| at + i + 1)
}
