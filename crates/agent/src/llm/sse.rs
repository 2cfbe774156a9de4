//! Server-sent events, parsed from bytes as they arrive (the WHATWG event-stream rules): lines
//! end in LF, CRLF or CR, even when a chunk boundary falls between CR and LF; `data` lines of
//! one event are joined with newlines; comments (`:`) and unknown fields are skipped; an event
//! is dispatched at a blank line. A line is decoded only once complete, so a UTF-8 character
//! split across chunks comes out whole.

/// The most one line may hold before the stream is judged broken (a provider's events are a
/// few kilobytes; this bounds memory against a server that never ends a line).
const MAX_LINE: usize = 16 * 1024 * 1024;

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// The `event:` field, if any.
    pub event: Option<String>,
    pub data: String,
}

/// An incremental parser: [`SseParser::push`] each chunk, in order.
#[derive(Debug, Default)]
pub struct SseParser {
    line: Vec<u8>,
    /// The previous chunk ended in CR: an LF at the start of the next one belongs to it.
    skip_lf: bool,
    event: Option<String>,
    data: String,
    has_data: bool,
    started: bool,
}

impl SseParser {
    pub fn new() -> SseParser {
        SseParser::default()
    }

    /// Feeds a chunk; returns the events it completed. `Err` when a line grows past the bound.
    pub fn push(&mut self, chunk: &[u8]) -> Result<Vec<SseEvent>, String> {
        let mut out = Vec::new();
        for &b in chunk {
            if self.skip_lf {
                self.skip_lf = false;
                if b == b'\n' {
                    continue;
                }
            }
            match b {
                b'\n' | b'\r' => {
                    self.skip_lf = b == b'\r';
                    let line = std::mem::take(&mut self.line);
                    if let Some(ev) = self.line_done(&line) {
                        out.push(ev);
                    }
                }
                _ => {
                    if self.line.len() >= MAX_LINE {
                        return Err(format!("an event-stream line exceeded {MAX_LINE} bytes"));
                    }
                    self.line.push(b);
                }
            }
        }
        Ok(out)
    }

    /// The stream ended: an event without its final blank line is dropped, as the standard says.
    pub fn finish(&mut self) {
        self.line.clear();
        self.reset();
    }

    fn reset(&mut self) {
        self.event = None;
        self.data.clear();
        self.has_data = false;
    }

    fn line_done(&mut self, raw: &[u8]) -> Option<SseEvent> {
        let mut raw = raw;
        if !self.started {
            self.started = true;
            raw = raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw);
        }
        if raw.is_empty() {
            if !self.has_data {
                self.reset();
                return None;
            }
            let ev = SseEvent {
                event: self.event.take(),
                data: std::mem::take(&mut self.data),
            };
            self.reset();
            return Some(ev);
        }
        let line = String::from_utf8_lossy(raw);
        if line.starts_with(':') {
            return None;
        }
        let (field, value) = match line.find(':') {
            Some(i) => {
                let v = &line[i + 1..];
                (&line[..i], v.strip_prefix(' ').unwrap_or(v))
            }
            None => (&line[..], ""),
        };
        match field {
            "event" => self.event = Some(value.to_owned()),
            "data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            _ => {}
        }
        None
    }
}

/// A provider's reading of its SSE events into provider events.
pub(crate) trait Decode: Send + 'static {
    fn event(
        &mut self,
        ev: &SseEvent,
    ) -> Result<Vec<super::provider::ProviderEvent>, super::provider::ProviderError>;
    /// The answer is complete: nothing more is read.
    fn is_done(&self) -> bool;
    /// The server closed the stream before the decoder was done: the events that complete the
    /// answer, or why it was cut.
    fn closed(
        &mut self,
    ) -> Result<Vec<super::provider::ProviderEvent>, super::provider::ProviderError>;
}

/// Turns a stream of SSE events into provider events with `dec`; the first error ends it.
pub(crate) fn decode_stream<D: Decode>(
    sse: futures::stream::BoxStream<'static, Result<SseEvent, super::provider::ProviderError>>,
    dec: D,
) -> super::provider::EventStream {
    use futures::StreamExt;
    let state = (sse, dec, std::collections::VecDeque::new(), false);
    futures::stream::unfold(
        state,
        |(mut sse, mut dec, mut queue, mut failed)| async move {
            loop {
                if let Some(ev) = queue.pop_front() {
                    return Some((Ok(ev), (sse, dec, queue, failed)));
                }
                if failed || dec.is_done() {
                    return None;
                }
                let step = match sse.next().await {
                    Some(Ok(ev)) => dec.event(&ev),
                    Some(Err(e)) => Err(e),
                    None => dec.closed(),
                };
                match step {
                    Ok(evs) => queue.extend(evs),
                    Err(e) => {
                        failed = true;
                        return Some((Err(e), (sse, dec, queue, failed)));
                    }
                }
            }
        },
    )
    .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(chunks: &[&[u8]]) -> Vec<SseEvent> {
        let mut p = SseParser::new();
        chunks.iter().flat_map(|c| p.push(c).unwrap()).collect()
    }

    #[test]
    fn events_come_whole_however_the_bytes_are_cut() {
        let text = "event: message_start\ndata: {\"a\":1}\n\n: ping comment\r\nevent: delta\r\ndata: x\r\ndata: y\r\n\r\ndata: é漢\r\r";
        let whole = all(&[text.as_bytes()]);
        assert_eq!(
            whole,
            vec![
                SseEvent {
                    event: Some("message_start".into()),
                    data: "{\"a\":1}".into()
                },
                SseEvent {
                    event: Some("delta".into()),
                    data: "x\ny".into()
                },
                SseEvent {
                    event: None,
                    data: "é漢".into()
                },
            ]
        );
        let bytes = text.as_bytes();
        for cut in 0..bytes.len() {
            assert_eq!(all(&[&bytes[..cut], &bytes[cut..]]), whole, "cut at {cut}");
        }
        let singles: Vec<&[u8]> = bytes.chunks(1).collect();
        assert_eq!(all(&singles), whole);
    }

    #[test]
    fn an_unfinished_event_and_fields_without_data_are_not_dispatched() {
        let mut p = SseParser::new();
        assert!(
            p.push(b"event: ping\n\nid: 3\nretry: 10\n\n")
                .unwrap()
                .is_empty()
        );
        assert!(p.push(b"data: half").unwrap().is_empty());
        p.finish();
        assert_eq!(
            p.push(b"data:no-space\n\n").unwrap(),
            vec![SseEvent {
                event: None,
                data: "no-space".into()
            }]
        );
    }
}
