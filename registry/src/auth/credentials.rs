//! What a request presents to prove who it is: the one place that reads the
//! `Authorization` header.
//!
//! Nothing here logs or formats a secret: [`Credential`]'s `Debug` hides
//! them, and a malformed header is only ever described by its [`Malformed`]
//! kind.

use axum::http::HeaderValue;
use base64::Engine;

/// The longest `Authorization` header read; longer ones answer 401
/// without being decoded.
pub const MAX_AUTHORIZATION_BYTES: usize = 16 * 1024;

/// A credential presented in the `Authorization` header.
pub enum Credential {
    /// HTTP Basic: a principal's name and password.
    Basic(Basic),
    /// `Bearer TOKEN`: an opaque token or a JWT.
    Bearer(String),
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credential::Basic { .. } => f.write_str("Basic(..)"),
            Credential::Bearer(_) => f.write_str("Bearer(..)"),
        }
    }
}

/// HTTP Basic credentials: `user:password` decoded, kept as one buffer.
pub struct Basic {
    decoded: Vec<u8>,
    colon: usize,
}

impl Basic {
    /// The user name (checked to be UTF-8).
    pub fn user(&self) -> &str {
        std::str::from_utf8(&self.decoded[..self.colon]).unwrap_or_default()
    }

    /// The password, as bytes (Basic does not promise UTF-8).
    pub fn password(&self) -> &[u8] {
        &self.decoded[self.colon + 1..]
    }
}

/// Why an `Authorization` header could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Malformed {
    /// Longer than [`MAX_AUTHORIZATION_BYTES`].
    Oversized,
    /// Not a well-formed credential of a known scheme.
    Shape,
}

/// Reads an `Authorization` header: `Basic base64(user:password)` or
/// `Bearer token`; the scheme in any case.
pub fn parse(header: &HeaderValue) -> Result<Credential, Malformed> {
    let bytes = header.as_bytes();
    if bytes.len() > MAX_AUTHORIZATION_BYTES {
        return Err(Malformed::Oversized);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| Malformed::Shape)?;
    let (scheme, rest) = text.trim().split_once(' ').ok_or(Malformed::Shape)?;
    let rest = rest.trim();
    if scheme.eq_ignore_ascii_case("basic") {
        basic(rest)
    } else if scheme.eq_ignore_ascii_case("bearer") {
        bearer(rest)
    } else {
        Err(Malformed::Shape)
    }
}

fn basic(encoded: &str) -> Result<Credential, Malformed> {
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .map_err(|_| Malformed::Shape)?;
    let colon = decoded
        .iter()
        .position(|b| *b == b':')
        .ok_or(Malformed::Shape)?;
    if colon == 0 || std::str::from_utf8(&decoded[..colon]).is_err() {
        return Err(Malformed::Shape);
    }
    Ok(Credential::Basic(Basic { decoded, colon }))
}

fn bearer(token: &str) -> Result<Credential, Malformed> {
    if token.is_empty() || token.contains(char::is_whitespace) {
        return Err(Malformed::Shape);
    }
    Ok(Credential::Bearer(token.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(header: &str) -> Result<String, Malformed> {
        parse(&HeaderValue::from_str(header).unwrap()).map(|c| match c {
            Credential::Basic(basic) => format!(
                "basic {} {}",
                basic.user(),
                String::from_utf8_lossy(basic.password())
            ),
            Credential::Bearer(t) => format!("bearer {t}"),
        })
    }

    #[test]
    fn reads_both_schemes() {
        // "orders-ci:s3cret:with:colons"
        let encoded = base64::engine::general_purpose::STANDARD.encode("orders-ci:s3:c:r");
        assert_eq!(
            check(&format!("Basic {encoded}")).unwrap(),
            "basic orders-ci s3:c:r"
        );
        assert_eq!(
            check(&format!("basic  {encoded} ")).unwrap(),
            "basic orders-ci s3:c:r"
        );
        assert_eq!(check("Bearer abc.def.ghi").unwrap(), "bearer abc.def.ghi");
        assert_eq!(check("BEARER t0k3n").unwrap(), "bearer t0k3n");
    }

    #[test]
    fn malformed_shapes() {
        let no_colon = base64::engine::general_purpose::STANDARD.encode("orders-ci");
        let no_user = base64::engine::general_purpose::STANDARD.encode(":pw");
        for bad in [
            "Basic",
            "Basic !!!notbase64",
            &format!("Basic {no_colon}"),
            &format!("Basic {no_user}"),
            "Bearer ",
            "Bearer a b",
            "Digest username=x",
            "token",
        ] {
            assert_eq!(check(bad).unwrap_err(), Malformed::Shape, "{bad}");
        }
        let huge = format!("Bearer {}", "a".repeat(MAX_AUTHORIZATION_BYTES));
        assert_eq!(check(&huge).unwrap_err(), Malformed::Oversized);
        let latin1 = HeaderValue::from_bytes(b"Basic \xff").unwrap();
        assert_eq!(parse(&latin1).unwrap_err(), Malformed::Shape);
    }

    #[test]
    fn debug_hides_secrets() {
        let c = Credential::Bearer("s3cret".into());
        assert!(!format!("{c:?}").contains("s3cret"));
    }
}
