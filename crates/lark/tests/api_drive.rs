//! Drive, permissions and search against lark-sim: files uploaded in one request and in parts
//! (above 20 MB), downloaded back byte for byte; members granted, listed and revoked; documents
//! found by both search endpoints.

mod api_common;

use api_common::*;
use lark::api::drive::{DriveUpload, Upload};
use lark::api::permissions::{DocType, Perm, PermissionMember};
use lark::api::search::{DocSearch, SearchFilter};

#[tokio::test]
async fn upload_small_and_chunked_then_download() {
    let (sim, client) = setup().await;
    let small = b"quarterly numbers".to_vec();
    let token = client
        .drive_upload(&DriveUpload::file(small.clone(), "fldcnReports").file_name("q.txt"))
        .await
        .unwrap();
    let back = client.drive_download(Upload::File, &token).await.unwrap();
    // No folder: refused before sending, saying what is missing.
    let err = client
        .drive_upload(&DriveUpload::file(small.clone(), ""))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("folder"), "{err}");
    assert_eq!(back.as_ref(), small.as_slice());

    // Above 20 MB: prepare, parts, finish.
    let big: Vec<u8> = (0..21 * 1024 * 1024 + 17)
        .map(|i| (i % 251) as u8)
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("big.bin");
    std::fs::write(&src, &big).unwrap();
    let big_token = client
        .drive_upload(&DriveUpload::file(src, "fldcnReports"))
        .await
        .unwrap();
    let out = dir.path().join("back.bin");
    let n = client
        .drive_download_to_file(Upload::File, &big_token, &out)
        .await
        .unwrap();
    assert_eq!(n as usize, big.len());
    assert!(
        std::fs::read(&out).unwrap() == big,
        "chunks reassembled in order"
    );
    let files = ws(&sim, |w| w.drive_files());
    assert!(
        files
            .iter()
            .any(|f| f.file_token == big_token && f.name == "big.bin")
    );
    let calls = sim.state().calls(APP);
    let parts = calls
        .iter()
        .filter(|c| c.path.ends_with("/drive/v1/files/upload_part"))
        .count();
    assert!(parts >= 2, "{parts} parts");
    // A one-request upload above 20 MB is refused before sending.
    assert!(
        client
            .drive_upload_all(&DriveUpload::file(big.clone(), "fldcnReports"), big.into())
            .await
            .is_err()
    );
}

#[tokio::test]
async fn grant_list_and_revoke_access() {
    let (sim, client) = setup().await;
    let doc = client.create_document(Some("Plan"), None).await.unwrap();
    let id = doc.document_id.as_str();
    let added = client
        .add_permission_member(
            id,
            DocType::Docx,
            &PermissionMember::user("ou_ada", Perm::Edit),
        )
        .await
        .unwrap();
    assert_eq!(added.perm, Perm::Edit);
    client
        .add_permission_member(
            id,
            DocType::Docx,
            &PermissionMember::chat("oc_team", Perm::View),
        )
        .await
        .unwrap();
    let members = client
        .list_permission_members(id, DocType::Docx)
        .await
        .unwrap();
    assert!(
        members
            .iter()
            .any(|m| m.member_id == "ou_ada" && m.perm == Perm::Edit)
    );
    client
        .delete_permission_member(id, DocType::Docx, "openid", "ou_ada")
        .await
        .unwrap();
    let left = ws(&sim, |w| w.permission_members(id));
    assert!(left.iter().all(|m| m.member_id != "ou_ada"), "{left:?}");
    assert!(left.iter().any(|m| m.member_id == "oc_team"));
    // The wrong document type is the platform's error, not a silent success.
    assert!(
        client
            .list_permission_members(id, DocType::Sheet)
            .await
            .is_err()
    );
}

#[tokio::test]
async fn search_finds_documents_both_ways() {
    let (_sim, client) = setup().await;
    let doc = client
        .create_document(Some("Weekly report 42"), None)
        .await
        .unwrap();
    client.create_spreadsheet("Budget", None).await.unwrap();
    let found = client.search_docs(&DocSearch::new("weekly")).await.unwrap();
    assert_eq!(found.res_units.len(), 1);
    assert_eq!(found.res_units[0].result_meta.token, doc.document_id);
    assert!(found.res_units[0].title_highlighted.contains("<h>"));
    let only_sheets = DocSearch {
        doc_filter: SearchFilter {
            doc_types: vec!["SHEET".into()],
            ..SearchFilter::default()
        },
        ..DocSearch::new("weekly")
    };
    assert!(
        client
            .search_docs(&only_sheets)
            .await
            .unwrap()
            .res_units
            .is_empty()
    );
    let legacy = client
        .search_docs_legacy("budget", 10, 0, &["sheet"])
        .await
        .unwrap();
    assert_eq!(legacy.docs_entities.len(), 1);
    assert_eq!(legacy.docs_entities[0].docs_type, "sheet");
}
