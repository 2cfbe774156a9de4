//! Dotted key paths such as `channels.lark.groups.oc_123.requireMention`: parsing what users type
//! on the command line and printing paths in messages. A segment that is not a plain name (a chat
//! id with a dot, say) is written in bracket form: `groups["oc.x"]`.

use crate::error::ConfigError;

/// Splits `a.b["c.d"].e` into `["a", "b", "c.d", "e"]`.
pub(crate) fn parse(key: &str) -> Result<Vec<String>, ConfigError> {
    let bad = |reason: &str| ConfigError::BadKeyPath {
        key: key.to_owned(),
        reason: reason.to_owned(),
    };
    let mut segments = Vec::new();
    let mut rest = key.trim();
    if rest.is_empty() {
        return Err(bad("it is empty"));
    }
    loop {
        if let Some(after) = rest.strip_prefix('[') {
            let quote = after.chars().next().filter(|c| *c == '"' || *c == '\'');
            let Some(quote) = quote else {
                return Err(bad(
                    "a [ must be followed by a quoted name, as in groups[\"oc_x\"]",
                ));
            };
            let body = &after[1..];
            let Some(end) = body.find(quote) else {
                return Err(bad("a quoted name is not closed"));
            };
            segments.push(body[..end].to_owned());
            rest = body[end + 1..]
                .strip_prefix(']')
                .ok_or_else(|| bad("a quoted name must be followed by ]"))?;
        } else {
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            if end == 0 {
                return Err(bad("it has an empty segment"));
            }
            segments.push(rest[..end].to_owned());
            rest = &rest[end..];
        }
        if rest.is_empty() {
            return Ok(segments);
        }
        if let Some(after) = rest.strip_prefix('.') {
            if after.is_empty() {
                return Err(bad("it ends with a dot"));
            }
            rest = after;
        } else if !rest.starts_with('[') {
            return Err(bad("segments must be separated by dots"));
        }
    }
}

/// Joins segments back into the form [`parse`] reads.
pub(crate) fn display(segments: &[String]) -> String {
    if segments.is_empty() {
        return "the top level".to_owned();
    }
    let mut out = String::new();
    for seg in segments {
        let plain = !seg.is_empty()
            && seg
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '<' | '>' | '$'));
        if plain {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(seg);
        } else {
            out.push_str(&format!("[{}]", serde_json::Value::String(seg.clone())));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_and_bracketed() {
        assert_eq!(parse("a.b.c").unwrap(), ["a", "b", "c"]);
        assert_eq!(
            parse("groups[\"oc.x\"].enabled").unwrap(),
            ["groups", "oc.x", "enabled"]
        );
        assert_eq!(parse("groups['oc_x']").unwrap(), ["groups", "oc_x"]);
        for bad in ["", "a..b", "a.", ".a", "a[b]", "a[\"b\"", "a[\"b\"]c"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        let segs = vec!["groups".to_owned(), "oc.x".to_owned(), "enabled".to_owned()];
        assert_eq!(display(&segs), "groups[\"oc.x\"].enabled");
        assert_eq!(parse(&display(&segs)).unwrap(), segs);
    }
}
