//! The settings of the consumer commands (`consumer record|list|forget`,
//! `deployed`, `can-i-deploy`), which talk to Charter's own endpoints.

use std::path::PathBuf;

use schemas::SchemaType;

use super::{Error, registry};
use crate::args::{
    CanIDeployArgs, ConsumerCommand, ConsumerForgetArgs, ConsumerListArgs, ConsumerRecordArgs,
    DeployedArgs, ReaderArgs,
};
use crate::client::ClientSettings;
use crate::values::{DataFormat, OutputFormat, SchemaReference};

/// A schema file to send, with how it is read.
#[derive(Debug, Clone)]
pub struct SchemaFile {
    /// The file.
    pub path: PathBuf,
    /// Its format, when `--type` says.
    pub schema_type: Option<SchemaType>,
    /// The registered schemas it references.
    pub references: Vec<SchemaReference>,
}

/// The reader a consumer runs with.
#[derive(Debug, Clone)]
pub enum ReaderChoice {
    /// A schema file.
    File(SchemaFile),
    /// A registered version of the subject.
    Version(i32),
}

fn reader(args: ReaderArgs, file: impl FnOnce(PathBuf) -> SchemaFile) -> ReaderChoice {
    match (args.reader, args.reader_version) {
        (Some(path), _) => ReaderChoice::File(file(path)),
        // clap requires one of the two.
        (None, version) => ReaderChoice::Version(version.unwrap_or(1)),
    }
}

/// `charter consumer record|list|forget`.
#[derive(Debug)]
pub enum ConsumerSettings {
    /// `record`.
    Record {
        /// The consumer.
        consumer: String,
        /// The subject it reads.
        subject: String,
        /// The environment.
        environment: String,
        /// The reader.
        reader: ReaderChoice,
        /// The consumer's application version.
        consumer_version: Option<String>,
        /// Output format.
        output: DataFormat,
        /// The registry.
        client: ClientSettings,
    },
    /// `list`.
    List {
        /// Only this consumer's.
        consumer: Option<String>,
        /// Only this subject's.
        subject: Option<String>,
        /// Only this environment's (with `subject`).
        environment: Option<String>,
        /// Output format.
        output: DataFormat,
        /// The registry.
        client: ClientSettings,
    },
    /// `forget`.
    Forget {
        /// The consumer.
        consumer: String,
        /// The subject.
        subject: String,
        /// The environment.
        environment: String,
        /// The registry.
        client: ClientSettings,
    },
}

impl ConsumerSettings {
    pub(super) fn resolve(command: ConsumerCommand) -> Result<ConsumerSettings, Error> {
        Ok(match command {
            ConsumerCommand::Record(ConsumerRecordArgs {
                consumer,
                subject,
                reader: reader_args,
                environment,
                schema_type,
                references,
                output,
                registry: registry_args,
            }) => ConsumerSettings::Record {
                client: registry::client(registry_args)?,
                consumer,
                subject,
                environment: environment.environment,
                consumer_version: reader_args.consumer_version.clone(),
                reader: reader(reader_args, |path| SchemaFile {
                    path,
                    schema_type: schema_type.schema_type,
                    references,
                }),
                output: output.output,
            },
            ConsumerCommand::List(ConsumerListArgs {
                consumer,
                subject,
                environment,
                output,
                registry: registry_args,
            }) => ConsumerSettings::List {
                client: registry::client(registry_args)?,
                consumer,
                subject,
                environment,
                output: output.output,
            },
            ConsumerCommand::Forget(ConsumerForgetArgs {
                consumer,
                subject,
                environment,
                registry: registry_args,
            }) => ConsumerSettings::Forget {
                client: registry::client(registry_args)?,
                consumer,
                subject,
                environment: environment.environment,
            },
        })
    }
}

/// `charter deployed --subject S --version N [--environment E]`.
#[derive(Debug)]
pub struct DeployedSettings {
    /// The subject.
    pub subject: String,
    /// The version deployed.
    pub version: i32,
    /// The environment.
    pub environment: String,
    /// The registry.
    pub client: ClientSettings,
}

impl DeployedSettings {
    pub(super) fn resolve(args: DeployedArgs) -> Result<DeployedSettings, Error> {
        Ok(DeployedSettings {
            client: registry::client(args.registry)?,
            subject: args.subject,
            version: args.version,
            environment: args.environment.environment,
        })
    }
}

/// Which side asks `can-i-deploy`.
#[derive(Debug)]
pub enum Side {
    /// A producer, with the schema it would write with.
    Producer(SchemaFile),
    /// A consumer, with the reader it would run with.
    Consumer {
        /// The consumer.
        consumer: String,
        /// Its reader.
        reader: ReaderChoice,
        /// Its application version.
        consumer_version: Option<String>,
    },
}

/// `charter can-i-deploy`.
#[derive(Debug)]
pub struct CanIDeploySettings {
    /// The subject.
    pub subject: String,
    /// The environment.
    pub environment: String,
    /// Who asks.
    pub side: Side,
    /// Output format.
    pub output: OutputFormat,
    /// The registry.
    pub client: ClientSettings,
}

impl CanIDeploySettings {
    pub(super) fn resolve(args: CanIDeployArgs) -> Result<CanIDeploySettings, Error> {
        let schema_type = args.schema_type.schema_type;
        let references = args.references;
        let file = |path| SchemaFile {
            path,
            schema_type,
            references,
        };
        let side = match (args.schema, args.consumer) {
            (Some(path), _) => Side::Producer(file(path)),
            // clap requires --consumer without --schema.
            (None, consumer) => Side::Consumer {
                consumer: consumer.unwrap_or_default(),
                consumer_version: args.reader.consumer_version.clone(),
                reader: reader(args.reader, file),
            },
        };
        Ok(CanIDeploySettings {
            client: registry::client(args.registry)?,
            subject: args.subject,
            environment: args.environment.environment,
            side,
            output: args.output,
        })
    }
}
