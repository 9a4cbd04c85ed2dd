//! The peer's `confluent:version`: the metadata property in which a
//! version records its own number. A registration asking for a version
//! (`-1` or an explicit one), with schema tags, or through the tags
//! endpoint records it, and so does every version that follows one whose
//! metadata carries it (the peer's `maybeSetMetadataRuleSet`). Looking a
//! schema up ignores the property where one side lacks it (the peer's
//! `canLookupIgnoringVersion`), so a client sending the schema without it
//! finds the version that recorded it, and one sending `confluent:version:
//! N` finds version N registered before the property was recorded.

use super::candidate::{Candidate, content_key};
use super::register::Contract;
use super::{Error, Registry};
use crate::model::{Metadata, StoredSchema, Version, VersionRecord};

/// The version a registration asks for (the peer's `version`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum WantedVersion {
    /// Absent or 0: the next one, unless a version holds the schema.
    #[default]
    Next,
    /// -1: the next one unless the latest version holds the schema (only
    /// the latest is looked at); the new version records its number.
    Latest,
    /// This one, which must be the next outside IMPORT mode; recorded too.
    Exact(Version),
}

impl WantedVersion {
    /// The explicit version, when one is asked for.
    pub fn exact(self) -> Option<Version> {
        match self {
            WantedVersion::Exact(v) => Some(v),
            _ => None,
        }
    }
}

/// `contract` as a registration outside IMPORT mode stores it as version
/// `next`: with `confluent:version` set to `next` when the registration
/// asked for a version or the metadata already carries the property.
pub(super) fn stamped(contract: Contract, wanted: WantedVersion, next: Version) -> Contract {
    let carries = contract
        .metadata
        .as_ref()
        .is_some_and(|m| m.property(crate::model::VERSION_PROPERTY).is_some());
    if wanted == WantedVersion::Next && !carries {
        return contract;
    }
    Contract {
        metadata: Some(Metadata::with_confluent_version(
            contract.metadata,
            next.0.into(),
        )),
        rule_set: contract.rule_set,
    }
}

/// The metadata of a schema and of a stored one as the peer compares them
/// when one side lacks a numeric `confluent:version` (absent metadata is
/// then empty metadata, and the other side's property is dropped); `None`
/// when they cannot match: the candidate's number is not `prev`'s version.
fn compared(
    mine: Option<&Metadata>,
    theirs: Option<&Metadata>,
    prev: Version,
) -> Option<(Option<Metadata>, Option<Metadata>)> {
    let number = |m: Option<&Metadata>| m.and_then(Metadata::confluent_version);
    match (number(mine), number(theirs)) {
        (None, Some(_)) => Some((
            Some(mine.cloned().unwrap_or_default()),
            theirs.map(Metadata::without_confluent_version),
        )),
        (Some(n), None) if n != i64::from(prev.0) => None,
        (Some(_), None) => Some((
            mine.map(Metadata::without_confluent_version),
            Some(theirs.cloned().unwrap_or_default()),
        )),
        _ => Some((mine.cloned(), theirs.cloned())),
    }
}

impl Registry {
    /// The newest of `versions` holding `candidate`'s schema: the same
    /// content (see [`Registry::holding`]), or else, newest first, one that
    /// differs only by `confluent:version` present on one side (the peer's
    /// `canLookup`).
    pub(super) async fn holding_any_version<'h>(
        &self,
        candidate: &Candidate,
        versions: &[&'h VersionRecord],
    ) -> Result<Option<&'h VersionRecord>, Error> {
        if let Some(found) = self.holding(candidate, versions).await?.version {
            return Ok(Some(found));
        }
        self.differing_only_by_version(candidate, versions).await
    }

    /// The newest of `versions` whose schema is `candidate`'s but for a
    /// `confluent:version` only one side carries.
    pub(super) async fn differing_only_by_version<'h>(
        &self,
        candidate: &Candidate,
        versions: &[&'h VersionRecord],
    ) -> Result<Option<&'h VersionRecord>, Error> {
        for version in versions.iter().rev() {
            let entry = self.held(version.schema_id).await?;
            if self
                .same_but_version(candidate, &entry.record, version)
                .await?
            {
                return Ok(Some(version));
            }
        }
        Ok(None)
    }

    async fn same_but_version(
        &self,
        candidate: &Candidate,
        prev: &StoredSchema,
        version: &VersionRecord,
    ) -> Result<bool, Error> {
        if prev.schema_type != candidate.schema.schema_type()
            || prev.references != candidate.references
            || prev.rule_set != candidate.rule_set
        {
            return Ok(false);
        }
        let Some((mine, theirs)) = compared(
            candidate.metadata.as_ref(),
            prev.metadata.as_ref(),
            version.version,
        ) else {
            return Ok(false);
        };
        if mine != theirs {
            return Ok(false);
        }
        if prev.text == candidate.text {
            return Ok(true);
        }
        // Spellings the peer prints alike are one schema (as `holding` has
        // it); with the same metadata `holding` has looked for them already.
        if candidate.metadata != prev.metadata {
            let parsed = self.parsed(version.schema_id).await?;
            if parsed.identity_text(&prev.text) == candidate.identity_text() {
                return Ok(true);
            }
        }
        // Formatting variants are the same schema when the candidate was
        // normalized or has no formatting of its own (as `holding` has it).
        if candidate.normalized || !candidate.is_source {
            let parsed = self.parsed(version.schema_id).await?;
            let key =
                |text: &str| content_key(prev.schema_type, text, &prev.references, None, None);
            return Ok(key(parsed.canonical()) == key(candidate.schema.canonical()));
        }
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(properties: &[(&str, &str)]) -> Metadata {
        Metadata {
            properties: properties
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..Metadata::default()
        }
    }

    #[test]
    fn the_version_is_recorded_when_asked_for_or_already_carried() {
        let next = Version(4);
        let plain = Contract::default();
        assert_eq!(stamped(plain.clone(), WantedVersion::Next, next), plain);
        for wanted in [WantedVersion::Latest, WantedVersion::Exact(next)] {
            let got = stamped(plain.clone(), wanted, next);
            assert_eq!(got.metadata, Some(meta(&[("confluent:version", "4")])));
        }
        let carried = Contract {
            metadata: Some(meta(&[("confluent:version", "-1"), ("owner", "x")])),
            rule_set: None,
        };
        let got = stamped(carried, WantedVersion::Next, next);
        assert_eq!(
            got.metadata,
            Some(meta(&[("confluent:version", "4"), ("owner", "x")]))
        );
    }

    #[test]
    fn lookups_ignore_the_version_only_when_one_side_lacks_it() {
        let v2 = Version(2);
        let with = meta(&[("confluent:version", "2")]);
        // Sent without: the stored one's property is dropped.
        assert_eq!(
            compared(None, Some(&with), v2),
            Some((Some(Metadata::default()), Some(Metadata::default())))
        );
        // Sent with N: only version N, registered without it, matches.
        assert_eq!(
            compared(Some(&with), None, v2),
            Some((Some(Metadata::default()), Some(Metadata::default())))
        );
        assert_eq!(compared(Some(&with), None, Version(1)), None);
        // Both carry it (or neither): compared as they are.
        let other = meta(&[("confluent:version", "3")]);
        let (a, b) = compared(Some(&with), Some(&other), v2).unwrap();
        assert_ne!(a, b);
    }
}
