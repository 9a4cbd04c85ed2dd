//! Enums (symbols and the default symbol) and fixed types (size).

use std::collections::HashSet;

use serde_json::json;

use super::Walk;
use crate::avro::model::{Kind, NodeId};
use crate::avro::report::list;
use crate::change::ChangeKind;
use crate::vocabulary::Directions;

impl Walk<'_> {
    pub(super) fn enumeration(&mut self, o: NodeId, n: NodeId, dirs: Directions, path: &str) {
        let (old, new) = (self.old, self.new);
        let (Kind::Enum(a), Kind::Enum(b)) = (&old.nodes[o].kind, &new.nodes[n].kind) else {
            return;
        };
        let (olds, news): (HashSet<&str>, HashSet<&str>) = (
            a.symbols.iter().map(String::as_str).collect(),
            b.symbols.iter().map(String::as_str).collect(),
        );
        let added: Vec<&str> = b
            .symbols
            .iter()
            .map(String::as_str)
            .filter(|s| !olds.contains(s))
            .collect();
        let removed: Vec<&str> = a
            .symbols
            .iter()
            .map(String::as_str)
            .filter(|s| !news.contains(s))
            .collect();
        let here = format!("{path}/symbols");
        if !added.is_empty() {
            let what = match &a.default {
                Some(d) => format!(
                    "enum `{}` gained {} (old readers read unknown symbols as their default `{d}`)",
                    b.named.name,
                    list(&added)
                ),
                None => format!("enum `{}` gained {}", b.named.name, list(&added)),
            };
            self.emit(
                ChangeKind::AvroEnumSymbolAdded,
                here.clone(),
                Some(json!(a.symbols)),
                Some(json!(b.symbols)),
                what,
                None,
                (dirs.forward && a.default.is_none()).then(|| {
                    format!(
                        "new data may hold {}, which the old enum lacks, and it declares no default symbol",
                        list(&added)
                    )
                }),
            );
        }
        if !removed.is_empty() {
            let (kind, what) = match &b.default {
                Some(d) => (
                    ChangeKind::AvroEnumSymbolRemoved,
                    format!(
                        "enum `{}` lost {} (new readers read them as the default `{d}`)",
                        b.named.name,
                        list(&removed)
                    ),
                ),
                None => (
                    ChangeKind::MissingEnumSymbols,
                    format!("enum `{}` lost {}", b.named.name, list(&removed)),
                ),
            };
            self.emit(
                kind,
                here,
                Some(json!(a.symbols)),
                Some(json!(b.symbols)),
                what,
                (dirs.backward && b.default.is_none()).then(|| {
                    format!(
                        "old data may hold {}, which the new enum lacks, and it declares no default symbol",
                        list(&removed)
                    )
                }),
                None,
            );
        }
        if a.default != b.default {
            let shown =
                |d: &Option<String>| d.as_ref().map_or("none".to_string(), |d| format!("`{d}`"));
            self.emit(
                ChangeKind::AvroDefaultChanged,
                format!("{path}/default"),
                a.default.as_ref().map(|d| json!(d)),
                b.default.as_ref().map(|d| json!(d)),
                format!(
                    "default symbol of enum `{}` changed from {} to {}",
                    b.named.name,
                    shown(&a.default),
                    shown(&b.default)
                ),
                None,
                None,
            );
        }
    }

    pub(super) fn fixed(&mut self, o: NodeId, n: NodeId, dirs: Directions, path: &str) {
        let (Kind::Fixed(a), Kind::Fixed(b)) = (&self.old.nodes[o].kind, &self.new.nodes[n].kind)
        else {
            return;
        };
        if a.size == b.size {
            return;
        }
        let (name, was, now) = (b.named.name.clone(), a.size, b.size);
        self.emit(
            ChangeKind::FixedSizeMismatch,
            format!("{path}/size"),
            Some(json!(was)),
            Some(json!(now)),
            format!("fixed `{name}` changed size from {was} to {now} bytes"),
            dirs.backward
                .then(|| format!("old values are {was} bytes, new readers read {now}")),
            dirs.forward
                .then(|| format!("new values are {now} bytes, old readers read {was}")),
        );
    }
}
