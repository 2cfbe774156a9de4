//! Docx blocks back to markdown, for `readDocument`.

use std::collections::HashMap;

use lark::api::docx::{Block, TextElement, block_type as bt};

use super::lang;

/// The markdown of a document from all its blocks (as the block listing returns them).
pub fn render(document_id: &str, blocks: &[Block]) -> String {
    let by_id: HashMap<&str, &Block> = blocks
        .iter()
        .filter_map(|b| b.block_id.as_deref().map(|id| (id, b)))
        .collect();
    let root = by_id
        .get(document_id)
        .copied()
        .or_else(|| blocks.iter().find(|b| b.block_type == bt::PAGE));
    let mut out = Vec::new();
    if let Some(root) = root {
        children(&by_id, &root.children, 0, &mut out, 0);
    }
    let mut md = out.join("\n");
    md.push('\n');
    md
}

fn elements(els: &[TextElement]) -> String {
    let mut s = String::new();
    for e in els {
        if let Some(m) = &e.mention_user {
            s.push_str(&format!("<at user_id=\"{}\"></at>", m.user_id));
            continue;
        }
        if let Some(eq) = &e.equation {
            s.push_str(&format!("${}$", eq.content.trim_end()));
            continue;
        }
        let Some(r) = &e.text_run else { continue };
        let mut t = r.content.clone();
        if let Some(st) = &r.text_element_style {
            if st.inline_code {
                t = format!("`{t}`");
            }
            if st.bold {
                t = format!("**{t}**");
            }
            if st.italic {
                t = format!("*{t}*");
            }
            if st.strikethrough {
                t = format!("~~{t}~~");
            }
            if let Some(l) = &st.link {
                let url = percent_decode(&l.url);
                t = format!("[{t}]({url})");
            }
        }
        s.push_str(&t);
    }
    s
}

/// Links come back percent-encoded from the platform; show them as written.
fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| s.to_owned())
}

fn text(b: &Block) -> String {
    b.text_block()
        .map(|t| elements(&t.elements))
        .unwrap_or_default()
}

fn children(
    by_id: &HashMap<&str, &Block>,
    ids: &[String],
    indent: usize,
    out: &mut Vec<String>,
    depth: usize,
) {
    if depth > 32 {
        return;
    }
    let pad = "  ".repeat(indent);
    let mut ordinal = 0;
    for id in ids {
        let Some(b) = by_id.get(id.as_str()) else {
            continue;
        };
        ordinal = if b.block_type == bt::ORDERED {
            ordinal + 1
        } else {
            0
        };
        let is_list = matches!(b.block_type, bt::BULLET | bt::ORDERED | bt::TODO);
        let line = match b.block_type {
            bt::TEXT => text(b),
            t @ 3..=11 => format!("{} {}", "#".repeat((t - 2) as usize), text(b)),
            bt::BULLET => format!("- {}", text(b)),
            bt::ORDERED => format!("{ordinal}. {}", text(b)),
            bt::CODE => {
                let lang_n = b
                    .code
                    .as_ref()
                    .and_then(|c| c.style.as_ref())
                    .and_then(|s| s.language)
                    .unwrap_or(1);
                let code: String = b
                    .code
                    .as_ref()
                    .map(|c| {
                        c.elements
                            .iter()
                            .filter_map(|e| e.text_run.as_ref().map(|r| r.content.as_str()))
                            .collect()
                    })
                    .unwrap_or_default();
                format!("```{}\n{code}\n```", lang::name(lang_n))
            }
            bt::QUOTE => text(b)
                .lines()
                .map(|l| format!("> {l}"))
                .collect::<Vec<_>>()
                .join("\n"),
            bt::TODO => {
                let done = b
                    .todo
                    .as_ref()
                    .and_then(|t| t.style.as_ref())
                    .and_then(|s| s.done)
                    .unwrap_or(false);
                format!("- [{}] {}", if done { "x" } else { " " }, text(b))
            }
            bt::DIVIDER => "---".into(),
            bt::IMAGE => format!(
                "![image]({})",
                b.image
                    .as_ref()
                    .and_then(|i| i.token.clone())
                    .unwrap_or_default()
            ),
            bt::FILE => format!(
                "[{}]({})",
                b.file
                    .as_ref()
                    .and_then(|f| f.name.clone())
                    .unwrap_or_else(|| "file".into()),
                b.file
                    .as_ref()
                    .and_then(|f| f.token.clone())
                    .unwrap_or_default()
            ),
            bt::TABLE => table(by_id, b),
            _ => {
                // Containers (quote container, callout, view, grid) show their children.
                children(by_id, &b.children, indent, out, depth + 1);
                continue;
            }
        };
        if !is_list && indent == 0 && !out.is_empty() {
            out.push(String::new());
        }
        for l in line.lines() {
            out.push(format!("{pad}{l}"));
        }
        if b.block_type != bt::TABLE && !b.children.is_empty() {
            children(by_id, &b.children, indent + 1, out, depth + 1);
        }
    }
}

fn table(by_id: &HashMap<&str, &Block>, b: &Block) -> String {
    let Some(t) = &b.table else {
        return String::new();
    };
    let cols = t.property.column_size.max(1) as usize;
    let cell_ids = if t.cells.is_empty() {
        &b.children
    } else {
        &t.cells
    };
    let cells: Vec<String> = cell_ids
        .iter()
        .map(|c| {
            let Some(cell) = by_id.get(c.as_str()) else {
                return String::new();
            };
            cell.children
                .iter()
                .filter_map(|p| by_id.get(p.as_str()).map(|p| text(p)))
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join("<br>")
                .replace('|', "\\|")
        })
        .collect();
    let mut rows: Vec<String> = cells
        .chunks(cols)
        .map(|r| format!("| {} |", r.join(" | ")))
        .collect();
    if !rows.is_empty() {
        rows.insert(1, format!("|{}", "---|".repeat(cols)));
    }
    rows.join("\n")
}
