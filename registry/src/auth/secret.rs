//! Secrets: argon2id hashing (what `charter-registry hash-secret` prints),
//! verification against the PHC strings of the auth file, and the cache
//! that spares a verified secret from being hashed again on every request.
//!
//! The cache is keyed by HMAC-SHA-256 of the `Authorization` header that
//! carried a verified credential (its exact bytes), under a key drawn at
//! random when the auth file is loaded, so it never holds a secret, and its
//! keys are worthless outside this process. It holds at most
//! [`VERIFIED_CACHE_CAPACITY`] credentials and is dropped with the file it
//! was built for (a reload starts an empty one).
//!
//! Why this is safe and still cheap on every request:
//! - A hit needs the very header bytes that were verified (a different
//!   header finding an entry means an HMAC-SHA-256 collision), and reading
//!   a header is deterministic, so a hit proves what the verification
//!   proved; JWTs are never cached (they expire), so they never hit.
//! - The map compares and hashes HMAC outputs, not secrets: how long a
//!   lookup takes depends on a keyed hash the client cannot compute, so it
//!   tells nothing about any secret. What must be constant-time, comparing
//!   a secret with its stored hash, is argon2's, on every miss.
//! - Keying on the header rather than on the decoded credential spares a hit
//!   the base64 decoding, UTF-8 checks and copies of reading it; the HMAC
//!   itself is three SHA-256 blocks (the key's are absorbed once), which
//!   profiles of an authorized read by id put well under 1 %. The price is
//!   one entry per spelling of a credential (`Basic` or `basic`, spacing),
//!   each verified once.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, SaltString};
use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The most verified credentials remembered per loaded auth file.
pub const VERIFIED_CACHE_CAPACITY: usize = 10_000;

/// Hashes `secret` with argon2id (version 19, the crate's default cost:
/// 19 MiB, 2 passes, 1 lane) and a random salt, as a PHC string.
pub fn hash_secret(secret: &[u8]) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(secret, &salt)
        .expect("argon2 hashes any secret with its default parameters")
        .to_string()
}

/// Why a string from the auth file is not a usable hash.
pub fn check_phc(phc: &str) -> Result<(), String> {
    let hash = PasswordHash::new(phc).map_err(|e| {
        format!(
            "not a PHC string ({e}): expected `$argon2id$v=19$m=...,t=...,p=...$SALT$HASH` as `charter-registry hash-secret` prints"
        )
    })?;
    if hash.algorithm.as_str() != "argon2id" {
        return Err(format!(
            "the hash uses `{}`; only argon2id is accepted (make one with `charter-registry hash-secret`)",
            hash.algorithm
        ));
    }
    if hash.hash.is_none() {
        return Err("the PHC string has no hash part".to_string());
    }
    argon2::Params::try_from(&hash)
        .map(drop)
        .map_err(|e| format!("its parameters are unusable: {e}"))
}

/// Whether `secret` hashes to `phc` (an argon2id PHC string checked at
/// load). The comparison of the hash outputs is constant-time.
pub fn verify(secret: &[u8], phc: &str) -> bool {
    PasswordHash::new(phc)
        .is_ok_and(|hash| Argon2::default().verify_password(secret, &hash).is_ok())
}

/// A hash of nothing anyone knows, verified against when a Basic user is
/// unknown so that the answer takes as long as for a known one.
pub fn decoy() -> String {
    let mut secret = [0u8; 32];
    OsRng.fill_bytes(&mut secret);
    hash_secret(&secret)
}

/// The cache key of a credential: HMAC-SHA-256 under the cache's own key.
pub type CacheKey = [u8; 32];

/// Verified credentials, by [`CacheKey`].
pub struct VerifiedCache<V> {
    /// HMAC-SHA-256 with the random key already absorbed: cloned for each
    /// credential, so the key's two blocks are not hashed again each time.
    keyed: Hmac<Sha256>,
    entries: quick_cache::sync::Cache<CacheKey, V>,
}

impl<V: Clone> VerifiedCache<V> {
    /// An empty cache with a fresh random key.
    pub fn new() -> VerifiedCache<V> {
        let mut key = [0u8; 32];
        OsRng.fill_bytes(&mut key);
        VerifiedCache {
            keyed: <Hmac<Sha256> as Mac>::new_from_slice(&key)
                .expect("HMAC takes a key of any length"),
            entries: quick_cache::sync::Cache::new(VERIFIED_CACHE_CAPACITY),
        }
    }

    /// The key of a credential made of `parts` (a kind tag, then its
    /// fields), each length-prefixed so that no two credentials collide.
    pub fn key(&self, parts: &[&[u8]]) -> CacheKey {
        let mut mac = self.keyed.clone();
        for part in parts {
            mac.update(&(part.len() as u64).to_le_bytes());
            mac.update(part);
        }
        mac.finalize().into_bytes().into()
    }

    /// What a verified credential proved.
    pub fn get(&self, key: &CacheKey) -> Option<V> {
        self.entries.get(key)
    }

    /// Remembers a verified credential.
    pub fn insert(&self, key: CacheKey, value: V) {
        self.entries.insert(key, value);
    }

    /// How many credentials are remembered.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl<V: Clone> Default for VerifiedCache<V> {
    fn default() -> Self {
        VerifiedCache::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_only_argon2id_is_accepted() {
        let phc = hash_secret(b"s3cret");
        assert!(phc.starts_with("$argon2id$v=19$"), "{phc}");
        assert!(!phc.contains("s3cret"));
        check_phc(&phc).unwrap();
        assert!(verify(b"s3cret", &phc));
        assert!(!verify(b"s3cret ", &phc));
        assert!(!verify(b"s3cret", "nonsense"));
        let argon2i = phc.replacen("argon2id", "argon2i", 1);
        assert!(check_phc(&argon2i).unwrap_err().contains("only argon2id"));
        assert!(
            check_phc("s3cret")
                .unwrap_err()
                .contains("not a PHC string")
        );
    }

    #[test]
    fn cache_keys_separate_fields() {
        let cache: VerifiedCache<u8> = VerifiedCache::new();
        let a = cache.key(&[b"basic", b"ab", b"c"]);
        let b = cache.key(&[b"basic", b"a", b"bc"]);
        assert_ne!(a, b);
        assert_eq!(a, cache.key(&[b"basic", b"ab", b"c"]));
        // Another cache, another key.
        let other: VerifiedCache<u8> = VerifiedCache::new();
        assert_ne!(a, other.key(&[b"basic", b"ab", b"c"]));
        cache.insert(a, 7);
        assert_eq!(cache.get(&a), Some(7));
        assert_eq!(cache.get(&b), None);
    }
}
