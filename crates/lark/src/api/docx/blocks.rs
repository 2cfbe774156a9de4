//! Docx blocks as typed values: what `children` creates and what listings return (GO `Block`).
//!
//! Block type numbers beyond image (27) and file (23) are the ones every client uses but no
//! official source confirms (PROTOCOL §5.3); they are named constants here, in one place.

use serde::{Deserialize, Serialize};

/// `block_type` numbers.
pub mod block_type {
    pub const PAGE: u32 = 1;
    pub const TEXT: u32 = 2;
    /// `HEADING1 + level - 1` for levels 1 to 9.
    pub const HEADING1: u32 = 3;
    pub const BULLET: u32 = 12;
    pub const ORDERED: u32 = 13;
    pub const CODE: u32 = 14;
    pub const QUOTE: u32 = 15;
    pub const TODO: u32 = 17;
    pub const DIVIDER: u32 = 22;
    pub const FILE: u32 = 23;
    pub const IMAGE: u32 = 27;
    pub const TABLE: u32 = 31;
    pub const TABLE_CELL: u32 = 32;
}

/// A block of a document. Only the field matching `block_type` is set.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Block {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub block_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::api::de::null_as_default"
    )]
    pub children: Vec<String>,
    pub block_type: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<TextBlock>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<TextBlock>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heading1: Option<TextBlock>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heading2: Option<TextBlock>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heading3: Option<TextBlock>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heading4: Option<TextBlock>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heading5: Option<TextBlock>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heading6: Option<TextBlock>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heading7: Option<TextBlock>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heading8: Option<TextBlock>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heading9: Option<TextBlock>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bullet: Option<TextBlock>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ordered: Option<TextBlock>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<TextBlock>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote: Option<TextBlock>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub todo: Option<TextBlock>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub divider: Option<Empty>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<ImageBlock>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<FileBlock>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<TableBlock>,
}

/// `{}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Empty {}

/// The text of a text-like block.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct TextBlock {
    #[serde(deserialize_with = "crate::api::de::null_as_default")]
    pub elements: Vec<TextElement>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub style: Option<BlockStyle>,
}

/// Block-level style: alignment (1 left, 2 center, 3 right), code language, todo state.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct BlockStyle {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub align: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub done: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub folded: Option<bool>,
    /// A language number (1 plain text; the platform's list is long).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wrap: Option<bool>,
}

/// A run of text, a mention or an equation.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct TextElement {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_run: Option<TextRun>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mention_user: Option<MentionUser>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub equation: Option<Equation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct TextRun {
    pub content: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_element_style: Option<TextElementStyle>,
}

/// Inline style; false flags are left out of the JSON.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct TextElementStyle {
    #[serde(skip_serializing_if = "is_false")]
    pub bold: bool,
    #[serde(skip_serializing_if = "is_false")]
    pub italic: bool,
    #[serde(skip_serializing_if = "is_false")]
    pub strikethrough: bool,
    #[serde(skip_serializing_if = "is_false")]
    pub underline: bool,
    #[serde(skip_serializing_if = "is_false")]
    pub inline_code: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<Link>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Link {
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MentionUser {
    pub user_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Equation {
    pub content: String,
}

/// An image block; empty when created, filled by `replace_image`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ImageBlock {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub align: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct FileBlock {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct TableBlock {
    pub property: TableProperty,
    /// The ids of the cells the platform created, row by row.
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::api::de::null_as_default"
    )]
    pub cells: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct TableProperty {
    pub row_size: u32,
    pub column_size: u32,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub column_width: Vec<u32>,
    #[serde(skip_serializing_if = "is_false")]
    pub header_row: bool,
    #[serde(skip_serializing_if = "is_false")]
    pub header_column: bool,
}

impl TextElement {
    /// Plain text.
    pub fn text(content: impl Into<String>) -> TextElement {
        TextElement {
            text_run: Some(TextRun {
                content: content.into(),
                text_element_style: None,
            }),
            ..TextElement::default()
        }
    }

    pub fn mention(user_id: impl Into<String>) -> TextElement {
        TextElement {
            mention_user: Some(MentionUser {
                user_id: user_id.into(),
            }),
            ..TextElement::default()
        }
    }

    pub fn equation(latex: impl Into<String>) -> TextElement {
        TextElement {
            equation: Some(Equation {
                content: latex.into(),
            }),
            ..TextElement::default()
        }
    }

    fn style(mut self, f: impl FnOnce(&mut TextElementStyle)) -> TextElement {
        if let Some(run) = self.text_run.as_mut() {
            f(run.text_element_style.get_or_insert_with(Default::default));
        }
        self
    }

    pub fn bold(self) -> TextElement {
        self.style(|s| s.bold = true)
    }

    pub fn italic(self) -> TextElement {
        self.style(|s| s.italic = true)
    }

    pub fn strikethrough(self) -> TextElement {
        self.style(|s| s.strikethrough = true)
    }

    pub fn underline(self) -> TextElement {
        self.style(|s| s.underline = true)
    }

    pub fn inline_code(self) -> TextElement {
        self.style(|s| s.inline_code = true)
    }

    pub fn link(self, url: impl Into<String>) -> TextElement {
        let url = url.into();
        self.style(|s| s.link = Some(Link { url }))
    }
}

impl Block {
    fn texty(block_type: u32, set: impl FnOnce(&mut Block, TextBlock), t: TextBlock) -> Block {
        let mut b = Block {
            block_type,
            ..Block::default()
        };
        set(&mut b, t);
        b
    }

    fn elements(elements: Vec<TextElement>) -> TextBlock {
        TextBlock {
            elements,
            style: None,
        }
    }

    pub fn text(elements: Vec<TextElement>) -> Block {
        Block::texty(
            block_type::TEXT,
            |b, t| b.text = Some(t),
            Block::elements(elements),
        )
    }

    /// A heading of `level` 1 to 9 (clamped).
    pub fn heading(level: u8, elements: Vec<TextElement>) -> Block {
        let level = level.clamp(1, 9);
        let t = Some(Block::elements(elements));
        let mut b = Block {
            block_type: block_type::HEADING1 + u32::from(level) - 1,
            ..Block::default()
        };
        match level {
            1 => b.heading1 = t,
            2 => b.heading2 = t,
            3 => b.heading3 = t,
            4 => b.heading4 = t,
            5 => b.heading5 = t,
            6 => b.heading6 = t,
            7 => b.heading7 = t,
            8 => b.heading8 = t,
            _ => b.heading9 = t,
        }
        b
    }

    pub fn bullet(elements: Vec<TextElement>) -> Block {
        Block::texty(
            block_type::BULLET,
            |b, t| b.bullet = Some(t),
            Block::elements(elements),
        )
    }

    pub fn ordered(elements: Vec<TextElement>) -> Block {
        Block::texty(
            block_type::ORDERED,
            |b, t| b.ordered = Some(t),
            Block::elements(elements),
        )
    }

    /// A code block; `language` is the platform's language number (1 = plain text).
    pub fn code(language: u32, code: impl Into<String>) -> Block {
        let t = TextBlock {
            elements: vec![TextElement::text(code)],
            style: Some(BlockStyle {
                language: Some(language),
                ..BlockStyle::default()
            }),
        };
        Block::texty(block_type::CODE, |b, t| b.code = Some(t), t)
    }

    pub fn quote(elements: Vec<TextElement>) -> Block {
        Block::texty(
            block_type::QUOTE,
            |b, t| b.quote = Some(t),
            Block::elements(elements),
        )
    }

    pub fn todo(done: bool, elements: Vec<TextElement>) -> Block {
        let t = TextBlock {
            elements,
            style: Some(BlockStyle {
                done: Some(done),
                ..BlockStyle::default()
            }),
        };
        Block::texty(block_type::TODO, |b, t| b.todo = Some(t), t)
    }

    pub fn divider() -> Block {
        Block {
            block_type: block_type::DIVIDER,
            divider: Some(Empty {}),
            ..Block::default()
        }
    }

    /// An empty image block, to be filled with `replace_image` after uploading the image.
    pub fn image() -> Block {
        Block {
            block_type: block_type::IMAGE,
            image: Some(ImageBlock::default()),
            ..Block::default()
        }
    }

    /// An empty file block, to be filled with `replace_file`.
    pub fn file() -> Block {
        Block {
            block_type: block_type::FILE,
            file: Some(FileBlock::default()),
            ..Block::default()
        }
    }

    /// A table; the platform creates its `rows × columns` cells.
    pub fn table(rows: u32, columns: u32) -> Block {
        Block {
            block_type: block_type::TABLE,
            table: Some(TableBlock {
                property: TableProperty {
                    row_size: rows,
                    column_size: columns,
                    ..TableProperty::default()
                },
                cells: Vec::new(),
            }),
            ..Block::default()
        }
    }

    /// The text of a text-like block, whichever kind it is.
    pub fn text_block(&self) -> Option<&TextBlock> {
        [
            &self.page,
            &self.text,
            &self.heading1,
            &self.heading2,
            &self.heading3,
            &self.heading4,
            &self.heading5,
            &self.heading6,
            &self.heading7,
            &self.heading8,
            &self.heading9,
            &self.bullet,
            &self.ordered,
            &self.code,
            &self.quote,
            &self.todo,
        ]
        .into_iter()
        .find_map(|t| t.as_ref())
    }

    /// The plain text of a text-like block (runs concatenated).
    pub fn plain_text(&self) -> String {
        self.text_block()
            .map(|t| {
                t.elements
                    .iter()
                    .filter_map(|e| e.text_run.as_ref().map(|r| r.content.as_str()))
                    .collect()
            })
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(b: &Block) -> String {
        serde_json::to_string(b).unwrap()
    }

    #[test]
    fn block_shapes() {
        assert_eq!(
            json(&Block::text(vec![
                TextElement::text("a"),
                TextElement::text("b").bold().link("https://x.y"),
            ])),
            r#"{"block_type":2,"text":{"elements":[{"text_run":{"content":"a"}},{"text_run":{"content":"b","text_element_style":{"bold":true,"link":{"url":"https://x.y"}}}}]}}"#
        );
        assert_eq!(
            json(&Block::heading(2, vec![TextElement::text("h")])),
            r#"{"block_type":4,"heading2":{"elements":[{"text_run":{"content":"h"}}]}}"#
        );
        assert_eq!(
            json(&Block::code(1, "x")),
            r#"{"block_type":14,"code":{"elements":[{"text_run":{"content":"x"}}],"style":{"language":1}}}"#
        );
        assert_eq!(
            json(&Block::todo(true, vec![])),
            r#"{"block_type":17,"todo":{"elements":[],"style":{"done":true}}}"#
        );
        assert_eq!(json(&Block::divider()), r#"{"block_type":22,"divider":{}}"#);
        assert_eq!(json(&Block::image()), r#"{"block_type":27,"image":{}}"#);
        assert_eq!(json(&Block::file()), r#"{"block_type":23,"file":{}}"#);
        assert_eq!(
            json(&Block::table(2, 3)),
            r#"{"block_type":31,"table":{"property":{"row_size":2,"column_size":3}}}"#
        );
        assert_eq!(Block::heading(12, vec![]).block_type, 11);
        assert_eq!(Block::bullet(vec![]).block_type, 12);
        assert_eq!(Block::ordered(vec![]).block_type, 13);
        assert_eq!(Block::quote(vec![]).block_type, 15);
    }

    #[test]
    fn decodes_a_listed_block_and_its_text() {
        let b: Block = serde_json::from_str(
            r#"{"block_id":"b1","parent_id":"doc","children":null,"block_type":3,
                "heading1":{"elements":[{"text_run":{"content":"Ti"}},{"text_run":{"content":"tle"}}]},
                "comment_ids":["x"]}"#,
        )
        .unwrap();
        assert_eq!(b.plain_text(), "Title");
        assert_eq!(b.block_id.as_deref(), Some("b1"));
    }
}
