//! Decoding UTF-8 that arrives in chunks: a character split across two reads must come out whole,
//! not as two replacement characters.

/// Holds back the unfinished tail of a chunk (at most 3 bytes) until the next one completes it.
/// Bytes that can never be UTF-8 become U+FFFD, so a misbehaving program cannot stop the answer.
#[derive(Debug, Default)]
pub(crate) struct Utf8Decoder {
    pending: Vec<u8>,
}

impl Utf8Decoder {
    /// Decodes what is complete so far; may return an empty string.
    pub(crate) fn push(&mut self, chunk: &[u8]) -> String {
        self.pending.extend_from_slice(chunk);
        let mut out = String::new();
        let mut rest: &[u8] = &self.pending;
        loop {
            match std::str::from_utf8(rest) {
                Ok(valid) => {
                    out.push_str(valid);
                    rest = &[];
                    break;
                }
                Err(e) => {
                    let (valid, after) = rest.split_at(e.valid_up_to());
                    // `valid_up_to` guarantees this prefix is UTF-8: the fallback never happens.
                    out.push_str(std::str::from_utf8(valid).unwrap_or_default());
                    match e.error_len() {
                        Some(bad) => {
                            out.push(char::REPLACEMENT_CHARACTER);
                            rest = &after[bad..];
                        }
                        // An incomplete character at the end: wait for the next chunk.
                        None => {
                            rest = after;
                            break;
                        }
                    }
                }
            }
        }
        self.pending = rest.to_vec();
        out
    }

    /// The end of the input: an unfinished character left over can only be replaced.
    pub(crate) fn finish(&mut self) -> String {
        let out = String::from_utf8_lossy(&self.pending).into_owned();
        self.pending.clear();
        out
    }
}

/// The first `max` characters of `text` (all of it when shorter).
pub(crate) fn cut_at_chars(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((at, _)) => &text[..at],
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::Utf8Decoder;

    #[test]
    fn joins_a_character_split_across_chunks() {
        let bytes = "a你好b".as_bytes();
        for split in 0..=bytes.len() {
            let mut d = Utf8Decoder::default();
            let mut out = d.push(&bytes[..split]);
            out += &d.push(&bytes[split..]);
            out += &d.finish();
            assert_eq!(out, "a你好b", "split at {split}");
        }
    }

    #[test]
    fn byte_by_byte() {
        let mut d = Utf8Decoder::default();
        let out: String = "héllo 🦀".bytes().map(|b| d.push(&[b])).collect();
        assert_eq!(out + &d.finish(), "héllo 🦀");
    }

    #[test]
    fn invalid_bytes_become_replacement_characters() {
        let mut d = Utf8Decoder::default();
        assert_eq!(d.push(b"a\xffb"), "a\u{fffd}b");
        assert_eq!(d.push(b"c\xe4\xbd"), "c");
        assert_eq!(d.finish(), "\u{fffd}");
    }
}
