//! JSON Schema drafts and how `$schema` names them.

use std::fmt;

/// The formats a later draft defined that Charter asserts in every draft
/// (see [`Draft::asserts_format`]).
pub const LATER_DRAFT_FORMATS: [&str; 6] = [
    "json-pointer",
    "uri-reference",
    "uri-template",
    "relative-json-pointer",
    "duration",
    "uuid",
];

/// A JSON Schema draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Draft {
    /// Draft 4.
    Draft4,
    /// Draft 6.
    Draft6,
    /// Draft 7 (the default when `$schema` is absent).
    Draft7,
    /// Draft 2019-09.
    Draft201909,
    /// Draft 2020-12.
    Draft202012,
}

impl Draft {
    /// The draft a `$schema` URI names, or `None` for an unknown URI.
    pub fn from_uri(uri: &str) -> Option<Draft> {
        let trimmed = uri.trim_end_matches('#');
        let path = trimmed
            .strip_prefix("https://")
            .or_else(|| trimmed.strip_prefix("http://"))?;
        match path {
            "json-schema.org/draft-04/schema" => Some(Draft::Draft4),
            "json-schema.org/draft-06/schema" => Some(Draft::Draft6),
            "json-schema.org/draft-07/schema" => Some(Draft::Draft7),
            "json-schema.org/draft/2019-09/schema" => Some(Draft::Draft201909),
            "json-schema.org/draft/2020-12/schema" => Some(Draft::Draft202012),
            _ => None,
        }
    }

    /// Whether `keyword` exists in this draft. A keyword of a later draft is
    /// an unknown keyword here: it asserts nothing, so the validator ignores
    /// it and so must the comparison (`dependentRequired` in a draft-07
    /// schema is an annotation, not a rule).
    pub fn knows_keyword(self, keyword: &str) -> bool {
        let since = match keyword {
            "const" | "contains" | "propertyNames" => Draft::Draft6,
            "if" | "then" | "else" => Draft::Draft7,
            "dependentRequired"
            | "dependentSchemas"
            | "unevaluatedProperties"
            | "unevaluatedItems"
            | "minContains"
            | "maxContains" => Draft::Draft201909,
            "prefixItems" => Draft::Draft202012,
            _ => Draft::Draft4,
        };
        self >= since
    }

    /// Whether `$ref` sits beside other keywords (2019-09 on) rather than
    /// replacing them (draft 7 and before).
    pub fn ref_has_siblings(self) -> bool {
        self >= Draft::Draft201909
    }

    /// Whether Charter's validator asserts `format` in this draft. It
    /// ignores formats it does not know, as the drafts allow. Formats that a
    /// later draft defined (`uuid` and `duration` in 2019-09,
    /// `relative-json-pointer` in draft 7, `json-pointer`, `uri-reference`
    /// and `uri-template` in draft 6) are asserted in every draft, as
    /// ajv-formats and Python's jsonschema assert them: a draft-07 schema
    /// with `"format": "uuid"` means a UUID to the clients that validate it.
    /// `iri` and `iri-reference` (which ajv-formats does not know) stay draft
    /// 7 on; `idn-email` and `idn-hostname` need the validator's `idna`
    /// feature, which Charter does not enable.
    pub fn asserts_format(self, format: &str) -> bool {
        match format {
            "date" | "date-time" | "time" | "email" | "hostname" | "ipv4" | "ipv6" | "uri"
            | "regex" => true,
            _ if LATER_DRAFT_FORMATS.contains(&format) => true,
            "iri" | "iri-reference" => self >= Draft::Draft7,
            _ => false,
        }
    }

    /// Whether the `jsonschema` crate asserts `format` in this draft by
    /// itself; the formats of [`LATER_DRAFT_FORMATS`] it does not are
    /// registered with it as custom formats.
    pub(crate) fn validator_asserts_format(self, format: &str) -> bool {
        match format {
            "json-pointer" | "uri-reference" | "uri-template" => self >= Draft::Draft6,
            "relative-json-pointer" => self >= Draft::Draft7,
            "duration" | "uuid" => self >= Draft::Draft201909,
            _ => self.asserts_format(format),
        }
    }

    /// Whether `contentEncoding` and `contentMediaType` are assertions (the
    /// validator checks them in drafts 6 and 7; later drafts made them
    /// annotations, and draft 4 does not have them).
    pub fn asserts_content(self) -> bool {
        matches!(self, Draft::Draft6 | Draft::Draft7)
    }

    /// The keyword that names a schema resource (`id` in draft 4).
    pub fn id_keyword(self) -> &'static str {
        if self == Draft::Draft4 { "id" } else { "$id" }
    }

    /// The `jsonschema` crate's name for this draft.
    pub(crate) fn validator_draft(self) -> jsonschema::Draft {
        match self {
            Draft::Draft4 => jsonschema::Draft::Draft4,
            Draft::Draft6 => jsonschema::Draft::Draft6,
            Draft::Draft7 => jsonschema::Draft::Draft7,
            Draft::Draft201909 => jsonschema::Draft::Draft201909,
            Draft::Draft202012 => jsonschema::Draft::Draft202012,
        }
    }
}

impl fmt::Display for Draft {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Draft::Draft4 => "draft-04",
            Draft::Draft6 => "draft-06",
            Draft::Draft7 => "draft-07",
            Draft::Draft201909 => "2019-09",
            Draft::Draft202012 => "2020-12",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_every_spelling() {
        assert_eq!(
            Draft::from_uri("http://json-schema.org/draft-04/schema#"),
            Some(Draft::Draft4)
        );
        assert_eq!(
            Draft::from_uri("https://json-schema.org/draft-07/schema"),
            Some(Draft::Draft7)
        );
        assert_eq!(
            Draft::from_uri("https://json-schema.org/draft/2020-12/schema"),
            Some(Draft::Draft202012)
        );
        assert_eq!(Draft::from_uri("https://example.com/my-meta"), None);
    }
}
