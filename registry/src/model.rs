//! The registry's domain types: identifiers, references, settings and the
//! records the store keeps. No wire format here: `http` maps these by hand,
//! except [`Metadata`] and [`RuleSet`] (in `contract.rs`, with how config
//! defaults and overrides merge with them), whose serde shape is Confluent's
//! (the store keeps them as that JSON, and `http` answers it as it is).

use std::fmt;
use std::str::FromStr;

use schemas::{CompatibilityMode, Policy, SchemaType};

mod association;
mod contract;

pub use association::{
    Association, AssociationFilter, AssociationType, Lifecycle, TOPIC as TOPIC_RESOURCE,
};
pub use contract::{
    ContractDefaults, Metadata, RESERVED_PROPERTY, Rule, RuleKind, RuleMode, RuleSet,
    VERSION_PROPERTY,
};

/// A subject name that passed validation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Subject(String);

/// Names the store reserves for itself; no subject may take them.
pub const RESERVED_SUBJECTS: [&str; 2] = ["__GLOBAL", "__EMPTY"];

impl Subject {
    /// Validates a subject name: not empty, no control characters, not a
    /// reserved name.
    /// A name written in the default context, `:.:name`, is `name` (as the
    /// peer normalizes it).
    pub fn parse(name: &str) -> Result<Subject, InvalidSubject> {
        let name = name.strip_prefix(DEFAULT_CONTEXT_PREFIX).unwrap_or(name);
        if name.is_empty()
            || name.chars().any(char::is_control)
            || RESERVED_SUBJECTS.contains(&name)
        {
            return Err(InvalidSubject(name.to_string()));
        }
        Ok(Subject(name.to_string()))
    }

    /// Whether the name is in the peer's global context ([`GLOBAL_CONTEXT`]
    /// and below), which only settings may name.
    pub fn in_global_context(&self) -> bool {
        self.0.starts_with(GLOBAL_CONTEXT)
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The context the subject lives in: `.ctx` for `:.ctx:name` (and for
    /// the context-level name `:.ctx:`), `None` for the default context.
    pub fn context(&self) -> Option<&str> {
        context_of(&self.0)
    }
}

/// How a name in the default context may be written: `:.:name` is `name`.
const DEFAULT_CONTEXT_PREFIX: &str = ":.:";

/// The context a qualified name names, as the peer's `QualifiedSubject`
/// parses it: `:.ctx:name` and `:.ctx:` are in `.ctx`, `:.ctx` (no closing
/// colon) is the context-level name of `.ctx`; every other name, and `:.:`,
/// is in the default context (`None`).
pub fn context_of(name: &str) -> Option<&str> {
    let rest = name.strip_prefix(':')?;
    if !rest.starts_with('.') {
        return None;
    }
    let context = match rest[1..].find(':') {
        Some(end) => &rest[..end + 1],
        None => rest,
    };
    (context != ".").then_some(context)
}

/// A context name as a client writes it in `/contexts/{context}` or a URL
/// prefix (`.ctx`, `ctx`, `:.ctx:`), normalized to `.ctx`; `None` for the
/// default context (`.`, empty) and for a name holding a colon inside.
pub fn parse_context(written: &str) -> Result<Option<String>, InvalidContext> {
    let bare = written.strip_prefix(':').unwrap_or(written);
    let bare = bare.strip_suffix(':').unwrap_or(bare);
    if bare.contains(':') || bare.chars().any(char::is_control) {
        return Err(InvalidContext(written.to_string()));
    }
    let dotted = if bare.starts_with('.') {
        bare.to_string()
    } else {
        format!(".{bare}")
    };
    Ok((dotted != ".").then_some(dotted))
}

/// A context name that cannot be one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the context name {0:?} is not valid: it must hold no colon inside and no control characters"
)]
pub struct InvalidContext(pub String);

/// The context-level name of `context` (`.ctx` → `:.ctx:`), under which its
/// config and mode are set.
pub fn context_scope_name(context: &str) -> String {
    format!(":{context}:")
}

/// The subject a reference posted from a schema of subject `parent` names
/// (the peer's `qualifySubjectWithParent`): in a context other than the
/// default one, an unqualified name is that context's subject (`b` from
/// `:.ctx:a` is `:.ctx:b`), `:.:b` the default context's `b`.
pub fn referenced_from(parent: &str, reference: &str) -> String {
    match context_of(parent) {
        Some(_) if reference.starts_with(":.:") => reference[3..].to_string(),
        Some(context) if !reference.starts_with(":.") => {
            format!("{}{reference}", context_scope_name(context))
        }
        _ => reference.to_string(),
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A subject name that is empty, holds control characters or is reserved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the subject name {0:?} is not valid: it must be non-empty, hold no control characters, not be __GLOBAL or __EMPTY, and not be in the global context :.__GLOBAL: (which only /config and /mode may name)"
)]
pub struct InvalidSubject(pub String);

/// A global schema id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SchemaId(pub i64);

impl fmt::Display for SchemaId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A version number within a subject (1 and up).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Version(pub i32);

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A version as a path names it: a number, or the latest one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionSelector {
    /// `latest` or `-1`.
    Latest,
    /// An explicit version.
    Number(Version),
}

impl fmt::Display for VersionSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VersionSelector::Latest => f.write_str("latest"),
            VersionSelector::Number(v) => write!(f, "{v}"),
        }
    }
}

/// A version segment that is neither a positive 32-bit integer, `-1` nor `latest`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "The specified version '{0}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\""
)]
pub struct InvalidVersion(pub String);

impl FromStr for VersionSelector {
    type Err = InvalidVersion;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let trimmed = s.trim();
        if trimmed.eq_ignore_ascii_case("latest") {
            return Ok(VersionSelector::Latest);
        }
        match trimmed.parse::<i32>() {
            Ok(-1) => Ok(VersionSelector::Latest),
            Ok(n) if n > 0 => Ok(VersionSelector::Number(Version(n))),
            _ => Err(InvalidVersion(s.to_string())),
        }
    }
}

/// A reference from one schema to a version of another subject, by the name
/// the referring schema uses for it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reference {
    /// The name the referring schema uses (for JSON Schema, the `$ref` URI).
    pub name: String,
    /// The referenced subject.
    pub subject: String,
    /// The referenced version, always concrete once stored.
    pub version: Version,
}

/// A schema as stored: immutable content under a global id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSchema {
    /// Its id.
    pub id: SchemaId,
    /// Its format.
    pub schema_type: SchemaType,
    /// Its text as served: as submitted minus insignificant whitespace, or
    /// the peer's normalized text ([`schemas::Schema::normalized_text`])
    /// when it was normalized (every schema stored before Charter kept
    /// submitted text holds Charter's canonical form).
    pub text: String,
    /// What it references, in registration order.
    pub references: Vec<Reference>,
    /// Its GUID (the peer's 8.0+ `guid`), [`guid_of`] its content key.
    pub guid: String,
    /// Its metadata (Confluent's data contracts), when it has any.
    pub metadata: Option<Metadata>,
    /// Its rule set, when it has one.
    pub rule_set: Option<RuleSet>,
}

/// A schema's GUID: a UUID made of the first 128 bits of its content key
/// (hex of a SHA-256, see `service::register::content_key`) with the
/// version nibble set to 8 (a custom layout, RFC 9562) and the variant bits
/// to `10`. The same content has the same GUID in every registry; the
/// migration `0005_schema_guids.sql` computes the same in SQL for the
/// stored column reads use (a test holds the two together).
pub fn guid_of(content_key: &str) -> String {
    // Cut as SQL's `substr` does: short keys (none a registry makes) give
    // shorter pieces, never a panic.
    let len = content_key.len();
    let hex = |range: std::ops::Range<usize>| {
        content_key
            .get(range.start.min(len)..range.end.min(len))
            .unwrap_or_default()
    };
    let variant = match content_key
        .get(16..17)
        .and_then(|c| u8::from_str_radix(c, 16).ok())
    {
        Some(nibble) => ["8", "9", "a", "b"][usize::from(nibble & 3)],
        None => "8",
    };
    format!(
        "{}-{}-8{}-{variant}{}-{}",
        hex(0..8),
        hex(8..12),
        hex(13..16),
        hex(17..20),
        hex(20..32)
    )
}

/// One version of one subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionRecord {
    /// The subject.
    pub subject: String,
    /// The version number.
    pub version: Version,
    /// The schema it holds (the stored content's row).
    pub schema_id: SchemaId,
    /// The schema's id as clients see it: in the subject's context. In the
    /// default context it is `schema_id`; in another, the context's own.
    pub id: SchemaId,
    /// Whether it was soft-deleted.
    pub deleted: bool,
    /// When it was registered, in milliseconds since the Unix epoch.
    pub registered_at_ms: i64,
}

/// Where a setting applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// The whole registry.
    Global,
    /// One subject.
    Subject(Subject),
}

impl Scope {
    /// The key the store files the setting under.
    pub fn key(&self) -> &str {
        match self {
            Scope::Global => "__GLOBAL",
            Scope::Subject(s) => s.as_str(),
        }
    }
}

/// Compatibility settings of one scope; `None` fields are unset there.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConfigRecord {
    /// The compatibility level.
    pub compatibility: Option<CompatibilityMode>,
    /// How strictly JSON Schema changes are judged.
    pub policy: Option<Policy>,
    /// Whether schemas are normalised before they are stored (Charter always
    /// stores the canonical form, so this is kept and reported only).
    pub normalize: Option<bool>,
    /// Whether registrations are judged against the recorded consumers.
    pub consumer_compatibility: Option<ConsumerCompatibility>,
    /// The metadata property whose value splits a subject into lines that
    /// are judged apart (the peer's `compatibilityGroup`, e.g.
    /// `major_version`).
    pub compatibility_group: Option<String>,
    /// Whether registrations validate field names and reserved fields
    /// (the peer's `validateFields`).
    pub validate_fields: Option<bool>,
    /// The peer's `validateRules`, kept and reported.
    pub validate_rules: Option<bool>,
    /// The subject that reads of this one resolve to (the peer's `alias`).
    pub alias: Option<String>,
    /// The data contract merged under a registered schema's own, and the
    /// one merged over it (see [`ConfigRecord::contract_defaults`]).
    pub contract_defaults: ContractDefaults,
}

impl ConfigRecord {
    /// This record's fields where set, `fallback`'s elsewhere.
    pub fn over(self, fallback: ConfigRecord) -> ConfigRecord {
        let (own, other) = (self.contract_defaults, fallback.contract_defaults);
        ConfigRecord {
            compatibility: self.compatibility.or(fallback.compatibility),
            policy: self.policy.or(fallback.policy),
            normalize: self.normalize.or(fallback.normalize),
            consumer_compatibility: self
                .consumer_compatibility
                .or(fallback.consumer_compatibility),
            compatibility_group: self.compatibility_group.or(fallback.compatibility_group),
            validate_fields: self.validate_fields.or(fallback.validate_fields),
            validate_rules: self.validate_rules.or(fallback.validate_rules),
            alias: self.alias.or(fallback.alias),
            contract_defaults: ContractDefaults {
                default_metadata: own.default_metadata.or(other.default_metadata),
                override_metadata: own.override_metadata.or(other.override_metadata),
                default_rule_set: own.default_rule_set.or(other.default_rule_set),
                override_rule_set: own.override_rule_set.or(other.override_rule_set),
            },
        }
    }

    /// A subject's own config over what applies above it, as the peer's
    /// `Config.mergeConfigs` resolves it: settings field by field, but the
    /// alias and the data-contract defaults and overrides are the subject's
    /// alone (a subject config without them has none, whatever the
    /// registry's say).
    pub fn over_global(self, global: ConfigRecord) -> ConfigRecord {
        let (alias, contract_defaults) = (self.alias.clone(), self.contract_defaults.clone());
        ConfigRecord {
            alias,
            contract_defaults,
            ..self.over(global)
        }
    }
}

/// What a scope allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Reads and writes (the default).
    #[default]
    ReadWrite,
    /// Reads only: registrations, deletions and config changes are refused.
    ReadOnly,
    /// The peer's deprecated variant of `READONLY`; behaves like it.
    ReadOnlyOverride,
    /// Registrations must carry their id (and may carry their version); no
    /// compatibility check runs. For copying another registry.
    Import,
    /// The peer's 8.1+ mode for a registry whose writes another one
    /// forwards to it: registrations behave as under IMPORT. Set only at the
    /// global context ([`GLOBAL_CONTEXT`]).
    Forward,
}

/// The peer's global context: the scope above the registry's own settings
/// (`/mode/:.__GLOBAL:`), where the mode applies when neither the subject
/// nor the registry has one, and the only scope FORWARD may be set at.
pub const GLOBAL_CONTEXT: &str = ":.__GLOBAL:";

impl Mode {
    /// Every mode.
    pub const ALL: [Mode; 5] = [
        Mode::ReadWrite,
        Mode::ReadOnly,
        Mode::ReadOnlyOverride,
        Mode::Import,
        Mode::Forward,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::ReadWrite => "READWRITE",
            Mode::ReadOnly => "READONLY",
            Mode::ReadOnlyOverride => "READONLY_OVERRIDE",
            Mode::Import => "IMPORT",
            Mode::Forward => "FORWARD",
        }
    }

    /// Whether registrations carry their ids and skip compatibility
    /// (IMPORT, and FORWARD like the peer's `isImportOrForwardMode`).
    pub fn imports(self) -> bool {
        matches!(self, Mode::Import | Mode::Forward)
    }

    /// Whether writes are refused.
    pub fn is_read_only(self) -> bool {
        matches!(self, Mode::ReadOnly | Mode::ReadOnlyOverride)
    }
}

/// A mode name that is none of the known ones.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "Invalid mode `{0}`. Valid values are READWRITE, READONLY, READONLY_OVERRIDE, IMPORT and FORWARD."
)]
pub struct InvalidMode(pub String);

impl FromStr for Mode {
    type Err = InvalidMode;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_uppercase();
        Mode::ALL
            .into_iter()
            .find(|m| m.as_str() == wanted)
            .ok_or_else(|| InvalidMode(s.to_string()))
    }
}

/// Whether a subject's registrations are judged against the readers its
/// consumers recorded (`consumerCompatibility`, Charter's own setting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ConsumerCompatibility {
    /// Consumers are not consulted (the default: today's behaviour).
    #[default]
    None,
    /// A registration some consumer cannot read is accepted, and the
    /// answer says who and why.
    Warn,
    /// A registration some consumer cannot read is refused.
    Enforce,
}

impl ConsumerCompatibility {
    /// Every setting.
    pub const ALL: [ConsumerCompatibility; 3] = [
        ConsumerCompatibility::None,
        ConsumerCompatibility::Warn,
        ConsumerCompatibility::Enforce,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ConsumerCompatibility::None => "NONE",
            ConsumerCompatibility::Warn => "WARN",
            ConsumerCompatibility::Enforce => "ENFORCE",
        }
    }
}

/// A `consumerCompatibility` that is none of the three.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown consumerCompatibility `{0}`: expected NONE, WARN or ENFORCE")]
pub struct InvalidConsumerCompatibility(pub String);

impl FromStr for ConsumerCompatibility {
    type Err = InvalidConsumerCompatibility;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_uppercase();
        ConsumerCompatibility::ALL
            .into_iter()
            .find(|c| c.as_str() == wanted)
            .ok_or_else(|| InvalidConsumerCompatibility(s.to_string()))
    }
}

/// A name of Charter's consumer records: a consumer (an application, e.g.
/// `fulfillment`) or an environment (`prod`): 1 to 255 characters of
/// `[A-Za-z0-9._-]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Name(String);

/// What kind of name a [`Name`] is, for its error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    /// A consumer name.
    Consumer,
    /// An environment name.
    Environment,
}

impl fmt::Display for NameKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NameKind::Consumer => "consumer",
            NameKind::Environment => "environment",
        })
    }
}

/// A consumer or environment name with characters outside `[A-Za-z0-9._-]`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the {kind} name {name:?} is not valid: it must be 1 to 255 characters of A-Z, a-z, 0-9, `.`, `_` and `-`"
)]
pub struct InvalidName {
    /// Which kind of name.
    pub kind: NameKind,
    /// The name as given.
    pub name: String,
}

impl Name {
    /// The environment a record names when it names none.
    pub const DEFAULT_ENVIRONMENT: &'static str = "default";

    /// Validates a name of `kind`.
    pub fn parse(kind: NameKind, name: &str) -> Result<Name, InvalidName> {
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
        if name.is_empty() || name.len() > 255 || !name.chars().all(allowed) {
            return Err(InvalidName {
                kind,
                name: name.to_string(),
            });
        }
        Ok(Name(name.to_string()))
    }

    /// The `default` environment.
    pub fn default_environment() -> Name {
        Name(Self::DEFAULT_ENVIRONMENT.to_string())
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The reader schema a consumer runs with, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoredReader {
    /// A schema of its own: canonical text with references pinned to
    /// versions.
    Schema {
        /// Its format.
        schema_type: SchemaType,
        /// Its canonical text.
        text: String,
        /// What it references.
        references: Vec<Reference>,
    },
    /// A registered version of the subject it reads, with the schema that
    /// version holds.
    Version {
        /// The version.
        version: Version,
        /// The schema it holds.
        schema_id: SchemaId,
    },
}

/// One consumer's reader of one subject in one environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReaderRecord {
    /// The consumer.
    pub consumer: String,
    /// The subject it reads.
    pub subject: String,
    /// Where it runs.
    pub environment: String,
    /// The reader schema.
    pub reader: StoredReader,
    /// The consumer's own application version, when given.
    pub consumer_version: Option<String>,
    /// When it was recorded, in milliseconds since the Unix epoch.
    pub recorded_at_ms: i64,
}

/// Which readers a listing wants; `None` fields match any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReaderFilter {
    /// Only this consumer's.
    pub consumer: Option<String>,
    /// Only readers of this subject.
    pub subject: Option<String>,
    /// Only readers in this environment.
    pub environment: Option<String>,
}

/// The producer version of a subject running in an environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deployment {
    /// The subject.
    pub subject: String,
    /// The environment.
    pub environment: String,
    /// The version deployed.
    pub version: Version,
    /// When it was recorded, in milliseconds since the Unix epoch.
    pub deployed_at_ms: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(text: &str) -> Result<VersionSelector, InvalidVersion> {
        text.parse()
    }

    #[test]
    fn versions_parse_like_the_peer() {
        assert_eq!(version("latest"), Ok(VersionSelector::Latest));
        assert_eq!(version(" LATEST "), Ok(VersionSelector::Latest));
        assert_eq!(version("-1"), Ok(VersionSelector::Latest));
        assert_eq!(version("7"), Ok(VersionSelector::Number(Version(7))));
        for bad in ["0", "-2", "x", "", "2147483648", "1.5"] {
            assert!(version(bad).is_err(), "{bad} must be refused");
        }
    }

    #[test]
    fn subjects_refuse_reserved_and_control_characters() {
        assert!(Subject::parse("orders-value").is_ok());
        assert!(Subject::parse("a/b c").is_ok());
        for bad in ["", "__GLOBAL", "__EMPTY", "a\nb", "\u{7f}"] {
            assert!(Subject::parse(bad).is_err(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn qualified_names_parse_like_the_peers_qualified_subject() {
        let context = |name: &str| Subject::parse(name).unwrap().context().map(str::to_string);
        assert_eq!(context(":.ctx1:orders").as_deref(), Some(".ctx1"));
        assert_eq!(context(":.ctx1:").as_deref(), Some(".ctx1"));
        assert_eq!(context(":.ctx1").as_deref(), Some(".ctx1"));
        assert_eq!(context(":.a.b:c:d").as_deref(), Some(".a.b"));
        for default in [
            "orders",
            ":.:orders",
            ".ctx1:orders",
            ":ctx1:orders",
            ":*:orders",
        ] {
            assert_eq!(
                context(default),
                None,
                "{default:?} is in the default context"
            );
        }
        assert_eq!(Subject::parse(":.:orders").unwrap().as_str(), "orders");
        assert!(Subject::parse(":.:").is_err());
        for (written, context) in [
            (".ctx", Some(".ctx")),
            ("ctx", Some(".ctx")),
            (":.ctx:", Some(".ctx")),
            (".", None),
            ("", None),
        ] {
            assert_eq!(
                parse_context(written).unwrap().as_deref(),
                context,
                "{written:?}"
            );
        }
        assert!(parse_context(".a:b").is_err());
        assert_eq!(context_scope_name(".ctx"), ":.ctx:");
    }

    #[test]
    fn modes_parse_in_any_case() {
        assert_eq!("import".parse::<Mode>(), Ok(Mode::Import));
        assert_eq!("READONLY".parse::<Mode>(), Ok(Mode::ReadOnly));
        assert_eq!("forward".parse::<Mode>(), Ok(Mode::Forward));
        assert!("FORWARDS".parse::<Mode>().is_err());
    }

    #[test]
    fn subject_config_wins_field_by_field() {
        let subject = ConfigRecord {
            compatibility: Some(CompatibilityMode::Full),
            ..ConfigRecord::default()
        };
        let global = ConfigRecord {
            compatibility: Some(CompatibilityMode::None),
            policy: Some(Policy::Lenient),
            normalize: None,
            consumer_compatibility: Some(ConsumerCompatibility::Warn),
            ..ConfigRecord::default()
        };
        let merged = subject.over(global);
        assert_eq!(merged.compatibility, Some(CompatibilityMode::Full));
        assert_eq!(merged.policy, Some(Policy::Lenient));
        assert_eq!(
            merged.consumer_compatibility,
            Some(ConsumerCompatibility::Warn)
        );
    }

    #[test]
    fn a_subject_config_keeps_its_own_contract_defaults_and_alias() {
        let global = ConfigRecord {
            compatibility_group: Some("major_version".into()),
            alias: Some("other".into()),
            contract_defaults: ContractDefaults {
                default_metadata: Some(Metadata {
                    properties: [("owner".to_string(), "platform".to_string())].into(),
                    ..Metadata::default()
                }),
                ..ContractDefaults::default()
            },
            ..ConfigRecord::default()
        };
        let subject = ConfigRecord {
            validate_fields: Some(true),
            ..ConfigRecord::default()
        };
        let merged = subject.over_global(global.clone());
        assert_eq!(merged.compatibility_group.as_deref(), Some("major_version"));
        assert_eq!(merged.validate_fields, Some(true));
        assert_eq!(merged.alias, None);
        assert!(merged.contract_defaults.is_empty());
        // Field by field, as the registry over the global context.
        let merged = ConfigRecord::default().over(global.clone());
        assert_eq!(merged, global);
    }

    #[test]
    fn consumer_and_environment_names_are_restricted() {
        for good in ["fulfillment", "prod", "a.b_c-1", "X"] {
            assert!(Name::parse(NameKind::Consumer, good).is_ok(), "{good}");
        }
        for bad in ["", "a b", "a/b", "é", "a\nb", &"x".repeat(256)] {
            let err = Name::parse(NameKind::Environment, bad).unwrap_err();
            assert!(err.to_string().contains("environment name"), "{err}");
        }
        assert_eq!(
            "enforce".parse::<ConsumerCompatibility>(),
            Ok(ConsumerCompatibility::Enforce)
        );
        assert!("STRICT".parse::<ConsumerCompatibility>().is_err());
    }

    #[test]
    fn guids_are_the_content_key_as_a_version_8_uuid() {
        // The same values migration 0005 computes in SQL.
        let key = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        assert_eq!(guid_of(key), "01234567-89ab-8def-8123-456789abcdef");
        let key = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";
        assert_eq!(guid_of(key), "fedcba98-7654-8210-bedc-ba9876543210");
        assert_eq!(guid_of("key-of-a"), "key-of-a--8-8-");
    }
}
