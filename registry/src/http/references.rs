//! How a schema's references are answered. Charter keeps a reference with
//! the context of the subject it names (a reference posted as `address`
//! from a subject of `.ctx` is kept as `:.ctx:address`: that is the subject
//! it resolves to, and part of the schema's identity). The peer keeps and
//! serves references as posted, and qualifies them only when asked
//! (`referenceFormat=qualified` on a version or an id read), with the
//! context of the subject read (its `qualifySubjectWithParent`). So a
//! version of a subject in a context answers a reference to a subject of
//! the same context by its bare name, as it is posted and as the peer
//! answers it; one to another context with that context; one to the
//! default context as `:.:name` (a bare name there would mean the
//! context's own subject).

use std::borrow::Cow;

use serde::Serialize;

use crate::model::{Reference, context_of, context_scope_name};

/// A reference as answered.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Reference)]
pub struct ReferenceView<'a> {
    /// The name the schema imports it by.
    name: &'a str,
    /// The subject holding it.
    #[schema(value_type = String)]
    subject: Cow<'a, str>,
    /// Its version in that subject.
    version: i32,
}

/// The form a read answers references in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferenceForm {
    /// As posted from a subject of the read's context (the default).
    AsPosted,
    /// `referenceFormat=qualified`: every subject with its context.
    Qualified,
}

impl ReferenceForm {
    /// The form `referenceFormat` asks for (only `qualified` changes it).
    pub fn asked(reference_format: Option<&str>) -> ReferenceForm {
        match reference_format {
            Some("qualified") => ReferenceForm::Qualified,
            _ => ReferenceForm::AsPosted,
        }
    }
}

/// The references of a schema as stored (a read in the default context).
pub fn references(refs: &[Reference]) -> Vec<ReferenceView<'_>> {
    references_from(refs, None, ReferenceForm::AsPosted)
}

/// The references of a schema read from `parent` (a subject, or a context
/// written `:.ctx:`), in `form`.
pub fn references_from<'a>(
    refs: &'a [Reference],
    parent: Option<&str>,
    form: ReferenceForm,
) -> Vec<ReferenceView<'a>> {
    let context = parent.and_then(context_of);
    refs.iter()
        .map(|r| ReferenceView {
            name: &r.name,
            subject: served(&r.subject, context, form),
            version: r.version.0,
        })
        .collect()
}

/// A stored reference's subject as answered from `context` (none: the
/// default context, where stored and posted agree).
fn served<'a>(stored: &'a str, context: Option<&str>, form: ReferenceForm) -> Cow<'a, str> {
    let Some(context) = context else {
        return Cow::Borrowed(stored);
    };
    match context_of(stored) {
        None => Cow::Owned(format!(":.:{stored}")),
        Some(own) if own == context && form == ReferenceForm::AsPosted => {
            match stored.strip_prefix(&context_scope_name(context)) {
                // A bare name that reads back as the same subject.
                Some(bare) if !bare.is_empty() && !bare.starts_with(':') => Cow::Borrowed(bare),
                _ => Cow::Borrowed(stored),
            }
        }
        Some(_) => Cow::Borrowed(stored),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(stored: &str, parent: Option<&str>, form: ReferenceForm, expect: &str) {
        let context = parent.and_then(context_of);
        assert_eq!(
            served(stored, context, form),
            expect,
            "{stored} from {parent:?}"
        );
    }

    #[test]
    fn references_are_answered_as_posted_from_the_parents_context() {
        use ReferenceForm::{AsPosted, Qualified};
        check("address", None, AsPosted, "address");
        check(":.ctx:address", None, AsPosted, ":.ctx:address");
        check(":.ctx:address", Some(":.ctx:person"), AsPosted, "address");
        check(":.ctx:address", Some(":.ctx:"), AsPosted, "address");
        check(
            ":.ctx:address",
            Some(":.ctx:person"),
            Qualified,
            ":.ctx:address",
        );
        check(
            ":.other:address",
            Some(":.ctx:person"),
            AsPosted,
            ":.other:address",
        );
        check("address", Some(":.ctx:person"), AsPosted, ":.:address");
        check("address", Some(":.ctx:person"), Qualified, ":.:address");
        check(":.ctx:", Some(":.ctx:person"), AsPosted, ":.ctx:");
    }
}
