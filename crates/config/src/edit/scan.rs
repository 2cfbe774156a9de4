//! A JSON5 scanner that records where things are rather than what they are: for every object,
//! the byte offsets of its braces and of each member's key, value and comma. Edits splice text at
//! these offsets, so everything else in the file (comments, order, spacing) stays byte-identical.
//! Only keys are decoded; values are skipped. The text has already been parsed by the `json5`
//! crate, so the scanner may be simple, but it still fails cleanly instead of panicking.

/// A scanned value: objects keep their layout, anything else is only a span.
#[derive(Debug)]
pub(crate) enum Scanned {
    Object(ObjectSpan),
    Other,
}

#[derive(Debug)]
pub(crate) struct ObjectSpan {
    /// Offset of `{`.
    pub(crate) open: usize,
    /// Offset of `}`.
    pub(crate) close: usize,
    pub(crate) members: Vec<Member>,
}

#[derive(Debug)]
pub(crate) struct Member {
    pub(crate) key: String,
    /// Offset of the key's first character (its quote, if quoted).
    pub(crate) key_start: usize,
    pub(crate) quoted: bool,
    pub(crate) value_start: usize,
    pub(crate) value_end: usize,
    pub(crate) value: Scanned,
    /// Offset of the comma after the value, if there is one.
    pub(crate) comma: Option<usize>,
}

/// Scans a whole document; the root must be a value followed only by whitespace and comments.
pub(crate) fn scan(text: &str) -> Result<Scanned, String> {
    let mut s = Scanner { src: text, pos: 0 };
    s.skip_trivia()?;
    let root = s.value()?;
    s.skip_trivia()?;
    if s.pos < text.len() {
        return Err(s.error("unexpected text after the end of the document"));
    }
    Ok(root)
}

/// JSON5 whitespace: Unicode white space plus the byte order mark.
pub(crate) fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{FEFF}'
}

pub(crate) fn is_line_end(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}')
}

struct Scanner<'a> {
    src: &'a str,
    pos: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn error(&self, what: &str) -> String {
        let line = self.src[..self.pos].matches('\n').count() + 1;
        format!("{what} at line {line}")
    }

    fn expect(&mut self, want: char) -> Result<(), String> {
        match self.bump() {
            Some(c) if c == want => Ok(()),
            _ => Err(self.error(&format!("expected {want:?}"))),
        }
    }

    /// Skips whitespace and comments.
    fn skip_trivia(&mut self) -> Result<(), String> {
        loop {
            let rest = &self.src[self.pos..];
            if rest.starts_with("//") {
                let len = rest.find(is_line_end).unwrap_or(rest.len());
                self.pos += len;
            } else if let Some(body) = rest.strip_prefix("/*") {
                let len = body
                    .find("*/")
                    .ok_or_else(|| self.error("unclosed comment"))?;
                self.pos += len + 4;
            } else if self.peek().is_some_and(is_space) {
                self.bump();
            } else {
                return Ok(());
            }
        }
    }

    fn value(&mut self) -> Result<Scanned, String> {
        match self.peek() {
            Some('{') => self.object().map(Scanned::Object),
            Some('[') => self.array().map(|()| Scanned::Other),
            Some('"' | '\'') => self.string().map(|_| Scanned::Other),
            _ => {
                // Numbers and literals: true, false, null, Infinity, NaN, 0x1F, -.5e3, ...
                let start = self.pos;
                while self
                    .peek()
                    .is_some_and(|c| c.is_alphanumeric() || matches!(c, '+' | '-' | '.' | '_'))
                {
                    self.bump();
                }
                if self.pos == start {
                    return Err(self.error("expected a value"));
                }
                Ok(Scanned::Other)
            }
        }
    }

    fn array(&mut self) -> Result<(), String> {
        self.expect('[')?;
        loop {
            self.skip_trivia()?;
            if self.peek() == Some(']') {
                self.bump();
                return Ok(());
            }
            self.value()?;
            self.skip_trivia()?;
            match self.bump() {
                Some(',') => {}
                Some(']') => return Ok(()),
                _ => return Err(self.error("expected , or ] in an array")),
            }
        }
    }

    fn object(&mut self) -> Result<ObjectSpan, String> {
        let open = self.pos;
        self.expect('{')?;
        let mut members = Vec::new();
        loop {
            self.skip_trivia()?;
            if self.peek() == Some('}') {
                let close = self.pos;
                self.bump();
                return Ok(ObjectSpan {
                    open,
                    close,
                    members,
                });
            }
            let key_start = self.pos;
            let quoted = matches!(self.peek(), Some('"' | '\''));
            let key = if quoted {
                self.string()?
            } else {
                self.identifier()?
            };
            self.skip_trivia()?;
            self.expect(':')?;
            self.skip_trivia()?;
            let value_start = self.pos;
            let value = self.value()?;
            let value_end = self.pos;
            self.skip_trivia()?;
            let comma = match self.peek() {
                Some(',') => {
                    let at = self.pos;
                    self.bump();
                    Some(at)
                }
                Some('}') => None,
                _ => return Err(self.error("expected , or } in an object")),
            };
            members.push(Member {
                key,
                key_start,
                quoted,
                value_start,
                value_end,
                value,
                comma,
            });
        }
    }

    /// An unquoted key: identifier characters, possibly with `\uXXXX` escapes.
    fn identifier(&mut self) -> Result<String, String> {
        let mut out = String::new();
        while let Some(c) = self.peek() {
            if c == '\\' {
                self.bump();
                if self.bump() != Some('u') {
                    return Err(self.error("bad escape in a key"));
                }
                out.push(self.hex_char(4)?);
            } else if c.is_alphanumeric() || matches!(c, '_' | '$' | '\u{200C}' | '\u{200D}') {
                out.push(c);
                self.bump();
            } else {
                break;
            }
        }
        if out.is_empty() {
            return Err(self.error("expected a key"));
        }
        Ok(out)
    }

    /// A quoted string, decoded.
    fn string(&mut self) -> Result<String, String> {
        let quote = self.bump().ok_or_else(|| self.error("expected a string"))?;
        let mut out = String::new();
        loop {
            match self.bump() {
                None => return Err(self.error("unclosed string")),
                Some(c) if c == quote => return Ok(out),
                Some('\\') => self.escape(&mut out)?,
                Some(c) => out.push(c),
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<(), String> {
        let c = self.bump().ok_or_else(|| self.error("unclosed string"))?;
        match c {
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\u{b}'),
            '0' => out.push('\0'),
            'x' => out.push(self.hex_char(2)?),
            'u' => {
                let first = self.hex(4)?;
                // A surrogate pair spells one character in two escapes.
                if (0xD800..0xDC00).contains(&first) && self.src[self.pos..].starts_with("\\u") {
                    self.pos += 2;
                    let second = self.hex(4)?;
                    let code =
                        0x10000 + ((first - 0xD800) << 10) + (second.wrapping_sub(0xDC00) & 0x3FF);
                    out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
                } else {
                    out.push(char::from_u32(first).unwrap_or('\u{FFFD}'));
                }
            }
            // A backslash before a line break continues the string on the next line.
            '\r' => {
                if self.peek() == Some('\n') {
                    self.bump();
                }
            }
            '\n' | '\u{2028}' | '\u{2029}' => {}
            other => out.push(other),
        }
        Ok(())
    }

    fn hex(&mut self, digits: usize) -> Result<u32, String> {
        let end = self.pos + digits;
        let text = self
            .src
            .get(self.pos..end)
            .ok_or_else(|| self.error("bad escape"))?;
        let value = u32::from_str_radix(text, 16).map_err(|_| self.error("bad escape"))?;
        self.pos = end;
        Ok(value)
    }

    fn hex_char(&mut self, digits: usize) -> Result<char, String> {
        let code = self.hex(digits)?;
        Ok(char::from_u32(code).unwrap_or('\u{FFFD}'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_member_spans() {
        let text = "// c\n{ a: 1, 'b': { \"c\\u0041\": [1, {x: 2}], }, /* d */ e: \"}\" }";
        let Scanned::Object(root) = scan(text).unwrap() else {
            panic!("root is an object");
        };
        let keys: Vec<&str> = root.members.iter().map(|m| m.key.as_str()).collect();
        assert_eq!(keys, ["a", "b", "e"]);
        let b = &root.members[1];
        assert_eq!(
            &text[b.value_start..b.value_end],
            "{ \"c\\u0041\": [1, {x: 2}], }"
        );
        let Scanned::Object(inner) = &b.value else {
            panic!("b is an object");
        };
        assert_eq!(inner.members[0].key, "cA");
        assert!(inner.members[0].comma.is_some());
        let e = &root.members[2];
        assert_eq!(&text[e.value_start..e.value_end], "\"}\"");
        assert_eq!(e.comma, None);
        assert!(scan("{a: 1} x").is_err());
        assert!(scan("{a: 'x").is_err());
        assert!(scan("{a: \"\\u12").is_err());
    }
}
