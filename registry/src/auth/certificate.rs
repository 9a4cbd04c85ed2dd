//! Principals from client certificates (mutual TLS).
//!
//! The TLS layer has already checked that the certificate chains to the
//! `--tls-client-ca`; this only reads the name: the subject's common name,
//! or when it has none, the first DNS subject alternative name.

use std::sync::Arc;

use x509_parser::extensions::GeneralName;
use x509_parser::prelude::{FromDer, X509Certificate};

/// The principal name a verified client certificate gave its connection,
/// carried on each of that connection's requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertifiedName(pub Arc<str>);

/// The principal name in a DER certificate: the subject CN, else the first
/// DNS SAN; `None` when it has neither (or they are not usable names).
pub fn principal_name(der: &[u8]) -> Option<String> {
    let (_, certificate) = X509Certificate::from_der(der).ok()?;
    let usable = |name: &str| !name.is_empty() && !name.chars().any(char::is_control);
    let common_name = certificate
        .subject()
        .iter_common_name()
        .next()
        .and_then(|cn| cn.as_str().ok())
        .filter(|n| usable(n));
    if let Some(name) = common_name {
        return Some(name.to_string());
    }
    let alternative = certificate.subject_alternative_name().ok()??;
    alternative
        .value
        .general_names
        .iter()
        .find_map(|name| match name {
            GeneralName::DNSName(dns) if usable(dns) => Some(dns.to_string()),
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn certificate(cn: Option<&str>, sans: &[&str]) -> Vec<u8> {
        let mut params =
            rcgen::CertificateParams::new(sans.iter().map(|s| s.to_string()).collect::<Vec<_>>())
                .unwrap();
        params.distinguished_name = rcgen::DistinguishedName::new();
        if let Some(cn) = cn {
            params
                .distinguished_name
                .push(rcgen::DnType::CommonName, cn);
        }
        let key = rcgen::KeyPair::generate().unwrap();
        params.self_signed(&key).unwrap().der().to_vec()
    }

    #[test]
    fn common_name_first_then_dns_name() {
        assert_eq!(
            principal_name(&certificate(Some("orders-ci"), &["ci.example"])).as_deref(),
            Some("orders-ci")
        );
        assert_eq!(
            principal_name(&certificate(None, &["ci.example", "other.example"])).as_deref(),
            Some("ci.example")
        );
        assert_eq!(principal_name(&certificate(None, &[])), None);
        assert_eq!(principal_name(b"not a certificate"), None);
    }
}
