//! Read-only views of the workspace for tests and the `/_sim` control API: a document as a
//! block tree plus a markdown-ish rendering, a spreadsheet's cells, a bitable's tables with
//! fields and records, a card's JSON and streamed history.

use serde::Serialize;
use serde_json::Value;

use super::docx_blocks as blocks;
use super::{Document, StreamedContent, Workspace};

/// A block and its descendants.
#[derive(Debug, Clone, Serialize)]
pub struct BlockNode {
    pub block_id: String,
    pub block_type: u32,
    pub body: Value,
    pub children: Vec<BlockNode>,
}

/// A document as tests read it.
#[derive(Debug, Clone, Serialize)]
pub struct DocView {
    pub document_id: String,
    pub title: String,
    pub revision_id: i64,
    /// The page's children (the page block itself is the document).
    pub blocks: Vec<BlockNode>,
    pub markdown: String,
    pub raw_content: String,
}

/// One sheet's cells, rows of columns from `A1` to the last used cell.
#[derive(Debug, Clone, Serialize)]
pub struct SheetTabView {
    pub sheet_id: String,
    pub title: String,
    pub row_count: usize,
    pub column_count: usize,
    pub values: Vec<Vec<Value>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SheetView {
    pub spreadsheet_token: String,
    pub title: String,
    pub revision: i64,
    pub sheets: Vec<SheetTabView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RecordView {
    pub record_id: String,
    pub fields: serde_json::Map<String, Value>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TableView {
    pub table_id: String,
    pub name: String,
    pub fields: Vec<Value>,
    pub records: Vec<RecordView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BitableView {
    pub app_token: String,
    pub name: String,
    pub tables: Vec<TableView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CardView {
    pub card_id: String,
    /// The current card JSON.
    pub card: Value,
    pub sequence: i64,
    pub sent: bool,
    pub streamed: Vec<StreamedContent>,
    /// (sequence, operation) of every accepted update.
    pub operations: Vec<(i64, String)>,
}

fn node(d: &Document, id: &str, depth: usize) -> Option<BlockNode> {
    let b = d.blocks.get(id)?;
    let children = if depth > 32 {
        Vec::new()
    } else {
        b.children
            .iter()
            .filter_map(|c| node(d, c, depth + 1))
            .collect()
    };
    Some(BlockNode {
        block_id: b.block_id.clone(),
        block_type: b.block_type,
        body: b.body.clone(),
        children,
    })
}

/// Renders blocks as markdown, indenting nested list items.
fn markdown(d: &Document, ids: &[String], indent: usize, out: &mut Vec<String>) {
    let pad = "  ".repeat(indent);
    for id in ids {
        let Some(b) = d.blocks.get(id) else { continue };
        let text = b.text();
        let line = match b.block_type {
            2 => text,
            t @ 3..=11 => format!("{} {text}", "#".repeat((t - 2) as usize)),
            12 => format!("- {text}"),
            13 => format!("1. {text}"),
            14 => format!("```\n{text}\n```"),
            15 => format!("> {text}"),
            16 => format!("$${text}$$"),
            17 => {
                let done = b.body.pointer("/style/done").and_then(Value::as_bool) == Some(true);
                format!("- [{}] {text}", if done { "x" } else { " " })
            }
            blocks::DIVIDER => "---".into(),
            blocks::IMAGE => format!(
                "![image]({})",
                b.body.get("token").and_then(Value::as_str).unwrap_or("")
            ),
            blocks::FILE => format!(
                "[{}]({})",
                b.body.get("name").and_then(Value::as_str).unwrap_or("file"),
                b.body.get("token").and_then(Value::as_str).unwrap_or("")
            ),
            blocks::TABLE => {
                let cols = b
                    .body
                    .pointer("/property/column_size")
                    .and_then(Value::as_u64)
                    .unwrap_or(1)
                    .max(1) as usize;
                let cells: Vec<String> = b
                    .children
                    .iter()
                    .map(|c| {
                        let mut parts = Vec::new();
                        if let Some(cell) = d.blocks.get(c) {
                            markdown(d, &cell.children, 0, &mut parts);
                        }
                        parts.join(" ")
                    })
                    .collect();
                let rows: Vec<String> = cells
                    .chunks(cols)
                    .map(|r| format!("| {} |", r.join(" | ")))
                    .collect();
                rows.join("\n")
            }
            _ => {
                // Containers (callout, quote container, view) show their children.
                markdown(d, &b.children, indent, out);
                continue;
            }
        };
        for l in line.lines() {
            out.push(format!("{pad}{l}"));
        }
        if b.block_type != blocks::TABLE && !b.children.is_empty() {
            markdown(d, &b.children, indent + 1, out);
        }
    }
}

impl Workspace {
    /// Ids of every document, oldest first.
    pub fn document_ids(&self) -> Vec<String> {
        let mut v: Vec<&Document> = self.docs.values().collect();
        v.sort_by_key(|d| d.created_ms);
        v.into_iter().map(|d| d.document_id.clone()).collect()
    }

    /// A document's title, block tree and markdown rendering.
    pub fn doc_view(&self, document_id: &str) -> Option<DocView> {
        let d = self.docs.get(document_id)?;
        let root = d.root()?;
        let mut md = Vec::new();
        markdown(d, &root.children, 0, &mut md);
        Some(DocView {
            document_id: d.document_id.clone(),
            title: d.title.clone(),
            revision_id: d.revision_id,
            blocks: root.children.iter().filter_map(|c| node(d, c, 0)).collect(),
            markdown: md.join("\n"),
            raw_content: d.raw_content(),
        })
    }

    /// Every sheet of a spreadsheet with its cells.
    pub fn sheet_view(&self, token: &str) -> Option<SheetView> {
        let s = self.sheets.get(token)?;
        Some(SheetView {
            spreadsheet_token: s.token.clone(),
            title: s.title.clone(),
            revision: s.revision,
            sheets: s
                .sheets
                .iter()
                .map(|sh| SheetTabView {
                    sheet_id: sh.sheet_id.clone(),
                    title: sh.title.clone(),
                    row_count: sh.row_count,
                    column_count: sh.column_count,
                    values: sh
                        .used_extent()
                        .map(|(r, c)| sh.values(0, 0, r, c))
                        .unwrap_or_default(),
                })
                .collect(),
        })
    }

    /// Every table of a bitable app with its fields and records (values by field name).
    pub fn bitable_view(&self, app_token: &str) -> Option<BitableView> {
        let a = self.bitables.get(app_token)?;
        Some(BitableView {
            app_token: a.app_token.clone(),
            name: a.name.clone(),
            tables: a
                .tables
                .iter()
                .map(|t| TableView {
                    table_id: t.table_id.clone(),
                    name: t.name.clone(),
                    fields: t.fields.iter().map(|f| f.to_json()).collect(),
                    records: self
                        .bitable_records(app_token, &t.table_id)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|(record_id, fields)| RecordView { record_id, fields })
                        .collect(),
                })
                .collect(),
        })
    }

    /// A card's current JSON and everything streamed into it.
    pub fn card_view(&self, card_id: &str) -> Option<CardView> {
        let c = self.cards.get(card_id)?;
        Some(CardView {
            card_id: c.card_id.clone(),
            card: c.json.clone(),
            sequence: c.sequence,
            sent: c.sent,
            streamed: c.streamed.clone(),
            operations: c.operations.clone(),
        })
    }

    /// Files uploaded to drive folders, oldest first.
    pub fn drive_files(&self) -> Vec<super::DriveFile> {
        let mut v: Vec<_> = self.files.values().cloned().collect();
        v.sort_by_key(|f| f.created_ms);
        v
    }

    /// Media uploaded into documents, sheets and bitables, oldest first.
    pub fn drive_medias(&self) -> Vec<super::Media> {
        let mut v: Vec<_> = self.medias.values().cloned().collect();
        v.sort_by_key(|m| m.created_ms);
        v
    }
}
