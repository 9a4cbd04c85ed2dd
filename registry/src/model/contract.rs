//! Confluent's data contracts: a schema's [`Metadata`] and [`RuleSet`]
//! (their serde shape is the peer's), how two of each merge, and the
//! config's [`ContractDefaults`] merged under and over a registered
//! schema's own.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize as _;

/// A schema's metadata, as Confluent's data contracts define it: tags by
/// field path, free properties (e.g. `major_version`) and the names of
/// sensitive properties. Kept sorted, as the peer keeps it, so that equal
/// metadata is one identity whatever order it was sent in.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    /// Tags by path (`Order.customer`, `**` for every field).
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub tags: BTreeMap<String, BTreeSet<String>>,
    /// Properties by name.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub properties: BTreeMap<String, String>,
    /// Names of properties whose values are secret.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "BTreeSet::is_empty"
    )]
    pub sensitive: BTreeSet<String>,
}

impl Metadata {
    /// `newer` over `older`, as the peer's `Metadata.mergeMetadata`:
    /// properties and tags by key (a tag key's set replaced whole),
    /// sensitive names joined; either side absent is the other.
    pub fn merge(older: Option<Metadata>, newer: Option<Metadata>) -> Option<Metadata> {
        match (older, newer) {
            (None, newer) => newer,
            (older, None) => older,
            (Some(mut older), Some(newer)) => {
                older.tags.extend(newer.tags);
                older.properties.extend(newer.properties);
                older.sensitive.extend(newer.sensitive);
                Some(older)
            }
        }
    }

    /// The fields named reserved by the property `confluent:reserved`
    /// (comma-separated, blanks ignored), which a registry with
    /// `validateFields` keeps out of the schema and from being dropped.
    pub fn reserved_fields(&self) -> BTreeSet<String> {
        self.property(RESERVED_PROPERTY)
            .map(|value| {
                value
                    .split(',')
                    .map(str::trim)
                    .filter(|field| !field.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The value of property `name`, when set.
    pub fn property(&self, name: &str) -> Option<&str> {
        self.properties.get(name).map(String::as_str)
    }

    /// The version number the property `confluent:version` holds (none
    /// when absent or not a number, as the peer's
    /// `getConfluentVersionNumber`).
    pub fn confluent_version(&self) -> Option<i64> {
        self.property(VERSION_PROPERTY)?.parse().ok()
    }

    /// `metadata` (absent: empty) with `confluent:version` set to
    /// `version` (the peer's `Metadata.setConfluentVersion`).
    pub fn with_confluent_version(metadata: Option<Metadata>, version: i64) -> Metadata {
        let mut metadata = metadata.unwrap_or_default();
        metadata
            .properties
            .insert(VERSION_PROPERTY.to_string(), version.to_string());
        metadata
    }

    /// This metadata without `confluent:version`.
    pub fn without_confluent_version(&self) -> Metadata {
        let mut metadata = self.clone();
        metadata.properties.remove(VERSION_PROPERTY);
        metadata
    }
}

/// The metadata property in which the peer records a version's own number
/// (`Metadata.CONFLUENT_VERSION`): set on a version registered with an
/// explicit version, `-1`, schema tags or the tags endpoint, and kept up to
/// date on the versions that follow one carrying it.
pub const VERSION_PROPERTY: &str = "confluent:version";

/// The metadata property naming a schema's reserved fields (the peer's
/// `ParsedSchema.RESERVED`).
pub const RESERVED_PROPERTY: &str = "confluent:reserved";

/// A collection (or flag) that may be sent as `null` for empty.
fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + serde::Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// A schema's rule set: rules that client serializers run on migration
/// between versions, on every record (domain rules), and on the encoded
/// bytes. Order is kept: rules run in order.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleSet {
    /// Rules run when reading data of another version (modes `UPGRADE`,
    /// `DOWNGRADE`, `UPDOWN`).
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub migration_rules: Vec<Rule>,
    /// Rules run on every record (modes `WRITE`, `READ`, `WRITEREAD`).
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub domain_rules: Vec<Rule>,
    /// Rules run on the encoded bytes (modes `WRITE`, `READ`, `WRITEREAD`).
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub encoding_rules: Vec<Rule>,
}

impl RuleSet {
    /// `newer` over `older`, as the peer's `RuleSet.mergeRuleSets`: in
    /// each list, `older`'s rules that `newer` does not name, in their
    /// order, then `newer`'s; either side absent is the other.
    pub fn merge(older: Option<RuleSet>, newer: Option<RuleSet>) -> Option<RuleSet> {
        match (older, newer) {
            (None, newer) => newer,
            (older, None) => older,
            (Some(older), Some(newer)) => Some(RuleSet {
                migration_rules: merge_rules(older.migration_rules, newer.migration_rules),
                domain_rules: merge_rules(older.domain_rules, newer.domain_rules),
                encoding_rules: merge_rules(older.encoding_rules, newer.encoding_rules),
            }),
        }
    }
}

/// One list of [`RuleSet::merge`].
impl RuleSet {
    /// This rule set without the rules named in `names` (the peer's
    /// `rulesToRemove`).
    pub fn without(mut self, names: &[String]) -> RuleSet {
        for list in [
            &mut self.migration_rules,
            &mut self.domain_rules,
            &mut self.encoding_rules,
        ] {
            list.retain(|rule| !names.contains(&rule.name));
        }
        self
    }
}

fn merge_rules(older: Vec<Rule>, newer: Vec<Rule>) -> Vec<Rule> {
    let mut merged: Vec<Rule> = older
        .into_iter()
        .filter(|old| !newer.iter().any(|new| new.name == old.name))
        .collect();
    merged.extend(newer);
    merged
}

/// One rule of a [`RuleSet`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    /// Its name, unique in the rule set.
    pub name: String,
    /// What it is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// `TRANSFORM` or `CONDITION`.
    pub kind: RuleKind,
    /// When it runs.
    pub mode: RuleMode,
    /// The executor (`CEL`, `CEL_FIELD`, `JSONATA`, `ENCRYPT`, ...).
    #[serde(rename = "type")]
    pub rule_type: String,
    /// The tags of the fields it applies to.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "BTreeSet::is_empty"
    )]
    pub tags: BTreeSet<String>,
    /// Executor parameters.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub params: BTreeMap<String, String>,
    /// The expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expr: Option<String>,
    /// The action on success (`NONE`, `ERROR`, `DLQ`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_success: Option<String>,
    /// The action on failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_failure: Option<String>,
    /// Whether the rule is switched off.
    #[serde(default, deserialize_with = "null_as_default")]
    pub disabled: bool,
}

/// What a rule does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "UPPERCASE", try_from = "String")]
pub enum RuleKind {
    /// Changes the data.
    Transform,
    /// Checks the data.
    Condition,
}

/// When a rule runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "UPPERCASE", try_from = "String")]
pub enum RuleMode {
    /// Migrating data to a newer version.
    Upgrade,
    /// Migrating data to an older version.
    Downgrade,
    /// Both migrations.
    Updown,
    /// Writing.
    Write,
    /// Reading.
    Read,
    /// Writing and reading.
    Writeread,
}

impl TryFrom<String> for RuleKind {
    type Error = String;

    fn try_from(name: String) -> Result<RuleKind, String> {
        match name.as_str() {
            "TRANSFORM" => Ok(RuleKind::Transform),
            "CONDITION" => Ok(RuleKind::Condition),
            _ => Err(format!(
                "unknown rule kind `{name}`: expected TRANSFORM or CONDITION"
            )),
        }
    }
}

impl TryFrom<String> for RuleMode {
    type Error = String;

    fn try_from(name: String) -> Result<RuleMode, String> {
        Ok(match name.as_str() {
            "UPGRADE" => RuleMode::Upgrade,
            "DOWNGRADE" => RuleMode::Downgrade,
            "UPDOWN" => RuleMode::Updown,
            "WRITE" => RuleMode::Write,
            "READ" => RuleMode::Read,
            "WRITEREAD" => RuleMode::Writeread,
            _ => {
                return Err(format!(
                    "unknown rule mode `{name}`: expected UPGRADE, DOWNGRADE, UPDOWN, WRITE, READ or WRITEREAD"
                ));
            }
        })
    }
}

impl RuleMode {
    /// Whether the mode is one of a migration rule (else of a domain or
    /// encoding rule).
    pub fn is_migration(self) -> bool {
        matches!(
            self,
            RuleMode::Upgrade | RuleMode::Downgrade | RuleMode::Updown
        )
    }
}

/// The peer's `defaultMetadata`, `overrideMetadata`, `defaultRuleSet` and
/// `overrideRuleSet`: a registered schema's metadata is
/// `default < its own (or its predecessor's) < override`, and so is its
/// rule set.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ContractDefaults {
    /// Metadata under the schema's own.
    pub default_metadata: Option<Metadata>,
    /// Metadata over the schema's own.
    pub override_metadata: Option<Metadata>,
    /// Rules under the schema's own.
    pub default_rule_set: Option<RuleSet>,
    /// Rules over the schema's own.
    pub override_rule_set: Option<RuleSet>,
}

impl ContractDefaults {
    /// Whether none is set.
    pub fn is_empty(&self) -> bool {
        *self == ContractDefaults::default()
    }

    /// The metadata a schema registered with `own` gets:
    /// `default < own < override`, merged as [`Metadata::merge`].
    pub fn metadata(&self, own: Option<Metadata>) -> Option<Metadata> {
        let merged = Metadata::merge(self.default_metadata.clone(), own);
        Metadata::merge(merged, self.override_metadata.clone())
    }

    /// The rule set a schema registered with `own` gets:
    /// `default < own < override`, merged as [`RuleSet::merge`].
    pub fn rule_set(&self, own: Option<RuleSet>) -> Option<RuleSet> {
        let merged = RuleSet::merge(self.default_rule_set.clone(), own);
        RuleSet::merge(merged, self.override_rule_set.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metadata(properties: &[(&str, &str)], sensitive: &[&str]) -> Metadata {
        Metadata {
            properties: properties
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            sensitive: sensitive.iter().map(|s| s.to_string()).collect(),
            ..Metadata::default()
        }
    }

    fn rule(name: &str, expr: &str) -> Rule {
        Rule {
            name: name.into(),
            doc: None,
            kind: RuleKind::Condition,
            mode: RuleMode::Write,
            rule_type: "CEL".into(),
            tags: BTreeSet::new(),
            params: BTreeMap::new(),
            expr: Some(expr.into()),
            on_success: None,
            on_failure: None,
            disabled: false,
        }
    }

    #[test]
    fn metadata_merges_by_key_newer_winning() {
        let older = metadata(&[("owner", "a"), ("tier", "1")], &["owner"]);
        let newer = metadata(&[("owner", "b"), ("major_version", "2")], &["pii"]);
        let merged = Metadata::merge(Some(older.clone()), Some(newer.clone())).unwrap();
        assert_eq!(
            merged,
            metadata(
                &[("owner", "b"), ("tier", "1"), ("major_version", "2")],
                &["owner", "pii"]
            )
        );
        assert_eq!(Metadata::merge(None, Some(newer.clone())), Some(newer));
        assert_eq!(Metadata::merge(Some(older.clone()), None), Some(older));
        assert_eq!(Metadata::merge(None, None), None);
    }

    #[test]
    fn rules_merge_by_name_newer_replacing_in_place_of_order() {
        let older = RuleSet {
            domain_rules: vec![rule("a", "1"), rule("b", "1"), rule("c", "1")],
            ..RuleSet::default()
        };
        let newer = RuleSet {
            domain_rules: vec![rule("b", "2"), rule("d", "2")],
            ..RuleSet::default()
        };
        let merged = RuleSet::merge(Some(older), Some(newer)).unwrap();
        let names: Vec<(&str, &str)> = merged
            .domain_rules
            .iter()
            .map(|r| (r.name.as_str(), r.expr.as_deref().unwrap()))
            .collect();
        assert_eq!(names, [("a", "1"), ("c", "1"), ("b", "2"), ("d", "2")]);
    }

    #[test]
    fn contract_defaults_sit_under_and_overrides_over_the_own() {
        let defaults = ContractDefaults {
            default_metadata: Some(metadata(&[("owner", "platform"), ("tier", "1")], &[])),
            override_metadata: Some(metadata(&[("tier", "0")], &[])),
            ..ContractDefaults::default()
        };
        let own = metadata(&[("owner", "payments")], &[]);
        assert_eq!(
            defaults.metadata(Some(own)),
            Some(metadata(&[("owner", "payments"), ("tier", "0")], &[]))
        );
        assert_eq!(
            defaults.metadata(None),
            Some(metadata(&[("owner", "platform"), ("tier", "0")], &[]))
        );
        assert_eq!(ContractDefaults::default().rule_set(None), None);
    }
}
