//! Turns the raw differences of both reading directions into [`Change`]s:
//! one list in old → new terms, each marked with the readers it breaks and a
//! sentence that says what changed and why that breaks them.

use std::collections::HashMap;

use serde_json::Value;

use super::{RawChange, raw_changes};
use crate::change::{Breaks, Change, ChangeKind};
use crate::json::JsonSchema;
use crate::limits::Work;
use crate::pointer;
use crate::vocabulary::{CompatError, Directions, Policy};

/// Every change from `old` to `new`. Judging `directions.backward`, changes
/// that stop new readers reading old data are marked; judging
/// `directions.forward`, those that stop old readers reading new data.
pub(crate) fn changes(
    old: &JsonSchema,
    new: &JsonSchema,
    policy: Policy,
    directions: Directions,
    work: &Work,
) -> Result<Vec<Change>, CompatError> {
    // Each change with the reverse-direction difference that breaks old readers.
    let mut list: Vec<(Change, Option<RawChange>)> = Vec::new();
    if directions.any() {
        for raw in raw_changes(old, new, policy, work)? {
            let breaking = directions.backward && !raw.kind.is_compatible(policy);
            list.push((
                Change {
                    breaks: Breaks {
                        backward: breaking,
                        forward: false,
                    },
                    message: String::new(),
                    example: None,
                    against: None,
                    kind: raw.kind,
                    path: raw.path,
                    old: raw.old,
                    new: raw.new,
                },
                None,
            ));
        }
    }
    if directions.forward {
        // The backward changes by path, so that pairing each forward change
        // with one costs the changes at its path, not every change.
        let mut at_path: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, (c, _)) in list.iter().enumerate() {
            at_path.entry(c.path.clone()).or_default().push(i);
        }
        for raw in raw_changes(new, old, policy, work)? {
            if raw.kind.is_compatible(policy) {
                continue;
            }
            let mirrored = mirror(raw.kind);
            let here = at_path
                .get(&raw.path)
                .map(Vec::as_slice)
                .unwrap_or_default();
            let pair = here
                .iter()
                .copied()
                .find(|&i| list[i].1.is_none() && list[i].0.kind == mirrored)
                .or_else(|| here.iter().copied().find(|&i| list[i].1.is_none()));
            match pair {
                Some(i) => {
                    list[i].0.breaks.forward = true;
                    list[i].1 = Some(raw);
                }
                None => list.push((
                    Change {
                        kind: mirrored,
                        path: raw.path.clone(),
                        old: raw.new.clone(),
                        new: raw.old.clone(),
                        breaks: Breaks {
                            backward: false,
                            forward: true,
                        },
                        message: String::new(),
                        example: None,
                        against: None,
                    },
                    Some(raw),
                )),
            }
        }
    }
    Ok(list
        .into_iter()
        .map(|(mut change, reverse)| {
            change.message = message(&change, reverse.as_ref());
            change
        })
        .collect())
}

/// The kind that names the same difference seen from the other side
/// (`MAX_LENGTH_DECREASED` for `MAX_LENGTH_INCREASED`), when there is one.
fn mirror(kind: ChangeKind) -> ChangeKind {
    let name = kind.name();
    let swaps = [
        ("_ADDED", "_REMOVED"),
        ("_REMOVED", "_ADDED"),
        ("_INCREASED", "_DECREASED"),
        ("_DECREASED", "_INCREASED"),
        ("_EXTENDED", "_NARROWED"),
        ("_NARROWED", "_EXTENDED"),
        ("_EXPANDED", "_REDUCED"),
        ("_REDUCED", "_EXPANDED"),
    ];
    for (from, to) in swaps {
        if let Some(stem) = name.strip_suffix(from) {
            if let Some(found) = ChangeKind::from_name(&format!("{stem}{to}")) {
                return found;
            }
        }
    }
    kind
}

fn show(value: &Option<Value>) -> String {
    match value {
        Some(Value::String(s)) => format!("`{s}`"),
        Some(v) => v.to_string(),
        None => "nothing".to_string(),
    }
}

/// What changed, in old → new terms.
fn what(c: &Change) -> String {
    use ChangeKind::*;
    let name = pointer::last(&c.path);
    let (old, new) = (show(&c.old), show(&c.new));
    match c.kind {
        IdChanged => format!("$id changed from {old} to {new}"),
        TitleChanged => "title changed".into(),
        DescriptionChanged => "description changed".into(),
        DefaultChanged => format!("default changed from {old} to {new}"),
        SchemaAdded => format!("an item schema was added: {new}"),
        SchemaRemoved => "the item schema was removed".into(),
        TypeExtended => "type widened from integer to number".into(),
        TypeNarrowed => "type narrowed from number to integer".into(),
        TypeChanged => format!("type changed from {} to {}", plain(&c.old), plain(&c.new)),
        RequiredAttributeAdded => format!("property `{name}` became required"),
        RequiredAttributeWithDefaultAdded => {
            format!("property `{name}` became required (it has a default)")
        }
        RequiredAttributeRemoved => format!("property `{name}` is no longer required"),
        RequiredPropertyAddedToOpenContentModel | RequiredPropertyAddedToUnopenContentModel => {
            format!("required property `{name}` was added")
        }
        RequiredPropertyWithDefaultAddedToOpenContentModel
        | RequiredPropertyWithDefaultAddedToUnopenContentModel => {
            format!("required property `{name}` was added, with a default")
        }
        OptionalPropertyAddedToOpenContentModel => {
            format!(
                "optional property `{name}` was added as {new} where undeclared properties were allowed"
            )
        }
        OptionalPropertyAddedToUnopenContentModel => {
            format!("optional property `{name}` was added")
        }
        PropertyWithEmptySchemaAddedToOpenContentModel => {
            format!("property `{name}` was declared with an empty schema")
        }
        PropertyRemovedFromOpenContentModel => {
            format!("property `{name}` was removed (undeclared properties are allowed)")
        }
        PropertyWithFalseRemovedFromClosedContentModel => {
            format!("forbidden property `{name}` was removed")
        }
        PropertyRemovedFromClosedContentModel => {
            format!("property `{name}` was removed where undeclared properties are forbidden")
        }
        PropertyRemovedIsCoveredByPartiallyOpenContentModel => {
            format!(
                "property `{name}` was removed; the schema for undeclared properties still accepts it"
            )
        }
        PropertyRemovedNotCoveredByPartiallyOpenContentModel => {
            format!(
                "property `{name}` was removed; the schema for undeclared properties does not accept its old values"
            )
        }
        PropertyAddedIsCoveredByPartiallyOpenContentModel => {
            format!(
                "property `{name}` was declared; it accepts what the old schema allowed under that name"
            )
        }
        PropertyAddedNotCoveredByPartiallyOpenContentModel => {
            format!(
                "property `{name}` was declared, narrower than what the old schema allowed under that name ({old})"
            )
        }
        PatternPropertyAddedToOpenContentModel => format!(
            "patternProperties `{name}` was added as {new} where undeclared properties were free"
        ),
        PatternPropertyAddedToUnopenContentModel => format!("patternProperties `{name}` was added"),
        PatternPropertyRemoved => format!("patternProperties `{name}` was removed"),
        AdditionalPropertiesAdded => "additional properties are now allowed".into(),
        AdditionalPropertiesRemoved => "additional properties are now forbidden".into(),
        AdditionalPropertiesExtended => "additional properties are no longer constrained".into(),
        AdditionalPropertiesNarrowed => {
            format!("additional properties are now constrained to {new}")
        }
        UnevaluatedPropertiesAdded => "unevaluated properties are now allowed".into(),
        UnevaluatedPropertiesRemoved => "unevaluated properties are now forbidden".into(),
        UnevaluatedPropertiesExtended => "unevaluated properties are no longer constrained".into(),
        UnevaluatedPropertiesNarrowed => {
            format!("unevaluated properties are now constrained to {new}")
        }
        AdditionalItemsAdded => "extra items are now allowed".into(),
        AdditionalItemsRemoved => "extra items are now forbidden".into(),
        AdditionalItemsExtended => "extra items are no longer constrained".into(),
        AdditionalItemsNarrowed => format!("extra items are now constrained to {new}"),
        UnevaluatedItemsAdded => "unevaluated items are now allowed".into(),
        UnevaluatedItemsRemoved => "unevaluated items are now forbidden".into(),
        UnevaluatedItemsExtended => "unevaluated items are no longer constrained".into(),
        UnevaluatedItemsNarrowed => format!("unevaluated items are now constrained to {new}"),
        ItemAddedToOpenContentModel
        | ItemWithEmptySchemaAddedToOpenContentModel
        | ItemAddedToClosedContentModel => {
            format!("tuple position {name} was added as {new}")
        }
        ItemAddedIsCoveredByPartiallyOpenContentModel
        | ItemAddedNotCoveredByPartiallyOpenContentModel => {
            format!("tuple position {name} was added as {new} (extra items were {old})")
        }
        ItemRemovedFromOpenContentModel
        | ItemWithFalseRemovedFromClosedContentModel
        | ItemRemovedFromClosedContentModel
        | ItemRemovedIsCoveredByPartiallyOpenContentModel
        | ItemRemovedNotCoveredByPartiallyOpenContentModel => {
            format!("tuple position {name} ({old}) was removed")
        }
        EnumArrayExtended => format!("enum gained values: {}", set_difference(&c.new, &c.old)),
        EnumArrayNarrowed => format!("enum lost values: {}", set_difference(&c.old, &c.new)),
        EnumArrayChanged if c.path.ends_with("/const") => {
            format!("const changed from {old} to {new}")
        }
        EnumArrayChanged => format!("enum changed from {old} to {new}"),
        CombinedTypeExtended => format!("combinator widened from {old} to {new}"),
        CombinedTypeChanged => format!("combinator changed from {old} to {new}"),
        ProductTypeExtended => "allOf gained subschemas".into(),
        ProductTypeNarrowed => "allOf lost subschemas".into(),
        SumTypeExtended => "more alternatives are accepted".into(),
        SumTypeNarrowed => "alternatives were removed".into(),
        CombinedTypeSubschemasChanged => {
            "the subschemas changed so that some old alternative has no compatible new one".into()
        }
        OneOfBranchesOverlap => {
            format!("oneOf branches {old} and {new} may both match the same value")
        }
        NotTypeExtended => format!("`not` now excludes more: {new}"),
        NotTypeNarrowed => format!("`not` now excludes less: {new}"),
        ConditionalChanged => format!("if/then/else changed ({} {new})", pointer::last(&c.path)),
        DependencyArrayAdded => {
            format!("properties {new} are now required when `{name}` is present")
        }
        DependencyArrayRemoved => format!("the dependency of `{name}` was removed"),
        DependencyArrayExtended | DependencyArrayNarrowed | DependencyArrayChanged => {
            format!("the properties required with `{name}` changed from {old} to {new}")
        }
        DependencySchemaAdded => format!("a schema now applies when `{name}` is present: {new}"),
        DependencySchemaRemoved => {
            format!("the schema that applied when `{name}` is present was removed")
        }
        PropertyNamesAdded => format!("property names are now constrained by {new}"),
        PropertyNamesRemoved => "property names are no longer constrained".into(),
        ContainsAdded => format!("arrays must now contain an item matching {new}"),
        ContainsRemoved => "arrays no longer need to contain a matching item".into(),
        ContainsChanged => format!(
            "`contains` now matches more items ({new}, was {old}), and `maxContains` caps how many may match"
        ),
        SchemaTypeChanged => format!("schema type changed from {old} to {new}"),
        kind => bound_text(kind, &name, &old, &new),
    }
}

fn plain(value: &Option<Value>) -> String {
    match value {
        Some(Value::String(s)) => s.clone(),
        other => show(other),
    }
}

fn bound_text(kind: ChangeKind, keyword: &str, old: &str, new: &str) -> String {
    let name = kind.name();
    if name.ends_with("_ADDED") {
        format!("{keyword} {new} was added")
    } else if name.ends_with("_REMOVED") {
        format!("{keyword} {old} was removed")
    } else if name.ends_with("_INCREASED") || name.ends_with("_EXPANDED") {
        format!("{keyword} raised from {old} to {new}")
    } else if name.ends_with("_DECREASED") || name.ends_with("_REDUCED") {
        format!("{keyword} lowered from {old} to {new}")
    } else {
        format!("{keyword} changed from {old} to {new}")
    }
}

fn set_difference(a: &Option<Value>, b: &Option<Value>) -> String {
    let (Some(Value::Array(a)), Some(Value::Array(b))) = (a, b) else {
        return String::new();
    };
    let others = crate::json::canonical::ValueSet::new(b);
    let only: Vec<String> = a
        .iter()
        .filter(|v| !others.contains(v))
        .map(Value::to_string)
        .collect();
    only.join(", ")
}

/// Why data written with one side fails the other side's reader, for a kind
/// found in that reading direction; `writer` is "old" or "new", and
/// `written` what the writer's schema said at that place.
fn why(kind: ChangeKind, name: &str, writer: &str, written: &Option<Value>) -> String {
    use ChangeKind::*;
    match kind {
        TypeChanged | TypeNarrowed => format!("{writer} {} values are rejected", plain(written)),
        RequiredAttributeAdded
        | RequiredPropertyAddedToOpenContentModel
        | RequiredPropertyAddedToUnopenContentModel => format!("{writer} data may lack `{name}`"),
        RequiredAttributeWithDefaultAdded
        | RequiredPropertyWithDefaultAddedToOpenContentModel
        | RequiredPropertyWithDefaultAddedToUnopenContentModel => {
            format!(
                "{writer} data may lack `{name}`, and validating readers do not fill in defaults"
            )
        }
        OptionalPropertyAddedToOpenContentModel | PatternPropertyAddedToOpenContentModel => {
            format!(
                "{writer} data may carry `{name}` with any value, because its schema allowed undeclared properties"
            )
        }
        PropertyRemovedFromClosedContentModel
        | PropertyRemovedNotCoveredByPartiallyOpenContentModel => {
            format!("{writer} data may carry `{name}`, which the reader's schema does not accept")
        }
        PropertyAddedNotCoveredByPartiallyOpenContentModel
        | ItemAddedNotCoveredByPartiallyOpenContentModel => {
            format!("{writer} data may hold values there that the narrower schema rejects")
        }
        AdditionalPropertiesRemoved
        | AdditionalPropertiesNarrowed
        | UnevaluatedPropertiesRemoved
        | UnevaluatedPropertiesNarrowed => {
            format!("{writer} data may carry undeclared properties the reader rejects")
        }
        AdditionalItemsRemoved
        | AdditionalItemsNarrowed
        | UnevaluatedItemsRemoved
        | UnevaluatedItemsNarrowed
        | ItemRemovedFromClosedContentModel
        | ItemRemovedNotCoveredByPartiallyOpenContentModel => {
            format!("{writer} data may hold items the reader rejects")
        }
        ItemAddedToOpenContentModel => format!("{writer} data may hold any value at that position"),
        SchemaAdded
        | CombinedTypeChanged
        | CombinedTypeSubschemasChanged
        | SumTypeNarrowed
        | ProductTypeExtended
        | SchemaTypeChanged => format!("{writer} values of the other shape are rejected"),
        EnumArrayNarrowed | EnumArrayChanged => {
            format!("{writer} data may hold values the reader no longer lists")
        }
        OneOfBranchesOverlap => format!(
            "a value written with the {writer} schema may match both branches and fail `oneOf`"
        ),
        NotTypeExtended => format!("{writer} data may hold values the reader now excludes"),
        ConditionalChanged => {
            format!("{writer} data was never checked against the reader's condition")
        }
        DependencyArrayAdded
        | DependencyArrayExtended
        | DependencyArrayChanged
        | DependencySchemaAdded => {
            format!("{writer} data with `{name}` may lack what the reader now demands with it")
        }
        PropertyNamesAdded => format!("{writer} data may use property names the reader rejects"),
        ContainsAdded => format!("{writer} arrays may lack such an item"),
        ContainsChanged => {
            format!("{writer} arrays may hold more matching items than `maxContains` allows")
        }
        FormatAdded | FormatChanged | PatternAdded | PatternChanged => {
            format!(
                "{writer} strings were never checked against the reader's {}",
                if kind == FormatAdded || kind == FormatChanged {
                    "format"
                } else {
                    "pattern"
                }
            )
        }
        ContentEncodingAdded
        | ContentEncodingChanged
        | ContentMediaTypeAdded
        | ContentMediaTypeChanged => {
            format!("{writer} strings were never checked against the reader's {name}")
        }
        _ => format!("{writer} data may fall outside the reader's {name}"),
    }
}

fn message(c: &Change, reverse: Option<&RawChange>) -> String {
    let name = pointer::last(&c.path);
    let mut parts = Vec::new();
    if c.breaks.backward {
        parts.push(format!(
            "breaks readers using the new schema: {}",
            why(c.kind, &name, "old", &c.old)
        ));
    }
    if c.breaks.forward {
        let (kind, written) = reverse.map_or((c.kind, &c.new), |r| (r.kind, &r.old));
        parts.push(format!(
            "breaks readers still on the old schema: {}",
            why(kind, &name, "new", written)
        ));
    }
    let consequence = if parts.is_empty() {
        "compatible".to_string()
    } else {
        parts.join("; ")
    };
    format!("{} — {consequence}", what(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mirrors_symmetric_kinds() {
        assert_eq!(
            mirror(ChangeKind::MaxLengthIncreased),
            ChangeKind::MaxLengthDecreased
        );
        assert_eq!(
            mirror(ChangeKind::EnumArrayExtended),
            ChangeKind::EnumArrayNarrowed
        );
        assert_eq!(
            mirror(ChangeKind::MultipleOfExpanded),
            ChangeKind::MultipleOfReduced
        );
        assert_eq!(mirror(ChangeKind::TypeChanged), ChangeKind::TypeChanged);
    }
}
