//! Enums: values compared by number (the first name declared for a number;
//! aliases share numbers).

use std::collections::BTreeMap;

use prost_reflect::EnumDescriptor;

use super::{Differ, Side};
use crate::change::ChangeKind;

impl Differ<'_> {
    pub(super) fn enumeration(
        &mut self,
        path: &str,
        original: &EnumDescriptor,
        update: &EnumDescriptor,
    ) {
        let digests = (
            self.original.digest(original.full_name()),
            self.update.digest(update.full_name()),
        );
        if let (Some(a), Some(b)) = digests {
            if a == b {
                return;
            }
        }
        if !self.work.step(|| path.to_string()) {
            return;
        }
        let values = |e: &EnumDescriptor| {
            let mut by_number: BTreeMap<i32, String> = Default::default();
            // The first name declared for a number (aliases share numbers).
            for value in &e.enum_descriptor_proto().value {
                by_number
                    .entry(value.number())
                    .or_insert_with(|| value.name().to_string());
            }
            by_number
        };
        let (old, new) = (values(original), values(update));
        let mut numbers: Vec<i32> = old.keys().chain(new.keys()).copied().collect();
        numbers.sort();
        numbers.dedup();
        for number in numbers {
            let find = |list: &BTreeMap<i32, String>| list.get(&number).cloned();
            let value_path = format!("{path}/{number}");
            let key = format!("enumconst:{value_path}");
            match (find(&old), find(&new)) {
                (Some(o), None) => self.push(
                    ChangeKind::EnumConstRemoved,
                    value_path,
                    key,
                    Side::EnumValue(o),
                    Side::Nothing,
                ),
                (None, Some(n)) => self.push(
                    ChangeKind::EnumConstAdded,
                    value_path,
                    key,
                    Side::Nothing,
                    Side::EnumValue(n),
                ),
                (Some(o), Some(n)) if o != n => self.push(
                    ChangeKind::EnumConstChanged,
                    value_path,
                    key,
                    Side::EnumValue(o),
                    Side::EnumValue(n),
                ),
                _ => {}
            }
        }
    }
}
