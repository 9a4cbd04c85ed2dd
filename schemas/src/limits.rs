//! Named bounds on the work one schema may cause: [`SchemaLimits`], the
//! [`Limit`] each bound is, and [`LimitExceeded`], the error that names the
//! limit, the value seen, where in the schema it was met and the flag that
//! raises it. The caller (the registry from its configuration, the CLI from
//! its flags) passes the limits in; this module reads nothing itself.
//!
//! A leaf: it imports nothing of the crate, so every format's parser and
//! differ can name it.

use std::cell::{Cell, RefCell};
use std::fmt;

/// One named limit. Its flag is the same in `charter-registry` and
/// `charter` (the environment variable is `CHARTER_` and the flag's name in
/// capitals, `-` as `_`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Limit {
    /// The schema text, in bytes.
    SchemaBytes,
    /// Nesting: JSON arrays and objects (JSON Schema, Avro), messages
    /// declared inside messages (Protobuf).
    Depth,
    /// Symbols of one enum (Avro `symbols`, Protobuf enum values, JSON
    /// Schema `enum` values).
    EnumSymbols,
    /// Fields of one record (Avro), message (Protobuf) or `properties`
    /// object (JSON Schema).
    Fields,
    /// Schemas one schema references.
    References,
    /// `$ref`s resolved while compiling one JSON Schema, its referenced
    /// documents included.
    RefExpansions,
    /// Steps of one compatibility check (type pairs compared, over every
    /// version it is checked against).
    CompatWork,
}

impl Limit {
    /// Every limit, in the order the documentation lists them.
    pub const ALL: [Limit; 7] = [
        Limit::SchemaBytes,
        Limit::Depth,
        Limit::EnumSymbols,
        Limit::Fields,
        Limit::References,
        Limit::RefExpansions,
        Limit::CompatWork,
    ];

    /// The flag that sets it, without the dashes (`max-enum-symbols`).
    pub fn flag(self) -> &'static str {
        match self {
            Limit::SchemaBytes => "max-schema-bytes",
            Limit::Depth => "max-schema-depth",
            Limit::EnumSymbols => "max-enum-symbols",
            Limit::Fields => "max-fields",
            Limit::References => "max-references",
            Limit::RefExpansions => "max-ref-expansions",
            Limit::CompatWork => "max-compat-work",
        }
    }

    /// What is over the limit, for the start of a message.
    fn what(self) -> &'static str {
        match self {
            Limit::SchemaBytes => "schema too large",
            Limit::Depth => "schema nested too deeply",
            Limit::EnumSymbols => "too many enum symbols",
            Limit::Fields => "too many fields",
            Limit::References => "too many references",
            Limit::RefExpansions => "too many $ref expansions",
            Limit::CompatWork => {
                "compatibility check stopped: over its work budget, so no verdict was reached"
            }
        }
    }

    /// What is counted, plural.
    fn unit(self) -> &'static str {
        match self {
            Limit::SchemaBytes => "bytes",
            Limit::Depth => "levels",
            Limit::EnumSymbols => "symbols",
            Limit::Fields => "fields",
            Limit::References => "references",
            Limit::RefExpansions => "$ref expansions",
            Limit::CompatWork => "comparison steps",
        }
    }
}

/// A schema, or a compatibility check, over one of its [`SchemaLimits`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct LimitExceeded {
    /// Which limit.
    pub limit: Limit,
    /// The limit's value.
    pub max: u64,
    /// The value seen; `None` when counting stopped at the limit (depth,
    /// `$ref` expansions, comparison steps: "more than `max`").
    pub seen: Option<u64>,
    /// Where in the schema it was met: a JSON pointer (`#/fields/3/type`),
    /// a Protobuf message's full name, or a line and column.
    pub path: String,
}

impl fmt::Display for LimitExceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at {}: ", self.limit.what(), self.path)?;
        match self.seen {
            Some(seen) => write!(f, "{seen} {}", self.limit.unit())?,
            None => write!(f, "more than {} {}", self.max, self.limit.unit())?,
        }
        write!(
            f,
            ", over the limit of {} set by --{} (raise it there or in CHARTER_{})",
            self.max,
            self.limit.flag(),
            self.limit.flag().to_ascii_uppercase().replace('-', "_")
        )
    }
}

/// The bounds a schema is parsed and checked within. The defaults accept
/// every schema the peer registry's test suites hold, and a 16 MiB schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchemaLimits {
    /// The longest schema text, in bytes.
    pub max_schema_bytes: u64,
    /// The deepest nesting (at most [`SchemaLimits::DEPTH_CEILING`]).
    pub max_depth: u64,
    /// The most symbols of one enum.
    pub max_enum_symbols: u64,
    /// The most fields of one record, message or `properties`.
    pub max_fields: u64,
    /// The most schemas one schema references.
    pub max_references: u64,
    /// The most `$ref`s resolved compiling one JSON Schema.
    pub max_ref_expansions: u64,
    /// The most comparison steps of one compatibility check.
    pub max_compat_work: u64,
}

impl SchemaLimits {
    /// The highest `max_depth` the parsers can honour (the JSON parser's
    /// own recursion bound).
    pub const DEPTH_CEILING: u64 = 128;

    /// The bound `limit` sets.
    pub fn get(&self, limit: Limit) -> u64 {
        match limit {
            Limit::SchemaBytes => self.max_schema_bytes,
            Limit::Depth => self.max_depth,
            Limit::EnumSymbols => self.max_enum_symbols,
            Limit::Fields => self.max_fields,
            Limit::References => self.max_references,
            Limit::RefExpansions => self.max_ref_expansions,
            Limit::CompatWork => self.max_compat_work,
        }
    }

    /// Refuses `seen` items of `limit` at `path` when over the bound.
    pub(crate) fn check(
        &self,
        limit: Limit,
        seen: usize,
        path: impl FnOnce() -> String,
    ) -> Result<(), LimitExceeded> {
        let max = self.get(limit);
        let seen = seen as u64;
        if seen > max {
            Err(LimitExceeded {
                limit,
                max,
                seen: Some(seen),
                path: path(),
            })
        } else {
            Ok(())
        }
    }

    /// The error for a count that passed `limit` at `path` (counting stops
    /// there).
    pub(crate) fn passed(&self, limit: Limit, path: String) -> LimitExceeded {
        LimitExceeded {
            limit,
            max: self.get(limit),
            seen: None,
            path,
        }
    }

    /// These limits for schemas accepted earlier (a registry's stored
    /// schemas): what a schema may declare is no longer bounded, so that
    /// lowering a limit never makes a stored schema unreadable; nesting stays
    /// at the parsers' ceiling and the work budget of a check is kept.
    pub fn for_stored(&self) -> SchemaLimits {
        SchemaLimits {
            max_schema_bytes: u64::MAX,
            max_depth: Self::DEPTH_CEILING,
            max_enum_symbols: u64::MAX,
            max_fields: u64::MAX,
            max_references: u64::MAX,
            max_ref_expansions: u64::MAX,
            max_compat_work: self.max_compat_work,
        }
    }

    /// The budget of one compatibility check.
    pub fn work(&self) -> Work {
        Work::new(self.max_compat_work)
    }
}

impl Default for SchemaLimits {
    fn default() -> Self {
        SchemaLimits {
            max_schema_bytes: 16 * 1024 * 1024,
            max_depth: Self::DEPTH_CEILING,
            max_enum_symbols: 100_000,
            max_fields: 100_000,
            max_references: 1_000,
            max_ref_expansions: 100_000,
            max_compat_work: 20_000_000,
        }
    }
}

/// The work budget of one compatibility check, spent one step per pair of
/// types compared. Once spent, the differs stop descending and the check
/// answers [`LimitExceeded`] instead of a verdict.
#[derive(Debug)]
pub struct Work {
    max: u64,
    left: Cell<u64>,
    /// Where the budget ran out.
    stopped_at: RefCell<Option<String>>,
}

impl Work {
    /// A budget of `max` steps.
    pub fn new(max: u64) -> Work {
        Work {
            max,
            left: Cell::new(max),
            stopped_at: RefCell::new(None),
        }
    }

    /// Takes one step at `path`: false once the budget is spent (the place
    /// where it ran out is kept).
    pub(crate) fn step(&self, path: impl FnOnce() -> String) -> bool {
        match self.left.get() {
            0 => {
                let mut stopped = self.stopped_at.borrow_mut();
                if stopped.is_none() {
                    *stopped = Some(path());
                }
                false
            }
            left => {
                self.left.set(left - 1);
                true
            }
        }
    }

    /// Steps taken so far.
    pub fn spent(&self) -> u64 {
        self.max - self.left.get()
    }

    /// `Err` once the budget ran out: the answer must then not be used.
    pub(crate) fn verdict(&self) -> Result<(), LimitExceeded> {
        match self.stopped_at.borrow().as_ref() {
            None => Ok(()),
            Some(path) => Err(LimitExceeded {
                limit: Limit::CompatWork,
                max: self.max,
                seen: None,
                path: path.clone(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_names_the_limit_the_value_the_flag_and_the_place() {
        let limits = SchemaLimits {
            max_enum_symbols: 3,
            ..SchemaLimits::default()
        };
        let err = limits
            .check(Limit::EnumSymbols, 4, || "#/symbols".into())
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "too many enum symbols at #/symbols: 4 symbols, over the limit of 3 set by \
             --max-enum-symbols (raise it there or in CHARTER_MAX_ENUM_SYMBOLS)"
        );
        assert!(limits.check(Limit::EnumSymbols, 3, String::new).is_ok());
    }

    #[test]
    fn a_spent_budget_keeps_where_it_ran_out() {
        let work = Work::new(2);
        assert!(work.step(|| "#/a".into()));
        assert!(work.step(|| "#/b".into()));
        assert!(work.verdict().is_ok());
        assert!(!work.step(|| "#/c".into()));
        assert!(!work.step(|| "#/d".into()));
        let err = work.verdict().unwrap_err();
        assert_eq!(err.path, "#/c");
        assert_eq!(err.seen, None);
        assert!(
            err.to_string().contains("more than 2 comparison steps"),
            "{err}"
        );
        assert!(err.to_string().contains("--max-compat-work"), "{err}");
    }

    #[test]
    fn every_limit_has_its_own_flag() {
        let flags: std::collections::HashSet<&str> = Limit::ALL.iter().map(|l| l.flag()).collect();
        assert_eq!(flags.len(), Limit::ALL.len());
    }
}
