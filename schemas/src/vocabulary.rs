//! The words every layer shares about compatibility: the modes a subject is
//! checked under, how much a verdict trusts producers, which reading
//! directions a diff judges, and why a question could not be answered.
//!
//! *Architecture invariant:* this module imports no format. Every format's
//! differ names these types and the engine (`compat`) calls every format, so
//! they live here, below both, and the modules of the crate import one way.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// A subject's compatibility mode (`compatibilityLevel` in the Confluent API).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(into = "&'static str")]
pub enum CompatibilityMode {
    /// The new schema reads data written with the latest version.
    #[default]
    Backward,
    /// The new schema reads data written with every earlier version.
    BackwardTransitive,
    /// The latest version reads data written with the new schema.
    Forward,
    /// Every earlier version reads data written with the new schema.
    ForwardTransitive,
    /// Backward and forward against the latest version.
    Full,
    /// Backward and forward against every earlier version.
    FullTransitive,
    /// No check.
    None,
}

impl CompatibilityMode {
    /// Every mode, in the order the Confluent documentation lists them.
    pub const ALL: [CompatibilityMode; 7] = [
        CompatibilityMode::Backward,
        CompatibilityMode::BackwardTransitive,
        CompatibilityMode::Forward,
        CompatibilityMode::ForwardTransitive,
        CompatibilityMode::Full,
        CompatibilityMode::FullTransitive,
        CompatibilityMode::None,
    ];

    /// The upper-case wire name, e.g. `BACKWARD_TRANSITIVE`.
    pub fn as_str(self) -> &'static str {
        match self {
            CompatibilityMode::Backward => "BACKWARD",
            CompatibilityMode::BackwardTransitive => "BACKWARD_TRANSITIVE",
            CompatibilityMode::Forward => "FORWARD",
            CompatibilityMode::ForwardTransitive => "FORWARD_TRANSITIVE",
            CompatibilityMode::Full => "FULL",
            CompatibilityMode::FullTransitive => "FULL_TRANSITIVE",
            CompatibilityMode::None => "NONE",
        }
    }

    /// Whether new readers must read old data.
    pub fn checks_backward(self) -> bool {
        matches!(
            self,
            Self::Backward | Self::BackwardTransitive | Self::Full | Self::FullTransitive
        )
    }

    /// Whether old readers must read new data.
    pub fn checks_forward(self) -> bool {
        matches!(
            self,
            Self::Forward | Self::ForwardTransitive | Self::Full | Self::FullTransitive
        )
    }

    /// Whether every earlier version is checked, not only the latest.
    pub fn is_transitive(self) -> bool {
        matches!(
            self,
            Self::BackwardTransitive | Self::ForwardTransitive | Self::FullTransitive
        )
    }
}

impl From<CompatibilityMode> for &'static str {
    fn from(mode: CompatibilityMode) -> Self {
        mode.as_str()
    }
}

impl fmt::Display for CompatibilityMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error for a mode name that is not one of the seven.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown compatibility mode `{0}`: expected one of BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE, NONE"
)]
pub struct UnknownMode(pub String);

impl FromStr for CompatibilityMode {
    type Err = UnknownMode;

    /// Accepts the names in any case, with `-` or `_`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_uppercase().replace('-', "_");
        Self::ALL
            .into_iter()
            .find(|m| m.as_str() == wanted)
            .ok_or_else(|| UnknownMode(s.to_string()))
    }
}

/// How much a verdict trusts producers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Policy {
    /// Only what the schemas guarantee counts (the default, and the peer's
    /// default). Adding a typed property to an open content model breaks,
    /// because old data may carry that name with another type.
    #[default]
    Strict,
    /// The peer's LENIENT policy: producers are trusted never to have sent
    /// properties their schema did not declare, and readers to fill defaults.
    Lenient,
    /// The Confluent Schema Registry's own JSON Schema verdicts, exactly,
    /// for teams migrating who need the old registry's answers: a newly
    /// required property with a default is compatible, keywords the peer
    /// ignores (`format`, `contains`, `propertyNames`, ...) are never
    /// breaking, `required` counts only for declared properties. Avro
    /// follows Avro schema resolution (logical types ignored); Protobuf
    /// verdicts are the same under every policy.
    Confluent,
}

impl Policy {
    /// Every policy, the default first.
    pub const ALL: [Policy; 3] = [Policy::Strict, Policy::Lenient, Policy::Confluent];

    /// The lower-case name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Policy::Strict => "strict",
            Policy::Lenient => "lenient",
            Policy::Confluent => "confluent",
        }
    }
}

impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error for a policy name other than `strict`, `lenient` or
/// `confluent`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown policy `{0}`: expected strict, lenient or confluent")]
pub struct UnknownPolicy(pub String);

impl FromStr for Policy {
    type Err = UnknownPolicy;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "strict" => Ok(Policy::Strict),
            "lenient" => Ok(Policy::Lenient),
            "confluent" => Ok(Policy::Confluent),
            _ => Err(UnknownPolicy(s.to_string())),
        }
    }
}

/// Why a compatibility question could not be answered (as opposed to being
/// answered "incompatible", which is a [`CompatReport`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CompatError {
    /// The schemas nest or reference each other too deeply to compare.
    #[error("the schemas are too deeply nested to compare (more than {limit} levels at {path})")]
    TooDeep {
        /// The nesting limit.
        limit: usize,
        /// Where the limit was reached.
        path: String,
    },
    /// The check ran out of its work budget (or another named limit) before
    /// it reached a verdict.
    #[error(transparent)]
    Limit(#[from] crate::limits::LimitExceeded),
}

/// Which reading directions a diff judges: the differs of every format take
/// one, and mark a change as breaking only in the directions it holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Directions {
    /// New readers reading old data: the new schema reads what the old one
    /// wrote.
    pub backward: bool,
    /// Old readers reading new data: the old schema reads what the new one
    /// wrote.
    pub forward: bool,
}

impl Directions {
    /// Neither direction: a diff only lists changes.
    pub const NONE: Directions = Directions {
        backward: false,
        forward: false,
    };

    /// Both directions, as [`crate::diff`] judges them.
    pub const BOTH: Directions = Directions {
        backward: true,
        forward: true,
    };

    /// The directions `mode` protects (none for NONE).
    pub fn of(mode: CompatibilityMode) -> Directions {
        Directions {
            backward: mode.checks_backward(),
            forward: mode.checks_forward(),
        }
    }

    /// Whether any direction is judged.
    pub fn any(self) -> bool {
        self.backward || self.forward
    }

    /// The directions of `self` that `done` does not hold.
    pub fn minus(self, done: Directions) -> Directions {
        Directions {
            backward: self.backward && !done.backward,
            forward: self.forward && !done.forward,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_parse_in_any_case() {
        assert_eq!(
            "backward_transitive".parse::<CompatibilityMode>().unwrap(),
            CompatibilityMode::BackwardTransitive
        );
        assert_eq!(
            "FULL".parse::<CompatibilityMode>().unwrap(),
            CompatibilityMode::Full
        );
        let err = "sideways".parse::<CompatibilityMode>().unwrap_err();
        assert!(err.to_string().contains("sideways"));
    }

    #[test]
    fn policies_parse() {
        assert_eq!("LENIENT".parse::<Policy>().unwrap(), Policy::Lenient);
        assert_eq!("Confluent".parse::<Policy>().unwrap(), Policy::Confluent);
        assert!("loose".parse::<Policy>().is_err());
        for policy in Policy::ALL {
            assert_eq!(policy.as_str().parse::<Policy>().unwrap(), policy);
        }
    }

    #[test]
    fn modes_protect_their_directions() {
        assert_eq!(
            Directions::of(CompatibilityMode::BackwardTransitive),
            Directions {
                backward: true,
                forward: false
            }
        );
        assert_eq!(Directions::of(CompatibilityMode::Full), Directions::BOTH);
        assert!(!Directions::of(CompatibilityMode::None).any());
        assert_eq!(
            Directions::BOTH.minus(Directions {
                backward: true,
                forward: false
            }),
            Directions {
                backward: false,
                forward: true
            }
        );
    }
}
