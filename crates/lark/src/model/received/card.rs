//! The readable text of a received interactive card, new (`json_card` string) or legacy
//! (`header`/`elements`/`body.elements`). A card is a tree; the text a human sees sits in
//! `plain_text` / `lark_md` / `markdown` nodes and in a few named fields, so one walk finds it.

use serde_json::Value;

/// The title and text lines of a card, in reading order, without repeats.
pub(crate) fn card_text(card: &Value) -> (Option<String>, Vec<String>) {
    let title = card
        .get("header")
        .and_then(|h| h.get("title"))
        .and_then(text_of)
        .or_else(|| card.get("title").and_then(text_of))
        .filter(|t| !t.trim().is_empty());
    let mut lines = Vec::new();
    for key in ["elements", "body", "i18n_elements"] {
        if let Some(v) = card.get(key) {
            walk(v, &mut lines, 0);
        }
    }
    let mut seen = std::collections::HashSet::new();
    lines.retain(|l| !l.trim().is_empty() && seen.insert(l.trim().to_owned()));
    if let Some(t) = &title {
        lines.retain(|l| l.trim() != t.trim());
    }
    (title, lines)
}

/// A text node (`{"tag":"plain_text","content":...}`) or a bare string.
fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o.get("content").and_then(Value::as_str).map(str::to_owned),
        _ => None,
    }
}

// Depth-bounded: the card is attacker-controlled input and must not blow the stack.
fn walk(v: &Value, out: &mut Vec<String>, depth: usize) {
    if depth > 32 {
        return;
    }
    match v {
        Value::Array(a) => {
            // The received legacy form is post-like, `[[{"tag":"text","text":..},..],..]`: an
            // array of inline runs is one line.
            if !a.is_empty() && a.iter().all(|x| inline_run(x).is_some()) {
                out.push(a.iter().filter_map(inline_run).collect());
            } else {
                a.iter().for_each(|x| walk(x, out, depth + 1));
            }
        }
        Value::Object(o) => {
            let tag = o.get("tag").and_then(Value::as_str).unwrap_or_default();
            if matches!(tag, "plain_text" | "lark_md" | "markdown" | "md") {
                if let Some(c) = o.get("content").and_then(Value::as_str) {
                    out.push(c.to_owned());
                }
                return;
            }
            if let Some(t) = inline_run(v) {
                out.push(t);
                return;
            }
            for (k, child) in o {
                if matches!(
                    k.as_str(),
                    "tag" | "value" | "behaviors" | "url" | "img_key"
                ) {
                    continue;
                }
                walk(child, out, depth + 1);
            }
        }
        _ => {}
    }
}

/// The text of an inline run (`text`, `a`, `at` with a string `text`/`user_name`).
fn inline_run(v: &Value) -> Option<String> {
    let o = v.as_object()?;
    let tag = o.get("tag")?.as_str()?;
    match tag {
        "text" | "a" | "button" => o.get("text")?.as_str().map(str::to_owned),
        "at" => Some(format!(
            "@{}",
            o.get("user_name").or(o.get("user_id"))?.as_str()?
        )),
        _ => None,
    }
}
