//! Spreadsheets, bitables (fields, records, value formats) and drive against lark-sim.

mod common;

use common::*;
use serde_json::json;

#[tokio::test]
async fn spreadsheets_create_write_read_by_name_id_link_or_nothing() {
    let env = env().await;
    let s = env
        .call(json!({"action": "createSpreadsheet", "title": "表格名"}))
        .await
        .unwrap();
    let token = s["spreadsheetToken"].as_str().unwrap().to_owned();
    let sheet = s["sheetId"].as_str().unwrap().to_owned();
    assert!(!sheet.is_empty() && s["url"].as_str().unwrap().contains(&token));
    env.call(json!({"action": "writeSpreadsheet", "spreadsheetToken": token, "sheetId": "Sheet1", "range": "A1", "values": [["姓名","分数"],["张三",95]]}))
        .await
        .unwrap();
    let cells = env.workspace(|w| w.sheet_values(&token, &sheet)).unwrap();
    assert_eq!(
        cells,
        vec![
            vec![json!("姓名"), json!("分数")],
            vec![json!("张三"), json!(95)]
        ]
    );
    let by_name = env
        .call(json!({"action": "readSpreadsheet", "spreadsheetToken": token, "sheetId": "Sheet1", "range": "A1:B2"}))
        .await
        .unwrap();
    assert_eq!(by_name["values"][1][0], "张三", "{by_name}");
    let link = format!("https://x.feishu.cn/sheets/{token}?sheet={sheet}");
    let by_link = env
        .call(json!({"action": "readSpreadsheet", "spreadsheetToken": link}))
        .await
        .unwrap();
    assert_eq!(by_link["values"][0][1], "分数", "{by_link}");
    let err = env
        .call(json!({"action": "readSpreadsheet", "spreadsheetToken": token, "sheetId": "Nope"}))
        .await
        .unwrap_err();
    assert!(err.contains("`sheetId`") && err.contains(&sheet), "{err}");
}

#[tokio::test]
async fn bitable_fields_records_and_value_formats() {
    let env = env().await;
    let b = env
        .call(json!({"action": "createBitable", "name": "书单"}))
        .await
        .unwrap();
    let app = b["appToken"].as_str().unwrap().to_owned();
    assert!(b["url"].as_str().unwrap().contains(&app) && b["name"] == "书单");
    let view = env.workspace(|w| w.bitable_view(&app)).unwrap();
    assert_eq!(
        view.tables[0].records.len(),
        0,
        "default empty records removed"
    );
    assert_eq!(
        view.tables[0].fields.len(),
        1,
        "only the primary field stays"
    );
    let tables = env
        .call(json!({"action": "listBitableTables", "appToken": format!("https://x.feishu.cn/base/{app}")}))
        .await
        .unwrap();
    let table = tables["tables"][0]["tableId"].as_str().unwrap().to_owned();
    let primary = tables["tables"][0]["fields"][0]["fieldId"]
        .as_str()
        .unwrap()
        .to_owned();
    let base = json!({"appToken": app, "tableId": table});
    let call = |action: &str, extra: serde_json::Value| {
        let mut v = base.clone();
        v["action"] = json!(action);
        for (k, x) in extra.as_object().unwrap() {
            v[k] = x.clone();
        }
        v
    };
    for (name, ty) in [
        ("书名", json!("text")),
        ("评分", json!(2)),
        ("日期", json!("date")),
        ("读者", json!("person")),
        ("主页", json!("url")),
        ("完成", json!("checkbox")),
    ] {
        env.call(call(
            "addBitableField",
            json!({"fieldName": name, "fieldType": ty}),
        ))
        .await
        .unwrap();
    }
    let sel = env
        .call(call("addBitableField", json!({"fieldName": "状态", "fieldType": "select", "options": ["待读", {"name": "在读", "color": 2}]})))
        .await
        .unwrap();
    let sel_id = sel["field"]["fieldId"].as_str().unwrap().to_owned();
    env.call(call(
        "addBitableField",
        json!({"fieldName": "标签", "fieldType": "multi_select", "options": ["科幻"]}),
    ))
    .await
    .unwrap();
    let up = env
        .call(call(
            "updateBitableField",
            json!({"fieldId": sel_id, "addOptions": ["已读", "待读"]}),
        ))
        .await
        .unwrap();
    assert_eq!(
        up["field"]["options"],
        json!(["待读", "在读", "已读"]),
        "{up}"
    );
    env.call(call(
        "updateBitableField",
        json!({"fieldId": sel_id, "fieldName": "阅读状态"}),
    ))
    .await
    .unwrap();
    let err = env
        .call(call("deleteBitableField", json!({"fieldId": primary})))
        .await
        .unwrap_err();
    assert!(err.contains("primary"), "{err}");

    let rec = env
        .call(call("createBitableRecord", json!({"fields": {
            "书名": "三体", "评分": 9.5, "日期": 1735084800000i64, "读者": [{"id": "ou_ada"}],
            "主页": "https://example.com", "完成": true, "阅读状态": "在读", "标签": ["科幻", "文学"]}})))
        .await
        .unwrap();
    let rid = rec["record"]["recordId"].as_str().unwrap().to_owned();
    let err = env
        .call(call(
            "createBitableRecord",
            json!({"fields": {"书名": "球状闪电", "读者": "ou_ada"}}),
        ))
        .await
        .unwrap_err();
    assert!(
        err.contains("fields.读者") && err.contains("[{\\\"id\\\": \\\"ou_xxx\\\"}]")
            || err.contains("[{\"id\": \"ou_xxx\"}]"),
        "{err}"
    );
    env.call(call(
        "createBitableRecord",
        json!({"fields": {"书名": "球状闪电", "评分": 7}}),
    ))
    .await
    .unwrap();
    let high = env
        .call(call(
            "listBitableRecords",
            json!({"filter": "CurrentValue.[评分] > 8"}),
        ))
        .await
        .unwrap();
    assert_eq!(high["total"], 1, "{high}");
    env.call(call(
        "updateBitableRecord",
        json!({"recordId": rid, "fields": {"评分": 10}}),
    ))
    .await
    .unwrap();
    let view = env.workspace(|w| w.bitable_view(&app)).unwrap();
    let t = &view.tables[0];
    let r = t.records.iter().find(|r| r.record_id == rid).unwrap();
    assert_eq!(r.fields["评分"], json!(10));
    assert_eq!(r.fields["读者"][0]["id"], "ou_ada", "{:?}", r.fields);
    env.call(call("deleteBitableRecord", json!({"recordId": rid})))
        .await
        .unwrap();
    let view = env.workspace(|w| w.bitable_view(&app)).unwrap();
    assert_eq!(view.tables[0].records.len(), 1);
    let names: Vec<String> = view.tables[0]
        .fields
        .iter()
        .map(|f| f["field_name"].as_str().unwrap_or("").to_owned())
        .collect();
    assert!(names.contains(&"阅读状态".to_owned()), "{names:?}");
}

#[tokio::test]
async fn drive_upload_and_search() {
    let env = env().await;
    let pdf = env.dir.path().join("周报.pdf");
    std::fs::write(&pdf, b"%PDF-1.4 weekly").unwrap();
    let up = env
        .call(json!({"action": "uploadFile", "path": pdf, "parentToken": "https://x.feishu.cn/drive/folder/fldcnROOT"}))
        .await
        .unwrap();
    let token = up["fileToken"].as_str().unwrap().to_owned();
    let files = env.workspace(|w| w.drive_files());
    let f = files.iter().find(|f| f.file_token == token).unwrap();
    assert_eq!(
        (f.name.as_str(), f.parent_node.as_str(), f.size),
        ("周报.pdf", "fldcnROOT", 15)
    );
    let found = env
        .call(json!({"action": "searchDrive", "query": "周报"}))
        .await
        .unwrap();
    assert!(
        found["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["token"] == token.as_str()),
        "{found}"
    );
    let err = env
        .call(json!({"action": "uploadFile", "path": pdf}))
        .await
        .unwrap_err();
    assert!(err.contains("`parentToken`"), "{err}");
}
