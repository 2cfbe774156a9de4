//! The docx block catalogue: which `block_type` number goes with which body key, which blocks
//! hold text, which may have children, and how an incoming block is checked before it is
//! created. The block bodies themselves are user JSON (text elements, styles) and stay JSON.

use serde_json::{Value, json};

/// `block_type` → body key, for every type the create-children API accepts or the platform
/// creates by itself (page, table cells, the view around a file).
const KEYS: &[(u32, &str)] = &[
    (1, "page"),
    (2, "text"),
    (3, "heading1"),
    (4, "heading2"),
    (5, "heading3"),
    (6, "heading4"),
    (7, "heading5"),
    (8, "heading6"),
    (9, "heading7"),
    (10, "heading8"),
    (11, "heading9"),
    (12, "bullet"),
    (13, "ordered"),
    (14, "code"),
    (15, "quote"),
    (16, "equation"),
    (17, "todo"),
    (18, "bitable"),
    (19, "callout"),
    (20, "chat_card"),
    (21, "diagram"),
    (22, "divider"),
    (23, "file"),
    (24, "grid"),
    (25, "grid_column"),
    (26, "iframe"),
    (27, "image"),
    (28, "isv"),
    (29, "mindnote"),
    (30, "sheet"),
    (31, "table"),
    (32, "table_cell"),
    (33, "view"),
    (34, "quote_container"),
    (35, "task"),
];

pub const PAGE: u32 = 1;
pub const TEXT: u32 = 2;
pub const CALLOUT: u32 = 19;
pub const DIVIDER: u32 = 22;
pub const FILE: u32 = 23;
pub const GRID_COLUMN: u32 = 25;
pub const IMAGE: u32 = 27;
pub const TABLE: u32 = 31;
pub const TABLE_CELL: u32 = 32;
pub const VIEW: u32 = 33;
pub const QUOTE_CONTAINER: u32 = 34;

/// The body key of `block_type`.
pub fn key_of(block_type: u32) -> Option<&'static str> {
    KEYS.iter().find(|(t, _)| *t == block_type).map(|(_, k)| *k)
}

fn type_of_key(key: &str) -> Option<u32> {
    KEYS.iter().find(|(_, k)| *k == key).map(|(t, _)| *t)
}

/// Blocks whose body is a `Text` (`elements` + `style`).
pub fn is_text(block_type: u32) -> bool {
    (1..=17).contains(&block_type)
}

/// Blocks that may be given children through the create-children API.
pub fn accepts_children(block_type: u32) -> bool {
    matches!(
        block_type,
        1..=13 | 15 | 17 | CALLOUT | GRID_COLUMN | TABLE_CELL | QUOTE_CONTAINER
    )
}

/// Types a client may create directly (page, cells and views only come from the platform).
fn creatable(block_type: u32) -> bool {
    !matches!(block_type, PAGE | TABLE_CELL | VIEW | GRID_COLUMN) && key_of(block_type).is_some()
}

/// A checked block to create: its type and body, plus the table size when it is a table.
pub struct NewBlock {
    pub block_type: u32,
    pub body: Value,
    pub table: Option<(usize, usize)>,
}

/// Checks one incoming child block, as the platform does before creating anything.
pub fn check(i: usize, v: &Value) -> Result<NewBlock, String> {
    let obj = v
        .as_object()
        .ok_or_else(|| format!("children[{i}] must be an object"))?;
    let bt = obj
        .get("block_type")
        .and_then(Value::as_u64)
        .ok_or_else(|| format!("children[{i}].block_type is required and must be a number"))?
        as u32;
    let key = key_of(bt)
        .ok_or_else(|| format!("children[{i}].block_type {bt} is not a known block type"))?;
    if !creatable(bt) {
        return Err(format!(
            "children[{i}]: block_type {bt} ({key}) cannot be created directly"
        ));
    }
    for k in obj.keys() {
        if let Some(other) = type_of_key(k)
            && other != bt
        {
            return Err(format!(
                "children[{i}] has block_type {bt} ({key}) but carries a {k:?} body (block_type {other})"
            ));
        }
    }
    let body = match obj.get(key) {
        Some(b) if b.is_object() => b.clone(),
        Some(_) => return Err(format!("children[{i}].{key} must be an object")),
        None if is_text(bt) => {
            return Err(format!(
                "children[{i}] (block_type {bt}) needs a {key:?} body with elements"
            ));
        }
        None => json!({}),
    };
    if is_text(bt) {
        check_text(i, key, &body)?;
    }
    let mut table = None;
    match bt {
        IMAGE | FILE
            if body
                .get("token")
                .and_then(Value::as_str)
                .is_some_and(|t| !t.is_empty()) =>
        {
            return Err(format!(
                "children[{i}].{key}.token cannot be set on creation: create an empty block, upload the media with parent_node=<block_id>, then replace_{key}"
            ));
        }
        TABLE => {
            let p = body.get("property");
            let size = |k: &str| {
                p.and_then(|p| p.get(k))
                    .and_then(Value::as_u64)
                    .unwrap_or(0) as usize
            };
            let (rows, cols) = (size("row_size"), size("column_size"));
            if rows == 0 || cols == 0 {
                return Err(format!(
                    "children[{i}].table.property needs row_size and column_size > 0"
                ));
            }
            if rows * cols > 9 * 9 * 4 {
                return Err(format!(
                    "children[{i}]: table {rows}x{cols} has too many cells"
                ));
            }
            if body.get("cells").is_some() {
                return Err(format!(
                    "children[{i}].table.cells cannot be set on creation; cells are created by the platform"
                ));
            }
            table = Some((rows, cols));
        }
        _ => {}
    }
    Ok(NewBlock {
        block_type: bt,
        body,
        table,
    })
}

/// A text body: `elements` an array of text elements, each with exactly one known kind.
fn check_text(i: usize, key: &str, body: &Value) -> Result<(), String> {
    let elements = body
        .get("elements")
        .and_then(Value::as_array)
        .ok_or_else(|| format!("children[{i}].{key}.elements must be an array"))?;
    for (j, e) in elements.iter().enumerate() {
        let at = format!("children[{i}].{key}.elements[{j}]");
        let o = e
            .as_object()
            .ok_or_else(|| format!("{at} must be an object"))?;
        const KINDS: &[&str] = &[
            "text_run",
            "mention_user",
            "mention_doc",
            "reminder",
            "file",
            "inline_block",
            "equation",
            "undefined_element",
            "link_preview",
        ];
        let kind = o
            .keys()
            .find(|k| KINDS.contains(&k.as_str()))
            .ok_or_else(|| {
                format!("{at} needs one of text_run, mention_user, mention_doc, equation, ...")
            })?;
        if kind == "text_run" && !o["text_run"].get("content").is_some_and(Value::is_string) {
            return Err(format!("{at}.text_run.content must be a string"));
        }
    }
    Ok(())
}

/// The plain text of a text body's elements.
pub fn plain_text(body: &Value) -> String {
    let mut s = String::new();
    for e in body
        .get("elements")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(t) = e.pointer("/text_run/content").and_then(Value::as_str) {
            s.push_str(t);
        } else if let Some(t) = e.pointer("/equation/content").and_then(Value::as_str) {
            s.push_str(t);
        } else if let Some(t) = e.pointer("/mention_user/user_id").and_then(Value::as_str) {
            s.push('@');
            s.push_str(t);
        } else if let Some(t) = e.pointer("/mention_doc/title").and_then(Value::as_str) {
            s.push_str(t);
        }
    }
    s
}

/// A text body holding `content` (empty for the cells' paragraphs).
pub fn text_body(content: &str) -> Value {
    let elements = if content.is_empty() {
        json!([])
    } else {
        json!([{ "text_run": { "content": content, "text_element_style": {} } }])
    };
    json!({ "elements": elements, "style": {} })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_type_must_match_its_body() {
        let ok = check(
            0,
            &json!({"block_type": 2, "text": {"elements": [{"text_run": {"content": "x"}}]}}),
        );
        assert!(ok.is_ok());
        let e = check(0, &json!({"block_type": 3, "text": {"elements": []}}))
            .err()
            .unwrap();
        assert!(e.contains("block_type 3"), "{e}");
        assert!(check(0, &json!({"block_type": 99})).is_err());
        assert!(check(0, &json!({"block_type": 27, "image": {"token": "abc"}})).is_err());
        let t = check(
            0,
            &json!({"block_type": 31, "table": {"property": {"row_size": 2, "column_size": 3}}}),
        )
        .unwrap();
        assert_eq!(t.table, Some((2, 3)));
        assert!(
            check(
                0,
                &json!({"block_type": 12, "bullet": {"elements": [{"text_run": {"content": 5}}]}})
            )
            .is_err()
        );
    }
}
