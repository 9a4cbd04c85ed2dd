//! The order in which Confluent numbers the branches of a JSON Schema
//! combinator in tag paths (`object.x.anyof.1.object.y`): its registry loads
//! each schema with the everit library and sorts a combinator's branches
//! with `JsonSchemaComparator` (the kind of schema in alphabetical order of
//! everit's class names, then title, description and default, then what
//! each kind holds). [`Loaded`] is that view of a JSON object: the everit
//! class it loads as, keyword by keyword as everit's `SchemaLoader` decides
//! (a `$ref` alone; several kinds of keywords together are a synthetic
//! `allOf` of one schema per kind, whose branches carry no title and no
//! tags of their own; a `type` list is an `anyOf` of one schema per type).

use std::cmp::Ordering;

use crate::tags::text::Node;

/// Everit's schema classes, in the order `JsonSchemaComparator.SchemaType`
/// lists them (alphabetical).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Array,
    Boolean,
    Combined,
    Conditional,
    Const,
    Empty,
    Enum,
    False,
    Not,
    Null,
    Number,
    Object,
    Reference,
    String,
    True,
}

/// A JSON Schema as everit loads it, over the JSON text's nodes.
#[derive(Debug)]
pub(crate) struct Loaded<'n> {
    kind: Kind,
    /// The object whose keywords it was loaded from.
    pub node: &'n Node,
    /// Whether it carries the object's title, description, default and
    /// unprocessed keywords (`confluent:tags`, `definitions`): false for
    /// the branches everit makes up from one object.
    pub own: bool,
    /// A combinator's criterion (`allof`, `anyof`, `oneof`).
    pub criterion: Option<&'static str>,
    /// A combinator's branches, `not`'s schema, an array's items, or a
    /// conditional's `if`, `then` and `else` (absent ones `None`).
    pub parts: Vec<Option<Loaded<'n>>>,
}

const OBJECT_WORDS: &[&str] = &[
    "properties",
    "required",
    "additionalProperties",
    "minProperties",
    "maxProperties",
    "dependencies",
    "patternProperties",
    "propertyNames",
];
const ARRAY_WORDS: &[&str] = &[
    "items",
    "additionalItems",
    "minItems",
    "maxItems",
    "uniqueItems",
    "contains",
];
const STRING_WORDS: &[&str] = &["minLength", "maxLength", "pattern", "format"];
const NUMBER_WORDS: &[&str] = &[
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
];

impl<'n> Loaded<'n> {
    /// `node` loaded as everit loads a schema.
    pub(crate) fn of(node: &'n Node, text: &str) -> Loaded<'n> {
        let leaf = |kind| Loaded {
            kind,
            node,
            own: true,
            criterion: None,
            parts: Vec::new(),
        };
        if !node.is_object() {
            return leaf(match &text[node.span()] {
                "false" => Kind::False,
                _ => Kind::True,
            });
        }
        if node.get("$ref").is_some() {
            return leaf(Kind::Reference);
        }
        let mut found: Vec<Loaded<'n>> = Vec::new();
        let part = |kind, parts| Loaded {
            kind,
            node,
            own: false,
            criterion: None,
            parts,
        };
        if node.get("enum").is_some() {
            found.push(part(Kind::Enum, Vec::new()));
        }
        for (keyword, criterion) in [("allOf", "allof"), ("anyOf", "anyof"), ("oneOf", "oneof")] {
            if let Some(list) = node.get(keyword) {
                let branches = list.items().iter().map(|b| Some(Loaded::of(b, text)));
                let mut combined = part(Kind::Combined, branches.collect());
                combined.criterion = Some(criterion);
                found.push(combined);
            }
        }
        if let Some(not) = node.get("not") {
            found.push(part(Kind::Not, vec![Some(Loaded::of(not, text))]));
        }
        if node.get("const").is_some() {
            found.push(part(Kind::Const, Vec::new()));
        }
        match node.get("type") {
            Some(Node::Array { items, .. }) => {
                let types = items.iter().filter_map(Node::as_str);
                let branches = types.map(|t| Some(typed(node, t, text)));
                let mut combined = part(Kind::Combined, branches.collect());
                combined.criterion = Some("anyof");
                found.push(combined);
            }
            Some(one) => found.extend(one.as_str().map(|t| typed(node, t, text))),
            None => {
                for (words, kind) in [
                    (ARRAY_WORDS, "array"),
                    (NUMBER_WORDS, "number"),
                    (OBJECT_WORDS, "object"),
                    (STRING_WORDS, "string"),
                ] {
                    if words.iter().any(|w| node.get(w).is_some()) {
                        found.push(typed(node, kind, text));
                    }
                }
            }
        }
        if ["if", "then", "else"].iter().any(|k| node.get(k).is_some()) {
            let branch = |k| node.get(k).map(|b| Loaded::of(b, text));
            let parts = vec![branch("if"), branch("then"), branch("else")];
            found.push(part(Kind::Conditional, parts));
        }
        let mut loaded = match found.len() {
            0 => leaf(Kind::Empty),
            1 => found.pop().expect("one"),
            _ => {
                let mut all = part(Kind::Combined, found.into_iter().map(Some).collect());
                all.criterion = Some("allof");
                all
            }
        };
        loaded.own = true;
        loaded
    }

    /// Whether it loads as an object schema.
    pub(crate) fn is_object(&self) -> bool {
        self.kind == Kind::Object
    }

    /// Whether it is a combinator, a conditional, `not` or an array.
    pub(crate) fn label(&self) -> Option<&'static str> {
        match self.kind {
            Kind::Combined => self.criterion,
            Kind::Conditional => Some("conditional"),
            Kind::Not => Some("not"),
            Kind::Array => Some("array"),
            _ => None,
        }
    }

    /// A combinator's branches in Confluent's order.
    pub(crate) fn sorted_branches(&self, root: &Node, text: &str) -> Vec<&Loaded<'n>> {
        self.branches_in(&mut Comparison::new(root, text))
    }

    fn branches_in(&self, comparison: &mut Comparison) -> Vec<&Loaded<'n>> {
        let mut branches: Vec<&Loaded<'n>> = self.parts.iter().flatten().collect();
        branches.sort_by(|a, b| comparison.compare(Some(a), Some(b)));
        branches
    }
}

/// The schemas `nodes` in Confluent's order (its `JsonNodeComparator`).
pub(crate) fn sorted<'n>(nodes: &'n [Node], root: &Node, text: &str) -> Vec<&'n Node> {
    let mut loaded: Vec<Loaded<'n>> = nodes.iter().map(|n| Loaded::of(n, text)).collect();
    let mut comparison = Comparison::new(root, text);
    loaded.sort_by(|a, b| comparison.compare(Some(a), Some(b)));
    loaded.into_iter().map(|l| l.node).collect()
}

/// The schema of one explicit `type` over `node`'s keywords.
fn typed<'n>(node: &'n Node, name: &str, text: &str) -> Loaded<'n> {
    let kind = match name {
        "array" => Kind::Array,
        "boolean" => Kind::Boolean,
        "null" => Kind::Null,
        "number" | "integer" => Kind::Number,
        "object" => Kind::Object,
        _ => Kind::String,
    };
    let parts = match (kind, node.get("items")) {
        (Kind::Array, Some(items)) if !matches!(items, Node::Array { .. }) => {
            vec![Some(Loaded::of(items, text))]
        }
        (Kind::Array, _) => vec![None],
        _ => Vec::new(),
    };
    Loaded {
        kind,
        node,
        own: false,
        criterion: None,
        parts,
    }
}

/// A value as Java's `toString` of everit's JSON value shows it: a string
/// as it is, anything else as compact JSON.
fn shown(node: &Node, text: &str) -> String {
    match node {
        Node::String { value, .. } => value.clone(),
        _ => serde_json::from_str::<serde_json::Value>(&text[node.span()])
            .map(|v| v.to_string())
            .unwrap_or_else(|_| text[node.span()].to_string()),
    }
}

/// One sort's comparisons: the document references resolve in, and the
/// pairs of references being followed (a pair met again compares equal:
/// circular references do not recurse forever, as Confluent's
/// comparator guards them since DGS-23701).
struct Comparison<'c> {
    root: &'c Node,
    text: &'c str,
    following: Vec<(String, String)>,
}

impl<'c> Comparison<'c> {
    fn new(root: &'c Node, text: &'c str) -> Comparison<'c> {
        Comparison {
            root,
            text,
            following: Vec::new(),
        }
    }

    /// `JsonSchemaComparator.compare`, absent schemas first.
    fn compare(&mut self, a: Option<&Loaded>, b: Option<&Loaded>) -> Ordering {
        let (a, b) = match (a, b) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(a), Some(b)) => (a, b),
        };
        let text = self.text;
        let own = |l: &Loaded, key: &str| {
            l.own
                .then(|| l.node.get(key).map(|v| shown(v, text)))
                .flatten()
        };
        let cmp = a
            .kind
            .cmp(&b.kind)
            .then_with(|| own(a, "title").cmp(&own(b, "title")))
            .then_with(|| own(a, "description").cmp(&own(b, "description")))
            .then_with(|| own(a, "default").cmp(&own(b, "default")));
        if cmp != Ordering::Equal {
            return cmp;
        }
        match a.kind {
            Kind::Const => shown_of(a, "const", text).cmp(&shown_of(b, "const", text)),
            Kind::Enum => collection(
                values(a.node.get("enum"), text),
                values(b.node.get("enum"), text),
            ),
            Kind::Combined => {
                let cmp = a
                    .criterion
                    .cmp(&b.criterion)
                    .then_with(|| a.parts.len().cmp(&b.parts.len()));
                if cmp != Ordering::Equal {
                    return cmp;
                }
                let (x, y) = (a.branches_in(self), b.branches_in(self));
                self.first_difference(x.into_iter().map(Some).zip(y.into_iter().map(Some)))
            }
            // An absent `if`, `then` or `else` is the empty schema.
            Kind::Conditional => {
                let empty = Loaded::of(&EMPTY, "{}");
                let or_empty = |p: &'_ Option<Loaded<'_>>| p.is_none();
                let pairs: Vec<(Option<&Loaded>, Option<&Loaded>)> = a
                    .parts
                    .iter()
                    .zip(&b.parts)
                    .map(|(x, y)| {
                        (
                            Some(if or_empty(x) {
                                &empty
                            } else {
                                x.as_ref().expect("present")
                            }),
                            Some(if or_empty(y) {
                                &empty
                            } else {
                                y.as_ref().expect("present")
                            }),
                        )
                    })
                    .collect();
                self.first_difference(pairs.into_iter())
            }
            Kind::Not | Kind::Array => {
                let pairs = a
                    .parts
                    .iter()
                    .zip(&b.parts)
                    .map(|(x, y)| (x.as_ref(), y.as_ref()));
                self.first_difference(pairs)
            }
            Kind::Object => {
                let names = |l: &Loaded| {
                    let properties = l.node.get("properties").map(Node::members);
                    let names = properties.unwrap_or_default().iter();
                    names.map(|m| m.key.clone()).collect::<Vec<_>>()
                };
                let required = |l: &Loaded| values(l.node.get("required"), text);
                collection(names(a), names(b)).then_with(|| collection(required(a), required(b)))
            }
            Kind::Reference => {
                let pointer = |l: &Loaded| {
                    let pointer = l.node.get("$ref").and_then(Node::as_str);
                    pointer.unwrap_or_default().to_string()
                };
                let pair = (pointer(a), pointer(b));
                if self.following.contains(&pair) {
                    return Ordering::Equal;
                }
                let root = self.root;
                let target = |p: &str| resolve(root, p).map(|n| Loaded::of(n, text));
                let (x, y) = (target(&pair.0), target(&pair.1));
                self.following.push(pair);
                let cmp = self.compare(x.as_ref(), y.as_ref());
                self.following.pop();
                cmp
            }
            _ => Ordering::Equal,
        }
    }

    fn first_difference<'l, 'n: 'l>(
        &mut self,
        pairs: impl Iterator<Item = (Option<&'l Loaded<'n>>, Option<&'l Loaded<'n>>)>,
    ) -> Ordering {
        for (x, y) in pairs {
            let cmp = self.compare(x, y);
            if cmp != Ordering::Equal {
                return cmp;
            }
        }
        Ordering::Equal
    }
}

/// The empty schema (`{}`), what an absent conditional part compares as.
static EMPTY: Node = Node::Object {
    span: 0..2,
    members: Vec::new(),
};

fn shown_of(l: &Loaded, key: &str, text: &str) -> Option<String> {
    l.node.get(key).map(|v| shown(v, text))
}

fn values(list: Option<&Node>, text: &str) -> Vec<String> {
    let mut shown: Vec<String> = list
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .map(|v| shown(v, text))
        .collect();
    shown.dedup();
    shown
}

/// `compareCollections`: by size, then element by element sorted.
fn collection(mut a: Vec<String>, mut b: Vec<String>) -> Ordering {
    a.sort();
    b.sort();
    a.len().cmp(&b.len()).then_with(|| a.cmp(&b))
}

/// The node a local `$ref` (`#`, `#/definitions/X`) points to in `root`.
fn resolve<'n>(root: &'n Node, pointer: &str) -> Option<&'n Node> {
    let path = pointer.strip_prefix('#')?;
    let mut node = root;
    for token in path.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        node = match node {
            Node::Array { items, .. } => items.get(token.parse::<usize>().ok()?)?,
            _ => node.get(&token)?,
        };
    }
    Some(node)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(schema: &str, at: &[&str]) -> Vec<String> {
        let root = Node::parse(schema).unwrap();
        let mut node = &root;
        for key in at {
            node = node.get(key).unwrap();
        }
        let loaded = Loaded::of(node, schema);
        loaded
            .sorted_branches(&root, schema)
            .iter()
            .map(|b| schema[b.node.span()].to_string())
            .collect()
    }

    #[test]
    fn branches_sort_by_kind_then_title_then_content() {
        // testBasicAddAndRemoveTags: the object before the string.
        let s = r#"{"allOf":[{"type":"string"},{"type":"object","properties":{"a":{}}}]}"#;
        assert_eq!(
            order(s, &[]),
            [
                r#"{"type":"object","properties":{"a":{}}}"#,
                r#"{"type":"string"}"#
            ]
        );
        // A null titled "Not included" after an untitled string? No: kinds
        // first (NULL before STRING).
        let s = r#"{"oneOf":[{"type":"string"},{"title":"Not included","type":"null"}]}"#;
        assert_eq!(
            order(s, &[])[0],
            r#"{"title":"Not included","type":"null"}"#
        );
        // Same kind: untitled first, then by title.
        let s = r#"{"anyOf":[{"type":"object","title":"B"},{"type":"object","title":"A"},{"type":"object"}]}"#;
        assert_eq!(
            order(s, &[]),
            [
                r#"{"type":"object"}"#,
                r#"{"type":"object","title":"A"}"#,
                r#"{"type":"object","title":"B"}"#
            ]
        );
        // Objects by their property names: fewer first.
        let s = r#"{"anyOf":[{"properties":{"a":{},"b":{}}},{"properties":{"z":{}}}]}"#;
        assert_eq!(order(s, &[])[0], r#"{"properties":{"z":{}}}"#);
        // A reference compares as the schema it points to (a string here,
        // after the object).
        let s = r##"{"definitions":{"S":{"type":"string"}},"oneOf":[{"$ref":"#/definitions/S"},{"type":"object"}]}"##;
        assert_eq!(order(s, &[])[0], r#"{"type":"object"}"#);
    }

    #[test]
    fn everit_makes_up_combinators_from_type_lists_and_mixed_keywords() {
        // testAddTagToRecursiveSchema: `type: [null, object]` is an anyOf.
        let s = r#"{"type":["object","null"],"properties":{"a":{}}}"#;
        let root = Node::parse(s).unwrap();
        let loaded = Loaded::of(&root, s);
        assert_eq!(loaded.label(), Some("anyof"));
        let branches = loaded.sorted_branches(&root, s);
        assert_eq!(branches[0].kind, Kind::Null);
        assert!(branches[1].is_object() && !branches[1].own);
        // testAddTagsToConditional: an object with if/then/else is an allOf
        // of the conditional (0) and the object (1).
        let s = r#"{"type":"object","properties":{},"if":{},"then":{}}"#;
        let root = Node::parse(s).unwrap();
        let loaded = Loaded::of(&root, s);
        assert_eq!(loaded.label(), Some("allof"));
        let branches = loaded.sorted_branches(&root, s);
        assert_eq!(branches[0].label(), Some("conditional"));
        assert!(branches[1].is_object());
        // `$ref` alone decides; no keywords is the empty schema.
        let s = r##"{"$ref":"#","type":"object"}"##;
        assert_eq!(
            Loaded::of(&Node::parse(s).unwrap(), s).kind,
            Kind::Reference
        );
        assert_eq!(
            Loaded::of(&Node::parse("{}").unwrap(), "{}").kind,
            Kind::Empty
        );
    }

    #[test]
    fn circular_references_compare_equal_instead_of_recursing_forever() {
        // testComparatorWithCircularRef.
        let s = r##"{"oneOf":[{"$ref":"#"},{"$ref":"#"}]}"##;
        let branches = order(s, &[]);
        assert_eq!(branches, [r##"{"$ref":"#"}"##, r##"{"$ref":"#"}"##]);
    }
}
