//! What each mode sends for small answers: the message type and the markdown a user sees.

use lark::model::content::{Card, Content, PostElement};

use super::*;

/// The text a part shows, with its message type.
pub(crate) fn shown(c: &Content) -> (&'static str, String) {
    let text = match c {
        Content::Text(t) => t.as_str().to_owned(),
        Content::Post(p) => {
            let locale = p.zh_cn.as_ref().expect("zh_cn");
            assert_eq!(locale.content.len(), 1, "one paragraph");
            match &locale.content[0][..] {
                [PostElement::Md { text }] => text.clone(),
                other => panic!("not a single md element: {other:?}"),
            }
        }
        Content::Interactive(Card::Json(v)) => {
            assert_eq!(v["schema"], "2.0");
            let els = v["body"]["elements"].as_array().expect("elements");
            assert_eq!(els.len(), 1);
            assert_eq!(els[0]["tag"], "markdown");
            els[0]["content"].as_str().unwrap().to_owned()
        }
        other => panic!("unexpected {other:?}"),
    };
    (c.msg_type(), text)
}

fn plan(md: &str, mode: RenderMode) -> Vec<(&'static str, String)> {
    let opts = PlanOptions {
        mode,
        ..PlanOptions::default()
    };
    plan_reply(md, &opts).iter().map(shown).collect()
}

#[test]
fn plain_text_goes_as_text_with_mentions_as_written() {
    let md = "Done, <at user_id=\"ou_1\">Ada</at>.\nSee you at 3pm.\n\n第二段 https://example.com";
    assert_eq!(plan(md, RenderMode::Auto), [("text", md.to_owned())]);
}

#[test]
fn markdown_goes_as_one_post_md_element() {
    let md = "## Result\n\n- **fast**\n- `cheap`\n\nSee [docs](https://example.com).";
    let parts = plan_reply(md, &PlanOptions::default());
    let sent: serde_json::Value = serde_json::from_str(&parts[0].to_json_string()).unwrap();
    assert_eq!(
        sent,
        serde_json::json!({"zh_cn": {"title": "", "content": [[{"tag": "md", "text": md}]]}})
    );
    assert_eq!(parts.len(), 1);
}

#[test]
fn tables_go_as_cards_with_at_most_three_each() {
    let table = |i: usize| format!("| k | v{i} |\n|---|---|\n| a | {i} |");
    let md: Vec<String> = (0..7)
        .map(|i| format!("Table {i}, <at user_id=\"ou_1\">Ada</at>:\n\n{}", table(i)))
        .collect();
    let parts = plan(&md.join("\n\n"), RenderMode::Auto);
    assert_eq!(parts.len(), 3);
    for (i, (kind, text)) in parts.iter().enumerate() {
        assert_eq!(*kind, "interactive");
        let want = (0..7).skip(3 * i).take(3);
        let tables: Vec<usize> = (0..7).filter(|t| text.contains(&table(*t))).collect();
        assert_eq!(tables, want.collect::<Vec<_>>(), "{text}");
        // Card markdown mentions by `<at id=...>`.
        assert!(
            text.contains("<at id=ou_1></at>") && !text.contains("user_id"),
            "{text}"
        );
    }
}

#[test]
fn forced_modes_keep_their_kind() {
    let md = "# T\n\n| a |\n|---|\n| 1 |";
    assert_eq!(plan(md, RenderMode::Text), [("text", md.to_owned())]);
    assert_eq!(
        plan(md, RenderMode::Post),
        [("post", "# T\n\n```\n| a |\n|---|\n| 1 |\n```".to_owned())]
    );
    assert_eq!(
        plan("hi", RenderMode::Card),
        [("interactive", "hi".to_owned())]
    );
    assert_eq!(
        plan("*hi*", RenderMode::Post),
        [("post", "*hi*".to_owned())]
    );
}

#[test]
fn a_blank_answer_sends_nothing() {
    assert!(plan_reply(" \n\n", &PlanOptions::default()).is_empty());
}

#[test]
fn markdown_post_fences_tables_and_keeps_the_rest() {
    let post = markdown_post("**x**\n\n| a | b |\n|---|---|\n| 1 | 2 |\n");
    assert_eq!(
        post,
        Post::markdown("**x**\n\n```\n| a | b |\n|---|---|\n| 1 | 2 |\n```")
    );
}

#[test]
fn a_big_code_block_is_split_into_closed_blocks_with_its_language() {
    let code: String = (0..3000)
        .map(|i| format!("    println!(\"line {i}\");\n"))
        .collect();
    let md = format!("Here:\n\n```rust\n{code}```\n\nDone.");
    let parts = plan(&md, RenderMode::Auto);
    assert!(parts.len() >= 3, "{}", parts.len());
    let mut body = String::new();
    for (i, (kind, text)) in parts.iter().enumerate() {
        assert_eq!(*kind, "post");
        let inner = text
            .trim_start_matches("Here:\n\n")
            .trim_end_matches("\n\nDone.");
        assert!(
            inner.starts_with("```rust\n") && inner.ends_with("\n```"),
            "part {i}: {}...{}",
            &inner[..40],
            &inner[inner.len() - 40..]
        );
        body.push_str(&inner["```rust\n".len()..inner.len() - 3]);
    }
    assert_eq!(body, code);
    assert!(parts[0].1.starts_with("Here:") && parts.last().unwrap().1.ends_with("Done."));
}
