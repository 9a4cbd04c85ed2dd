//! JWT bearer tokens from an identity provider: the `[jwt]` section of the
//! auth file.
//!
//! Keys come from a local JWKS document (`jwks_file`) and, optionally, from
//! a JWKS URL fetched at start-up and every `refresh_seconds` after (only
//! ever the configured URL: nothing in a request chooses where keys come
//! from). Accepted algorithms: RS256, ES256 and EdDSA (Ed25519); a token's
//! `alg` must be one of them and fit its key, so `none`, HMAC and key
//! confusion are refused. `exp` is required, `nbf` checked when present,
//! both with a bounded leeway; `iss` and `aud` must match.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;
use base64::Engine;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, KeyAlgorithm, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Map, Value};

/// The largest leeway the file may give for `exp` and `nbf`, in seconds.
pub const MAX_LEEWAY_SECONDS: u64 = 300;
/// The largest JWKS document fetched from a URL.
const MAX_JWKS_BYTES: usize = 1024 * 1024;
/// How long a JWKS fetch may take.
const FETCH_TIMEOUT: Duration = Duration::from_secs(10);

/// The `[jwt]` settings, checked.
#[derive(Debug, Clone)]
pub struct JwtSettings {
    /// The `iss` every token must carry.
    pub issuer: String,
    /// An `aud` every token must carry.
    pub audience: String,
    /// A local JWKS document.
    pub jwks_file: Option<PathBuf>,
    /// A JWKS URL.
    pub jwks_url: Option<String>,
    /// The claim naming the principal.
    pub principal_claim: String,
    /// The claim listing the principal's roles.
    pub roles_claim: Option<String>,
    /// Leeway for `exp` and `nbf`, in seconds.
    pub leeway_seconds: u64,
    /// How often `jwks_url` is fetched again.
    pub refresh: Duration,
}

/// Why a JWT was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JwtFailure {
    /// Not three base64url parts with a JSON header and claims.
    Malformed,
    /// An algorithm that is not accepted (`none`, HMAC, ...) or does not
    /// fit the key.
    Algorithm,
    /// No key with the token's `kid`.
    UnknownKey,
    /// The signature does not verify.
    Signature,
    /// `exp` has passed.
    Expired,
    /// `nbf` is in the future.
    NotYetValid,
    /// `iss` missing or another issuer.
    Issuer,
    /// `aud` missing or another audience.
    Audience,
    /// No usable principal claim, or a roles claim of the wrong shape.
    Claims,
}

/// Who a verified token names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenClaims {
    /// The principal claim.
    pub name: String,
    /// The roles claim.
    pub roles: Vec<String>,
}

/// One verification key.
#[derive(Clone)]
struct Key {
    kid: Option<String>,
    alg: Option<Algorithm>,
    decoding: DecodingKey,
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Key")
            .field("kid", &self.kid)
            .field("alg", &self.alg)
            .finish_non_exhaustive()
    }
}

/// Verifies tokens against the configured keys.
pub struct JwtVerifier {
    settings: JwtSettings,
    file_keys: Vec<Arc<Key>>,
    url_keys: ArcSwap<Vec<Arc<Key>>>,
}

impl std::fmt::Debug for JwtVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtVerifier")
            .field("settings", &self.settings)
            .field("file_keys", &self.file_keys.len())
            .field("url_keys", &self.url_keys.load().len())
            .finish()
    }
}

/// Whether a bearer token has the shape of a JWT (three base64url parts,
/// the first a JSON object), so that it is judged as one.
pub fn looks_like_jwt(token: &str) -> bool {
    let mut parts = token.split('.');
    let header = parts.next();
    parts.clone().count() == 2 && header.and_then(header_object).is_some()
}

fn header_object(part: &str) -> Option<Map<String, Value>> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

fn accepted(alg: &str) -> Option<Algorithm> {
    match alg {
        "RS256" => Some(Algorithm::RS256),
        "ES256" => Some(Algorithm::ES256),
        "EdDSA" => Some(Algorithm::EdDSA),
        _ => None,
    }
}

impl JwtVerifier {
    /// Loads the keys: the file (relative to `base`), and the URL once.
    pub async fn load(settings: JwtSettings, base: &Path) -> Result<JwtVerifier, String> {
        let file_keys = match &settings.jwks_file {
            Some(file) => {
                let path = base.join(file);
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("cannot read jwks_file {}: {e}", path.display()))?;
                let keys =
                    parse_jwks(&text).map_err(|e| format!("jwks_file {}: {e}", path.display()))?;
                if keys.is_empty() {
                    return Err(format!(
                        "jwks_file {} holds no usable key (RS256, ES256 or EdDSA signing keys)",
                        path.display()
                    ));
                }
                keys
            }
            None => Vec::new(),
        };
        let url_keys = match &settings.jwks_url {
            Some(url) => {
                let keys = fetch(url).await?;
                if keys.is_empty() {
                    return Err(format!(
                        "jwks_url {url} holds no usable key (RS256, ES256 or EdDSA signing keys)"
                    ));
                }
                keys
            }
            None => Vec::new(),
        };
        Ok(JwtVerifier {
            settings,
            file_keys,
            url_keys: ArcSwap::from_pointee(url_keys),
        })
    }

    /// The settings.
    pub fn settings(&self) -> &JwtSettings {
        &self.settings
    }

    /// Fetches `jwks_url` again and uses its keys from now on; on failure
    /// the keys already fetched stay. Returns how many keys it holds.
    pub async fn refresh(&self) -> Result<usize, String> {
        let Some(url) = &self.settings.jwks_url else {
            return Ok(0);
        };
        let keys = fetch(url).await?;
        if keys.is_empty() {
            return Err(format!("jwks_url {url} holds no usable key"));
        }
        let count = keys.len();
        self.url_keys.store(Arc::new(keys));
        Ok(count)
    }

    /// Verifies a token and reads who it names.
    pub fn verify(&self, token: &str) -> Result<TokenClaims, JwtFailure> {
        let header = token
            .split('.')
            .next()
            .and_then(header_object)
            .ok_or(JwtFailure::Malformed)?;
        let alg = header
            .get("alg")
            .and_then(Value::as_str)
            .and_then(accepted)
            .ok_or(JwtFailure::Algorithm)?;
        let kid = match header.get("kid") {
            None => None,
            Some(Value::String(kid)) => Some(kid.as_str()),
            Some(_) => return Err(JwtFailure::Malformed),
        };
        let url_keys = self.url_keys.load();
        let mut keys = self.file_keys.iter().chain(url_keys.iter());
        let key = match kid {
            Some(kid) => keys.find(|k| k.kid.as_deref() == Some(kid)),
            None => {
                let mut all = keys;
                match (all.next(), all.next()) {
                    (Some(only), None) => Some(only),
                    _ => None,
                }
            }
        }
        .ok_or(JwtFailure::UnknownKey)?;
        if key.alg.is_some_and(|a| a != alg) {
            return Err(JwtFailure::Algorithm);
        }
        let mut validation = Validation::new(alg);
        validation.leeway = self.settings.leeway_seconds;
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.set_issuer(&[&self.settings.issuer]);
        validation.set_audience(&[&self.settings.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        let data = jsonwebtoken::decode::<Map<String, Value>>(token, &key.decoding, &validation)
            .map_err(|e| match e.kind() {
                ErrorKind::InvalidSignature => JwtFailure::Signature,
                ErrorKind::InvalidAlgorithm | ErrorKind::InvalidAlgorithmName => {
                    JwtFailure::Algorithm
                }
                ErrorKind::ExpiredSignature => JwtFailure::Expired,
                ErrorKind::ImmatureSignature => JwtFailure::NotYetValid,
                ErrorKind::InvalidIssuer => JwtFailure::Issuer,
                ErrorKind::InvalidAudience => JwtFailure::Audience,
                ErrorKind::MissingRequiredClaim(claim) => match claim.as_str() {
                    "iss" => JwtFailure::Issuer,
                    "aud" => JwtFailure::Audience,
                    _ => JwtFailure::Claims,
                },
                _ => JwtFailure::Malformed,
            })?;
        self.claims(&data.claims)
    }

    fn claims(&self, claims: &Map<String, Value>) -> Result<TokenClaims, JwtFailure> {
        let name = claim(claims, &self.settings.principal_claim)
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty() && !n.chars().any(char::is_control))
            .ok_or(JwtFailure::Claims)?;
        let roles = match self
            .settings
            .roles_claim
            .as_deref()
            .and_then(|c| claim(claims, c))
        {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::String(s)) => s.split_whitespace().map(str::to_string).collect(),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| v.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()
                .ok_or(JwtFailure::Claims)?,
            Some(_) => return Err(JwtFailure::Claims),
        };
        Ok(TokenClaims {
            name: name.to_string(),
            roles,
        })
    }
}

/// A claim by name, or by a dotted path into nested objects
/// (`realm_access.roles`) when no claim has the whole name.
fn claim<'a>(claims: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    if let Some(value) = claims.get(name) {
        return Some(value);
    }
    let mut parts = name.split('.');
    let mut value = claims.get(parts.next()?)?;
    for part in parts {
        value = value.as_object()?.get(part)?;
    }
    Some(value)
}

/// The signing keys of a JWKS document that Charter can use; others
/// (encryption keys, HMAC secrets, other curves) are skipped with a
/// warning naming them.
fn parse_jwks(text: &str) -> Result<Vec<Arc<Key>>, String> {
    let document: Value =
        serde_json::from_str(text).map_err(|e| format!("not a JWKS document: {e}"))?;
    let Some(entries) = document.get("keys").and_then(Value::as_array) else {
        return Err("not a JWKS document: no `keys` array".to_string());
    };
    let mut keys = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        let kid = entry.get("kid").and_then(Value::as_str).unwrap_or("");
        match key(entry) {
            Ok(key) => keys.push(Arc::new(key)),
            Err(why) => tracing::warn!(index, kid, "JWKS key skipped: {why}"),
        }
    }
    let mut seen = HashSet::new();
    for key in &keys {
        if let Some(kid) = &key.kid {
            if !seen.insert(kid.as_str()) {
                return Err(format!("two keys have the kid `{kid}`"));
            }
        }
    }
    Ok(keys)
}

fn key(entry: &Value) -> Result<Key, String> {
    let jwk: Jwk = serde_json::from_value(entry.clone()).map_err(|e| e.to_string())?;
    if matches!(jwk.common.public_key_use, Some(PublicKeyUse::Encryption)) {
        return Err("an encryption key (`use`: `enc`)".into());
    }
    let family = match &jwk.algorithm {
        AlgorithmParameters::RSA(_) => Algorithm::RS256,
        AlgorithmParameters::EllipticCurve(p) if p.curve == EllipticCurve::P256 => Algorithm::ES256,
        AlgorithmParameters::OctetKeyPair(p) if p.curve == EllipticCurve::Ed25519 => {
            Algorithm::EdDSA
        }
        AlgorithmParameters::OctetKey(_) => {
            return Err("a symmetric (`oct`) key: only public keys are accepted".into());
        }
        _ => return Err("a curve other than P-256 and Ed25519".into()),
    };
    let alg = match jwk.common.key_algorithm {
        None => None,
        Some(KeyAlgorithm::RS256) if family == Algorithm::RS256 => Some(Algorithm::RS256),
        Some(KeyAlgorithm::ES256) if family == Algorithm::ES256 => Some(Algorithm::ES256),
        Some(KeyAlgorithm::EdDSA) if family == Algorithm::EdDSA => Some(Algorithm::EdDSA),
        Some(other) => return Err(format!("algorithm {other:?} is not accepted")),
    };
    let decoding = DecodingKey::from_jwk(&jwk).map_err(|e| e.to_string())?;
    Ok(Key {
        kid: jwk.common.key_id,
        alg,
        decoding,
    })
}

async fn fetch(url: &str) -> Result<Vec<Arc<Key>>, String> {
    let fail = |e: &dyn std::fmt::Display| format!("cannot fetch jwks_url {url}: {e}");
    let client = reqwest::Client::builder()
        .timeout(FETCH_TIMEOUT)
        .build()
        .map_err(|e| fail(&e))?;
    let mut response = client
        .get(url)
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map_err(|e| fail(&e))?;
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| fail(&e))? {
        body.extend_from_slice(&chunk);
        if body.len() > MAX_JWKS_BYTES {
            return Err(fail(&format_args!(
                "the document is larger than {MAX_JWKS_BYTES} bytes"
            )));
        }
    }
    let text = String::from_utf8(body).map_err(|e| fail(&e))?;
    parse_jwks(&text).map_err(|e| format!("jwks_url {url}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn recognises_the_jwt_shape() {
        let header = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#);
        assert!(looks_like_jwt(&format!("{header}.e30.")));
        assert!(looks_like_jwt(&format!("{header}.e30.c2ln")));
        assert!(!looks_like_jwt("opaque-token"));
        assert!(!looks_like_jwt("a.b.c"));
        assert!(!looks_like_jwt(&format!("{header}.e30")));
    }

    #[test]
    fn skips_keys_it_cannot_use() {
        let keys = parse_jwks(
            &json!({"keys": [
                {"kty": "oct", "k": "c2VjcmV0", "kid": "hmac"},
                {"kty": "RSA", "use": "enc", "n": "AQAB", "e": "AQAB", "kid": "enc"},
                {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", "kid": "ed"},
                {"kty": "RSA", "alg": "RSA-OAEP", "n": "AQAB", "e": "AQAB", "kid": "oaep"},
            ]})
            .to_string(),
        )
        .unwrap();
        assert_eq!(keys.len(), 1);
        assert_eq!(keys[0].kid.as_deref(), Some("ed"));
        assert!(parse_jwks("{}").unwrap_err().contains("no `keys`"));
    }

    #[test]
    fn claims_by_name_or_dotted_path() {
        let claims = json!({"sub": "a", "realm_access": {"roles": ["x", "y"]}, "https://e.com/roles": "p q"});
        let claims = claims.as_object().unwrap();
        assert_eq!(
            claim(claims, "realm_access.roles"),
            Some(&json!(["x", "y"]))
        );
        assert_eq!(claim(claims, "https://e.com/roles"), Some(&json!("p q")));
        assert_eq!(claim(claims, "nothing.here"), None);
    }
}
