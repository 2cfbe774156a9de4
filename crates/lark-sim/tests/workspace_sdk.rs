//! Fidelity proof for the workspace APIs: the unmodified official SDKs (Python `lark-oapi`,
//! Node `@larksuiteoapi/node-sdk`) create a document with an image, write and read a sheet,
//! build a bitable and stream into a card against lark-sim; the assertions read the sim's state.

mod common;

use common::Peer;
use serde_json::Value;

const APP_ID: &str = "cli_a1b2c3d4e5f60718";
const SECRET: &str = "secret";

async fn sim() -> lark_sim::Sim {
    let sim = lark_sim::Sim::start("127.0.0.1:0", Default::default())
        .await
        .expect("start sim");
    sim.state()
        .add_app(lark_sim::AppSpec::websocket(APP_ID, SECRET));
    sim
}

/// Checks what a peer reported against the simulator's own state.
fn assert_state(sim: &lark_sim::Sim, out: &Value, who: &str) {
    let app = sim.state().app(APP_ID).expect("app");
    let ws = app.workspace.lock().expect("workspace");
    let s = |k: &str| {
        out[k]
            .as_str()
            .unwrap_or_else(|| panic!("{who}: no {k} in {out}"))
            .to_owned()
    };

    // The document holds the blocks, and the image block the uploaded media.
    let doc = ws.doc_view(&s("document_id")).expect("document exists");
    assert_eq!(doc.title, "SDK report", "{who}");
    assert!(
        doc.markdown.contains("# Summary"),
        "{who}: {}",
        doc.markdown
    );
    assert!(
        doc.markdown.contains("- first point"),
        "{who}: {}",
        doc.markdown
    );
    assert!(
        doc.markdown
            .contains(&format!("![image]({})", s("image_token"))),
        "{who}: {}",
        doc.markdown
    );
    let image = doc
        .blocks
        .iter()
        .find(|b| b.block_id == s("image_block"))
        .expect("image block");
    assert_eq!(image.body["width"], 2, "{who}: the PNG's size is read");
    assert_eq!(
        out["raw_content"],
        "SDK report\nSummary\nHello from the Python SDK\nfirst point\n"
            .replace("Python", if who == "node" { "Node" } else { "Python" })
    );

    // The sheet holds what was written, with JSON types kept.
    let sheet = ws
        .sheet_view(&s("spreadsheet_token"))
        .expect("sheet exists");
    assert_eq!(sheet.sheets[0].sheet_id, s("sheet_id"));
    let want = serde_json::json!([["name", "score", "ok"], ["ann", 95, true]]);
    assert_eq!(serde_json::json!(sheet.sheets[0].values), want, "{who}");
    assert_eq!(
        out["read_values"], want,
        "{who}: read-after-write over the SDK"
    );

    // The bitable has the fields and records; the filter returned only the high score.
    let base = ws.bitable_view(&s("app_token")).expect("bitable exists");
    let table = base
        .tables
        .iter()
        .find(|t| t.table_id == s("table_id"))
        .expect("table");
    let names: Vec<&str> = table
        .fields
        .iter()
        .filter_map(|f| f["field_name"].as_str())
        .collect();
    assert!(
        names.contains(&"评分") && names.contains(&"状态"),
        "{who}: {names:?}"
    );
    let state = table
        .fields
        .iter()
        .find(|f| f["field_name"] == "状态")
        .expect("select field");
    let options: Vec<&str> = state["property"]["options"]
        .as_array()
        .expect("options")
        .iter()
        .filter_map(|o| o["name"].as_str())
        .collect();
    assert_eq!(
        options,
        ["在读", "已读"],
        "{who}: a new select value adds an option"
    );
    let titled: Vec<&Value> = table
        .records
        .iter()
        .filter_map(|r| r.fields.get("文本"))
        .collect();
    assert_eq!(titled.len(), 2, "{who}: two records with a title");
    assert_eq!(out["filtered"], serde_json::json!(["三体"]), "{who}");
    assert_eq!(out["filtered_total"], 1, "{who}");

    // The card got both streamed contents and refused the stale sequence.
    let card = ws.card_view(&s("card_id")).expect("card exists");
    let streamed: Vec<&str> = card.streamed.iter().map(|c| c.content.as_str()).collect();
    assert_eq!(streamed, ["Hel", "Hello"], "{who}");
    assert!(card.streamed[1].typewriter);
    assert_eq!(card.card["body"]["elements"][0]["content"], "Hello");
    assert_eq!(out["stale_code"], 300317, "{who}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_sdk_drives_docs_sheets_bitables_and_cards() {
    let sim = sim().await;
    let mut peer = Peer::python("workspace_sdk.py", &[sim.base_url(), APP_ID, SECRET]);
    let out = peer.json(30).await;
    peer.success(10).await;
    assert_state(&sim, &out, "python");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_sdk_drives_docs_sheets_bitables_and_cards() {
    let sim = sim().await;
    let mut peer = Peer::node("workspace_sdk.cjs", &[sim.base_url(), APP_ID, SECRET]);
    let out = peer.json(30).await;
    peer.success(10).await;
    assert_state(&sim, &out, "node");
}
