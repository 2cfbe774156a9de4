//! OUTBOUND: the agent's markdown answer as the Lark messages that carry it, planned against the
//! platform's limits before anything is sent (ANCHORS "size-planned rendering").
//!
//! The rule for [`RenderMode::Auto`]:
//! - an answer without markdown that would render differently (no headings, emphasis, links,
//!   lists, code, tables, quotes) is sent as **text**: it reads the same and takes up to 150 KB
//!   a message;
//! - markdown without tables is sent as **posts**, one `md` element each, which the client
//!   renders as markdown;
//! - markdown with tables is sent as **cards** (a v2 card with one markdown element), because a
//!   post does not render tables; the platform refuses a card with more than 3 tables (230099),
//!   so the answer is split to keep at most 3 in each.
//!
//! Every part's encoded `content` stays under its limit (text 150 KB, post and card 30 KB) with a
//! margin. A long answer is split between blocks, never inside a code block unless the block
//! alone is too big (then the fence is closed and reopened with its language), then between
//! lines, then between characters. [`PlanOptions::max_parts`] bounds the number of messages:
//! when more would be needed, the first parts keep their kind and the rest goes as text, whose
//! messages are five times bigger; if even all-text is too many, the last message ends with
//! "… (reply truncated: N more characters)". A forced mode keeps its kind and truncates instead.

mod blocks;
mod measure;
mod pack;
mod split;
mod truncate;

use lark::model::content::{Content, Post};

use blocks::{blocks, post_text};
use measure::Kind;
use pack::{Piece, SEP, join, pack, pieces};

pub use measure::encoded_size;

/// How an answer is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RenderMode {
    /// Text, post or card by what the answer holds (see the module docs).
    #[default]
    Auto,
    /// Text messages showing the markdown as written.
    Text,
    /// Posts; tables as code blocks, since a post cannot show them.
    Post,
    /// Cards, at most 3 tables each.
    Card,
}

/// How to plan a reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanOptions {
    pub mode: RenderMode,
    /// The most messages one answer may become (at least 1 is sent).
    pub max_parts: usize,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            mode: RenderMode::Auto,
            max_parts: 10,
        }
    }
}

/// The messages that carry `markdown`, in order; none for a blank answer. Each one's
/// [`Content::check_size`] passes.
pub fn plan_reply(markdown: &str, opts: &PlanOptions) -> Vec<Content> {
    let blocks = blocks(markdown);
    if blocks.is_empty() {
        return Vec::new();
    }
    let kind = choose(opts.mode, &blocks);
    let max = opts.max_parts.max(1);
    let parts = pack(&pieces(&blocks, kind), kind);
    let contents = |k: Kind, parts: &[Vec<Piece>]| -> Vec<Content> {
        parts.iter().map(|p| k.content(&join(p))).collect()
    };
    if parts.len() <= max {
        return contents(kind, &parts);
    }
    let texts = |parts: &[Vec<Piece>]| -> Vec<String> { parts.iter().map(|p| join(p)).collect() };
    if opts.mode != RenderMode::Auto || kind == Kind::Text {
        let kept = truncate::truncate(texts(&parts), kind, max);
        return kept.iter().map(|p| kind.content(p)).collect();
    }
    // Keep as many parts of the chosen kind as leave room for the rest as text.
    for keep in (0..max).rev() {
        let rest: Vec<Piece> = parts[keep..].concat();
        let text_parts = pack(&rest, Kind::Text);
        if keep + text_parts.len() <= max {
            let mut out = contents(kind, &parts[..keep]);
            out.extend(contents(Kind::Text, &text_parts));
            return out;
        }
    }
    let all_text = pack(&parts.concat(), Kind::Text);
    let kept = truncate::truncate(texts(&all_text), Kind::Text, max);
    kept.iter().map(|p| Kind::Text.content(p)).collect()
}

fn choose(mode: RenderMode, blocks: &[blocks::Block]) -> Kind {
    match mode {
        RenderMode::Auto if !blocks.iter().any(|b| b.markup) => Kind::Text,
        RenderMode::Auto if blocks.iter().any(|b| b.tables > 0) => Kind::Card,
        RenderMode::Auto | RenderMode::Post => Kind::Post,
        RenderMode::Text => Kind::Text,
        RenderMode::Card => Kind::Card,
    }
}

/// `markdown` as one post with a single `md` element, tables as code blocks (a post cannot show
/// tables). For a caller that already knows it fits one message; [`plan_reply`] plans sizes.
pub fn markdown_post(markdown: &str) -> Post {
    let texts: Vec<String> = blocks(markdown).iter().map(post_text).collect();
    Post::markdown(texts.join(SEP))
}

#[cfg(test)]
mod tests;
