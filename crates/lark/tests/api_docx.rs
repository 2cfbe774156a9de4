//! Docx against lark-sim: a document written with typed blocks, an image inserted by the
//! four-step flow, blocks read back, updated and deleted; checked on the document users see.

mod api_common;

use api_common::*;
use futures::TryStreamExt;
use lark::api::docx::{Block, BlockChange, DocFile, DocImage, TextElement, UpdateBlock};

/// A 2×3 PNG (signature and IHDR are enough for a size sniffer).
fn png(width: u32, height: u32) -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
    v.extend_from_slice(&width.to_be_bytes());
    v.extend_from_slice(&height.to_be_bytes());
    v.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
    v
}

#[tokio::test]
async fn write_a_document_with_an_image() {
    let (sim, client) = setup().await;
    let doc = client
        .create_document(Some("Weekly report"), None)
        .await
        .unwrap();
    let id = doc.document_id.as_str();
    assert_eq!(
        client.get_document(id).await.unwrap().title,
        "Weekly report"
    );

    let blocks = vec![
        Block::heading(1, vec![TextElement::text("Summary")]),
        Block::text(vec![
            TextElement::text("All "),
            TextElement::text("green").bold(),
            TextElement::text(" — see "),
            TextElement::text("the dashboard").link("https://example.com/d"),
        ]),
        Block::bullet(vec![TextElement::text("latency down")]),
        Block::ordered(vec![TextElement::text("ship it")]),
        Block::code(1, "cargo test"),
        Block::quote(vec![TextElement::text("quoted")]),
        Block::todo(true, vec![TextElement::text("done thing")]),
        Block::divider(),
    ];
    let created = client.create_blocks(id, id, &blocks, None).await.unwrap();
    assert_eq!(created.children.len(), blocks.len());
    assert!(created.children.iter().all(|b| b.block_id.is_some()));

    let image_block = client
        .insert_image(id, DocImage::new(png(2, 3)).size(200, 300))
        .await
        .unwrap();
    let img = client.get_block(id, &image_block).await.unwrap();
    let token = img.image.and_then(|i| i.token).expect("image token set");
    assert!(!token.is_empty());
    // The image went into drive as media of that very block.
    let medias = ws(&sim, |w| w.drive_medias());
    assert!(
        medias.iter().any(|m| m.file_token == token
            && m.parent_type == "docx_image"
            && m.parent_node == image_block),
        "{medias:?}"
    );

    let raw = client.document_raw_content(id).await.unwrap();
    assert!(
        raw.contains("Summary") && raw.contains("All green"),
        "{raw}"
    );
    let listed: Vec<_> = client.list_blocks(id).try_collect().await.unwrap();
    assert_eq!(listed[0].block_type, 1, "the page block comes first");
    assert_eq!(listed.len(), 1 + blocks.len() + 1);

    let view = ws(&sim, |w| w.doc_view(id)).unwrap();
    let md = view.markdown;
    assert!(md.contains("# Summary"), "{md}");
    assert!(
        md.contains("- latency down") && md.contains("- [x] done thing"),
        "{md}"
    );
    assert!(md.contains(&format!("![image]({token})")), "{md}");
    assert!(
        md.trim_end().ends_with(&format!("![image]({token})")),
        "image appended last: {md}"
    );
}

#[tokio::test]
async fn update_text_and_delete_blocks() {
    let (sim, client) = setup().await;
    let doc = client.create_document(Some("d"), None).await.unwrap();
    let id = doc.document_id.as_str();
    let made = client
        .create_blocks(
            id,
            id,
            &[
                Block::text(vec![TextElement::text("one")]),
                Block::text(vec![TextElement::text("two")]),
                Block::text(vec![TextElement::text("three")]),
            ],
            None,
        )
        .await
        .unwrap();
    let second = made.children[1].block_id.clone().unwrap();
    client
        .batch_update_blocks(
            id,
            &[UpdateBlock {
                block_id: second.clone(),
                change: BlockChange::UpdateTextElements {
                    elements: vec![TextElement::text("TWO").italic()],
                },
            }],
        )
        .await
        .unwrap();
    assert_eq!(
        client.get_block(id, &second).await.unwrap().plain_text(),
        "TWO"
    );
    client.delete_blocks(id, id, 0, 1).await.unwrap();
    let raw = client.document_raw_content(id).await.unwrap();
    assert!(
        !raw.contains("one") && raw.contains("TWO") && raw.contains("three"),
        "{raw}"
    );
    assert!(client.delete_blocks(id, id, 2, 2).await.is_err());
    let md = ws(&sim, |w| w.doc_view(id)).unwrap().markdown;
    assert!(md.starts_with("TWO"), "{md}");
}

#[tokio::test]
async fn a_table_gets_its_cells() {
    let (_sim, client) = setup().await;
    let doc = client.create_document(Some("t"), None).await.unwrap();
    let id = doc.document_id.as_str();
    let made = client
        .create_blocks(id, id, &[Block::table(2, 3)], None)
        .await
        .unwrap();
    let table = made.children[0].table.clone().expect("a table block");
    assert_eq!(table.property.row_size, 2);
    let table_id = made.children[0].block_id.clone().unwrap();
    let got = client.get_block(id, &table_id).await.unwrap();
    assert_eq!(got.children.len(), 6, "{got:?}");
}

#[tokio::test]
async fn attach_a_file() {
    let (sim, client) = setup().await;
    let doc = client.create_document(Some("f"), None).await.unwrap();
    let id = doc.document_id.as_str();
    let block_id = client
        .insert_file(
            id,
            DocFile::new(b"a,b\n1,2\n".to_vec()).file_name("data.csv"),
        )
        .await
        .unwrap();
    let block = client.get_block(id, &block_id).await.unwrap();
    assert_eq!(block.block_type, 23);
    let token = block.file.and_then(|f| f.token).expect("file token set");
    let medias = ws(&sim, |w| w.drive_medias());
    assert!(
        medias
            .iter()
            .any(|m| m.file_token == token && m.parent_type == "docx_file" && m.name == "data.csv"),
        "{medias:?}"
    );
    let md = ws(&sim, |w| w.doc_view(id)).unwrap().markdown;
    assert!(md.contains(&format!("({token})")), "{md}");
}
