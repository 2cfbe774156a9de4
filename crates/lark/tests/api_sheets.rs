//! Sheets against lark-sim: create, inspect, write, read (rendered and raw), append; checked on
//! the spreadsheet's cells.

mod api_common;

use api_common::*;
use lark::api::sheets::ValueRender;
use serde_json::json;

#[tokio::test]
async fn write_read_append() {
    let (sim, client) = setup().await;
    let sheet = client.create_spreadsheet("Scores", None).await.unwrap();
    let token = sheet.spreadsheet_token.as_str();
    assert!(!token.is_empty());
    assert_eq!(client.get_spreadsheet(token).await.unwrap().title, "Scores");
    let tabs = client.query_sheets(token).await.unwrap();
    let tab = tabs[0].sheet_id.clone();

    let written = client
        .write_values(
            token,
            &format!("{tab}!A1:B2"),
            vec![
                vec![json!("name"), json!("score")],
                vec![json!("Ada"), json!(95)],
            ],
        )
        .await
        .unwrap();
    assert_eq!(written.updated_rows, 2);
    assert_eq!(written.updated_cells, 4);

    let appended = client
        .append_values(
            token,
            &format!("{tab}!A1:B1"),
            vec![vec![json!("Bob"), json!(88)]],
        )
        .await
        .unwrap();
    assert_eq!(appended.updates.updated_rows, 1);
    assert!(
        appended.updates.updated_range.contains("A3"),
        "{appended:?}"
    );

    let read = client
        .read_values(
            token,
            &format!("{tab}!A1:B3"),
            ValueRender::UnformattedValue,
        )
        .await
        .unwrap();
    assert_eq!(read.values[2], vec![json!("Bob"), json!(88)]);
    assert_eq!(read.values[1][0], json!("Ada"));

    let view = ws(&sim, |w| w.sheet_view(token)).unwrap();
    assert_eq!(view.sheets[0].values[2][0], json!("Bob"));
    assert!(
        client
            .read_values(token, " ", ValueRender::ToString)
            .await
            .is_err()
    );
}
