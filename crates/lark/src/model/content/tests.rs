//! Exact JSON of every content shape, and the size limits.

use super::*;
use crate::model::content::PostElement as E;

#[test]
fn text_with_mentions_escapes_quotes_once() {
    let c = Content::from(Text::new("hi ").at("ou_1", "Ada").push(" ").at_all());
    assert_eq!(c.msg_type(), "text");
    assert_eq!(
        c.to_json_string(),
        r#"{"text":"hi <at user_id=\"ou_1\">Ada</at> <at user_id=\"all\"></at>"}"#
    );
    assert_eq!(Content::text("a\nb").to_json_string(), r#"{"text":"a\nb"}"#);
}

#[test]
fn post_shape_and_tags() {
    let post = Post::new()
        .zh_cn(
            PostLocale::new("T")
                .paragraph(vec![
                    E::text("a"),
                    E::styled("b", &[TextStyle::Bold, TextStyle::LineThrough]),
                    E::link("l", "https://x.y"),
                    E::at("ou_1", "Ada"),
                    E::at_all(),
                ])
                .paragraph(vec![
                    E::img("img_1"),
                    E::media("file_1", Some("img_2".into())),
                    E::md("**m**"),
                    E::code_block("rust", "fn x() {}"),
                    E::hr(),
                    E::emotion("SMILE"),
                ]),
        )
        .en_us(PostLocale::new("E").paragraph(vec![E::text("e")]));
    let c = Content::from(post);
    assert_eq!(c.msg_type(), "post");
    assert_eq!(
        c.to_json_string(),
        concat!(
            r#"{"zh_cn":{"title":"T","content":[["#,
            r#"{"tag":"text","text":"a"},"#,
            r#"{"tag":"text","text":"b","style":["bold","lineThrough"]},"#,
            r#"{"tag":"a","text":"l","href":"https://x.y"},"#,
            r#"{"tag":"at","user_id":"ou_1","user_name":"Ada"},"#,
            r#"{"tag":"at","user_id":"all"}],["#,
            r#"{"tag":"img","image_key":"img_1"},"#,
            r#"{"tag":"media","file_key":"file_1","image_key":"img_2"},"#,
            r#"{"tag":"md","text":"**m**"},"#,
            r#"{"tag":"code_block","language":"rust","text":"fn x() {}"},"#,
            r#"{"tag":"hr"},"#,
            r#"{"tag":"emotion","emoji_type":"SMILE"}]]},"#,
            r#""en_us":{"title":"E","content":[[{"tag":"text","text":"e"}]]}}"#
        )
    );
    assert_eq!(
        Post::markdown("*hi*").to_json_string(),
        r#"{"zh_cn":{"title":"","content":[[{"tag":"md","text":"*hi*"}]]}}"#
    );
}

#[test]
fn media_and_share_shapes() {
    let cases = [
        (Content::image("img_1"), "image", r#"{"image_key":"img_1"}"#),
        (Content::file("file_1"), "file", r#"{"file_key":"file_1"}"#),
        (
            Content::Audio {
                file_key: "file_a".into(),
            },
            "audio",
            r#"{"file_key":"file_a"}"#,
        ),
        (
            Content::Media {
                file_key: "file_v".into(),
                image_key: None,
            },
            "media",
            r#"{"file_key":"file_v"}"#,
        ),
        (
            Content::Sticker {
                file_key: "file_s".into(),
            },
            "sticker",
            r#"{"file_key":"file_s"}"#,
        ),
        (
            Content::ShareChat {
                chat_id: "oc_1".into(),
            },
            "share_chat",
            r#"{"chat_id":"oc_1"}"#,
        ),
        (
            Content::ShareUser {
                user_id: "ou_1".into(),
            },
            "share_user",
            r#"{"user_id":"ou_1"}"#,
        ),
    ];
    for (c, ty, json) in cases {
        assert_eq!(c.msg_type(), ty);
        assert_eq!(c.to_json_string(), json, "{ty}");
    }
}

#[test]
fn cards_json_and_reference() {
    let v2 =
        serde_json::json!({"schema":"2.0","body":{"elements":[{"tag":"markdown","content":"x"}]}});
    let c = Content::card(v2.clone());
    assert_eq!(c.msg_type(), "interactive");
    let back: serde_json::Value = serde_json::from_str(&c.to_json_string()).unwrap();
    assert_eq!(back, v2);
    assert_eq!(
        Content::from(Card::reference("7355")).to_json_string(),
        r#"{"type":"card","data":{"card_id":"7355"}}"#
    );
    assert!(Card::from_json_str("[1]").is_err());
    assert!(Card::from_json_str("{").is_err());
    assert!(Card::from_json_str(r#"{"elements":[]}"#).is_ok());
}

#[test]
fn size_limits_name_the_limit() {
    assert!(
        Content::text("x".repeat(150 * 1024 - 20))
            .check_size()
            .is_ok()
    );
    let err = Content::text("x".repeat(150 * 1024))
        .check_size()
        .unwrap_err();
    assert!(err.to_string().contains("150 KB"), "{err}");
    let err = Content::from(Post::markdown("y".repeat(30 * 1024)))
        .check_size()
        .unwrap_err();
    assert!(err.to_string().contains("30 KB"), "{err}");
    let card = Content::card(
        serde_json::json!({"elements":[{"tag":"markdown","content":"z".repeat(31*1024)}]}),
    );
    assert!(matches!(card.check_size(), Err(Error::InvalidArgument(_))));
    // Escaping counts: a quote takes 4 bytes once the content string sits in the JSON body.
    assert!(Content::text("\"".repeat(37 * 1024)).check_size().is_ok());
    assert!(Content::text("\"".repeat(38 * 1024)).check_size().is_err());
    assert!(Content::image("img").check_size().is_ok());
}
