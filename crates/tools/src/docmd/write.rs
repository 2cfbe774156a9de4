//! Markdown to docx blocks: headings, paragraphs with bold/italic/strikethrough/inline
//! code/links, nested bullet, ordered and task lists, code blocks with their language, quotes,
//! dividers, tables (real table blocks) and images (kept as [`Item::Image`] to be uploaded).

use comrak::nodes::{AstNode, ListType, NodeValue};
use comrak::{Arena, Options, parse_document};
use lark::api::docx::{Block, TextElement};

use super::lang;

/// One thing to put in the document, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A block, with the blocks nested under it (list items inside a list item).
    Block {
        block: Box<Block>,
        children: Vec<Item>,
    },
    /// A table: rows of cells, each cell's text.
    Table { rows: Vec<Vec<Vec<TextElement>>> },
    /// `![alt](src)`: a local path or an http(s) URL.
    Image { alt: String, src: String },
}

impl Item {
    fn block(block: Block) -> Item {
        Item::Block {
            block: Box::new(block),
            children: Vec::new(),
        }
    }

    /// Characters of text, to size requests.
    pub fn weight(&self) -> usize {
        match self {
            Item::Block { block, children } => {
                block.plain_text().len() + children.iter().map(Item::weight).sum::<usize>()
            }
            Item::Table { rows } => rows
                .iter()
                .flatten()
                .flatten()
                .map(|e| e.text_run.as_ref().map_or(0, |r| r.content.len()))
                .sum(),
            Item::Image { .. } => 0,
        }
    }
}

fn options() -> Options<'static> {
    let mut o = Options::default();
    o.extension.table = true;
    o.extension.strikethrough = true;
    o.extension.tasklist = true;
    o.extension.autolink = true;
    o
}

/// The items of `markdown`, in order.
pub fn parse(markdown: &str) -> Vec<Item> {
    let markdown = markdown.replace("\r\n", "\n");
    let arena = Arena::new();
    let root = parse_document(&arena, &markdown, &options());
    let mut out = Vec::new();
    for node in root.children() {
        block(node, &mut out);
    }
    out
}

#[derive(Clone, Default)]
struct Style {
    bold: bool,
    italic: bool,
    strike: bool,
    code: bool,
    link: Option<String>,
}

fn run(text: &str, s: &Style) -> TextElement {
    let mut e = TextElement::text(text);
    if s.bold {
        e = e.bold();
    }
    if s.italic {
        e = e.italic();
    }
    if s.strike {
        e = e.strikethrough();
    }
    if s.code {
        e = e.inline_code();
    }
    if let Some(url) = &s.link {
        e = e.link(url.clone());
    }
    e
}

/// Inline content of a node as text elements; images found on the way go to `images`.
fn inlines<'a>(
    node: &'a AstNode<'a>,
    s: &Style,
    out: &mut Vec<TextElement>,
    images: &mut Vec<(String, String)>,
) {
    for c in node.children() {
        let v = c.data().value.clone();
        match v {
            NodeValue::Text(t) => out.push(run(&t, s)),
            NodeValue::SoftBreak => out.push(run(" ", s)),
            NodeValue::LineBreak => out.push(run("\n", s)),
            NodeValue::Code(code) => out.push(run(
                &code.literal,
                &Style {
                    code: true,
                    ..s.clone()
                },
            )),
            NodeValue::HtmlInline(h) => out.push(run(&h, s)),
            NodeValue::Strong => inlines(
                c,
                &Style {
                    bold: true,
                    ..s.clone()
                },
                out,
                images,
            ),
            NodeValue::Emph => inlines(
                c,
                &Style {
                    italic: true,
                    ..s.clone()
                },
                out,
                images,
            ),
            NodeValue::Strikethrough => inlines(
                c,
                &Style {
                    strike: true,
                    ..s.clone()
                },
                out,
                images,
            ),
            NodeValue::Link(l) => inlines(
                c,
                &Style {
                    link: Some(l.url.clone()),
                    ..s.clone()
                },
                out,
                images,
            ),
            NodeValue::Image(l) => {
                let mut alt = Vec::new();
                inlines(c, s, &mut alt, &mut Vec::new());
                images.push((plain(&alt), l.url.clone()));
            }
            _ => inlines(c, s, out, images),
        }
    }
}

fn plain(els: &[TextElement]) -> String {
    els.iter()
        .filter_map(|e| e.text_run.as_ref().map(|r| r.content.as_str()))
        .collect()
}

/// Merges neighbouring runs of the same style, so a paragraph is a few elements, not one per
/// word.
fn merge(els: Vec<TextElement>) -> Vec<TextElement> {
    let mut out: Vec<TextElement> = Vec::new();
    for e in els {
        if let (Some(last), Some(r)) = (out.last_mut(), e.text_run.as_ref())
            && let Some(lr) = last.text_run.as_mut()
            && lr.text_element_style == r.text_element_style
        {
            lr.content.push_str(&r.content);
            continue;
        }
        out.push(e);
    }
    out
}

fn text_of<'a>(node: &'a AstNode<'a>, images: &mut Vec<(String, String)>) -> Vec<TextElement> {
    let mut els = Vec::new();
    inlines(node, &Style::default(), &mut els, images);
    merge(els)
}

/// A paragraph: its text, then its images as their own items.
fn paragraph<'a>(node: &'a AstNode<'a>, out: &mut Vec<Item>) {
    let mut images = Vec::new();
    let els = text_of(node, &mut images);
    if !plain(&els).trim().is_empty() {
        out.push(Item::block(Block::text(els)));
    }
    for (alt, src) in images {
        out.push(Item::Image { alt, src });
    }
}

fn block<'a>(node: &'a AstNode<'a>, out: &mut Vec<Item>) {
    let v = node.data().value.clone();
    match v {
        NodeValue::Paragraph => paragraph(node, out),
        NodeValue::Heading(h) => {
            let mut images = Vec::new();
            let els = text_of(node, &mut images);
            out.push(Item::block(Block::heading(h.level, els)));
            out.extend(
                images
                    .into_iter()
                    .map(|(alt, src)| Item::Image { alt, src }),
            );
        }
        NodeValue::CodeBlock(c) => {
            let code = c.literal.strip_suffix('\n').unwrap_or(&c.literal);
            out.push(Item::block(Block::code(lang::number(&c.info), code)));
        }
        NodeValue::ThematicBreak => out.push(Item::block(Block::divider())),
        NodeValue::BlockQuote | NodeValue::MultilineBlockQuote(_) => {
            // A quote block holds one text: its paragraphs joined by line breaks.
            let mut els = Vec::new();
            for (i, c) in node.children().enumerate() {
                if i > 0 {
                    els.push(TextElement::text("\n"));
                }
                els.extend(text_of(c, &mut Vec::new()));
            }
            out.push(Item::block(Block::quote(merge(els))));
        }
        NodeValue::List(l) => list(node, l.list_type, out),
        NodeValue::Table(_) => {
            let rows = node
                .children()
                .map(|row| {
                    row.children()
                        .map(|cell| text_of(cell, &mut Vec::new()))
                        .collect()
                })
                .collect();
            out.push(Item::Table { rows });
        }
        NodeValue::HtmlBlock(h) => {
            let t = h.literal.trim();
            if !t.is_empty() {
                out.push(Item::block(Block::text(vec![TextElement::text(t)])));
            }
        }
        _ => {
            for c in node.children() {
                block(c, out);
            }
        }
    }
}

fn list<'a>(node: &'a AstNode<'a>, kind: ListType, out: &mut Vec<Item>) {
    for item in node.children() {
        let task = match &item.data().value {
            NodeValue::TaskItem(t) => Some(t.symbol.is_some()),
            _ => None,
        };
        let mut els = Vec::new();
        let mut children = Vec::new();
        for (i, c) in item.children().enumerate() {
            let is_para = matches!(c.data().value, NodeValue::Paragraph);
            if i == 0 && is_para {
                let mut images = Vec::new();
                els = text_of(c, &mut images);
                children.extend(
                    images
                        .into_iter()
                        .map(|(alt, src)| Item::Image { alt, src }),
                );
            } else {
                block(c, &mut children);
            }
        }
        let b = match (task, kind) {
            (Some(done), _) => Block::todo(done, els),
            (None, ListType::Ordered) => Block::ordered(els),
            (None, ListType::Bullet) => Block::bullet(els),
        };
        out.push(Item::Block {
            block: Box::new(b),
            children,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lark::api::docx::block_type as bt;

    #[test]
    fn constructs() {
        let md = "# T\n\nA **b** *i* ~~s~~ `c` [l](https://x.y)\n\n- a\n  - b\n1. o\n- [x] done\n\n\
                  ```rust\nfn main() {}\n```\n\n> q\n\n---\n\n| h1 | h2 |\n|---|---|\n| a | b |\n\n![p](/tmp/x.png)\n";
        let items = parse(md);
        let types: Vec<u32> = items
            .iter()
            .map(|i| match i {
                Item::Block { block, .. } => block.block_type,
                Item::Table { .. } => bt::TABLE,
                Item::Image { .. } => bt::IMAGE,
            })
            .collect();
        assert_eq!(
            types,
            [
                3,
                2,
                bt::BULLET,
                bt::ORDERED,
                bt::TODO,
                bt::CODE,
                bt::QUOTE,
                bt::DIVIDER,
                bt::TABLE,
                bt::IMAGE
            ]
        );
        let Item::Block { children, .. } = &items[2] else {
            panic!()
        };
        assert_eq!(children.len(), 1);
        let Item::Block { block, .. } = &items[1] else {
            panic!()
        };
        let els = &block.text.as_ref().unwrap().elements;
        assert!(els.iter().any(|e| {
            e.text_run
                .as_ref()
                .unwrap()
                .text_element_style
                .as_ref()
                .is_some_and(|s| s.bold)
        }));
        let Item::Block { block, .. } = &items[5] else {
            panic!()
        };
        assert_eq!(
            block
                .code
                .as_ref()
                .unwrap()
                .style
                .as_ref()
                .unwrap()
                .language,
            Some(53)
        );
    }
}
