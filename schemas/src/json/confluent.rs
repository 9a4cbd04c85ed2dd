//! The text the Confluent Schema Registry stores and serves for a JSON
//! Schema registered with `normalize=true`, byte for byte.
//!
//! The peer's `JsonSchema.normalize()` reads its `canonicalString()` again
//! with a Jackson mapper whose objects are `TreeMap`s
//! (`Jackson.newObjectMapper(true)`) and serves that tree written by Jackson:
//! every object's keys sorted (Java `String` order), no whitespace, the last
//! of duplicate keys kept, strings escaped Jackson's way, integers as read
//! (`-0` is `0`), and numbers with a fraction or exponent as exact big
//! decimals (`USE_BIG_DECIMAL_FOR_FLOATS`, no trailing zeros stripped)
//! written by `BigDecimal.toString` (`1.50` stays `1.50`, `1e2` is `1E+2`).
//! The number spellings are why this works on the text, not on the parsed
//! value (which holds floats as doubles).

use crate::jackson::{big_decimal, java_order, write_string};

/// The peer's normalized text of the JSON document `text`; `None` when
/// `text` is not JSON.
pub(crate) fn normalized_text(text: &str) -> Option<String> {
    let mut reader = Reader {
        bytes: text.as_bytes(),
        text,
        at: 0,
    };
    let value = reader.value()?;
    reader.space();
    if reader.at != text.len() {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    write(&value, &mut out);
    Some(out)
}

/// A JSON value with its numbers as written.
enum Token<'t> {
    /// `null`, `true` or `false`.
    Literal(&'t str),
    Number(&'t str),
    Text(String),
    List(Vec<Token<'t>>),
    Object(Vec<(String, Token<'t>)>),
}

struct Reader<'t> {
    bytes: &'t [u8],
    text: &'t str,
    at: usize,
}

impl<'t> Reader<'t> {
    fn space(&mut self) {
        while matches!(self.bytes.get(self.at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> bool {
        self.space();
        let found = self.bytes.get(self.at) == Some(&byte);
        if found {
            self.at += 1;
        }
        found
    }

    fn value(&mut self) -> Option<Token<'t>> {
        self.space();
        let start = self.at;
        match *self.bytes.get(self.at)? {
            b'{' => {
                self.at += 1;
                let mut entries: Vec<(String, Token<'t>)> = Vec::new();
                if self.eat(b'}') {
                    return Some(Token::Object(entries));
                }
                loop {
                    self.space();
                    let key = self.string()?;
                    if !self.eat(b':') {
                        return None;
                    }
                    let value = self.value()?;
                    // Jackson keeps the last of duplicate keys.
                    entries.retain(|(k, _)| *k != key);
                    entries.push((key, value));
                    if self.eat(b'}') {
                        return Some(Token::Object(entries));
                    }
                    if !self.eat(b',') {
                        return None;
                    }
                }
            }
            b'[' => {
                self.at += 1;
                let mut items = Vec::new();
                if self.eat(b']') {
                    return Some(Token::List(items));
                }
                loop {
                    items.push(self.value()?);
                    if self.eat(b']') {
                        return Some(Token::List(items));
                    }
                    if !self.eat(b',') {
                        return None;
                    }
                }
            }
            b'"' => self.string().map(Token::Text),
            b'-' | b'0'..=b'9' => {
                while matches!(
                    self.bytes.get(self.at),
                    Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                ) {
                    self.at += 1;
                }
                Some(Token::Number(&self.text[start..self.at]))
            }
            _ => {
                for literal in ["null", "true", "false"] {
                    if self.text[start..].starts_with(literal) {
                        self.at += literal.len();
                        return Some(Token::Literal(literal));
                    }
                }
                None
            }
        }
    }

    /// A string token at the cursor, decoded.
    fn string(&mut self) -> Option<String> {
        let start = self.at;
        if self.bytes.get(self.at) != Some(&b'"') {
            return None;
        }
        self.at += 1;
        loop {
            match *self.bytes.get(self.at)? {
                b'\\' => self.at += 2,
                b'"' => break,
                _ => self.at += 1,
            }
        }
        self.at += 1;
        serde_json::from_str(self.text.get(start..self.at)?).ok()
    }
}

fn write(token: &Token<'_>, out: &mut String) {
    match token {
        Token::Literal(literal) => out.push_str(literal),
        Token::Number(raw) if raw.contains(['.', 'e', 'E']) => {
            out.push_str(&big_decimal(raw).unwrap_or_else(|| raw.to_string()));
        }
        Token::Number(raw) => out.push_str(if *raw == "-0" { "0" } else { raw }),
        Token::Text(s) => write_string(s, out),
        Token::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(item, out);
            }
            out.push(']');
        }
        Token::Object(entries) => {
            let mut entries: Vec<&(String, Token<'_>)> = entries.iter().collect();
            entries.sort_by(|a, b| java_order(&a.0, &b.0));
            out.push('{');
            for (i, (key, value)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(key, out);
                out.push(':');
                write(value, out);
            }
            out.push('}');
        }
    }
}
