//! Content as text for an agent. Markup stays close to markdown (what models read best); files
//! become bracketed references with their keys, so the agent can name a file to download.

use std::fmt::Write;

use serde_json::Value;

use super::{PostElement, ReceivedContent};

/// Renders a mention: (user_id, user_name) → the text that stands for it.
pub(crate) type AtRenderer<'a> = dyn Fn(&str, Option<&str>) -> String + 'a;

fn duration(ms: Option<u64>) -> String {
    match ms {
        Some(ms) if ms % 1000 == 0 => format!(" {}s", ms / 1000),
        Some(ms) => format!(" {:.1}s", ms as f64 / 1000.0),
        None => String::new(),
    }
}

fn quoted(name: &Option<String>) -> String {
    name.as_ref()
        .map(|n| format!(" \"{}\"", n.replace('"', "'")))
        .unwrap_or_default()
}

impl ReceivedContent {
    pub(crate) fn render(&self, at: &AtRenderer<'_>) -> String {
        match self {
            ReceivedContent::Text { text } => text.clone(),
            ReceivedContent::Post(p) => {
                let mut lines = Vec::new();
                if let Some(t) = &p.title {
                    lines.push(format!("**{t}**"));
                }
                for para in &p.paragraphs {
                    let mut line = String::new();
                    for e in para {
                        render_element(e, at, &mut line);
                    }
                    lines.push(line);
                }
                lines.join("\n").trim().to_owned()
            }
            ReceivedContent::Image { image_key } => format!("[image {image_key}]"),
            ReceivedContent::File {
                file_key,
                file_name,
            } => {
                format!("[file {file_key}{}]", quoted(file_name))
            }
            ReceivedContent::Audio {
                file_key,
                duration_ms,
            } => format!("[audio {file_key}{}]", duration(*duration_ms)),
            ReceivedContent::Media {
                file_key,
                image_key,
                file_name,
                duration_ms,
            } => {
                let cover = image_key
                    .as_ref()
                    .map(|k| format!(" cover {k}"))
                    .unwrap_or_default();
                format!(
                    "[video {file_key}{}{}{cover}]",
                    quoted(file_name),
                    duration(*duration_ms)
                )
            }
            ReceivedContent::Sticker { file_key } => format!("[sticker {file_key}]"),
            ReceivedContent::Interactive { title, text, .. } => {
                let mut out = String::from("[card]");
                if let Some(t) = title {
                    let _ = write!(out, " {t}");
                }
                for l in text {
                    out.push('\n');
                    out.push_str(l);
                }
                out
            }
            ReceivedContent::ShareChat { chat_id } => format!("[shared chat {chat_id}]"),
            ReceivedContent::ShareUser { user_id } => format!("[shared contact {user_id}]"),
            ReceivedContent::Location {
                name,
                latitude,
                longitude,
            } => {
                let mut out = String::from("[location");
                if let Some(n) = name {
                    let _ = write!(out, " {n}");
                }
                if let (Some(la), Some(lo)) = (latitude, longitude) {
                    let _ = write!(out, " ({la}, {lo})");
                }
                out.push(']');
                out
            }
            ReceivedContent::System { text, .. } => format!("[system] {text}"),
            ReceivedContent::MergeForward { .. } => "[merged and forwarded messages]".to_owned(),
            ReceivedContent::Other { msg_type, raw } => serde_json::from_str::<Value>(raw)
                .ok()
                .and_then(|v| v.get("text")?.as_str().map(str::to_owned))
                .unwrap_or_else(|| format!("[{msg_type} message]")),
        }
    }
}

fn render_element(e: &PostElement, at: &AtRenderer<'_>, out: &mut String) {
    match e {
        PostElement::Text { text, style } => {
            let has = |s: &str| style.iter().any(|x| x == s);
            let mut t = text.clone();
            if has("bold") {
                t = format!("**{t}**");
            }
            if has("italic") {
                t = format!("*{t}*");
            }
            if has("lineThrough") || has("strikethrough") {
                t = format!("~~{t}~~");
            }
            out.push_str(&t);
        }
        PostElement::Link { text, href } if text.is_empty() => out.push_str(href),
        PostElement::Link { text, href } => {
            let _ = write!(out, "[{text}]({href})");
        }
        PostElement::At { user_id, user_name } => out.push_str(&at(user_id, user_name.as_deref())),
        PostElement::Image { image_key } => {
            let _ = write!(out, "[image {image_key}]");
        }
        PostElement::Media { file_key, .. } => {
            let _ = write!(out, "[video {file_key}]");
        }
        PostElement::CodeBlock { language, text } => {
            let _ = write!(out, "\n```{language}\n{text}\n```\n");
        }
        PostElement::Hr => out.push_str("\n---\n"),
        PostElement::Emotion { emoji_type } => {
            let _ = write!(out, "[{emoji_type}]");
        }
        PostElement::Markdown { text } => out.push_str(text),
        PostElement::Other { raw, .. } => {
            if let Some(t) = raw.get("text").and_then(Value::as_str) {
                out.push_str(t);
            }
        }
    }
}

/// A system message's `template` with `{name}` filled from the same-named field (lists of
/// names joined with ", "). `None` without a template.
pub(crate) fn fill_template(v: &Value) -> Option<String> {
    let template = v.get("template")?.as_str()?;
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let name = &after[..close];
        match v.get(name) {
            Some(Value::String(s)) => out.push_str(s),
            Some(Value::Array(a)) => {
                let names: Vec<String> = a
                    .iter()
                    .map(|x| match x {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                    .collect();
                out.push_str(&names.join(", "));
            }
            Some(Value::Null) | None => {}
            Some(other) => out.push_str(&other.to_string()),
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Some(out.trim().to_owned())
}
