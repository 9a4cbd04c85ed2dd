//! A posted schema as registration and lookup compare it with what is
//! stored: its text, references and keys, and what the store holds of it.

use std::borrow::Cow;
use std::sync::Arc;

use schemas::{Fingerprint, Schema, SchemaType};

use super::register::Contract;
use super::{Error, Registry};
use crate::model::{Metadata, Reference, RuleSet, SchemaId, StoredSchema, VersionRecord, guid_of};
use crate::store::Variant;

/// A posted schema, parsed, with its references pinned to versions, and
/// the text and keys it would be stored with.
pub(super) struct Candidate {
    pub schema: Arc<Schema>,
    /// The references it is stored with: as posted, or normalized
    /// ([`normalized_references`]).
    pub references: Vec<Reference>,
    /// The references in the order posted (pinned to versions).
    posted_references: Vec<Reference>,
    /// The text to store and serve.
    pub text: String,
    /// Whether the registration normalizes: `text` is then the peer's
    /// normalized text, the references normalized, and the content key the
    /// canonical key.
    pub normalized: bool,
    /// Whether `text` is what was submitted (not printed from a serialized
    /// Protobuf descriptor).
    pub is_source: bool,
    /// The key it is stored under (see [`content_key`]): `identity_key`,
    /// or the canonical key when normalized.
    pub content_key: String,
    /// The key of the text the Confluent Schema Registry tells schemas
    /// apart by ([`Candidate::identity_text`]): equal keys are one schema.
    pub identity_key: String,
    /// The same over the canonical text: shared by formatting variants.
    pub canonical_key: String,
    /// Normalized, when its text is not the one the schema was parsed
    /// from: the canonical form of that normalized text, which the keys
    /// are over (see [`Registry::normalize`]).
    normalized_canonical: Option<String>,
    /// Normalized: the key an earlier Charter gave this registration, when
    /// it differs (over the references in the order posted), so that a
    /// schema it stored is still found.
    earlier_key: Option<String>,
    pub metadata: Option<Metadata>,
    pub rule_set: Option<RuleSet>,
}

impl Candidate {
    /// A candidate of `schema` stored as `text`, its keys computed.
    pub(super) fn new(
        schema: Arc<Schema>,
        references: Vec<Reference>,
        text: String,
        contract: Contract,
    ) -> Candidate {
        let mut candidate = Candidate {
            normalized: false,
            text,
            is_source: true,
            content_key: String::new(),
            identity_key: String::new(),
            canonical_key: String::new(),
            normalized_canonical: None,
            earlier_key: None,
            metadata: contract.metadata,
            rule_set: contract.rule_set,
            schema,
            posted_references: references.clone(),
            references,
        };
        candidate.rekey();
        candidate
    }

    /// The content key of `text` with `references` and this candidate's
    /// format and contract.
    fn key(&self, text: &str, references: &[Reference]) -> String {
        content_key(
            self.schema.schema_type(),
            text,
            references,
            self.metadata.as_ref(),
            self.rule_set.as_ref(),
        )
    }

    /// Computes the keys again from the text, references and contract.
    fn rekey(&mut self) {
        let canonical = self.schema.canonical();
        let own = self.normalized_canonical.as_deref().unwrap_or(canonical);
        self.canonical_key = self.key(own, &self.references);
        self.identity_key = self.key(&self.identity_text(), &self.references);
        self.earlier_key = None;
        if self.normalized {
            self.content_key = self.canonical_key.clone();
            let earlier = self.key(canonical, &self.posted_references);
            self.earlier_key = (earlier != self.canonical_key).then_some(earlier);
        } else {
            self.content_key = self.identity_key.clone();
        }
    }

    /// The text the Confluent Schema Registry tells this schema from others
    /// by ([`Schema::identity_text`]): for Avro, Avro Java's printing of the
    /// schema, so that spellings it prints alike are one schema. A
    /// normalized text is its own (Avro: Avro Java's printing of the
    /// peer's normalized schema, which prints again as itself).
    pub(super) fn identity_text(&self) -> Cow<'_, str> {
        if self.normalized {
            Cow::Borrowed(&self.text)
        } else {
            self.schema.identity_text(&self.text)
        }
    }

    /// This candidate with `contract` instead of its own (keys recomputed).
    pub(super) fn with_contract(mut self, contract: Contract) -> Candidate {
        self.metadata = contract.metadata;
        self.rule_set = contract.rule_set;
        self.rekey();
        self
    }

    /// This candidate normalized: stored as the Confluent Schema Registry
    /// stores it normalized ([`Schema::normalized_text`], its references
    /// sorted and each once), and identified by the canonical form of that
    /// text (its `normalized_canonical` once [`Registry::normalize`] parsed
    /// it), so that formatting variants (and the same references in another
    /// order) are one schema.
    fn normalized(mut self) -> Candidate {
        self.text = self.schema.normalized_text(&self.text);
        self.references = normalized_references(&self.posted_references);
        self.normalized = true;
        self.rekey();
        self
    }

    pub(super) fn record(&self, id: SchemaId) -> StoredSchema {
        StoredSchema {
            id,
            schema_type: self.schema.schema_type(),
            text: self.text.clone(),
            references: self.references.clone(),
            guid: guid_of(&self.content_key),
            metadata: self.metadata.clone(),
            rule_set: self.rule_set.clone(),
        }
    }

    /// Whether a stored formatting variant of this schema (the same
    /// canonical key) is the same schema: when either side was normalized,
    /// or this one arrived as a serialized Protobuf descriptor (which has no
    /// formatting of its own).
    pub(super) fn same_as(&self, variant: &Variant) -> bool {
        variant.normalized || self.normalized || !self.is_source
    }
}

/// What [`Registry::holding`] finds.
pub(super) struct Holding<'h> {
    /// The newest version holding the schema.
    pub version: Option<&'h VersionRecord>,
    /// Whether some stored schema has the candidate's content key or
    /// identity key (a registration elsewhere then holds that schema).
    pub content_stored: bool,
}

/// References as the peer normalizes them (`ParsedSchema.normalize()` in
/// each format: `references.stream().sorted().distinct()`): ordered by
/// subject, then version (`SchemaReference.compareTo`; a stable sort, so
/// references to one version keep their order whatever their names), and
/// each distinct reference once.
pub(super) fn normalized_references(references: &[Reference]) -> Vec<Reference> {
    let mut sorted = references.to_vec();
    // Java's `String.compareTo`: over UTF-16 code units.
    sorted.sort_by(|a, b| {
        a.subject
            .encode_utf16()
            .cmp(b.subject.encode_utf16())
            .then(a.version.cmp(&b.version))
    });
    let mut kept: Vec<Reference> = Vec::with_capacity(sorted.len());
    for reference in sorted {
        if !kept.contains(&reference) {
            kept.push(reference);
        }
    }
    kept
}

/// The key of a schema's content: its format, text, references, metadata
/// and rule set. Over the text the Confluent Schema Registry compares, it is
/// the schema's identity (equal keys share one id). (Without metadata and
/// rule set the key is the one Charter computed before it kept them, over
/// the canonical text it then stored, so those rows keep matching.)
pub(super) fn content_key(
    schema_type: SchemaType,
    text: &str,
    references: &[Reference],
    metadata: Option<&Metadata>,
    rule_set: Option<&RuleSet>,
) -> String {
    let mut material = format!("{}\n{}\n", schema_type.as_str(), text.len());
    material.push_str(text);
    for r in references {
        material.push_str(&format!(
            "\n{}:{}\n{}:{}\n{}",
            r.name.len(),
            r.name,
            r.subject.len(),
            r.subject,
            r.version
        ));
    }
    let json =
        |value: Result<String, serde_json::Error>| value.expect("metadata and rule sets serialize");
    for (label, part) in [
        ("metadata", metadata.map(|m| json(serde_json::to_string(m)))),
        ("ruleSet", rule_set.map(|r| json(serde_json::to_string(r)))),
    ] {
        if let Some(part) = part {
            material.push_str(&format!("\n{label}:{}:{part}", part.len()));
        }
    }
    Fingerprint::of(&material).to_hex()
}

impl Registry {
    /// `candidate` normalized ([`Candidate::normalized`]), identified by
    /// the canonical form of the text it is then stored and served as. The
    /// peer's normalizing orders parts that Charter's canonical form keeps
    /// as written (a Protobuf enum's values, reserved ranges and names):
    /// keyed by the canonical form of what it was parsed from, a normalized
    /// schema would not be the schema its own served text is when that
    /// text is registered plain, as it is in the peer (where that text is
    /// what is stored and hashed). So a normalized text that differs from
    /// the one parsed is parsed too, and the keys are over its canonical
    /// form.
    pub(super) async fn normalize(&self, candidate: Candidate) -> Result<Candidate, Error> {
        let parsed_from = candidate.text.clone();
        let mut candidate = candidate.normalized();
        if candidate.text == parsed_from {
            return Ok(candidate);
        }
        let resolver = self.resolver(&candidate.references).await?;
        let (schema_type, text) = (candidate.schema.schema_type(), candidate.text.clone());
        let limits = self.limits;
        let parsed = self
            .work
            .run(move || Schema::parse_within(schema_type, &text, &resolver, &limits))
            .await?;
        match parsed {
            Ok(normalized) => {
                candidate.normalized_canonical = Some(normalized.canonical().to_string());
                candidate.rekey();
            }
            // A normalized text that does not parse again is a fault of
            // its printer: the schema is still the one posted, keyed by the
            // canonical form of what was parsed.
            Err(error) => tracing::warn!(
                %error,
                schema_type = schema_type.as_str(),
                "a normalized schema text did not parse again; keyed by the schema as posted"
            ),
        }
        Ok(candidate)
    }

    /// The newest of `versions` holding `candidate`'s schema: the same
    /// content or identity (of several stored schemas with one identity,
    /// the lowest id a version here holds), or a formatting variant of it
    /// that counts as the same (see [`Candidate::same_as`]); and whether
    /// any stored schema has the candidate's content or identity. One read
    /// of the store (two for a normalized candidate an earlier Charter
    /// keyed otherwise).
    pub(super) async fn holding<'h>(
        &self,
        candidate: &Candidate,
        versions: &[&'h VersionRecord],
    ) -> Result<Holding<'h>, Error> {
        let newest = |held: &dyn Fn(SchemaId) -> bool| {
            versions.iter().rev().find(|v| held(v.schema_id)).copied()
        };
        let mut found = self
            .store
            .schemas_by_keys(
                &candidate.content_key,
                &candidate.identity_key,
                &candidate.canonical_key,
            )
            .await?;
        if let Some(earlier) = &candidate.earlier_key {
            // What an earlier Charter stored of this normalized schema (its
            // references as posted) or of a formatting variant of it: the
            // same schema, as it was then.
            let stored = self
                .store
                .schemas_by_keys(earlier, earlier, earlier)
                .await?;
            let ids = stored
                .content
                .into_iter()
                .chain(stored.variants.iter().map(|v| v.id));
            found.variants.extend(ids.map(|id| Variant {
                id,
                normalized: true,
            }));
        }
        let same_content = found
            .content
            .iter()
            .find_map(|&id| newest(&|held| held == id));
        let version = same_content.or_else(|| {
            newest(&|held| {
                found
                    .variants
                    .iter()
                    .any(|v| v.id == held && candidate.same_as(v))
            })
        });
        Ok(Holding {
            version,
            content_stored: !found.content.is_empty(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str, refs: &[(&str, &str, i32)]) -> String {
        let refs: Vec<Reference> = refs
            .iter()
            .map(|(n, s, v)| Reference {
                name: n.to_string(),
                subject: s.to_string(),
                version: crate::model::Version(*v),
            })
            .collect();
        content_key(SchemaType::Json, text, &refs, None, None)
    }

    #[test]
    fn content_key_covers_type_text_and_references() {
        let plain = key("{}", &[]);
        assert_eq!(plain, key("{}", &[]));
        assert_ne!(plain, content_key(SchemaType::Avro, "{}", &[], None, None));
        assert_ne!(plain, key("{\"type\":\"string\"}", &[]));
        assert_ne!(
            key("{}", &[("a.json", "a", 1)]),
            key("{}", &[("a.json", "a", 2)])
        );
        assert_ne!(key("{}", &[("a.json", "a", 1)]), plain);
        // Length prefixes keep field boundaries unambiguous.
        assert_ne!(key("{}", &[("a:b", "c", 1)]), key("{}", &[("a", "b:c", 1)]));
    }
}
