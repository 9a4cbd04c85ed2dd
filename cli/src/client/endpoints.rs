//! One method per registry call the commands make.

use std::collections::{HashSet, VecDeque};

use reqwest::Method;
use schemas::{CompatibilityMode, MapResolver};
use serde::Deserialize;
use serde_json::{Value, json};

use super::answers::{
    AuditEntry, AuditFilter, NewSchema, Registered, RegisteredSchema, SchemaById, SubjectConfig,
    Verdict,
};
use super::wire::{WireConfig, WireSchema, WireVerdict};
use super::{Client, Error, code, segment};
use crate::values::{SchemaReference, VersionRef};

impl Client {
    /// `GET /subjects`: subject names, optionally by prefix and with the
    /// soft-deleted ones.
    pub fn subjects(&self, prefix: Option<&str>, deleted: bool) -> Result<Vec<String>, Error> {
        let mut query = Vec::new();
        if let Some(prefix) = prefix {
            query.push(("subjectPrefix", prefix));
        }
        if deleted {
            query.push(("deleted", "true"));
        }
        self.call(Method::GET, "subjects", &query, None)
    }

    /// `GET /audit` (a Charter registry's own): the audit events `filter`
    /// selects, newest first.
    pub fn audit(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, Error> {
        #[derive(Deserialize)]
        struct Events {
            events: Vec<AuditEntry>,
        }
        let limit = filter.limit.to_string();
        let mut query = vec![("limit", limit.as_str())];
        for (name, value) in [
            ("subject", &filter.subject),
            ("principal", &filter.principal),
            ("since", &filter.since),
            ("until", &filter.until),
        ] {
            if let Some(value) = value {
                query.push((name, value.as_str()));
            }
        }
        let answer: Events = self.call(Method::GET, "audit", &query, None)?;
        Ok(answer.events)
    }

    /// `GET /subjects/{s}/versions`: the live version numbers, ascending.
    /// A subject without versions answers an error (40401).
    pub fn versions(&self, subject: &str) -> Result<Vec<i32>, Error> {
        let path = format!("subjects/{}/versions", segment(subject));
        let mut versions: Vec<i32> = self.call(Method::GET, &path, &[], None)?;
        versions.sort_unstable();
        Ok(versions)
    }

    /// Like [`Client::versions`], with an unknown subject as no versions.
    pub fn versions_or_none(&self, subject: &str) -> Result<Vec<i32>, Error> {
        match self.versions(subject) {
            Err(e) if e.is_not_found(&[code::SUBJECT_NOT_FOUND]) => Ok(Vec::new()),
            other => other,
        }
    }

    /// `GET /subjects/{s}/versions/{v}`.
    pub fn version(&self, subject: &str, version: VersionRef) -> Result<RegisteredSchema, Error> {
        let path = format!("subjects/{}/versions/{version}", segment(subject));
        // References with their contexts, so that following one from a
        // subject of a context reads the subject it resolves to (a registry
        // answers them as posted otherwise: `address` for `:.ctx:address`).
        let query = [("referenceFormat", "qualified")];
        let wire: WireSchema = self.call(Method::GET, &path, &query, None)?;
        wire.registered(subject)
            .map_err(|reason| self.bad_body(format!("GET {path}"), reason))
    }

    /// `GET /schemas/guids/{guid}/ids`: the id of the schema with that GUID
    /// (in the default context when the registry answers several), `None`
    /// when it has none.
    pub fn schema_id_of_guid(&self, guid: &str) -> Result<Option<i64>, Error> {
        #[derive(Deserialize)]
        struct Placed {
            context: Option<String>,
            id: i64,
        }
        let path = format!("schemas/guids/{}/ids", segment(guid));
        match self.call::<Vec<Placed>>(Method::GET, &path, &[], None) {
            Ok(placed) => Ok(placed
                .iter()
                .find(|p| p.context.as_deref().is_none_or(|c| c == "."))
                .or(placed.first())
                .map(|p| p.id)),
            Err(e) if e.is_not_found(&[code::SCHEMA_NOT_FOUND]) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `GET /schemas/ids/{id}`.
    pub fn schema_by_id(&self, id: i64) -> Result<SchemaById, Error> {
        let path = format!("schemas/ids/{id}");
        let wire: WireSchema = self.call(Method::GET, &path, &[], None)?;
        Ok(SchemaById {
            id,
            schema_type: wire
                .schema_type()
                .map_err(|reason| self.bad_body(format!("GET {path}"), reason))?,
            references: wire.references,
            schema: wire.schema,
            metadata: wire.metadata.filter(|v| !v.is_null()),
            rule_set: wire.rule_set.filter(|v| !v.is_null()),
        })
    }

    /// `GET /schemas/ids/{id}/versions`: the subjects and versions holding
    /// schema `id`, soft-deleted ones too with `deleted`. The answer does not
    /// say which are deleted; compare with a call without `deleted`.
    pub fn schema_versions(&self, id: i64, deleted: bool) -> Result<Vec<(String, i32)>, Error> {
        #[derive(Deserialize)]
        struct Usage {
            subject: String,
            version: i32,
        }
        let path = format!("schemas/ids/{id}/versions");
        let query: &[(&str, &str)] = if deleted { &[("deleted", "true")] } else { &[] };
        let usages: Vec<Usage> = self.call(Method::GET, &path, query, None)?;
        Ok(usages.into_iter().map(|u| (u.subject, u.version)).collect())
    }

    /// `POST /subjects/{s}`: the version holding this schema, if any.
    pub fn lookup(
        &self,
        subject: &str,
        schema: &NewSchema,
    ) -> Result<Option<RegisteredSchema>, Error> {
        let path = format!("subjects/{}", segment(subject));
        let body = schema.body();
        match self.call::<WireSchema>(Method::POST, &path, &[], Some(&body)) {
            Ok(wire) => wire
                .registered(subject)
                .map(Some)
                .map_err(|reason| self.bad_body(format!("POST {path}"), reason)),
            Err(e) if e.is_not_found(&[code::SUBJECT_NOT_FOUND, code::SCHEMA_NOT_FOUND]) => {
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// `POST /subjects/{s}/versions`. A 409 answer is an error for which
    /// [`Error::is_incompatible`] holds.
    pub fn register(&self, subject: &str, schema: &NewSchema) -> Result<Registered, Error> {
        #[derive(Deserialize)]
        struct Answer {
            id: i64,
            version: Option<i32>,
        }
        let path = format!("subjects/{}/versions", segment(subject));
        let answer: Answer = self.call(Method::POST, &path, &[], Some(&schema.body()))?;
        Ok(Registered {
            id: answer.id,
            version: answer.version,
        })
    }

    /// `POST /compatibility/subjects/{s}/versions?verbose=true`: would
    /// registering `schema` be accepted? Checked as registration checks
    /// (every live version for transitive levels); a subject without
    /// versions accepts anything.
    pub fn check(&self, subject: &str, schema: &NewSchema) -> Result<Verdict, Error> {
        let path = format!("compatibility/subjects/{}/versions", segment(subject));
        let body = schema.body();
        match self.call::<WireVerdict>(Method::POST, &path, &[("verbose", "true")], Some(&body)) {
            Ok(answer) => Ok(answer.into()),
            // Older registries answer 40401 for a subject nobody registered.
            Err(e) if e.is_not_found(&[code::SUBJECT_NOT_FOUND]) => Ok(Verdict {
                is_compatible: true,
                messages: Vec::new(),
                changes: None,
            }),
            Err(e) => Err(e),
        }
    }

    /// `GET /config/{s}?defaultToGlobal=true`: the level that applies.
    pub fn effective_config(&self, subject: &str) -> Result<SubjectConfig, Error> {
        let path = format!("config/{}", segment(subject));
        let wire: WireConfig =
            self.call(Method::GET, &path, &[("defaultToGlobal", "true")], None)?;
        wire.config()
            .map_err(|reason| self.bad_body(format!("GET {path}"), reason))
    }

    /// `GET /config/{s}`: the subject's own level, `None` when it inherits.
    pub fn own_config(&self, subject: &str) -> Result<Option<SubjectConfig>, Error> {
        let path = format!("config/{}", segment(subject));
        match self.call::<WireConfig>(Method::GET, &path, &[], None) {
            Ok(wire) => wire
                .config()
                .map(Some)
                .map_err(|reason| self.bad_body(format!("GET {path}"), reason)),
            Err(e) if e.is_not_found(&[code::SUBJECT_LEVEL_NOT_SET, code::SUBJECT_NOT_FOUND]) => {
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// `PUT /config/{s}`: sets the subject's level.
    pub fn set_level(&self, subject: &str, level: CompatibilityMode) -> Result<(), Error> {
        let path = format!("config/{}", segment(subject));
        let body = json!({"compatibility": level.as_str()});
        self.call::<Value>(Method::PUT, &path, &[], Some(&body))
            .map(drop)
    }

    /// The texts of every schema `references` reach, directly or through
    /// their own references, by reference name: what parsing a schema with
    /// these references needs.
    pub fn resolver(&self, references: &[SchemaReference]) -> Result<MapResolver, Error> {
        let mut resolver = MapResolver::new();
        for (name, text) in self.referenced_texts(references)? {
            resolver.insert(name, text);
        }
        Ok(resolver)
    }

    /// [`Client::resolver`] as `(name, text)` pairs, each subject version
    /// fetched once.
    pub fn referenced_texts(
        &self,
        references: &[SchemaReference],
    ) -> Result<Vec<(String, String)>, Error> {
        let mut texts = Vec::new();
        let mut seen = HashSet::new();
        let mut queue: VecDeque<SchemaReference> = references.iter().cloned().collect();
        while let Some(reference) = queue.pop_front() {
            if !seen.insert((reference.subject.clone(), reference.version)) {
                continue;
            }
            let found = self.version(&reference.subject, VersionRef::Number(reference.version))?;
            texts.push((reference.name.clone(), found.schema));
            queue.extend(found.references);
        }
        Ok(texts)
    }
}
