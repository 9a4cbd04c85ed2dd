//! The Confluent wire shapes shared by several resources, and their mapping
//! from and to domain types (by hand, field by field). Decoding a schema
//! body is where the peer's sentinels end: `version` -1 or 0, `id` -1, a
//! missing `schemaType` (AVRO), a reference's `version` -1, and an empty
//! `schema` (the subject's latest) become typed service inputs.

use schemas::SchemaType;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::body::{FieldError, decode};
pub use super::references::{ReferenceForm, ReferenceView, references, references_from};
use super::tags::SchemaTagsBody;
use crate::model::{
    ConfigRecord, Metadata, RuleMode, RuleSet, SchemaId, StoredSchema, Version, VersionSelector,
};
use crate::service::{
    Contract, PostedReference, PostedSchema, Registration, SchemaInput, SubjectVersion,
    WantedVersion,
};

/// `RegisterSchemaRequest`: the body of register, lookup and compatibility.
/// Unknown fields are ignored, as the peer ignores unknown properties.
/// `metadata` and `ruleSet` (the data contract, part of a schema's identity)
/// are decoded and checked in [`SchemaBody::into_schema`], so that a bad
/// rule is named by its path.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "schemaType": "AVRO",
    "schema": "{\"type\":\"record\",\"name\":\"Order\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"}]}"
}))]
pub struct SchemaBody {
    /// The schema's text; empty or absent: the subject's latest.
    schema: Option<String>,
    /// `AVRO` (when absent), `JSON` or `PROTOBUF`.
    schema_type: Option<String>,
    /// The other schemas this one imports.
    references: Option<Vec<ReferenceBody>>,
    /// Under IMPORT mode, the version to register as; -1 or 0: the next.
    version: Option<i64>,
    /// Under IMPORT mode, the id to register with; -1: any.
    id: Option<i64>,
    /// The data contract's metadata (`properties`, `tags`, `sensitive`).
    #[schema(value_type = Option<Object>)]
    metadata: Option<Value>,
    /// The data contract's rules (`migrationRules`, `domainRules`, `encodingRules`).
    #[serde(alias = "ruleset")]
    #[schema(value_type = Option<Object>)]
    rule_set: Option<Value>,
    /// Tags to write into the schema's records and fields.
    #[schema(value_type = Option<Vec<super::tags::SchemaTagsBody>>)]
    schema_tags_to_add: Option<Value>,
    /// Tags to take out of the schema's records and fields.
    #[schema(value_type = Option<Vec<super::tags::SchemaTagsBody>>)]
    schema_tags_to_remove: Option<Value>,
    /// Whether the latest version's tags are carried over to the schema.
    propagate_schema_tags: Option<bool>,
}

/// One element of `references`.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ReferenceBody {
    /// The name the schema imports it by.
    name: Option<String>,
    /// The subject holding it.
    subject: Option<String>,
    /// Its version in that subject; -1: the latest.
    version: Option<i64>,
}

/// Why a schema body cannot be used, found before the service sees it:
/// the peer answers these 42201, an id out of range 42205.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidSchemaBody {
    /// A `schemaType` that is not a format.
    #[error("Invalid schema: unknown schemaType `{0}`: expected AVRO, JSON or PROTOBUF")]
    UnknownType(String),
    /// A reference that cannot be used.
    #[error("Invalid schema: {0}")]
    Reference(#[from] InvalidReference),
    /// An explicit `version` that is neither a sentinel nor a version.
    #[error("Invalid schema: version {0} is not a valid version number")]
    BadVersion(i64),
    /// `metadata` that cannot be used.
    #[error("Invalid schema: {0}")]
    Metadata(FieldError),
    /// Schema tags (`schemaTagsToAdd`, `tagsToAdd`, ...) that cannot be
    /// decoded.
    #[error("Invalid schema: {0}")]
    Tags(FieldError),
    /// A `ruleSet` that cannot be used (the peer answers 42210).
    #[error("Invalid rule set: {0}")]
    RuleSet(String),
    /// An explicit `id` that is neither the sentinel nor an id.
    #[error("Operation not permitted: schema id {0} is out of range: ids are between 1 and 2^31-1")]
    BadId(i64),
}

/// Why one element of `references` cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidReference {
    /// A reference without its name, subject or version.
    #[error("reference #{index} lacks its `{field}`")]
    Incomplete {
        /// Its position in `references`.
        index: usize,
        /// The missing field.
        field: &'static str,
    },
    /// A version that is neither `-1` (the latest) nor a version number.
    #[error(
        "reference #{index} has version {version}; a reference's version is -1 (the latest) or between 1 and 2^31-1"
    )]
    BadVersion {
        /// Its position in `references`.
        index: usize,
        /// The version as sent.
        version: i64,
    },
}

/// The data contract of a body, decoded with paths from the body's root.
#[derive(Debug, Default, Deserialize)]
struct ContractBody {
    metadata: Option<Metadata>,
    #[serde(rename = "ruleSet")]
    rule_set: Option<RuleSet>,
}

/// Decodes `metadata` and `ruleSet` and checks the rules: each has a name
/// (unique in the set) and a type, and a mode of its list (migration rules
/// `UPGRADE`, `DOWNGRADE` or `UPDOWN`; domain and encoding rules `WRITE`,
/// `READ` or `WRITEREAD`). Empty ones are none.
pub fn contract(
    metadata: Option<Value>,
    rule_set: Option<Value>,
) -> Result<Contract, InvalidSchemaBody> {
    let mut body = serde_json::Map::new();
    for (name, value) in [("metadata", metadata), ("ruleSet", rule_set)] {
        if let Some(value) = value {
            body.insert(name.to_string(), value);
        }
    }
    let decoded: ContractBody = decode(Value::Object(body)).map_err(|e| {
        if e.path().starts_with("ruleSet") {
            InvalidSchemaBody::RuleSet(e.to_string())
        } else {
            InvalidSchemaBody::Metadata(e)
        }
    })?;
    if let Some(rules) = &decoded.rule_set {
        check_rules("ruleSet", rules).map_err(InvalidSchemaBody::RuleSet)?;
    }
    Ok(Contract {
        metadata: decoded.metadata.filter(|m| *m != Metadata::default()),
        rule_set: decoded.rule_set.filter(|r| *r != RuleSet::default()),
    })
}

/// Checks what decoding cannot in the rule set sent as `field`: names,
/// types and each list's modes.
pub fn check_rules(field: &str, rules: &RuleSet) -> Result<(), String> {
    let mut names = std::collections::HashSet::new();
    let lists = [
        ("migrationRules", &rules.migration_rules, true),
        ("domainRules", &rules.domain_rules, false),
        ("encodingRules", &rules.encoding_rules, false),
    ];
    for (list, rules, migration) in lists {
        for (index, rule) in rules.iter().enumerate() {
            let at = format!("`{field}.{list}[{index}]");
            if rule.name.trim().is_empty() {
                return Err(format!("{at}.name` must not be empty"));
            }
            if let Some(problem) = rule_name_problem(&rule.name) {
                return Err(format!("{at}.name` `{}` {problem}", rule.name));
            }
            if !names.insert(rule.name.as_str()) {
                return Err(format!(
                    "{at}.name` is `{}`, which an earlier rule has: rule names are unique",
                    rule.name
                ));
            }
            if rule.rule_type.trim().is_empty() {
                return Err(format!("{at}.type` must not be empty"));
            }
            let one_way = !matches!(rule.mode, RuleMode::Writeread | RuleMode::Updown);
            for (field, action) in [
                ("onSuccess", &rule.on_success),
                ("onFailure", &rule.on_failure),
            ] {
                if one_way && action.as_deref().is_some_and(|a| a.contains(',')) {
                    return Err(format!(
                        "{at}.{field}` lists several actions, which only a WRITEREAD or UPDOWN rule takes (one per direction)"
                    ));
                }
            }
            if rule.mode.is_migration() != migration {
                let allowed = if migration {
                    "UPGRADE, DOWNGRADE or UPDOWN for a migration rule"
                } else {
                    "WRITE, READ or WRITEREAD for a domain or encoding rule"
                };
                let mode = serde_json::to_value(rule.mode).unwrap_or_default();
                return Err(format!("{at}.mode` must be {allowed}; it is {mode}"));
            }
        }
    }
    Ok(())
}

/// What is wrong with a rule name, as the peer's `Rule.validateName` judges
/// it: at most 256 characters, a letter or `_` first, then letters,
/// digits, `_` and `-`.
fn rule_name_problem(name: &str) -> Option<&'static str> {
    let mut chars = name.chars();
    if name.chars().count() > 256 {
        return Some("is longer than 256 characters");
    }
    if !chars.next().is_some_and(|c| c.is_alphabetic() || c == '_') {
        return Some("must start with a letter or `_`");
    }
    if !chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-') {
        return Some("may hold only letters, digits, `_` and `-`");
    }
    None
}

/// A positive 32-bit number, as versions and ids are.
fn positive_i32(n: i64) -> Option<i32> {
    i32::try_from(n).ok().filter(|n| *n > 0)
}

impl SchemaBody {
    /// The schema a lookup or compatibility check is about: no (or blank)
    /// `schema` means the subject's latest (and `schemaType` and
    /// `references` are not read); no `schemaType` means AVRO.
    pub fn into_schema(self) -> Result<SchemaInput, InvalidSchemaBody> {
        let contract = contract(self.metadata, self.rule_set)?;
        let text = self.schema.unwrap_or_default();
        if text.trim().is_empty() {
            return Ok(SchemaInput::Latest(contract));
        }
        let schema_type = match self.schema_type {
            None => SchemaType::Avro,
            Some(name) => name
                .parse()
                .map_err(|_| InvalidSchemaBody::UnknownType(name))?,
        };
        let references = self
            .references
            .unwrap_or_default()
            .into_iter()
            .enumerate()
            .map(|(index, r)| posted_reference(index, r.name, r.subject, r.version))
            .collect::<Result<_, _>>()?;
        Ok(SchemaInput::Posted(PostedSchema {
            schema_type,
            text,
            references,
            contract: Box::new(contract),
        }))
    }

    /// A registration: the schema, and the peer's sentinels decoded:
    /// `version` absent or 0 is the next version, -1 the next unless the
    /// latest holds the schema; `id` absent or -1 is any id. `normalize` is the query parameter.
    pub fn into_registration(mut self, normalize: bool) -> Result<Registration, InvalidSchemaBody> {
        let (version, id) = (self.version, self.id);
        let tags = super::tags::tag_edit(
            ("schemaTagsToAdd", self.schema_tags_to_add.take()),
            ("schemaTagsToRemove", self.schema_tags_to_remove.take()),
        )?;
        let propagate_tags = self.propagate_schema_tags == Some(true);
        let schema = self.into_schema()?;
        let id = match id {
            None | Some(-1) => None,
            Some(n) => Some(SchemaId(
                positive_i32(n).ok_or(InvalidSchemaBody::BadId(n))?.into(),
            )),
        };
        let version = match version {
            None | Some(0) => WantedVersion::Next,
            Some(-1) => WantedVersion::Latest,
            Some(n) => WantedVersion::Exact(Version(
                positive_i32(n).ok_or(InvalidSchemaBody::BadVersion(n))?,
            )),
        };
        Ok(Registration {
            schema,
            normalize,
            version,
            id,
            tags,
            propagate_tags,
        })
    }
}

/// One posted reference, every field checked: `name` and `subject` present
/// and not empty, `version` -1 (the latest) or a version number.
pub fn posted_reference(
    index: usize,
    name: Option<String>,
    subject: Option<String>,
    version: Option<i64>,
) -> Result<PostedReference, InvalidReference> {
    let missing = |field| InvalidReference::Incomplete { index, field };
    let name = name.filter(|n| !n.is_empty()).ok_or(missing("name"))?;
    let subject = subject
        .filter(|s| !s.is_empty())
        .ok_or(missing("subject"))?;
    let version = match version.ok_or(missing("version"))? {
        -1 => VersionSelector::Latest,
        n => VersionSelector::Number(Version(
            positive_i32(n).ok_or(InvalidReference::BadVersion { index, version: n })?,
        )),
    };
    Ok(PostedReference {
        name,
        subject,
        version,
    })
}

/// `Schema`: a subject version with its schema. Also the registration
/// answer, which leaves `subject` out.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Schema)]
pub struct SchemaView<'a> {
    /// The subject (left out of the registration answer).
    #[serde(skip_serializing_if = "Option::is_none")]
    subject: Option<&'a str>,
    /// The version in the subject.
    version: i32,
    /// The schema's global id.
    id: i64,
    /// `AVRO`, `JSON` or `PROTOBUF`.
    schema_type: &'static str,
    /// The schemas it imports (left out when none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    references: Vec<ReferenceView<'a>>,
    /// The schema's text.
    schema: &'a str,
    /// The schema's GUID.
    guid: &'a str,
    /// The data contract's metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    metadata: Option<&'a Metadata>,
    /// The data contract's rules.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    rule_set: Option<&'a RuleSet>,
    /// With `findTags`: the tagged records and fields asked for.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub schema_tags: Vec<SchemaTagsBody>,
    /// When the version was registered, in milliseconds since the epoch.
    ts: i64,
    /// Whether the version is soft-deleted.
    deleted: bool,
}

/// Whether the answer names its subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WithSubject {
    /// `GET /subjects/{s}/versions/{v}`, lookup, `GET /schemas`.
    Yes,
    /// The registration answer.
    No,
}

impl<'a> SchemaView<'a> {
    /// The view of a subject version, with its schema as `text` (the stored
    /// text, or another `format` of it).
    pub fn of(
        found: &'a SubjectVersion,
        with_subject: WithSubject,
        text: &'a str,
    ) -> SchemaView<'a> {
        let record = &found.schema.record;
        SchemaView {
            subject: (with_subject == WithSubject::Yes).then_some(found.record.subject.as_str()),
            version: found.record.version.0,
            id: found.record.id.0,
            schema_type: record.schema_type.as_str(),
            references: references_from(
                &record.references,
                Some(&found.record.subject),
                ReferenceForm::AsPosted,
            ),
            schema: text,
            guid: &record.guid,
            metadata: record.metadata.as_ref(),
            rule_set: record.rule_set.as_ref(),
            schema_tags: Vec::new(),
            ts: found.record.registered_at_ms,
            deleted: found.record.deleted,
        }
    }

    /// The view with its references in `form` (`referenceFormat`).
    pub fn with_references(mut self, found: &'a SubjectVersion, form: ReferenceForm) -> Self {
        let refs = &found.schema.record.references;
        self.references = references_from(refs, Some(&found.record.subject), form);
        self
    }
}

/// `SchemaString`: a schema by id.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = SchemaString)]
pub struct SchemaStringView<'a> {
    /// The schema's text.
    schema: &'a str,
    /// `AVRO`, `JSON` or `PROTOBUF`.
    schema_type: &'static str,
    /// The schemas it imports (left out when none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    references: Vec<ReferenceView<'a>>,
    /// The schema's GUID.
    guid: &'a str,
    /// The data contract's metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    metadata: Option<&'a Metadata>,
    /// The data contract's rules.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    rule_set: Option<&'a RuleSet>,
    /// With `findTags`: the tagged records and fields asked for.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub schema_tags: Vec<SchemaTagsBody>,
    /// With `?subject=`: that subject, if the schema is registered under it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// With `?subject=`: the version there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<i32>,
    /// With `?fetchMaxId=true`: the largest id in the registry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_id: Option<i64>,
}

impl<'a> SchemaStringView<'a> {
    /// The view of a stored schema with its schema as `text`, without the
    /// optional fields.
    pub fn of(record: &'a StoredSchema, text: &'a str) -> SchemaStringView<'a> {
        SchemaStringView {
            schema: text,
            schema_type: record.schema_type.as_str(),
            references: references(&record.references),
            guid: &record.guid,
            metadata: record.metadata.as_ref(),
            rule_set: record.rule_set.as_ref(),
            schema_tags: Vec::new(),
            subject: None,
            version: None,
            max_id: None,
        }
    }

    /// The view with its references as read from `parent` (a subject or
    /// `:.ctx:`), in `form`.
    pub fn with_references(
        mut self,
        record: &'a StoredSchema,
        parent: Option<&str>,
        form: ReferenceForm,
    ) -> Self {
        self.references = references_from(&record.references, parent, form);
        self
    }
}

/// `Config` as `GET` answers it (`compatibilityLevel`), or as `PUT` echoes
/// it (`compatibility`): the peer's fields in the peer's order, each only
/// where set (the peer's `NON_EMPTY`/`NON_NULL`).
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Config)]
pub struct ConfigView {
    /// The subject reads of this one resolve to.
    #[serde(skip_serializing_if = "Option::is_none")]
    alias: Option<String>,
    /// Whether schemas are normalized before they are compared.
    #[serde(skip_serializing_if = "Option::is_none")]
    normalize: Option<bool>,
    /// Whether reserved fields are checked at registration.
    #[serde(skip_serializing_if = "Option::is_none")]
    validate_fields: Option<bool>,
    /// The peer's `validateRules`, kept and answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    validate_rules: Option<bool>,
    /// The compatibility level (`GET`, `DELETE`).
    #[serde(skip_serializing_if = "Option::is_none")]
    compatibility_level: Option<&'static str>,
    /// The compatibility level (`PUT`'s echo).
    #[serde(skip_serializing_if = "Option::is_none")]
    compatibility: Option<&'static str>,
    /// Charter's policy: `STRICT`, `LENIENT` or `CONFLUENT`.
    #[serde(skip_serializing_if = "Option::is_none")]
    compatibility_policy: Option<&'static str>,
    /// The metadata property whose value splits a subject into lines.
    #[serde(skip_serializing_if = "Option::is_none")]
    compatibility_group: Option<String>,
    /// Metadata merged under a registered schema's own.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    default_metadata: Option<Metadata>,
    /// Metadata merged over a registered schema's own.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    override_metadata: Option<Metadata>,
    /// Rules merged under a registered schema's own.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    default_rule_set: Option<RuleSet>,
    /// Rules merged over a registered schema's own.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    override_rule_set: Option<RuleSet>,
    /// Charter's own setting: only answered where set, so a client that
    /// never sets it gets the peer's answers unchanged.
    #[serde(skip_serializing_if = "Option::is_none")]
    consumer_compatibility: Option<&'static str>,
}

/// Which spelling a config answer uses for the level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LevelKey {
    /// `compatibilityLevel`, as `GET` and `DELETE` answer.
    Level,
    /// `compatibility`, as `PUT` echoes.
    Update,
}

impl ConfigView {
    /// The view of a config record.
    pub fn of(config: ConfigRecord, key: LevelKey) -> ConfigView {
        let level = config.compatibility.map(|c| c.as_str());
        let contracts = config.contract_defaults;
        ConfigView {
            alias: config.alias,
            normalize: config.normalize,
            validate_fields: config.validate_fields,
            validate_rules: config.validate_rules,
            compatibility_level: if key == LevelKey::Level { level } else { None },
            compatibility: if key == LevelKey::Update { level } else { None },
            compatibility_policy: config.policy.map(|p| match p {
                schemas::Policy::Strict => "STRICT",
                schemas::Policy::Lenient => "LENIENT",
                schemas::Policy::Confluent => "CONFLUENT",
            }),
            compatibility_group: config.compatibility_group,
            default_metadata: contracts.default_metadata,
            override_metadata: contracts.override_metadata,
            default_rule_set: contracts.default_rule_set,
            override_rule_set: contracts.override_rule_set,
            consumer_compatibility: config.consumer_compatibility.map(|c| c.as_str()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(value: Value) -> SchemaBody {
        serde_json::from_value(value).expect("a schema body")
    }

    /// The registration `value` decodes to.
    fn registration(value: Value) -> Result<Registration, InvalidSchemaBody> {
        body(value).into_registration(false)
    }

    /// The posted schema of a registration of `value`.
    fn posted(value: Value) -> Result<PostedSchema, InvalidSchemaBody> {
        match body(value).into_schema()? {
            SchemaInput::Posted(posted) => Ok(posted),
            SchemaInput::Latest(_) => panic!("a posted schema"),
        }
    }

    fn with(fields: Value) -> Value {
        let mut value = json!({"schema": "{}", "schemaType": "JSON"});
        for (k, v) in fields.as_object().unwrap() {
            value[k] = v.clone();
        }
        value
    }

    /// The explicit (version, id) a registration with `fields` asks for.
    fn explicit(fields: Value) -> Result<(Option<i32>, Option<i64>), InvalidSchemaBody> {
        let r = registration(with(fields))?;
        Ok((r.version.exact().map(|v| v.0), r.id.map(|id| id.0)))
    }

    #[test]
    fn version_sentinels() {
        assert_eq!(explicit(json!({})), Ok((None, None)));
        assert_eq!(explicit(json!({"version": null})), Ok((None, None)));
        assert_eq!(explicit(json!({"version": -1})), Ok((None, None)));
        assert_eq!(explicit(json!({"version": 0})), Ok((None, None)));
        let wanted = |fields| registration(with(fields)).map(|r| r.version);
        assert_eq!(wanted(json!({"version": 0})), Ok(WantedVersion::Next));
        assert_eq!(wanted(json!({})), Ok(WantedVersion::Next));
        assert_eq!(wanted(json!({"version": -1})), Ok(WantedVersion::Latest));
        assert_eq!(explicit(json!({"version": 1})), Ok((Some(1), None)));
        assert_eq!(
            explicit(json!({"version": i32::MAX})),
            Ok((Some(i32::MAX), None))
        );
        for bad in [-2, i64::from(i32::MAX) + 1, i64::MIN] {
            assert_eq!(
                explicit(json!({"version": bad})),
                Err(InvalidSchemaBody::BadVersion(bad))
            );
        }
    }

    #[test]
    fn id_sentinels() {
        assert_eq!(explicit(json!({"id": -1})), Ok((None, None)));
        assert_eq!(explicit(json!({"id": null})), Ok((None, None)));
        assert_eq!(explicit(json!({"id": 100})), Ok((None, Some(100))));
        assert_eq!(
            explicit(json!({"id": 100, "version": 5})),
            Ok((Some(5), Some(100)))
        );
        for bad in [0, -2, i64::from(i32::MAX) + 1] {
            assert_eq!(
                explicit(json!({"id": bad})),
                Err(InvalidSchemaBody::BadId(bad))
            );
        }
    }

    #[test]
    fn schema_types() {
        let of = |value: Value| posted(value).map(|p| p.schema_type);
        assert_eq!(of(json!({"schema": "\"string\""})), Ok(SchemaType::Avro));
        assert_eq!(
            of(json!({"schema": "\"string\"", "schemaType": null})),
            Ok(SchemaType::Avro)
        );
        for (name, expect) in [
            ("AVRO", SchemaType::Avro),
            ("JSON", SchemaType::Json),
            ("PROTOBUF", SchemaType::Protobuf),
        ] {
            assert_eq!(of(with(json!({"schemaType": name}))), Ok(expect));
        }
        assert_eq!(
            of(with(json!({"schemaType": "XML"}))),
            Err(InvalidSchemaBody::UnknownType("XML".into()))
        );
        assert_eq!(
            posted(with(json!({}))).map(|p| p.text),
            Ok("{}".to_string())
        );
    }

    #[test]
    fn no_schema_text_means_the_latest_whatever_else_is_sent() {
        for value in [
            json!({}),
            json!({"schema": ""}),
            json!({"schema": "  \n"}),
            json!({"schema": null, "schemaType": "XML", "references": [{}]}),
        ] {
            assert_eq!(
                body(value.clone()).into_schema(),
                Ok(SchemaInput::Latest(Contract::default())),
                "{value}"
            );
        }
        let latest = registration(json!({"version": 3, "id": 7})).unwrap();
        assert_eq!(latest.schema, SchemaInput::Latest(Contract::default()));
        assert_eq!(
            (latest.version, latest.id),
            (WantedVersion::Exact(Version(3)), Some(SchemaId(7)))
        );
    }

    #[test]
    fn references_are_checked_field_by_field() {
        let refs = |references: Value| posted(with(json!({"references": references})));
        let reference = |name: &str, subject: &str, version| PostedReference {
            name: name.into(),
            subject: subject.into(),
            version,
        };
        assert_eq!(
            refs(json!([
                {"name": "a.json", "subject": "a", "version": 2},
                {"name": "b.json", "subject": "b", "version": -1, "extra": true},
            ]))
            .map(|p| p.references),
            Ok(vec![
                reference("a.json", "a", VersionSelector::Number(Version(2))),
                reference("b.json", "b", VersionSelector::Latest),
            ])
        );
        assert_eq!(refs(json!(null)).map(|p| p.references), Ok(vec![]));
        let incomplete = |index, field| {
            Err(InvalidSchemaBody::Reference(InvalidReference::Incomplete {
                index,
                field,
            }))
        };
        let ok = json!({"name": "a.json", "subject": "a", "version": 1});
        for (missing, field) in [
            (json!({"subject": "a", "version": 1}), "name"),
            (json!({"name": "", "subject": "a", "version": 1}), "name"),
            (json!({"name": "a.json", "version": 1}), "subject"),
            (
                json!({"name": "a.json", "subject": "", "version": 1}),
                "subject",
            ),
            (json!({"name": "a.json", "subject": "a"}), "version"),
            (
                json!({"name": "a.json", "subject": "a", "version": null}),
                "version",
            ),
        ] {
            assert_eq!(refs(json!([ok, missing])), incomplete(1, field));
        }
        for bad in [0, -2, i64::from(i32::MAX) + 1] {
            assert_eq!(
                refs(json!([{"name": "a.json", "subject": "a", "version": bad}])),
                Err(InvalidSchemaBody::Reference(InvalidReference::BadVersion {
                    index: 0,
                    version: bad
                }))
            );
        }
    }

    #[test]
    fn metadata_and_rule_sets_are_decoded_and_checked() {
        let rule = |mode: &str| {
            json!({"name": "checkTotal", "kind": "CONDITION", "mode": mode, "type": "CEL",
                   "expr": "message.total > 0", "params": {"b": "2", "a": "1"}})
        };
        let sent = posted(with(json!({
            "metadata": {"properties": {"owner": "payments", "major_version": "2"},
                         "tags": {"Order.total": ["PII"]}},
            "ruleset": {"domainRules": [rule("WRITE")]},
        })))
        .unwrap();
        let metadata = sent.contract.metadata.unwrap();
        assert_eq!(metadata.properties["major_version"], "2");
        let rules = sent.contract.rule_set.unwrap();
        assert_eq!(
            rules.domain_rules[0].expr.as_deref(),
            Some("message.total > 0")
        );
        assert_eq!(
            serde_json::to_value(&rules).unwrap(),
            json!({"domainRules": [{"name": "checkTotal", "kind": "CONDITION", "mode": "WRITE",
                   "type": "CEL", "params": {"a": "1", "b": "2"}, "expr": "message.total > 0",
                   "disabled": false}]})
        );
        let refused = |fields: Value| registration(with(fields)).unwrap_err().to_string();
        let message = refused(json!({"ruleSet": {"domainRules": [rule("UPGRADE")]}}));
        assert!(
            message.contains("`ruleSet.domainRules[0].mode` must be WRITE, READ or WRITEREAD"),
            "{message}"
        );
        let mut bad_kind = rule("WRITE");
        bad_kind["kind"] = json!("CHECK");
        let message = refused(json!({"ruleSet": {"domainRules": [bad_kind]}}));
        assert!(message.contains("ruleSet.domainRules[0].kind"), "{message}");
        let message = refused(json!({"ruleSet": {"migrationRules": [rule("WRITE")]}}));
        assert!(message.contains("migrationRules[0].mode"), "{message}");
        let message = refused(json!({"ruleSet": {"domainRules": [rule("READ"), rule("WRITE")]}}));
        assert!(message.contains("domainRules[1].name"), "{message}");
        let message = refused(json!({"metadata": {"properties": {"n": 5}}}));
        assert!(message.contains("metadata.properties.n"), "{message}");
        for unset in [json!(null), json!({})] {
            let sent = posted(with(json!({"metadata": unset, "ruleSet": unset}))).unwrap();
            assert_eq!(*sent.contract, Contract::default());
        }
    }
}
