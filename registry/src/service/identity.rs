//! The identity of a stored schema: the keys it is found by.
//!
//! A schema row has three keys, each a [`content_key`] over one text with
//! the schema's references, metadata and rule set: `content_key` (unique;
//! its GUID is made from it), `identity_key` (the text the Confluent Schema
//! Registry tells schemas apart by, its `canonicalString()`; see
//! `Schema::identity_text`) and `canonical_key` (Charter's canonical form,
//! shared by formatting variants). A registration that does not normalize
//! stores its identity as its content key; a normalizing one its canonical
//! key. Rows stored before migration 0009 keep the content key they had (the
//! text as submitted), so nothing stored changes its id or GUID, and get
//! their identity key at start-up ([`Registry::key_identities`]).

use schemas::Schema;

use super::candidate::content_key;
use super::{Error, Registry};
use crate::model::{SchemaId, StoredSchema};

/// How many schemas [`Registry::key_identities`] reads at a time.
const BATCH: u32 = 256;

impl Registry {
    /// Gives every stored schema without an identity key its key (migration
    /// 0009 left Avro rows and normalized rows to it, since the key of an
    /// Avro schema's identity is over its parsed form), and returns how many
    /// it keyed. Run at start-up, before the first request; several
    /// instances may run it at once, each writing the same keys where none
    /// is yet. A schema that no longer parses is keyed by its text (found,
    /// then, as before).
    pub async fn key_identities(&self) -> Result<u64, Error> {
        let mut after = SchemaId(0);
        let mut keyed = 0;
        loop {
            let batch = self.store.schemas_without_identity(after, BATCH).await?;
            let Some(last) = batch.last() else {
                return Ok(keyed);
            };
            after = last.id;
            for record in batch {
                let key = self.identity_of(&record).await?;
                self.store.set_identity_key(record.id, &key).await?;
                keyed += 1;
            }
        }
    }

    /// The identity key of a stored schema (see [`Schema::identity_text`]).
    async fn identity_of(&self, record: &StoredSchema) -> Result<String, Error> {
        let key = |text: &str| {
            content_key(
                record.schema_type,
                text,
                &record.references,
                record.metadata.as_ref(),
                record.rule_set.as_ref(),
            )
        };
        let resolver = match self.resolver(&record.references).await {
            Ok(resolver) => resolver,
            Err(Error::InvalidSchema(error)) => return Ok(unreadable(record, &error, key)),
            Err(error) => return Err(error),
        };
        let (schema_type, text) = (record.schema_type, record.text.clone());
        let limits = self.limits.for_stored();
        let parsed = self
            .work
            .run(move || {
                Schema::parse_within(schema_type, &text, &resolver, &limits)
                    .map(|schema| schema.identity_text(&text).into_owned())
            })
            .await?;
        Ok(match parsed {
            Ok(identity_text) => key(&identity_text),
            Err(error) => unreadable(record, &error, key),
        })
    }
}

/// The identity key of a stored schema that no longer parses: the key of
/// its text, as before migration 0009.
fn unreadable(
    record: &StoredSchema,
    error: &dyn std::fmt::Display,
    key: impl Fn(&str) -> String,
) -> String {
    tracing::warn!(
        id = record.id.0,
        %error,
        "stored schema cannot be parsed; it keeps its text as identity"
    );
    key(&record.text)
}
