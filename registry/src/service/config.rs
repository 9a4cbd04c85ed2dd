//! Compatibility config and modes, globally and per subject.

use schemas::{CompatibilityMode, Policy};
use serde_json::{Value, json};

use super::{DEFAULT_COMPATIBILITY, Error, NotPermitted, Registry};
use crate::audit::{Action, Actor, AuditEvent};
use crate::model::{
    ConfigRecord, ConsumerCompatibility, GLOBAL_CONTEXT, Metadata, Mode, RuleSet, Scope, Subject,
};

/// Whether `scope` is the peer's global context, `:.__GLOBAL:`.
fn is_global_context(scope: &Scope) -> bool {
    matches!(scope, Scope::Subject(s) if s.as_str() == GLOBAL_CONTEXT)
}

/// A change to a scope's config: for each field, `None` leaves it as it is,
/// `Some(None)` clears it and `Some(Some(v))` sets it. Values are as sent.
#[derive(Debug, Clone, Default)]
pub struct ConfigUpdate {
    /// The compatibility level.
    pub compatibility: Option<Option<String>>,
    /// The compatibility policy (`STRICT`, `LENIENT` or `CONFLUENT`).
    pub policy: Option<Option<String>>,
    /// Whether to normalise.
    pub normalize: Option<Option<bool>>,
    /// Whether registrations are judged against the recorded consumers
    /// (`NONE`, `WARN` or `ENFORCE`).
    pub consumer_compatibility: Option<Option<String>>,
    /// The metadata property that splits a subject into lines.
    pub compatibility_group: Option<Option<String>>,
    /// Whether registrations validate field names and reserved fields.
    pub validate_fields: Option<Option<bool>>,
    /// The peer's `validateRules`.
    pub validate_rules: Option<Option<bool>>,
    /// The subject reads of this one resolve to.
    pub alias: Option<Option<String>>,
    /// Metadata merged under a registered schema's own.
    pub default_metadata: Option<Option<Metadata>>,
    /// Metadata merged over a registered schema's own.
    pub override_metadata: Option<Option<Metadata>>,
    /// Rules merged under a registered schema's own (checked by the caller).
    pub default_rule_set: Option<Option<RuleSet>>,
    /// Rules merged over a registered schema's own (checked by the caller).
    pub override_rule_set: Option<Option<RuleSet>>,
}

/// `field` set to `update`'s value where it names one.
fn apply<T>(field: &mut Option<T>, update: &Option<Option<T>>)
where
    T: Clone,
{
    if let Some(value) = update {
        field.clone_from(value);
    }
}

fn subject_of(scope: &Scope) -> Option<&Subject> {
    match scope {
        Scope::Global => None,
        Scope::Subject(s) => Some(s),
    }
}

/// The audit event of `actor` doing `action` on `scope`.
fn audit(actor: &Actor, action: Action, scope: &Scope) -> AuditEvent {
    AuditEvent::new(actor, action, subject_of(scope).map(Subject::as_str))
}

/// A config as the audit trail records it (`null` when none is set); the
/// data-contract fields only where set.
fn config_detail(config: Option<&ConfigRecord>) -> Value {
    let Some(c) = config else {
        return Value::Null;
    };
    let mut detail = json!({
        "compatibility": c.compatibility.map(CompatibilityMode::as_str),
        "compatibilityPolicy": c.policy.map(Policy::as_str),
        "normalize": c.normalize,
    });
    let contracts = &c.contract_defaults;
    let json = |v: Option<Value>| v.unwrap_or(Value::Null);
    let set = [
        (
            "compatibilityGroup",
            c.compatibility_group.clone().map(Value::from),
        ),
        ("validateFields", c.validate_fields.map(Value::from)),
        ("validateRules", c.validate_rules.map(Value::from)),
        ("alias", c.alias.clone().map(Value::from)),
        (
            "defaultMetadata",
            contracts.default_metadata.as_ref().map(|m| json!(m)),
        ),
        (
            "overrideMetadata",
            contracts.override_metadata.as_ref().map(|m| json!(m)),
        ),
        (
            "defaultRuleSet",
            contracts.default_rule_set.as_ref().map(|r| json!(r)),
        ),
        (
            "overrideRuleSet",
            contracts.override_rule_set.as_ref().map(|r| json!(r)),
        ),
    ];
    for (name, value) in set {
        if value.is_some() {
            detail[name] = json(value);
        }
    }
    detail
}

/// A mode as the audit trail records it.
fn mode_detail(mode: Option<Mode>) -> Value {
    mode.map_or(Value::Null, |m| m.as_str().into())
}

impl Registry {
    /// The config of a scope. For a subject without its own config: 40408,
    /// or with `default_to_global` the config that applies to it. The
    /// registry's own (and the global context's) fields show over the
    /// defaults; with `default_to_global` the registry's also over the
    /// global context's, as the peer answers.
    pub async fn config(
        &self,
        scope: &Scope,
        default_to_global: bool,
    ) -> Result<ConfigRecord, Error> {
        let defaults = ConfigRecord {
            compatibility: Some(DEFAULT_COMPATIBILITY),
            ..ConfigRecord::default()
        };
        match scope {
            Scope::Global if default_to_global => self.effective_config(None).await,
            Scope::Subject(subject) if default_to_global => {
                self.effective_config(Some(subject)).await
            }
            Scope::Global => Ok(self
                .store
                .config(scope)
                .await?
                .unwrap_or_default()
                .over(defaults)),
            Scope::Subject(subject) => match self.store.config(scope).await? {
                Some(config) if is_global_context(scope) => Ok(config.over(defaults)),
                Some(config) => Ok(config),
                None if is_global_context(scope) => Ok(defaults),
                None => Err(Error::SubjectConfigNotSet {
                    subject: subject.to_string(),
                }),
            },
        }
    }

    /// The subject `name`'s alias: its own config's `alias`, when set and
    /// not empty; `None` for a name that is no subject.
    pub async fn alias_of(&self, name: &str) -> Result<Option<String>, Error> {
        let Ok(subject) = Subject::parse(name) else {
            return Ok(None);
        };
        let config = self.store.config(&Scope::Subject(subject)).await?;
        Ok(config.and_then(|c| c.alias).filter(|a| !a.is_empty()))
    }

    /// Applies `update` to a scope's config and returns the config now set.
    #[tracing::instrument(skip(self))]
    pub async fn set_config(
        &self,
        scope: &Scope,
        update: &ConfigUpdate,
        actor: &Actor,
    ) -> Result<ConfigRecord, Error> {
        self.ensure_writable(subject_of(scope)).await?;
        let old = self.store.config(scope).await?;
        let mut config = old.clone().unwrap_or_default();
        if let Some(level) = &update.compatibility {
            config.compatibility = level
                .as_deref()
                .map(|l| {
                    l.parse::<CompatibilityMode>()
                        .map_err(|e| Error::InvalidConfig(e.to_string()))
                })
                .transpose()?;
        }
        if let Some(policy) = &update.policy {
            config.policy = policy
                .as_deref()
                .map(|p| {
                    p.parse::<Policy>().map_err(|_| {
                        Error::InvalidConfig(format!(
                            "unknown compatibilityPolicy `{p}`: expected STRICT, LENIENT or CONFLUENT"
                        ))
                    })
                })
                .transpose()?;
        }
        if let Some(normalize) = update.normalize {
            config.normalize = normalize;
        }
        if let Some(setting) = &update.consumer_compatibility {
            config.consumer_compatibility = setting
                .as_deref()
                .map(|s| {
                    s.parse::<ConsumerCompatibility>()
                        .map_err(|e| Error::InvalidConfig(e.to_string()))
                })
                .transpose()?;
        }
        if let Some(Some(alias)) = &update.alias {
            if !alias.is_empty() {
                Subject::parse(alias)
                    .map_err(|e| Error::InvalidConfig(format!("`alias` names no subject: {e}")))?;
            }
        }
        if let Some(Some(group)) = &update.compatibility_group {
            if group.trim().is_empty() {
                return Err(Error::InvalidConfig(
                    "`compatibilityGroup` must name a metadata property (e.g. major_version), not be empty".into(),
                ));
            }
        }
        apply(&mut config.compatibility_group, &update.compatibility_group);
        apply(&mut config.validate_fields, &update.validate_fields);
        apply(&mut config.validate_rules, &update.validate_rules);
        apply(&mut config.alias, &update.alias);
        let contracts = &mut config.contract_defaults;
        apply(&mut contracts.default_metadata, &update.default_metadata);
        apply(&mut contracts.override_metadata, &update.override_metadata);
        apply(&mut contracts.default_rule_set, &update.default_rule_set);
        apply(&mut contracts.override_rule_set, &update.override_rule_set);
        let audit = audit(actor, Action::SetConfig, scope)
            .with("old", config_detail(old.as_ref()))
            .with("new", config_detail(Some(&config)));
        self.store.set_config(scope, &config, &audit).await?;
        tracing::info!(scope = scope.key(), "config set");
        audit.log();
        Ok(config)
    }

    /// Removes a scope's config and returns what it was. For the registry,
    /// with nothing set, that is the default; for a subject, 40401.
    #[tracing::instrument(skip(self))]
    pub async fn delete_config(&self, scope: &Scope, actor: &Actor) -> Result<ConfigRecord, Error> {
        self.ensure_writable(subject_of(scope)).await?;
        let old = self.store.config(scope).await?;
        let audit =
            audit(actor, Action::DeleteConfig, scope).with("old", config_detail(old.as_ref()));
        let previous = self.store.delete_config(scope, &audit).await?;
        if previous.is_some() {
            audit.log();
        }
        match (scope, previous) {
            (_, Some(previous)) => Ok(previous),
            (Scope::Global, None) => Ok(ConfigRecord {
                compatibility: Some(DEFAULT_COMPATIBILITY),
                ..ConfigRecord::default()
            }),
            (Scope::Subject(s), None) => Err(Error::SubjectNotFound {
                subject: s.to_string(),
            }),
        }
    }

    /// The mode of a scope. For a subject without its own mode: 40409, or with
    /// `default_to_global` the mode that applies to it. The registry and the
    /// global context without one answer READWRITE (the registry, with
    /// `default_to_global`, the global context's), as the peer does.
    pub async fn mode(&self, scope: &Scope, default_to_global: bool) -> Result<Mode, Error> {
        match scope {
            Scope::Global if default_to_global => self.effective_mode(None).await,
            Scope::Subject(subject) if default_to_global => {
                self.effective_mode(Some(subject)).await
            }
            Scope::Global => Ok(self.store.mode(scope).await?.unwrap_or_default()),
            Scope::Subject(subject) => match self.store.mode(scope).await? {
                Some(mode) => Ok(mode),
                None if is_global_context(scope) => Ok(Mode::default()),
                None => Err(Error::SubjectModeNotSet {
                    subject: subject.to_string(),
                }),
            },
        }
    }

    /// Sets a scope's mode. Switching to IMPORT needs the scope to have no
    /// live versions, unless `force`.
    #[tracing::instrument(skip(self))]
    pub async fn set_mode(
        &self,
        scope: &Scope,
        mode: &str,
        force: bool,
        actor: &Actor,
    ) -> Result<Mode, Error> {
        let mode: Mode = mode.parse()?;
        if mode == Mode::Forward && !is_global_context(scope) {
            return Err(Error::ForwardBelowGlobal);
        }
        if mode == Mode::Import && !force {
            let busy = match scope {
                Scope::Global => self.store.subjects().await?.iter().any(|s| s.live > 0),
                Scope::Subject(s) => self.history(s).await?.versions.iter().any(|v| !v.deleted),
            };
            if busy {
                let name = match scope {
                    Scope::Global => "the registry".to_string(),
                    Scope::Subject(s) => format!("subject '{s}'"),
                };
                return Err(NotPermitted::ImportNotEmpty(name).into());
            }
        }
        let old = self.store.mode(scope).await?;
        let audit = audit(actor, Action::SetMode, scope)
            .with("old", mode_detail(old))
            .with("new", mode_detail(Some(mode)));
        self.store.set_mode(scope, mode, &audit).await?;
        tracing::info!(scope = scope.key(), mode = mode.as_str(), "mode set");
        audit.log();
        Ok(mode)
    }

    /// Removes a scope's mode and returns what it was (`None` when a
    /// subject had none and `recursive` was given). For the registry,
    /// `recursive` also clears every subject's mode.
    #[tracing::instrument(skip(self))]
    pub async fn delete_mode(
        &self,
        scope: &Scope,
        recursive: bool,
        actor: &Actor,
    ) -> Result<Option<Mode>, Error> {
        let old = self.store.mode(scope).await?;
        let audit = audit(actor, Action::DeleteMode, scope)
            .with("old", mode_detail(old))
            .with("recursive", recursive.into());
        let previous = self.store.delete_mode(scope, recursive, &audit).await?;
        if previous.is_some() || recursive {
            audit.log();
        }
        match scope {
            Scope::Global => Ok(Some(previous.unwrap_or_default())),
            Scope::Subject(s) => match (previous, recursive) {
                (None, false) => Err(Error::SubjectNotFound {
                    subject: s.to_string(),
                }),
                (previous, _) => Ok(previous),
            },
        }
    }
}
