//! Long answers against the platform limits: every part under its limit, in order, nothing lost,
//! and never more messages than allowed.

use lark::model::content::{Card, Content, POST_CARD_LIMIT, PostElement, TEXT_LIMIT};
use openclaw_format::outbound::encoded_size;
use openclaw_format::{PlanOptions, RenderMode, plan_reply};

/// The markdown a part shows.
fn shown(c: &Content) -> String {
    match c {
        Content::Text(t) => t.as_str().to_owned(),
        Content::Post(p) => match &p.zh_cn.as_ref().unwrap().content[..] {
            [para] => match &para[..] {
                [PostElement::Md { text }] => text.clone(),
                other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        },
        Content::Interactive(Card::Json(v)) => v["body"]["elements"][0]["content"]
            .as_str()
            .unwrap()
            .to_owned(),
        other => panic!("{other:?}"),
    }
}

/// The text with whitespace and code-fence lines taken out: what must survive any split.
fn essence(md: &str) -> String {
    md.lines()
        .filter(|l| !l.trim_start().starts_with("```"))
        .flat_map(|l| l.chars().filter(|c| !c.is_whitespace()))
        .collect()
}

/// The two texts agree, or the first place they differ is shown (not megabytes of both).
fn assert_same(got: &str, want: &str, what: &str) {
    if got != want {
        let at = got
            .char_indices()
            .zip(want.chars())
            .find(|((_, a), b)| a != b)
            .map_or(got.len().min(want.len()), |((i, _), _)| i);
        let window = |s: &str| {
            s.get(at.saturating_sub(60)..(at + 60).min(s.len()))
                .map(str::to_owned)
        };
        panic!(
            "{what}: differ at byte {at} (lengths {} vs {}): {:?} vs {:?}",
            got.len(),
            want.len(),
            window(got),
            window(want)
        );
    }
}

/// Every part passes the platform's size check with a margin.
fn assert_within_limits(parts: &[Content]) {
    for (i, p) in parts.iter().enumerate() {
        p.check_size().unwrap();
        let limit = match p {
            Content::Text(_) => TEXT_LIMIT,
            _ => POST_CARD_LIMIT,
        };
        assert!(
            encoded_size(p) <= limit - 1024,
            "part {i}: {}",
            encoded_size(p)
        );
    }
}

fn table(i: usize) -> String {
    let rows: String = (0..5)
        .map(|r| format!("| {i}-{r} | 值 \"{r}\" | `x` |\n"))
        .collect();
    format!("| 名称 | 值 | code |\n|---|---|---|\n{rows}")
}

/// About 70 KB of markdown: headings, CJK paragraphs, a code block bigger than a card, five
/// tables, and one line longer than a card.
fn long_answer() -> String {
    let mut md = String::from("# 报告 Report\n\n");
    for i in 0..20 {
        md.push_str(&format!(
            "第{i}段：这是一个很长的中文段落，包含 **粗体**、*斜体* 和 [链接](https://example.com/{i})。\
             The quick brown fox \"quotes\" and back\\slashes.\n\n"
        ));
    }
    md.push_str("```rust\n");
    for i in 0..700 {
        md.push_str(&format!(
            "    let s{i} = \"第{i}行 line {i}\"; // comment\n"
        ));
    }
    md.push_str("```\n\n");
    for i in 0..5 {
        md.push_str(&format!("## 表 {i}\n\n{}\n", table(i)));
    }
    md.push_str(&"长".repeat(12_000));
    md.push_str("\n\n最后一段 the end.\n");
    md
}

#[test]
fn a_long_answer_fits_every_part_in_order_with_nothing_lost() {
    let md = long_answer();
    assert!(md.len() > 40 * 1024);
    let parts = plan_reply(&md, &PlanOptions::default());
    assert!(parts.len() > 2 && parts.len() <= 10, "{}", parts.len());
    assert_within_limits(&parts);
    // It has tables, so it goes as cards, at most three tables each.
    for p in &parts {
        assert_eq!(p.msg_type(), "interactive");
        assert!(shown(p).matches("|---|---|---|").count() <= 3);
    }
    let texts: Vec<String> = parts.iter().map(shown).collect();
    assert_same(&essence(&texts.join("\n")), &essence(&md), "answer");
    // Split code stays code: every part has balanced fences.
    for t in &texts {
        let fences = t
            .lines()
            .filter(|l| l.trim_start().starts_with("```"))
            .count();
        assert_eq!(fences % 2, 0, "{t}");
    }
    assert!(texts[0].starts_with("# 报告 Report"));
    assert!(texts.last().unwrap().ends_with("最后一段 the end."));
}

#[test]
fn every_mode_keeps_a_long_answer_whole_and_within_limits() {
    let md = long_answer();
    for (mode, kind) in [
        (RenderMode::Text, "text"),
        (RenderMode::Post, "post"),
        (RenderMode::Card, "interactive"),
    ] {
        let opts = PlanOptions {
            mode,
            max_parts: 50,
        };
        let parts = plan_reply(&md, &opts);
        assert_within_limits(&parts);
        assert!(parts.iter().all(|p| p.msg_type() == kind), "{mode:?}");
        let texts: Vec<String> = parts.iter().map(shown).collect();
        assert_same(
            &essence(&texts.join("\n")),
            &essence(&md),
            &format!("{mode:?}"),
        );
    }
}

/// `n` paragraphs of about 20 KB each: two never share a post.
fn paragraphs(n: usize) -> String {
    let paras: Vec<String> = (0..n)
        .map(|i| format!("**{i}** {}", "段落内容 words ".repeat(1100)))
        .collect();
    paras.join("\n\n")
}

#[test]
fn past_max_parts_the_rest_goes_as_bigger_text_messages() {
    let md = paragraphs(20);
    let parts = plan_reply(&md, &PlanOptions::default());
    assert_eq!(parts.len(), 10);
    assert_within_limits(&parts);
    let kinds: Vec<&str> = parts.iter().map(Content::msg_type).collect();
    let posts = kinds.iter().take_while(|k| **k == "post").count();
    assert!(posts >= 5, "{kinds:?}");
    assert!(kinds[posts..].iter().all(|k| *k == "text"), "{kinds:?}");
    let texts: Vec<String> = parts.iter().map(shown).collect();
    assert_same(&essence(&texts.join("\n")), &essence(&md), "answer");
}

#[test]
fn as_a_last_resort_the_reply_is_truncated_with_a_note() {
    let md = paragraphs(100);
    let total = md.chars().count();
    let parts = plan_reply(&md, &PlanOptions::default());
    assert_eq!(parts.len(), 10);
    assert_within_limits(&parts);
    assert!(parts.iter().all(|p| p.msg_type() == "text"));
    let texts: Vec<String> = parts.iter().map(shown).collect();
    let last = texts.last().unwrap();
    let (kept_last, note) = last.rsplit_once("\n\n").unwrap();
    let n: usize = note
        .strip_prefix("… (reply truncated: ")
        .and_then(|s| s.strip_suffix(" more characters)"))
        .unwrap()
        .parse()
        .unwrap();
    // What was sent and what the note counts add up to the answer, give or take the blank
    // lines at the cuts.
    let sent: usize =
        texts[..9].iter().map(|t| t.chars().count()).sum::<usize>() + kept_last.chars().count();
    assert!(
        sent + n <= total && total - (sent + n) < 400,
        "{sent} + {n} vs {total}"
    );
    // And what was sent is the start of the answer.
    assert!(essence(&md).starts_with(&essence(&texts[..9].join("\n"))));
}

#[test]
fn a_forced_mode_truncates_instead_of_changing_kind() {
    let opts = PlanOptions {
        mode: RenderMode::Post,
        max_parts: 2,
    };
    let parts = plan_reply(&paragraphs(5), &opts);
    assert_eq!(parts.len(), 2);
    assert!(parts.iter().all(|p| p.msg_type() == "post"));
    assert_within_limits(&parts);
    assert!(shown(&parts[1]).contains("… (reply truncated: "));
}
