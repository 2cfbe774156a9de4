//! The reply's text before it is planned into messages: OpenClaw's `responsePrefix` in front,
//! and `textChunkLimit` with `streaming.chunkMode` cutting it into messages of at most that many
//! characters: `length` cuts at the limit (at the last newline inside it, else the last space,
//! else mid-word), `newline` keeps paragraphs (split at blank lines) whole and packs as many as
//! fit, cutting by length only a paragraph longer than the limit. A cut inside a fenced code
//! block closes the fence and opens it again in the next message, so each one renders.

use openclaw_config::{AccountExtras, AgentConfig, ChunkMode};

const FENCE: &str = "```";

/// The prefix of this account's replies, its template variables filled in; `None` when off
/// (`""`, unset, or `"auto"`, which names an agent identity this gateway does not have).
pub fn prefix(extras: &AccountExtras, agent: &AgentConfig) -> Option<String> {
    let template = extras.response_prefix.as_deref()?;
    if template.is_empty() || template == "auto" {
        return None;
    }
    let model = agent.model.clone().unwrap_or_default();
    let full = agent
        .model_ref
        .clone()
        .unwrap_or_else(|| format!("{}/{model}", agent.provider));
    let provider = full.split('/').next().unwrap_or_default().to_owned();
    Some(fill(
        template,
        &[
            ("model", short_model(&model)),
            ("modelfull", full),
            ("provider", provider),
        ],
    ))
}

/// `{name}` replaced by its value, names matched without regard to case; others stay.
fn fill(template: &str, vars: &[(&str, String)]) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = after[..close].to_ascii_lowercase();
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (v, close))
        });
        match value {
            Some((v, close)) => {
                out.push_str(v);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A model's short name: no `provider/`, no date or `-latest` suffix.
fn short_model(model: &str) -> String {
    let name = model.rsplit('/').next().unwrap_or(model);
    let name = name.strip_suffix("-latest").unwrap_or(name);
    match name.rsplit_once('-') {
        Some((head, date)) if date.len() == 8 && date.bytes().all(|b| b.is_ascii_digit()) => {
            head.to_owned()
        }
        _ => name.to_owned(),
    }
}

/// The answer with the prefix in front (once: an answer already starting with it is kept).
pub fn with_prefix(prefix: Option<&str>, answer: &str) -> String {
    match prefix {
        Some(p) if !answer.trim().is_empty() && !answer.starts_with(p) => format!("{p} {answer}"),
        _ => answer.to_owned(),
    }
}

/// The answer cut into messages by `textChunkLimit` and the chunk mode; the whole answer
/// when no limit is set.
pub fn chunks(extras: &AccountExtras, answer: &str) -> Vec<String> {
    let Some(limit) = extras
        .text_chunk_limit
        .map(|l| l as usize)
        .filter(|l| *l > 0)
    else {
        return vec![answer.to_owned()];
    };
    match extras.chunk_mode {
        ChunkMode::Length => by_length(answer, limit),
        ChunkMode::Newline => by_paragraph(answer, limit),
    }
}

fn count(s: &str) -> usize {
    s.chars().count()
}

/// The byte offset after `n` characters.
fn byte_at(s: &str, n: usize) -> usize {
    s.char_indices().nth(n).map(|(i, _)| i).unwrap_or(s.len())
}

/// The opening line of the code fence still open at the end of `text`, if one is.
fn open_fence(text: &str) -> Option<&str> {
    let mut open = None;
    for line in text.lines() {
        if line.trim_start().starts_with(FENCE) {
            open = match open {
                Some(_) => None,
                None => Some(line.trim_end()),
            };
        }
    }
    open
}

fn by_length(text: &str, limit: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text.trim_end().to_owned();
    // Room for closing a fence (a newline and the fence) when one is cut.
    let room = if text.contains(FENCE) && limit > 2 * (FENCE.len() + 1) {
        FENCE.len() + 1
    } else {
        0
    };
    while count(&rest) > limit {
        let window = &rest[..byte_at(&rest, limit - room)];
        let cut = window
            .rfind('\n')
            .filter(|&i| i > 0)
            .or_else(|| window.rfind(char::is_whitespace).filter(|&i| i > 0))
            .unwrap_or(window.len());
        let mut chunk = rest[..cut].trim_end().to_owned();
        let mut next = rest[cut..].trim_start_matches(['\n', ' ']).to_owned();
        // A fence too long to repeat is left cut (reopening it would leave no room to progress).
        if let Some(opener) = open_fence(&chunk)
            .filter(|o| count(o) < (limit - room) / 2)
            .map(str::to_owned)
        {
            chunk.push('\n');
            chunk.push_str(FENCE);
            next = format!("{opener}\n{next}");
        }
        if chunk.trim().is_empty() {
            // Nothing but whitespace before the cut: cut mid-line instead.
            let hard = byte_at(&rest, limit);
            chunk = rest[..hard].to_owned();
            next = rest[hard..].to_owned();
        }
        out.push(chunk);
        rest = next;
    }
    if !rest.trim().is_empty() {
        out.push(rest);
    }
    out
}

/// Paragraphs at blank lines outside code fences.
fn paragraphs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    let mut in_fence = false;
    for line in text.lines() {
        if line.trim_start().starts_with(FENCE) {
            in_fence = !in_fence;
        }
        if line.trim().is_empty() && !in_fence {
            if !current.is_empty() {
                out.push(current.join("\n"));
                current.clear();
            }
            continue;
        }
        current.push(line);
    }
    if !current.is_empty() {
        out.push(current.join("\n"));
    }
    out
}

fn by_paragraph(text: &str, limit: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for p in paragraphs(text) {
        if !current.is_empty() && count(&current) + 2 + count(&p) <= limit {
            current.push_str("\n\n");
            current.push_str(&p);
            continue;
        }
        if !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        if count(&p) <= limit {
            current = p;
        } else {
            out.extend(by_length(&p, limit));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests;
