//! A schema's data contract as `charter` sends and compares it: Confluent's
//! `metadata` (`properties`, `tags`, `sensitive`) and `ruleSet`
//! (`domainRules`, `migrationRules`, `encodingRules`). They are part of a
//! schema's identity in the registry, which checks every rule in detail;
//! here they are read from files, flags and manifests, checked for their
//! shape so that a typo is caught before anything is sent, and compared
//! version to version (a change to them is listed, never a break).

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde_json::{Map, Value};

use crate::values::Property;

/// Where a schema's contract comes from on the command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContractFlags {
    /// `--metadata FILE`.
    pub metadata: Option<PathBuf>,
    /// `--property KEY=VALUE`, in order.
    pub properties: Vec<Property>,
    /// `--rule-set FILE`.
    pub rule_set: Option<PathBuf>,
}

impl ContractFlags {
    /// Whether no flag was given.
    pub fn is_empty(&self) -> bool {
        self.metadata.is_none() && self.properties.is_empty() && self.rule_set.is_none()
    }
}

/// The rule sets of a `ruleSet`, in Confluent's order.
const RULE_SETS: [&str; 3] = ["domainRules", "migrationRules", "encodingRules"];

/// A schema's `metadata` and `ruleSet`, each absent when not given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DataContract {
    /// The `metadata` object.
    pub metadata: Option<Value>,
    /// The `ruleSet` object.
    pub rule_set: Option<Value>,
}

impl DataContract {
    /// The contract of a registry answer's `metadata` and `ruleSet`
    /// (taken as they are: the registry checked them).
    pub fn answered(metadata: Option<Value>, rule_set: Option<Value>) -> DataContract {
        let present = |v: Option<Value>| v.filter(|v| !v.is_null());
        DataContract {
            metadata: present(metadata),
            rule_set: present(rule_set),
        }
    }

    /// Reads the flags: `--metadata FILE`, `--property KEY=VALUE` (added to
    /// the file's properties, replacing one of the same key) and
    /// `--rule-set FILE`.
    pub fn from_flags(flags: &ContractFlags) -> Result<DataContract> {
        let mut metadata = match &flags.metadata {
            Some(path) => Some(read_json(path, "metadata", check_metadata)?),
            None => None,
        };
        if !flags.properties.is_empty() {
            let object = metadata.get_or_insert_with(|| Value::Object(Map::new()));
            let held = object
                .as_object_mut()
                .expect("checked to be an object")
                .entry("properties")
                .or_insert_with(|| Value::Object(Map::new()))
                .as_object_mut()
                .expect("checked to be an object");
            for property in &flags.properties {
                held.insert(property.key.clone(), Value::String(property.value.clone()));
            }
        }
        let rule_set = match &flags.rule_set {
            Some(path) => Some(read_json(path, "rule set", check_rule_set)?),
            None => None,
        };
        Ok(DataContract { metadata, rule_set })
    }

    /// A contract written in a manifest: `metadata` and `rule_set` each a
    /// table (inline) or a string (a JSON file, resolved against `dir`).
    /// `at` names the entry in errors.
    pub fn from_manifest(
        metadata: Option<Value>,
        rule_set: Option<Value>,
        dir: &Path,
        at: &str,
    ) -> Result<DataContract> {
        let one = |value: Option<Value>,
                   field: &str,
                   what: &str,
                   check: fn(&Value, &str) -> Result<(), String>|
         -> Result<Option<Value>> {
            match value {
                None => Ok(None),
                Some(Value::String(file)) => read_json(&dir.join(&file), what, check)
                    .with_context(|| format!("{at}: `{field}`"))
                    .map(Some),
                Some(value @ Value::Object(_)) => {
                    check(&value, field).map_err(|e| anyhow::anyhow!("{at}: {e}"))?;
                    Ok(Some(value))
                }
                Some(_) => bail!(
                    "{at}: `{field}` must be a table or the name of a JSON file holding the {what}"
                ),
            }
        };
        Ok(DataContract {
            metadata: one(metadata, "metadata", "metadata", check_metadata)?,
            rule_set: one(rule_set, "rule_set", "rule set", check_rule_set)?,
        })
    }

    /// Whether neither is given.
    pub fn is_empty(&self) -> bool {
        self.metadata.is_none() && self.rule_set.is_none()
    }
}

fn read_json(
    path: &Path,
    what: &str,
    check: fn(&Value, &str) -> Result<(), String>,
) -> Result<Value> {
    let shown = path.display();
    let text = std::fs::read_to_string(path).with_context(|| format!("{shown}: cannot read"))?;
    let value: Value = serde_json::from_str(&text)
        .with_context(|| format!("{shown}: the {what} is not valid JSON"))?;
    check(&value, "").map_err(|e| anyhow::anyhow!("{shown}: {e}"))?;
    Ok(value)
}

/// `at` joined with `key`, for messages: `metadata.properties`.
fn path(at: &str, key: &str) -> String {
    if at.is_empty() {
        key.to_string()
    } else {
        format!("{at}.{key}")
    }
}

fn object<'a>(value: &'a Value, at: &str, what: &str) -> Result<&'a Map<String, Value>, String> {
    value.as_object().ok_or_else(|| {
        let shown = if at.is_empty() { "it" } else { at };
        format!("`{shown}` must be a JSON object ({what})")
    })
}

fn strings(value: &Value, at: &str) -> Result<(), String> {
    match value.as_array() {
        Some(items) if items.iter().all(Value::is_string) => Ok(()),
        _ => Err(format!("`{at}` must be an array of strings")),
    }
}

/// `{"properties": {K: "V"}, "tags": {PATH: ["TAG"]}, "sensitive": ["K"]}`.
fn check_metadata(value: &Value, at: &str) -> Result<(), String> {
    let fields = object(value, at, "with `properties`, `tags` or `sensitive`")?;
    for (key, field) in fields {
        let here = path(at, key);
        match key.as_str() {
            "properties" => {
                for (name, property) in object(field, &here, "of string values")? {
                    if !property.is_string() {
                        return Err(format!(
                            "`{here}.{name}` must be a string (Confluent's properties are strings)"
                        ));
                    }
                }
            }
            "tags" => {
                for (name, tags) in object(field, &here, "of arrays of tags by path")? {
                    strings(tags, &format!("{here}.{name}"))?;
                }
            }
            "sensitive" => strings(field, &here)?,
            other => {
                return Err(format!(
                    "`{}` is not a metadata field (`properties`, `tags` and `sensitive` are)",
                    path(at, other)
                ));
            }
        }
    }
    Ok(())
}

/// `{"domainRules": [RULE], "migrationRules": [...], "encodingRules": [...]}`,
/// each rule an object with a `name`.
fn check_rule_set(value: &Value, at: &str) -> Result<(), String> {
    let fields = object(
        value,
        at,
        "with `domainRules`, `migrationRules` or `encodingRules`",
    )?;
    for (key, rules) in fields {
        let here = path(at, key);
        if !RULE_SETS.contains(&key.as_str()) {
            return Err(format!(
                "`{here}` is not a rule set (`domainRules`, `migrationRules` and `encodingRules` are)"
            ));
        }
        let Some(rules) = rules.as_array() else {
            return Err(format!("`{here}` must be an array of rules"));
        };
        for (index, rule) in rules.iter().enumerate() {
            let at = format!("{here}[{index}]");
            let rule = object(rule, &at, "a rule")?;
            match rule.get("name") {
                Some(Value::String(name)) if !name.is_empty() => {}
                _ => return Err(format!("`{at}` has no `name`: every rule is named")),
            }
        }
    }
    Ok(())
}

/// What changed in a data contract from one version to the next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractChange {
    /// What changed: `metadata property `owner``, `domain rule `checkId``.
    pub what: String,
    /// How.
    pub how: How,
}

/// How one part of a contract changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum How {
    /// It is new, with this value (empty for a name alone).
    Added(String),
    /// It is gone; it had this value (empty for a name alone).
    Removed(String),
    /// It is there in both, with another value.
    Changed {
        /// Before.
        old: String,
        /// After.
        new: String,
    },
}

impl fmt::Display for ContractChange {
    /// `metadata property `owner` changed: "a" → "b"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.how {
            How::Added(value) if value.is_empty() => write!(f, "{} added", self.what),
            How::Removed(value) if value.is_empty() => write!(f, "{} removed", self.what),
            How::Added(value) => write!(f, "{} added: {value}", self.what),
            How::Removed(value) => write!(f, "{} removed (was {value})", self.what),
            How::Changed { old, new } => write!(f, "{} changed: {old} → {new}", self.what),
        }
    }
}

impl ContractChange {
    /// The change as JSON for `--output json`.
    pub fn to_json(&self) -> Value {
        let value = |v: &String| (!v.is_empty()).then(|| v.clone());
        let (kind, old, new) = match &self.how {
            How::Added(new) => ("added", None, value(new)),
            How::Removed(old) => ("removed", value(old), None),
            How::Changed { old, new } => ("changed", value(old), value(new)),
        };
        serde_json::json!({"what": self.what, "change": kind, "old": old, "new": new, "message": self.to_string()})
    }
}

/// Every part of `metadata`/`ruleSet` that differs from `old` to `new`:
/// properties by key, tags by path, sensitive names, and rules by set and
/// name, in that order.
pub fn changes(old: &DataContract, new: &DataContract) -> Vec<ContractChange> {
    let mut found = Vec::new();
    let field = |c: &DataContract, key: &str| -> BTreeMap<String, String> {
        c.metadata
            .as_ref()
            .and_then(|m| m.get(key))
            .and_then(Value::as_object)
            .map(|o| o.iter().map(|(k, v)| (k.clone(), shown(v))).collect())
            .unwrap_or_default()
    };
    compare(
        &mut found,
        "metadata property",
        field(old, "properties"),
        field(new, "properties"),
    );
    compare(
        &mut found,
        "metadata tags of",
        field(old, "tags"),
        field(new, "tags"),
    );
    let sensitive = |c: &DataContract| -> BTreeMap<String, String> {
        c.metadata
            .as_ref()
            .and_then(|m| m.get("sensitive"))
            .and_then(Value::as_array)
            .map(|names| {
                names
                    .iter()
                    .map(|n| {
                        (
                            n.as_str().map_or_else(|| n.to_string(), str::to_string),
                            String::new(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    compare(&mut found, "sensitive name", sensitive(old), sensitive(new));
    for set in RULE_SETS {
        let rules = |c: &DataContract| -> BTreeMap<String, String> {
            c.rule_set
                .as_ref()
                .and_then(|r| r.get(set))
                .and_then(Value::as_array)
                .map(|rules| {
                    rules
                        .iter()
                        .map(|r| (r["name"].as_str().unwrap_or("").to_string(), rule_shown(r)))
                        .collect()
                })
                .unwrap_or_default()
        };
        let what = match set {
            "domainRules" => "domain rule",
            "migrationRules" => "migration rule",
            _ => "encoding rule",
        };
        compare(&mut found, what, rules(old), rules(new));
    }
    found
}

fn compare(
    found: &mut Vec<ContractChange>,
    what: &str,
    old: BTreeMap<String, String>,
    mut new: BTreeMap<String, String>,
) {
    for (key, before) in old {
        let what = format!("{what} `{key}`");
        match new.remove(&key) {
            None => found.push(ContractChange {
                what,
                how: How::Removed(before),
            }),
            Some(after) if after != before => found.push(ContractChange {
                what,
                how: How::Changed {
                    old: before,
                    new: after,
                },
            }),
            Some(_) => {}
        }
    }
    for (key, after) in new {
        found.push(ContractChange {
            what: format!("{what} `{key}`"),
            how: How::Added(after),
        });
    }
}

/// A value in a change's message: JSON, compact.
fn shown(value: &Value) -> String {
    value.to_string()
}

/// A rule in a change's message: its fields but the name, in a stable
/// order, with a `disabled` that is false left out (Confluent's default).
fn rule_shown(rule: &Value) -> String {
    let mut fields: BTreeMap<&str, &Value> = rule
        .as_object()
        .map(|o| o.iter().map(|(k, v)| (k.as_str(), v)).collect())
        .unwrap_or_default();
    fields.remove("name");
    if fields.get("disabled") == Some(&&Value::Bool(false)) {
        fields.remove("disabled");
    }
    let parts: Vec<String> = fields
        .into_iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    format!("{{{}}}", parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn contract(metadata: Value, rule_set: Value) -> DataContract {
        DataContract::answered(Some(metadata), Some(rule_set))
    }

    #[test]
    fn shapes_are_checked_with_the_place_named() {
        let bad = |v: Value| check_metadata(&v, "metadata").unwrap_err();
        assert!(
            bad(json!({"properties": {"n": 2}}))
                .contains("`metadata.properties.n` must be a string")
        );
        assert!(bad(json!({"owner": "x"})).contains("`metadata.owner` is not a metadata field"));
        assert!(
            bad(json!({"tags": {"$.a": "PII"}})).contains("`metadata.tags.$.a` must be an array")
        );
        assert!(bad(json!([])).contains("must be a JSON object"));
        check_metadata(
            &json!({"properties": {"a": "1"}, "tags": {"$.a": ["PII"]}, "sensitive": ["a"]}),
            "",
        )
        .unwrap();
        let bad = |v: Value| check_rule_set(&v, "").unwrap_err();
        assert!(bad(json!({"domainRule": []})).contains("`domainRule` is not a rule set"));
        assert!(
            bad(json!({"domainRules": [{"kind": "CONDITION"}]}))
                .contains("`domainRules[0]` has no `name`")
        );
        assert!(bad(json!({"domainRules": {}})).contains("must be an array of rules"));
    }

    #[test]
    fn properties_tags_and_rules_are_compared_by_key_and_name() {
        let old = contract(
            json!({"properties": {"owner": "a", "major_version": "1"}, "sensitive": ["ssn"]}),
            json!({"domainRules": [{"name": "r1", "kind": "CONDITION", "expr": "x > 0", "disabled": false}]}),
        );
        let new = contract(
            json!({"properties": {"owner": "b", "tier": "gold", "major_version": "1"}, "tags": {"$.ssn": ["PII"]}}),
            json!({"domainRules": [{"name": "r1", "kind": "CONDITION", "expr": "x > 1"}],
                   "migrationRules": [{"name": "m1", "kind": "TRANSFORM"}]}),
        );
        let said: Vec<String> = changes(&old, &new)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            said,
            [
                "metadata property `owner` changed: \"a\" → \"b\"",
                "metadata property `tier` added: \"gold\"",
                "metadata tags of `$.ssn` added: [\"PII\"]",
                "sensitive name `ssn` removed",
                "domain rule `r1` changed: {expr=\"x > 0\", kind=\"CONDITION\"} → {expr=\"x > 1\", kind=\"CONDITION\"}",
                "migration rule `m1` added: {kind=\"TRANSFORM\"}",
            ]
        );
        // `disabled: false` is the default: not a change.
        let same = contract(
            json!({}),
            json!({"domainRules": [{"name": "r", "disabled": false}]}),
        );
        let implied = contract(json!({}), json!({"domainRules": [{"name": "r"}]}));
        assert!(changes(&same, &implied).is_empty());
        assert!(changes(&DataContract::default(), &DataContract::default()).is_empty());
    }

    #[test]
    fn properties_from_flags_join_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("metadata.json");
        std::fs::write(
            &file,
            r#"{"properties": {"owner": "a", "major_version": "1"}}"#,
        )
        .unwrap();
        let flags = |metadata: Option<&Path>, properties: &[&str]| ContractFlags {
            metadata: metadata.map(Path::to_path_buf),
            properties: properties.iter().map(|p| p.parse().unwrap()).collect(),
            rule_set: None,
        };
        let read = DataContract::from_flags(&flags(Some(&file), &["major_version=2"])).unwrap();
        assert_eq!(
            read.metadata,
            Some(json!({"properties": {"owner": "a", "major_version": "2"}}))
        );
        let only = DataContract::from_flags(&flags(None, &["k=v"])).unwrap();
        assert_eq!(only.metadata, Some(json!({"properties": {"k": "v"}})));
        std::fs::write(&file, r#"{"properties": {"n": 1}}"#).unwrap();
        let refused = DataContract::from_flags(&flags(Some(&file), &[])).unwrap_err();
        assert!(
            format!("{refused:#}").contains("`properties.n` must be a string"),
            "{refused:#}"
        );
    }
}
