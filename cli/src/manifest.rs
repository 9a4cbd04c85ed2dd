//! The contracts manifest `charter push` reads: which schema file a producer
//! registers under which subject, with what references and compatibility
//! level. The format is documented once, in `charter push --help`
//! (`args/help.rs`); `fixtures/contracts/contracts.toml` is a worked example.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use schemas::{CompatibilityMode, SchemaType};
use serde::Deserialize;

/// A parsed manifest.
#[derive(Debug, Clone)]
pub struct Manifest {
    /// The manifest file, as given.
    pub path: PathBuf,
    /// The contracts, in manifest order.
    pub contracts: Vec<Contract>,
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
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawDefaults {
    compatibility: Option<String>,
    #[serde(rename = "type")]
    schema_type: Option<String>,
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
            .map(|contracts| Manifest {
                path: path.to_path_buf(),
                contracts,
            })
            .with_context(|| display.to_string())
    }

    /// Parses manifest text; files resolve against `dir`.
    pub fn parse(text: &str, dir: &Path) -> Result<Vec<Contract>> {
        let raw: RawManifest = toml::from_str(text)
            .map_err(|e| anyhow::anyhow!("{}", e.to_string().trim_end().replace('\n', " ")))?;
        if raw.contracts.is_empty() {
            bail!("no [[contract]] entries");
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
            let references = raw
                .references
                .into_iter()
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
                .collect::<Result<Vec<_>>>()?;
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
                subject: raw.subject,
            });
        }
        Ok(contracts)
    }
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
        Manifest::parse(text, Path::new("/repo"))
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
            ("", "no [[contract]] entries"),
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
}
