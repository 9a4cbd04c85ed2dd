//! The values flags take, typed once: output formats, payload layouts,
//! version selectors, `NAME=FILE` and `NAME=SUBJECT:VERSION` references and
//! registry credentials.
//!
//! *Invariant:* a leaf. Nothing here knows clap (its definitions, including
//! how these values are listed in `--help`, are in `crate::args`), reads a
//! file or the environment, or imports another module of the crate; every
//! other module may import it.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Report formats of the checking commands (`--output`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// For people: one line per change or invalid record, then a summary.
    Text,
    /// One JSON object.
    Json,
    /// GitHub Actions annotations (`::error file=...,line=...::...`).
    Github,
    /// A JUnit XML report, for CI servers to display as tests.
    Junit,
}

/// Output formats of the commands that read or write the registry
/// (`--output`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataFormat {
    /// For people (and for redirecting a schema to a file).
    Text,
    /// One JSON value.
    Json,
}

/// How payload records are laid out (`validate --format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayloadFormat {
    /// One JSON document per line.
    Ndjson,
    /// One JSON document per file (with `--array`, an array of records).
    Json,
}

/// Which version of a subject (`--version`, `--reader-version`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionRef {
    /// The latest live version.
    Latest,
    /// A version number.
    Number(i32),
}

impl FromStr for VersionRef {
    type Err = String;

    /// `latest` (any case) or a version number from 1.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.trim().eq_ignore_ascii_case("latest") {
            return Ok(VersionRef::Latest);
        }
        match s.trim().parse::<i32>() {
            Ok(v) if v > 0 => Ok(VersionRef::Number(v)),
            _ => Err(format!(
                "`{s}`: expected `latest` or a version number from 1"
            )),
        }
    }
}

impl fmt::Display for VersionRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VersionRef::Latest => f.write_str("latest"),
            VersionRef::Number(v) => write!(f, "{v}"),
        }
    }
}

/// Which versions of a subject `expect` reads (`--versions`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionSelection {
    /// The latest live version.
    Latest,
    /// Every live version.
    All,
    /// These versions.
    List(Vec<i32>),
}

impl FromStr for VersionSelection {
    type Err = String;

    /// `latest`, `all` (any case) or a list of version numbers such as
    /// `1,3,5`, as given (the settings step sorts it).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "latest" => return Ok(VersionSelection::Latest),
            "all" => return Ok(VersionSelection::All),
            _ => {}
        }
        let list = s
            .split(',')
            .map(|v| v.trim().parse::<i32>().ok().filter(|v| *v > 0))
            .collect::<Option<Vec<i32>>>()
            .ok_or_else(|| {
                format!("`{s}`: expected latest, all, or version numbers such as 1,3,5")
            })?;
        Ok(VersionSelection::List(list))
    }
}

/// A reference from one schema to another registered one
/// (`NAME=SUBJECT:VERSION`), as the registry API spells it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SchemaReference {
    /// The name the referring schema uses (for JSON Schema, the `$ref`).
    pub name: String,
    /// The referenced subject.
    pub subject: String,
    /// The referenced version.
    pub version: i32,
}

impl FromStr for SchemaReference {
    type Err = String;

    /// `NAME=SUBJECT:VERSION`, the version a number (the last `:` splits,
    /// so subjects may contain `:`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let expected = || format!("`{s}`: expected NAME=SUBJECT:VERSION");
        let (name, target) = s.split_once('=').ok_or_else(expected)?;
        let (subject, version) = target.rsplit_once(':').ok_or_else(expected)?;
        let version: i32 = version
            .parse()
            .ok()
            .filter(|v| *v > 0)
            .ok_or_else(|| format!("`{s}`: the version must be a number from 1"))?;
        if name.is_empty() || subject.is_empty() {
            return Err(expected());
        }
        Ok(SchemaReference {
            name: name.to_string(),
            subject: subject.to_string(),
            version,
        })
    }
}

/// A schema kept in a file that other schemas reference by name
/// (`--reference NAME=FILE`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileReference {
    /// The name the referring schema uses (for JSON Schema, the `$ref`).
    pub name: String,
    /// The file, as given (relative to the working directory).
    pub file: PathBuf,
}

impl FromStr for FileReference {
    type Err = String;

    /// `NAME=FILE` (the first `=` splits, so file names may contain `=`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.split_once('=') {
            Some((name, file)) if !name.is_empty() && !file.is_empty() => Ok(FileReference {
                name: name.to_string(),
                file: PathBuf::from(file),
            }),
            _ => Err(format!("`{s}`: expected NAME=FILE")),
        }
    }
}

impl fmt::Display for FileReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.name, self.file.display())
    }
}

/// Credentials sent with every registry request.
#[derive(Clone, PartialEq, Eq)]
pub enum Auth {
    /// HTTP basic auth.
    Basic {
        /// The user (a Confluent Cloud API key).
        user: String,
        /// The password (its secret).
        password: String,
    },
    /// `Authorization: Bearer TOKEN`.
    Bearer(String),
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::Basic { user, .. } => write!(f, "Basic({user}:***)"),
            Auth::Bearer(_) => f.write_str("Bearer(***)"),
        }
    }
}

/// Why a `CHARTER_REGISTRY_AUTH` value is not usable. The value itself is
/// never repeated: it is a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "CHARTER_REGISTRY_AUTH: expected `user:password` (basic) or `Bearer TOKEN` (bearer), got an empty {0}"
)]
pub struct BadAuth(&'static str);

impl FromStr for Auth {
    type Err = BadAuth;

    /// `Bearer TOKEN` (any case) or a value without `:` is a bearer token;
    /// `user:password` is basic auth (the password may contain `:`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("bearer") {
            return Err(BadAuth("token"));
        }
        if s.len() >= 7 && s[..7].eq_ignore_ascii_case("bearer ") {
            let token = s[7..].trim();
            if token.is_empty() {
                return Err(BadAuth("token"));
            }
            return Ok(Auth::Bearer(token.to_string()));
        }
        match s.split_once(':') {
            Some(("", _)) => Err(BadAuth("user")),
            Some((user, password)) => Ok(Auth::Basic {
                user: user.to_string(),
                password: password.to_string(),
            }),
            None if s.is_empty() => Err(BadAuth("value")),
            None => Ok(Auth::Bearer(s.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auth(s: &str) -> Result<Auth, BadAuth> {
        s.parse()
    }

    #[test]
    fn credentials_are_basic_with_a_colon_and_bearer_otherwise() {
        assert_eq!(
            auth("key:se:cret").unwrap(),
            Auth::Basic {
                user: "key".into(),
                password: "se:cret".into()
            }
        );
        assert_eq!(auth("Bearer abc").unwrap(), Auth::Bearer("abc".into()));
        assert_eq!(auth("bearer  a:b ").unwrap(), Auth::Bearer("a:b".into()));
        assert_eq!(
            auth("eyJ0eXAi.x.y").unwrap(),
            Auth::Bearer("eyJ0eXAi.x.y".into())
        );
        assert!(auth("").is_err());
        assert!(auth(":secret").is_err());
        assert!(auth("Bearer ").is_err());
        assert_eq!(
            format!("{:?}", auth("u:p").unwrap()),
            "Basic(u:***)",
            "secrets stay out of debug output"
        );
    }

    #[test]
    fn registry_references_split_at_the_last_colon() {
        let r: SchemaReference = "money.json=shared:money:3".parse().unwrap();
        assert_eq!(
            (r.name.as_str(), r.subject.as_str(), r.version),
            ("money.json", "shared:money", 3)
        );
        assert!("money.json".parse::<SchemaReference>().is_err());
        assert!("m=s:0".parse::<SchemaReference>().is_err());
        assert!("m=s:latest".parse::<SchemaReference>().is_err());
    }

    #[test]
    fn file_references_split_at_the_first_equals_sign() {
        let r: FileReference = "money.json=lib/a=b.json".parse().unwrap();
        assert_eq!(
            (r.name.as_str(), r.file.as_path()),
            ("money.json", std::path::Path::new("lib/a=b.json"))
        );
        assert_eq!(r.to_string(), "money.json=lib/a=b.json");
        for bad in ["money.json", "=money.json", "money.json="] {
            assert_eq!(
                bad.parse::<FileReference>(),
                Err(format!("`{bad}`: expected NAME=FILE"))
            );
        }
    }

    #[test]
    fn versions_are_latest_or_positive() {
        assert_eq!("LATEST".parse::<VersionRef>().unwrap(), VersionRef::Latest);
        assert_eq!("3".parse::<VersionRef>().unwrap(), VersionRef::Number(3));
        assert!("0".parse::<VersionRef>().is_err());
        assert!("x".parse::<VersionRef>().is_err());
        assert_eq!(
            "All".parse::<VersionSelection>().unwrap(),
            VersionSelection::All
        );
        assert_eq!(
            "3, 1".parse::<VersionSelection>().unwrap(),
            VersionSelection::List(vec![3, 1])
        );
        assert!("1,x".parse::<VersionSelection>().is_err());
    }
}

/// A metadata property given on the command line: `KEY=VALUE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Property {
    /// The key.
    pub key: String,
    /// The value (Confluent's properties are strings).
    pub value: String,
}

impl FromStr for Property {
    type Err = String;

    /// `KEY=VALUE`, split at the first `=`; the value may be empty.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.split_once('=') {
            Some((key, value)) if !key.is_empty() => Ok(Property {
                key: key.to_string(),
                value: value.to_string(),
            }),
            _ => Err(format!("`{s}`: expected KEY=VALUE")),
        }
    }
}
