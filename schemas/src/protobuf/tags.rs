//! Protobuf schema tags, as Confluent's `ProtobufSchema` keeps them: in the
//! options `(confluent.message_meta)` of a message (`sr_record`) and
//! `(confluent.field_meta)` of a field (`sr_field`), under `tags`. Paths
//! name messages from the top of the file without the package
//! (`Order`, `Order.Line.sku`, a oneof field also as `Order.choice.card`),
//! a leading `.` allowed (Confluent's `findMatchingElement`).
//!
//! A message or field whose tags change has its options merged and printed
//! as Confluent prints them (`mergeOptions`, then `ProtobufSchemaUtils`:
//! the meta option as one `{ tags: [...] }` aggregate, several options one
//! per line in the order of Java's `HashMap`); the rest of the text stays
//! as submitted, where Confluent prints the whole file again in its own
//! format. A file that names the meta options without
//! `import "confluent/meta.proto"` gets that import (known to Charter
//! without a reference), which Confluent's printing leaves out.

mod options;
mod syntax;

use std::collections::HashMap;

use options::{Opt, bracketed, merge_options, print, read, tags_of, with_tags};
use syntax::{Field, Message, messages};

use crate::tags::text::Edits;
use crate::tags::{EntityTags, EntityType, SchemaEntity, TagEdit, TagError};

const MESSAGE_META: &str = "confluent.message_meta";
const FIELD_META: &str = "confluent.field_meta";

/// The tagged messages and fields of the `.proto` `text`, as Confluent's
/// `inlineTaggedEntities` lists them (each message, then its oneof fields,
/// its fields, its nested messages).
pub(crate) fn tagged_entities(text: &str) -> Result<Vec<EntityTags>, TagError> {
    let mut found = Vec::new();
    for message in messages(text) {
        list(&message, "", text, &mut found);
    }
    Ok(found)
}

fn meta_tags(options: &[Opt], name: &str) -> Vec<String> {
    tags_of(options.iter().find(|o| o.name == name))
}

fn list(message: &Message, scope: &str, text: &str, found: &mut Vec<EntityTags>) {
    let scoped = format!("{scope}{}", message.name);
    let tags = meta_tags(&message_options(message, text), MESSAGE_META);
    if !tags.is_empty() {
        found.push(EntityTags {
            entity: SchemaEntity::new(scoped.clone(), EntityType::Record),
            tags,
        });
    }
    let oneof_fields = message.oneofs.iter().flat_map(|(_, fields)| fields);
    for field in oneof_fields.chain(&message.fields) {
        let tags = meta_tags(&field_options(field, text).0, FIELD_META);
        if !tags.is_empty() {
            found.push(EntityTags {
                entity: SchemaEntity::new(format!("{scoped}.{}", field.name), EntityType::Field),
                tags,
            });
        }
    }
    for nested in &message.nested {
        list(nested, &format!("{scoped}."), text, found);
    }
}

fn message_options(message: &Message, text: &str) -> Vec<Opt> {
    merge_options(
        message
            .statements
            .iter()
            .map(|(_, o)| read(o, text))
            .collect(),
    )
}

/// A field's options merged, and apart its `default` and `json_name`
/// (which Wire keeps outside the options and Confluent prints last).
fn field_options(field: &Field, text: &str) -> (Vec<Opt>, Vec<Opt>) {
    let (special, others): (Vec<Opt>, Vec<Opt>) = field
        .options
        .iter()
        .map(|o| read(o, text))
        .partition(|o| !o.parenthesized && matches!(o.name.as_str(), "default" | "json_name"));
    let mut special = special;
    special.sort_by_key(|o| o.name != "default");
    (merge_options(others), special)
}

/// A message or field of the text, by position.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Element {
    Message(Vec<usize>),
    /// The message, the oneof (if in one) and the field's index.
    Field(Vec<usize>, Option<usize>, usize),
}

/// Confluent's `findMatchingElement`: the element `entity` names.
fn locate(all: &[Message], entity: &SchemaEntity) -> Result<Element, TagError> {
    let path = entity.normalized_path();
    let identifiers: Vec<&str> = path.split('.').collect();
    let is_field = entity.entity_type == EntityType::Field;
    let end = if is_field {
        identifiers.len() - 1
    } else {
        identifiers.len()
    };
    let missing = |kind, name: &str| TagError::NoMatchingElement {
        path: entity.path.clone(),
        kind,
        name: name.to_string(),
    };
    let mut at: Vec<usize> = Vec::new();
    let mut messages = all;
    let mut i = 0;
    while i < end {
        match messages.iter().position(|m| m.name == identifiers[i]) {
            Some(found) => {
                at.push(found);
                messages = &messages[found].nested;
            }
            // The last before a field's name may be its oneof.
            None if is_field && i == end - 1 && !at.is_empty() => break,
            None => return Err(missing("message", identifiers[i])),
        }
        i += 1;
    }
    if !is_field {
        return Ok(Element::Message(at));
    }
    let name = identifiers[identifiers.len() - 1];
    if at.is_empty() {
        return Err(missing("field", name));
    }
    let message = message_at(all, &at);
    if i == end {
        if let Some(f) = message.fields.iter().position(|f| f.name == name) {
            return Ok(Element::Field(at, None, f));
        }
        for (o, (_, fields)) in message.oneofs.iter().enumerate() {
            if let Some(f) = fields.iter().position(|f| f.name == name) {
                return Ok(Element::Field(at, Some(o), f));
            }
        }
    } else if let Some(o) = message.oneofs.iter().position(|(n, _)| n == identifiers[i]) {
        if let Some(f) = message.oneofs[o].1.iter().position(|f| f.name == name) {
            return Ok(Element::Field(at, Some(o), f));
        }
    }
    Err(missing("field", name))
}

fn message_at<'m>(all: &'m [Message], at: &[usize]) -> &'m Message {
    let mut message = &all[at[0]];
    for &i in &at[1..] {
        message = &message.nested[i];
    }
    message
}

fn field_at<'m>(all: &'m [Message], element: &Element) -> Option<&'m Field> {
    match element {
        Element::Field(at, None, f) => message_at(all, at).fields.get(*f),
        Element::Field(at, Some(o), f) => message_at(all, at).oneofs[*o].1.get(*f),
        Element::Message(_) => None,
    }
}

/// The `.proto` `text` with `edit` applied.
pub(crate) fn edit_tags(text: &str, edit: &TagEdit) -> Result<String, TagError> {
    let all = messages(text);
    // The tags of each element touched, in the order first touched.
    let mut touched: Vec<(Element, Vec<String>)> = Vec::new();
    let mut index: HashMap<Element, usize> = HashMap::new();
    for entity in edit.entities() {
        let element = locate(&all, entity)?;
        let at = *index.entry(element.clone()).or_insert_with(|| {
            let tags = match &element {
                Element::Message(at) => {
                    meta_tags(&message_options(message_at(&all, at), text), MESSAGE_META)
                }
                field => meta_tags(
                    &field_options(field_at(&all, field).expect("located"), text).0,
                    FIELD_META,
                ),
            };
            touched.push((element.clone(), tags));
            touched.len() - 1
        });
        let (add, remove) = edit.tags_of(entity);
        let tags = &mut touched[at].1;
        for tag in add {
            if !tags.contains(tag) {
                tags.push(tag.clone());
            }
        }
        tags.retain(|t| !remove.contains(t));
    }
    let mut edits = Edits::default();
    let mut tagged = false;
    for (element, tags) in touched {
        tagged |= !tags.is_empty();
        match &element {
            Element::Message(at) => rewrite_message(message_at(&all, at), &tags, text, &mut edits),
            field => rewrite_field(
                field_at(&all, field).expect("located"),
                &tags,
                text,
                &mut edits,
            ),
        }
    }
    if tagged {
        import_meta(text, &mut edits);
    }
    Ok(edits.apply(text))
}

/// Adds `import "confluent/meta.proto";` where the file has none: after
/// its imports, or its package, or its syntax (Charter compiles the
/// options it names; Confluent's printing of a tagged file leaves it out,
/// so a file it tagged without the import does not compile in Charter).
fn import_meta(text: &str, edits: &mut Edits) {
    let tokens = syntax::tokens(text);
    let word = |i: usize| tokens.get(i).map_or("", |t| &text[t.span.clone()]);
    let mut after = None;
    let mut depth = 0usize;
    for (i, token) in tokens.iter().enumerate() {
        match token.first {
            b'{' => depth += 1,
            b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth > 0 {
            continue;
        }
        match word(i) {
            "import" => {
                let path = tokens[i + 1..]
                    .iter()
                    .map(|t| &text[t.span.clone()])
                    .find(|w| w.starts_with(['"', '\'']));
                if path
                    .is_some_and(|p| p.len() >= 2 && &p[1..p.len() - 1] == "confluent/meta.proto")
                {
                    return;
                }
                after = statement_end(&tokens, i, text).map(|end| (end, true));
            }
            "syntax" | "package" if !after.is_some_and(|(_, import)| import) => {
                after = statement_end(&tokens, i, text).map(|end| (end, false));
            }
            _ => {}
        }
    }
    let line = "import \"confluent/meta.proto\";";
    match after {
        Some((end, true)) => edits.replace(end..end, format!("\n{line}")),
        Some((end, false)) => edits.replace(end..end, format!("\n\n{line}")),
        None => edits.replace(0..0, format!("{line}\n")),
    }
}

/// Where the statement starting at token `i` ends (after its `;`).
fn statement_end(tokens: &[syntax::Token], i: usize, text: &str) -> Option<usize> {
    tokens[i..]
        .iter()
        .find(|t| &text[t.span.clone()] == ";")
        .map(|t| t.span.end)
}

/// The whitespace starting the line at `line_start`.
fn indent_at(text: &str, line_start: usize) -> &str {
    let line = &text[line_start..];
    &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
}

/// `relative` (lines after the first relative to its start) written at a
/// line indented by `indent`.
fn at_indent(relative: &str, indent: &str) -> String {
    relative.replace('\n', &format!("\n{indent}"))
}

/// The options with the meta option `name` holding `tags` (in the meta's
/// place, or last when new).
fn with_meta(mut options: Vec<Opt>, name: &str, tags: &[String]) -> Vec<Opt> {
    let at = options.iter().position(|o| o.name == name);
    let meta = at.map(|i| options.remove(i));
    if let Some(meta) = with_tags(meta, name, tags) {
        options.insert(at.unwrap_or(options.len()), meta);
    }
    options
}

fn rewrite_field(field: &Field, tags: &[String], text: &str, edits: &mut Edits) {
    let (options, special) = field_options(field, text);
    let options = with_meta(options, FIELD_META, tags);
    let printed: Vec<String> = options.iter().chain(&special).map(print).collect();
    let list = if printed.is_empty() {
        String::new()
    } else {
        format!(" {}", bracketed(&printed))
    };
    let indent = indent_at(text, field.line_start);
    edits.replace(field.options_at.clone(), at_indent(&list, indent));
}

/// The range of a statement with its whole line when nothing else is on
/// it.
fn whole_line(text: &str, span: std::ops::Range<usize>) -> std::ops::Range<usize> {
    let line_start = text[..span.start].rfind('\n').map_or(0, |n| n + 1);
    let line_end = text[span.end..]
        .find('\n')
        .map_or(text.len(), |n| span.end + n + 1);
    let alone = text[line_start..span.start].trim().is_empty()
        && text[span.end..line_end].trim().is_empty();
    if alone { line_start..line_end } else { span }
}

fn rewrite_message(message: &Message, tags: &[String], text: &str, edits: &mut Edits) {
    let options = with_meta(message_options(message, text), MESSAGE_META, tags);
    let indent = indent_at(text, message.line_start);
    let body = format!("{indent}  ");
    let statements: Vec<String> = options
        .iter()
        .map(|o| at_indent(&format!("option {};", print(o)), &body))
        .collect();
    match message.statements.first() {
        None if statements.is_empty() => {}
        None => {
            // After `{`, then a blank line as Confluent writes it.
            let block = statements.join(&format!("\n{body}"));
            edits.replace(
                message.open..message.open,
                format!("\n{body}{block}\n{indent}"),
            );
        }
        Some((first, _)) => {
            for (i, (span, _)) in message.statements.iter().enumerate() {
                if i == 0 && !statements.is_empty() {
                    edits.replace(first.clone(), statements.join(&format!("\n{body}")));
                    continue;
                }
                let mut range = whole_line(text, span.clone());
                // The last option gone: the blank line after the options too.
                let last = i + 1 == message.statements.len();
                if statements.is_empty() && last && range.end > span.end {
                    let next_end = text[range.end..].find('\n').map(|n| range.end + n + 1);
                    if let Some(next_end) =
                        next_end.filter(|&e| text[range.end..e].trim().is_empty())
                    {
                        range.end = next_end;
                    }
                }
                edits.replace(range, String::new());
            }
        }
    }
}

#[cfg(test)]
mod tests;
