//! JSON text without its insignificant whitespace: every token kept as
//! written (key order, number spelling, string escapes), only the spaces,
//! tabs and line breaks between tokens dropped. This is the text a registry
//! keeps of a JSON-based schema (JSON Schema, Avro) registered without
//! normalization.

/// `text` (valid JSON) without whitespace outside strings.
pub fn compact_json(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    for c in text.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            ' ' | '\t' | '\n' | '\r' => {}
            '"' => {
                in_string = true;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::compact_json;

    #[test]
    fn only_whitespace_between_tokens_goes() {
        assert_eq!(
            compact_json("{ \"name\" : \"User\",\n\t\"namespace\": \"a.b\" }"),
            r#"{"name":"User","namespace":"a.b"}"#
        );
        assert_eq!(
            compact_json(r#"{"doc": "two  spaces \" and \\", "n": 1.50e+2 }"#),
            r#"{"doc":"two  spaces \" and \\","n":1.50e+2}"#
        );
        assert_eq!(compact_json("  \"string\"\n"), "\"string\"");
        assert_eq!(
            compact_json("[ 1 , \"\\\\\" , \"x y\" ]"),
            r#"[1,"\\","x y"]"#
        );
    }
}
