//! The line of a schema file a change path points at, for annotations.

use std::collections::HashMap;

use serde_json::Value;

/// How many local `$ref`s one path may follow (they can form cycles).
const MAX_HOPS: usize = 32;

/// The line (1-based) in `text` of the place `path` (`#/properties/a/type`)
/// names. Change paths go through `$ref`s as if they were inlined, so local
/// references (`#/...`) are followed to where the keyword is written. A
/// path reaching past the file (a removed keyword) gets the line of the
/// nearest place it reaches; text that is not JSON gets line 1.
pub(crate) fn line_of(text: &str, path: &str) -> usize {
    let Ok(root) = serde_json::from_str::<Value>(text) else {
        return 1;
    };
    let pointer = written_pointer(&root, path);
    let lines = pointer_lines(text);
    let mut place = pointer.as_str();
    loop {
        if let Some(line) = lines.get(place) {
            return *line;
        }
        match place.rfind('/') {
            Some(i) => place = &place[..i],
            None => return 1,
        }
    }
}

/// The JSON pointer, in the document as written, of the deepest place `path`
/// reaches.
fn written_pointer(root: &Value, path: &str) -> String {
    let segments = path
        .trim_start_matches('#')
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| schemas::pointer::unescape(s).into_owned());
    let mut pointer = String::new();
    let mut node = root;
    let mut hops = 0;
    for segment in segments {
        loop {
            match node {
                Value::Object(map) if map.contains_key(&segment) => {
                    schemas::pointer::push(&mut pointer, &segment);
                    node = &map[&segment];
                    break;
                }
                Value::Object(map) => {
                    let target = map
                        .get("$ref")
                        .and_then(Value::as_str)
                        .and_then(|r| r.strip_prefix('#'))
                        .and_then(|p| root.pointer(p).map(|n| (p, n)));
                    match target {
                        Some((target_pointer, target)) if hops < MAX_HOPS => {
                            hops += 1;
                            pointer = target_pointer.to_string();
                            node = target;
                        }
                        _ => return pointer,
                    }
                }
                Value::Array(items) => {
                    let index = segment.parse::<usize>().ok().filter(|i| *i < items.len());
                    // `required/name`: the element naming it.
                    let index = index.or_else(|| {
                        items
                            .iter()
                            .position(|item| item.as_str() == Some(segment.as_str()))
                    });
                    match index {
                        Some(i) => {
                            schemas::pointer::push(&mut pointer, &i.to_string());
                            node = &items[i];
                            break;
                        }
                        None => return pointer,
                    }
                }
                _ => return pointer,
            }
        }
    }
    pointer
}

/// The line of every member name and array element of `text` (valid JSON),
/// by JSON pointer.
fn pointer_lines(text: &str) -> HashMap<String, usize> {
    let mut scan = Scan {
        bytes: text.as_bytes(),
        pos: 0,
        line: 1,
        lines: HashMap::new(),
    };
    scan.value(&mut String::new());
    scan.lines
}

struct Scan<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: usize,
    lines: HashMap<String, usize>,
}

impl Scan<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_space(&mut self) {
        while let Some(b) = self.peek() {
            match b {
                b'\n' => self.line += 1,
                b' ' | b'\t' | b'\r' | b':' | b',' => {}
                _ => return,
            }
            self.pos += 1;
        }
    }

    fn value(&mut self, pointer: &mut String) {
        self.skip_space();
        match self.peek() {
            Some(b'{') => self.object(pointer),
            Some(b'[') => self.array(pointer),
            Some(b'"') => {
                self.string();
            }
            Some(_) => {
                while self
                    .peek()
                    .is_some_and(|b| !matches!(b, b',' | b'}' | b']') && !b.is_ascii_whitespace())
                {
                    self.pos += 1;
                }
            }
            None => {}
        }
    }

    fn object(&mut self, pointer: &mut String) {
        self.pos += 1;
        loop {
            self.skip_space();
            match self.peek() {
                Some(b'"') => {
                    let line = self.line;
                    let raw = self.string();
                    let name: String = serde_json::from_str(raw).unwrap_or_default();
                    let len = pointer.len();
                    schemas::pointer::push(pointer, &name);
                    self.lines.insert(pointer.clone(), line);
                    self.value(pointer);
                    pointer.truncate(len);
                }
                Some(b'}') | None => {
                    self.pos += 1;
                    return;
                }
                Some(_) => self.pos += 1,
            }
        }
    }

    fn array(&mut self, pointer: &mut String) {
        self.pos += 1;
        let mut index = 0;
        loop {
            self.skip_space();
            match self.peek() {
                Some(b']') | None => {
                    self.pos += 1;
                    return;
                }
                Some(_) => {
                    let len = pointer.len();
                    schemas::pointer::push(pointer, &index.to_string());
                    self.lines.insert(pointer.clone(), self.line);
                    self.value(pointer);
                    pointer.truncate(len);
                    index += 1;
                }
            }
        }
    }

    /// Skips a string, returning it with its quotes.
    fn string(&mut self) -> &str {
        let start = self.pos;
        self.pos += 1;
        let mut escaped = false;
        while let Some(b) = self.peek() {
            self.pos += 1;
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => break,
                (false, b'\n') => self.line += 1,
                _ => {}
            }
        }
        std::str::from_utf8(&self.bytes[start..self.pos]).unwrap_or("\"\"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMA: &str = r##"{
  "properties": {
    "id": { "type": "string" },
    "payload": { "$ref": "#/$defs/Payload" }
  },
  "$defs": {
    "Payload": {
      "required": [
        "orderId",
        "total"
      ],
      "properties": {
        "orderId": {
          "type": "string"
        },
        "total": { "$ref": "#/$defs/Money" }
      }
    },
    "Money": {
      "type": "number",
      "minimum": 0
    },
    "a/b~c": {}
  }
}"##;

    fn check(path: &str, line: usize) {
        assert_eq!(line_of(SCHEMA, path), line, "{path}");
    }

    #[test]
    fn paths_find_their_key() {
        check("#/properties/id/type", 3);
        check("#/properties/payload", 4);
        check("#/$defs/a~1b~0c", 23);
        check("#/", 1);
    }

    #[test]
    fn local_references_are_followed() {
        check("#/properties/payload/properties/orderId/type", 14);
        check("#/properties/payload/properties/total/minimum", 21);
    }

    #[test]
    fn required_names_find_their_element() {
        check("#/properties/payload/required/total", 10);
    }

    #[test]
    fn removed_places_get_the_nearest_line() {
        check("#/properties/payload/properties/couponCode", 12);
        check("#/properties/gone/type", 2);
    }

    #[test]
    fn text_that_is_not_json_gets_line_one() {
        assert_eq!(line_of("{", "#/properties"), 1);
    }

    #[test]
    fn reference_cycles_end() {
        let text =
            r##"{"$defs":{"a":{"$ref":"#/$defs/b"},"b":{"$ref":"#/$defs/a"}},"$ref":"#/$defs/a"}"##;
        assert_eq!(line_of(text, "#/properties/x"), 1);
    }
}
