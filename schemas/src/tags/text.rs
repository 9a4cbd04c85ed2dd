//! JSON text read with the byte span of every value, and edited in place:
//! what tag application needs to change one object's `confluent:tags` and
//! leave every other byte of the text as it was written.

use std::ops::Range;

/// One JSON value of a text, with where it is.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    /// An object: its members in the order written.
    Object {
        /// From `{` to after `}`.
        span: Range<usize>,
        /// The members.
        members: Vec<Member>,
    },
    /// An array.
    Array {
        /// From `[` to after `]`.
        span: Range<usize>,
        /// The elements.
        items: Vec<Node>,
    },
    /// A string, decoded.
    String {
        /// The quoted text.
        span: Range<usize>,
        /// Its value.
        value: String,
    },
    /// A number, `true`, `false` or `null`.
    Other {
        /// Its text.
        span: Range<usize>,
    },
}

/// One member of an object.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Member {
    /// The key, decoded.
    pub key: String,
    /// Where the quoted key starts.
    pub key_start: usize,
    /// The value.
    pub value: Node,
}

/// Why a text could not be read (a schema that parsed is valid JSON, so
/// this names the first byte the reader did not expect).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not JSON at byte {0}")]
pub struct NotJson(pub usize);

impl Node {
    /// Reads `text` (one JSON value, whitespace around it allowed).
    pub(crate) fn parse(text: &str) -> Result<Node, NotJson> {
        let mut reader = Reader {
            text,
            bytes: text.as_bytes(),
            at: 0,
        };
        let node = reader.value(0)?;
        reader.skip_whitespace();
        if reader.at != text.len() {
            return Err(NotJson(reader.at));
        }
        Ok(node)
    }

    /// Where the value is.
    pub(crate) fn span(&self) -> Range<usize> {
        match self {
            Node::Object { span, .. }
            | Node::Array { span, .. }
            | Node::String { span, .. }
            | Node::Other { span } => span.clone(),
        }
    }

    /// The value of member `key` of an object (the first, if repeated).
    pub(crate) fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Object { members, .. } => members.iter().find(|m| m.key == key).map(|m| &m.value),
            _ => None,
        }
    }

    /// The members of an object (none for other values).
    pub(crate) fn members(&self) -> &[Member] {
        match self {
            Node::Object { members, .. } => members,
            _ => &[],
        }
    }

    /// The elements of an array (none for other values).
    pub(crate) fn items(&self) -> &[Node] {
        match self {
            Node::Array { items, .. } => items,
            _ => &[],
        }
    }

    /// The value of a string.
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Node::String { value, .. } => Some(value),
            _ => None,
        }
    }

    /// Whether this is an object.
    pub(crate) fn is_object(&self) -> bool {
        matches!(self, Node::Object { .. })
    }
}

/// Deepest nesting read; deeper texts are refused rather than overflow the
/// stack (a parsed schema is far shallower: the parsers' own guards).
const MAX_DEPTH: usize = 512;

struct Reader<'t> {
    text: &'t str,
    bytes: &'t [u8],
    at: usize,
}

impl Reader<'_> {
    fn skip_whitespace(&mut self) {
        while self
            .bytes
            .get(self.at)
            .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        {
            self.at += 1;
        }
    }

    fn expect(&mut self, byte: u8) -> Result<(), NotJson> {
        self.skip_whitespace();
        if self.bytes.get(self.at) == Some(&byte) {
            self.at += 1;
            Ok(())
        } else {
            Err(NotJson(self.at))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node, NotJson> {
        self.skip_whitespace();
        if depth > MAX_DEPTH {
            return Err(NotJson(self.at));
        }
        let start = self.at;
        match self.bytes.get(start) {
            Some(b'{') => {
                self.at += 1;
                let mut members = Vec::new();
                self.skip_whitespace();
                if self.bytes.get(self.at) == Some(&b'}') {
                    self.at += 1;
                } else {
                    loop {
                        self.skip_whitespace();
                        let key_start = self.at;
                        let key = match self.string()? {
                            Node::String { value, .. } => value,
                            _ => return Err(NotJson(key_start)),
                        };
                        self.expect(b':')?;
                        let value = self.value(depth + 1)?;
                        members.push(Member {
                            key,
                            key_start,
                            value,
                        });
                        self.skip_whitespace();
                        match self.bytes.get(self.at) {
                            Some(b',') => self.at += 1,
                            Some(b'}') => {
                                self.at += 1;
                                break;
                            }
                            _ => return Err(NotJson(self.at)),
                        }
                    }
                }
                Ok(Node::Object {
                    span: start..self.at,
                    members,
                })
            }
            Some(b'[') => {
                self.at += 1;
                let mut items = Vec::new();
                self.skip_whitespace();
                if self.bytes.get(self.at) == Some(&b']') {
                    self.at += 1;
                } else {
                    loop {
                        items.push(self.value(depth + 1)?);
                        self.skip_whitespace();
                        match self.bytes.get(self.at) {
                            Some(b',') => self.at += 1,
                            Some(b']') => {
                                self.at += 1;
                                break;
                            }
                            _ => return Err(NotJson(self.at)),
                        }
                    }
                }
                Ok(Node::Array {
                    span: start..self.at,
                    items,
                })
            }
            Some(b'"') => self.string(),
            Some(_) => {
                while self
                    .bytes
                    .get(self.at)
                    .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b'.'))
                {
                    self.at += 1;
                }
                if self.at == start {
                    return Err(NotJson(start));
                }
                Ok(Node::Other {
                    span: start..self.at,
                })
            }
            None => Err(NotJson(start)),
        }
    }

    /// A string at the cursor, decoded by serde_json (escapes and all).
    fn string(&mut self) -> Result<Node, NotJson> {
        let start = self.at;
        if self.bytes.get(start) != Some(&b'"') {
            return Err(NotJson(start));
        }
        let mut at = start + 1;
        loop {
            match self.bytes.get(at) {
                Some(b'\\') => at += 2,
                Some(b'"') => break,
                Some(_) => at += 1,
                None => return Err(NotJson(start)),
            }
        }
        let end = at + 1;
        let quoted = self.text.get(start..end).ok_or(NotJson(start))?;
        let value = serde_json::from_str::<String>(quoted).map_err(|_| NotJson(start))?;
        self.at = end;
        Ok(Node::String {
            span: start..end,
            value,
        })
    }
}

/// Replacements of byte ranges of one text, applied together.
#[derive(Debug, Default)]
pub(crate) struct Edits {
    edits: Vec<(Range<usize>, String)>,
}

impl Edits {
    /// Replaces `range` with `with` (an empty range inserts).
    pub(crate) fn replace(&mut self, range: Range<usize>, with: String) {
        self.edits.push((range, with));
    }

    /// Sets member `key` of `object` to the raw JSON `value`, or removes it
    /// when `value` is `None`; the member keeps its place when it exists and
    /// is appended otherwise.
    pub(crate) fn set_member(&mut self, object: &Node, key: &str, value: Option<String>) {
        let Node::Object { span, members } = object else {
            return;
        };
        let found = members.iter().position(|m| m.key == key);
        let quoted_key = serde_json::to_string(key).expect("a string serializes");
        match (found, value) {
            (Some(i), Some(value)) => self.replace(members[i].value.span(), value),
            (Some(i), None) => {
                let end = members[i].value.span().end;
                let range = if i > 0 {
                    members[i - 1].value.span().end..end
                } else if let Some(next) = members.get(1) {
                    members[0].key_start..next.key_start
                } else {
                    members[0].key_start..end
                };
                self.replace(range, String::new());
            }
            (None, Some(value)) => {
                let (at, comma) = match members.last() {
                    Some(last) => (last.value.span().end, ","),
                    None => (span.start + 1, ""),
                };
                self.replace(at..at, format!("{comma}{quoted_key}:{value}"));
            }
            (None, None) => {}
        }
    }

    /// `text` with every replacement made (ranges must not overlap).
    pub(crate) fn apply(mut self, text: &str) -> String {
        self.edits
            .sort_by_key(|(range, _)| (range.start, range.end));
        let mut out = String::with_capacity(text.len() + 64);
        let mut at = 0;
        for (range, with) in self.edits {
            out.push_str(&text[at..range.start]);
            out.push_str(&with);
            at = range.end;
        }
        out.push_str(&text[at..]);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edited(text: &str, path: &[&str], value: Option<&str>) -> String {
        let root = Node::parse(text).unwrap();
        let mut node = &root;
        for key in path {
            node = node.get(key).unwrap();
        }
        let mut edits = Edits::default();
        edits.set_member(node, "t", value.map(str::to_string));
        edits.apply(text)
    }

    #[test]
    fn reads_spans_and_decodes_strings() {
        let text = r#"{"a\u0062":[1, -2.5e+3,true],"c":{}}"#;
        let root = Node::parse(text).unwrap();
        assert_eq!(root.span(), 0..text.len());
        assert_eq!(root.members()[0].key, "ab");
        assert_eq!(root.get("ab").unwrap().items().len(), 3);
        assert_eq!(&text[root.get("ab").unwrap().items()[1].span()], "-2.5e+3");
        assert!(root.get("c").unwrap().is_object());
        assert_eq!(Node::parse("{\"a\" 1}"), Err(NotJson(5)));
        assert_eq!(Node::parse("[1] x"), Err(NotJson(4)));
    }

    #[test]
    fn members_are_replaced_removed_and_appended_in_place() {
        assert_eq!(
            edited(r#"{"a":1,"t":[1]}"#, &[], Some("[2]")),
            r#"{"a":1,"t":[2]}"#
        );
        assert_eq!(
            edited(r#"{"a":1,"t":[1],"b":2}"#, &[], None),
            r#"{"a":1,"b":2}"#
        );
        assert_eq!(edited(r#"{"t":[1],"b":2}"#, &[], None), r#"{"b":2}"#);
        assert_eq!(edited(r#"{"t":[1]}"#, &[], None), r#"{}"#);
        assert_eq!(
            edited(r#"{"a":1.50}"#, &[], Some("[3]")),
            r#"{"a":1.50,"t":[3]}"#
        );
        assert_eq!(
            edited(r#"{"x":{}}"#, &["x"], Some("[3]")),
            r#"{"x":{"t":[3]}}"#
        );
        assert_eq!(edited(r#"{"a":1}"#, &[], None), r#"{"a":1}"#);
    }
}
