//! Strings a `format` or a `pattern` accepts: fixed samples for the formats
//! the validator asserts, and strings built from a pattern's syntax tree.

use regex_syntax::hir::{Class, Hir, HirKind};

/// The longest string built from a pattern.
const MAX_SAMPLE_CHARS: usize = 4096;

/// Characters tried, in order, when a character class must be sampled.
const PREFERRED: &str = "aAb0Bz9_-. xé";

/// Valid strings of a format, best first; empty for formats not known here.
pub(super) fn format_samples(format: &str) -> &'static [&'static str] {
    match format {
        "date-time" => &["2024-01-01T00:00:00Z", "2024-06-30T12:34:56.789+02:00"],
        "date" => &["2024-01-01"],
        "time" => &["12:00:00Z", "23:59:59+01:00"],
        "duration" => &["P1D", "PT1H30M"],
        "email" | "idn-email" => &["user@example.com"],
        "hostname" | "idn-hostname" => &["example.com"],
        "ipv4" => &["192.0.2.1"],
        "ipv6" => &["2001:db8::1"],
        "uri" | "iri" => &["https://example.com/a"],
        "uri-reference" | "iri-reference" => &["/a", "https://example.com/a"],
        "uri-template" => &["https://example.com/{id}"],
        "uuid" => &["123e4567-e89b-12d3-a456-426614174000"],
        "json-pointer" => &["/a/0"],
        "relative-json-pointer" => &["0/a"],
        "regex" => &["^a+$"],
        _ => &[],
    }
}

/// Strings that match `pattern` (as a search, so also anchored ones), built
/// from its syntax tree with a few choices of repetition counts and
/// alternatives. Empty when the pattern uses syntax this parser lacks
/// (look-around, back-references).
pub(super) fn pattern_samples(pattern: &str) -> Vec<String> {
    let Ok(hir) = regex_syntax::Parser::new().parse(pattern) else {
        return Vec::new();
    };
    let mut out: Vec<String> = Vec::new();
    for extra in [0, 1, 3] {
        for choice in [0, 1, 2] {
            let mut s = String::new();
            sample(&hir, extra, choice, &mut s);
            if !out.contains(&s) {
                out.push(s);
            }
        }
    }
    out
}

fn sample(hir: &Hir, extra: u32, choice: usize, out: &mut String) {
    if out.chars().count() > MAX_SAMPLE_CHARS {
        return;
    }
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(literal) => out.push_str(&String::from_utf8_lossy(&literal.0)),
        HirKind::Class(class) => {
            if let Some(c) = pick(class, choice) {
                out.push(c);
            }
        }
        HirKind::Repetition(rep) => {
            let count = rep
                .min
                .saturating_add(extra)
                .min(rep.max.unwrap_or(u32::MAX));
            for _ in 0..count {
                sample(&rep.sub, extra, choice, out);
                if out.chars().count() > MAX_SAMPLE_CHARS {
                    break;
                }
            }
        }
        HirKind::Capture(capture) => sample(&capture.sub, extra, choice, out),
        HirKind::Concat(parts) => {
            for part in parts {
                sample(part, extra, choice, out);
            }
        }
        HirKind::Alternation(alternatives) => {
            if let Some(alternative) = alternatives.get(choice % alternatives.len().max(1)) {
                sample(alternative, extra, choice, out);
            }
        }
    }
}

/// A character of `class`: the `choice`-th preferred one it contains, else
/// its first.
fn pick(class: &Class, choice: usize) -> Option<char> {
    let contains = |c: char| match class {
        Class::Unicode(u) => u.ranges().iter().any(|r| r.start() <= c && c <= r.end()),
        Class::Bytes(b) => {
            u8::try_from(c).is_ok_and(|c| b.ranges().iter().any(|r| r.start() <= c && c <= r.end()))
        }
    };
    let preferred: Vec<char> = PREFERRED.chars().filter(|c| contains(*c)).collect();
    if !preferred.is_empty() {
        return Some(preferred[choice % preferred.len()]);
    }
    match class {
        Class::Unicode(u) => u.ranges().first().map(|r| r.start()),
        Class::Bytes(b) => b.ranges().first().map(|r| char::from(r.start())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(pattern: &str) {
        let re = fancy_regex::Regex::new(pattern).unwrap();
        let samples = pattern_samples(pattern);
        assert!(!samples.is_empty(), "{pattern}");
        for s in samples {
            assert!(re.is_match(&s).unwrap(), "{pattern} !~ {s:?}");
        }
    }

    #[test]
    fn samples_match_their_pattern() {
        check("^[A-Z]{3}$");
        check("^ord-[0-9a-f]{8}$");
        check(r"^\d+(\.\d{2})?$");
        check("^(EUR|USD|GBP)$");
        check("x");
        check(r"^[^@\s]+@[^@\s]+$");
    }

    #[test]
    fn unsupported_syntax_gives_no_samples() {
        assert!(pattern_samples("^(?=a)a$").is_empty());
    }
}
