//! The auth file (`--auth-file`, TOML): principals, grants, anonymous and
//! metrics access, and JWT settings, read and checked into a [`Policy`].
//!
//! Every mistake is reported with the file's line and column: serde errors
//! carry the span of the value at fault, and the checks across entries
//! (duplicate names, grants without a grantee) use the spans of the
//! entries they name.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Deserializer};
use toml::Spanned;

use super::Identity;
use super::grants::{Access, Grant, Grantee, Permission, Permissions, SubjectGlobs};
use super::jwt::{JwtSettings, JwtVerifier, MAX_LEEWAY_SECONDS};
use super::secret::{VerifiedCache, check_phc, decoy};

/// An auth file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum AuthFileError {
    /// The file cannot be read.
    #[error("cannot read the auth file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file says something wrong at a place.
    #[error("invalid auth file {path}, line {line}, column {column}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
}

/// Who may use the registry without credentials.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum AnonymousAccess {
    /// Nobody (the default).
    #[default]
    None,
    /// Everyone may read every subject.
    Read,
}

/// Who may scrape `/metrics`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum MetricsAccess {
    /// Any authenticated principal (the default).
    #[default]
    Authenticated,
    /// Anyone.
    Open,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    anonymous: AnonymousAccess,
    #[serde(default)]
    metrics: MetricsAccess,
    #[serde(default)]
    principals: Vec<RawPrincipal>,
    #[serde(default)]
    grants: Vec<Spanned<RawGrant>>,
    jwt: Option<Spanned<RawJwt>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPrincipal {
    name: Spanned<Name>,
    #[serde(default)]
    roles: Vec<Name>,
    password_hash: Option<Phc>,
    token_hash: Option<Phc>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGrant {
    principal: Option<Name>,
    role: Option<Name>,
    subjects: Vec<String>,
    permissions: Vec<Permission>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawJwt {
    issuer: String,
    audience: String,
    jwks_file: Option<PathBuf>,
    jwks_url: Option<String>,
    #[serde(default = "default_principal_claim")]
    principal_claim: String,
    roles_claim: Option<String>,
    #[serde(default = "default_leeway")]
    leeway_seconds: u64,
    #[serde(default = "default_refresh")]
    refresh_seconds: u64,
}

fn default_principal_claim() -> String {
    "sub".to_string()
}

fn default_leeway() -> u64 {
    60
}

fn default_refresh() -> u64 {
    300
}

/// A principal or role name: not empty, no `:` (HTTP Basic cannot carry
/// it in a user name), no control characters.
#[derive(Debug, Clone)]
struct Name(String);

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        if name.is_empty() || name.contains(':') || name.chars().any(char::is_control) {
            return Err(serde::de::Error::custom(format!(
                "the name {name:?} is not usable: it must be non-empty, without `:` or control characters"
            )));
        }
        Ok(Name(name))
    }
}

/// An argon2id PHC string.
#[derive(Debug, Clone)]
struct Phc(String);

impl<'de> Deserialize<'de> for Phc {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let phc = String::deserialize(d)?;
        check_phc(&phc).map_err(serde::de::Error::custom)?;
        Ok(Phc(phc))
    }
}

/// A principal of the file, with its password hash.
#[derive(Debug)]
pub(super) struct FilePrincipal {
    pub(super) identity: Arc<Identity>,
    pub(super) password_hash: Option<String>,
}

/// What [`Policy::grants_of`] finds.
#[derive(Debug)]
pub struct GrantsInForce<'a> {
    /// For one principal: whether the file defines it.
    pub defined: Option<bool>,
    /// For one principal: the roles the file gives it.
    pub roles: Vec<String>,
    /// The grants, in the file's order.
    pub grants: Vec<&'a Grant>,
}

/// A loaded auth file: everything a request is checked against.
pub struct Policy {
    /// Access for requests without credentials, when the file allows any.
    pub(super) anonymous: Option<Arc<Access>>,
    /// Whether `/metrics` needs no principal.
    pub(super) metrics_open: bool,
    /// Principals by name.
    pub(super) principals: HashMap<String, FilePrincipal>,
    /// Token hashes, with whom each proves.
    pub(super) tokens: Vec<(String, Arc<Identity>)>,
    /// Every grant.
    pub(super) grants: Vec<Grant>,
    /// JWT verification, when configured.
    pub(super) jwt: Option<JwtVerifier>,
    /// Credentials verified under this file.
    pub(super) verified: VerifiedCache<(Arc<Identity>, super::Method)>,
    /// What unknown Basic users are verified against.
    pub(super) decoy: String,
}

impl std::fmt::Debug for Policy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Policy")
            .field("anonymous", &self.anonymous.is_some())
            .field("metrics_open", &self.metrics_open)
            .field("principals", &self.principals.len())
            .field("grants", &self.grants.len())
            .field("jwt", &self.jwt)
            .finish_non_exhaustive()
    }
}

impl Policy {
    /// Reads and checks the file at `path` (fetching JWKS from a
    /// configured URL).
    pub async fn load(path: &Path) -> Result<Policy, AuthFileError> {
        let text = std::fs::read_to_string(path).map_err(|source| AuthFileError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        Policy::parse(&text, base).await.map_err(|(span, message)| {
            let (line, column) = position(&text, span.start);
            AuthFileError::Invalid {
                path: path.to_path_buf(),
                line,
                column,
                message,
            }
        })
    }

    /// Checks a file's text; relative JWKS paths resolve under `base`.
    /// Errors carry the byte span at fault.
    async fn parse(text: &str, base: &Path) -> Result<Policy, (std::ops::Range<usize>, String)> {
        let raw: RawFile = toml::from_str(text)
            .map_err(|e| (e.span().unwrap_or(0..0), e.message().to_string()))?;
        let mut grants = Vec::with_capacity(raw.grants.len());
        for spanned in &raw.grants {
            let grant = grant(spanned.get_ref()).map_err(|m| (spanned.span(), m))?;
            grants.push(grant);
        }
        let mut principals: HashMap<String, FilePrincipal> = HashMap::new();
        let mut where_defined: HashMap<String, usize> = HashMap::new();
        let mut tokens = Vec::new();
        for raw in &raw.principals {
            let name = raw.name.get_ref().0.clone();
            if let Some(start) = where_defined.get(&name) {
                let (line, _) = position(text, *start);
                return Err((
                    raw.name.span(),
                    format!("principal `{name}` is already defined at line {line}"),
                ));
            }
            where_defined.insert(name.clone(), raw.name.span().start);
            let roles: Vec<String> = raw.roles.iter().map(|r| r.0.clone()).collect();
            let identity = Arc::new(Identity::new(&grants, name.clone(), roles));
            if let Some(token) = &raw.token_hash {
                tokens.push((token.0.clone(), identity.clone()));
            }
            principals.insert(
                name,
                FilePrincipal {
                    identity,
                    password_hash: raw.password_hash.as_ref().map(|p| p.0.clone()),
                },
            );
        }
        let jwt = match &raw.jwt {
            None => None,
            Some(spanned) => {
                let settings = jwt_settings(spanned.get_ref()).map_err(|m| (spanned.span(), m))?;
                Some(
                    JwtVerifier::load(settings, base)
                        .await
                        .map_err(|m| (spanned.span(), m))?,
                )
            }
        };
        Ok(Policy {
            anonymous: (raw.anonymous == AnonymousAccess::Read)
                .then(|| Arc::new(Access::read_everything())),
            metrics_open: raw.metrics == MetricsAccess::Open,
            principals,
            tokens,
            grants,
            jwt,
            verified: VerifiedCache::new(),
            decoy: decoy(),
        })
    }

    /// The identity of a principal not defined by a credential in this file
    /// (a certificate's or a token's name): its file roles, if the file
    /// names it, and `extra_roles`.
    pub(super) fn identity_of(&self, name: &str, extra_roles: Vec<String>) -> Arc<Identity> {
        match self.principals.get(name) {
            Some(p) if extra_roles.is_empty() => p.identity.clone(),
            Some(p) => {
                let mut roles = p.identity.roles.clone();
                roles.extend(
                    extra_roles
                        .into_iter()
                        .filter(|r| !p.identity.roles.contains(r)),
                );
                Arc::new(Identity::new(&self.grants, name.to_string(), roles))
            }
            None => Arc::new(Identity::new(&self.grants, name.to_string(), extra_roles)),
        }
    }

    /// The grants in force: every one, or with `principal` those given to
    /// that principal by name or through a role the file gives it, with
    /// those roles. A principal the file does not define (one named by a
    /// certificate or a token's claims) has no file roles; roles a token
    /// carries are not known here.
    pub fn grants_of(&self, principal: Option<&str>) -> GrantsInForce<'_> {
        let Some(name) = principal else {
            return GrantsInForce {
                defined: None,
                roles: Vec::new(),
                grants: self.grants.iter().collect(),
            };
        };
        let file = self.principals.get(name);
        let roles = file.map(|p| p.identity.roles.clone()).unwrap_or_default();
        let grants = self
            .grants
            .iter()
            .filter(|g| g.applies_to(name, &roles))
            .collect();
        GrantsInForce {
            defined: Some(file.is_some()),
            roles,
            grants,
        }
    }

    /// Every grant, one line each ([`Grant::describe`]).
    pub fn grants(&self) -> Vec<String> {
        self.grants.iter().map(Grant::describe).collect()
    }

    /// One line for the start-up log: what the file holds (never a hash).
    pub fn summary(&self) -> String {
        format!(
            "{} principals ({} with a password, {} with a token), {} grants, anonymous {}, metrics {}, JWT {}",
            self.principals.len(),
            self.principals
                .values()
                .filter(|p| p.password_hash.is_some())
                .count(),
            self.tokens.len(),
            self.grants.len(),
            if self.anonymous.is_some() {
                "may read"
            } else {
                "refused"
            },
            if self.metrics_open {
                "open"
            } else {
                "need a principal"
            },
            match &self.jwt {
                Some(jwt) => format!("from issuer {}", jwt.settings().issuer),
                None => "off".to_string(),
            },
        )
    }
}

fn grant(raw: &RawGrant) -> Result<Grant, String> {
    let grantee = match (&raw.principal, &raw.role) {
        (Some(p), None) => Grantee::Principal(p.0.clone()),
        (None, Some(r)) => Grantee::Role(r.0.clone()),
        (Some(_), Some(_)) => {
            return Err("a grant names either a `principal` or a `role`, not both".into());
        }
        (None, None) => return Err("a grant needs a `principal` or a `role`".into()),
    };
    if raw.permissions.is_empty() {
        return Err(
            "`permissions` is empty: list some of read, write, delete, configure, admin".into(),
        );
    }
    let subjects = SubjectGlobs::new(raw.subjects.clone())?;
    if raw.permissions.contains(&Permission::Admin) && raw.subjects != ["*"] {
        return Err("`admin` is a global permission: give it with subjects = [\"*\"]".into());
    }
    Ok(Grant {
        grantee,
        subjects: Arc::new(subjects),
        permissions: Permissions::of(raw.permissions.iter().copied()),
    })
}

fn jwt_settings(raw: &RawJwt) -> Result<JwtSettings, String> {
    if raw.issuer.is_empty() || raw.audience.is_empty() {
        return Err("[jwt] needs a non-empty `issuer` and `audience`".into());
    }
    if raw.jwks_file.is_none() && raw.jwks_url.is_none() {
        return Err("[jwt] needs `jwks_file` or `jwks_url` (or both)".into());
    }
    if let Some(url) = &raw.jwks_url {
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(format!("`jwks_url` {url:?} is not an http(s) URL"));
        }
    }
    if raw.leeway_seconds > MAX_LEEWAY_SECONDS {
        return Err(format!(
            "`leeway_seconds` is {}: at most {MAX_LEEWAY_SECONDS}",
            raw.leeway_seconds
        ));
    }
    if !(10..=86_400).contains(&raw.refresh_seconds) {
        return Err(format!(
            "`refresh_seconds` is {}: between 10 and 86400",
            raw.refresh_seconds
        ));
    }
    if raw.principal_claim.is_empty() {
        return Err("`principal_claim` is empty".into());
    }
    Ok(JwtSettings {
        issuer: raw.issuer.clone(),
        audience: raw.audience.clone(),
        jwks_file: raw.jwks_file.clone(),
        jwks_url: raw.jwks_url.clone(),
        principal_claim: raw.principal_claim.clone(),
        roles_claim: raw.roles_claim.clone(),
        leeway_seconds: raw.leeway_seconds,
        refresh: Duration::from_secs(raw.refresh_seconds),
    })
}

/// The 1-based line and column of byte `offset` of `text`.
fn position(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::secret::hash_secret;

    async fn check(text: &str) -> Result<Policy, String> {
        Policy::parse(text, Path::new("."))
            .await
            .map_err(|(span, message)| {
                let (line, column) = position(text, span.start);
                format!("{line}:{column}: {message}")
            })
    }

    #[tokio::test]
    async fn a_whole_file() {
        let hash = hash_secret(b"pw");
        let policy = check(&format!(
            r#"
anonymous = "read"
metrics = "open"

[[principals]]
name = "orders-ci"
roles = ["producers"]
password_hash = "{hash}"
token_hash = "{hash}"

[[principals]]
name = "cert-only"

[[grants]]
role = "producers"
subjects = ["orders-*"]
permissions = ["read", "write"]

[[grants]]
principal = "root"
subjects = ["*"]
permissions = ["admin"]
"#
        ))
        .await
        .unwrap();
        assert!(policy.anonymous.is_some() && policy.metrics_open);
        assert_eq!(policy.principals.len(), 2);
        assert_eq!(policy.tokens.len(), 1);
        let ci = &policy.principals["orders-ci"].identity;
        assert!(ci.access.allows(Permission::Write, "orders-value"));
        assert!(!ci.access.allows(Permission::Write, "payments-value"));
        assert!(policy.identity_of("root", vec![]).access.is_admin());
        let with_role = policy.identity_of("cert-only", vec!["producers".into()]);
        assert!(with_role.access.allows(Permission::Read, "orders-x"));
        let summary = policy.summary();
        assert!(
            summary.starts_with("2 principals (1 with a password, 1 with a token), 2 grants"),
            "{summary}"
        );
        assert!(!summary.contains("argon2"), "{summary}");
    }

    #[tokio::test]
    async fn mistakes_name_their_line() {
        let cases = [
            ("unknown = 1\n", "1:1: unknown field `unknown`"),
            ("anonymous = \"write\"\n", "1:13: unknown variant `write`"),
            (
                "\n[[principals]]\nname = \"a:b\"\n",
                "3:8: the name \"a:b\" is not usable",
            ),
            (
                "[[principals]]\nname = \"a\"\npassword_hash = \"plain\"\n",
                "3:17: not a PHC string",
            ),
            (
                "[[principals]]\nname = \"a\"\n[[principals]]\nname = \"a\"\n",
                "4:8: principal `a` is already defined at line 2",
            ),
            (
                "[[grants]]\nprincipal = \"a\"\nsubjects = [\"x\"]\npermissions = [\"wrte\"]\n",
                "4:16: unknown variant `wrte`",
            ),
            (
                "\n[[grants]]\nsubjects = [\"x\"]\npermissions = [\"read\"]\n",
                "a grant needs a `principal` or a `role`",
            ),
            (
                "[[grants]]\nrole = \"r\"\nsubjects = [\"orders-*\"]\npermissions = [\"admin\"]\n",
                "`admin` is a global permission",
            ),
            (
                "[[grants]]\nrole = \"r\"\nsubjects = []\npermissions = [\"read\"]\n",
                "`subjects` is empty",
            ),
            (
                "[jwt]\nissuer = \"i\"\naudience = \"a\"\n",
                "1:1: [jwt] needs `jwks_file` or `jwks_url`",
            ),
            (
                "[jwt]\nissuer = \"i\"\naudience = \"a\"\njwks_file = \"/nonexistent/jwks.json\"\n",
                "cannot read jwks_file /nonexistent/jwks.json",
            ),
            (
                "[jwt]\nissuer = \"i\"\naudience = \"a\"\njwks_file = \"x\"\nleeway_seconds = 3600\n",
                "`leeway_seconds` is 3600: at most 300",
            ),
            ("principals = 3\n", "1:14: invalid type"),
            ("[[principals]\n", "1:"),
        ];
        for (text, expected) in cases {
            let error = check(text).await.unwrap_err();
            assert!(
                error.contains(expected),
                "{text:?}\n  gave {error}\n  wanted {expected}"
            );
        }
    }

    #[test]
    fn positions() {
        assert_eq!(position("ab\ncd", 0), (1, 1));
        assert_eq!(position("ab\ncd", 4), (2, 2));
    }
}
