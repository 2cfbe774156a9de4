//! Drive folders and files, judged by lark-sim's state: a folder made, a document, a sheet and
//! an upload listed in it, moved, copied, read for metadata, downloaded into the workspace only,
//! deleted; an attachment uploaded for a bitable field and put in a record; bad calls answered
//! with how to fix them.

mod common;

use common::*;
use serde_json::{Value, json};

async fn ok(env: &Env, call: Value) -> Value {
    env.call(call.clone())
        .await
        .unwrap_or_else(|e| panic!("{call} failed: {e}"))
}

#[tokio::test]
async fn folders_hold_move_copy_download_and_delete() {
    let env = env().await;
    let reports = ok(&env, json!({"action": "createFolder", "name": "Reports"})).await;
    let fld = reports["folderToken"].as_str().unwrap().to_owned();
    assert!(reports["url"].as_str().unwrap().ends_with(&fld));
    let archive = ok(
        &env,
        json!({"action": "createFolder", "name": "Archive", "folderToken": fld}),
    )
    .await;
    let arc = archive["folderToken"].as_str().unwrap().to_owned();

    let doc = ok(
        &env,
        json!({"action": "createDocument", "title": "Weekly", "folderToken": fld}),
    )
    .await;
    let doc_id = doc["documentId"].as_str().unwrap().to_owned();
    let src = env.dir.path().join("src");
    std::fs::create_dir(&src).unwrap();
    std::fs::write(src.join("data.csv"), b"a,b\n1,2\n").unwrap();
    let up = ok(
        &env,
        json!({"action": "uploadFile", "path": src.join("data.csv"), "parentToken": fld}),
    )
    .await;
    let file = up["fileToken"].as_str().unwrap().to_owned();

    let listed = ok(
        &env,
        json!({"action": "listDriveFiles", "folderToken": reports["url"]}),
    )
    .await;
    let mut names: Vec<(&str, &str)> = listed["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["name"].as_str().unwrap(), f["type"].as_str().unwrap()))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            ("Archive", "folder"),
            ("Weekly", "docx"),
            ("data.csv", "file")
        ]
    );
    let top = ok(&env, json!({"action": "listDriveFiles"})).await;
    assert_eq!(top["files"][0]["name"], "Reports");

    let meta = ok(
        &env,
        json!({"action": "getFileMeta", "fileToken": doc["url"]}),
    )
    .await;
    assert_eq!(
        (meta["title"].as_str(), meta["type"].as_str()),
        (Some("Weekly"), Some("docx"))
    );
    assert!(meta["url"].as_str().unwrap().ends_with(&doc_id));

    // Moved into Archive, then copied back to the top with its content.
    ok(
        &env,
        json!({"action": "appendDocument", "documentId": doc_id, "content": "kept text"}),
    )
    .await;
    ok(
        &env,
        json!({"action": "moveFile", "fileToken": doc_id, "type": "docx", "folderToken": arc}),
    )
    .await;
    let inside = ok(
        &env,
        json!({"action": "listDriveFiles", "folderToken": arc}),
    )
    .await;
    assert_eq!(inside["files"][0]["token"], doc_id.as_str());
    let copy = ok(&env, json!({"action": "copyFile", "fileToken": doc["url"]})).await;
    let copy_id = copy["token"].as_str().unwrap();
    let copied = env.workspace(|w| w.doc_view(copy_id).unwrap());
    assert_eq!(copied.title, "Weekly copy");
    assert!(copied.markdown.contains("kept text"), "{}", copied.markdown);

    // Downloaded into the workspace under its own name; never outside it, never over a file.
    let got = ok(&env, json!({"action": "downloadFile", "fileToken": file})).await;
    assert_eq!(got["size"], 8);
    let saved = std::path::PathBuf::from(got["path"].as_str().unwrap());
    assert_eq!(std::fs::read(&saved).unwrap(), b"a,b\n1,2\n");
    assert!(saved.starts_with(std::fs::canonicalize(env.dir.path()).unwrap()));
    let err = env
        .call(json!({"action": "downloadFile", "fileToken": file}))
        .await
        .unwrap_err();
    assert!(err.contains("already exists"), "{err}");
    let err = env
        .call(json!({"action": "downloadFile", "fileToken": file, "path": "/etc/openclaw-x.csv"}))
        .await
        .unwrap_err();
    assert!(err.contains("outside the folders"), "{err}");
    let err = env
        .call(json!({"action": "downloadFile", "fileToken": file, "path": "../escape.csv"}))
        .await
        .unwrap_err();
    assert!(err.contains("outside the folders"), "{err}");

    // Deleting the folder takes what it holds.
    ok(
        &env,
        json!({"action": "deleteFile", "fileToken": fld, "type": "folder"}),
    )
    .await;
    env.workspace(|w| {
        assert!(
            w.doc_view(&doc_id).is_none(),
            "the moved document was inside"
        );
        assert!(w.doc_view(copy_id).is_some(), "the copy was at the top");
        assert!(w.drive_files().iter().all(|f| f.file_token != file));
    });

    let err = env
        .call(json!({"action": "deleteFile", "fileToken": "boxcnXXX"}))
        .await
        .unwrap_err();
    assert!(
        err.contains("parameter `type`: is required") && err.contains("A correct call"),
        "{err}"
    );
    let err = env
        .call(json!({"action": "moveFile", "fileToken": copy_id, "type": "docx"}))
        .await
        .unwrap_err();
    assert!(err.contains("folderToken"), "{err}");
    let err = env
        .call(json!({"action": "getFileMeta", "fileToken": "x", "type": "slides"}))
        .await
        .unwrap_err();
    assert!(err.contains("use one of docx, sheet"), "{err}");
}

#[tokio::test]
async fn an_attachment_is_uploaded_for_a_bitable_record() {
    let env = env().await;
    let base = ok(&env, json!({"action": "createBitable", "name": "Files"})).await;
    let app = base["appToken"].as_str().unwrap().to_owned();
    let tables = ok(
        &env,
        json!({"action": "listBitableTables", "appToken": app}),
    )
    .await;
    let table = tables["tables"][0]["tableId"].as_str().unwrap().to_owned();
    ok(&env, json!({"action": "addBitableField", "appToken": app, "tableId": table, "fieldName": "附件", "fieldType": "attachment"})).await;
    std::fs::write(env.dir.path().join("spec.pdf"), b"%PDF-1.4 tiny").unwrap();
    let up = ok(&env, json!({"action": "uploadBitableFile", "appToken": app, "path": env.dir.path().join("spec.pdf")})).await;
    let tok = up["fileToken"].as_str().unwrap().to_owned();
    env.workspace(|w| {
        let m = w.drive_medias();
        let media = m
            .iter()
            .find(|m| m.file_token == tok)
            .expect("the media exists");
        assert_eq!(
            (media.parent_type.as_str(), media.parent_node.as_str()),
            ("bitable_file", app.as_str())
        );
    });
    ok(&env, json!({"action": "createBitableRecord", "appToken": app, "tableId": table, "fields": {"附件": up["fieldValue"]}})).await;
    let records = ok(
        &env,
        json!({"action": "listBitableRecords", "appToken": app, "tableId": table}),
    )
    .await;
    let text = records.to_string();
    assert!(text.contains(&tok), "{text}");

    let err = env
        .call(json!({"action": "uploadBitableFile", "appToken": app, "path": "/etc/passwd"}))
        .await
        .unwrap_err();
    assert!(err.contains("outside the folders"), "{err}");
}
