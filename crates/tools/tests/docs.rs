//! Documents: create, append markdown with every construct and images, read back, the
//! 60,000-character append, the SSRF guard, permissions (including the document's
//! duplicated-`action` call) and the figure for 100 KB with 10 images.

mod common;

use common::*;
use lark::api::docx::block_type as bt;
use openclaw_tools::{ToolSettings, Tools};
use serde_json::{Value, json};

/// Serves `body` as an image on 127.0.0.1; returns its URL.
async fn serve_image(body: &'static [u8]) -> String {
    let app = axum::Router::new().route(
        "/img/photo.png",
        axum::routing::get(move || async move {
            ([(axum::http::header::CONTENT_TYPE, "image/png")], body)
        }),
    );
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(l, app).await;
    });
    format!("http://{addr}/img/photo.png")
}

const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
    0x42, 0x60, 0x82,
];

fn types(v: &lark_sim::workspace::DocView) -> Vec<u32> {
    v.blocks.iter().map(|b| b.block_type).collect()
}

#[tokio::test]
async fn markdown_with_every_construct_and_two_images() {
    let env = env().await;
    let created = env
        .call(json!({"action": "createDocument", "title": "周报"}))
        .await
        .unwrap();
    let doc = created["documentId"].as_str().unwrap().to_owned();
    assert!(
        created["url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/docx/{doc}"))
    );
    let local = env.dir.path().join("local.png");
    std::fs::write(&local, PNG).unwrap();
    let url = serve_image(PNG).await;
    let md = format!(
        "# Title\n\n## Section\n\nPlain **bold** *italic* ~~struck~~ `code` [link](https://example.com/a)\n\n\
         - one\n  - nested\n    - deeper\n- two\n\n1. first\n2. second\n\n- [ ] todo\n- [x] done\n\n\
         ```rust\nfn main() {{}}\n```\n\n> quoted\n\n---\n\n| Name | Score |\n|---|---|\n| Ada | 95 |\n| Bob | 80 |\n\n\
         ![local]({})\n\n![remote]({url})\n\nend\n",
        local.display()
    );
    // Through a link, as a model might pass it.
    let link = format!("https://x.feishu.cn/docx/{doc}");
    let out = env
        .call(json!({"action": "appendDocument", "documentId": link, "content": md}))
        .await
        .unwrap();
    assert_eq!(out["images"], 2, "{out}");
    let view = env.workspace(|w| w.doc_view(&doc)).unwrap();
    assert_eq!(
        types(&view),
        [
            3,
            4,
            2,
            bt::BULLET,
            bt::BULLET,
            bt::ORDERED,
            bt::ORDERED,
            bt::TODO,
            bt::TODO,
            bt::CODE,
            bt::QUOTE,
            bt::DIVIDER,
            bt::TABLE,
            bt::IMAGE,
            bt::IMAGE,
            2
        ]
    );
    assert_eq!(view.blocks[3].children.len(), 1);
    assert_eq!(view.blocks[3].children[0].children.len(), 1);
    assert!(
        view.blocks[13].body["token"]
            .as_str()
            .is_some_and(|t| !t.is_empty()),
        "{:?}",
        view.blocks[13].body
    );
    let md_seen = &view.markdown;
    for needle in [
        "# Title",
        "- one",
        "  - nested",
        "1. first",
        "- [x] done",
        "> quoted",
        "---",
        "| Ada | 95 |",
        "fn main() {}",
    ] {
        assert!(md_seen.contains(needle), "{needle:?} missing in\n{md_seen}");
    }
    let read = env
        .call(json!({"action": "readDocument", "documentId": doc}))
        .await
        .unwrap();
    let text = read["markdown"].as_str().unwrap();
    for needle in [
        "# Title",
        "**bold**",
        "*italic*",
        "~~struck~~",
        "`code`",
        "[link](https://example.com/a)",
        "  - nested",
        "    - deeper",
        "2. second",
        "- [ ] todo",
        "```rust",
        "> quoted",
        "| Name | Score |",
        "| Bob | 80 |",
        "![image](",
    ] {
        assert!(text.contains(needle), "{needle:?} missing in\n{text}");
    }
}

#[tokio::test]
async fn sixty_thousand_characters_in_one_call_and_private_urls_refused() {
    let env = env().await;
    let doc = env
        .call(json!({"action": "createDocument", "title": "long"}))
        .await
        .unwrap();
    let doc = doc["documentId"].as_str().unwrap().to_owned();
    let mut md = String::new();
    let mut i = 0;
    while md.chars().count() < 60_000 {
        i += 1;
        md.push_str(&format!(
            "## Part {i}\n\nParagraph {i}: {}\n\n",
            "lorem ipsum dolor sit amet ".repeat(8)
        ));
    }
    let out = env
        .call(json!({"action": "appendDocument", "documentId": doc, "content": md}))
        .await
        .unwrap();
    assert_eq!(out["ok"], true);
    let view = env.workspace(|w| w.doc_view(&doc)).unwrap();
    assert_eq!(view.blocks.len(), i * 2);
    assert!(view.markdown.contains(&format!("## Part {i}")));

    // The SSRF guard: a loopback URL fails when private URLs are not allowed, and becomes a link.
    let strict = Tools::new(
        env.client.clone(),
        ToolSettings::with_roots(vec![env.dir.path().into()]),
    );
    let url = serve_image(PNG).await;
    let out = strict
        .dispatch(json!({"action": "appendDocument", "documentId": doc, "content": format!("![chart]({url})")}))
        .await
        .result
        .unwrap();
    assert_eq!(out["images"], 0);
    let why = out["imageFailures"][0].as_str().unwrap();
    assert!(why.contains("private") || why.contains("loopback"), "{why}");
    let view = env.workspace(|w| w.doc_view(&doc)).unwrap();
    let last = view.blocks.last().unwrap();
    assert_eq!(last.block_type, 2);
    assert!(last.body.to_string().contains(&url), "{}", last.body);
    // A path outside the roots is not uploaded either.
    let out = strict
        .dispatch(json!({"action": "appendDocument", "documentId": doc, "content": "![x](/etc/hostname)"}))
        .await
        .result
        .unwrap();
    assert_eq!(out["images"], 0, "{out}");
}

#[tokio::test]
async fn permissions_add_list_remove_and_the_duplicated_action_key() {
    let env = env().await;
    let doc = env
        .call(json!({"action": "createDocument", "title": "p"}))
        .await
        .unwrap();
    let doc = doc["documentId"].as_str().unwrap().to_owned();
    // What the document's example becomes after JSON parsing: the last `action` wins.
    let parsed: Value = serde_json::from_str(&format!(
        r#"{{ "action": "manageDocPermission", "docToken": "{doc}", "action": "add", "memberId": "ou_ada", "perm": "view" }}"#
    ))
    .unwrap();
    assert_eq!(parsed["action"], "add");
    let out = env.call(parsed).await.unwrap();
    assert_eq!(out["ok"], true, "{out}");
    let members = env.workspace(|w| w.permission_members(&doc));
    assert!(
        members.iter().any(|m| format!("{m:?}").contains("ou_ada")),
        "{members:?}"
    );
    env.call(json!({"action": "manageDocPermission", "docToken": doc, "permAction": "add", "memberId": "ou_bob", "perm": "edit"}))
        .await
        .unwrap();
    let listed = env
        .call(json!({"action": "manageDocPermission", "docToken": doc, "action": "list"}))
        .await;
    // `{"docToken", "action": "list"}` is the duplicated form too.
    let listed = listed.unwrap();
    assert_eq!(listed["members"].as_array().unwrap().len(), 2, "{listed}");
    env.call(json!({"action": "remove", "docToken": doc, "memberId": "ou_bob"}))
        .await
        .unwrap();
    let members = env.workspace(|w| w.permission_members(&doc));
    assert!(
        !members.iter().any(|m| format!("{m:?}").contains("ou_bob")),
        "{members:?}"
    );
    let err = env
        .call(json!({"action": "manageDocPermission", "docToken": doc, "permAction": "add"}))
        .await
        .unwrap_err();
    assert!(
        err.contains("`memberId`") && err.contains("A correct call"),
        "{err}"
    );
}

/// The figure: API calls to append 100 KB of markdown with 10 images.
#[tokio::test]
async fn figure_calls_for_100_kb_with_10_images() {
    let env = env().await;
    let doc = env
        .call(json!({"action": "createDocument", "title": "big"}))
        .await
        .unwrap();
    let doc = doc["documentId"].as_str().unwrap().to_owned();
    let img = env.dir.path().join("i.png");
    std::fs::write(&img, PNG).unwrap();
    let mut md = String::new();
    let mut n = 0;
    while md.len() < 100_000 {
        n += 1;
        md.push_str(&format!(
            "## Section {n}\n\n{}\n\n- a point\n- another point\n\n",
            "Some text of the report. ".repeat(12)
        ));
        if n % 10 == 0 && md.matches("![").count() < 10 {
            md.push_str(&format!("![figure {n}]({})\n\n", img.display()));
        }
    }
    while md.matches("![").count() < 10 {
        md.push_str(&format!("![figure]({})\n\n", img.display()));
    }
    let before = env.sim.state().calls(APP).len();
    let out = env
        .call(json!({"action": "appendDocument", "documentId": doc, "content": md}))
        .await
        .unwrap();
    assert_eq!(out["images"], 10);
    let calls = env.sim.state().calls(APP);
    let used = &calls[before..];
    let mut by_path: std::collections::BTreeMap<String, usize> = Default::default();
    for c in used {
        let generic = c
            .path
            .split('/')
            .map(|s| if s.len() > 20 { "{id}" } else { s })
            .collect::<Vec<_>>()
            .join("/");
        let generic = format!("{} {generic}", c.method);
        *by_path.entry(generic).or_default() += 1;
    }
    println!(
        "FIGURE: {} bytes of markdown, 10 images: {} API calls: {by_path:#?}",
        md.len(),
        used.len()
    );
    assert!(used.len() < 80, "{} calls", used.len());
}
