//! What the registry refuses, and why. `http::error` gives every variant its
//! status and code; the `Display` text is the message clients see.

use schemas::payload::PrepareError;
use schemas::{CompatError, LimitExceeded, SchemaError};

use crate::model::{
    AssociationType, InvalidMode, InvalidName, InvalidSubject, InvalidVersion, SchemaId, Version,
    VersionSelector,
};
use crate::store::StoreError;

/// Why a registry operation failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The subject has no (matching) versions.
    #[error("Subject '{subject}' not found.")]
    SubjectNotFound {
        /// The subject.
        subject: String,
    },
    /// The subject exists but not that version.
    #[error("Version {version} not found.")]
    VersionNotFound {
        /// The subject.
        subject: String,
        /// The version as asked for.
        version: String,
    },
    /// `DELETE /contexts/{context}` of a context holding subjects.
    #[error("The specified context '{context}' is not empty.")]
    ContextNotEmpty {
        /// The context, as the peer names it (`:.ctx:`).
        context: String,
    },
    /// A context name that is none.
    #[error(transparent)]
    InvalidContext(#[from] crate::model::InvalidContext),
    /// No schema has this id (or it is no longer held by any version).
    #[error("Schema {id} not found")]
    SchemaNotFound {
        /// The id.
        id: SchemaId,
    },
    /// No schema has this GUID (or it is no longer held by any version).
    #[error("Schema {guid} not found")]
    GuidNotFound {
        /// The GUID as asked for.
        guid: String,
    },
    /// The posted schema is not one of the subject's versions.
    #[error("Schema not found under subject '{subject}'")]
    SchemaNotInSubject {
        /// The subject.
        subject: String,
    },
    /// No version of the subject has the metadata properties asked for.
    #[error(
        "Schema not found: no version of subject '{subject}' has the metadata properties {properties}"
    )]
    NoVersionWithMetadata {
        /// The subject.
        subject: String,
        /// The properties asked for, as `key=value, ...`.
        properties: String,
    },
    /// Soft-deleting a subject that is already soft-deleted.
    #[error("Subject '{subject}' was soft deleted. Set permanent=true to delete permanently")]
    SubjectSoftDeleted {
        /// The subject.
        subject: String,
    },
    /// Permanently deleting a subject that still has live versions.
    #[error("Subject '{subject}' was not deleted first before being permanently deleted")]
    SubjectNotSoftDeleted {
        /// The subject.
        subject: String,
    },
    /// Soft-deleting a version that is already soft-deleted.
    #[error(
        "Subject '{subject}' Version {version} was soft deleted. Set permanent=true to delete permanently"
    )]
    VersionSoftDeleted {
        /// The subject.
        subject: String,
        /// The version.
        version: Version,
    },
    /// Permanently deleting a live version.
    #[error(
        "Subject '{subject}' Version {version} was not deleted first before being permanently deleted"
    )]
    VersionNotSoftDeleted {
        /// The subject.
        subject: String,
        /// The version.
        version: Version,
    },
    /// `GET /config/{subject}` for a subject without its own config.
    #[error("Subject '{subject}' does not have subject-level compatibility configured")]
    SubjectConfigNotSet {
        /// The subject.
        subject: String,
    },
    /// `GET /mode/{subject}` for a subject without its own mode.
    #[error("Subject '{subject}' does not have subject-level mode configured")]
    SubjectModeNotSet {
        /// The subject.
        subject: String,
    },
    /// A registration the compatibility check refused.
    #[error(
        "Schema being registered is incompatible with an earlier schema for subject \"{subject}\", details: [{}]",
        messages.join(", ")
    )]
    Incompatible {
        /// The subject.
        subject: String,
        /// One line per breaking change, then context lines.
        messages: Vec<String>,
    },
    /// A registration that a recorded consumer of the subject cannot read,
    /// under `consumerCompatibility` ENFORCE.
    #[error(
        "Schema being registered cannot be read by recorded consumers of subject \"{subject}\", details: [{}]",
        messages.join(", ")
    )]
    ConsumersCannotRead {
        /// The subject.
        subject: String,
        /// One line per consumer that cannot read it, naming the consumer,
        /// its environment and version, and each breaking change with its
        /// example.
        messages: Vec<String>,
    },
    /// No reader is recorded for this consumer.
    #[error("Consumer '{consumer}' not found")]
    ConsumerNotFound {
        /// The consumer.
        consumer: String,
    },
    /// No reader is recorded for this consumer, subject and environment.
    #[error(
        "Consumer '{consumer}' has no reader of subject '{subject}' recorded in environment '{environment}'"
    )]
    ReaderNotFound {
        /// The consumer.
        consumer: String,
        /// The subject.
        subject: String,
        /// The environment.
        environment: String,
    },
    /// A consumer or environment name with characters it may not hold.
    #[error(transparent)]
    InvalidName(#[from] InvalidName),
    /// The posted schema cannot be used.
    #[error("Invalid schema: {0}")]
    InvalidSchema(#[from] InvalidSchema),
    /// A version segment that is not a version.
    #[error(transparent)]
    InvalidVersion(#[from] InvalidVersion),
    /// An unknown compatibility level, or a config field Charter does not take.
    #[error("Invalid compatibility level: {0}")]
    InvalidConfig(String),
    /// An unknown mode.
    #[error(transparent)]
    InvalidMode(#[from] InvalidMode),
    /// FORWARD set anywhere but the global context.
    #[error("Invalid mode: Forward mode only supported on global level (`/mode/:.__GLOBAL:`)")]
    ForwardBelowGlobal,
    /// A write the scope's mode or the request's shape does not allow.
    #[error("Operation not permitted: {0}")]
    NotPermitted(#[from] NotPermitted),
    /// Deleting a version other schemas reference.
    #[error(
        "One or more references exist to the schema {{subject={subject}, version={version}}}: referenced by schema ids {}",
        ids(referrers)
    )]
    ReferenceExists {
        /// The referenced subject.
        subject: String,
        /// The referenced version.
        version: Version,
        /// The referring schemas.
        referrers: Vec<SchemaId>,
    },
    /// A subject name that is not valid.
    #[error(transparent)]
    InvalidSubject(#[from] InvalidSubject),
    /// An association request with a property the rules refuse (the peer's
    /// `IllegalPropertyException`).
    #[error(
        "The association specified an invalid value for property: '{property}', detail: {detail}"
    )]
    InvalidAssociation {
        /// The property, as the request names it.
        property: &'static str,
        /// What is wrong with it.
        detail: String,
    },
    /// No association of the kinds asked for on a resource.
    #[error("Association for '{resource}' not found.")]
    AssociationNotFound {
        /// The resource id.
        resource: String,
    },
    /// Creating an association of a kind the resource already has (and not
    /// the same one).
    #[error("An association of type '{association_type}' already exists for resource '{resource}'")]
    AssociationExists {
        /// Its kind.
        association_type: AssociationType,
        /// The resource's name.
        resource: String,
    },
    /// A STRONG association for a subject another association names.
    #[error("An association already exists for subject '{subject}'")]
    SubjectAssociated {
        /// The subject.
        subject: String,
    },
    /// A WEAK association for a subject a STRONG association owns.
    #[error("A strong association already exists for subject '{subject}'")]
    SubjectStronglyAssociated {
        /// The subject.
        subject: String,
    },
    /// An association without a schema for a subject with no live version.
    #[error("No active (non-deleted) version exists for subject '{subject}'")]
    NoActiveSubjectVersion {
        /// The subject.
        subject: String,
    },
    /// Changing or deleting (without cascading) a frozen association. (The
    /// two spaces are the peer's.)
    #[error("The association of type  '{association_type}' is frozen for subject '{subject}'")]
    AssociationFrozen {
        /// Its kind.
        association_type: AssociationType,
        /// Its subject.
        subject: String,
    },
    /// A STRONG association for a subject other schemas reference.
    #[error(
        "One or more references exist to subject '{subject}': a STRONG association cannot own a referenced subject"
    )]
    AssociatedSubjectReferenced {
        /// The subject.
        subject: String,
    },
    /// A batch answer for one resource whose associations are of several
    /// (the peer's `toAssociationResponse` refuses to build it).
    #[error(
        "All associations must have the same resourceName, resourceNamespace, resourceId, and resourceType."
    )]
    AssociationsOfManyResources,
    /// A triage request that cannot be answered as sent.
    #[error(transparent)]
    InvalidTriage(#[from] InvalidTriage),
    /// The subject kept changing while a write was retried.
    #[error("the subject kept changing concurrently; the operation was not applied")]
    Busy,
    /// Every thread for schema work is busy and its queue is full.
    #[error("the registry is busy with other schema work (its queue is full); retry in a moment")]
    Overloaded,
    /// The store failed.
    #[error("store error: {0}")]
    Store(#[from] StoreError),
    /// A recorded reader that no longer parses (a newer engine refusing an
    /// old schema).
    #[error("the reader {reader} cannot be parsed: {error}")]
    StoredReaderUnreadable {
        /// Whose reader of which subject (`fulfillment's of inventory-value`).
        reader: String,
        /// Why.
        error: SchemaError,
    },
    /// A stored schema that no longer parses (a newer engine refusing an old schema).
    #[error("stored schema {id} cannot be parsed: {error}")]
    StoredSchemaUnreadable {
        /// The id.
        id: SchemaId,
        /// Why.
        error: SchemaError,
    },
}

fn ids(ids: &[SchemaId]) -> String {
    ids.iter()
        .map(SchemaId::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Why a posted schema cannot be used (42201).
#[derive(Debug, thiserror::Error)]
pub enum InvalidSchema {
    /// No schema text, and no earlier version to take it from.
    #[error("the schema is empty and the subject has no version to take it from")]
    Empty,
    /// The text does not parse as its format.
    #[error("{0}")]
    Parse(SchemaError),
    /// A reference to a version that does not exist.
    #[error(
        "reference `{name}` points at subject '{subject}' version {version}, which does not exist"
    )]
    UnresolvedReference {
        /// The reference name.
        name: String,
        /// The subject.
        subject: String,
        /// The version as given.
        version: VersionSelector,
    },
    /// An explicit version other than the next one, outside IMPORT mode.
    #[error("version {given} was asked for, but the next version of the subject is {next}")]
    NotNextVersion {
        /// The version asked for.
        given: Version,
        /// The version registration would assign.
        next: Version,
    },
    /// An explicit version that already exists (IMPORT mode).
    #[error("version {0} of this subject already exists")]
    VersionExists(Version),
    /// Tags that cannot be applied to (or read from) the schema: a path
    /// that names no record or field, a format without tag support.
    #[error("{0}")]
    Tags(#[from] schemas::tags::TagError),
    /// The schemas nest too deeply to compare.
    #[error("{0}")]
    TooDeep(String),
    /// The schema, or its check, is over one of the schema limits
    /// (`--max-schema-bytes`, `--max-compat-work`, ...).
    #[error(transparent)]
    Limit(LimitExceeded),
}

impl From<CompatError> for InvalidSchema {
    /// A check that gave no verdict: the reason is the schema's.
    fn from(error: CompatError) -> InvalidSchema {
        match error {
            CompatError::TooDeep { .. } => InvalidSchema::TooDeep(error.to_string()),
            CompatError::Limit(e) => InvalidSchema::Limit(e),
        }
    }
}

/// Why a triage request's schemas cannot be used: the reader schema sent
/// or named, or a writer schema a message names. (What is wrong with the
/// body itself is the HTTP layer's to say.)
#[derive(Debug, thiserror::Error)]
pub enum InvalidTriage {
    /// The reader schema cannot be used.
    #[error("the reader schema cannot be used: {0}")]
    ReaderSchema(InvalidSchema),
    /// The reader schema has no such Protobuf message, or names a message
    /// while not being Protobuf.
    #[error("the reader's message cannot be used: {0}")]
    ReaderMessage(PrepareError),
    /// A registered schema a message names cannot read payloads (a Protobuf
    /// file without messages).
    #[error("schema {id}, named by message {index} (from 0), cannot read payloads: {reason}")]
    WriterUnusable {
        /// The schema id.
        id: SchemaId,
        /// The position of the first message naming it.
        index: usize,
        /// Why.
        reason: PrepareError,
    },
}

/// Why a write is not permitted (42205).
#[derive(Debug, thiserror::Error)]
pub enum NotPermitted {
    /// The scope is read-only.
    #[error("the {scope} is in {mode} mode")]
    ReadOnly {
        /// `subject 'x'` or `registry`.
        scope: String,
        /// The mode's name.
        mode: &'static str,
    },
    /// A registration in IMPORT mode without an id.
    #[error("a registration in IMPORT mode (or FORWARD) must give the schema's id")]
    ImportNeedsId,
    /// A registration with an id outside IMPORT mode.
    #[error("a schema id may only be given in IMPORT mode (or FORWARD)")]
    IdOutsideImport,
    /// An explicit id that already holds other content.
    #[error("Overwrite new schema with id {0} is not permitted.")]
    IdTaken(SchemaId),
    /// Content that already has another id than the one given.
    #[error("this schema is already registered under id {existing}, not {given}")]
    ContentTaken {
        /// Its id.
        existing: SchemaId,
        /// The id given.
        given: SchemaId,
    },
    /// A reference to a subject a STRONG association owns.
    #[error("Subject '{0}' has a strong association and cannot be referenced")]
    StronglyAssociatedReference(String),
    /// Switching to IMPORT while live subjects exist.
    #[error("cannot switch to IMPORT mode while {0} has live schemas; use force=true")]
    ImportNotEmpty(String),
}
