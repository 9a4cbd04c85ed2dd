//! The settings of the commands that judge compatibility: `diff`, `check`
//! and `expect`.

use std::path::PathBuf;

use schemas::{CompatibilityMode, Policy};

use super::{Error, input, registry};
use crate::args::{CheckArgs, DiffArgs, ExpectArgs, ReportArgs};
use crate::client::ClientSettings;
use crate::contract::ContractFlags;
use crate::input::InputSettings;
use crate::values::{OutputFormat, SchemaReference, VersionSelection};

/// How a compatibility report is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Report {
    /// The format.
    pub output: OutputFormat,
    /// Only the breaking changes: no compatible ones, no summary.
    pub quiet: bool,
}

impl From<ReportArgs> for Report {
    fn from(args: ReportArgs) -> Report {
        Report {
            output: args.output,
            quiet: args.quiet,
        }
    }
}

/// `charter diff OLD NEW`.
#[derive(Debug)]
pub struct DiffSettings {
    /// The earlier schema file.
    pub old: PathBuf,
    /// The new schema file.
    pub new: PathBuf,
    /// The mode the changes are judged under.
    pub mode: CompatibilityMode,
    /// The policy.
    pub policy: Policy,
    /// How the files are read.
    pub input: InputSettings,
    /// How the report is printed.
    pub report: Report,
}

impl DiffSettings {
    pub(super) fn resolve(args: DiffArgs) -> Result<DiffSettings, Error> {
        Ok(DiffSettings {
            old: args.old,
            new: args.new,
            mode: args.judge.mode,
            policy: args.judge.policy,
            input: input(args.input)?,
            report: args.report.into(),
        })
    }
}

/// `charter check NEW (--subject S | --against OLD... | both)`.
#[derive(Debug)]
pub struct CheckSettings {
    /// The candidate schema file.
    pub schema: PathBuf,
    /// Earlier versions kept in files, oldest first (after the registry's).
    pub against: Vec<PathBuf>,
    /// Whether a registry is asked, and how the candidate is judged.
    pub target: Against,
    /// How the files are read.
    pub input: InputSettings,
    /// How the report is printed.
    pub report: Report,
}

/// What `check` judges the candidate against.
#[derive(Debug)]
pub enum Against {
    /// Only the `--against` files, under a mode and policy (BACKWARD and
    /// strict unless given).
    Files {
        /// The mode.
        mode: CompatibilityMode,
        /// The policy.
        policy: Policy,
    },
    /// A subject's registered versions (then the files).
    Registry(Box<RegistryCheck>),
}

/// `check --subject S`: the registry's side of the question.
#[derive(Debug)]
pub struct RegistryCheck {
    /// The subject.
    pub subject: String,
    /// Registered schemas the candidate references.
    pub references: Vec<SchemaReference>,
    /// The candidate's data contract's files and properties.
    pub contract: ContractFlags,
    /// The mode Charter judges under; `None`: the subject's level.
    pub mode: Option<CompatibilityMode>,
    /// The policy Charter judges under; `None`: the subject's policy, else
    /// strict.
    pub policy: Option<Policy>,
    /// The registry.
    pub client: ClientSettings,
}

impl CheckSettings {
    pub(super) fn resolve(args: CheckArgs) -> Result<CheckSettings, Error> {
        let mode = args.judge.mode;
        let policy = args.judge.policy.policy;
        let contract = ContractFlags::from(args.contract);
        if args.subject.subject.is_none() && !contract.is_empty() {
            return Err(Error::ContractWithoutSubject);
        }
        let target = match args.subject.subject {
            Some(subject) => Against::Registry(Box::new(RegistryCheck {
                subject,
                references: args.registry_references,
                contract,
                mode,
                policy,
                client: registry::client(args.registry)?,
            })),
            None => Against::Files {
                mode: mode.unwrap_or_default(),
                policy: policy.unwrap_or_default(),
            },
        };
        Ok(CheckSettings {
            schema: args.schema,
            against: args.against,
            target,
            input: input(args.input)?,
            report: args.report.into(),
        })
    }
}

/// `charter expect --reader FILE (--subject S | --writer FILE...)`.
#[derive(Debug)]
pub struct ExpectSettings {
    /// The schema the consumer reads with.
    pub reader: PathBuf,
    /// The versions a producer may send.
    pub writers: Writers,
    /// How the files are read.
    pub input: InputSettings,
    /// How the report is printed.
    pub report: Report,
}

/// Where `expect` finds the producer's schemas.
#[derive(Debug)]
pub enum Writers {
    /// Files (`--writer`), judged under a policy (strict unless given).
    Files {
        /// The files, in order.
        files: Vec<PathBuf>,
        /// The policy.
        policy: Policy,
    },
    /// Registered versions of a subject.
    Registry {
        /// The subject.
        subject: String,
        /// Which versions; a list is sorted and without repeats.
        versions: VersionSelection,
        /// The policy; `None`: the subject's, else strict.
        policy: Option<Policy>,
        /// The registry (boxed: the variant would otherwise dwarf `Files`).
        client: Box<ClientSettings>,
    },
}

impl ExpectSettings {
    pub(super) fn resolve(args: ExpectArgs) -> Result<ExpectSettings, Error> {
        let policy = args.policy.policy;
        let writers = match args.subject.subject {
            Some(subject) => Writers::Registry {
                subject,
                versions: match args.versions {
                    VersionSelection::List(mut list) => {
                        list.sort_unstable();
                        list.dedup();
                        VersionSelection::List(list)
                    }
                    other => other,
                },
                policy,
                client: Box::new(registry::client(args.registry)?),
            },
            None => Writers::Files {
                files: args.writer,
                policy: policy.unwrap_or_default(),
            },
        };
        Ok(ExpectSettings {
            reader: args.reader,
            writers,
            input: input(args.input)?,
            report: args.report.into(),
        })
    }
}
