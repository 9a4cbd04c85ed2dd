//! Arrays: `items` in list and tuple forms, extra and unevaluated items,
//! `contains`, counts and `uniqueItems`.

use super::object::{Allowed, SlotKinds, allowed, is_any};
use super::scalar::{count_bound, kinds};
use super::{Differ, Out};
use crate::change::ChangeKind;
use crate::json::JsonSchema;
use crate::json::draft::Draft;
use crate::json::node::{NodeId, Typed};
use crate::vocabulary::CompatError;

/// What an array schema lets through at a position past its tuple.
fn extra_items(schema: &JsonSchema, t: &Typed) -> Allowed {
    let slot = if t.additional_items_inert {
        t.items
    } else {
        t.additional_items.or(t.items)
    };
    match allowed(schema, slot) {
        Allowed::Any => allowed(schema, t.unevaluated_items),
        other => other,
    }
}

impl Differ<'_> {
    pub(super) fn array(
        &mut self,
        o: NodeId,
        u: NodeId,
        ot: &Typed,
        ut: &Typed,
        out: &mut Out,
    ) -> Result<(), CompatError> {
        // The writer's `unevaluatedItems` lets through items that `contains`
        // or sibling applicators evaluate: judge the writer without it.
        let writer_view;
        let ot = if ot.unevaluated_items.is_some()
            && (ot.contains.is_some() || self.evaluates_in_place(o))
        {
            writer_view = Typed {
                unevaluated_items: None,
                ..ot.clone()
            };
            &writer_view
        } else {
            ot
        };
        let modern = self.update_draft(u) >= Draft::Draft202012;
        let (tuple_kw, extra_kw) = if modern {
            ("prefixItems", "items")
        } else {
            ("items", "additionalItems")
        };
        // Object-form items.
        match (ot.items, ut.items) {
            (None, Some(new)) => out.push(
                ChangeKind::SchemaAdded,
                "/items",
                None,
                Some(self.raw_u(new)),
            ),
            // Without `items`, the reader's `unevaluatedItems` judges the
            // items the writer's `items` did: compare with it.
            (Some(old), None) if ut.unevaluated_items.is_some() => {
                let unevaluated = ut.unevaluated_items.expect("checked just above");
                let changes = self.compare(old, unevaluated)?;
                out.extend("/items", &changes);
            }
            (Some(old), None) => out.push(
                ChangeKind::SchemaRemoved,
                "/items",
                Some(self.raw_o(old)),
                None,
            ),
            (Some(old), Some(new)) => {
                let changes = self.compare(old, new)?;
                out.extend("/items", &changes);
            }
            (None, None) => {}
        }
        if ot.prefix_items.is_some() || ut.prefix_items.is_some() {
            self.tuple(tuple_kw, ot, ut, out)?;
        }
        {
            // An inert writer `additionalItems` (no tuple before 2020-12)
            // constrains nothing; it is compared as written only against
            // another inert one, as the peer compares them.
            let old_extra = if ot.additional_items_inert && !ut.additional_items_inert {
                None
            } else {
                ot.additional_items
            };
            self.slot(
                &format!("/{extra_kw}"),
                SlotKinds {
                    added: ChangeKind::AdditionalItemsAdded,
                    removed: ChangeKind::AdditionalItemsRemoved,
                    extended: ChangeKind::AdditionalItemsExtended,
                    narrowed: ChangeKind::AdditionalItemsNarrowed,
                },
                old_extra,
                ut.additional_items,
                out,
            )?;
        }
        self.slot(
            "/unevaluatedItems",
            SlotKinds {
                added: ChangeKind::UnevaluatedItemsAdded,
                removed: ChangeKind::UnevaluatedItemsRemoved,
                extended: ChangeKind::UnevaluatedItemsExtended,
                narrowed: ChangeKind::UnevaluatedItemsNarrowed,
            },
            ot.unevaluated_items,
            ut.unevaluated_items,
            out,
        )?;
        match (ot.contains, ut.contains) {
            (None, Some(new)) => {
                if !is_any(self.update, new) || ut.min_contains.unwrap_or(1) > 0 {
                    out.push(
                        ChangeKind::ContainsAdded,
                        "/contains",
                        None,
                        Some(self.raw_u(new)),
                    );
                }
                // Even `contains: {}` with `minContains: 0` bounds the length.
                if let Some(max) = ut.max_contains {
                    out.push(
                        ChangeKind::MaxContainsAdded,
                        "/maxContains",
                        None,
                        Some(max.into()),
                    );
                }
            }
            (Some(old), None) => out.push(
                ChangeKind::ContainsRemoved,
                "/contains",
                Some(self.raw_o(old)),
                None,
            ),
            (Some(old), Some(new)) => {
                let changes = self.compare(old, new)?;
                out.extend("/contains", &changes);
                // Under `maxContains` a wider `contains` counts more items
                // against the cap: the new schema must match no item the old
                // one did not.
                if ut.max_contains.is_some() {
                    let mut swapped =
                        Differ::new(self.update, self.original, self.policy, self.work);
                    let back = swapped.compare(new, old)?;
                    if !swapped.compatible(&back) {
                        out.push(
                            ChangeKind::ContainsChanged,
                            "/contains",
                            Some(self.raw_o(old)),
                            Some(self.raw_u(new)),
                        );
                    }
                }
            }
            _ => {}
        }
        if ot.contains.is_some() && ut.contains.is_some() {
            count_bound(
                out,
                kinds!(
                    "maxContains",
                    MaxContainsAdded,
                    MaxContainsRemoved,
                    MaxContainsIncreased,
                    MaxContainsDecreased
                ),
                ot.max_contains,
                ut.max_contains,
            );
            // An absent minContains means 1.
            count_bound(
                out,
                kinds!(
                    "minContains",
                    MinContainsAdded,
                    MinContainsRemoved,
                    MinContainsIncreased,
                    MinContainsDecreased
                ),
                Some(ot.min_contains.unwrap_or(1)),
                Some(ut.min_contains.unwrap_or(1)),
            );
        }
        count_bound(
            out,
            kinds!(
                "maxItems",
                MaxItemsAdded,
                MaxItemsRemoved,
                MaxItemsIncreased,
                MaxItemsDecreased
            ),
            ot.max_items,
            ut.max_items,
        );
        count_bound(
            out,
            kinds!(
                "minItems",
                MinItemsAdded,
                MinItemsRemoved,
                MinItemsIncreased,
                MinItemsDecreased
            ),
            ot.min_items,
            ut.min_items,
        );
        match (ot.unique_items, ut.unique_items) {
            (false, true) => out.push(
                ChangeKind::UniqueItemsAdded,
                "/uniqueItems",
                None,
                Some(true.into()),
            ),
            (true, false) => out.push(
                ChangeKind::UniqueItemsRemoved,
                "/uniqueItems",
                Some(true.into()),
                None,
            ),
            _ => {}
        }
        Ok(())
    }

    fn tuple(
        &mut self,
        keyword: &str,
        ot: &Typed,
        ut: &Typed,
        out: &mut Out,
    ) -> Result<(), CompatError> {
        let empty = Vec::new();
        let old = ot.prefix_items.as_ref().unwrap_or(&empty);
        let new = ut.prefix_items.as_ref().unwrap_or(&empty);
        for (i, (o, u)) in old.iter().zip(new).enumerate() {
            let changes = self.compare(*o, *u)?;
            out.extend(&format!("/{keyword}/{i}"), &changes);
        }
        for (i, u) in new.iter().enumerate().skip(old.len()) {
            let path = format!("/{keyword}/{i}");
            let value = Some(self.raw_u(*u));
            match extra_items(self.original, ot) {
                Allowed::Any if is_any(self.update, *u) => out.push(
                    ChangeKind::ItemWithEmptySchemaAddedToOpenContentModel,
                    path,
                    None,
                    value,
                ),
                Allowed::Any => {
                    out.push(ChangeKind::ItemAddedToOpenContentModel, path, None, value)
                }
                Allowed::Nothing => {
                    out.push(ChangeKind::ItemAddedToClosedContentModel, path, None, value)
                }
                Allowed::Schema(cover) => {
                    let (ok, changes) = self.try_compare(cover, *u)?;
                    out.extend(&path, &changes);
                    let kind = if ok {
                        ChangeKind::ItemAddedIsCoveredByPartiallyOpenContentModel
                    } else {
                        ChangeKind::ItemAddedNotCoveredByPartiallyOpenContentModel
                    };
                    out.push(kind, path, Some(self.raw_o(cover)), value);
                }
            }
        }
        for (i, o) in old.iter().enumerate().skip(new.len()) {
            let path = format!("/{keyword}/{i}");
            let value = Some(self.raw_o(*o));
            match extra_items(self.update, ut) {
                Allowed::Any => out.push(
                    ChangeKind::ItemRemovedFromOpenContentModel,
                    path,
                    value,
                    None,
                ),
                Allowed::Nothing
                    if matches!(allowed(self.original, Some(*o)), Allowed::Nothing) =>
                {
                    out.push(
                        ChangeKind::ItemWithFalseRemovedFromClosedContentModel,
                        path,
                        value,
                        None,
                    )
                }
                Allowed::Nothing => out.push(
                    ChangeKind::ItemRemovedFromClosedContentModel,
                    path,
                    value,
                    None,
                ),
                Allowed::Schema(cover) => {
                    let (ok, changes) = self.try_compare(*o, cover)?;
                    out.extend(&path, &changes);
                    let kind = if ok {
                        ChangeKind::ItemRemovedIsCoveredByPartiallyOpenContentModel
                    } else {
                        ChangeKind::ItemRemovedNotCoveredByPartiallyOpenContentModel
                    };
                    out.push(kind, path, value, Some(self.raw_u(cover)));
                }
            }
        }
        Ok(())
    }
}
