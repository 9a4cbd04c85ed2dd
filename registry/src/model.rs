//! The registry's domain types: identifiers, references, settings and the
//! records the store keeps. No wire format here: `http` maps these by hand.

use std::fmt;
use std::str::FromStr;

use schemas::{CompatibilityMode, Policy, SchemaType};

/// A subject name that passed validation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Subject(String);

/// Names the store reserves for itself; no subject may take them.
pub const RESERVED_SUBJECTS: [&str; 2] = ["__GLOBAL", "__EMPTY"];

impl Subject {
    /// Validates a subject name: not empty, no control characters, not a
    /// reserved name.
    pub fn parse(name: &str) -> Result<Subject, InvalidSubject> {
        if name.is_empty()
            || name.chars().any(char::is_control)
            || RESERVED_SUBJECTS.contains(&name)
        {
            return Err(InvalidSubject(name.to_string()));
        }
        Ok(Subject(name.to_string()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
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
    "the subject name {0:?} is not valid: it must be non-empty, hold no control characters and not be __GLOBAL or __EMPTY"
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
    /// Its canonical text.
    pub text: String,
    /// What it references, in registration order.
    pub references: Vec<Reference>,
}

/// One version of one subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionRecord {
    /// The subject.
    pub subject: String,
    /// The version number.
    pub version: Version,
    /// The schema it holds.
    pub schema_id: SchemaId,
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ConfigRecord {
    /// The compatibility level.
    pub compatibility: Option<CompatibilityMode>,
    /// How strictly JSON Schema changes are judged.
    pub policy: Option<Policy>,
    /// Whether schemas are normalised before they are stored (Charter always
    /// stores the canonical form, so this is kept and reported only).
    pub normalize: Option<bool>,
}

impl ConfigRecord {
    /// This record's fields where set, `fallback`'s elsewhere.
    pub fn over(self, fallback: ConfigRecord) -> ConfigRecord {
        ConfigRecord {
            compatibility: self.compatibility.or(fallback.compatibility),
            policy: self.policy.or(fallback.policy),
            normalize: self.normalize.or(fallback.normalize),
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
}

impl Mode {
    /// Every mode.
    pub const ALL: [Mode; 4] = [
        Mode::ReadWrite,
        Mode::ReadOnly,
        Mode::ReadOnlyOverride,
        Mode::Import,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::ReadWrite => "READWRITE",
            Mode::ReadOnly => "READONLY",
            Mode::ReadOnlyOverride => "READONLY_OVERRIDE",
            Mode::Import => "IMPORT",
        }
    }

    /// Whether writes are refused.
    pub fn is_read_only(self) -> bool {
        matches!(self, Mode::ReadOnly | Mode::ReadOnlyOverride)
    }
}

/// A mode name that is none of the known ones.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Invalid mode `{0}`. Valid values are READWRITE, READONLY, READONLY_OVERRIDE and IMPORT.")]
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
    fn modes_parse_in_any_case() {
        assert_eq!("import".parse::<Mode>(), Ok(Mode::Import));
        assert_eq!("READONLY".parse::<Mode>(), Ok(Mode::ReadOnly));
        assert!("FORWARD".parse::<Mode>().is_err());
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
        };
        let merged = subject.over(global);
        assert_eq!(merged.compatibility, Some(CompatibilityMode::Full));
        assert_eq!(merged.policy, Some(Policy::Lenient));
    }
}
