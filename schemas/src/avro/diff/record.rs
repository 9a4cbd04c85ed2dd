//! Records: fields paired by name or by the reader's aliases in each
//! direction, added, removed and renamed fields, defaults and orders.

use serde_json::json;

use super::{Walk, describe, show};
use crate::avro::model::{Field, Kind, NodeId};
use crate::change::ChangeKind;
use crate::vocabulary::Directions;

impl Walk<'_> {
    pub(super) fn record(&mut self, o: NodeId, n: NodeId, dirs: Directions, path: &str) {
        let (old, new) = (self.old, self.new);
        let (Kind::Record(a), Kind::Record(b)) = (&old.nodes[o].kind, &new.nodes[n].kind) else {
            return;
        };
        // Each direction's reader finds its fields in the writer.
        let back: Vec<Option<usize>> = b
            .fields
            .iter()
            .map(|f| crate::avro::resolution::writer_field(a, f).map(|(i, _)| i))
            .collect();
        let fwd: Vec<Option<usize>> = a
            .fields
            .iter()
            .map(|f| crate::avro::resolution::writer_field(b, f).map(|(i, _)| i))
            .collect();
        // The inverses: the old fields whose forward reader is each new
        // field, and the first new field whose backward reader is each old
        // one (so that records of many fields pair in linear time).
        let mut fwd_to: Vec<Vec<usize>> = vec![Vec::new(); b.fields.len()];
        for (oi, ni) in fwd.iter().enumerate() {
            if let Some(ni) = ni {
                fwd_to[*ni].push(oi);
            }
        }
        let mut back_from: Vec<Option<usize>> = vec![None; a.fields.len()];
        for (ni, oi) in back.iter().enumerate() {
            if let Some(oi) = oi {
                back_from[*oi].get_or_insert(ni);
            }
        }
        let record = a.named.name.clone();
        for (ni, field) in b.fields.iter().enumerate() {
            if let Some(oi) = back[ni].filter(|&oi| fwd[oi] == Some(ni)) {
                if self.same_field(&a.fields[oi], field) {
                    continue;
                }
            }
            let here = format!("{path}/fields/{}", field.name);
            let from_back = back[ni];
            let from_fwd = &fwd_to[ni];
            let mut pairs: Vec<(usize, Directions)> = Vec::new();
            if let Some(oi) = from_back {
                pairs.push((
                    oi,
                    Directions {
                        backward: true,
                        forward: from_fwd.contains(&oi),
                    },
                ));
            }
            for &oi in from_fwd.iter().filter(|&&oi| Some(oi) != from_back) {
                pairs.push((
                    oi,
                    Directions {
                        backward: false,
                        forward: true,
                    },
                ));
            }
            if from_back.is_none() {
                let ty = describe(new, field.ty);
                let (kind, what) = match &field.default {
                    Some(d) => (
                        ChangeKind::AvroFieldAddedWithDefault,
                        format!("field `{}` ({ty}) was added with default {d}", field.name),
                    ),
                    None => (
                        ChangeKind::ReaderFieldMissingDefaultValue,
                        format!("field `{}` ({ty}) was added without a default", field.name),
                    ),
                };
                let mut shown = json!({"name": field.name, "type": ty});
                if let Some(d) = &field.default {
                    shown["default"] = d.clone();
                }
                self.emit(
                    kind,
                    here.clone(),
                    None,
                    Some(shown),
                    what,
                    (dirs.backward && field.default.is_none()).then(|| {
                        format!("old `{record}` data has no `{}` and the field has no default to fill in", field.name)
                    }),
                    None,
                );
            }
            for (oi, pd) in pairs {
                let pd = Directions {
                    backward: pd.backward && dirs.backward,
                    forward: pd.forward && dirs.forward,
                };
                self.field_pair(o, oi, n, ni, pd, &here);
            }
        }
        for (oi, field) in a.fields.iter().enumerate() {
            let seen_back = back_from[oi].is_some();
            if seen_back && fwd[oi].is_some() {
                continue;
            }
            if seen_back {
                // Renamed, with the alias only in the new schema: old
                // readers look for the old name.
                let ni = back_from[oi].unwrap_or_default();
                let renamed = &b.fields[ni];
                if dirs.forward && field.default.is_none() {
                    self.emit(
                        ChangeKind::AvroFieldRenamed,
                        format!("{path}/fields/{}", renamed.name),
                        Some(json!(field.name)),
                        Some(json!(renamed.name)),
                        renamed_what(&field.name, &renamed.name),
                        None,
                        Some(format!(
                            "they look for `{}`, which new data calls `{}` (only the new schema lists the alias), and the old schema gives `{}` no default",
                            field.name, renamed.name, field.name
                        )),
                    );
                }
                continue;
            }
            let ty = describe(old, field.ty);
            let mut shown = json!({"name": field.name, "type": ty});
            if let Some(d) = &field.default {
                shown["default"] = d.clone();
            }
            let what = match &field.default {
                Some(d) => format!("field `{}` ({ty}, default {d}) was removed", field.name),
                None => format!("field `{}` ({ty}) was removed", field.name),
            };
            self.emit(
                ChangeKind::AvroFieldRemoved,
                format!("{path}/fields/{}", field.name),
                Some(shown),
                None,
                what,
                None,
                (dirs.forward && fwd[oi].is_none() && field.default.is_none()).then(|| {
                    format!(
                        "they read `{}`, new `{}` data no longer has it, and the old schema gives it no default",
                        field.name, b.named.name
                    )
                }),
            );
        }
    }

    /// Whether two fields are identical, their types included.
    pub(super) fn same_field(&self, x: &Field, y: &Field) -> bool {
        let hashes = (self.old.hashes[x.ty], self.new.hashes[y.ty]);
        matches!(hashes, (Some(a), Some(b)) if a == b)
            && x.name == y.name
            && x.aliases == y.aliases
            && x.doc == y.doc
            && x.default == y.default
            && x.order == y.order
            && x.attrs == y.attrs
    }

    /// A field of the old record (index `oi`) read as a field of the new one.
    pub(super) fn field_pair(
        &mut self,
        o: NodeId,
        oi: usize,
        n: NodeId,
        ni: usize,
        dirs: Directions,
        here: &str,
    ) {
        let (old, new) = (self.old, self.new);
        let (Kind::Record(a), Kind::Record(b)) = (&old.nodes[o].kind, &new.nodes[n].kind) else {
            return;
        };
        let (x, y) = (&a.fields[oi], &b.fields[ni]);
        if x.name != y.name {
            self.emit(
                ChangeKind::AvroFieldRenamed,
                here.to_string(),
                Some(json!(x.name)),
                Some(json!(y.name)),
                renamed_what(&x.name, &y.name),
                None,
                None,
            );
        }
        if x.default != y.default {
            let what = match (&x.default, &y.default) {
                (None, Some(d)) => format!("default {d} was added"),
                (Some(d), None) => format!("default {d} was removed"),
                (Some(d), Some(e)) => format!("default changed from {d} to {e}"),
                (None, None) => String::new(),
            };
            self.emit(
                ChangeKind::AvroDefaultChanged,
                format!("{here}/default"),
                x.default.clone(),
                y.default.clone(),
                format!("field `{}`: {what}", y.name),
                None,
                None,
            );
        }
        if x.order != y.order {
            self.emit(
                ChangeKind::AvroSortOrderChanged,
                format!("{here}/order"),
                Some(json!(x.order.as_str())),
                Some(json!(y.order.as_str())),
                format!(
                    "sort order of field `{}` changed from {} to {}",
                    y.name,
                    x.order.as_str(),
                    y.order.as_str()
                ),
                None,
                None,
            );
        }
        let keys: std::collections::BTreeSet<&String> =
            x.attrs.keys().chain(y.attrs.keys()).collect();
        for key in keys {
            if x.attrs.get(key) != y.attrs.get(key) {
                self.emit(
                    ChangeKind::AvroPropertyChanged,
                    format!("{here}/{key}"),
                    x.attrs.get(key).cloned(),
                    y.attrs.get(key).cloned(),
                    format!(
                        "property `{key}` of field `{}` changed from {} to {}",
                        y.name,
                        show(x.attrs.get(key)),
                        show(y.attrs.get(key))
                    ),
                    None,
                    None,
                );
            }
        }
        let (xd, yd, xa, ya) = (
            x.doc.clone(),
            y.doc.clone(),
            x.aliases.clone(),
            y.aliases.clone(),
        );
        self.attributes(&xd, &yd, &xa, &ya, here);
        let (xt, yt) = (x.ty, y.ty);
        self.pair(xt, yt, dirs, &format!("{here}/type"));
    }
}

fn renamed_what(old: &str, new: &str) -> String {
    format!("field `{old}` was renamed to `{new}` (an alias pairs the two names)")
}
