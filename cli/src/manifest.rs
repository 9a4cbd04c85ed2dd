//! The contracts manifest `charter push` reads: which schema file a producer
//! registers under which subject, with what references and compatibility
//! level, and which reader a consumer runs with for which subject and
//! environment. The format is documented once, in `charter push --help`
//! (`args/help.rs`); `fixtures/contracts/contracts.toml` is a worked example.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use schemas::{CompatibilityMode, SchemaType};
use serde::Deserialize;

use crate::contract::DataContract;

/// A parsed manifest.
#[derive(Debug, Clone)]
pub struct Manifest {
    /// The manifest file, as given.
    pub path: PathBuf,
    /// The contracts, in manifest order.
    pub contracts: Vec<Contract>,
    /// The readers, in manifest order.
    pub consumes: Vec<Consumes>,
}

/// What a manifest holds.
#[derive(Debug, Clone)]
pub struct Entries {
    /// The `[[contract]]` entries.
    pub contracts: Vec<Contract>,
    /// The `[[consumes]]` entries.
    pub consumes: Vec<Consumes>,
}

/// One `[[consumes]]`: the reader a consumer runs with for a subject in an
/// environment.
#[derive(Debug, Clone)]
pub struct Consumes {
    /// The consumer (application) name.
    pub consumer: String,
    /// The subject it reads.
    pub subject: String,
    /// Where it runs.
    pub environment: String,
    /// Its reader.
    pub reader: ReaderSource,
    /// The consumer's application version, if the manifest names one.
    pub consumer_version: Option<String>,
}

/// Where a `[[consumes]]` reader comes from.
#[derive(Debug, Clone)]
pub enum ReaderSource {
    /// A schema file.
    File {
        /// The file, resolved against the manifest's directory.
        file: PathBuf,
        /// The file as the manifest writes it (for reports).
        shown: String,
        /// The format, if the manifest names it.
        schema_type: Option<SchemaType>,
        /// What the reader references.
        references: Vec<Reference>,
    },
    /// A registered version of the subject.
    Version(i32),
}

/// One `[[contract]]`.
#[derive(Debug, Clone)]
pub struct Contract {
    /// The subject.
    pub subject: String,
    /// The schema file, resolved against the manifest's directory.
    pub file: PathBuf,
    /// The file as the manifest writes it (for reports).
    pub shown: String,
    /// The format, if the manifest names it.
    pub schema_type: Option<SchemaType>,
    /// The level the subject should have, if the manifest names one.
    pub compatibility: Option<CompatibilityMode>,
    /// What the schema references.
    pub references: Vec<Reference>,
    /// Its data contract (`metadata`, `rule_set`), sent with it.
    pub data_contract: DataContract,
}

/// A reference from a contract's schema to a registered one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// How the schema names it.
    pub name: String,
    /// The referenced subject.
    pub subject: String,
    /// The version; `None` for the version this push leaves it at.
    pub version: Option<i32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    #[serde(default)]
    defaults: RawDefaults,
    #[serde(default, rename = "contract")]
    contracts: Vec<RawContract>,
    #[serde(default)]
    consumes: Vec<RawConsumes>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawDefaults {
    compatibility: Option<String>,
    #[serde(rename = "type")]
    schema_type: Option<String>,
    consumer: Option<String>,
    environment: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConsumes {
    subject: String,
    consumer: Option<String>,
    environment: Option<String>,
    reader: Option<String>,
    version: Option<i64>,
    #[serde(rename = "type")]
    schema_type: Option<String>,
    #[serde(default)]
    references: Vec<RawReference>,
    consumer_version: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawContract {
    subject: String,
    file: String,
    #[serde(rename = "type")]
    schema_type: Option<String>,
    compatibility: Option<String>,
    #[serde(default)]
    references: Vec<RawReference>,
    metadata: Option<toml::Value>,
    rule_set: Option<toml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReference {
    name: String,
    subject: String,
    version: Option<RawVersion>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawVersion {
    Number(i64),
    Text(String),
}

impl Manifest {
    /// Reads and checks the manifest at `path`. Errors name the file (and the
    /// line, for TOML errors) and are input errors.
    pub fn read(path: &Path) -> Result<Manifest> {
        let display = path.display();
        let text =
            std::fs::read_to_string(path).with_context(|| format!("{display}: cannot read"))?;
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Manifest::parse(&text, &dir)
            .map(|entries| Manifest {
                path: path.to_path_buf(),
                contracts: entries.contracts,
                consumes: entries.consumes,
            })
            .with_context(|| display.to_string())
    }

    /// Parses manifest text; files resolve against `dir`.
    pub fn parse(text: &str, dir: &Path) -> Result<Entries> {
        let raw: RawManifest = toml::from_str(text)
            .map_err(|e| anyhow::anyhow!("{}", e.to_string().trim_end().replace('\n', " ")))?;
        if raw.contracts.is_empty() && raw.consumes.is_empty() {
            bail!("no [[contract]] or [[consumes]] entries");
        }
        let default_level = raw
            .defaults
            .compatibility
            .as_deref()
            .map(|l| level(l, "[defaults]"))
            .transpose()?;
        let default_type = raw
            .defaults
            .schema_type
            .as_deref()
            .map(|t| schema_type(t, "[defaults]"))
            .transpose()?;
        let default_consumer = raw.defaults.consumer;
        let default_environment = raw.defaults.environment;
        let mut seen = HashSet::new();
        let mut contracts = Vec::with_capacity(raw.contracts.len());
        for raw in raw.contracts {
            let at = format!("contract `{}`", raw.subject);
            if raw.subject.trim().is_empty() {
                bail!("a contract has an empty subject");
            }
            if !seen.insert(raw.subject.clone()) {
                bail!("{at} appears twice: one file per subject");
            }
            let references = references(raw.references, &at)?;
            let json = |value: Option<toml::Value>| value.map(serde_json::to_value).transpose();
            let data_contract =
                DataContract::from_manifest(json(raw.metadata)?, json(raw.rule_set)?, dir, &at)?;
            contracts.push(Contract {
                file: dir.join(&raw.file),
                shown: raw.file,
                schema_type: match raw.schema_type.as_deref() {
                    Some(t) => Some(schema_type(t, &at)?),
                    None => default_type,
                },
                compatibility: match raw.compatibility.as_deref() {
                    Some(l) => Some(level(l, &at)?),
                    None => default_level,
                },
                references,
                data_contract,
                subject: raw.subject,
            });
        }
        let mut readers = HashSet::new();
        let mut consumes = Vec::with_capacity(raw.consumes.len());
        for raw in raw.consumes {
            let at = format!("[[consumes]] `{}`", raw.subject);
            if raw.subject.trim().is_empty() {
                bail!("a [[consumes]] entry has an empty subject");
            }
            let consumer = match raw.consumer.or_else(|| default_consumer.clone()) {
                Some(c) => name(c, "consumer", &at)?,
                None => bail!("{at}: no consumer: name it here or in [defaults]"),
            };
            let environment = raw
                .environment
                .or_else(|| default_environment.clone())
                .unwrap_or_else(|| DEFAULT_ENVIRONMENT.to_string());
            let environment = name(environment, "environment", &at)?;
            if !readers.insert((consumer.clone(), raw.subject.clone(), environment.clone())) {
                bail!(
                    "{at}: `{consumer}` reads it in `{environment}` twice: one reader per consumer, subject and environment"
                );
            }
            let reader = match (raw.reader, raw.version) {
                (Some(file), None) => ReaderSource::File {
                    file: dir.join(&file),
                    shown: file,
                    schema_type: match raw.schema_type.as_deref() {
                        Some(t) => Some(schema_type(t, &at)?),
                        None => default_type,
                    },
                    references: references(raw.references, &at)?,
                },
                (None, Some(n)) if (1..=i64::from(i32::MAX)).contains(&n) => {
                    if raw.schema_type.is_some() || !raw.references.is_empty() {
                        bail!(
                            "{at}: `type` and `references` go with a `reader` file, not a `version`"
                        );
                    }
                    ReaderSource::Version(n as i32)
                }
                (None, Some(_)) => bail!("{at}: version must be a number from 1"),
                (Some(_), Some(_)) => bail!("{at}: a `reader` file or a `version`, not both"),
                (None, None) => bail!("{at}: needs a `reader` file or a registered `version`"),
            };
            consumes.push(Consumes {
                consumer,
                subject: raw.subject,
                environment,
                reader,
                consumer_version: raw.consumer_version,
            });
        }
        Ok(Entries {
            contracts,
            consumes,
        })
    }
}

/// The environment of a `[[consumes]]` entry that names none, as the
/// registry's.
const DEFAULT_ENVIRONMENT: &str = "default";

/// A consumer or environment name, as the registry allows them:
/// `[A-Za-z0-9._-]`, not empty.
fn name(value: String, key: &str, at: &str) -> Result<String> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
    if value.is_empty() || !value.chars().all(allowed) {
        bail!("{at}: {key} `{value}`: only letters, digits, `.`, `_` and `-`");
    }
    Ok(value)
}

/// The references of an entry.
fn references(raw: Vec<RawReference>, at: &str) -> Result<Vec<Reference>> {
    raw.into_iter()
        .map(|r| {
            let version = match r.version {
                None => None,
                Some(RawVersion::Text(t)) if t.eq_ignore_ascii_case("latest") => None,
                Some(RawVersion::Number(n)) if (1..=i64::from(i32::MAX)).contains(&n) => {
                    Some(n as i32)
                }
                Some(_) => bail!(
                    "{at}: reference `{}`: version must be a number from 1 or \"latest\"",
                    r.name
                ),
            };
            if r.name.is_empty() || r.subject.is_empty() {
                bail!("{at}: a reference needs a name and a subject");
            }
            Ok(Reference {
                name: r.name,
                subject: r.subject,
                version,
            })
        })
        .collect()
}

fn level(name: &str, at: &str) -> Result<CompatibilityMode> {
    name.parse().with_context(|| format!("{at}: compatibility"))
}

fn schema_type(name: &str, at: &str) -> Result<SchemaType> {
    name.parse().with_context(|| format!("{at}: type"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<Contract>> {
        Manifest::parse(text, Path::new("/repo")).map(|entries| entries.contracts)
    }

    fn consumes(text: &str) -> Result<Vec<Consumes>> {
        Manifest::parse(text, Path::new("/repo")).map(|entries| entries.consumes)
    }

    #[test]
    fn contracts_take_defaults_and_resolve_files_next_to_the_manifest() {
        let contracts = parse(
            r#"
            [defaults]
            compatibility = "full"
            [[contract]]
            subject = "a"
            file = "a.json"
            [[contract]]
            subject = "b"
            file = "sub/b.avsc"
            type = "avro"
            compatibility = "NONE"
            references = [{ name = "a.json", subject = "a" }, { name = "c", subject = "c", version = 2 }, { name = "d", subject = "d", version = "latest" }]
            "#,
        )
        .unwrap();
        assert_eq!(contracts[0].file, Path::new("/repo/a.json"));
        assert_eq!(contracts[0].compatibility, Some(CompatibilityMode::Full));
        assert_eq!(contracts[0].schema_type, None);
        assert_eq!(contracts[1].schema_type, Some(SchemaType::Avro));
        assert_eq!(contracts[1].compatibility, Some(CompatibilityMode::None));
        let versions: Vec<Option<i32>> =
            contracts[1].references.iter().map(|r| r.version).collect();
        assert_eq!(versions, [None, Some(2), None]);
    }

    #[test]
    fn mistakes_are_named() {
        let cases = [
            ("", "no [[contract]] or [[consumes]] entries"),
            (
                "[[contract]]\nsubject = \"a\"\nfile = \"a\"\nfiel = 1",
                "unknown field `fiel`",
            ),
            (
                "[[contract]]\nsubject = \"a\"\nfile = \"a\"\n[[contract]]\nsubject = \"a\"\nfile = \"b\"",
                "appears twice",
            ),
            (
                "[[contract]]\nsubject = \"a\"\nfile = \"a\"\ncompatibility = \"sideways\"",
                "unknown compatibility mode",
            ),
            (
                "[[contract]]\nsubject = \"a\"\nfile = \"a\"\nreferences = [{name = \"x\", subject = \"y\", version = 0}]",
                "version must be",
            ),
            ("[[contract]]\nsubject = \"a\"", "missing field `file`"),
        ];
        for (text, expected) in cases {
            let error = format!("{:#}", parse(text).unwrap_err());
            assert!(error.contains(expected), "{text:?}: {error}");
        }
    }

    #[test]
    fn contracts_carry_a_data_contract_inline_or_from_a_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("rules.json"),
            r#"{"domainRules": [{"name": "r", "kind": "CONDITION"}]}"#,
        )
        .unwrap();
        let text = r#"
            [[contract]]
            subject = "a"
            file = "a.json"
            metadata = { properties = { major_version = "2" }, sensitive = ["ssn"] }
            rule_set = "rules.json"

            [[contract]]
            subject = "b"
            file = "b.json"
        "#;
        let contracts = Manifest::parse(text, dir.path()).unwrap().contracts;
        assert_eq!(
            contracts[0].data_contract.metadata,
            Some(serde_json::json!({"properties": {"major_version": "2"}, "sensitive": ["ssn"]}))
        );
        assert_eq!(
            contracts[0].data_contract.rule_set.as_ref().unwrap()["domainRules"][0]["name"],
            "r"
        );
        assert!(contracts[1].data_contract.is_empty());
        for (entry, said) in [
            (
                "metadata = { properties = { major_version = 2 } }",
                "contract `a`: `metadata.properties.major_version` must be a string",
            ),
            (
                "rule_set = 3",
                "contract `a`: `rule_set` must be a table or the name",
            ),
            ("rule_set = \"missing.json\"", "contract `a`: `rule_set`"),
            (
                "rule_set = { domainRule = [] }",
                "`rule_set.domainRule` is not a rule set",
            ),
        ] {
            let text = format!("[[contract]]\nsubject = \"a\"\nfile = \"a.json\"\n{entry}");
            let error = format!("{:#}", Manifest::parse(&text, dir.path()).unwrap_err());
            assert!(error.contains(said), "{entry}: {error}");
        }
    }

    #[test]
    fn consumes_take_defaults_and_name_their_reader() {
        let entries = consumes(
            r#"
            [defaults]
            consumer = "fulfillment"
            environment = "prod"
            [[consumes]]
            subject = "inventory-value"
            reader = "readers/inventory.avsc"
            consumer_version = "1.4.2"
            references = [{ name = "m", subject = "money", version = 2 }]
            [[consumes]]
            subject = "payments-value"
            version = 3
            environment = "staging"
            consumer = "billing"
            "#,
        )
        .unwrap();
        assert_eq!(entries[0].consumer, "fulfillment");
        assert_eq!(entries[0].environment, "prod");
        assert_eq!(entries[0].consumer_version.as_deref(), Some("1.4.2"));
        match &entries[0].reader {
            ReaderSource::File {
                file, references, ..
            } => {
                assert_eq!(file, Path::new("/repo/readers/inventory.avsc"));
                assert_eq!(references[0].version, Some(2));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            (
                entries[1].consumer.as_str(),
                entries[1].environment.as_str()
            ),
            ("billing", "staging")
        );
        assert!(matches!(entries[1].reader, ReaderSource::Version(3)));
        let unnamed =
            consumes("[[consumes]]\nsubject = \"s\"\nversion = 1\nconsumer = \"c\"").unwrap();
        assert_eq!(unnamed[0].environment, "default");
    }

    #[test]
    fn consumes_mistakes_are_named() {
        let cases = [
            ("[[consumes]]\nsubject = \"s\"\nversion = 1", "no consumer"),
            (
                "[[consumes]]\nsubject = \"s\"\nconsumer = \"c\"",
                "needs a `reader` file or a registered `version`",
            ),
            (
                "[[consumes]]\nsubject = \"s\"\nconsumer = \"c\"\nversion = 1\nreader = \"r.json\"",
                "not both",
            ),
            (
                "[[consumes]]\nsubject = \"s\"\nconsumer = \"a b\"\nversion = 1",
                "consumer `a b`: only letters",
            ),
            (
                "[[consumes]]\nsubject = \"s\"\nconsumer = \"c\"\nversion = 0",
                "version must be a number from 1",
            ),
            (
                "[[consumes]]\nsubject = \"s\"\nconsumer = \"c\"\nversion = 1\n[[consumes]]\nsubject = \"s\"\nconsumer = \"c\"\nversion = 2",
                "twice",
            ),
            (
                "[[consumes]]\nsubject = \"s\"\nconsumer = \"c\"\nversion = 1\ntype = \"AVRO\"",
                "go with a `reader` file",
            ),
        ];
        for (text, expected) in cases {
            let error = format!("{:#}", consumes(text).unwrap_err());
            assert!(error.contains(expected), "{text:?}: {error}");
        }
    }
}
