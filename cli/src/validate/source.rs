//! Splitting a payload input into batches of records without reading it
//! whole: lines for NDJSON, elements for a top-level array, and the whole
//! input for one document or one binary record (which have to be held
//! anyway).

use std::io::{self, Read};

use anyhow::{Result, bail};

use super::Layout;
use crate::pipeline::{Buffer, Feed};

/// Bytes read per batch; a batch holds whole records, so a record longer
/// than this makes its batch longer.
pub(crate) const CHUNK: usize = 256 * 1024;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// One record in a batch's buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) start: usize,
    pub(crate) end: usize,
    /// The line the record starts on (1-based).
    pub(crate) line: u64,
    /// Set when the input is broken at this place in a way no record shows
    /// (an array that is not closed): reported as invalid JSON.
    pub(crate) broken: Option<&'static str>,
}

/// Records of one payload input, in a buffer that is reused.
#[derive(Debug)]
pub(crate) struct Batch {
    /// Index of the payload input.
    pub(crate) payload: usize,
    /// How the input's records are laid out ([`Layout::Binary`]: serialized
    /// bytes, not JSON text).
    pub(crate) layout: Layout,
    pub(crate) buf: Vec<u8>,
    pub(crate) spans: Vec<Span>,
}

impl Default for Batch {
    /// An empty buffer; the reader sets its input and layout as it fills it.
    fn default() -> Batch {
        Batch {
            payload: 0,
            layout: Layout::Lines,
            buf: Vec::new(),
            spans: Vec::new(),
        }
    }
}

impl Buffer for Batch {
    /// Empties the batch; buffers a long record made large are dropped.
    fn recycle(&mut self) {
        if self.buf.capacity() > 4 * CHUNK {
            self.buf = Vec::new();
        }
        if self.spans.capacity() > CHUNK / 8 {
            self.spans = Vec::new();
        }
        self.buf.clear();
        self.spans.clear();
    }
}

/// Where batches come from and go to.
trait Batches {
    /// An empty batch to fill, or `None` when the run is over.
    fn take(&mut self) -> Option<Batch>;
    /// Hands a filled batch on; false when the run is over.
    fn send(&mut self, batch: Batch) -> bool;
}

/// Reads `input`, the run's input number `payload`, laid out as `layout`,
/// into batches of whole records taken from and sent on through a
/// pipeline's `feed`.
pub(crate) fn read<R, N>(
    input: &mut dyn Read,
    payload: usize,
    layout: Layout,
    feed: &mut Feed<Batch, R, N>,
) -> Result<()> {
    let out = &mut FeedBatches {
        feed,
        payload,
        layout,
    };
    match layout {
        Layout::Lines => read_lines(input, out),
        Layout::Document => read_document(input, out),
        Layout::Array => read_array(input, out),
        Layout::Binary => read_binary(input, out),
    }
}

/// A pipeline's feed, handing out batches marked with their input.
struct FeedBatches<'a, R, N> {
    feed: &'a mut Feed<Batch, R, N>,
    payload: usize,
    layout: Layout,
}

impl<R, N> Batches for FeedBatches<'_, R, N> {
    fn take(&mut self) -> Option<Batch> {
        let mut batch = self.feed.take()?;
        batch.payload = self.payload;
        batch.layout = self.layout;
        Some(batch)
    }

    fn send(&mut self, batch: Batch) -> bool {
        self.feed.send(batch)
    }
}

/// Reads NDJSON: one record per non-blank line.
fn read_lines(input: &mut dyn Read, out: &mut dyn Batches) -> Result<()> {
    let mut tail = Vec::new();
    let mut line = 1;
    let mut first = true;
    loop {
        let Some(mut batch) = out.take() else {
            return Ok(());
        };
        let buf = &mut batch.buf;
        buf.extend_from_slice(&tail);
        tail.clear();
        let mut eof = fill(input, buf, CHUNK)?;
        if first {
            strip_bom(buf);
            first = false;
        }
        let mut complete = if eof {
            buf.len()
        } else {
            after_last_newline(buf, 0)
        };
        while complete == 0 && !eof {
            // A line longer than the buffer: read on until it ends.
            let before = buf.len();
            eof = fill(input, buf, before + CHUNK)?;
            complete = if eof {
                buf.len()
            } else {
                after_last_newline(buf, before)
            };
        }
        tail.extend_from_slice(&buf[complete..]);
        buf.truncate(complete);
        line = split_lines(buf, line, &mut batch.spans);
        if !out.send(batch) || eof {
            return Ok(());
        }
    }
}

/// Reads one JSON document: one record (none when the input is blank).
fn read_document(input: &mut dyn Read, out: &mut dyn Batches) -> Result<()> {
    let Some(mut batch) = out.take() else {
        return Ok(());
    };
    input.read_to_end(&mut batch.buf)?;
    strip_bom(&mut batch.buf);
    let buf = &batch.buf;
    if let Some(start) = buf.iter().position(|b| !b.is_ascii_whitespace()) {
        let line = 1 + memchr::memchr_iter(b'\n', &buf[..start]).count() as u64;
        batch.spans.push(Span {
            start,
            end: buf.len(),
            line,
            broken: None,
        });
    }
    out.send(batch);
    Ok(())
}

/// Reads one binary record: the whole input, as it is (even empty: zero
/// bytes can be a datum).
fn read_binary(input: &mut dyn Read, out: &mut dyn Batches) -> Result<()> {
    let Some(mut batch) = out.take() else {
        return Ok(());
    };
    input.read_to_end(&mut batch.buf)?;
    batch.spans.push(Span {
        start: 0,
        end: batch.buf.len(),
        line: 1,
        broken: None,
    });
    out.send(batch);
    Ok(())
}

/// Reads a top-level JSON array: one record per element. Elements are found
/// by their brackets and strings only; each is then parsed on its own, so a
/// broken element is reported at its line and the next ones are still read.
fn read_array(input: &mut dyn Read, out: &mut dyn Batches) -> Result<()> {
    let mut scanner = ArrayScanner::default();
    let mut carry = Vec::new();
    let mut first = true;
    loop {
        let Some(mut batch) = out.take() else {
            return Ok(());
        };
        let buf = &mut batch.buf;
        buf.extend_from_slice(&carry);
        carry.clear();
        let mut from = buf.len();
        let (eof, partial) = loop {
            let eof = fill(input, buf, from + CHUNK)?;
            if first {
                strip_bom(buf);
                first = false;
            }
            let partial = scanner.scan(buf, from.min(buf.len()), &mut batch.spans)?;
            from = buf.len();
            // An element longer than the buffer: read on rather than carry
            // the same bytes from batch to batch.
            if eof || partial.is_none() || !batch.spans.is_empty() {
                break (eof, partial);
            }
        };
        if eof {
            scanner.finish(buf.len(), &mut batch.spans);
        } else if let Some(start) = partial {
            carry.extend_from_slice(&buf[start..]);
            buf.truncate(start);
            scanner.rebase(start);
        }
        if !out.send(batch) || eof || scanner.state == ArrayState::Done {
            return Ok(());
        }
    }
}

/// Reads until `buf` holds at least `want` bytes or the input ends; true at
/// the end of the input.
fn fill(input: &mut dyn Read, buf: &mut Vec<u8>, want: usize) -> io::Result<bool> {
    while buf.len() < want {
        let len = buf.len();
        buf.resize(want, 0);
        match input.read(&mut buf[len..]) {
            Ok(0) => {
                buf.truncate(len);
                return Ok(true);
            }
            Ok(n) => buf.truncate(len + n),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => buf.truncate(len),
            Err(e) => {
                buf.truncate(len);
                return Err(e);
            }
        }
    }
    Ok(false)
}

fn strip_bom(buf: &mut Vec<u8>) {
    if buf.starts_with(BOM) {
        buf.drain(..BOM.len());
    }
}

/// The index after the last newline at or after `from`, or 0 when there is none.
fn after_last_newline(buf: &[u8], from: usize) -> usize {
    memchr::memrchr(b'\n', &buf[from..]).map_or(0, |i| from + i + 1)
}

/// Adds a span per non-blank line of `buf` (whole lines, the first one being
/// line `line`); returns the number of the line after the last.
fn split_lines(buf: &[u8], mut line: u64, spans: &mut Vec<Span>) -> u64 {
    let mut start = 0;
    let mut push = |start: usize, end: usize, line: u64| {
        if buf[start..end].iter().any(|b| !b.is_ascii_whitespace()) {
            spans.push(Span {
                start,
                end,
                line,
                broken: None,
            });
        }
    };
    for newline in memchr::memchr_iter(b'\n', buf) {
        push(start, newline, line);
        start = newline + 1;
        line += 1;
    }
    if start < buf.len() {
        push(start, buf.len(), line);
    }
    line
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum ArrayState {
    /// Before the opening `[`.
    #[default]
    Before,
    /// Between elements; `value_expected` right after `[` or `,`.
    Between { value_expected: bool, opened: bool },
    /// Inside an element that started at `start`.
    Element { start: usize },
    /// After the closing `]`.
    After,
    /// Nothing more to read.
    Done,
}

#[derive(Debug, Default)]
struct ArrayScanner {
    state: ArrayState,
    /// Brackets open inside the current element.
    depth: u32,
    in_string: bool,
    escaped: bool,
    /// The current line (1-based once scanning started).
    line: u64,
    /// The line the current element starts on.
    element_line: u64,
}

impl ArrayScanner {
    /// Scans `buf[from..]`, adding a span per complete element. Returns the
    /// start of an element still open at the end of `buf`.
    fn scan(&mut self, buf: &[u8], from: usize, spans: &mut Vec<Span>) -> Result<Option<usize>> {
        if self.line == 0 {
            self.line = 1;
        }
        let mut i = from;
        while i < buf.len() {
            let byte = buf[i];
            match self.state {
                ArrayState::Before => match byte {
                    b'[' => {
                        self.state = ArrayState::Between {
                            value_expected: true,
                            opened: true,
                        }
                    }
                    _ if byte.is_ascii_whitespace() => {}
                    _ => bail!(
                        "--array expects a top-level array, but line {} starts with `{}`",
                        self.line,
                        char::from(byte).escape_default()
                    ),
                },
                ArrayState::Between {
                    value_expected,
                    opened,
                } => match byte {
                    b']' => {
                        if value_expected && !opened {
                            self.broken(spans, "expected a value after `,`, found `]`");
                        }
                        self.state = ArrayState::After;
                    }
                    b',' => {
                        if value_expected {
                            self.broken(spans, "expected a value, found `,`");
                        }
                        self.state = ArrayState::Between {
                            value_expected: true,
                            opened: false,
                        };
                    }
                    _ if byte.is_ascii_whitespace() => {}
                    _ => {
                        self.state = ArrayState::Element { start: i };
                        self.element_line = self.line;
                        self.depth = 0;
                        continue;
                    }
                },
                ArrayState::Element { start } => {
                    if self.in_string {
                        match (self.escaped, byte) {
                            (true, _) => self.escaped = false,
                            (false, b'\\') => self.escaped = true,
                            (false, b'"') => self.in_string = false,
                            _ => {}
                        }
                    } else {
                        match byte {
                            b'"' => self.in_string = true,
                            b'[' | b'{' => self.depth += 1,
                            b']' | b'}' if self.depth > 0 => self.depth -= 1,
                            b']' | b'}' | b',' if self.depth == 0 => {
                                spans.push(Span {
                                    start,
                                    end: i,
                                    line: self.element_line,
                                    broken: None,
                                });
                                self.state = ArrayState::Between {
                                    value_expected: false,
                                    opened: false,
                                };
                                continue;
                            }
                            _ => {}
                        }
                    }
                }
                ArrayState::After => {
                    if !byte.is_ascii_whitespace() {
                        self.broken(spans, "unexpected text after the top-level array");
                        self.state = ArrayState::Done;
                        return Ok(None);
                    }
                }
                ArrayState::Done => return Ok(None),
            }
            if byte == b'\n' {
                self.line += 1;
            }
            i += 1;
        }
        Ok(match self.state {
            ArrayState::Element { start } => Some(start),
            _ => None,
        })
    }

    /// The input ended at `len`.
    fn finish(&mut self, len: usize, spans: &mut Vec<Span>) {
        match self.state {
            ArrayState::Element { start } => {
                spans.push(Span {
                    start,
                    end: len,
                    line: self.element_line,
                    broken: None,
                });
                self.broken(spans, "the input ends before the top-level array is closed");
            }
            ArrayState::Between { .. } => {
                self.broken(spans, "the input ends before the top-level array is closed")
            }
            ArrayState::Before | ArrayState::After | ArrayState::Done => {}
        }
        self.state = ArrayState::Done;
    }

    /// The open element moves to the start of the next buffer.
    fn rebase(&mut self, start: usize) {
        if let ArrayState::Element { start: s } = &mut self.state {
            *s -= start;
        }
    }

    fn broken(&self, spans: &mut Vec<Span>, message: &'static str) {
        spans.push(Span {
            start: 0,
            end: 0,
            line: self.line,
            broken: Some(message),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Collects batches; `limit` buffers before the run is "over".
    struct Collect {
        batches: Vec<Batch>,
    }

    impl Batches for Collect {
        fn take(&mut self) -> Option<Batch> {
            Some(Batch::default())
        }
        fn send(&mut self, batch: Batch) -> bool {
            self.batches.push(batch);
            true
        }
    }

    /// Each record as (line, text), or (line, "!message") for a broken place.
    fn records(
        read: fn(&mut dyn Read, &mut dyn Batches) -> Result<()>,
        input: &[u8],
    ) -> Vec<(u64, String)> {
        let mut out = Collect {
            batches: Vec::new(),
        };
        read(&mut &input[..], &mut out).unwrap();
        out.batches
            .iter()
            .flat_map(|b| {
                b.spans.iter().map(|s| match s.broken {
                    Some(message) => (s.line, format!("!{message}")),
                    None => (
                        s.line,
                        String::from_utf8_lossy(&b.buf[s.start..s.end])
                            .trim()
                            .to_string(),
                    ),
                })
            })
            .collect()
    }

    fn check(
        read: fn(&mut dyn Read, &mut dyn Batches) -> Result<()>,
        input: &str,
        expect: &[(u64, &str)],
    ) {
        let got = records(read, input.as_bytes());
        let expect: Vec<(u64, String)> = expect.iter().map(|(l, s)| (*l, s.to_string())).collect();
        assert_eq!(got, expect, "input: {input:?}");
    }

    #[test]
    fn lines_skip_blank_lines_and_keep_numbers() {
        check(
            read_lines,
            "{\"a\":1}\n\n  \n{\"a\":2}\r\n{\"a\":3}",
            &[(1, "{\"a\":1}"), (4, "{\"a\":2}"), (5, "{\"a\":3}")],
        );
        check(read_lines, "", &[]);
        check(read_lines, "\n\n", &[]);
        check(read_lines, "\u{feff}{}\n", &[(1, "{}")]);
    }

    #[test]
    fn lines_longer_than_a_chunk_stay_whole() {
        let long = format!("{{\"s\":\"{}\"}}", "x".repeat(3 * CHUNK));
        let input = format!("{{}}\n{long}\n{{}}\n");
        let got = records(read_lines, input.as_bytes());
        assert_eq!(got.len(), 3);
        assert_eq!(got[1], (2, long));
        assert_eq!(got[2].0, 3);
    }

    #[test]
    fn many_chunks_keep_every_line() {
        let input: String = (0..100_000).map(|i| format!("{{\"i\":{i}}}\n")).collect();
        let got = records(read_lines, input.as_bytes());
        assert_eq!(got.len(), 100_000);
        for (i, (line, text)) in got.iter().enumerate() {
            assert_eq!(*line, i as u64 + 1);
            assert_eq!(text, &format!("{{\"i\":{i}}}"));
        }
    }

    #[test]
    fn a_document_is_one_record_from_its_first_line() {
        check(read_document, "\n\n {\"a\":\n1}\n", &[(3, "{\"a\":\n1}")]);
        check(read_document, " \n ", &[]);
    }

    #[test]
    fn array_elements_are_records() {
        check(
            read_array,
            "[\n {\"a\": [1, 2]},\n \"x,]\\\"\",\n 3\n]\n",
            &[(2, "{\"a\": [1, 2]}"), (3, "\"x,]\\\"\""), (4, "3")],
        );
        check(read_array, "[]", &[]);
        check(read_array, "  ", &[]);
    }

    #[test]
    fn broken_arrays_are_reported_where_they_break() {
        check(
            read_array,
            "[1,\n,2]",
            &[(1, "1"), (2, "!expected a value, found `,`"), (2, "2")],
        );
        check(
            read_array,
            "[1,\n2",
            &[
                (1, "1"),
                (2, "2"),
                (2, "!the input ends before the top-level array is closed"),
            ],
        );
        check(
            read_array,
            "[1] x",
            &[(1, "1"), (1, "!unexpected text after the top-level array")],
        );
        check(
            read_array,
            "[1,]",
            &[(1, "1"), (1, "!expected a value after `,`, found `]`")],
        );
    }

    #[test]
    fn array_elements_spanning_chunks_stay_whole() {
        let element = format!("{{\"s\":\"{}\"}}", "y".repeat(CHUNK / 3));
        let input = format!("[{}]", [element.as_str(); 10].join(",\n"));
        let got = records(read_array, input.as_bytes());
        assert_eq!(got.len(), 10);
        for (i, (line, text)) in got.iter().enumerate() {
            assert_eq!(*line, i as u64 + 1);
            assert_eq!(text, &element);
        }
    }

    #[test]
    fn not_an_array_is_an_input_error() {
        let mut out = Collect {
            batches: Vec::new(),
        };
        let error = read_array(&mut &b"\n{\"a\":1}"[..], &mut out).unwrap_err();
        assert_eq!(
            error.to_string(),
            "--array expects a top-level array, but line 2 starts with `{`"
        );
    }
}
