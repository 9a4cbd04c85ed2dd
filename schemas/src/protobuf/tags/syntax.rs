//! The parts of a `.proto` text that schema tags touch, with their byte
//! spans: messages (nested ones too), their `option` statements, fields
//! and oneofs, and each field's `[...]` option list. Read with a small
//! tokenizer (comments and strings skipped) after the schema compiled, so
//! the text is valid Protobuf; enums, services and `extend` blocks are
//! skipped whole.

use std::ops::Range;

/// One token: its text's span and what it starts with.
#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub span: Range<usize>,
    /// The first byte (`"` or `'` for a string, a digit, a letter, or the
    /// symbol itself).
    pub first: u8,
}

/// The tokens of `text`, comments and whitespace left out.
pub(crate) fn tokens(text: &str) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let b = bytes[at];
        if b.is_ascii_whitespace() {
            at += 1;
        } else if text[at..].starts_with("//") {
            at = text[at..].find('\n').map_or(bytes.len(), |n| at + n + 1);
        } else if text[at..].starts_with("/*") {
            at = text[at + 2..]
                .find("*/")
                .map_or(bytes.len(), |n| at + 2 + n + 2);
        } else if b == b'"' || b == b'\'' {
            let start = at;
            at += 1;
            while at < bytes.len() && bytes[at] != b {
                at += if bytes[at] == b'\\' { 2 } else { 1 };
            }
            at = (at + 1).min(bytes.len());
            out.push(Token {
                span: start..at,
                first: b,
            });
        } else if b.is_ascii_alphanumeric() || b == b'_' || b == b'.' {
            let start = at;
            while at < bytes.len()
                && (bytes[at].is_ascii_alphanumeric() || matches!(bytes[at], b'_' | b'.'))
            {
                at += 1;
            }
            out.push(Token {
                span: start..at,
                first: b,
            });
        } else {
            out.push(Token {
                span: at..at + 1,
                first: b,
            });
            at += 1;
        }
    }
    out
}

/// An option: its name as written without whitespace (`(a.b).c`), and the
/// tokens of its value.
#[derive(Debug, Clone)]
pub(crate) struct OptionText {
    pub name: String,
    pub value: Range<usize>,
}

/// A field (of a message or a oneof).
#[derive(Debug, Clone)]
pub(crate) struct Field {
    pub name: String,
    /// Where the option list goes or is: from the end of the field number
    /// to the `;` (exclusive).
    pub options_at: Range<usize>,
    /// Its options, in order (`default` and `json_name` included).
    pub options: Vec<OptionText>,
    /// Where its line starts.
    pub line_start: usize,
}

/// A message.
#[derive(Debug, Clone)]
pub(crate) struct Message {
    pub name: String,
    /// Just after its `{`.
    pub open: usize,
    /// Where its line starts.
    pub line_start: usize,
    /// Its `option` statements: the span from `option` to after `;`.
    pub statements: Vec<(Range<usize>, OptionText)>,
    pub fields: Vec<Field>,
    pub oneofs: Vec<(String, Vec<Field>)>,
    pub nested: Vec<Message>,
}

/// Reads the messages of a file.
pub(crate) fn messages(text: &str) -> Vec<Message> {
    let tokens = tokens(text);
    let mut reader = Reader {
        text,
        tokens: &tokens,
        at: 0,
    };
    let mut found = Vec::new();
    while reader.at < tokens.len() {
        if reader.word() == "message" {
            found.push(reader.message());
        } else {
            reader.skip_statement();
        }
    }
    found
}

struct Reader<'t> {
    text: &'t str,
    tokens: &'t [Token],
    at: usize,
}

impl Reader<'_> {
    fn word(&self) -> &str {
        self.tokens
            .get(self.at)
            .map_or("", |t| &self.text[t.span.clone()])
    }

    fn start(&self) -> usize {
        self.tokens
            .get(self.at)
            .map_or(self.text.len(), |t| t.span.start)
    }

    /// Skips to after the `;` or the balanced `{...}` ending a statement.
    fn skip_statement(&mut self) {
        let mut depth = 0usize;
        while let Some(token) = self.tokens.get(self.at) {
            self.at += 1;
            match token.first {
                b'{' => depth += 1,
                b'}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return;
                    }
                }
                b';' if depth == 0 => return,
                _ => {}
            }
        }
    }

    fn line_start(&self, at: usize) -> usize {
        self.text[..at].rfind('\n').map_or(0, |n| n + 1)
    }

    /// At `message Name {`: reads the message through its `}`.
    fn message(&mut self) -> Message {
        let line_start = self.line_start(self.start());
        self.at += 1;
        let name = self.word().to_string();
        self.at += 2;
        let open = self
            .tokens
            .get(self.at - 1)
            .map_or(self.text.len(), |t| t.span.end);
        let mut message = Message {
            name,
            open,
            line_start,
            statements: Vec::new(),
            fields: Vec::new(),
            oneofs: Vec::new(),
            nested: Vec::new(),
        };
        while self.at < self.tokens.len() {
            match self.word() {
                "}" => {
                    self.at += 1;
                    break;
                }
                "message" => message.nested.push(self.message()),
                "oneof" => {
                    self.at += 1;
                    let name = self.word().to_string();
                    self.at += 2;
                    let mut fields = Vec::new();
                    while self.at < self.tokens.len() && self.word() != "}" {
                        if self.word() == "option" {
                            self.skip_statement();
                        } else if let Some(field) = self.field() {
                            fields.push(field);
                        }
                    }
                    self.at += 1;
                    message.oneofs.push((name, fields));
                }
                "option" => {
                    let start = self.start();
                    self.at += 1;
                    let option = self.option();
                    let end = self
                        .tokens
                        .get(self.at)
                        .map_or(self.text.len(), |t| t.span.end);
                    self.at += 1;
                    message.statements.push((start..end, option));
                }
                "enum" | "extend" | "reserved" | "extensions" | ";" => self.skip_statement(),
                _ => {
                    if let Some(field) = self.field() {
                        message.fields.push(field);
                    }
                }
            }
        }
        message
    }

    /// An option `name = value` up to (not past) the `,`, `]` or `;` that
    /// ends it.
    fn option(&mut self) -> OptionText {
        let mut name = String::new();
        while self.at < self.tokens.len() && self.word() != "=" {
            name.push_str(self.word());
            self.at += 1;
        }
        self.at += 1;
        let start = self.start();
        let mut end = start;
        let mut depth = 0usize;
        while let Some(token) = self.tokens.get(self.at) {
            match token.first {
                b'{' | b'[' => depth += 1,
                b'}' | b']' if depth > 0 => depth -= 1,
                b',' | b']' | b';' if depth == 0 => break,
                _ => {}
            }
            end = token.span.end;
            self.at += 1;
        }
        OptionText {
            name,
            value: start..end,
        }
    }

    /// A field statement (`None` for a `group` or anything else, skipped).
    fn field(&mut self) -> Option<Field> {
        let line_start = self.line_start(self.start());
        let mut name = None;
        // Up to `=`, with `<...>` of a map type in between.
        while let Some(token) = self.tokens.get(self.at) {
            match token.first {
                b'=' => break,
                b';' | b'{' | b'}' => {
                    self.skip_statement();
                    return None;
                }
                _ => name = Some(self.text[token.span.clone()].to_string()),
            }
            self.at += 1;
        }
        self.at += 1;
        let number_end = self.tokens.get(self.at)?.span.end;
        self.at += 1;
        let mut options = Vec::new();
        if self.word() == "[" {
            self.at += 1;
            while self.at < self.tokens.len() && self.word() != "]" {
                options.push(self.option());
                if self.word() == "," {
                    self.at += 1;
                }
            }
            self.at += 1;
        }
        if self.word() != ";" {
            // A group's body, or something unexpected: skip it.
            self.skip_statement();
            return None;
        }
        let end = self.start();
        self.at += 1;
        Some(Field {
            name: name?,
            options_at: number_end..end,
            options,
            line_start,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_fields_oneofs_and_options_are_found_with_their_spans() {
        let text = "syntax = \"proto3\";\n// message Nope {}\nmessage A {\n  option (m).tags = \"X\";\n  map<string, int32> m = 1 [(f) = { tags: [\"a\"] }, deprecated = true];\n  oneof o {\n    string s = 2;\n  }\n  enum E { Z = 0; }\n  message B {\n    int32 n = 3;\n  }\n}\n";
        let found = messages(text);
        assert_eq!(found.len(), 1);
        let a = &found[0];
        assert_eq!(a.name, "A");
        assert_eq!(&text[a.statements[0].0.clone()], "option (m).tags = \"X\";");
        assert_eq!(a.statements[0].1.name, "(m).tags");
        assert_eq!(a.fields[0].name, "m");
        let options: Vec<_> = a.fields[0]
            .options
            .iter()
            .map(|o| (o.name.as_str(), &text[o.value.clone()]))
            .collect();
        assert_eq!(
            options,
            [("(f)", "{ tags: [\"a\"] }"), ("deprecated", "true")]
        );
        assert_eq!(
            &text[a.fields[0].options_at.clone()],
            " [(f) = { tags: [\"a\"] }, deprecated = true]"
        );
        assert_eq!(a.oneofs[0].0, "o");
        assert_eq!(a.oneofs[0].1[0].name, "s");
        assert_eq!(a.nested[0].name, "B");
        assert_eq!(a.nested[0].fields[0].name, "n");
        assert_eq!(
            &text[a.nested[0].line_start..a.nested[0].open],
            "  message B {"
        );
    }
}
