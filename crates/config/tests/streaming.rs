//! `streaming`: per account (inherited by named accounts) and per group.

use std::path::Path;

use openclaw_config::Format;

fn parse(text: &str) -> openclaw_config::Config {
    openclaw_config::parse(text, Format::Json5, &|_| None, Path::new("/tmp")).unwrap()
}

#[test]
fn streaming_is_set_per_account_and_per_group() {
    let c = parse(
        r#"{ channels: { lark: { appId: "cli_a", appSecret: "s", streaming: false,
              groups: { oc_1: { streaming: true }, oc_2: {} },
              accounts: { b: { appId: "cli_b", appSecret: "s" }, c: { appId: "cli_c", appSecret: "s", streaming: true } } } } }"#,
    );
    let a = c.lark.account("default").unwrap();
    assert_eq!(a.streaming, Some(false));
    assert_eq!(a.group("oc_1").unwrap().streaming, Some(true));
    assert_eq!(a.group("oc_2").unwrap().streaming, None);
    assert_eq!(c.lark.account("b").unwrap().streaming, Some(false));
    assert_eq!(c.lark.account("c").unwrap().streaming, Some(true));

    let c = parse(r#"{ channels: { lark: { appId: "cli_a", appSecret: "s" } } }"#);
    assert_eq!(c.lark.account("default").unwrap().streaming, None);
    let err = openclaw_config::parse(
        r#"{ channels: { lark: { streaming: "yes" } } }"#,
        Format::Json5,
        &|_| None,
        Path::new("/tmp"),
    )
    .unwrap_err();
    assert!(err.to_string().contains("channels.lark.streaming"), "{err}");
}
