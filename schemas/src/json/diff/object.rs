//! Objects: properties under open, closed and partially open content models,
//! `required`, dependencies, `additionalProperties`, `unevaluatedProperties`,
//! `patternProperties`, `propertyNames` and property counts.

use super::scalar::{count_bound, kinds};
use super::{Differ, Out, deref};
use crate::change::ChangeKind;
use crate::json::JsonSchema;
use crate::json::draft::Draft;
use crate::json::node::{NodeId, Shape, Typed};
use crate::pointer;
use crate::vocabulary::{CompatError, Policy};

/// What a schema lets through under one property name it does not declare.
#[derive(Debug, Clone, PartialEq)]
enum Model {
    /// Any value.
    Open,
    /// Values valid against every one of these schemas.
    Partial(Vec<NodeId>),
    /// Nothing.
    Closed,
}

/// How a schema-valued keyword (`additionalProperties`, ...) lets values through.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Allowed {
    Any,
    Nothing,
    Schema(NodeId),
}

pub(super) fn allowed(schema: &JsonSchema, slot: Option<NodeId>) -> Allowed {
    match slot.map(|id| deref(&schema.nodes, id)) {
        None => Allowed::Any,
        Some(id) => match schema.nodes[id].shape {
            Shape::Any => Allowed::Any,
            Shape::Never => Allowed::Nothing,
            _ => Allowed::Schema(id),
        },
    }
}

pub(super) fn is_any(schema: &JsonSchema, id: NodeId) -> bool {
    matches!(schema.nodes[deref(&schema.nodes, id)].shape, Shape::Any)
}

fn is_never(schema: &JsonSchema, id: NodeId) -> bool {
    matches!(schema.nodes[deref(&schema.nodes, id)].shape, Shape::Never)
}

fn matches(pattern: &str, name: &str) -> bool {
    fancy_regex::Regex::new(pattern)
        .ok()
        .and_then(|re| re.is_match(name).ok())
        .unwrap_or(false)
}

/// The content model of `t` for the undeclared name `name`. With `first_only`
/// the first matching pattern stands for all (enough when the model is the
/// writer's: the real constraint is stricter).
fn model(schema: &JsonSchema, t: &Typed, name: &str, first_only: bool) -> Model {
    let mut patterns: Vec<NodeId> = t
        .pattern_properties
        .iter()
        .filter(|(re, _)| matches(re, name))
        .map(|(_, id)| *id)
        .collect();
    if first_only {
        patterns.truncate(1);
    }
    patterns.retain(|id| !is_any(schema, *id));
    if !patterns.is_empty() {
        return if patterns.iter().any(|id| is_never(schema, *id)) {
            Model::Closed
        } else {
            Model::Partial(patterns)
        };
    }
    if t.pattern_properties.iter().any(|(re, _)| matches(re, name)) {
        return Model::Open;
    }
    match allowed(schema, t.additional_properties) {
        Allowed::Nothing => Model::Closed,
        Allowed::Schema(id) => Model::Partial(vec![id]),
        Allowed::Any => match allowed(schema, t.unevaluated_properties) {
            Allowed::Any => Model::Open,
            Allowed::Nothing => Model::Closed,
            Allowed::Schema(id) => Model::Partial(vec![id]),
        },
    }
}

/// The kinds of one schema-valued keyword compared four ways.
pub(super) struct SlotKinds {
    pub(super) added: ChangeKind,
    pub(super) removed: ChangeKind,
    pub(super) extended: ChangeKind,
    pub(super) narrowed: ChangeKind,
}

impl Differ<'_> {
    /// Compares a schema-valued keyword: forbidden → allowed is ADDED,
    /// allowed → forbidden REMOVED, schema → anything EXTENDED, anything →
    /// schema NARROWED, schema → schema compared recursively.
    pub(super) fn slot(
        &mut self,
        path: &str,
        kinds: SlotKinds,
        old: Option<NodeId>,
        new: Option<NodeId>,
        out: &mut Out,
    ) -> Result<(), CompatError> {
        let (o, u) = (allowed(self.original, old), allowed(self.update, new));
        let kind = match (o, u) {
            (Allowed::Nothing, Allowed::Any | Allowed::Schema(_)) => kinds.added,
            (Allowed::Any | Allowed::Schema(_), Allowed::Nothing) => kinds.removed,
            (Allowed::Schema(_), Allowed::Any) => kinds.extended,
            (Allowed::Any, Allowed::Schema(_)) => kinds.narrowed,
            (Allowed::Schema(a), Allowed::Schema(b)) => {
                let changes = self.compare(a, b)?;
                out.extend(path, &changes);
                return Ok(());
            }
            _ => return Ok(()),
        };
        out.push(
            kind,
            path,
            old.map(|id| self.raw_o(id)),
            new.map(|id| self.raw_u(id)),
        );
        Ok(())
    }

    pub(super) fn object(
        &mut self,
        o: NodeId,
        u: NodeId,
        ot: &Typed,
        ut: &Typed,
        out: &mut Out,
    ) -> Result<(), CompatError> {
        // The writer's `unevaluatedProperties` lets through what sibling
        // applicators evaluate, which the content model cannot see: judge the
        // writer as if it were absent (it accepts at least as much).
        let writer_view;
        let ot = if ot.unevaluated_properties.is_some() && self.evaluates_in_place(o) {
            writer_view = Typed {
                unevaluated_properties: None,
                ..ot.clone()
            };
            &writer_view
        } else {
            ot
        };
        let legacy = self.update_draft(u) <= Draft::Draft7;
        self.properties(ot, ut, out)?;
        self.required(ot, ut, out);
        self.dependencies(ot, ut, legacy, out)?;
        self.slot(
            "/additionalProperties",
            SlotKinds {
                added: ChangeKind::AdditionalPropertiesAdded,
                removed: ChangeKind::AdditionalPropertiesRemoved,
                extended: ChangeKind::AdditionalPropertiesExtended,
                narrowed: ChangeKind::AdditionalPropertiesNarrowed,
            },
            ot.additional_properties,
            ut.additional_properties,
            out,
        )?;
        self.slot(
            "/unevaluatedProperties",
            SlotKinds {
                added: ChangeKind::UnevaluatedPropertiesAdded,
                removed: ChangeKind::UnevaluatedPropertiesRemoved,
                extended: ChangeKind::UnevaluatedPropertiesExtended,
                narrowed: ChangeKind::UnevaluatedPropertiesNarrowed,
            },
            ot.unevaluated_properties,
            ut.unevaluated_properties,
            out,
        )?;
        self.pattern_properties(ot, ut, out)?;
        match (ot.property_names, ut.property_names) {
            (None, Some(u)) if !is_any(self.update, u) => out.push(
                ChangeKind::PropertyNamesAdded,
                "/propertyNames",
                None,
                Some(self.raw_u(u)),
            ),
            (Some(o), None) if !is_any(self.original, o) => out.push(
                ChangeKind::PropertyNamesRemoved,
                "/propertyNames",
                Some(self.raw_o(o)),
                None,
            ),
            (Some(o), Some(u)) => {
                let changes = self.compare(o, u)?;
                out.extend("/propertyNames", &changes);
            }
            _ => {}
        }
        count_bound(
            out,
            kinds!(
                "maxProperties",
                MaxPropertiesAdded,
                MaxPropertiesRemoved,
                MaxPropertiesIncreased,
                MaxPropertiesDecreased
            ),
            ot.max_properties,
            ut.max_properties,
        );
        count_bound(
            out,
            kinds!(
                "minProperties",
                MinPropertiesAdded,
                MinPropertiesRemoved,
                MinPropertiesIncreased,
                MinPropertiesDecreased
            ),
            ot.min_properties,
            ut.min_properties,
        );
        Ok(())
    }

    fn properties(&mut self, ot: &Typed, ut: &Typed, out: &mut Out) -> Result<(), CompatError> {
        for (index, (name, u_prop)) in ut.properties.iter().enumerate() {
            // Properties usually keep their order: try the same position first.
            let same_place = ot
                .properties
                .get(index)
                .filter(|(n, _)| n == name)
                .map(|(_, id)| *id);
            if let Some(o_prop) = same_place.or_else(|| ot.property(name)) {
                let changes = self.compare(o_prop, *u_prop)?;
                if !changes.is_empty() {
                    out.extend(&format!("/properties/{}", pointer::escape(name)), &changes);
                }
                continue;
            }
            let path = format!("/properties/{}", pointer::escape(name));
            let required = ut.is_required(name);
            let has_default = self
                .unode(deref(&self.update.nodes, *u_prop))
                .annotations
                .default
                .is_some()
                || self.unode(*u_prop).annotations.default.is_some();
            let new = Some(self.raw_u(*u_prop));
            match model(self.original, ot, name, true) {
                Model::Open => {
                    let kind = match (required, has_default) {
                        (true, false) => ChangeKind::RequiredPropertyAddedToOpenContentModel,
                        (true, true) => {
                            ChangeKind::RequiredPropertyWithDefaultAddedToOpenContentModel
                        }
                        _ if is_any(self.update, *u_prop) => {
                            ChangeKind::PropertyWithEmptySchemaAddedToOpenContentModel
                        }
                        _ => ChangeKind::OptionalPropertyAddedToOpenContentModel,
                    };
                    out.push(kind, path, None, new);
                }
                model => {
                    if let Model::Partial(covers) = model {
                        let (ok, changes) = self.try_compare(covers[0], *u_prop)?;
                        out.extend(&path, &changes);
                        let kind = if ok {
                            ChangeKind::PropertyAddedIsCoveredByPartiallyOpenContentModel
                        } else {
                            ChangeKind::PropertyAddedNotCoveredByPartiallyOpenContentModel
                        };
                        out.push(kind, path.clone(), Some(self.raw_o(covers[0])), new.clone());
                    }
                    let kind = match (required, has_default) {
                        (true, false) => ChangeKind::RequiredPropertyAddedToUnopenContentModel,
                        (true, true) => {
                            ChangeKind::RequiredPropertyWithDefaultAddedToUnopenContentModel
                        }
                        _ => ChangeKind::OptionalPropertyAddedToUnopenContentModel,
                    };
                    out.push(kind, path, None, new);
                }
            }
        }
        for (name, o_prop) in &ot.properties {
            if ut.property(name).is_some() {
                continue;
            }
            let path = format!("/properties/{}", pointer::escape(name));
            let old = Some(self.raw_o(*o_prop));
            match model(self.update, ut, name, false) {
                Model::Open => out.push(
                    ChangeKind::PropertyRemovedFromOpenContentModel,
                    path,
                    old,
                    None,
                ),
                Model::Partial(covers) => {
                    let mut all_ok = true;
                    for cover in &covers {
                        let (ok, changes) = self.try_compare(*o_prop, *cover)?;
                        out.extend(&path, &changes);
                        all_ok &= ok;
                    }
                    let kind = if all_ok {
                        ChangeKind::PropertyRemovedIsCoveredByPartiallyOpenContentModel
                    } else {
                        ChangeKind::PropertyRemovedNotCoveredByPartiallyOpenContentModel
                    };
                    out.push(kind, path, old, Some(self.raw_u(covers[0])));
                }
                Model::Closed if is_never(self.original, *o_prop) => out.push(
                    ChangeKind::PropertyWithFalseRemovedFromClosedContentModel,
                    path,
                    old,
                    None,
                ),
                Model::Closed => out.push(
                    ChangeKind::PropertyRemovedFromClosedContentModel,
                    path,
                    old,
                    None,
                ),
            }
        }
        Ok(())
    }

    fn required(&self, ot: &Typed, ut: &Typed, out: &mut Out) {
        for name in &ut.required {
            if ot.is_required(name) {
                continue;
            }
            let in_old = ot.property(name).is_some();
            let in_new = ut.property(name);
            if in_new.is_some() && !in_old {
                continue; // reported as a property added
            }
            if self.policy == Policy::Confluent && !(in_old && in_new.is_some()) {
                // The peer compares `required` only for properties both
                // sides declare.
                continue;
            }
            let has_default = in_new.is_some_and(|id| {
                self.unode(id).annotations.default.is_some()
                    || self
                        .unode(deref(&self.update.nodes, id))
                        .annotations
                        .default
                        .is_some()
            });
            let kind = if has_default {
                ChangeKind::RequiredAttributeWithDefaultAdded
            } else {
                ChangeKind::RequiredAttributeAdded
            };
            out.push(
                kind,
                format!("/required/{}", pointer::escape(name)),
                None,
                Some(name.clone().into()),
            );
        }
        for name in &ot.required {
            if !ut.is_required(name) && ot.property(name).is_some() && ut.property(name).is_some() {
                out.push(
                    ChangeKind::RequiredAttributeRemoved,
                    format!("/required/{}", pointer::escape(name)),
                    Some(name.clone().into()),
                    None,
                );
            }
        }
    }

    fn dependencies(
        &mut self,
        ot: &Typed,
        ut: &Typed,
        legacy: bool,
        out: &mut Out,
    ) -> Result<(), CompatError> {
        let (array_kw, schema_kw) = if legacy {
            ("dependencies", "dependencies")
        } else {
            ("dependentRequired", "dependentSchemas")
        };
        let find = |list: &[(String, Vec<String>)], name: &str| {
            list.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
        };
        for (name, new) in &ut.dependent_required {
            let path = format!("/{array_kw}/{}", pointer::escape(name));
            let kind = match find(&ot.dependent_required, name) {
                None => ChangeKind::DependencyArrayAdded,
                Some(old) => {
                    let old_in_new = old.iter().all(|n| new.contains(n));
                    let new_in_old = new.iter().all(|n| old.contains(n));
                    match (old_in_new, new_in_old) {
                        (true, true) => continue,
                        (true, false) => ChangeKind::DependencyArrayExtended,
                        (false, true) => ChangeKind::DependencyArrayNarrowed,
                        (false, false) => ChangeKind::DependencyArrayChanged,
                    }
                }
            };
            let old = find(&ot.dependent_required, name).map(Into::into);
            out.push(kind, path, old, Some(new.clone().into()));
        }
        for (name, old) in &ot.dependent_required {
            if find(&ut.dependent_required, name).is_none() {
                out.push(
                    ChangeKind::DependencyArrayRemoved,
                    format!("/{array_kw}/{}", pointer::escape(name)),
                    Some(old.clone().into()),
                    None,
                );
            }
        }
        let find = |list: &[(String, NodeId)], name: &str| {
            list.iter().find(|(n, _)| n == name).map(|(_, v)| *v)
        };
        for (name, new) in &ut.dependent_schemas {
            let path = format!("/{schema_kw}/{}", pointer::escape(name));
            match find(&ot.dependent_schemas, name) {
                None => out.push(
                    ChangeKind::DependencySchemaAdded,
                    path,
                    None,
                    Some(self.raw_u(*new)),
                ),
                Some(old) => {
                    let changes = self.compare(old, *new)?;
                    out.extend(&path, &changes);
                }
            }
        }
        for (name, old) in &ot.dependent_schemas {
            if find(&ut.dependent_schemas, name).is_none() {
                out.push(
                    ChangeKind::DependencySchemaRemoved,
                    format!("/{schema_kw}/{}", pointer::escape(name)),
                    Some(self.raw_o(*old)),
                    None,
                );
            }
        }
        Ok(())
    }

    /// Charter's rules for `patternProperties`, which the peer ignores.
    fn pattern_properties(
        &mut self,
        ot: &Typed,
        ut: &Typed,
        out: &mut Out,
    ) -> Result<(), CompatError> {
        let find = |list: &[(String, NodeId)], re: &str| {
            list.iter().find(|(r, _)| r == re).map(|(_, id)| *id)
        };
        for (re, u_schema) in &ut.pattern_properties {
            let path = format!("/patternProperties/{}", pointer::escape(re));
            if let Some(o_schema) = find(&ot.pattern_properties, re) {
                let changes = self.compare(o_schema, *u_schema)?;
                out.extend(&path, &changes);
                continue;
            }
            if is_any(self.update, *u_schema) {
                continue;
            }
            // Declared properties that the new pattern now also constrains.
            for (name, o_prop) in &ot.properties {
                if ut.property(name).is_some() && matches(re, name) {
                    let changes = self.compare(*o_prop, *u_schema)?;
                    out.extend(&format!("/properties/{}", pointer::escape(name)), &changes);
                }
            }
            // Undeclared names the old schema let through.
            let old_cover = if ot.pattern_properties.is_empty() {
                match allowed(self.original, ot.additional_properties) {
                    Allowed::Nothing => None,
                    Allowed::Schema(id) => Some(Some(id)),
                    Allowed::Any => match allowed(self.original, ot.unevaluated_properties) {
                        Allowed::Nothing => None,
                        Allowed::Schema(id) => Some(Some(id)),
                        Allowed::Any => Some(None),
                    },
                }
            } else {
                Some(None)
            };
            let covered = match old_cover {
                None => true,
                Some(None) => false,
                Some(Some(cover)) => {
                    let (ok, changes) = self.try_compare(cover, *u_schema)?;
                    out.extend(&path, &changes);
                    ok
                }
            };
            let kind = if covered {
                ChangeKind::PatternPropertyAddedToUnopenContentModel
            } else {
                ChangeKind::PatternPropertyAddedToOpenContentModel
            };
            out.push(kind, path, None, Some(self.raw_u(*u_schema)));
        }
        for (re, o_schema) in &ot.pattern_properties {
            if find(&ut.pattern_properties, re).is_some() {
                continue;
            }
            let path = format!("/patternProperties/{}", pointer::escape(re));
            let new_cover = match allowed(self.update, ut.additional_properties) {
                Allowed::Any => allowed(self.update, ut.unevaluated_properties),
                other => other,
            };
            match new_cover {
                Allowed::Any => out.push(
                    ChangeKind::PatternPropertyRemoved,
                    path,
                    Some(self.raw_o(*o_schema)),
                    None,
                ),
                Allowed::Nothing if is_never(self.original, *o_schema) => {}
                Allowed::Nothing => out.push(
                    ChangeKind::PropertyRemovedFromClosedContentModel,
                    path,
                    Some(self.raw_o(*o_schema)),
                    None,
                ),
                Allowed::Schema(cover) => {
                    let changes = self.compare(*o_schema, cover)?;
                    out.extend(&path, &changes);
                    out.push(
                        ChangeKind::PatternPropertyRemoved,
                        path,
                        Some(self.raw_o(*o_schema)),
                        None,
                    );
                }
            }
        }
        Ok(())
    }
}
