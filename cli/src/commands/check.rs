//! `charter check NEW`: would registering this schema be accepted?
//!
//! - `--against OLD...` judges it offline against a history kept in files
//!   (oldest first), so transitive modes can be checked without a registry.
//! - `--subject S` asks the registry: its verdict comes from its
//!   compatibility endpoint (with verbose reasons), and Charter judges the
//!   same question itself on the subject's fetched versions, to print each
//!   breaking change with an example document. When the two disagree the
//!   report says so.
//! - Both: the registry's versions and then the files form one history.
//! - `--metadata`, `--property` and `--rule-set` (with `--subject`) send the
//!   candidate's data contract with it and list how it differs from the
//!   latest version's: listed, never a break.
//!
//! Exit 1 when the registry would refuse the schema or Charter finds a
//! breaking change under the mode.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use schemas::{Policy, Schema};
use serde_json::{Value, json};

use super::subject::{self, Fetched};
use crate::client::{Client, NewSchema, SubjectConfig, Verdict};
use crate::contract::{self, ContractChange, DataContract};
use crate::exit::Exit;
use crate::input::{self, InputSettings};
use crate::render::{self, BAD, GOOD};
use crate::settings::{Against, CheckSettings, RegistryCheck, Report};
use crate::values::OutputFormat;

/// Runs `charter check`.
pub fn run(settings: CheckSettings) -> Result<Exit> {
    let CheckSettings {
        schema,
        against,
        target,
        input,
        report,
    } = settings;
    let files = Files {
        schema,
        against,
        input,
        report,
    };
    match target {
        Against::Files { mode, policy } => offline(&files, mode, policy),
        Against::Registry(registry) => against_registry(&files, *registry),
    }
}

/// The files of a run and how to report on them.
struct Files {
    schema: PathBuf,
    against: Vec<PathBuf>,
    input: InputSettings,
    report: Report,
}

impl Files {
    /// The `--against` files, read.
    fn history(&self) -> Result<Vec<Schema>> {
        self.against
            .iter()
            .map(|path| input::load(path, &self.input))
            .collect()
    }

    /// How reports name the `--against` files.
    fn labels(&self) -> Vec<String> {
        self.against
            .iter()
            .map(|p| p.display().to_string())
            .collect()
    }
}

fn offline(files: &Files, mode: schemas::CompatibilityMode, policy: Policy) -> Result<Exit> {
    let candidate = input::load(&files.schema, &files.input)?;
    let history = files.history()?;
    let refs: Vec<&Schema> = history.iter().collect();
    let limits = &files.input.limits;
    let mut report = schemas::check_within(&candidate, &refs, mode, policy, limits)?;
    schemas::attach_examples(&mut report, &candidate, &refs);
    schemas::note_accepting_policies_within(&mut report, &candidate, &refs, limits)?;
    super::report::finish(&report, files.report, &files.schema, &files.labels())
}

/// What the registry said, and what Charter's engine says to the same
/// question.
struct RegistrySide<'a> {
    client: &'a Client,
    subject: &'a str,
    config: SubjectConfig,
    /// The subject's live versions.
    versions: Vec<i32>,
    verdict: Verdict,
    /// The engine's verdict on the registry's question (its versions, level
    /// and policy).
    engine: bool,
    /// The compatibility group the candidate is judged in, when the subject
    /// has one.
    group: Option<Group>,
    /// How the candidate's data contract differs from the latest version's,
    /// and that version's number.
    contract: Option<(i32, Vec<ContractChange>)>,
}

/// A subject's `compatibilityGroup`: versions whose metadata property of
/// that name differs from the candidate's are another line, not judged
/// against (an absent property is a value too, as in Confluent's
/// registry).
struct Group {
    /// The metadata property.
    property: String,
    /// The candidate's value of it: from its own metadata, or when it sends
    /// none, from the latest version's, which the registry carries over.
    value: Option<String>,
}

impl Group {
    fn of(property: &str, candidate: &DataContract, latest: Option<&Fetched>) -> Group {
        let metadata = match (&candidate.metadata, latest) {
            (Some(own), _) => Some(own.clone()),
            (None, Some(latest)) => latest.record.metadata.clone(),
            (None, None) => None,
        };
        Group {
            property: property.to_string(),
            value: metadata.as_ref().and_then(|m| value_of(m, property)),
        }
    }

    /// Whether version `f` is in the candidate's line.
    fn holds(&self, f: &Fetched) -> bool {
        let theirs = f
            .record
            .metadata
            .as_ref()
            .and_then(|m| value_of(m, &self.property));
        theirs == self.value
    }

    /// `major_version = "2"`, or `major_version unset`.
    fn describe(&self) -> String {
        match &self.value {
            Some(value) => format!("`{}` = {value:?}", self.property),
            None => format!("`{}` unset", self.property),
        }
    }
}

/// Property `name` of a `metadata` object.
fn value_of(metadata: &Value, name: &str) -> Option<String> {
    metadata
        .get("properties")?
        .get(name)?
        .as_str()
        .map(str::to_string)
}

impl RegistrySide<'_> {
    fn agrees(&self) -> bool {
        self.engine == self.verdict.is_compatible
    }
}

fn against_registry(files: &Files, check: RegistryCheck) -> Result<Exit> {
    let client = Client::new(check.client)?;
    let subject = check.subject.as_str();
    let references = client.resolver(&check.references)?;
    let candidate = subject::load(&files.schema, &files.input, &references)?;
    let data_contract = DataContract::from_flags(&check.contract)?;
    let earlier = files.history()?;

    let config = client.effective_config(subject)?;
    let mode = check.mode.unwrap_or(config.level);
    let policy = check.policy.or(config.policy).unwrap_or_default();
    let versions = client.versions_or_none(subject)?;
    let transitive = mode.is_transitive() || config.level.is_transitive();
    // With a compatibility group, the latest version of the candidate's
    // line may be any version: all are read.
    let wanted = subject::needed(&versions, transitive || config.group.is_some());
    let all = subject::fetch(&client, subject, &wanted)?;
    let group = config
        .group
        .as_deref()
        .map(|property| Group::of(property, &data_contract, all.last()));
    let fetched: Vec<&Fetched> = match &group {
        None => all.iter().collect(),
        Some(group) => {
            let line: Vec<&Fetched> = all.iter().filter(|f| group.holds(f)).collect();
            let keep = if transitive { line.len() } else { 1 };
            line[line.len().saturating_sub(keep)..].to_vec()
        }
    };
    let verdict = client.check(
        subject,
        &NewSchema {
            schema: candidate.text.clone(),
            schema_type: candidate.schema_type,
            references: check.references.clone(),
            contract: data_contract.clone(),
        },
    )?;

    // The engine on the registry's own question, to compare verdicts.
    let registered = judge_registered(&candidate.schema, &fetched, &config)?;
    // The engine on this run's question: registry versions, then files.
    let mut history: Vec<&Schema> = fetched.iter().map(|f| &f.schema).collect();
    history.extend(earlier.iter());
    let mut labels: Vec<String> = fetched.iter().map(|f| f.label()).collect();
    labels.extend(files.labels());
    let limits = &files.input.limits;
    let mut report = schemas::check_within(&candidate.schema, &history, mode, policy, limits)?;
    schemas::attach_examples(&mut report, &candidate.schema, &history);
    schemas::note_accepting_policies_within(&mut report, &candidate.schema, &history, limits)?;
    let side = RegistrySide {
        client: &client,
        subject,
        config,
        versions,
        verdict,
        engine: registered,
        group,
        contract: all
            .last()
            .filter(|_| !data_contract.is_empty())
            .map(|latest| {
                (
                    latest.record.version,
                    contract_changes(&data_contract, latest),
                )
            }),
    };
    let exit = Exit::from_ok(side.verdict.is_compatible && report.compatible);
    let how = files.report;
    match how.output {
        OutputFormat::Json => {
            let mut value = serde_json::to_value(&report)?;
            value["compatible"] = json!(exit == Exit::Success);
            value["registry"] = registry_json(&side, &wanted_numbers(&fetched));
            // Charter judges every format; the key stays for readers of
            // earlier output, which said `false` for Avro and Protobuf.
            value["engine_judged"] = json!(true);
            subject::json_line(&mut anstream::stdout().lock(), value)?;
        }
        OutputFormat::Text => {
            super::report::finish(&report, how, &files.schema, &labels)?;
            let mut stdout = anstream::stdout().lock();
            registry_text(&mut stdout, &side)?;
        }
        OutputFormat::Github => {
            super::report::finish(&report, how, &files.schema, &labels)?;
            let mut stdout = anstream::stdout().lock();
            registry_github(&mut stdout, &side, &files.schema.display().to_string())?;
        }
        OutputFormat::Junit => {
            // One XML document on stdout; the registry's verdict goes to
            // stderr beside it (the exit code carries it too).
            super::report::finish(&report, how, &files.schema, &labels)?;
            let mut stderr = anstream::stderr().lock();
            registry_text(&mut stderr, &side)?;
        }
    }
    Ok(exit)
}

/// How `candidate`'s contract differs from `latest`'s, in the parts the
/// candidate gives: a registry carries a part left out over from the
/// latest version, so leaving it out changes nothing.
fn contract_changes(candidate: &DataContract, latest: &Fetched) -> Vec<ContractChange> {
    let registered = latest.record.contract();
    let given = |mine: &Option<Value>, theirs: Option<Value>| mine.as_ref().and(theirs);
    let old = DataContract {
        metadata: given(&candidate.metadata, registered.metadata),
        rule_set: given(&candidate.rule_set, registered.rule_set),
    };
    contract::changes(&old, candidate)
}

fn wanted_numbers(fetched: &[&Fetched]) -> Vec<i32> {
    fetched.iter().map(|f| f.record.version).collect()
}

/// The engine's verdict on what the registry checks: the latest version (all
/// for a transitive level) under the subject's level and policy.
fn judge_registered(
    candidate: &Schema,
    fetched: &[&Fetched],
    config: &SubjectConfig,
) -> Result<bool> {
    let against: Vec<&Schema> = if config.level.is_transitive() {
        fetched.iter().map(|f| &f.schema).collect()
    } else {
        fetched.last().map(|f| &f.schema).into_iter().collect()
    };
    let policy = config.policy.unwrap_or(Policy::Strict);
    Ok(schemas::check(candidate, &against, config.level, policy)?.compatible)
}

fn registry_json(side: &RegistrySide<'_>, fetched: &[i32]) -> Value {
    json!({
        "url": side.client.url(),
        "subject": side.subject,
        "level": side.config.level,
        "versions": side.versions,
        "fetched": fetched,
        "is_compatible": side.verdict.is_compatible,
        "messages": side.verdict.messages,
        "engine_agrees": side.agrees(),
        "compatibility_group": side.group.as_ref().map(|g| json!({
            "property": g.property,
            "value": g.value,
            "judged_against": fetched,
        })),
        "contract_changes": side.contract.as_ref().map(|(version, changes)| json!({
            "against_version": version,
            "changes": changes.iter().map(ContractChange::to_json).collect::<Vec<_>>(),
        })),
    })
}

fn registry_text(out: &mut impl Write, side: &RegistrySide<'_>) -> Result<()> {
    let level = side.config.level;
    let url = side.client.url();
    let subject = side.subject;
    if side.versions.is_empty() {
        writeln!(
            out,
            "{GOOD}ACCEPTED{GOOD:#} by registry {url}: `{subject}` has no versions yet, so any first schema is accepted"
        )?;
    } else if side.verdict.is_compatible {
        writeln!(
            out,
            "{GOOD}ACCEPTED{GOOD:#} by registry {url}: `{subject}` (level {level}) would take it as a new version"
        )?;
    } else if side.agrees() {
        // Its reasons are the breaking changes above; JSON output has them.
        writeln!(
            out,
            "{BAD}REJECTED{BAD:#} by registry {url}: `{subject}` (level {level}) would refuse it, as Charter's engine does"
        )?;
    } else {
        writeln!(
            out,
            "{BAD}REJECTED{BAD:#} by registry {url}: `{subject}` (level {level}) would refuse it:"
        )?;
        for reason in side.verdict.reasons() {
            writeln!(out, "    {reason}")?;
        }
    }
    if !side.agrees() {
        writeln!(out, "{}", disagreement(side))?;
    }
    if let Some(group) = &side.group {
        writeln!(
            out,
            "compatibility group {}: judged against the versions of that line only",
            group.describe()
        )?;
    }
    if let Some((version, changes)) = &side.contract {
        if changes.is_empty() {
            writeln!(
                out,
                "data contract: the same metadata and rules as version {version}"
            )?;
        } else {
            writeln!(
                out,
                "data contract changes from version {version} (listed, not breaking):"
            )?;
            for change in changes {
                writeln!(out, "    {change}")?;
            }
        }
    }
    Ok(())
}

fn disagreement(side: &RegistrySide<'_>) -> String {
    let (registry, engine) = if side.verdict.is_compatible {
        ("accepts", "finds it incompatible")
    } else {
        ("refuses", "finds it compatible")
    };
    format!(
        "note: the registry {registry} the schema but Charter's engine {engine} under {} on the same versions; the registry's rules differ from Charter's",
        side.config.level
    )
}

fn registry_github(out: &mut impl Write, side: &RegistrySide<'_>, file: &str) -> Result<()> {
    let place = Some((file, 1));
    if !side.verdict.is_compatible {
        let mut message = format!(
            "registry {} would refuse this schema for `{}` (level {})",
            side.client.url(),
            side.subject,
            side.config.level
        );
        for reason in side.verdict.reasons() {
            message.push('\n');
            message.push_str(&reason);
        }
        render::github::annotation(out, "error", place, "registry rejects", &message)?;
    }
    if !side.agrees() {
        render::github::annotation(
            out,
            "warning",
            place,
            "registry and Charter disagree",
            &disagreement(side),
        )?;
    }
    if let Some((version, changes)) = &side.contract {
        for change in changes {
            render::github::annotation(
                out,
                "notice",
                place,
                &format!("data contract change from version {version}"),
                &change.to_string(),
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use schemas::{NoReferences, SchemaType};

    use super::*;
    use crate::client::RegisteredSchema;

    fn version(number: i32, major: Option<&str>) -> Fetched {
        let metadata = major.map(|m| json!({"properties": {"major_version": m, "owner": "o"}}));
        Fetched {
            record: RegisteredSchema {
                subject: "s".into(),
                version: number,
                id: i64::from(number),
                schema_type: SchemaType::Json,
                references: Vec::new(),
                schema: "{}".into(),
                metadata,
                rule_set: None,
            },
            schema: Schema::parse(SchemaType::Json, "{}", &NoReferences).unwrap(),
        }
    }

    fn line(group: &Group, versions: &[Fetched]) -> Vec<i32> {
        versions
            .iter()
            .filter(|f| group.holds(f))
            .map(|f| f.record.version)
            .collect()
    }

    #[test]
    fn a_compatibility_group_keeps_the_candidates_line() {
        let versions = [
            version(1, None),
            version(2, Some("1")),
            version(3, Some("2")),
            version(4, Some("1")),
        ];
        let sent = |major: &str| DataContract {
            metadata: Some(json!({"properties": {"major_version": major}})),
            rule_set: None,
        };
        let group = Group::of("major_version", &sent("1"), versions.last());
        assert_eq!(line(&group, &versions), [2, 4]);
        assert_eq!(group.describe(), "`major_version` = \"1\"");
        let group = Group::of("major_version", &sent("2"), versions.last());
        assert_eq!(line(&group, &versions), [3]);
        // Metadata without the property: the line of versions without it.
        let other = DataContract {
            metadata: Some(json!({"properties": {"owner": "o"}})),
            rule_set: None,
        };
        let group = Group::of("major_version", &other, versions.last());
        assert_eq!(line(&group, &versions), [1]);
        assert_eq!(group.describe(), "`major_version` unset");
        // No metadata sent: the latest version's is carried over.
        let group = Group::of("major_version", &DataContract::default(), versions.last());
        assert_eq!(line(&group, &versions), [2, 4]);
    }
}
