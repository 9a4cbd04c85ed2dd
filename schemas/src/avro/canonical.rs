//! Two canonical texts of an Avro schema, and the specification's 64-bit
//! fingerprint.
//!
//! - The **normalized form** ([`AvroSchema::canonical`]) is what [`Schema::canonical`]
//!   returns and what the registry compares to give equal schemas one id. It
//!   keeps everything that changes meaning for a reader or a tool: defaults
//!   (a default decides whether a field may be added), aliases (they decide
//!   renames), logical types, `doc`, `order` and custom properties. It
//!   normalizes what does not: whitespace, key order (a fixed order for the
//!   attributes Avro defines, then the others sorted), number spelling in
//!   defaults and properties, short names and namespaces (every name is
//!   written in full, `namespace` is dropped), the object form of a
//!   primitive without attributes (`{"type":"int"}` is `"int"`), alias order,
//!   and `"order": "ascending"` (the default). Types defined in referenced
//!   schemas are written by name, as the schema itself does.
//! - The **Parsing Canonical Form** ([`AvroSchema::parsing_canonical_form`]) is the
//!   specification's: only what decoding needs (`name`, `type`, `fields`,
//!   `symbols`, `items`, `values`, `size`, in that order), full names, no
//!   whitespace. Two schemas with one PCF decode the same bytes the same way,
//!   but may still differ for compatibility (a default added or removed), so
//!   the registry does not use it for identity. Types from referenced schemas
//!   are written in full at their first use, so the PCF describes everything
//!   a decoder needs.
//! - The **resolved form** ([`AvroSchema::resolved`](super::AvroSchema::resolved))
//!   is the normalized form with the types of referenced schemas written in
//!   full at their first use: one self-contained schema, as Confluent's
//!   `format=resolved` serves it.
//!
//! [`Schema::canonical`]: crate::Schema::canonical
//! [`AvroSchema::canonical`]: super::AvroSchema::canonical
//! [`AvroSchema::parsing_canonical_form`]: super::AvroSchema::parsing_canonical_form

use std::collections::HashSet;
use std::fmt::Write;

use serde_json::Value;

use super::model::{Kind, Node, NodeId, Order, namespace_of, sorted};
use crate::json::canonical::to_canonical_string;

/// The normalized form of the schema rooted at `root`; with `inline`, the
/// named types of referenced schemas are written in full at their first use
/// (the Confluent `format=resolved` form) instead of by name.
pub(crate) fn normalized(nodes: &[Node], root: NodeId, inline: bool) -> String {
    let mut writer = Writer {
        nodes,
        out: String::new(),
        defined: HashSet::new(),
        pcf: false,
        inline,
    };
    writer.write(root, "");
    writer.out
}

/// The Parsing Canonical Form of the schema rooted at `root`.
pub(crate) fn parsing_canonical_form(nodes: &[Node], root: NodeId) -> String {
    let mut writer = Writer {
        nodes,
        out: String::new(),
        defined: HashSet::new(),
        pcf: true,
        inline: true,
    };
    writer.write(root, "");
    writer.out
}

/// The CRC-64-AVRO (Rabin) fingerprint of `text`, as the specification
/// defines it for schema fingerprints.
pub fn rabin_fingerprint(text: &str) -> u64 {
    text.bytes().fold(EMPTY, |fp, byte| {
        (fp >> 8) ^ RABIN_TABLE[((fp ^ u64::from(byte)) & 0xff) as usize]
    })
}

/// The fingerprint of nothing, and the polynomial.
const EMPTY: u64 = 0xc15d_213a_a4d7_a795;

/// The CRC-64-AVRO table, computed at compile time.
const RABIN_TABLE: [u64; 256] = {
    let mut table = [0u64; 256];
    let mut i = 0;
    while i < 256 {
        let mut fp = i as u64;
        let mut bit = 0;
        while bit < 8 {
            fp = (fp >> 1) ^ (EMPTY & (fp & 1).wrapping_neg());
            bit += 1;
        }
        table[i] = fp;
        i += 1;
    }
    table
};

struct Writer<'a> {
    nodes: &'a [Node],
    out: String,
    /// Named types already written in full.
    defined: HashSet<NodeId>,
    pcf: bool,
    /// Whether types of referenced schemas are written in full.
    inline: bool,
}

fn string(s: &str, out: &mut String) {
    out.push_str(&serde_json::to_string(s).unwrap_or_default());
}

impl Writer<'_> {
    fn key(&mut self, key: &str) {
        if !self.out.ends_with('{') {
            self.out.push(',');
        }
        string(key, &mut self.out);
        self.out.push(':');
    }

    fn key_string(&mut self, key: &str, value: &str) {
        self.key(key);
        string(value, &mut self.out);
    }

    fn key_value(&mut self, key: &str, value: &Value) {
        self.key(key);
        self.out.push_str(&to_canonical_string(value));
    }

    fn strings(&mut self, key: &str, list: &[String], sort: bool) {
        if list.is_empty() {
            return;
        }
        let mut list: Vec<&String> = list.iter().collect();
        if sort {
            list.sort();
        }
        self.key(key);
        self.out.push('[');
        for (i, item) in list.into_iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            string(item, &mut self.out);
        }
        self.out.push(']');
    }

    fn attrs(&mut self, node: NodeId) {
        if self.pcf {
            return;
        }
        for (key, value) in sorted(&self.nodes[node].attrs) {
            self.key_value(key, value);
        }
    }

    /// Writes type `id` in a context whose namespace is `ns`.
    fn write(&mut self, id: NodeId, ns: &str) {
        let node = &self.nodes[id];
        if let Some(named) = node.kind.named() {
            let by_name = !self.defined.insert(id) || (!self.inline && named.origin != 0);
            if by_name {
                string(&named.name, &mut self.out);
                return;
            }
            self.out.push('{');
            if self.pcf {
                self.key_string("name", &named.name);
                self.key_string("type", node.kind.shape());
            } else {
                self.key_string("type", node.kind.shape());
                self.key_string("name", &named.name);
                if !named.name.contains('.') && !ns.is_empty() {
                    self.key_string("namespace", "");
                }
                if let Some(doc) = &named.doc {
                    self.key_string("doc", doc);
                }
                self.strings("aliases", &named.aliases, true);
            }
            let inner = namespace_of(&named.name);
            match &node.kind {
                Kind::Record(record) => {
                    self.key("fields");
                    self.out.push('[');
                    for (i, field) in record.fields.iter().enumerate() {
                        if i > 0 {
                            self.out.push(',');
                        }
                        self.out.push('{');
                        self.key_string("name", &field.name);
                        self.key("type");
                        self.write(field.ty, inner);
                        if !self.pcf {
                            if let Some(doc) = &field.doc {
                                self.key_string("doc", doc);
                            }
                            self.strings("aliases", &field.aliases, true);
                            if let Some(default) = &field.default {
                                self.key_value("default", default);
                            }
                            if field.order != Order::Ascending {
                                self.key_string("order", field.order.as_str());
                            }
                            for (key, value) in sorted(&field.attrs) {
                                self.key_value(key, value);
                            }
                        }
                        self.out.push('}');
                    }
                    self.out.push(']');
                }
                Kind::Enum(e) => {
                    self.strings("symbols", &e.symbols, false);
                    if e.symbols.is_empty() {
                        self.key("symbols");
                        self.out.push_str("[]");
                    }
                    if let (false, Some(default)) = (self.pcf, &e.default) {
                        self.key_string("default", default);
                    }
                }
                Kind::Fixed(f) => {
                    self.key("size");
                    let _ = write!(self.out, "{}", f.size);
                }
                _ => {}
            }
            self.attrs(id);
            self.out.push('}');
            return;
        }
        match &node.kind {
            Kind::Array(inner) | Kind::Map(inner) => {
                let key = if matches!(node.kind, Kind::Array(_)) {
                    "items"
                } else {
                    "values"
                };
                self.out.push('{');
                self.key_string("type", node.kind.shape());
                self.key(key);
                self.write(*inner, ns);
                self.attrs(id);
                self.out.push('}');
            }
            Kind::Union(branches) => {
                self.out.push('[');
                for (i, &branch) in branches.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.write(branch, ns);
                }
                self.out.push(']');
            }
            primitive => {
                let name = primitive.shape();
                if self.pcf || node.attrs.is_empty() {
                    string(name, &mut self.out);
                } else {
                    self.out.push('{');
                    self.key_string("type", name);
                    self.attrs(id);
                    self.out.push('}');
                }
            }
        }
    }
}
