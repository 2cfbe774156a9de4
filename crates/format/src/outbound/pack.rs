//! Packing blocks into parts: each part within its kind's byte budget and table limit, parts in
//! order, as few as possible. Blocks stay whole when they fit a part; one too big for any part
//! is split, its first chunk filling the room left in the part before it.

use super::blocks::{Block, count_tables, post_text};
use super::measure::{Kind, cost};
use super::split::split_lines;

/// Blocks are joined by a blank line inside a part.
pub(crate) const SEP: &str = "\n\n";

/// A piece of markdown placed whole in one part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Piece {
    pub text: String,
    pub tables: usize,
}

/// The blocks as the markdown `kind` sends: as written, tables fenced for a post.
pub(crate) fn pieces(blocks: &[Block], kind: Kind) -> Vec<Piece> {
    blocks
        .iter()
        .map(|b| match kind {
            // A fenced table is code, which counts against nothing.
            Kind::Post if b.is_table => Piece {
                text: post_text(b),
                tables: 0,
            },
            _ => Piece {
                text: b.text.clone(),
                tables: b.tables,
            },
        })
        .collect()
}

/// The parts being filled.
struct Packer {
    budget: usize,
    max_tables: usize,
    parts: Vec<Vec<Piece>>,
    cur: Vec<Piece>,
    used: usize,
    tables: usize,
}

impl Packer {
    fn room(&self) -> usize {
        let sep = if self.cur.is_empty() { 0 } else { cost(SEP) };
        self.budget.saturating_sub(self.used + sep)
    }

    fn fits(&self, p: &Piece) -> bool {
        cost(&p.text) <= self.room() && self.tables + p.tables <= self.max_tables
    }

    fn flush(&mut self, keep: Vec<Piece>) {
        let done = std::mem::take(&mut self.cur);
        if !done.is_empty() {
            self.parts.push(done);
        }
        (self.used, self.tables) = (0, 0);
        for p in keep {
            self.push(p);
        }
    }

    fn push(&mut self, p: Piece) {
        self.used += cost(&p.text) + if self.cur.is_empty() { 0 } else { cost(SEP) };
        self.tables += p.tables;
        self.cur.push(p);
    }

    /// Adds a piece that fits an empty part.
    fn add(&mut self, p: Piece) {
        if self.fits(&p) {
            return self.push(p);
        }
        // Cut for the table limit: the text after the last table moves on with the next one,
        // so what introduces a table stays with it.
        let mut carry = Vec::new();
        if self.tables + p.tables > self.max_tables {
            let after = self
                .cur
                .iter()
                .rposition(|x| x.tables > 0)
                .map_or(0, |i| i + 1);
            let moved: usize = self.cur[after..]
                .iter()
                .map(|x| cost(&x.text) + cost(SEP))
                .sum();
            if after > 0 && moved + cost(&p.text) <= self.budget {
                carry = self.cur.split_off(after);
            }
        }
        self.flush(carry);
        self.push(p);
    }

    /// Adds a piece too big for any part, cut into pieces that fit.
    fn add_split(&mut self, p: Piece) {
        // Filling a small remainder would only make a part of a few lines.
        let first = match self.room() {
            r if r >= self.budget / 8 => r,
            _ => self.budget,
        };
        for chunk in split_lines(&p.text, first, self.budget) {
            // A cut table's rows without its header are no table any more: count again.
            let tables = if p.tables == 0 {
                0
            } else {
                count_tables(&chunk)
            };
            let mut halves = Vec::new();
            halve_for_tables(chunk, tables, self.max_tables, &mut halves);
            for h in halves {
                self.add(h);
            }
        }
    }
}

/// A piece with more tables than a part may hold (a list or quote holding four tables) is cut
/// in halves at lines until each half holds few enough.
fn halve_for_tables(text: String, tables: usize, max: usize, out: &mut Vec<Piece>) {
    let lines: Vec<&str> = text.split('\n').collect();
    if tables <= max || lines.len() < 2 {
        out.push(Piece { text, tables });
        return;
    }
    let (a, b) = lines.split_at(lines.len() / 2);
    for half in [a.join("\n"), b.join("\n")] {
        let t = count_tables(&half);
        halve_for_tables(half, t, max, out);
    }
}

/// Packs `pieces` in order into parts of `kind`, splitting those too big for one.
pub(crate) fn pack(pieces: &[Piece], kind: Kind) -> Vec<Vec<Piece>> {
    let mut p = Packer {
        budget: kind.budget(),
        max_tables: kind.max_tables(),
        parts: Vec::new(),
        cur: Vec::new(),
        used: 0,
        tables: 0,
    };
    for piece in pieces {
        if cost(&piece.text) <= p.budget && piece.tables <= p.max_tables {
            p.add(piece.clone());
        } else {
            p.add_split(piece.clone());
        }
    }
    p.flush(Vec::new());
    p.parts
}

/// The markdown of one part.
pub(crate) fn join(pieces: &[Piece]) -> String {
    let texts: Vec<&str> = pieces.iter().map(|p| p.text.as_str()).collect();
    texts.join(SEP)
}
