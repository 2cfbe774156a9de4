//! The prefix and the chunking rules, one case per rule.

use super::*;

fn extras(limit: Option<u32>, mode: ChunkMode) -> AccountExtras {
    AccountExtras {
        text_chunk_limit: limit,
        chunk_mode: mode,
        ..Default::default()
    }
}

#[test]
fn no_limit_keeps_the_answer_whole() {
    let text = "a".repeat(10_000);
    assert_eq!(chunks(&extras(None, ChunkMode::Length), &text), [text]);
}

#[test]
fn length_cuts_at_the_last_newline_then_space_within_the_limit() {
    let e = extras(Some(20), ChunkMode::Length);
    assert_eq!(
        chunks(&e, "first line here\nsecond line is here"),
        ["first line here", "second line is here"]
    );
    assert_eq!(
        chunks(&e, "one two three four five six seven"),
        ["one two three four", "five six seven"]
    );
    let long = "x".repeat(45);
    let c = chunks(&e, &long);
    assert_eq!(
        c.iter().map(|c| c.chars().count()).collect::<Vec<_>>(),
        [20, 20, 5]
    );
    // Characters, not bytes.
    let wide = "语".repeat(30);
    let c = chunks(&e, &wide);
    assert_eq!(c.len(), 2);
    assert!(c.iter().all(|c| c.chars().count() <= 20), "{c:?}");
}

#[test]
fn newline_keeps_paragraphs_whole_and_packs_them() {
    let e = extras(Some(30), ChunkMode::Newline);
    let text = "Para one.\n\nPara two.\n\nA third paragraph here.";
    assert_eq!(
        chunks(&e, text),
        ["Para one.\n\nPara two.", "A third paragraph here."]
    );
    // A paragraph over the limit is cut by length.
    let text = format!("short\n\n{}", "word ".repeat(10).trim_end());
    let c = chunks(&e, &text);
    assert_eq!(c[0], "short");
    assert!(c[1..].iter().all(|c| c.chars().count() <= 30), "{c:?}");
    // Text under the limit is one message.
    assert_eq!(chunks(&e, "a\n\nb"), ["a\n\nb"]);
}

#[test]
fn a_cut_inside_a_code_fence_closes_and_reopens_it() {
    let e = extras(Some(40), ChunkMode::Length);
    let text = "```rust\nlet a = 1;\nlet b = 2;\nlet c = 3;\nlet d = 4;\n```";
    let c = chunks(&e, text);
    assert!(c.len() >= 2, "{c:?}");
    for chunk in &c {
        assert!(chunk.chars().count() <= 40, "{chunk:?}");
        assert_eq!(chunk.matches("```").count(), 2, "{chunk:?}");
    }
    assert!(c[1].starts_with("```rust\n"), "{c:?}");
}

#[test]
fn the_prefix_fills_its_variables_and_is_off_when_empty() {
    let mut agent = AgentConfig {
        provider: openclaw_config::Provider::OpenAi,
        command: Vec::new(),
        timeout: std::time::Duration::from_secs(1),
        model: Some("qwen3-20260205".into()),
        base_url: None,
        max_tokens: None,
        system_prompt: None,
        max_tool_rounds: None,
        streaming: None,
        api_key: None,
        workspace: None,
        model_ref: Some("local/qwen3-20260205".into()),
        mcp_servers: Vec::new(),
        skills: Default::default(),
    };
    let with = |p: &str| AccountExtras {
        response_prefix: Some(p.into()),
        ..Default::default()
    };
    assert_eq!(
        prefix(&with("[{Model}|{provider}|{modelFull}|{other}]"), &agent).as_deref(),
        Some("[qwen3|local|local/qwen3-20260205|{other}]")
    );
    assert_eq!(prefix(&with(""), &agent), None);
    assert_eq!(prefix(&with("auto"), &agent), None);
    assert_eq!(prefix(&AccountExtras::default(), &agent), None);
    agent.model_ref = None;
    assert_eq!(
        prefix(&with("{modelFull}"), &agent).as_deref(),
        Some("openai/qwen3-20260205")
    );
    assert_eq!(with_prefix(Some("🦞"), "hi"), "🦞 hi");
    assert_eq!(with_prefix(Some("🦞"), "🦞 hi"), "🦞 hi");
    assert_eq!(with_prefix(Some("🦞"), "  "), "  ");
}
