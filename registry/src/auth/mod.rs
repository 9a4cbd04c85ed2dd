//! Who is asking, and what they may do.
//!
//! - [`file`]: the auth file (`--auth-file`) read into a [`Policy`].
//! - [`credentials`]: the `Authorization` header, the one place that reads
//!   it; [`certificate`]: names from client certificates (mTLS).
//! - [`secret`]: argon2id hashes and the cache of verified credentials;
//!   [`jwt`]: tokens from an identity provider.
//! - [`grants`]: permissions on subjects, and a principal's [`Access`].
//! - [`backoff`]: delays for addresses that keep failing.
//!
//! [`Authenticator`] puts them together: it turns what a request presents
//! into a [`Principal`] (or a [`Failure`], counted by reason), and holds the
//! current policy, swapped whole when the file is reloaded. A request's
//! [`Caller`] (principal and client address) is what the HTTP layer checks
//! permissions on and hands to the service.
//!
//! Invariant: no secret is logged, formatted or kept. Credentials are
//! compared through argon2 (constant-time on the hash output), the cache
//! is keyed by an HMAC of the `Authorization` header that carried the
//! credential, and failures are described by their reason only.

pub mod backoff;
pub mod certificate;
pub mod credentials;
pub mod file;
pub mod grants;
pub mod jwt;
pub mod secret;

use std::fmt::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use arc_swap::ArcSwapOption;
use axum::http::HeaderValue;
use tokio::sync::Semaphore;

pub use certificate::CertifiedName;
pub use file::{AuthFileError, GrantsInForce, Policy};
pub use grants::{Access, Grant, Grantee, Permission};
pub use jwt::JwtFailure;

use credentials::{Credential, Malformed};

/// A principal the file or a token defines, with its access.
#[derive(Debug)]
pub struct Identity {
    /// The principal's name.
    pub name: String,
    /// Its roles.
    pub roles: Vec<String>,
    /// What it may do.
    pub access: Access,
}

impl Identity {
    fn new(grants: &[grants::Grant], name: String, roles: Vec<String>) -> Identity {
        let access = Access::of(grants, &name, &roles);
        Identity {
            name,
            roles,
            access,
        }
    }
}

/// How a principal proved who it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// HTTP Basic with a password from the file.
    Password,
    /// A bearer token from the file.
    Token,
    /// A JWT from the identity provider.
    Jwt,
    /// A client certificate.
    Certificate,
}

/// Who a request is from.
#[derive(Debug, Clone)]
pub enum Principal {
    /// No auth file: the registry is open and nobody is identified.
    Open,
    /// No credentials, admitted by `anonymous = "read"`.
    Anonymous(Arc<Access>),
    /// An identified principal.
    Named {
        /// Who.
        identity: Arc<Identity>,
        /// How it proved it.
        method: Method,
    },
}

/// A request's context: who is asking, and from where. What permissions
/// are checked on, and what the service is told about the request.
#[derive(Debug, Clone)]
pub struct Caller {
    principal: Principal,
    address: Option<SocketAddr>,
}

impl Caller {
    /// A caller.
    pub fn new(principal: Principal, address: Option<SocketAddr>) -> Caller {
        Caller { principal, address }
    }

    /// A caller on an open registry (no auth file), or inside the registry.
    pub fn open(address: Option<SocketAddr>) -> Caller {
        Caller::new(Principal::Open, address)
    }

    /// Who.
    pub fn principal(&self) -> &Principal {
        &self.principal
    }

    /// The identified principal's name.
    pub fn name(&self) -> Option<&str> {
        match &self.principal {
            Principal::Named { identity, .. } => Some(&identity.name),
            Principal::Open | Principal::Anonymous(_) => None,
        }
    }

    /// The client's address (the TCP peer), when known.
    pub fn address(&self) -> Option<SocketAddr> {
        self.address
    }

    /// Who this caller is in the audit trail: the principal's name (none
    /// on an open registry) and the client's address.
    pub fn actor(&self) -> crate::audit::Actor {
        let principal = match &self.principal {
            Principal::Named { identity, .. } => Some(identity.name.clone()),
            Principal::Anonymous(_) => Some(ANONYMOUS.to_string()),
            Principal::Open => None,
        };
        crate::audit::Actor {
            principal,
            address: self.address.map(|a| a.ip().to_string()),
        }
    }

    /// Whether no credentials were presented (on a registry that checks).
    pub fn is_anonymous(&self) -> bool {
        matches!(self.principal, Principal::Anonymous(_))
    }

    fn access(&self) -> Option<&Access> {
        match &self.principal {
            Principal::Open => None,
            Principal::Anonymous(access) => Some(access),
            Principal::Named { identity, .. } => Some(&identity.access),
        }
    }

    /// Whether `permission` is held on `subject` (for `admin`, the subject
    /// does not matter).
    pub fn may(&self, permission: Permission, subject: &str) -> bool {
        self.access().is_none_or(|a| a.allows(permission, subject))
    }

    /// Whether `subject` may be read.
    pub fn may_read(&self, subject: &str) -> bool {
        self.may(Permission::Read, subject)
    }

    /// Whether every subject may be read, so lists need no filtering.
    pub fn reads_everything(&self) -> bool {
        self.access().is_none_or(Access::reads_everything)
    }

    /// How messages name the caller.
    pub fn describe(&self) -> String {
        match &self.principal {
            Principal::Open => "the caller".to_string(),
            Principal::Anonymous(_) => "an anonymous request".to_string(),
            Principal::Named { identity, .. } => format!("principal `{}`", identity.name),
        }
    }
}

/// Why a request was not authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// No credentials where they are needed.
    Missing,
    /// An `Authorization` header of no known shape.
    Malformed,
    /// An `Authorization` header too long to read.
    Oversized,
    /// HTTP Basic for a name with no password in the file.
    UnknownPrincipal,
    /// HTTP Basic with the wrong password.
    WrongPassword,
    /// A bearer token no principal has.
    UnknownToken,
    /// A JWT that does not verify.
    Jwt(JwtFailure),
}

/// How a request without credentials is named in the audit trail.
pub const ANONYMOUS: &str = "(anonymous)";

/// Every failure reason, as `/metrics` labels them.
pub const FAILURE_REASONS: [&str; 15] = [
    "missing",
    "malformed",
    "oversized",
    "unknown_principal",
    "wrong_password",
    "unknown_token",
    "jwt_malformed",
    "jwt_algorithm",
    "jwt_unknown_key",
    "jwt_signature",
    "jwt_expired",
    "jwt_not_yet_valid",
    "jwt_issuer",
    "jwt_audience",
    "jwt_claims",
];

impl Failure {
    /// The index of its reason in [`FAILURE_REASONS`].
    fn index(self) -> usize {
        match self {
            Failure::Missing => 0,
            Failure::Malformed => 1,
            Failure::Oversized => 2,
            Failure::UnknownPrincipal => 3,
            Failure::WrongPassword => 4,
            Failure::UnknownToken => 5,
            Failure::Jwt(j) => match j {
                JwtFailure::Malformed => 6,
                JwtFailure::Algorithm => 7,
                JwtFailure::UnknownKey => 8,
                JwtFailure::Signature => 9,
                JwtFailure::Expired => 10,
                JwtFailure::NotYetValid => 11,
                JwtFailure::Issuer => 12,
                JwtFailure::Audience => 13,
                JwtFailure::Claims => 14,
            },
        }
    }

    /// The reason's label.
    pub fn reason(self) -> &'static str {
        FAILURE_REASONS[self.index()]
    }

    /// Whether credentials were presented (and so the address may be
    /// slowed down): every failure but [`Failure::Missing`].
    fn presented(self) -> bool {
        self != Failure::Missing
    }
}

/// What a request presents.
#[derive(Debug, Clone, Copy, Default)]
pub struct Presented<'a> {
    /// Its `Authorization` header.
    pub authorization: Option<&'a HeaderValue>,
    /// The name its connection's client certificate gave.
    pub certificate: Option<&'a CertifiedName>,
    /// The client's address.
    pub address: Option<IpAddr>,
}

/// Authentication for the whole registry: the current policy (none when
/// the registry is open), failure counters and back-off.
pub struct Authenticator {
    source: Option<PathBuf>,
    policy: ArcSwapOption<Policy>,
    failures: [AtomicU64; FAILURE_REASONS.len()],
    denied: AtomicU64,
    delayed: AtomicU64,
    verifications: AtomicU64,
    backoff: backoff::Backoff,
    hashing: Semaphore,
}

impl std::fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authenticator")
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

impl Default for Authenticator {
    fn default() -> Self {
        Authenticator::open()
    }
}

impl Authenticator {
    fn with(source: Option<PathBuf>, policy: Option<Policy>) -> Authenticator {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Authenticator {
            source,
            policy: ArcSwapOption::from(policy.map(Arc::new)),
            failures: Default::default(),
            denied: AtomicU64::new(0),
            delayed: AtomicU64::new(0),
            verifications: AtomicU64::new(0),
            backoff: backoff::Backoff::default(),
            // Argon2 is CPU work: at most one verification per core at a
            // time, so a flood of wrong secrets cannot take every thread.
            hashing: Semaphore::new(cores),
        }
    }

    /// No auth file: every request is let through as [`Principal::Open`].
    pub fn open() -> Authenticator {
        Authenticator::with(None, None)
    }

    /// Checks every request against the auth file at `path`.
    pub async fn load(path: &Path) -> Result<Authenticator, AuthFileError> {
        let policy = Policy::load(path).await?;
        Ok(Authenticator::with(Some(path.to_path_buf()), Some(policy)))
    }

    /// Reads the auth file again and uses it from now on; on error the
    /// policy in use stays. Returns the new policy's summary.
    pub async fn reload(&self) -> Result<String, AuthFileError> {
        let Some(path) = &self.source else {
            return Ok("no auth file: the registry is open".to_string());
        };
        let policy = Policy::load(path).await?;
        let summary = policy.summary();
        self.policy.store(Some(Arc::new(policy)));
        Ok(summary)
    }

    /// Whether there is no auth file.
    pub fn is_open(&self) -> bool {
        self.source.is_none()
    }

    /// The auth file, if any.
    pub fn source(&self) -> Option<&Path> {
        self.source.as_deref()
    }

    /// The policy in use.
    pub fn policy(&self) -> Option<Arc<Policy>> {
        self.policy.load_full()
    }

    /// Whether `/metrics` is served without a principal.
    pub fn metrics_open(&self) -> bool {
        self.policy.load().as_ref().is_none_or(|p| p.metrics_open)
    }

    /// Counts a request refused for lack of permission.
    pub fn record_denied(&self) {
        self.denied.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts an anonymous request that needed credentials after all (it
    /// asked for more than anonymous reading).
    pub fn record_missing(&self) {
        self.failures[Failure::Missing.index()].fetch_add(1, Ordering::Relaxed);
    }

    /// Who presents `presented`. Failures are counted by reason, and
    /// failures with credentials count against the address.
    pub async fn authenticate(&self, presented: Presented<'_>) -> Result<Principal, Failure> {
        let Some(policy) = self.policy.load_full() else {
            return Ok(Principal::Open);
        };
        let outcome = self.identify(&policy, presented).await;
        if let Err(failure) = outcome {
            self.failures[failure.index()].fetch_add(1, Ordering::Relaxed);
            tracing::debug!(reason = failure.reason(), address = ?presented.address, "authentication failed");
            if let (true, Some(address)) = (failure.presented(), presented.address) {
                self.backoff.fail(address);
            }
        }
        outcome
    }

    async fn identify(
        &self,
        policy: &Policy,
        presented: Presented<'_>,
    ) -> Result<Principal, Failure> {
        let named = |identity, method| Principal::Named { identity, method };
        // A header verified before answers from the cache before anything
        // is decoded: the key is a keyed hash of the header's exact bytes
        // (see `secret`), so only those bytes find what they proved.
        let header = presented
            .authorization
            .filter(|h| h.len() <= credentials::MAX_AUTHORIZATION_BYTES);
        let key = header.map(|h| policy.verified.key(&[b"authorization", h.as_bytes()]));
        if let Some((identity, method)) = key.as_ref().and_then(|k| policy.verified.get(k)) {
            return Ok(named(identity, method));
        }
        let credential = match presented.authorization.map(credentials::parse) {
            Some(Ok(credential)) => credential,
            Some(Err(Malformed::Oversized)) => return Err(Failure::Oversized),
            Some(Err(Malformed::Shape)) => return Err(Failure::Malformed),
            None => {
                return match (presented.certificate, &policy.anonymous) {
                    (Some(name), _) => Ok(Principal::Named {
                        identity: policy.identity_of(&name.0, Vec::new()),
                        method: Method::Certificate,
                    }),
                    (None, Some(access)) => Ok(Principal::Anonymous(access.clone())),
                    (None, None) => Err(Failure::Missing),
                };
            }
        };
        // A well-formed header was within the size bound, so it has a key.
        let Some(key) = key else {
            return Err(Failure::Oversized);
        };
        match credential {
            Credential::Basic(basic) => {
                let (user, password) = (basic.user(), basic.password());
                self.wait_if_failing(presented.address).await;
                let known = policy
                    .principals
                    .get(user)
                    .and_then(|p| Some((p.password_hash.clone()?, p.identity.clone())));
                let Some((hash, identity)) = known else {
                    // As long as for a known name, so names cannot be probed.
                    let decoy = policy.decoy.clone();
                    self.hash_matches(password.to_vec(), decoy).await;
                    return Err(Failure::UnknownPrincipal);
                };
                if !self.hash_matches(password.to_vec(), hash).await {
                    return Err(Failure::WrongPassword);
                }
                policy
                    .verified
                    .insert(key, (identity.clone(), Method::Password));
                Ok(named(identity, Method::Password))
            }
            Credential::Bearer(token) => {
                // A JWT is verified every time (it expires), never cached.
                if let (Some(jwt), true) = (&policy.jwt, jwt::looks_like_jwt(&token)) {
                    self.wait_if_failing(presented.address).await;
                    let claims = jwt.verify(&token).map_err(Failure::Jwt)?;
                    return Ok(named(
                        policy.identity_of(&claims.name, claims.roles),
                        Method::Jwt,
                    ));
                }
                self.wait_if_failing(presented.address).await;
                let secret = token.into_bytes();
                for (hash, identity) in &policy.tokens {
                    if self.hash_matches(secret.clone(), hash.clone()).await {
                        policy
                            .verified
                            .insert(key, (identity.clone(), Method::Token));
                        return Ok(named(identity.clone(), Method::Token));
                    }
                }
                Err(Failure::UnknownToken)
            }
        }
    }

    /// Waits out the back-off of a failing address.
    async fn wait_if_failing(&self, address: Option<IpAddr>) {
        if let Some(delay) = address.and_then(|a| self.backoff.delay(a)) {
            self.delayed.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(delay).await;
        }
    }

    /// Verifies a secret against a PHC string on a blocking thread, at most
    /// one per core at a time.
    async fn hash_matches(&self, secret: Vec<u8>, hash: String) -> bool {
        let Ok(_permit) = self.hashing.acquire().await else {
            return false;
        };
        self.verifications.fetch_add(1, Ordering::Relaxed);
        tokio::task::spawn_blocking(move || secret::verify(&secret, &hash))
            .await
            .unwrap_or(false)
    }

    /// How often JWKS are fetched again, when a URL is configured.
    pub fn key_refresh_interval(&self) -> Option<Duration> {
        let policy = self.policy.load();
        let jwt = policy.as_ref()?.jwt.as_ref()?;
        jwt.settings().jwks_url.as_ref()?;
        Some(jwt.settings().refresh)
    }

    /// Fetches the JWKS URL again (keeping the keys in use on failure).
    pub async fn refresh_keys(&self) {
        let Some(policy) = self.policy.load_full() else {
            return;
        };
        let Some(jwt) = &policy.jwt else { return };
        match jwt.refresh().await {
            Ok(0) => {}
            Ok(keys) => tracing::debug!(keys, "JWKS refreshed"),
            Err(e) => tracing::warn!("JWKS refresh failed, keeping the keys in use: {e}"),
        }
    }

    /// Appends the authentication series to a Prometheus exposition.
    pub fn render_metrics(&self, out: &mut String) {
        out.push_str(
            "# HELP charter_auth_failures_total Requests whose authentication failed, by reason.\n\
             # TYPE charter_auth_failures_total counter\n",
        );
        for (reason, count) in FAILURE_REASONS.iter().zip(&self.failures) {
            let _ = writeln!(
                out,
                "charter_auth_failures_total{{reason=\"{reason}\"}} {}",
                count.load(Ordering::Relaxed)
            );
        }
        let counters = [
            (
                "charter_auth_denied_total",
                "Authenticated requests refused for lack of permission.",
                &self.denied,
            ),
            (
                "charter_auth_backoff_delays_total",
                "Requests delayed because their address kept failing to authenticate.",
                &self.delayed,
            ),
            (
                "charter_auth_secret_verifications_total",
                "Secrets hashed with argon2 (credentials not found in the verification cache).",
                &self.verifications,
            ),
        ];
        for (name, help, value) in counters {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}",
                value.load(Ordering::Relaxed)
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_failure_has_its_own_label() {
        let failures = [
            Failure::Missing,
            Failure::Malformed,
            Failure::Oversized,
            Failure::UnknownPrincipal,
            Failure::WrongPassword,
            Failure::UnknownToken,
            Failure::Jwt(JwtFailure::Malformed),
            Failure::Jwt(JwtFailure::Algorithm),
            Failure::Jwt(JwtFailure::UnknownKey),
            Failure::Jwt(JwtFailure::Signature),
            Failure::Jwt(JwtFailure::Expired),
            Failure::Jwt(JwtFailure::NotYetValid),
            Failure::Jwt(JwtFailure::Issuer),
            Failure::Jwt(JwtFailure::Audience),
            Failure::Jwt(JwtFailure::Claims),
        ];
        let indexes: Vec<usize> = failures.iter().map(|f| f.index()).collect();
        assert_eq!(indexes, (0..FAILURE_REASONS.len()).collect::<Vec<_>>());
    }

    #[tokio::test]
    async fn an_open_registry_lets_everyone_do_everything() {
        let auth = Authenticator::open();
        let principal = auth.authenticate(Presented::default()).await.unwrap();
        let caller = Caller::new(principal, None);
        assert!(caller.reads_everything() && caller.may(Permission::Admin, ""));
        assert!(auth.metrics_open() && auth.is_open());
    }
}
