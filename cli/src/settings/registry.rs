//! Where the registry is and how to talk to it, and the settings of the
//! commands that only talk to it (`register`, `push`, `get`, `subjects`,
//! `versions`).

use std::path::PathBuf;
use std::time::Duration;

use schemas::SchemaType;

use super::Error;
use crate::args::{
    AuditArgs, GetArgs, PushArgs, RegisterArgs, RegistryArgs, SubjectsArgs, VersionsArgs,
};
use crate::client::{AuditFilter, ClientSettings, ClientTls};
use crate::contract::ContractFlags;
use crate::values::{Auth, DataFormat, SchemaReference, VersionRef};

/// The wait before the first retry.
const BACKOFF: Duration = Duration::from_millis(250);

/// Resolves `--registry` (or `CHARTER_REGISTRY_URL`), the credentials of
/// `CHARTER_REGISTRY_AUTH` (or `--registry-auth`, or the URL's user and
/// password), the timeout and the retries.
pub(super) fn client(args: RegistryArgs) -> Result<ClientSettings, Error> {
    let given = args.url.as_deref().map(str::trim).unwrap_or_default();
    if given.is_empty() {
        return Err(Error::NoRegistry);
    }
    let bad = |reason: String| Error::BadUrl {
        url: given.to_string(),
        reason,
    };
    let mut url = reqwest::Url::parse(given).map_err(|e| bad(e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("expected an http:// or https:// URL".into()));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("expected a base URL without query or fragment".into()));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    let mut auth: Option<Auth> = args.auth.as_deref().map(str::parse).transpose()?;
    if auth.is_none() && !url.username().is_empty() {
        // Credentials in the URL are honoured, and kept out of messages.
        auth = Some(Auth::Basic {
            user: decode(url.username()),
            password: decode(url.password().unwrap_or_default()),
        });
    }
    let _ = url.set_username("");
    let _ = url.set_password(None);
    let tls = std::sync::Arc::new(tls(&args)?);
    Ok(ClientSettings {
        url,
        auth,
        timeout: Duration::from_secs(args.timeout.max(1)),
        tries: args.retries.saturating_add(1),
        backoff: BACKOFF,
        max_answer_bytes: args.max_answer_bytes.max(1),
        tls,
    })
}

/// Reads `--ca-cert` and `--client-cert`/`--client-key`, each checked to be
/// PEM of the right kind, so a wrong file is named before any request.
fn tls(args: &RegistryArgs) -> Result<ClientTls, Error> {
    let read = |flag: &'static str, path: &PathBuf| {
        std::fs::read(path).map_err(|e| Error::TlsFile {
            flag,
            path: path.clone(),
            reason: e.to_string(),
        })
    };
    let bad = |flag: &'static str, path: &PathBuf, reason: &str| Error::TlsFile {
        flag,
        path: path.clone(),
        reason: reason.to_string(),
    };
    let ca = match &args.ca_cert {
        None => None,
        Some(path) => {
            let pem = read("--ca-cert", path)?;
            if !pem_has(&pem, "CERTIFICATE") {
                return Err(bad("--ca-cert", path, "holds no PEM certificate"));
            }
            let certificates = reqwest::Certificate::from_pem_bundle(&pem)
                .map_err(|e| bad("--ca-cert", path, &e.to_string()))?;
            Some(certificates)
        }
    };
    let identity = match (&args.client_cert, &args.client_key) {
        (Some(cert), Some(key)) => {
            let mut pem = read("--client-cert", cert)?;
            if !pem_has(&pem, "CERTIFICATE") {
                return Err(bad("--client-cert", cert, "holds no PEM certificate"));
            }
            let key_pem = read("--client-key", key)?;
            if !pem_has(&key_pem, "PRIVATE KEY") {
                return Err(bad("--client-key", key, "holds no PEM private key"));
            }
            pem.push(b'\n');
            pem.extend_from_slice(&key_pem);
            let identity = reqwest::Identity::from_pem(&pem)
                .map_err(|e| bad("--client-key", key, &e.to_string()))?;
            Some(identity)
        }
        // clap requires both or neither.
        _ => None,
    };
    Ok(ClientTls {
        ca: ca.unwrap_or_default(),
        identity,
    })
}

/// Whether `pem` holds a block whose label ends with `label`.
fn pem_has(pem: &[u8], label: &str) -> bool {
    String::from_utf8_lossy(pem)
        .lines()
        .any(|l| l.starts_with("-----BEGIN ") && l.trim_end().ends_with(&format!("{label}-----")))
}

fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// `charter register FILE --subject S`.
#[derive(Debug)]
pub struct RegisterSettings {
    /// The schema file.
    pub schema: PathBuf,
    /// The subject.
    pub subject: String,
    /// Its format, when `--type` says.
    pub schema_type: Option<SchemaType>,
    /// The registered schemas it references.
    pub references: Vec<SchemaReference>,
    /// Its data contract's files and properties.
    pub contract: ContractFlags,
    /// Output format.
    pub output: DataFormat,
    /// The registry.
    pub client: ClientSettings,
}

impl RegisterSettings {
    pub(super) fn resolve(args: RegisterArgs) -> Result<RegisterSettings, Error> {
        Ok(RegisterSettings {
            client: client(args.registry)?,
            schema: args.schema,
            subject: args.subject,
            schema_type: args.schema_type.schema_type,
            references: args.references,
            contract: args.contract.into(),
            output: args.output.output,
        })
    }
}

/// `charter push MANIFEST`.
#[derive(Debug)]
pub struct PushSettings {
    /// The contracts manifest.
    pub manifest: PathBuf,
    /// Check and report only.
    pub dry_run: bool,
    /// Output format.
    pub output: DataFormat,
    /// The registry.
    pub client: ClientSettings,
}

impl PushSettings {
    pub(super) fn resolve(args: PushArgs) -> Result<PushSettings, Error> {
        Ok(PushSettings {
            client: client(args.registry)?,
            manifest: args.manifest,
            dry_run: args.dry_run,
            output: args.output.output,
        })
    }
}

/// What `charter get` prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GetTarget {
    /// A schema by its global id.
    Id(i64),
    /// A version of a subject.
    Version {
        /// The subject.
        subject: String,
        /// The version.
        version: VersionRef,
    },
}

/// `charter get (--subject S [--version V] | --id ID)`.
#[derive(Debug)]
pub struct GetSettings {
    /// What to print.
    pub target: GetTarget,
    /// `text`: the schema alone; `json`: the record.
    pub output: DataFormat,
    /// The registry.
    pub client: ClientSettings,
}

impl GetSettings {
    pub(super) fn resolve(args: GetArgs) -> Result<GetSettings, Error> {
        let target = match (args.id, args.registered.subject.subject) {
            (Some(id), _) => GetTarget::Id(id),
            (None, Some(subject)) => GetTarget::Version {
                subject,
                version: args.registered.version,
            },
            (None, None) => return Err(Error::NothingToGet),
        };
        Ok(GetSettings {
            client: client(args.registry)?,
            target,
            output: args.output.output,
        })
    }
}

/// `charter subjects`.
#[derive(Debug)]
pub struct SubjectsSettings {
    /// Only subjects starting with this.
    pub prefix: Option<String>,
    /// Soft-deleted subjects too.
    pub deleted: bool,
    /// Output format.
    pub output: DataFormat,
    /// The registry.
    pub client: ClientSettings,
}

impl SubjectsSettings {
    pub(super) fn resolve(args: SubjectsArgs) -> Result<SubjectsSettings, Error> {
        Ok(SubjectsSettings {
            client: client(args.registry)?,
            prefix: args.prefix,
            deleted: args.deleted,
            output: args.output.output,
        })
    }
}

/// `charter versions --subject S`.
#[derive(Debug)]
pub struct VersionsSettings {
    /// The subject.
    pub subject: String,
    /// Output format.
    pub output: DataFormat,
    /// The registry.
    pub client: ClientSettings,
}

impl VersionsSettings {
    pub(super) fn resolve(args: VersionsArgs) -> Result<VersionsSettings, Error> {
        Ok(VersionsSettings {
            client: client(args.registry)?,
            subject: args.subject,
            output: args.output.output,
        })
    }
}

/// `charter audit`.
#[derive(Debug)]
pub struct AuditSettings {
    /// Which events.
    pub filter: AuditFilter,
    /// Output format.
    pub output: DataFormat,
    /// The registry.
    pub client: ClientSettings,
}

impl AuditSettings {
    pub(super) fn resolve(args: AuditArgs) -> Result<AuditSettings, Error> {
        Ok(AuditSettings {
            client: client(args.registry)?,
            filter: AuditFilter {
                subject: args.subject,
                principal: args.principal,
                since: args.since,
                until: args.until,
                limit: args.limit,
            },
            output: args.output.output,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(url: &str) -> Result<ClientSettings, Error> {
        client(RegistryArgs {
            url: Some(url.into()),
            auth: None,
            timeout: 30,
            retries: 2,
            max_answer_bytes: 1024,
            ..RegistryArgs::default()
        })
    }

    #[test]
    fn base_urls_keep_their_path_and_lose_their_credentials() {
        let s = settings("https://u:p%40ss@sr.example/base").unwrap();
        assert_eq!(s.url.as_str(), "https://sr.example/base/");
        assert_eq!(
            s.auth,
            Some(Auth::Basic {
                user: "u".into(),
                password: "p@ss".into()
            })
        );
        assert_eq!(
            s.url.join("subjects/a%2Fb/versions").unwrap().as_str(),
            "https://sr.example/base/subjects/a%2Fb/versions"
        );
        assert_eq!(s.tries, 3);
        assert!(matches!(settings(""), Err(Error::NoRegistry)));
        assert!(matches!(settings("ftp://x"), Err(Error::BadUrl { .. })));
        assert!(matches!(
            settings("localhost:8081"),
            Err(Error::BadUrl { .. })
        ));
    }

    #[test]
    fn credentials_come_from_the_flag_or_environment_before_the_url() {
        let s = client(RegistryArgs {
            url: Some("https://u:p@sr.example".into()),
            auth: Some("Bearer t".into()),
            timeout: 0,
            retries: 0,
            max_answer_bytes: 0,
            ..RegistryArgs::default()
        })
        .unwrap();
        assert_eq!(s.auth, Some(Auth::Bearer("t".into())));
        assert_eq!(s.url.as_str(), "https://sr.example/");
        assert_eq!((s.timeout, s.tries), (Duration::from_secs(1), 1));
        assert_eq!(s.max_answer_bytes, 1);
        let bad = client(RegistryArgs {
            url: Some("https://sr.example".into()),
            auth: Some("Bearer ".into()),
            ..RegistryArgs::default()
        });
        assert!(matches!(bad, Err(Error::BadAuth(_))));
    }
}
