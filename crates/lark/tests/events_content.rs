//! Received message content for every type of PROTOCOL §2.4: parsing, agent text, resources.

use lark::model::received::{
    ForwardedMessage, PostElement, ReceivedContent, ResourceKind, render_forwarded,
};
use serde_json::json;

fn parse(t: &str, content: serde_json::Value) -> ReceivedContent {
    ReceivedContent::parse(t, &content.to_string())
}

fn post_body() -> serde_json::Value {
    json!({"title": "Weekly", "content": [
        [{"tag": "text", "text": "bold", "style": ["bold"]}, {"tag": "text", "text": " and "},
         {"tag": "a", "text": "docs", "href": "https://example.com"}],
        [{"tag": "at", "user_id": "ou_bob", "user_name": "Bob"}, {"tag": "at", "user_id": "all"},
         {"tag": "emotion", "emoji_type": "SMILE"}],
        [{"tag": "img", "image_key": "img_1"}, {"tag": "media", "file_key": "file_v", "image_key": "img_cover"}],
        [{"tag": "code_block", "language": "rust", "text": "fn main() {}"}],
        [{"tag": "hr"}],
        [{"tag": "md", "text": "- item"}, {"tag": "future_tag", "text": "kept"}]
    ]})
}

#[test]
fn post_flat_and_locale_wrapped_parse_the_same() {
    let flat = parse("post", post_body());
    let wrapped = parse("post", json!({"zh_cn": post_body()}));
    let en_only = parse("post", json!({"en_us": post_body()}));
    let (ReceivedContent::Post(a), ReceivedContent::Post(b), ReceivedContent::Post(c)) =
        (&flat, &wrapped, &en_only)
    else {
        panic!("{flat:?} {wrapped:?}")
    };
    assert_eq!(a.paragraphs, b.paragraphs);
    assert_eq!(a.paragraphs, c.paragraphs);
    assert_eq!(a.title.as_deref(), Some("Weekly"));
    assert_eq!(b.locale.as_deref(), Some("zh_cn"));
    assert_eq!(c.locale.as_deref(), Some("en_us"));
    assert_eq!(flat.to_agent_text(), wrapped.to_agent_text());
    assert!(matches!(a.paragraphs[5][1], PostElement::Other { .. }));
}

#[test]
fn post_renders_as_markdown_with_links_mentions_and_media_references() {
    let text = parse("post", json!({"zh_cn": post_body()})).to_agent_text();
    let want = "**Weekly**\n\
                **bold** and [docs](https://example.com)\n\
                @Bob@all[SMILE]\n\
                [image img_1][video file_v]\n\
                \n```rust\nfn main() {}\n```\n\n\
                \n---\n\n\
                - itemkept";
    assert_eq!(text, want);
}

#[test]
fn post_resources_list_embedded_images_and_media() {
    let res = parse("post", post_body()).resources();
    let keys: Vec<(&str, ResourceKind)> = res.iter().map(|r| (r.key.as_str(), r.kind)).collect();
    assert_eq!(
        keys,
        [
            ("img_1", ResourceKind::Image),
            ("file_v", ResourceKind::Media)
        ]
    );
    assert_eq!(res[0].kind.download_type(), "image");
    assert_eq!(res[1].kind.download_type(), "file");
}

#[test]
fn media_types_render_as_references_and_list_resources() {
    let image = parse("image", json!({"image_key": "img_v2_abc"}));
    assert_eq!(image.to_agent_text(), "[image img_v2_abc]");
    assert_eq!(image.resources()[0].kind, ResourceKind::Image);

    let file = parse(
        "file",
        json!({"file_key": "file_1", "file_name": "report.pdf"}),
    );
    assert_eq!(file.to_agent_text(), "[file file_1 \"report.pdf\"]");
    assert_eq!(file.resources()[0].file_name.as_deref(), Some("report.pdf"));

    let audio = parse("audio", json!({"file_key": "file_voice", "duration": 3500}));
    let ReceivedContent::Audio { duration_ms, .. } = &audio else {
        panic!()
    };
    assert_eq!(*duration_ms, Some(3500));
    assert_eq!(audio.to_agent_text(), "[audio file_voice 3.5s]");
    assert_eq!(audio.resources()[0].kind, ResourceKind::Audio);
    assert_eq!(audio.resources()[0].kind.download_type(), "file");

    let media = parse(
        "media",
        json!({"file_key": "file_mp4", "image_key": "img_cover", "file_name": "clip.mp4", "duration": 12000}),
    );
    assert_eq!(
        media.to_agent_text(),
        "[video file_mp4 \"clip.mp4\" 12s cover img_cover]"
    );
    assert_eq!(media.resources()[0].kind, ResourceKind::Media);

    let sticker = parse("sticker", json!({"file_key": "file_stk"}));
    assert_eq!(sticker.to_agent_text(), "[sticker file_stk]");
    assert!(
        sticker.resources().is_empty(),
        "stickers cannot be downloaded"
    );
}

#[test]
fn text_share_location_and_system() {
    assert_eq!(
        parse("text", json!({"text": "hi @_user_1"})).to_agent_text(),
        "hi @_user_1"
    );
    assert_eq!(
        parse("share_chat", json!({"chat_id": "oc_x"})).to_agent_text(),
        "[shared chat oc_x]"
    );
    assert_eq!(
        parse("share_user", json!({"user_id": "ou_x"})).to_agent_text(),
        "[shared contact ou_x]"
    );
    assert_eq!(
        parse(
            "location",
            json!({"name": "Office", "latitude": "31.2", "longitude": "121.4"})
        )
        .to_agent_text(),
        "[location Office (31.2, 121.4)]"
    );
    let system = parse(
        "system",
        json!({"template": "{from_user} invited {to_chatters} to the group", "from_user": ["Ann"], "to_chatters": ["Bo", "Cy"]}),
    );
    assert_eq!(
        system.to_agent_text(),
        "[system] Ann invited Bo, Cy to the group"
    );
}

#[test]
fn interactive_new_json_card_and_legacy_forms() {
    let card = json!({"schema": "2.0", "header": {"title": {"tag": "plain_text", "content": "Deploy?"}},
        "body": {"elements": [{"tag": "markdown", "content": "Release **1.2**"},
            {"tag": "button", "text": {"tag": "plain_text", "content": "Approve"}, "value": {"secret": "x"}}]}});
    let new = parse(
        "interactive",
        json!({"json_card": card.to_string(), "json_attachment": "{}", "card_schema": 2}),
    );
    assert_eq!(
        new.to_agent_text(),
        "[card] Deploy?\nRelease **1.2**\nApprove"
    );

    let legacy = parse(
        "interactive",
        json!({"title": "Old card", "elements": [[{"tag": "text", "text": "line one"}, {"tag": "a", "text": " link", "href": "https://x"}], [{"tag": "button", "text": "OK"}]]}),
    );
    assert_eq!(legacy.to_agent_text(), "[card] Old card\nline one link\nOK");

    let legacy_v1 = parse(
        "interactive",
        json!({"header": {"title": {"tag": "plain_text", "content": "V1"}}, "elements": [{"tag": "div", "text": {"tag": "lark_md", "content": "body"}}]}),
    );
    assert_eq!(legacy_v1.to_agent_text(), "[card] V1\nbody");
}

#[test]
fn unknown_and_malformed_content_falls_back_to_other() {
    for (t, raw) in [
        ("todo", r#"{"task_id":"1","summary":{"title":"x"}}"#),
        ("text", "not json"),
        ("image", r#"{"no_key":1}"#),
        ("post", r#"[1,2]"#),
        ("interactive", r#"{"json_card":"{broken"}"#),
    ] {
        let c = ReceivedContent::parse(t, raw);
        assert_eq!(
            c,
            ReceivedContent::Other {
                msg_type: t.into(),
                raw: raw.into()
            },
            "{t}"
        );
        assert!(c.resources().is_empty());
    }
    assert_eq!(
        ReceivedContent::parse("vote", r#"{"topic":"lunch"}"#).to_agent_text(),
        "[vote message]"
    );
}

#[test]
fn merge_forward_is_marked_and_expands_from_fetched_items() {
    let c = ReceivedContent::parse(
        "merge_forward",
        r#"{"content":"Merged and Forwarded Message"}"#,
    );
    assert!(matches!(c, ReceivedContent::MergeForward { .. }));
    assert_eq!(c.to_agent_text(), "[merged and forwarded messages]");

    let item = |id: &str, up: Option<&str>, t: &str, ms: u64, sender: &str, content: &str| {
        ForwardedMessage {
            message_id: id.into(),
            upper_message_id: up.map(Into::into),
            msg_type: t.into(),
            create_time_ms: Some(ms),
            sender: sender.into(),
            content: content.into(),
        }
    };
    let items = vec![
        item(
            "om_root",
            None,
            "merge_forward",
            0,
            "ou_me",
            r#"{"text":"Merged and Forwarded Message"}"#,
        ),
        item(
            "om_b",
            Some("om_root"),
            "image",
            1_732_233_660_000,
            "Bob",
            r#"{"image_key":"img_9"}"#,
        ),
        item(
            "om_a",
            Some("om_root"),
            "text",
            1_732_233_600_000,
            "Ann",
            r#"{"text":"first\nsecond"}"#,
        ),
        item(
            "om_n",
            Some("om_root"),
            "merge_forward",
            1_732_233_700_000,
            "Cy",
            "{}",
        ),
        item(
            "om_n1",
            Some("om_n"),
            "text",
            1_732_233_500_000,
            "Dee",
            r#"{"text":"nested"}"#,
        ),
    ];
    let out = render_forwarded("om_root", &items);
    let want = "<forwarded_messages>\n\
[2024-11-22 00:00:00 UTC] Ann:\n    first\n    second\n\
[2024-11-22 00:01:00 UTC] Bob:\n    [image img_9]\n\
[2024-11-22 00:01:40 UTC] Cy:\n    <forwarded_messages>\n    [2024-11-21 23:58:20 UTC] Dee:\n        nested\n    </forwarded_messages>\n\
</forwarded_messages>";
    assert_eq!(out, want);
    assert_eq!(render_forwarded("om_x", &[]), "<forwarded_messages/>");
}
