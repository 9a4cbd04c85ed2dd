//! Registries with an auth file, credentials for them, and TLS material
//! made by the test.

use std::path::{Path, PathBuf};

use base64::Engine;

#[allow(unused_imports)] // each test file uses part of this
pub use super::authority::{Authority, Issued};
use super::{Server, temp_dir};

/// `Basic base64(user:password)`.
pub fn basic(user: &str, password: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
    )
}

/// `Bearer token`.
pub fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// The argon2id PHC string of a secret.
pub fn hash(secret: &str) -> String {
    registry::auth::secret::hash_secret(secret.as_bytes())
}

/// Starts a registry whose auth file is `toml` (written as `auth.toml` in
/// its temporary directory, where `files` are written too), with `extra`
/// flags, on the store under test (SQLite, or PostgreSQL with
/// `CHARTER_TEST_STORE=postgres`).
pub fn start_with_auth(toml: &str, files: &[(&str, &[u8])], extra: &[&str]) -> Server {
    let dir = temp_dir();
    let file = dir.path().join("auth.toml");
    std::fs::write(&file, toml).expect("auth file");
    for (name, content) in files {
        std::fs::write(dir.path().join(name), content).expect("file");
    }
    let mut args = vec!["--auth-file".to_string(), file.display().to_string()];
    args.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    Server::start_prepared(dir, &args)
}

impl Server {
    /// The auth file of a server [`start_with_auth`] started.
    pub fn auth_file(&self) -> PathBuf {
        self.dir.join("auth.toml")
    }

    /// Talks to this server over HTTPS with `client`.
    pub fn over_tls(mut self, client: reqwest::Client) -> Server {
        self.base = self.base.replace("http://", "https://");
        self.client = client;
        self
    }
}

/// Runs the registry with `flags` (and a database in `dir`), which must
/// refuse to start: exit status 1, never listening. Returns its stderr.
pub fn refused_start(dir: &Path, flags: &[&str]) -> String {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_charter-registry"))
        .args(["--listen", "127.0.0.1:0", "--database-url"])
        .arg(format!("sqlite://{}", dir.join("refused.db").display()))
        .args(flags)
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("charter-registry runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(1), "{flags:?}: {stderr}");
    assert!(output.stdout.is_empty(), "{flags:?} listened: {stderr}");
    stderr
}

/// Writes `content` to `dir/name` and returns the path as a string.
pub fn write(dir: &Path, name: &str, content: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, content).expect("write");
    path.display().to_string()
}

/// A key a test signs JWTs with, and its public JWK.
pub struct SigningKey {
    /// Its `kid`.
    pub kid: String,
    /// Its algorithm.
    pub alg: jsonwebtoken::Algorithm,
    encoding: jsonwebtoken::EncodingKey,
    /// The public key as a JWK.
    pub jwk: serde_json::Value,
}

fn b64url(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

impl SigningKey {
    /// A new RSA-2048 key for RS256.
    pub fn rsa(kid: &str) -> SigningKey {
        use rsa::pkcs1::EncodeRsaPrivateKey;
        use rsa::traits::PublicKeyParts;
        let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap();
        let der = key.to_pkcs1_der().unwrap();
        SigningKey {
            kid: kid.to_string(),
            alg: jsonwebtoken::Algorithm::RS256,
            encoding: jsonwebtoken::EncodingKey::from_rsa_der(der.as_bytes()),
            jwk: serde_json::json!({
                "kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256",
                "n": b64url(&key.n().to_bytes_be()), "e": b64url(&key.e().to_bytes_be()),
            }),
        }
    }

    /// A new P-256 key for ES256.
    pub fn ec(kid: &str) -> SigningKey {
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let point = key.public_key_raw();
        SigningKey {
            kid: kid.to_string(),
            alg: jsonwebtoken::Algorithm::ES256,
            encoding: jsonwebtoken::EncodingKey::from_ec_der(&key.serialize_der()),
            jwk: serde_json::json!({
                "kty": "EC", "crv": "P-256", "kid": kid,
                "x": b64url(&point[1..33]), "y": b64url(&point[33..65]),
            }),
        }
    }

    /// A new Ed25519 key for EdDSA.
    pub fn ed(kid: &str) -> SigningKey {
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ED25519).unwrap();
        SigningKey {
            kid: kid.to_string(),
            alg: jsonwebtoken::Algorithm::EdDSA,
            encoding: jsonwebtoken::EncodingKey::from_ed_der(&key.serialize_der()),
            jwk: serde_json::json!({
                "kty": "OKP", "crv": "Ed25519", "kid": kid, "alg": "EdDSA",
                "x": b64url(key.public_key_raw()),
            }),
        }
    }

    /// `claims` signed with this key, its `kid` in the header.
    pub fn sign(&self, claims: &serde_json::Value) -> String {
        let mut header = jsonwebtoken::Header::new(self.alg);
        header.kid = Some(self.kid.clone());
        self.sign_with(header, claims)
    }

    /// `claims` signed with this key under `header`.
    pub fn sign_with(&self, header: jsonwebtoken::Header, claims: &serde_json::Value) -> String {
        jsonwebtoken::encode(&header, claims, &self.encoding).unwrap()
    }
}

/// A JWKS document of `keys`' public keys.
pub fn jwks(keys: &[&SigningKey]) -> String {
    serde_json::json!({"keys": keys.iter().map(|k| k.jwk.clone()).collect::<Vec<_>>()}).to_string()
}

/// Seconds since the epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}
