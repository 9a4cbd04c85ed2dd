//! Confluent's data-contract domain rules of type `CEL` and `CEL_FIELD`,
//! evaluated on records the way Confluent's serializers evaluate them when
//! a producer writes (its `CelExecutor`, `CelFieldExecutor` and
//! `FieldRuleExecutor`; the rule loop of `AbstractKafkaSchemaSerDe`).
//!
//! [`DomainRules::prepare`] selects the rules a producer runs and compiles
//! each once (a guard `GUARD ; EXPR` into two programs); an expression that
//! does not parse, or calls a function this evaluator does not have, is a
//! [`RuleError`] naming the rule (and the function). [`DomainRules::check`]
//! evaluates them on one record's [`RecordView`] and answers every failure
//! as a [`PayloadIssue`] (keyword `CEL` or `CEL_FIELD`, the instance path of
//! the record or of the field, the rule's name and expression in the
//! message).
//!
//! Which rules run (what Confluent's serializer runs when writing):
//! - `domainRules` only (migration and encoding rules are not domain rules);
//! - type `CEL` or `CEL_FIELD`, kind `CONDITION`;
//! - mode `WRITE` or `WRITEREAD` (`READ` rules run when consuming,
//!   `UPGRADE`/`DOWNGRADE`/`UPDOWN` only when migrating between versions);
//! - not `disabled`;
//! - whose `onFailure` for writing is not `NONE` (with `NONE` a failure is
//!   not an error, so it is not reported; `ERROR`, `DLQ` and no action are
//!   errors: the record would not reach the topic).
//!
//! Every other rule is [`Skipped`] with the reason, for the caller to say.

mod cel;
mod glob;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use ::cel::Value as Cel;

use crate::issue::PayloadIssue;
use crate::record::{FieldSite, RecordView};

pub use cel::SUPPORTED_FUNCTIONS;

/// The rule type evaluated on the whole record.
pub const CEL: &str = "CEL";
/// The rule type evaluated on each primitive field value.
pub const CEL_FIELD: &str = "CEL_FIELD";

/// What a rule does (Confluent's `RuleKind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleKind {
    /// A check: the expression must be true.
    Condition,
    /// A rewrite of the record or field.
    Transform,
}

/// When a rule runs (Confluent's `RuleMode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleMode {
    /// When a producer writes.
    Write,
    /// When a consumer reads.
    Read,
    /// Both.
    WriteRead,
    /// Migrating to a later version.
    Upgrade,
    /// Migrating to an earlier version.
    Downgrade,
    /// Both migrations.
    UpDown,
}

impl RuleMode {
    /// Confluent's spelling: `WRITE`, `WRITEREAD`, ...
    pub fn parse(text: &str) -> Option<RuleMode> {
        Some(match text {
            "WRITE" => RuleMode::Write,
            "READ" => RuleMode::Read,
            "WRITEREAD" => RuleMode::WriteRead,
            "UPGRADE" => RuleMode::Upgrade,
            "DOWNGRADE" => RuleMode::Downgrade,
            "UPDOWN" => RuleMode::UpDown,
            _ => return None,
        })
    }

    fn writes(self) -> bool {
        matches!(self, RuleMode::Write | RuleMode::WriteRead)
    }

    fn as_str(self) -> &'static str {
        match self {
            RuleMode::Write => "WRITE",
            RuleMode::Read => "READ",
            RuleMode::WriteRead => "WRITEREAD",
            RuleMode::Upgrade => "UPGRADE",
            RuleMode::Downgrade => "DOWNGRADE",
            RuleMode::UpDown => "UPDOWN",
        }
    }
}

/// One rule of a schema's `ruleSet.domainRules`, as the caller read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// Its name (unique in the rule set).
    pub name: String,
    /// CONDITION or TRANSFORM.
    pub kind: RuleKind,
    /// When it runs.
    pub mode: RuleMode,
    /// The executor type: `CEL`, `CEL_FIELD`, `ENCRYPT`, ...
    pub rule_type: String,
    /// The fields it applies to, by tag (`CEL_FIELD`; none: every field).
    pub tags: BTreeSet<String>,
    /// Its `params`.
    pub params: BTreeMap<String, String>,
    /// The expression.
    pub expr: Option<String>,
    /// The action on failure (`ERROR`, `NONE`, `DLQ`; `ERROR,NONE` for
    /// writing and reading).
    pub on_failure: Option<String>,
    /// Whether it is switched off.
    pub disabled: bool,
}

/// Facts of the schema's `metadata` rules read: `tags` (field paths, with
/// `*` and `**` wildcards, to the tags they carry) and `properties`
/// (parameters a rule does not set itself).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metadata {
    /// `metadata.tags`.
    pub tags: BTreeMap<String, BTreeSet<String>>,
    /// `metadata.properties`.
    pub properties: BTreeMap<String, String>,
}

/// A rule that is not evaluated, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The rule's name.
    pub rule: String,
    /// Why it is not evaluated.
    pub reason: String,
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rule {:?} is not evaluated: {}", self.rule, self.reason)
    }
}

/// Why the rules cannot be evaluated at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    /// The rule has no expression.
    #[error("rule {rule:?} ({rule_type}) has no expression")]
    NoExpression {
        /// The rule.
        rule: String,
        /// Its type.
        rule_type: String,
    },
    /// The expression does not parse.
    #[error("rule {rule:?}: the CEL expression {expr:?} does not parse: {message}")]
    Parse {
        /// The rule.
        rule: String,
        /// The expression (or its guard).
        expr: String,
        /// The parser's message.
        message: String,
    },
    /// The expression names a variable the rule type does not bind.
    #[error(
        "rule {rule:?}: the CEL expression {expr:?} names {variable:?}, which is not bound (a rule of this type sees {bound})"
    )]
    UnknownVariable {
        /// The rule.
        rule: String,
        /// The name.
        variable: String,
        /// The expression.
        expr: String,
        /// The names it may use.
        bound: String,
    },
    /// The expression calls a function this evaluator does not have.
    #[error(
        "rule {rule:?}: the CEL function {function:?} is not supported by charter validate (expression {expr:?}); the supported functions are listed in the README"
    )]
    UnsupportedFunction {
        /// The rule.
        rule: String,
        /// The function as written.
        function: String,
        /// The expression.
        expr: String,
    },
}

/// The domain rules of one schema, compiled once for many records.
pub struct DomainRules {
    rules: Vec<Compiled>,
    metadata_tags: Vec<(glob::Pattern, BTreeSet<String>)>,
    fields: bool,
}

impl fmt::Debug for DomainRules {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DomainRules")
            .field("rules", &self.rules.len())
            .finish_non_exhaustive()
    }
}

struct Compiled {
    name: String,
    field: bool,
    expr: String,
    tags: BTreeSet<String>,
    program: cel::Program,
}

impl DomainRules {
    /// Selects the rules a producer runs (see the module documentation),
    /// compiles each, and answers them with the rules it leaves out.
    pub fn prepare(
        rules: &[Rule],
        metadata: &Metadata,
    ) -> Result<(DomainRules, Vec<Skipped>), RuleError> {
        let env = cel::environment();
        let mut compiled = Vec::new();
        let mut skipped = Vec::new();
        for rule in rules {
            if let Some(reason) = skip_reason(rule) {
                skipped.push(Skipped {
                    rule: rule.name.clone(),
                    reason,
                });
                continue;
            }
            let expr = rule
                .expr
                .as_deref()
                .filter(|e| !e.trim().is_empty())
                .ok_or_else(|| RuleError::NoExpression {
                    rule: rule.name.clone(),
                    rule_type: rule.rule_type.clone(),
                })?;
            let ignore_guard = parameter(rule, metadata, "cel.ignore.guard.separator")
                .is_some_and(|v| v.eq_ignore_ascii_case("true"));
            let variables: &[&str] = if rule.rule_type == CEL_FIELD {
                &["value", "name", "fullName", "typeName", "tags", "message"]
            } else {
                &["message"]
            };
            let program = cel::Program::compile(&env, &rule.name, expr, ignore_guard, variables)?;
            compiled.push(Compiled {
                name: rule.name.clone(),
                field: rule.rule_type == CEL_FIELD,
                expr: expr.to_string(),
                tags: rule.tags.clone(),
                program,
            });
        }
        let fields = compiled.iter().any(|c| c.field);
        let metadata_tags = metadata
            .tags
            .iter()
            .map(|(path, tags)| (glob::Pattern::new(path), tags.clone()))
            .collect();
        Ok((
            DomainRules {
                rules: compiled,
                metadata_tags,
                fields,
            },
            skipped,
        ))
    }

    /// Whether no rule is evaluated.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Whether some rule needs the record's fields ([`RecordView::fields`]).
    pub fn wants_fields(&self) -> bool {
        self.fields
    }

    /// Every rule failure of the record `view` shows.
    pub fn check(&self, view: &RecordView) -> Vec<PayloadIssue> {
        let mut issues = Vec::new();
        for rule in &self.rules {
            if rule.field {
                for site in &view.fields {
                    self.check_field(rule, site, &mut issues);
                }
            } else {
                let outcome = rule.program.evaluate(|name| match name {
                    "message" => Some(view.message.clone()),
                    _ => None,
                });
                if let Some(failure) = failure(rule, outcome) {
                    issues.push(PayloadIssue::new(CEL, "", failure));
                }
            }
        }
        issues
    }

    fn check_field(&self, rule: &Compiled, site: &FieldSite, issues: &mut Vec<PayloadIssue>) {
        // Tags on the field, and those metadata gives its full name.
        let tags = || {
            let mut tags = site.tags.clone();
            for (pattern, extra) in &self.metadata_tags {
                if pattern.matches(&site.full_name) {
                    tags.extend(extra.iter().cloned());
                }
            }
            tags
        };
        let tags = if rule.tags.is_empty() && !rule.program.uses("tags") {
            BTreeSet::new()
        } else {
            tags()
        };
        if !rule.tags.is_empty() && rule.tags.is_disjoint(&tags) {
            return;
        }
        let outcome = rule.program.evaluate(|name| match name {
            "value" => Some(site.value.clone()),
            "name" => Some(crate::record::cel_string(&site.name)),
            "fullName" => Some(crate::record::cel_string(&site.full_name)),
            "typeName" => Some(crate::record::cel_string(site.type_name.as_str())),
            "tags" => Some(Cel::List(std::sync::Arc::new(
                tags.iter().map(|t| crate::record::cel_string(t)).collect(),
            ))),
            "message" => Some(site.container.clone()),
            _ => None,
        });
        if let Some(failure) = failure(rule, outcome) {
            issues.push(PayloadIssue::new(CEL_FIELD, site.path.clone(), failure));
        }
    }
}

/// The message of a failed rule, `None` when it held.
fn failure(rule: &Compiled, outcome: cel::Outcome) -> Option<String> {
    let what = match outcome {
        cel::Outcome::Held => return None,
        cel::Outcome::Failed => "failed".to_string(),
        cel::Outcome::NotBool(got) => format!("evaluated to {got}, not a bool"),
        cel::Outcome::Error(e) => format!("could not be evaluated: {e}"),
    };
    Some(format!("rule {:?} {what}: {}", rule.name, rule.expr))
}

/// Why `rule` is not evaluated when writing, `None` when it is.
fn skip_reason(rule: &Rule) -> Option<String> {
    if rule.rule_type != CEL && rule.rule_type != CEL_FIELD {
        return Some(format!(
            "type {} (charter validate evaluates CEL and CEL_FIELD rules)",
            rule.rule_type
        ));
    }
    if rule.disabled {
        return Some("disabled".to_string());
    }
    if !rule.mode.writes() {
        return Some(format!(
            "mode {} (a producer runs WRITE and WRITEREAD rules)",
            rule.mode.as_str()
        ));
    }
    if rule.kind == RuleKind::Transform {
        return Some("a TRANSFORM (charter validate does not rewrite records)".to_string());
    }
    let on_failure = rule.on_failure.as_deref().map(|action| {
        // `WRITE_ACTION,READ_ACTION` for rules that run both ways.
        action.split(',').next().unwrap_or(action).trim()
    });
    if on_failure == Some("NONE") {
        return Some("onFailure NONE (its failures are not errors)".to_string());
    }
    None
}

/// A rule parameter: the rule's `params`, else the schema's metadata
/// properties (as Confluent's `RuleContext.getParameter`).
fn parameter<'a>(rule: &'a Rule, metadata: &'a Metadata, name: &str) -> Option<&'a str> {
    rule.params
        .get(name)
        .or_else(|| metadata.properties.get(name))
        .map(String::as_str)
}

#[cfg(test)]
mod tests;
