//! The bitable record `filter` formula: `CurrentValue.[Field] op value` with `= == != <> > >=
//! < <=`, `AND(..)`, `OR(..)`, `NOT(..)`, `&&`, `||`, `!`, parentheses, string / number /
//! boolean literals, `CONTAINS(a, b)`, `ISBLANK(a)` and the method form
//! `CurrentValue.[Field].contains("x")`. Parsing is bounded in depth, so hostile input is an
//! error and never a stack overflow.

use std::cmp::Ordering;

/// A value as the filter sees it.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Null,
    Num(f64),
    Str(String),
    Bool(bool),
    List(Vec<Val>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Field(String),
    Lit(Val),
    Cmp(Op, Box<Expr>, Box<Expr>),
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
    Contains(Box<Expr>, Box<Expr>),
    IsBlank(Box<Expr>),
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Field(String),
    Str(String),
    Num(f64),
    Ident(String),
    Op(&'static str),
    LParen,
    RParen,
    Comma,
    Dot,
}

fn lex(s: &str) -> Result<Vec<Tok>, String> {
    let cs: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    while i < cs.len() {
        let c = cs[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let rest: String = cs[i..cs.len().min(i + 14)].iter().collect();
        if rest.starts_with("CurrentValue.[") {
            let start = i + "CurrentValue.[".len();
            let end = cs[start..]
                .iter()
                .position(|&c| c == ']')
                .ok_or("unterminated CurrentValue.[ field reference")?;
            out.push(Tok::Field(cs[start..start + end].iter().collect()));
            i = start + end + 1;
            continue;
        }
        match c {
            '"' | '\'' | '“' => {
                let close = if c == '“' { '”' } else { c };
                let mut v = String::new();
                i += 1;
                loop {
                    match cs.get(i) {
                        None => return Err("unterminated string literal".into()),
                        Some('\\') => {
                            if let Some(&n) = cs.get(i + 1) {
                                v.push(n);
                            }
                            i += 2;
                        }
                        Some(&ch) if ch == close => {
                            i += 1;
                            break;
                        }
                        Some(&ch) => {
                            v.push(ch);
                            i += 1;
                        }
                    }
                }
                out.push(Tok::Str(v));
            }
            '(' => {
                out.push(Tok::LParen);
                i += 1;
            }
            ')' => {
                out.push(Tok::RParen);
                i += 1;
            }
            ',' => {
                out.push(Tok::Comma);
                i += 1;
            }
            '.' if !cs.get(i + 1).is_some_and(char::is_ascii_digit) => {
                out.push(Tok::Dot);
                i += 1;
            }
            _ if c.is_ascii_digit()
                || c == '.'
                || (c == '-' && cs.get(i + 1).is_some_and(|n| n.is_ascii_digit())) =>
            {
                let start = i;
                i += 1;
                while i < cs.len() && (cs[i].is_ascii_digit() || cs[i] == '.') {
                    i += 1;
                }
                let t: String = cs[start..i].iter().collect();
                out.push(Tok::Num(
                    t.parse().map_err(|_| format!("bad number {t:?}"))?,
                ));
            }
            _ if c.is_alphabetic() || c == '_' => {
                let start = i;
                while i < cs.len() && (cs[i].is_alphanumeric() || cs[i] == '_') {
                    i += 1;
                }
                out.push(Tok::Ident(cs[start..i].iter().collect()));
            }
            _ => {
                let two: String = cs[i..cs.len().min(i + 2)].iter().collect();
                let op = ["==", "!=", "<>", ">=", "<=", "&&", "||"]
                    .into_iter()
                    .find(|o| two == *o)
                    .or_else(|| {
                        ["=", ">", "<", "!"]
                            .into_iter()
                            .find(|o| c.to_string() == *o)
                    })
                    .ok_or_else(|| format!("unexpected character {c:?}"))?;
                i += op.len();
                out.push(Tok::Op(op));
            }
        }
    }
    Ok(out)
}

const MAX_DEPTH: usize = 64;

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn expect(&mut self, t: Tok) -> Result<(), String> {
        match self.next() {
            Some(x) if x == t => Ok(()),
            other => Err(format!("expected {t:?}, found {other:?}")),
        }
    }

    fn enter(&mut self) -> Result<(), String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err("filter is nested too deeply".into());
        }
        Ok(())
    }

    fn or(&mut self) -> Result<Expr, String> {
        self.enter()?;
        let mut parts = vec![self.and()?];
        while self.peek() == Some(&Tok::Op("||")) {
            self.pos += 1;
            parts.push(self.and()?);
        }
        self.depth -= 1;
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Expr::Or(parts)
        })
    }

    fn and(&mut self) -> Result<Expr, String> {
        let mut parts = vec![self.cmp()?];
        while self.peek() == Some(&Tok::Op("&&")) {
            self.pos += 1;
            parts.push(self.cmp()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Expr::And(parts)
        })
    }

    fn cmp(&mut self) -> Result<Expr, String> {
        let left = self.unary()?;
        let op = match self.peek() {
            Some(Tok::Op("=")) | Some(Tok::Op("==")) => Op::Eq,
            Some(Tok::Op("!=")) | Some(Tok::Op("<>")) => Op::Ne,
            Some(Tok::Op(">")) => Op::Gt,
            Some(Tok::Op(">=")) => Op::Ge,
            Some(Tok::Op("<")) => Op::Lt,
            Some(Tok::Op("<=")) => Op::Le,
            _ => return Ok(left),
        };
        self.pos += 1;
        let right = self.unary()?;
        Ok(Expr::Cmp(op, Box::new(left), Box::new(right)))
    }

    fn unary(&mut self) -> Result<Expr, String> {
        if self.peek() == Some(&Tok::Op("!")) {
            self.pos += 1;
            self.enter()?;
            let e = self.unary()?;
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(e)));
        }
        let mut e = self.primary()?;
        // `CurrentValue.[F].contains("x")`
        while self.peek() == Some(&Tok::Dot) {
            self.pos += 1;
            match self.next() {
                Some(Tok::Ident(m)) if m.eq_ignore_ascii_case("contains") => {
                    self.expect(Tok::LParen)?;
                    let arg = self.or()?;
                    self.expect(Tok::RParen)?;
                    e = Expr::Contains(Box::new(e), Box::new(arg));
                }
                other => return Err(format!("unknown method {other:?}")),
            }
        }
        Ok(e)
    }

    fn args(&mut self) -> Result<Vec<Expr>, String> {
        self.expect(Tok::LParen)?;
        let mut out = Vec::new();
        if self.peek() == Some(&Tok::RParen) {
            self.pos += 1;
            return Ok(out);
        }
        loop {
            out.push(self.or()?);
            match self.next() {
                Some(Tok::Comma) => continue,
                Some(Tok::RParen) => return Ok(out),
                other => return Err(format!("expected , or ) in arguments, found {other:?}")),
            }
        }
    }

    fn primary(&mut self) -> Result<Expr, String> {
        match self.next() {
            Some(Tok::Field(f)) => Ok(Expr::Field(f)),
            Some(Tok::Str(s)) => Ok(Expr::Lit(Val::Str(s))),
            Some(Tok::Num(n)) => Ok(Expr::Lit(Val::Num(n))),
            Some(Tok::LParen) => {
                let e = self.or()?;
                self.expect(Tok::RParen)?;
                Ok(e)
            }
            Some(Tok::Ident(id)) => {
                let upper = id.to_ascii_uppercase();
                let has_args = self.peek() == Some(&Tok::LParen);
                match upper.as_str() {
                    "TRUE" | "FALSE" => {
                        if has_args {
                            self.args()?;
                        }
                        Ok(Expr::Lit(Val::Bool(upper == "TRUE")))
                    }
                    "AND" | "OR" | "NOT" | "CONTAINS" | "ISBLANK" if has_args => {
                        let mut a = self.args()?;
                        match (upper.as_str(), a.len()) {
                            ("AND", n) if n > 0 => Ok(Expr::And(a)),
                            ("OR", n) if n > 0 => Ok(Expr::Or(a)),
                            ("NOT", 1) => Ok(Expr::Not(Box::new(a.remove(0)))),
                            ("ISBLANK", 1) => Ok(Expr::IsBlank(Box::new(a.remove(0)))),
                            ("CONTAINS", 2) => {
                                let b = a.remove(1);
                                Ok(Expr::Contains(Box::new(a.remove(0)), Box::new(b)))
                            }
                            (f, n) => Err(format!("{f} does not take {n} arguments")),
                        }
                    }
                    _ => Err(format!("unknown name {id:?}")),
                }
            }
            other => Err(format!("unexpected {other:?}")),
        }
    }
}

/// Parses a filter formula.
pub fn parse(s: &str) -> Result<Expr, String> {
    let toks = lex(s)?;
    if toks.is_empty() {
        return Err("the filter is empty".into());
    }
    let mut p = Parser {
        toks,
        pos: 0,
        depth: 0,
    };
    let e = p.or()?;
    if p.pos < p.toks.len() {
        return Err(format!(
            "unexpected {:?} after the expression",
            p.toks[p.pos]
        ));
    }
    Ok(e)
}

/// The names of the fields a filter refers to.
pub fn fields(e: &Expr, out: &mut Vec<String>) {
    match e {
        Expr::Field(f) => out.push(f.clone()),
        Expr::Lit(_) => {}
        Expr::Cmp(_, a, b) | Expr::Contains(a, b) => {
            fields(a, out);
            fields(b, out);
        }
        Expr::And(v) | Expr::Or(v) => v.iter().for_each(|x| fields(x, out)),
        Expr::Not(a) | Expr::IsBlank(a) => fields(a, out),
    }
}

fn blank(v: &Val) -> bool {
    match v {
        Val::Null => true,
        Val::Str(s) => s.is_empty(),
        Val::List(l) => l.is_empty(),
        _ => false,
    }
}

fn as_num(v: &Val) -> Option<f64> {
    match v {
        Val::Num(n) => Some(*n),
        Val::Str(s) => s.trim().parse().ok(),
        Val::Bool(b) => Some(f64::from(u8::from(*b))),
        _ => None,
    }
}

fn text(v: &Val) -> String {
    match v {
        Val::Null => String::new(),
        Val::Num(n) => n.to_string(),
        Val::Str(s) => s.clone(),
        Val::Bool(b) => b.to_string(),
        Val::List(l) => l.iter().map(text).collect::<Vec<_>>().join(","),
    }
}

/// Equality as the filter understands it: blank equals "", numbers compare numerically, and a
/// list (multi-select, users) equals a value it contains.
fn equal(a: &Val, b: &Val) -> bool {
    match (a, b) {
        (Val::List(l), x) | (x, Val::List(l)) if !matches!(x, Val::List(_)) => {
            if blank(x) {
                l.is_empty()
            } else {
                l.iter().any(|e| equal(e, x))
            }
        }
        _ if blank(a) || blank(b) => blank(a) && blank(b),
        (Val::Bool(x), y) | (y, Val::Bool(x)) => match y {
            Val::Bool(z) => x == z,
            Val::Str(s) => s.eq_ignore_ascii_case(if *x { "true" } else { "false" }),
            _ => as_num(y) == Some(f64::from(u8::from(*x))),
        },
        (Val::Num(_), _) | (_, Val::Num(_)) => match (as_num(a), as_num(b)) {
            (Some(x), Some(y)) => x == y,
            _ => false,
        },
        _ => text(a) == text(b),
    }
}

pub fn order(a: &Val, b: &Val) -> Option<Ordering> {
    if blank(a) || blank(b) {
        return None;
    }
    match (as_num(a), as_num(b)) {
        (Some(x), Some(y)) => x.partial_cmp(&y),
        _ => Some(text(a).cmp(&text(b))),
    }
}

fn contains(hay: &Val, needle: &Val) -> bool {
    let n = text(needle);
    match hay {
        Val::List(l) => l.iter().any(|e| text(e).contains(&n)),
        v => text(v).contains(&n),
    }
}

fn value(e: &Expr, get: &dyn Fn(&str) -> Val) -> Val {
    match e {
        Expr::Field(f) => get(f),
        Expr::Lit(v) => v.clone(),
        other => Val::Bool(truth(other, get)),
    }
}

fn truth(e: &Expr, get: &dyn Fn(&str) -> Val) -> bool {
    match e {
        Expr::Cmp(op, a, b) => {
            let (a, b) = (value(a, get), value(b, get));
            match op {
                Op::Eq => equal(&a, &b),
                Op::Ne => !equal(&a, &b),
                Op::Gt => order(&a, &b) == Some(Ordering::Greater),
                Op::Ge => matches!(order(&a, &b), Some(Ordering::Greater | Ordering::Equal)),
                Op::Lt => order(&a, &b) == Some(Ordering::Less),
                Op::Le => matches!(order(&a, &b), Some(Ordering::Less | Ordering::Equal)),
            }
        }
        Expr::And(v) => v.iter().all(|x| truth(x, get)),
        Expr::Or(v) => v.iter().any(|x| truth(x, get)),
        Expr::Not(a) => !truth(a, get),
        Expr::Contains(a, b) => contains(&value(a, get), &value(b, get)),
        Expr::IsBlank(a) => blank(&value(a, get)),
        Expr::Field(_) | Expr::Lit(_) => match value(e, get) {
            Val::Bool(b) => b,
            v => !blank(&v),
        },
    }
}

/// Whether a record, whose fields `get` looks up by name, passes the filter.
pub fn eval(e: &Expr, get: &dyn Fn(&str) -> Val) -> bool {
    truth(e, get)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(name: &str) -> Val {
        match name {
            "评分" => Val::Num(9.5),
            "书名" => Val::Str("三体".into()),
            "标签" => Val::List(vec![Val::Str("科幻".into()), Val::Str("文学".into())]),
            "读完" => Val::Bool(true),
            _ => Val::Null,
        }
    }

    fn check(f: &str) -> bool {
        eval(&parse(f).unwrap_or_else(|e| panic!("{f}: {e}")), &rec)
    }

    #[test]
    fn comparisons_and_logic() {
        assert!(check("CurrentValue.[评分] > 8"));
        assert!(!check("CurrentValue.[评分] < 8"));
        assert!(check(
            "CurrentValue.[评分] >= 9.5 && CurrentValue.[书名] = \"三体\""
        ));
        assert!(check(
            "AND(CurrentValue.[评分] > 9, OR(CurrentValue.[书名] = \"x\", CurrentValue.[读完] = TRUE))"
        ));
        assert!(check("NOT(CurrentValue.[书名] != \"三体\")"));
        assert!(check("CurrentValue.[标签] = \"科幻\""));
        assert!(check("CONTAINS(CurrentValue.[书名], \"三\")"));
        assert!(check("CurrentValue.[书名].contains(\"体\")"));
        assert!(check("CurrentValue.[备注] = \"\""));
        assert!(check("ISBLANK(CurrentValue.[备注]) || FALSE"));
        assert!(check("CurrentValue.[评分] = \"9.5\""));
    }

    #[test]
    fn malformed_filters_are_errors() {
        for f in [
            "",
            "CurrentValue.[评分] >",
            "AND(",
            "CurrentValue.[x",
            "\"open",
            "FOO(1)",
            "CurrentValue.[a] = 1 2",
            "NOT(1, 2)",
            "@",
        ] {
            assert!(parse(f).is_err(), "{f:?} should not parse");
        }
        let deep = format!("{}1{}", "(".repeat(10_000), ")".repeat(10_000));
        assert!(parse(&deep).is_err());
        let deep_not = format!("{}TRUE", "!".repeat(10_000));
        assert!(parse(&deep_not).is_err());
    }
}
