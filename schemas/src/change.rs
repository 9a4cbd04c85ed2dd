//! The typed change model shared by every format: what changed, where, and
//! which readers it breaks.

use serde::Serialize;
use serde_json::Value;
use std::fmt;

use crate::vocabulary::Policy;

macro_rules! change_kinds {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal, strict: $strict:ident, lenient: $lenient:ident, confluent: $confluent:ident; )*) => {
        /// A kind of difference between an old (writer) and a new (reader) schema.
        ///
        /// Names are stable and match the Confluent Schema Registry's names where
        /// the peer has one; kinds marked *Charter* in their docs exist because the
        /// peer ignores a change that can reject old data.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum ChangeKind {
            $( $(#[$doc])* $variant, )*
        }

        impl ChangeKind {
            /// Every kind, in declaration order.
            pub const ALL: &'static [ChangeKind] = &[$(ChangeKind::$variant),*];

            /// The stable upper-case name, e.g. `REQUIRED_ATTRIBUTE_ADDED`.
            pub fn name(self) -> &'static str {
                match self { $(ChangeKind::$variant => $name,)* }
            }

            /// Whether a reader holding the new schema still accepts every
            /// document the old schema accepted, under `policy`.
            pub fn is_compatible(self, policy: Policy) -> bool {
                match policy {
                    Policy::Strict => match self { $(ChangeKind::$variant => verdict!($strict),)* },
                    Policy::Lenient => match self { $(ChangeKind::$variant => verdict!($lenient),)* },
                    Policy::Confluent => match self { $(ChangeKind::$variant => verdict!($confluent),)* },
                }
            }

            /// Whether the Confluent Schema Registry knows this kind (false for
            /// the kinds only Charter reports).
            pub fn is_peer_kind(self) -> bool {
                // Every AVRO_* kind is Charter's own.
                !self.name().starts_with("AVRO_") && !matches!(self, ChangeKind::FormatAdded | ChangeKind::FormatRemoved | ChangeKind::FormatChanged
                    | ChangeKind::PatternPropertyAddedToOpenContentModel | ChangeKind::PatternPropertyAddedToUnopenContentModel
                    | ChangeKind::PatternPropertyRemoved | ChangeKind::PropertyNamesAdded | ChangeKind::PropertyNamesRemoved
                    | ChangeKind::ContainsAdded | ChangeKind::ContainsRemoved | ChangeKind::ContainsChanged | ChangeKind::OneOfBranchesOverlap
                    | ChangeKind::ConditionalChanged | ChangeKind::SchemaTypeChanged
                    | ChangeKind::ContentEncodingAdded | ChangeKind::ContentEncodingRemoved | ChangeKind::ContentEncodingChanged
                    | ChangeKind::ContentMediaTypeAdded | ChangeKind::ContentMediaTypeRemoved | ChangeKind::ContentMediaTypeChanged
                    | ChangeKind::FieldRemovedWithoutReserving)
            }

            /// The peer's kind for the same difference, for comparisons with
            /// the peer: the kind itself for a peer kind, the kind it refines
            /// for a Charter kind that only adds a warning
            /// (FIELD_REMOVED_WITHOUT_RESERVING is the peer's FIELD_REMOVED),
            /// `None` for a difference the peer does not report.
            pub fn peer_kind(self) -> Option<ChangeKind> {
                match self {
                    ChangeKind::FieldRemovedWithoutReserving => Some(ChangeKind::FieldRemoved),
                    kind if kind.is_peer_kind() => Some(kind),
                    _ => None,
                }
            }

            /// Confluent's name for this difference, the `errorType` of the
            /// peer's compatibility messages (its JSON Schema and Protobuf
            /// `Difference.Type`, Avro's `SchemaIncompatibilityType`): the
            /// kind's own name for a peer kind, the peer kind it refines
            /// (FIELD_REMOVED for FIELD_REMOVED_WITHOUT_RESERVING,
            /// TYPE_MISMATCH for AVRO_TYPE_NARROWED, which Avro resolution
            /// reports so), and Charter's own name for a difference the peer
            /// does not report.
            pub fn error_type(self) -> &'static str {
                match self {
                    ChangeKind::AvroTypeNarrowed => ChangeKind::TypeMismatch.name(),
                    kind => kind.peer_kind().unwrap_or(kind).name(),
                }
            }

            /// Looks a kind up by its stable name.
            pub fn from_name(name: &str) -> Option<ChangeKind> {
                match name { $($name => Some(ChangeKind::$variant),)* _ => None }
            }
        }
    };
}

macro_rules! verdict {
    (ok) => {
        true
    };
    (breaks) => {
        false
    };
}

change_kinds! {
    /// `$id` changed.
    IdChanged = "ID_CHANGED", strict: ok, lenient: ok, confluent: ok;
    /// `description` changed.
    DescriptionChanged = "DESCRIPTION_CHANGED", strict: ok, lenient: ok, confluent: ok;
    /// `title` changed.
    TitleChanged = "TITLE_CHANGED", strict: ok, lenient: ok, confluent: ok;
    /// `default` changed.
    DefaultChanged = "DEFAULT_CHANGED", strict: ok, lenient: ok, confluent: ok;
    /// A schema slot (object-form `items`) was added.
    SchemaAdded = "SCHEMA_ADDED", strict: breaks, lenient: breaks, confluent: breaks;
    /// A schema slot (object-form `items`) was removed.
    SchemaRemoved = "SCHEMA_REMOVED", strict: ok, lenient: ok, confluent: ok;
    /// `integer` became `number`.
    TypeExtended = "TYPE_EXTENDED", strict: ok, lenient: ok, confluent: ok;
    /// `number` became `integer`.
    TypeNarrowed = "TYPE_NARROWED", strict: breaks, lenient: breaks, confluent: breaks;
    /// The kind of value accepted changed.
    TypeChanged = "TYPE_CHANGED", strict: breaks, lenient: breaks, confluent: breaks;
    /// `maxLength` added.
    MaxLengthAdded = "MAX_LENGTH_ADDED", strict: breaks, lenient: breaks, confluent: breaks;
    /// `maxLength` removed.
    MaxLengthRemoved = "MAX_LENGTH_REMOVED", strict: ok, lenient: ok, confluent: ok;
    /// `maxLength` raised.
    MaxLengthIncreased = "MAX_LENGTH_INCREASED", strict: ok, lenient: ok, confluent: ok;
    /// `maxLength` lowered.
    MaxLengthDecreased = "MAX_LENGTH_DECREASED", strict: breaks, lenient: breaks, confluent: breaks;
    /// `minLength` added.
    MinLengthAdded = "MIN_LENGTH_ADDED", strict: breaks, lenient: breaks, confluent: breaks;
    /// `minLength` removed.
    MinLengthRemoved = "MIN_LENGTH_REMOVED", strict: ok, lenient: ok, confluent: ok;
    /// `minLength` raised.
    MinLengthIncreased = "MIN_LENGTH_INCREASED", strict: breaks, lenient: breaks, confluent: breaks;
    /// `minLength` lowered.
    MinLengthDecreased = "MIN_LENGTH_DECREASED", strict: ok, lenient: ok, confluent: ok;
    /// `pattern` added.
    PatternAdded = "PATTERN_ADDED", strict: breaks, lenient: breaks, confluent: breaks;
    /// `pattern` removed.
    PatternRemoved = "PATTERN_REMOVED", strict: ok, lenient: ok, confluent: ok;
    /// `pattern` changed (no regex inclusion is attempted).
    PatternChanged = "PATTERN_CHANGED", strict: breaks, lenient: breaks, confluent: breaks;
    /// *Charter*: `format` added (formats are asserted by Charter's validator).
    FormatAdded = "FORMAT_ADDED", strict: breaks, lenient: breaks, confluent: ok;
    /// *Charter*: `format` removed.
    FormatRemoved = "FORMAT_REMOVED", strict: ok, lenient: ok, confluent: ok;
    /// *Charter*: `format` changed.
    FormatChanged = "FORMAT_CHANGED", strict: breaks, lenient: breaks, confluent: ok;
    /// *Charter*: `contentEncoding` added (drafts 6 and 7 assert it).
    ContentEncodingAdded = "CONTENT_ENCODING_ADDED", strict: breaks, lenient: breaks, confluent: ok;
    /// *Charter*: `contentEncoding` removed.
    ContentEncodingRemoved = "CONTENT_ENCODING_REMOVED", strict: ok, lenient: ok, confluent: ok;
    /// *Charter*: `contentEncoding` changed.
    ContentEncodingChanged = "CONTENT_ENCODING_CHANGED", strict: breaks, lenient: breaks, confluent: ok;
    /// *Charter*: `contentMediaType` added (drafts 6 and 7 assert it).
    ContentMediaTypeAdded = "CONTENT_MEDIA_TYPE_ADDED", strict: breaks, lenient: breaks, confluent: ok;
    /// *Charter*: `contentMediaType` removed.
    ContentMediaTypeRemoved = "CONTENT_MEDIA_TYPE_REMOVED", strict: ok, lenient: ok, confluent: ok;
    /// *Charter*: `contentMediaType` changed.
    ContentMediaTypeChanged = "CONTENT_MEDIA_TYPE_CHANGED", strict: breaks, lenient: breaks, confluent: ok;
    /// `maximum` added.
    MaximumAdded = "MAXIMUM_ADDED", strict: breaks, lenient: breaks, confluent: breaks;
    /// `maximum` removed.
    MaximumRemoved = "MAXIMUM_REMOVED", strict: ok, lenient: ok, confluent: ok;
    /// `maximum` raised.
    MaximumIncreased = "MAXIMUM_INCREASED", strict: ok, lenient: ok, confluent: ok;
    /// `maximum` lowered.
    MaximumDecreased = "MAXIMUM_DECREASED", strict: breaks, lenient: breaks, confluent: breaks;
    /// `minimum` added.
    MinimumAdded = "MINIMUM_ADDED", strict: breaks, lenient: breaks, confluent: breaks;
    /// `minimum` removed.
    MinimumRemoved = "MINIMUM_REMOVED", strict: ok, lenient: ok, confluent: ok;
    /// `minimum` raised.
    MinimumIncreased = "MINIMUM_INCREASED", strict: breaks, lenient: breaks, confluent: breaks;
    /// `minimum` lowered.
    MinimumDecreased = "MINIMUM_DECREASED", strict: ok, lenient: ok, confluent: ok;
    /// `exclusiveMaximum` added.
    ExclusiveMaximumAdded = "EXCLUSIVE_MAXIMUM_ADDED", strict: breaks, lenient: breaks, confluent: breaks;
    /// `exclusiveMaximum` removed.
    ExclusiveMaximumRemoved = "EXCLUSIVE_MAXIMUM_REMOVED", strict: ok, lenient: ok, confluent: ok;
    /// `exclusiveMaximum` raised.
    ExclusiveMaximumIncreased = "EXCLUSIVE_MAXIMUM_INCREASED", strict: ok, lenient: ok, confluent: ok;
    /// `exclusiveMaximum` lowered.
    ExclusiveMaximumDecreased = "EXCLUSIVE_MAXIMUM_DECREASED", strict: breaks, lenient: breaks, confluent: breaks;
    /// `exclusiveMinimum` added.
    ExclusiveMinimumAdded = "EXCLUSIVE_MINIMUM_ADDED", strict: breaks, lenient: breaks, confluent: breaks;
    /// `exclusiveMinimum` removed.
    ExclusiveMinimumRemoved = "EXCLUSIVE_MINIMUM_REMOVED", strict: ok, lenient: ok, confluent: ok;
    /// `exclusiveMinimum` raised.
    ExclusiveMinimumIncreased = "EXCLUSIVE_MINIMUM_INCREASED", strict: breaks, lenient: breaks, confluent: breaks;
    /// `exclusiveMinimum` lowered.
    ExclusiveMinimumDecreased = "EXCLUSIVE_MINIMUM_DECREASED", strict: ok, lenient: ok, confluent: ok;
    /// `multipleOf` added.
    MultipleOfAdded = "MULTIPLE_OF_ADDED", strict: breaks, lenient: breaks, confluent: breaks;
    /// `multipleOf` removed.
    MultipleOfRemoved = "MULTIPLE_OF_REMOVED", strict: ok, lenient: ok, confluent: ok;
    /// The new `multipleOf` is a multiple of the old one.
    MultipleOfExpanded = "MULTIPLE_OF_EXPANDED", strict: breaks, lenient: breaks, confluent: breaks;
    /// The old `multipleOf` is a multiple of the new one.
    MultipleOfReduced = "MULTIPLE_OF_REDUCED", strict: ok, lenient: ok, confluent: ok;
    /// `multipleOf` changed otherwise.
    MultipleOfChanged = "MULTIPLE_OF_CHANGED", strict: breaks, lenient: breaks, confluent: breaks;
    /// A property became required, with no default.
    RequiredAttributeAdded = "REQUIRED_ATTRIBUTE_ADDED", strict: breaks, lenient: breaks, confluent: breaks;
    /// A property became required and has a default. Old documents without it
    /// are still rejected by a validating reader, so Charter's strict policy
    /// calls it breaking (the peer does not).
    RequiredAttributeWithDefaultAdded = "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED", strict: breaks, lenient: ok, confluent: ok;
    /// A property is no longer required.
    RequiredAttributeRemoved = "REQUIRED_ATTRIBUTE_REMOVED", strict: ok, lenient: ok, confluent: ok;
    /// `maxProperties` added.
    MaxPropertiesAdded = "MAX_PROPERTIES_ADDED", strict: breaks, lenient: breaks, confluent: breaks;
    /// `maxProperties` removed.
    MaxPropertiesRemoved = "MAX_PROPERTIES_REMOVED", strict: ok, lenient: ok, confluent: ok;
    /// `maxProperties` raised.
    MaxPropertiesIncreased = "MAX_PROPERTIES_INCREASED", strict: ok, lenient: ok, confluent: ok;
    /// `maxProperties` lowered.
    MaxPropertiesDecreased = "MAX_PROPERTIES_DECREASED", strict: breaks, lenient: breaks, confluent: breaks;
    /// `minProperties` added.
    MinPropertiesAdded = "MIN_PROPERTIES_ADDED", strict: breaks, lenient: breaks, confluent: breaks;
    /// `minProperties` removed.
    MinPropertiesRemoved = "MIN_PROPERTIES_REMOVED", strict: ok, lenient: ok, confluent: ok;
    /// `minProperties` raised.
    MinPropertiesIncreased = "MIN_PROPERTIES_INCREASED", strict: breaks, lenient: breaks, confluent: breaks;
    /// `minProperties` lowered.
    MinPropertiesDecreased = "MIN_PROPERTIES_DECREASED", strict: ok, lenient: ok, confluent: ok;
    /// `additionalProperties: false` was lifted.
    AdditionalPropertiesAdded = "ADDITIONAL_PROPERTIES_ADDED", strict: ok, lenient: ok, confluent: ok;
    /// Additional properties are now forbidden.
    AdditionalPropertiesRemoved = "ADDITIONAL_PROPERTIES_REMOVED", strict: breaks, lenient: ok, confluent: breaks;
    /// Additional properties were constrained by a schema and now are not.
    AdditionalPropertiesExtended = "ADDITIONAL_PROPERTIES_EXTENDED", strict: ok, lenient: ok, confluent: ok;
    /// Additional properties were free and are now constrained by a schema.
    AdditionalPropertiesNarrowed = "ADDITIONAL_PROPERTIES_NARROWED", strict: breaks, lenient: ok, confluent: breaks;
    /// A property dependency (`dependentRequired`) was added.
    DependencyArrayAdded = "DEPENDENCY_ARRAY_ADDED", strict: breaks, lenient: breaks, confluent: breaks;
    /// A property dependency was removed.
    DependencyArrayRemoved = "DEPENDENCY_ARRAY_REMOVED", strict: ok, lenient: ok, confluent: ok;
    /// A property dependency gained names.
    DependencyArrayExtended = "DEPENDENCY_ARRAY_EXTENDED", strict: breaks, lenient: breaks, confluent: breaks;
    /// A property dependency lost names.
    DependencyArrayNarrowed = "DEPENDENCY_ARRAY_NARROWED", strict: ok, lenient: ok, confluent: ok;
    /// A property dependency changed otherwise.
    DependencyArrayChanged = "DEPENDENCY_ARRAY_CHANGED", strict: breaks, lenient: breaks, confluent: breaks;
    /// A schema dependency (`dependentSchemas`) was added.
    DependencySchemaAdded = "DEPENDENCY_SCHEMA_ADDED", strict: breaks, lenient: breaks, confluent: breaks;
    /// A schema dependency was removed.
    DependencySchemaRemoved = "DEPENDENCY_SCHEMA_REMOVED", strict: ok, lenient: ok, confluent: ok;
    /// A new required property, without default, in an open content model.
    RequiredPropertyAddedToOpenContentModel = "REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", strict: breaks, lenient: breaks, confluent: breaks;
    /// A new required property with a default, in an open content model.
    RequiredPropertyWithDefaultAddedToOpenContentModel = "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL", strict: breaks, lenient: ok, confluent: breaks;
    /// A new optional, typed property in an open content model: old data may
    /// carry that name with another type.
    OptionalPropertyAddedToOpenContentModel = "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", strict: breaks, lenient: ok, confluent: breaks;
    /// A new property with an empty schema in an open content model.
    PropertyWithEmptySchemaAddedToOpenContentModel = "PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL", strict: ok, lenient: ok, confluent: ok;
    /// A new required property, without default, in a closed or partially open model.
    RequiredPropertyAddedToUnopenContentModel = "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", strict: breaks, lenient: breaks, confluent: breaks;
    /// A new required property with a default, in a closed or partially open
    /// model. Breaking under Charter's strict policy: old documents lack it.
    RequiredPropertyWithDefaultAddedToUnopenContentModel = "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL", strict: breaks, lenient: ok, confluent: ok;
    /// A new optional property in a closed or partially open model.
    OptionalPropertyAddedToUnopenContentModel = "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", strict: ok, lenient: ok, confluent: ok;
    /// A property removed from an open content model.
    PropertyRemovedFromOpenContentModel = "PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL", strict: ok, lenient: ok, confluent: ok;
    /// A property whose schema was `false` removed from a closed model.
    PropertyWithFalseRemovedFromClosedContentModel = "PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL", strict: ok, lenient: ok, confluent: ok;
    /// A property removed from a closed content model.
    PropertyRemovedFromClosedContentModel = "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", strict: breaks, lenient: ok, confluent: breaks;
    /// A property removed; the new model's pattern or additional schema accepts it.
    PropertyRemovedIsCoveredByPartiallyOpenContentModel = "PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", strict: ok, lenient: ok, confluent: ok;
    /// A property removed; the new model's pattern or additional schema does not accept it.
    PropertyRemovedNotCoveredByPartiallyOpenContentModel = "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", strict: breaks, lenient: ok, confluent: breaks;
    /// A property added; it accepts what the old model allowed under that name.
    PropertyAddedIsCoveredByPartiallyOpenContentModel = "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", strict: ok, lenient: ok, confluent: ok;
    /// A property added; it does not accept what the old model allowed under that name.
    PropertyAddedNotCoveredByPartiallyOpenContentModel = "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", strict: breaks, lenient: ok, confluent: breaks;
    /// *Charter*: a `patternProperties` entry constrains names the old open model left free.
    PatternPropertyAddedToOpenContentModel = "PATTERN_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", strict: breaks, lenient: ok, confluent: ok;
    /// *Charter*: a `patternProperties` entry added to a closed model.
    PatternPropertyAddedToUnopenContentModel = "PATTERN_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", strict: ok, lenient: ok, confluent: ok;
    /// *Charter*: a `patternProperties` entry removed.
    PatternPropertyRemoved = "PATTERN_PROPERTY_REMOVED", strict: ok, lenient: ok, confluent: ok;
    /// *Charter*: `propertyNames` added.
    PropertyNamesAdded = "PROPERTY_NAMES_ADDED", strict: breaks, lenient: breaks, confluent: ok;
    /// *Charter*: `propertyNames` removed.
    PropertyNamesRemoved = "PROPERTY_NAMES_REMOVED", strict: ok, lenient: ok, confluent: ok;
    /// `unevaluatedProperties: false` was lifted.
    UnevaluatedPropertiesAdded = "UNEVALUATED_PROPERTIES_ADDED", strict: ok, lenient: ok, confluent: ok;
    /// Unevaluated properties are now forbidden.
    UnevaluatedPropertiesRemoved = "UNEVALUATED_PROPERTIES_REMOVED", strict: breaks, lenient: ok, confluent: breaks;
    /// Unevaluated properties were constrained and now are not.
    UnevaluatedPropertiesExtended = "UNEVALUATED_PROPERTIES_EXTENDED", strict: ok, lenient: ok, confluent: ok;
    /// Unevaluated properties were free and are now constrained.
    UnevaluatedPropertiesNarrowed = "UNEVALUATED_PROPERTIES_NARROWED", strict: breaks, lenient: ok, confluent: breaks;
    /// `maxItems` added.
    MaxItemsAdded = "MAX_ITEMS_ADDED", strict: breaks, lenient: breaks, confluent: breaks;
    /// `maxItems` removed.
    MaxItemsRemoved = "MAX_ITEMS_REMOVED", strict: ok, lenient: ok, confluent: ok;
    /// `maxItems` raised.
    MaxItemsIncreased = "MAX_ITEMS_INCREASED", strict: ok, lenient: ok, confluent: ok;
    /// `maxItems` lowered.
    MaxItemsDecreased = "MAX_ITEMS_DECREASED", strict: breaks, lenient: breaks, confluent: breaks;
    /// `minItems` added.
    MinItemsAdded = "MIN_ITEMS_ADDED", strict: breaks, lenient: breaks, confluent: breaks;
    /// `minItems` removed.
    MinItemsRemoved = "MIN_ITEMS_REMOVED", strict: ok, lenient: ok, confluent: ok;
    /// `minItems` raised.
    MinItemsIncreased = "MIN_ITEMS_INCREASED", strict: breaks, lenient: breaks, confluent: breaks;
    /// `minItems` lowered.
    MinItemsDecreased = "MIN_ITEMS_DECREASED", strict: ok, lenient: ok, confluent: ok;
    /// `maxContains` added.
    MaxContainsAdded = "MAX_CONTAINS_ADDED", strict: breaks, lenient: breaks, confluent: breaks;
    /// `maxContains` removed.
    MaxContainsRemoved = "MAX_CONTAINS_REMOVED", strict: ok, lenient: ok, confluent: ok;
    /// `maxContains` raised.
    MaxContainsIncreased = "MAX_CONTAINS_INCREASED", strict: ok, lenient: ok, confluent: ok;
    /// `maxContains` lowered.
    MaxContainsDecreased = "MAX_CONTAINS_DECREASED", strict: breaks, lenient: breaks, confluent: breaks;
    /// `minContains` added.
    MinContainsAdded = "MIN_CONTAINS_ADDED", strict: breaks, lenient: breaks, confluent: breaks;
    /// `minContains` removed.
    MinContainsRemoved = "MIN_CONTAINS_REMOVED", strict: ok, lenient: ok, confluent: ok;
    /// `minContains` raised.
    MinContainsIncreased = "MIN_CONTAINS_INCREASED", strict: breaks, lenient: breaks, confluent: breaks;
    /// `minContains` lowered.
    MinContainsDecreased = "MIN_CONTAINS_DECREASED", strict: ok, lenient: ok, confluent: ok;
    /// *Charter*: `contains` added.
    ContainsAdded = "CONTAINS_ADDED", strict: breaks, lenient: breaks, confluent: ok;
    /// *Charter*: `contains` removed.
    ContainsRemoved = "CONTAINS_REMOVED", strict: ok, lenient: ok, confluent: ok;
    /// *Charter*: the `contains` schema matches items the old one did not,
    /// and `maxContains` caps how many may match.
    ContainsChanged = "CONTAINS_CHANGED", strict: breaks, lenient: breaks, confluent: ok;
    /// `uniqueItems: true` added.
    UniqueItemsAdded = "UNIQUE_ITEMS_ADDED", strict: breaks, lenient: breaks, confluent: breaks;
    /// `uniqueItems: true` removed.
    UniqueItemsRemoved = "UNIQUE_ITEMS_REMOVED", strict: ok, lenient: ok, confluent: ok;
    /// Extra tuple items, once forbidden, are permitted.
    AdditionalItemsAdded = "ADDITIONAL_ITEMS_ADDED", strict: ok, lenient: ok, confluent: ok;
    /// Extra tuple items are now forbidden.
    AdditionalItemsRemoved = "ADDITIONAL_ITEMS_REMOVED", strict: breaks, lenient: breaks, confluent: breaks;
    /// Extra tuple items were constrained and now are not.
    AdditionalItemsExtended = "ADDITIONAL_ITEMS_EXTENDED", strict: ok, lenient: ok, confluent: ok;
    /// Extra tuple items were free and are now constrained.
    AdditionalItemsNarrowed = "ADDITIONAL_ITEMS_NARROWED", strict: breaks, lenient: breaks, confluent: breaks;
    /// `unevaluatedItems: false` was lifted.
    UnevaluatedItemsAdded = "UNEVALUATED_ITEMS_ADDED", strict: ok, lenient: ok, confluent: ok;
    /// Unevaluated items are now forbidden.
    UnevaluatedItemsRemoved = "UNEVALUATED_ITEMS_REMOVED", strict: breaks, lenient: breaks, confluent: breaks;
    /// Unevaluated items were constrained and now are not.
    UnevaluatedItemsExtended = "UNEVALUATED_ITEMS_EXTENDED", strict: ok, lenient: ok, confluent: ok;
    /// Unevaluated items were free and are now constrained.
    UnevaluatedItemsNarrowed = "UNEVALUATED_ITEMS_NARROWED", strict: breaks, lenient: breaks, confluent: breaks;
    /// A tuple position with a real schema added to an open array.
    ItemAddedToOpenContentModel = "ITEM_ADDED_TO_OPEN_CONTENT_MODEL", strict: breaks, lenient: breaks, confluent: breaks;
    /// A tuple position with an empty schema added to an open array.
    ItemWithEmptySchemaAddedToOpenContentModel = "ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL", strict: ok, lenient: ok, confluent: ok;
    /// A tuple position added to a closed array.
    ItemAddedToClosedContentModel = "ITEM_ADDED_TO_CLOSED_CONTENT_MODEL", strict: ok, lenient: ok, confluent: ok;
    /// A tuple position removed; the new array is open.
    ItemRemovedFromOpenContentModel = "ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL", strict: ok, lenient: ok, confluent: ok;
    /// A tuple position whose schema was `false` removed from a closed array.
    ItemWithFalseRemovedFromClosedContentModel = "ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL", strict: ok, lenient: ok, confluent: ok;
    /// A tuple position removed from a closed array.
    ItemRemovedFromClosedContentModel = "ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL", strict: breaks, lenient: breaks, confluent: breaks;
    /// A tuple position removed; the new extra-item schema accepts it.
    ItemRemovedIsCoveredByPartiallyOpenContentModel = "ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", strict: ok, lenient: ok, confluent: ok;
    /// A tuple position removed; the new extra-item schema does not accept it.
    ItemRemovedNotCoveredByPartiallyOpenContentModel = "ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", strict: breaks, lenient: breaks, confluent: breaks;
    /// A tuple position added; it accepts what the old extra-item schema allowed.
    ItemAddedIsCoveredByPartiallyOpenContentModel = "ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", strict: ok, lenient: ok, confluent: ok;
    /// A tuple position added; it does not accept what the old extra-item schema allowed.
    ItemAddedNotCoveredByPartiallyOpenContentModel = "ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", strict: breaks, lenient: breaks, confluent: breaks;
    /// The `enum` gained values.
    EnumArrayExtended = "ENUM_ARRAY_EXTENDED", strict: ok, lenient: ok, confluent: ok;
    /// The `enum` lost values.
    EnumArrayNarrowed = "ENUM_ARRAY_NARROWED", strict: breaks, lenient: breaks, confluent: breaks;
    /// The `enum` changed otherwise, or a `const` changed.
    EnumArrayChanged = "ENUM_ARRAY_CHANGED", strict: breaks, lenient: breaks, confluent: breaks;
    /// The combinator changed in a widening way.
    CombinedTypeExtended = "COMBINED_TYPE_EXTENDED", strict: ok, lenient: ok, confluent: ok;
    /// The combinator changed otherwise.
    CombinedTypeChanged = "COMBINED_TYPE_CHANGED", strict: breaks, lenient: breaks, confluent: breaks;
    /// `allOf` gained subschemas.
    ProductTypeExtended = "PRODUCT_TYPE_EXTENDED", strict: breaks, lenient: breaks, confluent: breaks;
    /// `allOf` lost subschemas (or became one of its branches).
    ProductTypeNarrowed = "PRODUCT_TYPE_NARROWED", strict: ok, lenient: ok, confluent: ok;
    /// `oneOf`/`anyOf` gained subschemas (or a schema became one of their branches).
    SumTypeExtended = "SUM_TYPE_EXTENDED", strict: ok, lenient: ok, confluent: ok;
    /// `oneOf`/`anyOf` lost subschemas.
    SumTypeNarrowed = "SUM_TYPE_NARROWED", strict: breaks, lenient: breaks, confluent: breaks;
    /// No pairing of old and new subschemas covers the smaller side.
    CombinedTypeSubschemasChanged = "COMBINED_TYPE_SUBSCHEMAS_CHANGED", strict: breaks, lenient: breaks, confluent: breaks;
    /// *Charter*: two `oneOf` branches may both match a document the old schema
    /// accepted, so `oneOf` rejects it.
    OneOfBranchesOverlap = "ONE_OF_BRANCHES_OVERLAP", strict: breaks, lenient: breaks, confluent: ok;
    /// The `not` schema excludes more.
    NotTypeExtended = "NOT_TYPE_EXTENDED", strict: breaks, lenient: breaks, confluent: breaks;
    /// The `not` schema excludes less.
    NotTypeNarrowed = "NOT_TYPE_NARROWED", strict: ok, lenient: ok, confluent: ok;
    /// *Charter*: `if`/`then`/`else` changed in a way not proven safe.
    ConditionalChanged = "CONDITIONAL_CHANGED", strict: breaks, lenient: breaks, confluent: ok;
    /// *Charter*: the two sides are in different formats.
    SchemaTypeChanged = "SCHEMA_TYPE_CHANGED", strict: breaks, lenient: breaks, confluent: breaks;
    // Protobuf: Confluent's names and verdicts (the policy has no effect on
    // them); paths are `#/Message[/Nested…][/oneof]/number`.
    /// `package` changed: every message's full name changed.
    PackageChanged = "PACKAGE_CHANGED", strict: breaks, lenient: breaks, confluent: breaks;
    /// A message exists only in the new file.
    MessageAdded = "MESSAGE_ADDED", strict: ok, lenient: ok, confluent: ok;
    /// A message exists only in the old file.
    MessageRemoved = "MESSAGE_REMOVED", strict: breaks, lenient: breaks, confluent: breaks;
    /// A message kept its name but its position among its siblings changed
    /// (its Confluent message index).
    MessageMoved = "MESSAGE_MOVED", strict: ok, lenient: ok, confluent: ok;
    /// An enum exists only in the new file.
    EnumAdded = "ENUM_ADDED", strict: ok, lenient: ok, confluent: ok;
    /// An enum exists only in the old file.
    EnumRemoved = "ENUM_REMOVED", strict: ok, lenient: ok, confluent: ok;
    /// An enum value number was added.
    EnumConstAdded = "ENUM_CONST_ADDED", strict: ok, lenient: ok, confluent: ok;
    /// An enum value number kept, under another name.
    EnumConstChanged = "ENUM_CONST_CHANGED", strict: ok, lenient: ok, confluent: ok;
    /// An enum value number was removed.
    EnumConstRemoved = "ENUM_CONST_REMOVED", strict: ok, lenient: ok, confluent: ok;
    /// A field number was added (not `required`, not in a oneof).
    FieldAdded = "FIELD_ADDED", strict: ok, lenient: ok, confluent: ok;
    /// A field number was removed and the new message reserves it.
    FieldRemoved = "FIELD_REMOVED", strict: ok, lenient: ok, confluent: ok;
    /// *Charter*: a field number was removed and the new message does not
    /// reserve it. Compatible on the wire (the peer's FIELD_REMOVED), but a
    /// later version may reuse the number with another type.
    FieldRemovedWithoutReserving = "FIELD_REMOVED_WITHOUT_RESERVING", strict: ok, lenient: ok, confluent: ok;
    /// Same field number, another name.
    FieldNameChanged = "FIELD_NAME_CHANGED", strict: ok, lenient: ok, confluent: ok;
    /// Same field number, another kind among scalar (enums included),
    /// message and map.
    FieldKindChanged = "FIELD_KIND_CHANGED", strict: breaks, lenient: breaks, confluent: breaks;
    /// Same field number, a scalar type of another wire group.
    FieldScalarKindChanged = "FIELD_SCALAR_KIND_CHANGED", strict: breaks, lenient: breaks, confluent: breaks;
    /// Same field number, a message type of another name, or a referenced
    /// message that changed incompatibly.
    FieldNamedTypeChanged = "FIELD_NAMED_TYPE_CHANGED", strict: breaks, lenient: breaks, confluent: breaks;
    /// A numeric field (enums included) became repeated or singular.
    FieldNumericLabelChanged = "FIELD_NUMERIC_LABEL_CHANGED", strict: breaks, lenient: breaks, confluent: breaks;
    /// A string or bytes field became repeated or singular.
    FieldStringOrBytesLabelChanged = "FIELD_STRING_OR_BYTES_LABEL_CHANGED", strict: ok, lenient: ok, confluent: ok;
    /// A proto2 `required` field was added.
    RequiredFieldAdded = "REQUIRED_FIELD_ADDED", strict: breaks, lenient: breaks, confluent: breaks;
    /// A proto2 `required` field was removed.
    RequiredFieldRemoved = "REQUIRED_FIELD_REMOVED", strict: breaks, lenient: breaks, confluent: breaks;
    /// A oneof name exists only in the new message.
    OneofAdded = "ONEOF_ADDED", strict: ok, lenient: ok, confluent: ok;
    /// A oneof name exists only in the old message.
    OneofRemoved = "ONEOF_REMOVED", strict: ok, lenient: ok, confluent: ok;
    /// A new field number inside a oneof.
    OneofFieldAdded = "ONEOF_FIELD_ADDED", strict: ok, lenient: ok, confluent: ok;
    /// A member of a oneof that otherwise survives was removed.
    OneofFieldRemoved = "ONEOF_FIELD_REMOVED", strict: breaks, lenient: breaks, confluent: breaks;
    /// A oneof member became a plain field.
    OneofFieldMovedToTopLevel = "ONEOF_FIELD_MOVED_TO_TOP_LEVEL", strict: ok, lenient: ok, confluent: ok;
    /// Two or more formerly separate fields now share a oneof.
    MultipleFieldsMovedToOneof = "MULTIPLE_FIELDS_MOVED_TO_ONEOF", strict: breaks, lenient: breaks, confluent: breaks;
    /// A oneof now holds fields from more than one old oneof or plain field.
    FieldMovedToExistingOneof = "FIELD_MOVED_TO_EXISTING_ONEOF", strict: breaks, lenient: breaks, confluent: breaks;
    // Avro: the Apache Avro names where they exist (the peer reports only
    // those), AVRO_* for the changes it does not report. Paths are described
    // in `avro/diff/mod.rs`.
    /// A field the new reader reads is absent from old data and has no default.
    ReaderFieldMissingDefaultValue = "READER_FIELD_MISSING_DEFAULT_VALUE", strict: breaks, lenient: breaks, confluent: breaks;
    /// The type changed to one neither side promotes to (int to string,
    /// record to enum).
    TypeMismatch = "TYPE_MISMATCH", strict: breaks, lenient: breaks, confluent: breaks;
    /// A named type was renamed and the new one lists no alias for the old name.
    NameMismatch = "NAME_MISMATCH", strict: breaks, lenient: breaks, confluent: breaks;
    /// A fixed type changed size.
    FixedSizeMismatch = "FIXED_SIZE_MISMATCH", strict: breaks, lenient: breaks, confluent: breaks;
    /// Enum symbols were removed and the new enum declares no default symbol.
    MissingEnumSymbols = "MISSING_ENUM_SYMBOLS", strict: breaks, lenient: breaks, confluent: breaks;
    /// A type was removed from a union (or a union became a narrower type)
    /// and no new branch reads it.
    MissingUnionBranch = "MISSING_UNION_BRANCH", strict: breaks, lenient: breaks, confluent: breaks;
    /// *Charter*: a field was added with a default.
    AvroFieldAddedWithDefault = "AVRO_FIELD_ADDED_WITH_DEFAULT", strict: ok, lenient: ok, confluent: ok;
    /// *Charter*: a field was removed (old readers need its old default).
    AvroFieldRemoved = "AVRO_FIELD_REMOVED", strict: ok, lenient: ok, confluent: ok;
    /// *Charter*: a field was renamed, the new one listing the old name as an alias.
    AvroFieldRenamed = "AVRO_FIELD_RENAMED", strict: ok, lenient: ok, confluent: ok;
    /// *Charter*: int → long, float or double; long → float or double;
    /// float → double; string ↔ bytes.
    AvroTypePromoted = "AVRO_TYPE_PROMOTED", strict: ok, lenient: ok, confluent: ok;
    /// *Charter*: the reverse of a promotion (long → int ...).
    AvroTypeNarrowed = "AVRO_TYPE_NARROWED", strict: breaks, lenient: breaks, confluent: breaks;
    /// *Charter*: a named type was renamed, with the old name as an alias.
    AvroTypeRenamed = "AVRO_TYPE_RENAMED", strict: ok, lenient: ok, confluent: ok;
    /// *Charter*: a named type kept its name in another namespace.
    AvroNamespaceChanged = "AVRO_NAMESPACE_CHANGED", strict: ok, lenient: ok, confluent: ok;
    /// *Charter*: enum symbols were added (old readers need an enum default).
    AvroEnumSymbolAdded = "AVRO_ENUM_SYMBOL_ADDED", strict: ok, lenient: ok, confluent: ok;
    /// *Charter*: enum symbols were removed; the new enum's default reads them.
    AvroEnumSymbolRemoved = "AVRO_ENUM_SYMBOL_REMOVED", strict: ok, lenient: ok, confluent: ok;
    /// *Charter*: a type was added to a union (or a type became a union).
    AvroUnionBranchAdded = "AVRO_UNION_BRANCH_ADDED", strict: ok, lenient: ok, confluent: ok;
    /// *Charter*: a type was removed from a union; another branch still reads it.
    AvroUnionBranchRemoved = "AVRO_UNION_BRANCH_REMOVED", strict: ok, lenient: ok, confluent: ok;
    /// *Charter*: a field's default or an enum's default symbol changed.
    AvroDefaultChanged = "AVRO_DEFAULT_CHANGED", strict: ok, lenient: ok, confluent: ok;
    /// *Charter*: `doc` changed.
    AvroDocChanged = "AVRO_DOC_CHANGED", strict: ok, lenient: ok, confluent: ok;
    /// *Charter*: `aliases` changed.
    AvroAliasesChanged = "AVRO_ALIASES_CHANGED", strict: ok, lenient: ok, confluent: ok;
    /// *Charter*: a field's sort `order` changed.
    AvroSortOrderChanged = "AVRO_SORT_ORDER_CHANGED", strict: ok, lenient: ok, confluent: ok;
    /// *Charter*: a custom property changed.
    AvroPropertyChanged = "AVRO_PROPERTY_CHANGED", strict: ok, lenient: ok, confluent: ok;
    /// *Charter*: a logical type was added to a type.
    AvroLogicalTypeAdded = "AVRO_LOGICAL_TYPE_ADDED", strict: ok, lenient: ok, confluent: ok;
    /// *Charter*: a logical type was removed (readers get the plain type).
    AvroLogicalTypeRemoved = "AVRO_LOGICAL_TYPE_REMOVED", strict: ok, lenient: ok, confluent: ok;
    /// *Charter*: a logical type changed (timestamp-millis to -micros, a
    /// decimal's scale): values decode but mean something else. Avro
    /// resolution ignores it, and so does the lenient policy.
    AvroLogicalTypeChanged = "AVRO_LOGICAL_TYPE_CHANGED", strict: breaks, lenient: ok, confluent: ok;
    /// *Charter*: a decimal's precision was raised (same scale).
    AvroLogicalTypeWidened = "AVRO_LOGICAL_TYPE_WIDENED", strict: ok, lenient: ok, confluent: ok;
    /// *Charter*: a decimal's precision was lowered (same scale): old values
    /// may not fit.
    AvroLogicalTypeNarrowed = "AVRO_LOGICAL_TYPE_NARROWED", strict: breaks, lenient: ok, confluent: ok;
}

impl fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for ChangeKind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// Which readers a change breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Breaks {
    /// Readers using the new schema on data written with the old one.
    pub backward: bool,
    /// Readers still on the old schema, reading data written with the new one.
    pub forward: bool,
}

impl Breaks {
    /// True when it breaks neither side.
    pub fn is_none(self) -> bool {
        !self.backward && !self.forward
    }

    /// The sides it breaks, as the words used in reports.
    pub fn sides(self) -> Vec<&'static str> {
        let mut sides = Vec::new();
        if self.backward {
            sides.push("backward");
        }
        if self.forward {
            sides.push("forward");
        }
        sides
    }
}

impl Serialize for Breaks {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.sides().serialize(serializer)
    }
}

/// One difference between two versions of a schema.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// What kind of difference.
    pub kind: ChangeKind,
    /// Where, as a JSON pointer fragment into the schema (`#/properties/id`).
    pub path: String,
    /// The old value at that place, when there is one to show.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    /// The new value at that place, when there is one to show.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<Value>,
    /// Which readers it breaks.
    pub breaks: Breaks,
    /// A sentence a person acts on: what changed and who breaks.
    pub message: String,
    /// A document that the writer accepts and the reader rejects, checked
    /// against both schemas (only for breaking changes, when one was found).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub example: Option<Value>,
    /// For checks against a history: the 0-based index of the version this
    /// change was found against (oldest first).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub against: Option<usize>,
}

impl Change {
    /// True when the change breaks any reader.
    pub fn is_breaking(&self) -> bool {
        !self.breaks.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for kind in ChangeKind::ALL {
            assert!(seen.insert(kind.name()), "duplicate name {}", kind.name());
            assert_eq!(ChangeKind::from_name(kind.name()), Some(*kind));
        }
    }

    #[test]
    fn confluent_breaks_only_on_the_peer_kinds() {
        for kind in ChangeKind::ALL {
            if kind.is_compatible(Policy::Strict) {
                assert!(kind.is_compatible(Policy::Confluent), "{kind}");
            }
            if kind.peer_kind().is_none() && *kind != ChangeKind::SchemaTypeChanged {
                let avro_break = *kind == ChangeKind::AvroTypeNarrowed;
                assert_eq!(kind.is_compatible(Policy::Confluent), !avro_break, "{kind}");
            }
        }
        assert!(ChangeKind::RequiredAttributeWithDefaultAdded.is_compatible(Policy::Confluent));
        assert!(
            !ChangeKind::OptionalPropertyAddedToOpenContentModel.is_compatible(Policy::Confluent)
        );
    }

    #[test]
    fn lenient_only_relaxes() {
        for kind in ChangeKind::ALL {
            if kind.is_compatible(Policy::Strict) {
                assert!(kind.is_compatible(Policy::Lenient), "{kind}");
            }
        }
    }
}
