//! A registered version's domain rules, read from Confluent's `ruleSet` and
//! `metadata` JSON into the core's [`Rule`]s and [`Metadata`] (the wire
//! format stays in the client).

use std::collections::{BTreeMap, BTreeSet};

use schemas::rules::{Metadata, Rule, RuleKind, RuleMode};
use serde_json::Value;

use super::RegisteredSchema;

impl RegisteredSchema {
    /// Its `ruleSet.domainRules`, in order, and the `metadata` they read;
    /// `Err` names the rule and the attribute Charter cannot read.
    pub fn domain_rules(&self) -> Result<(Vec<Rule>, Metadata), String> {
        let rules = match self.rule_set.as_ref().and_then(|s| s.get("domainRules")) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(rules)) => rules
                .iter()
                .enumerate()
                .map(|(i, rule)| read_rule(i, rule))
                .collect::<Result<_, _>>()?,
            Some(_) => return Err("ruleSet.domainRules is not an array".to_string()),
        };
        Ok((rules, metadata(self.metadata.as_ref())))
    }
}

fn read_rule(index: usize, rule: &Value) -> Result<Rule, String> {
    let text = |key: &str| rule.get(key).and_then(Value::as_str);
    let name = text("name")
        .map(str::to_string)
        .ok_or_else(|| format!("ruleSet.domainRules[{index}] has no name"))?;
    let bad = |what: &str, value: &str| {
        format!("rule {name:?}: {what} {value:?} is not one Charter knows")
    };
    let kind = match text("kind").unwrap_or("TRANSFORM") {
        "CONDITION" => RuleKind::Condition,
        "TRANSFORM" => RuleKind::Transform,
        other => return Err(bad("kind", other)),
    };
    let mode = text("mode").unwrap_or("WRITEREAD");
    let mode = RuleMode::parse(mode).ok_or_else(|| bad("mode", mode))?;
    let params = string_map(rule.get("params"));
    Ok(Rule {
        rule_type: text("type").unwrap_or_default().to_string(),
        kind,
        mode,
        tags: strings(rule.get("tags")),
        params,
        expr: text("expr").map(str::to_string),
        on_failure: text("onFailure").map(str::to_string),
        disabled: rule
            .get("disabled")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        name,
    })
}

fn metadata(metadata: Option<&Value>) -> Metadata {
    let Some(metadata) = metadata else {
        return Metadata::default();
    };
    let tags: BTreeMap<String, BTreeSet<String>> = metadata
        .get("tags")
        .and_then(Value::as_object)
        .map(|tags| {
            tags.iter()
                .map(|(path, tags)| (path.clone(), strings(Some(tags))))
                .collect()
        })
        .unwrap_or_default();
    Metadata {
        tags,
        properties: string_map(metadata.get("properties")),
    }
}

/// The strings of a JSON array (others ignored; none when absent).
fn strings(value: Option<&Value>) -> BTreeSet<String> {
    value
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// The string entries of a JSON object (none when absent).
fn string_map(value: Option<&Value>) -> BTreeMap<String, String> {
    value
        .and_then(Value::as_object)
        .map(|p| {
            p.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default()
}
