//! Cutting one block that is too big for a message: at line boundaries, and inside a line at
//! character boundaries only when the line alone is too big.
//!
//! Fenced code is tracked line by line, so a cut inside a code block closes the fence at the end
//! of one chunk and reopens it, with its language, at the start of the next: every chunk renders
//! as code where the agent wrote code.

use super::measure::{cost, cut_at_cost};

/// An open code fence.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Fence {
    ch: char,
    len: usize,
    indent: String,
    /// The line that opened it, info string included, to reopen it with.
    open_line: String,
}

impl Fence {
    fn close_line(&self) -> String {
        format!("{}{}", self.indent, self.ch.to_string().repeat(self.len))
    }
}

/// The fence state after `line`, given the state before it (CommonMark's rules, with any
/// indentation allowed so fences inside list items are followed too).
fn step(open: Option<&Fence>, line: &str) -> Option<Fence> {
    let rest = line.trim_start_matches([' ', '\t']);
    let indent = &line[..line.len() - rest.len()];
    let run = |ch: char| rest.chars().take_while(|c| *c == ch).count();
    match open {
        Some(f) => {
            let closes = run(f.ch) >= f.len && rest.trim_end().chars().all(|c| c == f.ch);
            (!closes).then(|| f.clone())
        }
        None => ['`', '~'].into_iter().find_map(|ch| {
            let len = run(ch);
            // A backtick fence's info string may not hold a backtick (that is inline code).
            let info_ok = ch == '~' || !rest[len..].contains('`');
            (len >= 3 && info_ok).then(|| Fence {
                ch,
                len,
                indent: indent.to_owned(),
                open_line: line.to_owned(),
            })
        }),
    }
}

/// The line that closes a fence left open at the end of `text`, if one is.
pub(crate) fn unclosed_fence(text: &str) -> Option<String> {
    let mut open = None;
    for line in text.split('\n') {
        open = step(open.as_ref(), line);
    }
    open.map(|f| f.close_line())
}

/// What is built up for one chunk.
struct Chunk {
    text: String,
    cost: usize,
    /// Whether it holds more than a reopened fence line.
    body: bool,
}

impl Chunk {
    fn new(open: Option<&Fence>) -> Chunk {
        let text = open.map(|f| f.open_line.clone()).unwrap_or_default();
        Chunk {
            cost: cost(&text),
            text,
            body: false,
        }
    }

    /// The cost of the chunk once `line` is added and a still-open fence closed.
    fn cost_with(&self, line: &str, after: Option<&Fence>) -> usize {
        let nl = if self.text.is_empty() { 0 } else { cost("\n") };
        let close = after.map_or(0, |f| cost("\n") + cost(&f.close_line()));
        self.cost + nl + cost(line) + close
    }

    fn push(&mut self, line: &str) {
        if !self.text.is_empty() {
            self.text.push('\n');
            self.cost += cost("\n");
        }
        self.text.push_str(line);
        self.cost += cost(line);
        self.body = true;
    }

    fn finish(mut self, open: Option<&Fence>) -> String {
        if let Some(f) = open {
            self.text.push('\n');
            self.text.push_str(&f.close_line());
        }
        self.text
    }
}

/// Splits `text` into chunks in order, the first costing at most `first` (the room left in a
/// part being filled), the others at most `budget`. Blank lines at the cuts are dropped; nothing
/// else is, except that code fences are closed and reopened at cuts.
pub(crate) fn split_lines(text: &str, first: usize, budget: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut limit = first;
    let mut open: Option<Fence> = None;
    let mut cur = Chunk::new(None);
    for line in text.split('\n') {
        let after = step(open.as_ref(), line);
        if cur.cost_with(line, after.as_ref()) > limit && cur.body {
            let next = Chunk::new(open.as_ref());
            out.push(std::mem::replace(&mut cur, next).finish(open.as_ref()));
            limit = budget;
        }
        if cur.cost_with(line, after.as_ref()) <= limit {
            cur.push(line);
            open = after;
            continue;
        }
        if !cur.body && limit < budget {
            // Nothing fits the room left in the part being filled: the first chunk goes to a
            // part of its own, and the packer sees it does not fit.
            limit = budget;
            if cur.cost_with(line, after.as_ref()) <= limit {
                cur.push(line);
                open = after;
                continue;
            }
        }
        // The line alone is too big: cut it into pieces that each fill a chunk. A fence state
        // too costly to repeat (an absurd info string) is given up for this line.
        let room =
            |c: &Chunk, f: Option<&Fence>, limit: usize| limit.saturating_sub(c.cost_with("", f));
        let mut fence = open.as_ref();
        if room(&cur, fence, limit) < 64 {
            fence = None;
            if cur.body {
                out.push(std::mem::replace(&mut cur, Chunk::new(None)).finish(open.as_ref()));
                limit = budget;
            } else {
                cur = Chunk::new(None);
            }
        }
        let mut rest = line;
        loop {
            let (piece, tail) = cut_at_cost(rest, room(&cur, fence, limit));
            cur.push(piece);
            rest = tail;
            if rest.is_empty() {
                break;
            }
            out.push(std::mem::replace(&mut cur, Chunk::new(fence)).finish(fence));
            limit = budget;
        }
        open = after;
    }
    if cur.body {
        out.push(cur.finish(open.as_ref()));
    }
    out.into_iter()
        .map(|c| super::blocks::trim_blank(&c).to_owned())
        .filter(|c| !c.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_open_and_close_by_the_commonmark_rules() {
        assert_eq!(unclosed_fence("```rust\nfn a() {}"), Some("```".into()));
        assert_eq!(unclosed_fence("````\n```\nstill code"), Some("````".into()));
        assert_eq!(unclosed_fence("~~~\nx\n~~~~"), None);
        assert_eq!(unclosed_fence("``` `inline` ```"), None);
        assert_eq!(unclosed_fence("- item\n  ```py\n  x"), Some("  ```".into()));
    }

    #[test]
    fn a_code_block_cut_in_two_is_closed_and_reopened_with_its_language() {
        let code: String = (0..40).map(|i| format!("let x{i} = {i};\n")).collect();
        let md = format!("```rust\n{code}```");
        let chunks = split_lines(&md, 300, 300);
        assert!(chunks.len() > 1);
        for c in &chunks {
            assert!(cost(c) <= 300, "{c}");
            assert!(c.starts_with("```rust\n") && c.ends_with("\n```"), "{c}");
        }
        let body: String = chunks
            .iter()
            .map(|c| c.trim_start_matches("```rust\n").trim_end_matches("```"))
            .collect();
        assert_eq!(body, code);
    }

    #[test]
    fn a_long_line_is_cut_at_character_boundaries() {
        let line = "中文".repeat(500);
        let chunks = split_lines(&format!("intro\n{line}\noutro"), 200, 700);
        assert!(cost(&chunks[0]) <= 200);
        assert!(chunks.iter().all(|c| cost(c) <= 700));
        assert_eq!(
            chunks.concat().replace('\n', ""),
            format!("intro{line}outro")
        );
    }

    #[test]
    fn a_long_line_inside_code_stays_inside_code() {
        let md = format!("```\n{}\n```", "x".repeat(1000));
        let chunks = split_lines(&md, 300, 300);
        assert!(chunks.len() >= 4);
        assert!(
            chunks
                .iter()
                .all(|c| c.starts_with("```\n") && c.ends_with("\n```"))
        );
        assert!(chunks.iter().all(|c| cost(c) <= 300));
    }
}
