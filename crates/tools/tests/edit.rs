//! `editDocument` in every mode and `deleteDocumentBlocks`, on a document with sections, a
//! table and an image, each judged by the document lark-sim holds afterwards; and the bad
//! calls (unknown mode, `find` not found, no content) answered with how to fix them.

mod common;

use common::*;
use lark::api::docx::block_type as bt;
use serde_json::{Value, json};

const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89,
];

const BODY: &str = "# Plan\n\nIntro text.\n\n## Costs\n\n| Item | Price |\n|---|---|\n| Disk | 40 |\n\nCosts end here.\n\n## Risks\n\nRisk one.\n\n## Later\n\nLater text.";

async fn doc(env: &Env) -> String {
    let d = env
        .call(json!({"action": "createDocument", "title": "Plan"}))
        .await
        .unwrap()["documentId"]
        .as_str()
        .unwrap()
        .to_owned();
    std::fs::write(env.dir.path().join("chart.png"), PNG).unwrap();
    let md = format!(
        "{BODY}\n\n![chart]({})",
        env.dir.path().join("chart.png").display()
    );
    env.call(json!({"action": "appendDocument", "documentId": d, "content": md}))
        .await
        .unwrap();
    d
}

/// The top-level blocks as (type, text); tables as their cells' text.
fn top(env: &Env, d: &str) -> Vec<(u32, String)> {
    fn text(b: &lark_sim::workspace::BlockNode) -> String {
        let mut s: String = b.body["elements"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e["text_run"]["content"].as_str())
            .collect();
        for c in &b.children {
            s.push_str(&text(c));
        }
        s
    }
    env.workspace(|w| {
        let v = w.doc_view(d).unwrap();
        v.blocks.iter().map(|b| (b.block_type, text(b))).collect()
    })
}

fn texts(env: &Env, d: &str) -> Vec<String> {
    top(env, d).into_iter().map(|(_, t)| t).collect()
}

async fn edit(env: &Env, call: Value) -> Value {
    env.call(call.clone())
        .await
        .unwrap_or_else(|e| panic!("{call}: {e}"))
}

#[tokio::test]
async fn every_mode_edits_the_document_in_place() {
    let env = env().await;
    let d = doc(&env).await;
    let before = top(&env, &d);
    assert_eq!(before.last().unwrap().0, bt::IMAGE, "{before:?}");
    assert!(
        before
            .iter()
            .any(|(t, s)| *t == bt::TABLE && s.contains("Disk40"))
    );

    // replace_range on a heading replaces its whole section (heading, table, text).
    let r = edit(&env, json!({"action": "editDocument", "documentId": d, "mode": "replace_range", "find": "Costs", "content": "## Budget\n\n| Item | Price |\n|---|---|\n| CPU | 90 |"})).await;
    assert_eq!(
        (r["blocksDeleted"].as_u64(), r["blocksInserted"].as_u64()),
        (Some(3), Some(2))
    );
    let t = texts(&env, &d);
    assert_eq!(
        &t[..5],
        ["Plan", "Intro text.", "Budget", "ItemPriceCPU90", "Risks"]
    );
    assert!(!t.iter().any(|s| s.contains("Disk")));

    // insert_before / insert_after a single paragraph.
    edit(&env, json!({"action": "editDocument", "documentId": d, "mode": "insert_before", "find": "Risk one.", "content": "- first risk"})).await;
    edit(&env, json!({"action": "editDocument", "documentId": d, "mode": "insert_after", "find": "Risk one.", "content": "```\ncode after\n```"})).await;
    let t = top(&env, &d);
    let i = t.iter().position(|(_, s)| s == "Risk one.").unwrap();
    assert_eq!(t[i - 1], (bt::BULLET, "first risk".into()));
    assert_eq!(t[i + 1], (bt::CODE, "code after".into()));

    // replace_all changes text inside blocks, table cells included.
    let r = edit(&env, json!({"action": "editDocument", "documentId": d, "mode": "replace_all", "find": "CPU", "content": "GPU"})).await;
    assert_eq!(r["blocksChanged"], 1);
    assert!(texts(&env, &d).contains(&"ItemPriceGPU90".to_owned()));

    // delete_range with "start...end" removes from the first match through the second.
    let r = edit(&env, json!({"action": "editDocument", "documentId": d, "mode": "delete_range", "find": "Risks...code after"})).await;
    assert_eq!(r["blocksDeleted"], 4);
    let t = texts(&env, &d);
    assert!(t.iter().all(|s| !s.contains("Risk")), "{t:?}");
    assert_eq!(
        top(&env, &d).last().unwrap().0,
        bt::IMAGE,
        "the image is kept"
    );

    // An image written mid-document lands at its place.
    std::fs::write(env.dir.path().join("b.png"), PNG).unwrap();
    let md = format!(
        "![b]({})\n\nafter image",
        env.dir.path().join("b.png").display()
    );
    edit(&env, json!({"action": "editDocument", "documentId": d, "mode": "insert_after", "find": "Intro", "content": md})).await;
    let t = top(&env, &d);
    let i = t.iter().position(|(_, s)| s == "Intro text.").unwrap();
    assert_eq!(
        (t[i + 1].0, t[i + 2].1.as_str()),
        (bt::IMAGE, "after image")
    );

    // overwrite replaces everything.
    let r = edit(&env, json!({"action": "editDocument", "documentId": d, "mode": "overwrite", "content": "# Fresh\n\nonly this"})).await;
    assert_eq!(r["blocksInserted"], 2);
    assert_eq!(texts(&env, &d), ["Fresh", "only this"]);
}

#[tokio::test]
async fn blocks_are_deleted_by_id_and_bad_edits_say_how_to_fix_them() {
    let env = env().await;
    let d = doc(&env).await;
    let read = env
        .call(json!({"action": "readDocument", "documentId": d}))
        .await
        .unwrap();
    let blocks = read["blocks"].as_array().unwrap();
    let id_of = |text: &str| {
        blocks.iter().find(|b| b["text"] == text).unwrap()["blockId"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let r = env
        .call(json!({"action": "deleteDocumentBlocks", "documentId": d, "blockIds": [id_of("Intro text."), id_of("Risk one.")]}))
        .await
        .unwrap();
    assert_eq!(r["blocksDeleted"], 2);
    let t = texts(&env, &d);
    assert!(!t.contains(&"Intro text.".to_owned()) && !t.contains(&"Risk one.".to_owned()));
    assert!(t.contains(&"Later text.".to_owned()));

    let err = env
        .call(json!({"action": "deleteDocumentBlocks", "documentId": d, "blockIds": ["nope"]}))
        .await
        .unwrap_err();
    assert!(
        err.contains("no block nope") && err.contains("readDocument"),
        "{err}"
    );
    let err = env
        .call(json!({"action": "editDocument", "documentId": d, "mode": "rewrite", "content": "x"}))
        .await
        .unwrap_err();
    assert!(
        err.contains("use one of overwrite, replace_all") && err.contains("A correct call"),
        "{err}"
    );
    let err = env.call(json!({"action": "editDocument", "documentId": d, "mode": "replace_range", "find": "Nowhere", "content": "x"})).await.unwrap_err();
    assert!(err.contains("\"Nowhere\" is not in the document"), "{err}");
    let err = env.call(json!({"action": "editDocument", "documentId": d, "mode": "insert_after", "find": "Later"})).await.unwrap_err();
    assert!(
        err.contains("parameter `content`: is required for mode insert_after"),
        "{err}"
    );
    let err = env
        .call(json!({"action": "editDocument", "documentId": d, "mode": "delete_range"}))
        .await
        .unwrap_err();
    assert!(err.contains("parameter `find`"), "{err}");
    assert_eq!(
        texts(&env, &d).len(),
        top(&env, &d).len(),
        "nothing was lost by the refused calls"
    );
    assert!(texts(&env, &d).contains(&"Later text.".to_owned()));
}
