//! Option values as Confluent's registry handles them when it changes
//! tags: read as the Wire library reads them (`(a).b = "x"` is option `a`
//! holding `{b: "x"}`; a repeated key in an aggregate is a list), merged by
//! name as `ProtobufSchema.mergeOptions` does (into a Java `HashMap`, whose
//! iteration order the merged options keep), and printed as
//! `ProtobufSchemaUtils.toString` prints them.

use super::syntax::{OptionText, tokens};
use crate::protobuf::confluent::escape;

/// An option's value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    /// A string, decoded.
    Str(String),
    /// A number, `true`, `false` or an enum name, as written.
    Raw(String),
    /// An aggregate: keys in order.
    Map(Vec<(String, Value)>),
    /// A list.
    List(Vec<Value>),
}

/// One option: its name (without parentheses and leading dot), whether it
/// was parenthesized, and its value (`(a).b = v` is `a` = `{b: v}`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Opt {
    pub name: String,
    pub parenthesized: bool,
    pub value: Value,
}

/// Reads an option as written.
pub(crate) fn read(option: &OptionText, text: &str) -> Opt {
    let name = option.name.as_str();
    let (head, rest, parenthesized) = match name.strip_prefix('(') {
        Some(inner) => {
            let close = inner.find(')').unwrap_or(inner.len());
            let rest = inner.get(close + 1..).unwrap_or("");
            (
                &inner[..close],
                rest.strip_prefix('.').unwrap_or(rest),
                true,
            )
        }
        None => match name.split_once('.') {
            Some((head, rest)) => (head, rest, false),
            None => (name, "", false),
        },
    };
    let mut value = parse_value(&text[option.value.clone()]);
    for key in rest.split('.').filter(|k| !k.is_empty()).rev() {
        value = Value::Map(vec![(key.to_string(), value)]);
    }
    Opt {
        name: head.strip_prefix('.').unwrap_or(head).to_string(),
        parenthesized,
        value,
    }
}

/// Parses a value in the text format of option values.
fn parse_value(text: &str) -> Value {
    let tokens = tokens(text);
    let words: Vec<&str> = tokens.iter().map(|t| &text[t.span.clone()]).collect();
    let mut at = 0;
    value_at(&words, &mut at)
}

fn value_at(words: &[&str], at: &mut usize) -> Value {
    let Some(&word) = words.get(*at) else {
        return Value::Raw(String::new());
    };
    *at += 1;
    match word {
        "{" | "<" => {
            let close = if word == "{" { "}" } else { ">" };
            let mut entries: Vec<(String, Value)> = Vec::new();
            while let Some(&key) = words.get(*at) {
                if key == close {
                    *at += 1;
                    break;
                }
                if key == "," || key == ";" {
                    *at += 1;
                    continue;
                }
                *at += 1;
                if words.get(*at) == Some(&":") {
                    *at += 1;
                }
                let value = value_at(words, at);
                match entries.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, Value::List(items))) => items.push(value),
                    Some((_, existing)) => {
                        *existing = Value::List(vec![existing.clone(), value]);
                    }
                    None => entries.push((key.to_string(), value)),
                }
            }
            Value::Map(entries)
        }
        "[" => {
            let mut items = Vec::new();
            while let Some(&next) = words.get(*at) {
                match next {
                    "]" => {
                        *at += 1;
                        break;
                    }
                    "," => *at += 1,
                    _ => items.push(value_at(words, at)),
                }
            }
            Value::List(items)
        }
        "-" => match value_at(words, at) {
            Value::Raw(number) => Value::Raw(format!("-{number}")),
            other => other,
        },
        _ if word.starts_with('"') || word.starts_with('\'') => {
            let mut decoded = unquote(word);
            // Adjacent strings are one.
            while let Some(next) = words.get(*at).filter(|w| w.starts_with(['"', '\''])) {
                decoded.push_str(&unquote(next));
                *at += 1;
            }
            Value::Str(decoded)
        }
        _ => Value::Raw(word.to_string()),
    }
}

/// A quoted string's value (the common escapes decoded).
fn unquote(quoted: &str) -> String {
    let inner = &quoted[1..quoted.len().saturating_sub(1).max(1)];
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('a') => out.push('\u{7}'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('v') => out.push('\u{b}'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// `ProtobufSchema.merge`: two maps merge key by key (a key in both is a
/// list of both values, each once); otherwise the later option wins.
fn merge(existing: Value, replacement: Value) -> Value {
    match (existing, replacement) {
        (Value::Map(mut merged), Value::Map(more)) => {
            for (key, value) in more {
                match merged.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, old)) => {
                        let mut set: Vec<Value> = Vec::new();
                        for v in [old.clone(), value] {
                            let items = match v {
                                Value::List(items) => items,
                                one => vec![one],
                            };
                            for item in items {
                                if !set.contains(&item) {
                                    set.push(item);
                                }
                            }
                        }
                        *old = Value::List(set);
                    }
                    None => merged.push((key, value)),
                }
            }
            Value::Map(merged)
        }
        (_, replacement) => replacement,
    }
}

/// `ProtobufSchema.mergeOptions`: options of one name merged into one, in
/// the iteration order of the Java `HashMap` they are collected in.
pub(crate) fn merge_options(options: Vec<Opt>) -> Vec<Opt> {
    let mut merged: Vec<Opt> = Vec::new();
    for option in options {
        match merged.iter_mut().find(|o| o.name == option.name) {
            Some(existing) => {
                let value = std::mem::replace(&mut existing.value, Value::List(Vec::new()));
                existing.value = merge(value, option.value);
                existing.parenthesized = option.parenthesized;
            }
            None => merged.push(option),
        }
    }
    java_hash_map_order(merged)
}

/// `entries` in the order a Java `HashMap` with these keys, inserted in
/// this order, iterates them (by bucket of the spread `String.hashCode`,
/// then insertion order).
fn java_hash_map_order(entries: Vec<Opt>) -> Vec<Opt> {
    let mut capacity = 16usize;
    while entries.len() * 4 > capacity * 3 {
        capacity *= 2;
    }
    let bucket = |name: &str| {
        let h = name
            .encode_utf16()
            .fold(0i32, |h, c| h.wrapping_mul(31).wrapping_add(i32::from(c)));
        let h = h as u32;
        ((h ^ (h >> 16)) as usize) & (capacity - 1)
    };
    let mut keyed: Vec<(usize, usize, Opt)> = entries
        .into_iter()
        .enumerate()
        .map(|(i, o)| (bucket(&o.name), i, o))
        .collect();
    keyed.sort_by_key(|(b, i, _)| (*b, *i));
    keyed.into_iter().map(|(_, _, o)| o).collect()
}

/// `option` as Confluent prints it (`toString(OptionElement)`): lines
/// relative to where it starts.
pub(crate) fn print(option: &Opt) -> String {
    let name = if option.parenthesized {
        format!("({})", option.name)
    } else {
        option.name.clone()
    };
    match &option.value {
        Value::Str(s) => format!("{name} = \"{}\"", escape(s)),
        Value::Raw(r) => format!("{name} = {r}"),
        Value::Map(entries) => format!("{name} = {{\n{}}}", map_body(entries)),
        Value::List(items) => format!(
            "{name} = {}",
            bracketed(&items.iter().map(shown).collect::<Vec<_>>())
        ),
    }
}

/// A list of option texts as `appendOptions` writes it: one bracketed on
/// the line, several one per line.
pub(crate) fn bracketed(items: &[String]) -> String {
    match items {
        [one] => format!("[{one}]"),
        _ => {
            let last = items.len().saturating_sub(1);
            let lines: Vec<String> = items
                .iter()
                .enumerate()
                .map(|(i, item)| format!("{item}{}", if i < last { "," } else { "" }))
                .collect();
            format!("[\n{}]", indented(&lines))
        }
    }
}

fn map_body(entries: &[(String, Value)]) -> String {
    let last = entries.len().saturating_sub(1);
    let lines: Vec<String> = entries
        .iter()
        .enumerate()
        .map(|(i, (k, v))| format!("{k}: {}{}", shown(v), if i < last { "," } else { "" }))
        .collect();
    indented(&lines)
}

/// A list inside an aggregate: always one item per line.
fn list(items: &[Value]) -> String {
    let last = items.len().saturating_sub(1);
    let lines: Vec<String> = items
        .iter()
        .enumerate()
        .map(|(i, v)| format!("{}{}", shown(v), if i < last { "," } else { "" }))
        .collect();
    format!("[\n{}]", indented(&lines))
}

/// `formatOptionMapOrListValue`.
fn shown(value: &Value) -> String {
    match value {
        Value::Str(s) => format!("\"{}\"", escape(s)),
        Value::Raw(r) => r.clone(),
        Value::Map(entries) => format!("{{\n{}}}", map_body(entries)),
        Value::List(items) => list(items),
    }
}

/// `appendIndented` of each text: every line two spaces in (an empty line
/// too), each ending in a newline.
fn indented(texts: &[String]) -> String {
    let mut out = String::new();
    for text in texts {
        let mut lines: Vec<&str> = text.split('\n').collect();
        if lines.len() > 1 && lines.last() == Some(&"") {
            lines.pop();
        }
        for line in lines {
            out.push_str("  ");
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// The tags a merged meta option holds (`tags` a string or a list).
pub(crate) fn tags_of(meta: Option<&Opt>) -> Vec<String> {
    let Some(Value::Map(entries)) = meta.map(|m| &m.value) else {
        return Vec::new();
    };
    let mut tags: Vec<String> = Vec::new();
    let values = match entries.iter().find(|(k, _)| k == "tags").map(|(_, v)| v) {
        Some(Value::List(items)) => items.clone(),
        Some(one) => vec![one.clone()],
        None => Vec::new(),
    };
    for value in values {
        let tag = match value {
            Value::Str(s) | Value::Raw(s) => s,
            _ => continue,
        };
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    tags
}

/// `meta` (a merged meta option, or none) with its tags set to `tags`,
/// `tags` last when added; `None` when nothing is left in it.
pub(crate) fn with_tags(meta: Option<Opt>, name: &str, tags: &[String]) -> Option<Opt> {
    let mut meta = meta.unwrap_or(Opt {
        name: name.to_string(),
        parenthesized: true,
        value: Value::Map(Vec::new()),
    });
    let mut entries = match meta.value {
        Value::Map(entries) => entries,
        _ => Vec::new(),
    };
    let list = Value::List(tags.iter().cloned().map(Value::Str).collect());
    match entries.iter().position(|(k, _)| k == "tags") {
        Some(i) if tags.is_empty() => {
            entries.remove(i);
        }
        Some(i) => entries[i].1 = list,
        None if tags.is_empty() => {}
        None => entries.push(("tags".to_string(), list)),
    }
    if entries.is_empty() {
        return None;
    }
    meta.value = Value::Map(entries);
    Some(meta)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opt(name: &str, value: &str) -> Opt {
        let text = format!("{name} = {value}");
        let value_start = name.len() + 3;
        read(
            &OptionText {
                name: name.replace(' ', ""),
                value: value_start..text.len(),
            },
            &text,
        )
    }

    #[test]
    fn the_forms_of_a_meta_option_merge_into_one_map() {
        let merged = merge_options(vec![
            opt("(confluent.field_meta).tags", "\"OTHER\""),
            opt("(confluent.field_meta).tags", "\"PRIVATE\""),
            opt(
                "(confluent.field_meta)",
                "{ doc: \"d\" tags: [\"PII\", \"OTHER\"] }",
            ),
        ]);
        assert_eq!(merged.len(), 1);
        assert_eq!(tags_of(merged.first()), ["OTHER", "PRIVATE", "PII"]);
        assert_eq!(
            print(&merged[0]),
            "(confluent.field_meta) = {\n  tags: [\n    \"OTHER\",\n    \"PRIVATE\",\n    \"PII\"\n  ],\n  doc: \"d\"\n}"
        );
        let params = opt(
            "(confluent.field_meta)",
            "{ params: [ { value: \"8\", key: \"precision\" } ] }",
        );
        assert_eq!(
            print(&params),
            "(confluent.field_meta) = {\n  params: [\n    {\n      value: \"8\",\n      key: \"precision\"\n    }\n  ]\n}"
        );
        assert_eq!(print(&opt("deprecated", "true")), "deprecated = true");
        assert_eq!(bracketed(&["a = 1".into()]), "[a = 1]");
        assert_eq!(
            bracketed(&["a = 1".into(), "b = 2".into()]),
            "[\n  a = 1,\n  b = 2\n]"
        );
    }

    #[test]
    fn merged_options_iterate_as_a_java_hash_map() {
        // Java's spread hashes put these in buckets 2 (confluent.field_meta),
        // 7 (deprecated), 12 (packed) and 15 (otherOption) of 16.
        let names: Vec<String> = merge_options(vec![
            opt("otherOption", "\"foo\""),
            opt("packed", "true"),
            opt("(confluent.field_meta).tags", "\"X\""),
            opt("deprecated", "true"),
        ])
        .into_iter()
        .map(|o| o.name)
        .collect();
        assert_eq!(
            names,
            [
                "confluent.field_meta",
                "deprecated",
                "packed",
                "otherOption"
            ]
        );
    }
}
