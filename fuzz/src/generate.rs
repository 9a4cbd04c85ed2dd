//! Structured input for the differential target (`arbitrary`): a small
//! JSON Schema, a second version derived from it by edits, and documents.
//!
//! The idea is the soundness property test's (`schemas/tests/soundness`):
//! realistic schemas over a few names, scalars, patterns and formats, so
//! that a document often lands where the two versions disagree, and a new
//! version made by editing the old one (keywords set, removed, tweaked,
//! subschemas wrapped in combinators or replaced) rather than drawn
//! independently, so that "compatible" verdicts are common enough to test.
//! libFuzzer steers the bytes `arbitrary` reads, so coverage of the
//! differ, not a random walk, picks the shapes.

use arbitrary::Arbitrary;
use serde_json::{Map, Value, json};

/// Subschemas deeper than this are `{}`.
const MAX_DEPTH: usize = 5;

const DRAFT_2020: &str = "https://json-schema.org/draft/2020-12/schema";
const DRAFT_7: &str = "http://json-schema.org/draft-07/schema#";

/// Picks a `&'static str` from a fixed list.
macro_rules! pick {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $text:expr),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Arbitrary, Debug, Clone, Copy)]
        pub enum $name { $($variant),+ }
        impl $name {
            fn text(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }
    };
}

pick!(
    /// Property names (documents use the same).
    Name { A = "a", B = "b", C = "c", D = "d", X1 = "x1" }
);
pick!(
    /// Regular expressions for `pattern` and `patternProperties`.
    Pattern { StartX = "^x", StartA = "^a", EndB = "b$", Letters = "^[a-z]+$",
        Digits = "^[0-9]{2}$", Group = "^(ab|c)*$" }
);
pick!(
    /// Formats the validators assert.
    Format { DateTime = "date-time", Date = "date", Email = "email", Uuid = "uuid", Uri = "uri" }
);
pick!(
    /// Strings documents and enums carry.
    Text { Empty = "", A = "a", B = "b", Ab = "ab", X = "x", Xa = "xa", Long = "aaaaaaaaaa",
        Twelve = "12", Stamp = "2024-01-01T00:00:00Z", Day = "2024-01-01",
        Mail = "user@example.com", Id = "123e4567-e89b-12d3-a456-426614174000",
        Url = "https://example.com/a" }
);
pick!(
    /// Type names.
    Ty { Null = "null", Boolean = "boolean", Integer = "integer", Number = "number",
        String = "string", Array = "array", Object = "object" }
);
pick!(
    /// Combinators a subschema is wrapped in.
    Combinator { Any = "anyOf", One = "oneOf", All = "allOf" }
);
pick!(
    /// Numeric keywords.
    NumberKeyword { Minimum = "minimum", Maximum = "maximum", ExclusiveMinimum = "exclusiveMinimum",
        ExclusiveMaximum = "exclusiveMaximum", MultipleOf = "multipleOf" }
);
pick!(
    /// Count keywords.
    CountKeyword { MinLength = "minLength", MaxLength = "maxLength", MinItems = "minItems",
        MaxItems = "maxItems", MinProperties = "minProperties", MaxProperties = "maxProperties",
        MinContains = "minContains", MaxContains = "maxContains" }
);

/// A scalar of a document, an enum or a const.
#[derive(Arbitrary, Debug, Clone)]
pub enum Scalar {
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A small integer (-3 to 12).
    Int(u8),
    /// A number with a fraction.
    Half(i8),
    /// 2^53 + `n` (0 or 1): where `f64` stops telling integers apart.
    Huge(bool),
    /// A string.
    Text(Text),
}

impl Scalar {
    fn value(&self) -> Value {
        match self {
            Scalar::Null => Value::Null,
            Scalar::Bool(b) => json!(b),
            Scalar::Int(n) => json!(i64::from(*n % 16) - 3),
            Scalar::Half(n) => json!(f64::from(*n) / 4.0),
            Scalar::Huge(odd) => json!(9_007_199_254_740_992_u64 + u64::from(*odd)),
            Scalar::Text(t) => json!(t.text()),
        }
    }
}

/// A subschema.
#[derive(Arbitrary, Debug, Clone)]
pub enum Node {
    /// `true` or `false`.
    Bool(bool),
    /// `{"type": t}`, or `{"type": [t, "null"]}`.
    Type(Ty, bool),
    /// A string with bounds, a pattern or a format.
    String(Option<u8>, Option<u8>, Option<Pattern>, Option<Format>),
    /// A number or integer with bounds.
    Number(bool, Vec<(NumberKeyword, Scalar)>),
    /// `enum`.
    Enum(Vec<Scalar>),
    /// `const`.
    Const(Scalar),
    /// An object: properties, required names, additional and pattern
    /// properties.
    Object(
        Vec<(Name, Node)>,
        Vec<Name>,
        Option<Box<Node>>,
        Option<(Pattern, Box<Node>)>,
    ),
    /// An array: the tuple's items, the other items, `uniqueItems`,
    /// `contains`.
    Array(Vec<Node>, Option<Box<Node>>, bool, Option<Box<Node>>),
    /// A combinator of subschemas.
    Of(Combinator, Vec<Node>),
    /// `not`.
    Not(Box<Node>),
    /// `if`/`then`/`else`.
    If(Box<Node>, Box<Node>, Option<Box<Node>>),
    /// A reference to definition `d0` or `d1`.
    Ref(bool),
}

/// One edit of the old version.
#[derive(Arbitrary, Debug, Clone)]
pub enum Edit {
    /// Replaces the subschema.
    Replace(Node),
    /// Wraps it with another in a combinator.
    Wrap(Combinator, Node),
    /// Removes its `index`-th keyword.
    Remove(u8),
    /// Sets a numeric keyword.
    Number(NumberKeyword, Scalar),
    /// Sets a count keyword.
    Count(CountKeyword, u8),
    /// Adds a name to `required`, or removes it when it is there.
    Required(Name),
    /// Adds (or replaces) a property.
    Property(Name, Node),
    /// Sets `additionalProperties` (`None`: `false`).
    Additional(Option<Node>),
    /// Adds a value to `enum`.
    EnumAdd(Scalar),
    /// Sets `type`.
    Type(Ty, bool),
    /// Sets `pattern` or `format`.
    Text(Option<Pattern>, Option<Format>),
}

/// What the differential target reads: a pair of versions and documents.
#[derive(Arbitrary, Debug, Clone)]
pub struct Pair {
    /// Draft 2020-12, else draft 7.
    pub draft_2020: bool,
    /// The old version.
    pub old: Node,
    /// The definitions both versions refer to (`d0`, `d1`).
    pub definitions: (Node, Node),
    /// The edits that make the new version, each at the subschema of that
    /// number (in document order, modulo their count).
    pub edits: Vec<(u8, Edit)>,
    /// Documents to try besides the counterexample search.
    pub documents: Vec<Document>,
}

/// A document.
#[derive(Arbitrary, Debug, Clone)]
pub enum Document {
    /// A scalar.
    Scalar(Scalar),
    /// An array.
    Array(Vec<Document>),
    /// An object.
    Object(Vec<(Name, Document)>),
}

impl Document {
    /// The document as JSON.
    pub fn value(&self) -> Value {
        match self {
            Document::Scalar(s) => s.value(),
            Document::Array(items) => items.iter().map(Document::value).collect(),
            Document::Object(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(n, d)| (n.text().to_string(), d.value()))
                    .collect(),
            ),
        }
    }
}

impl Pair {
    /// The old and the new version.
    pub fn versions(&self) -> (Value, Value) {
        let render = Render {
            draft_2020: self.draft_2020,
        };
        let mut old = render.node(&self.old, 0);
        if let Value::Object(map) = &mut old {
            let defs = json!({
                "d0": render.node(&self.definitions.0, 1),
                "d1": render.node(&self.definitions.1, 1),
            });
            map.insert(render.definitions().into(), defs);
            let draft = if self.draft_2020 { DRAFT_2020 } else { DRAFT_7 };
            map.insert("$schema".into(), json!(draft));
        }
        let mut new = old.clone();
        for (at, edit) in &self.edits {
            let count = count_objects(&new);
            if count == 0 {
                break;
            }
            let mut at = usize::from(*at) % count;
            if let Some(target) = nth_object(&mut new, &mut at) {
                render.apply(target, edit);
            }
        }
        (old, new)
    }
}

struct Render {
    draft_2020: bool,
}

impl Render {
    fn definitions(&self) -> &'static str {
        if self.draft_2020 {
            "$defs"
        } else {
            "definitions"
        }
    }

    fn node(&self, node: &Node, depth: usize) -> Value {
        if depth > MAX_DEPTH {
            return json!({});
        }
        let sub = |n: &Node| self.node(n, depth + 1);
        let mut m = Map::new();
        match node {
            Node::Bool(b) => return json!(b),
            Node::Type(t, nullable) => {
                m.insert("type".into(), type_value(*t, *nullable));
            }
            Node::String(min, max, pattern, format) => {
                m.insert("type".into(), json!("string"));
                set(&mut m, "minLength", min.map(|n| json!(n % 5)));
                set(&mut m, "maxLength", max.map(|n| json!(n % 10)));
                set(&mut m, "pattern", pattern.map(|p| json!(p.text())));
                set(&mut m, "format", format.map(|f| json!(f.text())));
            }
            Node::Number(integer, bounds) => {
                m.insert(
                    "type".into(),
                    json!(if *integer { "integer" } else { "number" }),
                );
                for (keyword, value) in bounds {
                    m.insert(keyword.text().into(), number(*keyword, value));
                }
            }
            Node::Enum(values) => {
                let mut unique: Vec<Value> = Vec::new();
                for v in values.iter().map(Scalar::value) {
                    if !unique.contains(&v) {
                        unique.push(v);
                    }
                }
                if unique.is_empty() {
                    unique.push(Value::Null);
                }
                m.insert("enum".into(), Value::Array(unique));
            }
            Node::Const(value) => {
                m.insert("const".into(), value.value());
            }
            Node::Object(properties, required, additional, pattern) => {
                m.insert("type".into(), json!("object"));
                let props: Map<String, Value> = properties
                    .iter()
                    .map(|(n, s)| (n.text().into(), sub(s)))
                    .collect();
                if !props.is_empty() {
                    m.insert("properties".into(), Value::Object(props));
                }
                let mut names: Vec<&str> = required.iter().map(|n| n.text()).collect();
                names.sort_unstable();
                names.dedup();
                if !names.is_empty() {
                    m.insert("required".into(), json!(names));
                }
                set(
                    &mut m,
                    "additionalProperties",
                    additional.as_deref().map(sub),
                );
                if let Some((p, s)) = pattern {
                    m.insert("patternProperties".into(), json!({ p.text(): sub(s) }));
                }
            }
            Node::Array(tuple, items, unique, contains) => {
                m.insert("type".into(), json!("array"));
                let tuple: Vec<Value> = tuple.iter().map(sub).collect();
                let items = items.as_deref().map(sub);
                match (self.draft_2020, tuple.is_empty()) {
                    (_, true) => set(&mut m, "items", items),
                    (true, false) => {
                        m.insert("prefixItems".into(), Value::Array(tuple));
                        set(&mut m, "items", items);
                    }
                    (false, false) => {
                        m.insert("items".into(), Value::Array(tuple));
                        set(&mut m, "additionalItems", items);
                    }
                }
                if *unique {
                    m.insert("uniqueItems".into(), json!(true));
                }
                set(&mut m, "contains", contains.as_deref().map(sub));
            }
            Node::Of(combinator, nodes) => {
                let mut nodes: Vec<Value> = nodes.iter().map(sub).collect();
                if nodes.is_empty() {
                    nodes.push(json!({}));
                }
                m.insert(combinator.text().into(), Value::Array(nodes));
            }
            Node::Not(n) => {
                m.insert("not".into(), sub(n));
            }
            Node::If(i, t, e) => {
                m.insert("if".into(), sub(i));
                m.insert("then".into(), sub(t));
                set(&mut m, "else", e.as_deref().map(sub));
            }
            Node::Ref(second) => {
                let name = if *second { "d1" } else { "d0" };
                m.insert(
                    "$ref".into(),
                    json!(format!("#/{}/{name}", self.definitions())),
                );
            }
        }
        Value::Object(m)
    }

    fn apply(&self, target: &mut Value, edit: &Edit) {
        let Value::Object(m) = target else { return };
        match edit {
            Edit::Replace(node) => *target = self.node(node, 2),
            Edit::Wrap(combinator, node) => {
                let old = std::mem::take(target);
                *target = json!({ combinator.text(): [old, self.node(node, 2)] });
            }
            Edit::Remove(index) => {
                if !m.is_empty() {
                    let key = m.keys().nth(usize::from(*index) % m.len()).cloned();
                    key.map(|k| m.shift_remove(&k));
                }
            }
            Edit::Number(keyword, value) => {
                m.insert(keyword.text().into(), number(*keyword, value));
            }
            Edit::Count(keyword, n) => {
                m.insert(keyword.text().into(), json!(n % 6));
            }
            Edit::Required(name) => {
                let mut names: Vec<Value> = m
                    .get("required")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                let name = json!(name.text());
                match names.iter().position(|n| *n == name) {
                    Some(at) => {
                        names.remove(at);
                    }
                    None => names.push(name),
                }
                m.insert("required".into(), Value::Array(names));
            }
            Edit::Property(name, node) => {
                let node = self.node(node, 2);
                let properties = m.entry("properties").or_insert_with(|| json!({}));
                if let Value::Object(p) = properties {
                    p.insert(name.text().into(), node);
                }
            }
            Edit::Additional(node) => {
                let value = node.as_ref().map_or(json!(false), |n| self.node(n, 2));
                m.insert("additionalProperties".into(), value);
            }
            Edit::EnumAdd(value) => {
                if let Some(Value::Array(values)) = m.get_mut("enum") {
                    let value = value.value();
                    if !values.contains(&value) {
                        values.push(value);
                    }
                }
            }
            Edit::Type(t, nullable) => {
                m.insert("type".into(), type_value(*t, *nullable));
            }
            Edit::Text(pattern, format) => {
                set(m, "pattern", pattern.map(|p| json!(p.text())));
                set(m, "format", format.map(|f| json!(f.text())));
            }
        }
    }
}

fn type_value(t: Ty, nullable: bool) -> Value {
    match (t, nullable) {
        (Ty::Null, _) | (_, false) => json!(t.text()),
        (_, true) => json!([t.text(), "null"]),
    }
}

/// A valid value of a numeric keyword: `multipleOf` is positive.
fn number(keyword: NumberKeyword, value: &Scalar) -> Value {
    let n = match value.value() {
        Value::Number(n) => n.as_f64().unwrap_or(1.0),
        _ => 1.0,
    };
    match keyword {
        NumberKeyword::MultipleOf if n <= 0.0 => json!(0.5),
        _ if n.fract() == 0.0 => json!(n as i64),
        _ => json!(n),
    }
}

fn set(m: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(value) = value {
        m.insert(key.into(), value);
    }
}

fn count_objects(value: &Value) -> usize {
    match value {
        Value::Object(m) => 1 + m.values().map(count_objects).sum::<usize>(),
        Value::Array(items) => items.iter().map(count_objects).sum(),
        _ => 0,
    }
}

/// The `*at`-th object of `value` in document order.
fn nth_object<'v>(value: &'v mut Value, at: &mut usize) -> Option<&'v mut Value> {
    if value.is_object() {
        if *at == 0 {
            return Some(value);
        }
        *at -= 1;
    }
    match value {
        Value::Object(m) => m.values_mut().find_map(|v| nth_object(v, at)),
        Value::Array(items) => items.iter_mut().find_map(|v| nth_object(v, at)),
        _ => None,
    }
}
