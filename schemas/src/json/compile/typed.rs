//! The typed part of a schema object: the keywords of one JSON type, read,
//! checked and, for subschemas, compiled.

use serde_json::{Map, Value};

use super::{Compiler, Place};
use crate::json::draft::Draft;
use crate::json::error::ParseError;
use crate::json::node::{JsonType, Num, Typed};
use crate::limits::Limit;
use crate::pointer::escape;

impl Compiler<'_> {
    /// The part for `ty` of the object `map` at `at`; `explicit` when
    /// `type` names it.
    pub(super) fn typed(
        &mut self,
        at: &Place<'_>,
        map: &Map<String, Value>,
        ty: JsonType,
        explicit: bool,
    ) -> Result<Typed, ParseError> {
        let draft = self.documents[at.doc].draft;
        let mut t = Typed {
            ty: Some(ty),
            explicit,
            ..Typed::default()
        };
        match ty {
            JsonType::String => self.string(at, map, draft, &mut t)?,
            JsonType::Number | JsonType::Integer => self.numeric(at, map, draft, &mut t)?,
            JsonType::Object => self.object(at, map, &mut t)?,
            JsonType::Array => self.array(at, map, draft, &mut t)?,
            JsonType::Boolean | JsonType::Null => {}
        }
        Ok(t)
    }

    fn string(
        &self,
        at: &Place<'_>,
        map: &Map<String, Value>,
        draft: Draft,
        t: &mut Typed,
    ) -> Result<(), ParseError> {
        t.min_length = self.uint(at, map, "minLength")?;
        t.max_length = self.uint(at, map, "maxLength")?;
        t.pattern = map
            .get("pattern")
            .and_then(Value::as_str)
            .map(str::to_string);
        if let Some(pattern) = &t.pattern {
            check_regex(pattern).map_err(|message| ParseError::InvalidPattern {
                pointer: self.display_pointer(at.doc, &format!("{}/pattern", at.pointer)),
                pattern: pattern.clone(),
                message,
            })?;
        }
        // A format the validator does not assert in this draft is an
        // annotation, and comparing it would hide a real change.
        t.format = map
            .get("format")
            .and_then(Value::as_str)
            .filter(|f| draft.asserts_format(f))
            .map(str::to_string);
        if draft.asserts_content() {
            let text = |key: &str| map.get(key).and_then(Value::as_str).map(str::to_string);
            t.content_encoding = text("contentEncoding");
            t.content_media_type = text("contentMediaType");
        }
        Ok(())
    }

    fn numeric(
        &self,
        at: &Place<'_>,
        map: &Map<String, Value>,
        draft: Draft,
        t: &mut Typed,
    ) -> Result<(), ParseError> {
        t.minimum = self.num(at, map, "minimum")?;
        t.maximum = self.num(at, map, "maximum")?;
        t.exclusive_minimum = self.num(at, map, "exclusiveMinimum")?;
        t.exclusive_maximum = self.num(at, map, "exclusiveMaximum")?;
        t.multiple_of = self.num(at, map, "multipleOf")?;
        if draft == Draft::Draft4 {
            // Draft 4 spells exclusive bounds as booleans beside the bound.
            if map.get("exclusiveMinimum") == Some(&Value::Bool(true)) {
                t.exclusive_minimum = t.minimum.take();
            }
            if map.get("exclusiveMaximum") == Some(&Value::Bool(true)) {
                t.exclusive_maximum = t.maximum.take();
            }
        }
        Ok(())
    }

    fn object(
        &mut self,
        at: &Place<'_>,
        map: &Map<String, Value>,
        t: &mut Typed,
    ) -> Result<(), ParseError> {
        if let Some(Value::Object(props)) = map.get("properties") {
            self.limits.check(Limit::Fields, props.len(), || {
                self.display_pointer(at.doc, &format!("{}/properties", at.pointer))
            })?;
            for name in props.keys() {
                let id = self.child(at, &format!("/properties/{}", escape(name)))?;
                t.add_property(name.clone(), id);
            }
        }
        if let Some(Value::Array(required)) = map.get("required") {
            for name in required.iter().filter_map(Value::as_str) {
                t.add_required(name);
            }
        }
        if let Some(Value::Object(patterns)) = map.get("patternProperties") {
            for re in patterns.keys() {
                check_regex(re).map_err(|message| ParseError::InvalidPattern {
                    pointer: self
                        .display_pointer(at.doc, &format!("{}/patternProperties", at.pointer)),
                    pattern: re.clone(),
                    message,
                })?;
                let id = self.child(at, &format!("/patternProperties/{}", escape(re)))?;
                t.pattern_properties.push((re.clone(), id));
            }
        }
        if map.contains_key("additionalProperties") {
            t.additional_properties = Some(self.child(at, "/additionalProperties")?);
        }
        if map.contains_key("unevaluatedProperties") {
            t.unevaluated_properties = Some(self.child(at, "/unevaluatedProperties")?);
        }
        if map.contains_key("propertyNames") {
            t.property_names = Some(self.child(at, "/propertyNames")?);
        }
        t.min_properties = self.uint(at, map, "minProperties")?;
        t.max_properties = self.uint(at, map, "maxProperties")?;
        for keyword in ["dependencies", "dependentRequired", "dependentSchemas"] {
            if let Some(Value::Object(deps)) = map.get(keyword) {
                for (name, value) in deps {
                    self.dependency(at, keyword, name, value, t)?;
                }
            }
        }
        Ok(())
    }

    /// One entry of `dependencies`, `dependentRequired` or
    /// `dependentSchemas`: a list of names required with `name`, or a
    /// schema the object must match when it has `name`.
    fn dependency(
        &mut self,
        at: &Place<'_>,
        keyword: &str,
        name: &str,
        value: &Value,
        t: &mut Typed,
    ) -> Result<(), ParseError> {
        match value {
            Value::Array(names) => {
                let names = names
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect();
                t.dependent_required.push((name.to_string(), names));
            }
            _ => {
                let id = self.child(at, &format!("/{keyword}/{}", escape(name)))?;
                t.dependent_schemas.push((name.to_string(), id));
            }
        }
        Ok(())
    }

    fn array(
        &mut self,
        at: &Place<'_>,
        map: &Map<String, Value>,
        draft: Draft,
        t: &mut Typed,
    ) -> Result<(), ParseError> {
        if draft >= Draft::Draft202012 {
            if let Some(Value::Array(prefix)) = map.get("prefixItems") {
                let mut ids = Vec::new();
                for i in 0..prefix.len() {
                    ids.push(self.child(at, &format!("/prefixItems/{i}"))?);
                }
                t.prefix_items = Some(ids);
            }
            // As the peer translates 2020-12: `items` is the extra-items
            // schema beside `prefixItems` or when it is a boolean, and
            // the every-item schema otherwise.
            match map.get("items") {
                Some(Value::Object(_)) if t.prefix_items.is_none() => {
                    t.items = Some(self.child(at, "/items")?);
                }
                Some(_) => t.additional_items = Some(self.child(at, "/items")?),
                None => {}
            }
        } else {
            match map.get("items") {
                Some(Value::Array(list)) => {
                    let mut ids = Vec::new();
                    for i in 0..list.len() {
                        ids.push(self.child(at, &format!("/items/{i}"))?);
                    }
                    t.prefix_items = Some(ids);
                }
                Some(_) => t.items = Some(self.child(at, "/items")?),
                None => {}
            }
            if map.contains_key("additionalItems") {
                t.additional_items = Some(self.child(at, "/additionalItems")?);
                t.additional_items_inert = t.prefix_items.is_none();
            }
        }
        if map.contains_key("unevaluatedItems") {
            t.unevaluated_items = Some(self.child(at, "/unevaluatedItems")?);
        }
        if map.contains_key("contains") {
            t.contains = Some(self.child(at, "/contains")?);
            t.min_contains = self.uint(at, map, "minContains")?;
            t.max_contains = self.uint(at, map, "maxContains")?;
        }
        t.min_items = self.uint(at, map, "minItems")?;
        t.max_items = self.uint(at, map, "maxItems")?;
        t.unique_items = map.get("uniqueItems") == Some(&Value::Bool(true));
        Ok(())
    }

    /// The non-negative integer at `key` (`5.0` counts).
    fn uint(
        &self,
        at: &Place<'_>,
        map: &Map<String, Value>,
        key: &str,
    ) -> Result<Option<u64>, ParseError> {
        match map.get(key) {
            None => Ok(None),
            Some(v) => v
                .as_u64()
                .or_else(|| {
                    v.as_f64()
                        .filter(|f| f.fract() == 0.0 && *f >= 0.0)
                        .map(|f| f as u64)
                })
                .map(Some)
                .ok_or_else(|| {
                    self.not_a_schema(
                        at.doc,
                        &format!("{}/{key}", at.pointer),
                        format!("`{key}` must be a non-negative integer"),
                    )
                }),
        }
    }

    /// The number at `key`, as written; a boolean (draft 4's exclusive
    /// bounds) is no number.
    fn num(
        &self,
        at: &Place<'_>,
        map: &Map<String, Value>,
        key: &str,
    ) -> Result<Option<Num>, ParseError> {
        match map.get(key) {
            None | Some(Value::Bool(_)) => Ok(None),
            Some(Value::Number(n)) => Ok(Some(Num {
                value: n.as_f64().unwrap_or(f64::NAN),
                written: n.clone(),
            })),
            Some(_) => Err(self.not_a_schema(
                at.doc,
                &format!("{}/{key}", at.pointer),
                format!("`{key}` must be a number"),
            )),
        }
    }
}

fn check_regex(pattern: &str) -> Result<(), String> {
    super::regex_size::check_min_match_length(pattern)?;
    fancy_regex::Regex::new(pattern)
        .map(|_| ())
        .map_err(|e| e.to_string())
}
