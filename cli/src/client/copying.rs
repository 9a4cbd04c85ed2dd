//! The calls `charter copy` makes: a registry read whole (soft-deleted
//! versions, settings and modes included) and written back in IMPORT mode
//! with the source's ids and versions. Settings are kept as the registry
//! answers them, so what one registry has is passed to the other unread.

use std::collections::BTreeMap;

use reqwest::Method;
use schemas::SchemaType;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::wire::WireSchema;
use super::{Client, Error, Registered, code, segment};
use crate::values::SchemaReference;

/// `error_code` of a subject without a mode of its own.
const SUBJECT_MODE_NOT_SET: i64 = 40409;

/// One version of a subject, with everything registering it again needs.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportedVersion {
    /// The subject.
    pub subject: String,
    /// The version number.
    pub version: i32,
    /// The global schema id.
    pub id: i64,
    /// The format.
    pub schema_type: SchemaType,
    /// What it references.
    pub references: Vec<SchemaReference>,
    /// The schema text as the registry holds it.
    pub schema: String,
    /// The version's `metadata`, when the registry keeps some.
    pub metadata: Option<Value>,
    /// The version's `ruleSet`, when the registry keeps one.
    pub rule_set: Option<Value>,
}

impl ExportedVersion {
    /// Whether it carries metadata or a rule set.
    pub fn has_extras(&self) -> bool {
        self.metadata.is_some() || self.rule_set.is_some()
    }
}

/// A scope's compatibility settings as a registry answers them: the level
/// under `compatibility` (the name updates use), every other setting
/// (`compatibilityPolicy`, `normalize`, `defaultMetadata`, ...) by its
/// name, unread. Settings answered as null are left out.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ScopeConfig(pub BTreeMap<String, Value>);

/// The name updates give the level.
const LEVEL: &str = "compatibility";

impl ScopeConfig {
    fn from_answer(answer: Map<String, Value>) -> ScopeConfig {
        let mut settings = BTreeMap::new();
        for (name, value) in answer {
            if value.is_null() {
                continue;
            }
            let name = if name == "compatibilityLevel" {
                LEVEL.to_string()
            } else {
                name
            };
            settings.insert(name, value);
        }
        ScopeConfig(settings)
    }

    /// The level, when set.
    pub fn level(&self) -> Option<&str> {
        self.0.get(LEVEL).and_then(Value::as_str)
    }

    /// Whether `other` has every setting this has, with the same value
    /// (settings a registry adds of its own, such as Charter's default
    /// policy, do not make two configs differ).
    pub fn is_within(&self, other: &ScopeConfig) -> bool {
        self.0
            .iter()
            .all(|(name, value)| other.0.get(name) == Some(value))
    }

    /// Only the level, for a registry that refuses the other settings.
    pub fn level_only(&self) -> ScopeConfig {
        ScopeConfig(
            self.0
                .iter()
                .filter(|(name, _)| name.as_str() == LEVEL)
                .map(|(name, value)| (name.clone(), value.clone()))
                .collect(),
        )
    }

    /// The settings besides the level, by name.
    pub fn others(&self) -> Vec<&str> {
        self.0
            .keys()
            .filter(|name| name.as_str() != LEVEL)
            .map(String::as_str)
            .collect()
    }
}

/// `config` or `config/{s}`, `mode` or `mode/{s}`.
fn scope_path(resource: &str, subject: Option<&str>) -> String {
    match subject {
        Some(subject) => format!("{resource}/{}", segment(subject)),
        None => resource.to_string(),
    }
}

impl Client {
    /// `GET /subjects/{s}/versions`, with soft-deleted versions when
    /// `deleted`; a subject without (such) versions has none.
    pub fn version_numbers(&self, subject: &str, deleted: bool) -> Result<Vec<i32>, Error> {
        let path = format!("subjects/{}/versions", segment(subject));
        let query: &[(&str, &str)] = if deleted { &[("deleted", "true")] } else { &[] };
        match self.call::<Vec<i32>>(Method::GET, &path, query, None) {
            Ok(mut versions) => {
                versions.sort_unstable();
                Ok(versions)
            }
            Err(e) if e.is_not_found(&[code::SUBJECT_NOT_FOUND]) => Ok(Vec::new()),
            Err(e) => Err(e),
        }
    }

    /// `GET /subjects/{s}/versions/{v}?deleted=true`: one version, live or
    /// soft-deleted, with its metadata and rule set.
    pub fn exported(&self, subject: &str, version: i32) -> Result<ExportedVersion, Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Extras {
            metadata: Option<Value>,
            rule_set: Option<Value>,
        }
        let path = format!("subjects/{}/versions/{version}", segment(subject));
        let body: Value = self.call(Method::GET, &path, &[("deleted", "true")], None)?;
        let unreadable = |reason: String| self.bad_body(format!("GET {path}"), reason);
        let extras: Extras =
            serde_json::from_value(body.clone()).map_err(|e| unreadable(e.to_string()))?;
        let wire: WireSchema =
            serde_json::from_value(body).map_err(|e| unreadable(e.to_string()))?;
        let found = wire.registered(subject).map_err(unreadable)?;
        let set = |v: Option<Value>| v.filter(|v| !v.is_null() && v != &json!({}));
        Ok(ExportedVersion {
            subject: subject.to_string(),
            version,
            id: found.id,
            schema_type: found.schema_type,
            references: found.references,
            schema: found.schema,
            metadata: set(extras.metadata),
            rule_set: set(extras.rule_set),
        })
    }

    /// `GET /schemas/ids/{id}`, `None` when the registry has no such id.
    pub fn schema_if_any(&self, id: i64) -> Result<Option<super::SchemaById>, Error> {
        match self.schema_by_id(id) {
            Ok(found) => Ok(Some(found)),
            Err(e) if e.is_not_found(&[code::SCHEMA_NOT_FOUND]) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `GET /config` (`subject` `None`) or `GET /config/{s}`: the scope's
    /// own settings, `None` when a subject has none.
    pub fn scope_config(&self, subject: Option<&str>) -> Result<Option<ScopeConfig>, Error> {
        let path = scope_path("config", subject);
        match self.call::<Map<String, Value>>(Method::GET, &path, &[], None) {
            Ok(answer) => Ok(Some(ScopeConfig::from_answer(answer))),
            Err(e)
                if subject.is_some()
                    && e.is_not_found(&[code::SUBJECT_LEVEL_NOT_SET, code::SUBJECT_NOT_FOUND]) =>
            {
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// `PUT /config[/{s}]` with these settings.
    pub fn put_scope_config(
        &self,
        subject: Option<&str>,
        config: &ScopeConfig,
    ) -> Result<(), Error> {
        let body = Value::Object(config.0.clone().into_iter().collect());
        self.call::<Value>(
            Method::PUT,
            &scope_path("config", subject),
            &[],
            Some(&body),
        )
        .map(drop)
    }

    /// `DELETE /config/{s}`: the subject falls back to the global settings.
    pub fn delete_scope_config(&self, subject: &str) -> Result<(), Error> {
        let path = scope_path("config", Some(subject));
        match self.call::<Value>(Method::DELETE, &path, &[], None) {
            Err(e) if e.is_not_found(&[code::SUBJECT_NOT_FOUND, code::SUBJECT_LEVEL_NOT_SET]) => {
                Ok(())
            }
            other => other.map(drop),
        }
    }

    /// `GET /mode[/{s}]`: the scope's own mode, `None` when a subject has
    /// none.
    pub fn scope_mode(&self, subject: Option<&str>) -> Result<Option<String>, Error> {
        #[derive(Deserialize)]
        struct Answer {
            mode: Option<String>,
        }
        let path = scope_path("mode", subject);
        match self.call::<Answer>(Method::GET, &path, &[], None) {
            Ok(answer) => Ok(answer.mode),
            Err(e)
                if subject.is_some()
                    && e.is_not_found(&[SUBJECT_MODE_NOT_SET, code::SUBJECT_NOT_FOUND]) =>
            {
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// `PUT /mode[/{s}]?force=true`: sets the mode, even to IMPORT on a
    /// scope that holds schemas.
    pub fn put_scope_mode(&self, subject: Option<&str>, mode: &str) -> Result<(), Error> {
        let body = json!({ "mode": mode });
        let path = scope_path("mode", subject);
        self.call::<Value>(Method::PUT, &path, &[("force", "true")], Some(&body))
            .map(drop)
    }

    /// `DELETE /mode/{s}`: the subject falls back to the global mode.
    pub fn delete_scope_mode(&self, subject: &str) -> Result<(), Error> {
        let path = scope_path("mode", Some(subject));
        match self.call::<Value>(Method::DELETE, &path, &[], None) {
            Err(e) if e.is_not_found(&[code::SUBJECT_NOT_FOUND, SUBJECT_MODE_NOT_SET]) => Ok(()),
            other => other.map(drop),
        }
    }

    /// `POST /subjects/{s}/versions` with the version's own id and number
    /// (the subject must be in IMPORT mode); its metadata and rule set go
    /// along when `extras`.
    pub fn import(&self, version: &ExportedVersion, extras: bool) -> Result<Registered, Error> {
        #[derive(Deserialize)]
        struct Answer {
            id: i64,
            version: Option<i32>,
        }
        let mut body = json!({
            "schema": version.schema,
            "schemaType": version.schema_type.as_str(),
            "references": version.references,
            "id": version.id,
            "version": version.version,
        });
        if extras {
            if let Some(metadata) = &version.metadata {
                body["metadata"] = metadata.clone();
            }
            if let Some(rule_set) = &version.rule_set {
                body["ruleSet"] = rule_set.clone();
            }
        }
        let path = format!("subjects/{}/versions", segment(&version.subject));
        let answer: Answer = self.call(Method::POST, &path, &[], Some(&body))?;
        Ok(Registered {
            id: answer.id,
            version: answer.version,
        })
    }

    /// `DELETE /subjects/{s}/versions/{v}`: a soft delete.
    pub fn soft_delete(&self, subject: &str, version: i32) -> Result<(), Error> {
        let path = format!("subjects/{}/versions/{version}", segment(subject));
        self.call::<Value>(Method::DELETE, &path, &[], None)
            .map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(value: Value) -> ScopeConfig {
        match value {
            Value::Object(map) => ScopeConfig::from_answer(map),
            _ => unreachable!(),
        }
    }

    #[test]
    fn configs_are_kept_as_answered_and_compared_by_what_the_source_has() {
        let confluent = config(json!({"compatibilityLevel": "FULL", "alias": null}));
        assert_eq!(confluent.level(), Some("FULL"));
        assert!(confluent.others().is_empty());
        let charter =
            config(json!({"compatibilityLevel": "FULL", "compatibilityPolicy": "STRICT"}));
        assert!(confluent.is_within(&charter));
        assert!(!charter.is_within(&confluent));
        let rich = config(json!({"compatibilityLevel": "FULL", "defaultMetadata": {"a": 1}}));
        assert_eq!(rich.others(), ["defaultMetadata"]);
        assert_eq!(rich.level_only(), confluent);
    }
}
