//! The top-level blocks of an answer: where it may be split, whether it uses markdown at all,
//! and how many tables each block holds.
//!
//! comrak finds the blocks; their text is taken from the source lines, not re-rendered, so what
//! the agent wrote is what the user gets. Each block runs from its first line to the line before
//! the next block, so lines that are no node of their own (link reference definitions) are kept.

use comrak::nodes::{AstNode, NodeValue};
use comrak::{Arena, Options, parse_document};

/// One top-level block, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Block {
    pub text: String,
    /// Tables anywhere inside (a quote or a list can hold some).
    pub tables: usize,
    /// Whether it renders differently from its plain text (headings, emphasis, lists, ...).
    pub markup: bool,
    /// The block is itself a table.
    pub is_table: bool,
}

fn options() -> Options<'static> {
    let mut o = Options::default();
    o.extension.table = true;
    o.extension.strikethrough = true;
    o.extension.tasklist = true;
    o
}

/// The blocks of `markdown` in order; none for blank input.
pub(crate) fn blocks(markdown: &str) -> Vec<Block> {
    let markdown = markdown.replace("\r\n", "\n");
    let arena = Arena::new();
    let root = parse_document(&arena, &markdown, &options());
    let lines: Vec<&str> = markdown.split('\n').collect();
    // Top-level nodes grouped by first line; lines only increase, and a node that claims
    // otherwise joins the group before it.
    let mut groups: Vec<(usize, Vec<&AstNode<'_>>)> = Vec::new();
    for node in root.children() {
        let line = node.data().sourcepos.start.line.saturating_sub(1);
        match groups.last_mut() {
            Some((prev, nodes)) if line <= *prev => nodes.push(node),
            _ => groups.push((line, vec![node])),
        }
    }
    let mut out = Vec::with_capacity(groups.len());
    for (i, (start, nodes)) in groups.iter().enumerate() {
        let from = if i == 0 { 0 } else { *start };
        let to = groups.get(i + 1).map_or(lines.len(), |(next, _)| *next);
        let text = lines[from.min(lines.len())..to.min(lines.len())].join("\n");
        let text = trim_blank(&text);
        if text.is_empty() {
            continue;
        }
        let (mut tables, mut markup) = (0, false);
        for n in nodes {
            let (t, m) = inspect(n);
            tables += t;
            markup |= m;
        }
        let is_table = matches!(nodes[..], [n] if matches!(n.data().value, NodeValue::Table(_)));
        out.push(Block {
            text: text.to_owned(),
            tables,
            markup,
            is_table,
        });
    }
    out
}

/// Blank lines before and whitespace after are separators, not content.
pub(crate) fn trim_blank(text: &str) -> &str {
    let text = text.trim_end();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        if !line.trim().is_empty() {
            break;
        }
        start += line.len();
    }
    &text[start..]
}

/// (tables, markup) of a node and its descendants.
fn inspect<'a>(node: &'a AstNode<'a>) -> (usize, bool) {
    let (mut tables, mut markup) = (0, false);
    for n in node.descendants() {
        match &n.data().value {
            NodeValue::Table(_) => {
                tables += 1;
                markup = true;
            }
            // What shows the same in a text message: paragraphs, line breaks, and inline HTML,
            // which covers the agent's `<at user_id=...>` mentions.
            NodeValue::Document
            | NodeValue::Paragraph
            | NodeValue::Text(_)
            | NodeValue::SoftBreak
            | NodeValue::LineBreak
            | NodeValue::HtmlInline(_)
            | NodeValue::HtmlBlock(_) => {}
            _ => markup = true,
        }
    }
    (tables, markup)
}

/// Tables in a piece of markdown, parsed on its own.
pub(crate) fn count_tables(markdown: &str) -> usize {
    let arena = Arena::new();
    let root = parse_document(&arena, markdown, &options());
    root.descendants()
        .filter(|n| matches!(n.data().value, NodeValue::Table(_)))
        .count()
}

/// A table as a post `md` element can show it: a post does not render tables, so it goes in a
/// code block, where the columns at least stay aligned as written.
pub(crate) fn fence_table(table: &str) -> String {
    format!("```\n{table}\n```")
}

/// The markdown a post should carry: as written, tables fenced.
pub(crate) fn post_text(block: &Block) -> String {
    if block.is_table {
        fence_table(&block.text)
    } else {
        block.text.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_and_mentions_are_not_markup() {
        let b = blocks("hello <at user_id=\"ou_1\">Ada</at>\nsecond line\n\n第二段");
        assert_eq!(b.len(), 2);
        assert!(b.iter().all(|b| !b.markup && b.tables == 0));
        assert_eq!(
            b[0].text,
            "hello <at user_id=\"ou_1\">Ada</at>\nsecond line"
        );
        assert_eq!(b[1].text, "第二段");
    }

    #[test]
    fn blocks_keep_their_source_and_find_tables_and_markup() {
        let md = "# Title\n\n```rust\nfn a() {}\n\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n\
                  > quote\n> | x |\n> |---|\n> | y |\n\n[ref]: https://example.com\n";
        let b = blocks(md);
        let texts: Vec<&str> = b.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "# Title",
                "```rust\nfn a() {}\n\n```",
                "| a | b |\n|---|---|\n| 1 | 2 |",
                "> quote\n> | x |\n> |---|\n> | y |\n\n[ref]: https://example.com",
            ]
        );
        assert!(b.iter().all(|b| b.markup));
        assert_eq!(b.iter().map(|b| b.tables).collect::<Vec<_>>(), [0, 0, 1, 1]);
        assert!(b[2].is_table && !b[3].is_table);
    }

    #[test]
    fn blank_input_has_no_blocks() {
        assert!(blocks(" \n\n\t\n").is_empty());
    }
}
