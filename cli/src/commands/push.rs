//! `charter push contracts.toml [--dry-run]`: registers a producer's
//! contracts and records a consumer's readers, all or nothing (the manifest
//! and the rules are in [`crate::manifest`]).
//!
//! Two phases. **Check**: each contract is read, looked up (a schema the
//! subject already holds is left alone, which makes push idempotent) and
//! otherwise judged: by the registry's compatibility endpoint when the
//! subject keeps its level, by Charter's engine under the manifest's level
//! when the push changes it (the registry can only judge under the level it
//! has), or when a reference points at a contract this push registers.
//! Each reader is read (and parsed) and its subject and references found
//! (a reader recorded as it is already is left alone).
//! **Apply** (only if nothing would be refused, and not with `--dry-run`):
//! levels are set and schemas registered in manifest order, then the
//! readers are recorded.

use std::collections::HashMap;
use std::io::Write;

use anyhow::{Context, Result, anyhow, bail};
use schemas::{CompatReport, CompatibilityMode, MapResolver, Schema};
use serde_json::{Value, json};

use super::subject::{self, Local, json_line};
use crate::client::{Client, ConsumerRecord, NewSchema, Reader, code};
use crate::contract::DataContract;
use crate::exit::Exit;
use crate::input::InputSettings;
use crate::manifest::{Consumes, Contract, Manifest, ReaderSource, Reference};
use crate::render::{BAD, DIM, GOOD};
use crate::settings::PushSettings;
use crate::values::{DataFormat, SchemaReference, VersionRef};

/// Runs `charter push`.
pub fn run(settings: PushSettings) -> Result<Exit> {
    let manifest = Manifest::read(&settings.manifest)?;
    let client = Client::new(settings.client)?;
    let mut entries: Vec<Entry<'_>> = Vec::with_capacity(manifest.contracts.len());
    for (index, contract) in manifest.contracts.iter().enumerate() {
        let entry = check(&client, &manifest, index, contract, &entries)?;
        entries.push(entry);
    }
    let mut readers = Vec::with_capacity(manifest.consumes.len());
    for consumes in &manifest.consumes {
        readers.push(check_reader(&client, &manifest, consumes, &entries)?);
    }
    let refused = entries
        .iter()
        .filter(|e| matches!(e.plan, Plan::Rejected { .. }))
        .count();
    let apply = refused == 0 && !settings.dry_run;
    let mut failure = None;
    if apply {
        for index in 0..entries.len() {
            if let Err(error) = register(&client, &mut entries, index) {
                failure = Some(error);
                break;
            }
        }
        if failure.is_none() {
            for reader in readers.iter_mut().filter(|r| !r.unchanged) {
                if let Err(error) = record(&client, reader) {
                    failure = Some(Failure::Error(error));
                    break;
                }
            }
        }
    }
    let outcome = Outcome {
        client: &client,
        entries: &entries,
        readers: &readers,
        dry_run: settings.dry_run,
        refused,
    };
    let mut stdout = anstream::stdout().lock();
    match settings.output {
        DataFormat::Text => outcome.text(&mut stdout)?,
        DataFormat::Json => json_line(&mut stdout, outcome.json())?,
    }
    stdout.flush()?;
    drop(stdout);
    match failure {
        Some(Failure::Refused(message)) => {
            let mut stderr = anstream::stderr().lock();
            writeln!(
                stderr,
                "{BAD}error{BAD:#}: {message}; the contracts before it were pushed, the rest and the readers were not"
            )?;
            Ok(Exit::Problem)
        }
        Some(Failure::Error(error)) => Err(error.context(
            "push stopped part-way: the contracts and readers reported as pushed or recorded were, the rest were not",
        )),
        None => Ok(Exit::from_ok(refused == 0)),
    }
}

/// What the check phase decided for a contract.
enum Plan {
    /// The subject already holds the schema.
    Unchanged { version: i32, id: i64 },
    /// It would be accepted.
    Register,
    /// It would be refused.
    Rejected {
        /// The level it was judged under.
        level: CompatibilityMode,
        /// The registry's reasons, or the engine's summary.
        messages: Vec<String>,
        /// The engine's report, when it judged the format, with labels of
        /// the versions judged against.
        report: Option<(CompatReport, Vec<String>)>,
    },
}

/// A reference, resolved as far as the check phase can.
enum Target {
    /// A registered version.
    Registered(SchemaReference),
    /// The version an earlier contract (by index) gets in this push.
    Pending { name: String, contract: usize },
}

/// One contract through both phases.
struct Entry<'m> {
    contract: &'m Contract,
    local: Local,
    /// Every referenced text by reference name, transitively.
    texts: HashMap<String, String>,
    targets: Vec<Target>,
    /// The level change: (the subject's own level, if any; the wanted one).
    level_change: Option<(Option<CompatibilityMode>, CompatibilityMode)>,
    plan: Plan,
    /// After registration: version and id.
    registered: Option<(i32, i64)>,
}

impl Entry<'_> {
    fn subject(&self) -> &str {
        &self.contract.subject
    }

    /// The version and id the subject holds for this contract after the push
    /// (or would hold).
    fn version_id(&self) -> Option<(i32, i64)> {
        match self.plan {
            Plan::Unchanged { version, id } => Some((version, id)),
            _ => self.registered,
        }
    }
}

/// The check phase for contract `index`; `earlier` are the contracts before it.
fn check<'m>(
    client: &Client,
    manifest: &'m Manifest,
    index: usize,
    contract: &'m Contract,
    earlier: &[Entry<'m>],
) -> Result<Entry<'m>> {
    let subject = contract.subject.as_str();
    let mut targets = Vec::new();
    let mut registered_refs = Vec::new();
    let mut texts: HashMap<String, String> = HashMap::new();
    for reference in &contract.references {
        let in_manifest = manifest
            .contracts
            .iter()
            .position(|c| c.subject == reference.subject);
        let target = match (reference.version, in_manifest) {
            (Some(version), _) => Target::Registered(SchemaReference {
                name: reference.name.clone(),
                subject: reference.subject.clone(),
                version,
            }),
            (None, Some(j)) if j < index => match earlier[j].version_id() {
                Some((version, _)) => Target::Registered(SchemaReference {
                    name: reference.name.clone(),
                    subject: reference.subject.clone(),
                    version,
                }),
                None => {
                    texts.insert(reference.name.clone(), earlier[j].local.text.clone());
                    texts.extend(earlier[j].texts.clone());
                    Target::Pending {
                        name: reference.name.clone(),
                        contract: j,
                    }
                }
            },
            (None, Some(_)) => bail!(
                "{}: contract `{subject}` references `{}` without a version, so that contract must come before it",
                manifest.path.display(),
                reference.subject
            ),
            (None, None) => {
                let latest = client.version(&reference.subject, VersionRef::Latest)?;
                Target::Registered(SchemaReference {
                    name: reference.name.clone(),
                    subject: reference.subject.clone(),
                    version: latest.version,
                })
            }
        };
        if let Target::Registered(r) = &target {
            registered_refs.push(r.clone());
        }
        targets.push(target);
    }
    texts.extend(client.referenced_texts(&registered_refs)?);
    let mut resolver = MapResolver::new();
    for (name, text) in &texts {
        resolver.insert(name.clone(), text.clone());
    }
    let input = InputSettings {
        schema_type: contract.schema_type,
        ..InputSettings::default()
    };
    let local = subject::load(&contract.file, &input, &resolver)
        .with_context(|| format!("{}: contract `{subject}`", manifest.path.display()))?;
    let pending = targets.iter().any(|t| matches!(t, Target::Pending { .. }));
    let schema = NewSchema {
        schema: local.text.clone(),
        schema_type: local.schema_type,
        references: registered_refs,
        contract: contract.data_contract.clone(),
    };

    let level_change = match contract.compatibility {
        Some(wanted) => {
            let own = client.own_config(subject)?.map(|c| c.level);
            (own != Some(wanted)).then_some((own, wanted))
        }
        None => None,
    };
    let found = if pending {
        None
    } else {
        client.lookup(subject, &schema)?
    };
    let plan = match found {
        Some(found) => Plan::Unchanged {
            version: found.version,
            id: found.id,
        },
        None => judge(client, subject, &local.schema, &schema, pending, contract)?,
    };
    Ok(Entry {
        contract,
        local,
        texts,
        targets,
        level_change,
        plan,
        registered: None,
    })
}

/// Would `schema` be accepted under `subject`, with the level the push
/// leaves it at?
fn judge(
    client: &Client,
    subject: &str,
    candidate: &Schema,
    schema: &NewSchema,
    pending: bool,
    contract: &Contract,
) -> Result<Plan> {
    let effective = client.effective_config(subject)?;
    let level = contract.compatibility.unwrap_or(effective.level);
    let policy = effective.policy.unwrap_or_default();
    let versions = client.versions_or_none(subject)?;
    let engine = || -> Result<(CompatReport, Vec<String>)> {
        let fetched = subject::fetch(
            client,
            subject,
            &subject::needed(&versions, level.is_transitive()),
        )?;
        let history: Vec<&Schema> = fetched.iter().map(|f| &f.schema).collect();
        let mut report = schemas::check(candidate, &history, level, policy)?;
        schemas::attach_examples(&mut report, candidate, &history);
        Ok((
            report,
            fetched.iter().map(subject::Fetched::label).collect(),
        ))
    };
    if !pending && level == effective.level {
        let verdict = client.check(subject, schema)?;
        if verdict.is_compatible {
            return Ok(Plan::Register);
        }
        return Ok(Plan::Rejected {
            level,
            messages: verdict.reasons(),
            report: Some(engine()?).filter(|(r, _)| !r.compatible),
        });
    }
    let (report, labels) = engine()?;
    if report.compatible {
        return Ok(Plan::Register);
    }
    Ok(Plan::Rejected {
        level,
        messages: report
            .breaking()
            .map(|c| format!("{} at {}: {}", c.kind.name(), c.path, c.message))
            .collect(),
        report: Some((report, labels)),
    })
}

/// One `[[consumes]]` through both phases.
struct ReaderEntry<'m> {
    consumes: &'m Consumes,
    /// The reader to record, its references resolved.
    reader: Reader,
    /// The registry holds this reader for the consumer, subject and
    /// environment already.
    unchanged: bool,
    /// Recorded by this push.
    recorded: bool,
}

impl ReaderEntry<'_> {
    /// The reader as the manifest names it.
    fn shown(&self) -> String {
        match &self.consumes.reader {
            ReaderSource::File { shown, .. } => shown.clone(),
            ReaderSource::Version(version) => format!("version {version}"),
        }
    }

    /// `fulfillment` reads `inventory-value` in prod
    fn who(&self) -> String {
        let c = self.consumes;
        format!(
            "`{}` reads `{}` in {}",
            c.consumer, c.subject, c.environment
        )
    }
}

/// The check phase for a `[[consumes]]` entry: its subject is registered or
/// a contract of this push, its reader parses (references resolved to
/// registered versions), and whether the registry holds it already.
fn check_reader<'m>(
    client: &Client,
    manifest: &Manifest,
    consumes: &'m Consumes,
    entries: &[Entry<'_>],
) -> Result<ReaderEntry<'m>> {
    let subject = consumes.subject.as_str();
    let at = || format!("{}: [[consumes]] `{subject}`", manifest.path.display());
    let pushed = entries.iter().any(|e| e.subject() == subject);
    if !pushed && client.versions_or_none(subject)?.is_empty() {
        bail!(
            "{}: no such subject on {} (and no contract of this manifest registers it)",
            at(),
            client.url()
        );
    }
    let (reader, local) = match &consumes.reader {
        ReaderSource::Version(version) => {
            match client.version(subject, VersionRef::Number(*version)) {
                Err(e) if e.is_not_found(&[code::SUBJECT_NOT_FOUND, code::VERSION_NOT_FOUND]) => {
                    bail!(
                        "{}: version {version} is not registered on {}",
                        at(),
                        client.url()
                    )
                }
                other => other?,
            };
            (Reader::Version(*version), None)
        }
        ReaderSource::File {
            file,
            schema_type,
            references,
            ..
        } => {
            let references = references
                .iter()
                .map(|r| reader_reference(client, r, entries).with_context(at))
                .collect::<Result<Vec<_>>>()?;
            let resolver = client.resolver(&references)?;
            let input = InputSettings {
                schema_type: *schema_type,
                ..InputSettings::default()
            };
            let local = subject::load(file, &input, &resolver).with_context(at)?;
            let reader = Reader::Schema(NewSchema {
                schema: local.text.clone(),
                schema_type: local.schema_type,
                references,
                contract: DataContract::default(),
            });
            (reader, Some((local.schema, resolver)))
        }
    };
    let recorded = match client.consumer(&consumes.consumer) {
        Err(e) if e.is_not_found(&[code::CONSUMER_NOT_FOUND]) => Vec::new(),
        other => other?,
    };
    let unchanged = recorded
        .iter()
        .any(|r| holds(r, consumes, &reader, local.as_ref()));
    Ok(ReaderEntry {
        consumes,
        reader,
        unchanged,
        recorded: false,
    })
}

/// Whether `record` is the reader `consumes` asks for: same subject,
/// environment and consumer version, and the same version or the same
/// schema (by Charter's fingerprint, with the same references).
fn holds(
    record: &ConsumerRecord,
    consumes: &Consumes,
    reader: &Reader,
    local: Option<&(Schema, MapResolver)>,
) -> bool {
    if record.subject != consumes.subject
        || record.environment != consumes.environment
        || record.consumer_version != consumes.consumer_version
    {
        return false;
    }
    match (reader, local) {
        (Reader::Version(version), _) => {
            record.reader["version"].as_i64() == Some(i64::from(*version))
        }
        (Reader::Schema(schema), Some((parsed, resolver))) => {
            let held: Vec<SchemaReference> = record
                .reader
                .get("references")
                .and_then(|r| serde_json::from_value(r.clone()).ok())
                .unwrap_or_default();
            let same_references = held == schema.references;
            let text = record.reader["schema"].as_str().unwrap_or_default();
            same_references
                && record.reader["schemaType"].as_str() == Some(schema.schema_type.as_str())
                && Schema::parse(schema.schema_type, text, resolver)
                    .is_ok_and(|held| held.fingerprint() == parsed.fingerprint())
        }
        (Reader::Schema(_), None) => false,
    }
}

/// A reader's reference as a registered version: the one named, else the
/// version a contract of this push leaves its subject at (which must be
/// registered already), else the latest.
fn reader_reference(
    client: &Client,
    reference: &Reference,
    entries: &[Entry<'_>],
) -> Result<SchemaReference> {
    let version = match reference.version {
        Some(version) => version,
        None => match entries.iter().find(|e| e.subject() == reference.subject) {
            Some(entry) => match entry.version_id() {
                Some((version, _)) => version,
                None => bail!(
                    "reference `{}`: contract `{}` gets a new version in this push; name the version, or record the reader in a later push",
                    reference.name,
                    reference.subject
                ),
            },
            None => {
                client
                    .version(&reference.subject, VersionRef::Latest)
                    .map_err(|e| anyhow!("reference `{}`: {e}", reference.name))?
                    .version
            }
        },
    };
    Ok(SchemaReference {
        name: reference.name.clone(),
        subject: reference.subject.clone(),
        version,
    })
}

/// The apply phase for a reader.
fn record(client: &Client, entry: &mut ReaderEntry<'_>) -> Result<()> {
    let c = entry.consumes;
    client.record_consumer(
        &c.consumer,
        &c.subject,
        &c.environment,
        &entry.reader,
        c.consumer_version.as_deref(),
    )?;
    entry.recorded = true;
    Ok(())
}

/// Why the apply phase stopped.
enum Failure {
    /// The registry refused a schema it had been expected to accept (another
    /// version was registered meanwhile).
    Refused(String),
    /// Any other error.
    Error(anyhow::Error),
}

/// The apply phase for contract `index`: its level, then its schema.
fn register(client: &Client, entries: &mut [Entry<'_>], index: usize) -> Result<(), Failure> {
    let subject = entries[index].subject().to_string();
    if let Some((_, wanted)) = entries[index].level_change {
        client
            .set_level(&subject, wanted)
            .map_err(|e| Failure::Error(e.into()))?;
    }
    if !matches!(entries[index].plan, Plan::Register) {
        return Ok(());
    }
    let references = entries[index]
        .targets
        .iter()
        .map(|target| match target {
            Target::Registered(r) => r.clone(),
            Target::Pending { name, contract } => SchemaReference {
                name: name.clone(),
                subject: entries[*contract].subject().to_string(),
                version: entries[*contract]
                    .version_id()
                    .map(|(version, _)| version)
                    .unwrap_or_default(),
            },
        })
        .collect();
    let entry = &entries[index];
    let schema = NewSchema {
        schema: entry.local.text.clone(),
        schema_type: entry.local.schema_type,
        references,
        contract: entry.contract.data_contract.clone(),
    };
    match client.register(&subject, &schema) {
        Ok(done) => {
            let version = match done.version {
                Some(version) => version,
                None => client
                    .lookup(&subject, &schema)
                    .map_err(|e| Failure::Error(e.into()))?
                    .map(|found| found.version)
                    .unwrap_or_default(),
            };
            entries[index].registered = Some((version, done.id));
            Ok(())
        }
        Err(e) if e.is_incompatible() => Err(Failure::Refused(format!(
            "registry {} refused `{subject}` after the checks passed (another version was registered meanwhile?): {}",
            client.url(),
            e.message().unwrap_or_default()
        ))),
        Err(e) => Err(Failure::Error(e.into())),
    }
}

/// The report of a push.
struct Outcome<'a, 'm> {
    client: &'a Client,
    entries: &'a [Entry<'m>],
    readers: &'a [ReaderEntry<'m>],
    dry_run: bool,
    refused: usize,
}

impl Outcome<'_, '_> {
    fn action(&self, entry: &Entry<'_>) -> &'static str {
        match entry.plan {
            Plan::Unchanged { .. } => "unchanged",
            Plan::Rejected { .. } => "rejected",
            Plan::Register if entry.registered.is_some() => "registered",
            Plan::Register => "register",
        }
    }

    fn text(&self, out: &mut impl Write) -> Result<()> {
        let would = if self.dry_run || self.refused > 0 {
            "would "
        } else {
            ""
        };
        let (mut registered, mut unchanged, mut levels) = (0, 0, 0);
        for entry in self.entries {
            let subject = entry.subject();
            let file = &entry.contract.shown;
            match &entry.plan {
                Plan::Unchanged { version, id } => {
                    unchanged += 1;
                    writeln!(
                        out,
                        "{GOOD}unchanged{GOOD:#} `{subject}`: {file} is version {version} (id {id})"
                    )?;
                }
                Plan::Register => {
                    registered += 1;
                    match entry.registered {
                        Some((version, id)) => writeln!(
                            out,
                            "{GOOD}registered{GOOD:#} `{subject}`: {file} as version {version} (id {id})"
                        )?,
                        None => writeln!(
                            out,
                            "{GOOD}{would}register{GOOD:#} `{subject}`: {file} as a new version"
                        )?,
                    }
                }
                Plan::Rejected {
                    level,
                    messages,
                    report,
                } => {
                    writeln!(
                        out,
                        "{BAD}REJECTED{BAD:#} `{subject}`: {file} under {level}:"
                    )?;
                    match report {
                        Some((report, labels)) => {
                            for change in report.breaking() {
                                let against = change
                                    .against
                                    .and_then(|i| labels.get(i))
                                    .map(|l| format!(" {DIM}(against {l}){DIM:#}"))
                                    .unwrap_or_default();
                                writeln!(out, "    {}: {}{against}", change.path, change.message)?;
                                if let Some(example) = &change.example {
                                    writeln!(
                                        out,
                                        "        {DIM}example (writer accepts, reader rejects):{DIM:#} {example}"
                                    )?;
                                }
                            }
                        }
                        None => {
                            for message in messages {
                                writeln!(out, "    {message}")?;
                            }
                        }
                    }
                }
            }
            if let Some((own, wanted)) = entry.level_change {
                levels += 1;
                let from = own.map_or("inherited".to_string(), |l| l.to_string());
                writeln!(
                    out,
                    "{DIM}  {would}set the level of `{subject}` to {wanted} (was {from}){DIM:#}"
                )?;
            }
        }
        for reader in self.readers {
            let (who, shown) = (reader.who(), reader.shown());
            if reader.unchanged {
                writeln!(out, "{GOOD}unchanged{GOOD:#} {who}: {shown}")?;
            } else if reader.recorded {
                writeln!(out, "{GOOD}recorded{GOOD:#} {who}: {shown}")?;
            } else {
                writeln!(out, "{GOOD}{would}record{GOOD:#} {who}: {shown}")?;
            }
        }
        writeln!(out)?;
        let total = self.entries.len();
        let readers = self.readers.len();
        let fresh = self.readers.iter().filter(|r| !r.unchanged).count();
        if self.refused > 0 {
            writeln!(
                out,
                "{BAD}PUSH REFUSED{BAD:#}: {} of {total} contracts would be rejected by {}; nothing was registered{}",
                self.refused,
                self.client.url(),
                if readers > 0 {
                    ", no level changed and no reader recorded"
                } else {
                    " and no level changed"
                }
            )?;
        } else if self.dry_run {
            let readers_part = format!(
                "{readers} readers: would record {fresh}, {} unchanged",
                readers - fresh
            );
            let what = match (total, readers) {
                (_, 0) => format!(
                    "{total} contracts checked against {}: would register {registered}, {unchanged} unchanged, would set {levels} levels",
                    self.client.url()
                ),
                (0, _) => format!(
                    "{readers} readers checked against {}: would record {fresh}, {} unchanged",
                    self.client.url(),
                    readers - fresh
                ),
                _ => format!(
                    "{total} contracts checked against {}: would register {registered}, {unchanged} unchanged, would set {levels} levels; {readers_part}",
                    self.client.url()
                ),
            };
            writeln!(out, "{GOOD}DRY RUN{GOOD:#}: {what}; nothing changed")?;
        } else {
            let done = self
                .entries
                .iter()
                .filter(|e| e.registered.is_some())
                .count();
            let recorded = self.readers.iter().filter(|r| r.recorded).count();
            let what = match (total, readers) {
                (_, 0) => format!(
                    "{total} contracts to {}: {done} registered, {unchanged} unchanged, {levels} levels set",
                    self.client.url()
                ),
                (0, _) => format!(
                    "{readers} readers to {}: {recorded} recorded, {} unchanged",
                    self.client.url(),
                    readers - fresh
                ),
                _ => format!(
                    "{total} contracts to {}: {done} registered, {unchanged} unchanged, {levels} levels set; {readers} readers: {recorded} recorded, {} unchanged",
                    self.client.url(),
                    readers - fresh
                ),
            };
            writeln!(out, "{GOOD}PUSHED{GOOD:#}: {what}")?;
        }
        Ok(())
    }

    fn json(&self) -> Value {
        let contracts: Vec<Value> = self
            .entries
            .iter()
            .map(|entry| {
                let (version, id) = entry.version_id().unzip();
                let (messages, changes) = match &entry.plan {
                    Plan::Rejected {
                        messages, report, ..
                    } => (
                        messages.clone(),
                        report
                            .as_ref()
                            .map(|(r, _)| r.breaking().cloned().collect::<Vec<_>>())
                            .unwrap_or_default(),
                    ),
                    _ => (Vec::new(), Vec::new()),
                };
                json!({
                    "subject": entry.subject(),
                    "file": entry.contract.shown,
                    "action": self.action(entry),
                    "version": version,
                    "id": id,
                    "level": entry.level_change.map(|(from, to)| json!({"from": from, "to": to})),
                    "messages": messages,
                    "changes": changes,
                })
            })
            .collect();
        let readers: Vec<Value> = self
            .readers
            .iter()
            .map(|r| {
                let action = match (r.unchanged, r.recorded) {
                    (true, _) => "unchanged",
                    (false, true) => "recorded",
                    (false, false) => "record",
                };
                json!({
                    "consumer": r.consumes.consumer,
                    "subject": r.consumes.subject,
                    "environment": r.consumes.environment,
                    "reader": r.shown(),
                    "action": action,
                })
            })
            .collect();
        json!({
            "registry": self.client.url(),
            "dry_run": self.dry_run,
            "accepted": self.refused == 0,
            "contracts": contracts,
            "consumes": readers,
        })
    }
}
