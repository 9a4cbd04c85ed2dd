//! The settings step: every command's raw arguments ([`crate::args`]) and
//! the environment (the `CHARTER_REGISTRY_*` variables clap reads, the
//! number of cores) resolved once into the typed settings the command runs
//! with. Defaults are decided here, flag values are checked here (a
//! `--reference` file that is not there, a `--proto-path` that is no
//! directory, credentials that cannot be used, a registry URL that is no
//! base URL), and what stays open is typed as open: `mode: None` in
//! [`RegistryCheck`] means "the subject's level", decided by the registry.
//!
//! A setting that cannot be resolved is a usage error (exit 2) naming the
//! flag and the value; nothing has been read or sent yet.
//!
//! *Invariant:* commands receive settings, never arguments; this is the
//! only module that reads [`crate::args`] besides `crate::main`.

mod checks;
mod consumers;
mod copy;
mod payloads;
mod registry;

use std::path::PathBuf;

use anyhow::Result;
pub use checks::{
    Against, CheckSettings, DiffSettings, ExpectSettings, RegistryCheck, Report, Writers,
};
pub use consumers::{
    CanIDeploySettings, ConsumerSettings, DeployedSettings, ReaderChoice, SchemaFile, Side,
};
pub use copy::CopySettings;
pub use payloads::{ReaderSettings, ReaderSource, SchemaSource, TriageSettings, ValidateSettings};
pub use registry::{
    AuditSettings, GetSettings, GetTarget, PushSettings, RegisterSettings, SubjectsSettings,
    VersionsSettings,
};

use crate::args::{Command, InputArgs, JobsArgs};
use crate::input::InputSettings;
use crate::values::FileReference;

/// The settings of one run: which command, with what.
#[derive(Debug)]
pub enum Settings {
    /// `charter diff`.
    Diff(DiffSettings),
    /// `charter check`.
    Check(CheckSettings),
    /// `charter validate`.
    Validate(ValidateSettings),
    /// `charter expect`.
    Expect(ExpectSettings),
    /// `charter register`.
    Register(RegisterSettings),
    /// `charter push`.
    Push(PushSettings),
    /// `charter get`.
    Get(GetSettings),
    /// `charter subjects`.
    Subjects(SubjectsSettings),
    /// `charter versions`.
    Versions(VersionsSettings),
    /// `charter audit`.
    Audit(AuditSettings),
    /// `charter triage`.
    Triage(TriageSettings),
    /// `charter copy`.
    Copy(CopySettings),
    /// `charter consumer ...`.
    Consumer(ConsumerSettings),
    /// `charter deployed`.
    Deployed(DeployedSettings),
    /// `charter can-i-deploy`.
    CanIDeploy(CanIDeploySettings),
}

impl Settings {
    /// Resolves the arguments of `command`.
    pub fn resolve(command: Command) -> Result<Settings> {
        Ok(match command {
            Command::Diff(args) => Settings::Diff(DiffSettings::resolve(args)?),
            Command::Check(args) => Settings::Check(CheckSettings::resolve(args)?),
            Command::Validate(args) => Settings::Validate(ValidateSettings::resolve(args)?),
            Command::Expect(args) => Settings::Expect(ExpectSettings::resolve(args)?),
            Command::Register(args) => Settings::Register(RegisterSettings::resolve(args)?),
            Command::Push(args) => Settings::Push(PushSettings::resolve(args)?),
            Command::Get(args) => Settings::Get(GetSettings::resolve(args)?),
            Command::Subjects(args) => Settings::Subjects(SubjectsSettings::resolve(args)?),
            Command::Versions(args) => Settings::Versions(VersionsSettings::resolve(args)?),
            Command::Audit(args) => Settings::Audit(AuditSettings::resolve(args)?),
            Command::Triage(args) => Settings::Triage(TriageSettings::resolve(args)?),
            Command::Copy(args) => Settings::Copy(CopySettings::resolve(args)?),
            Command::Consumer(command) => Settings::Consumer(ConsumerSettings::resolve(command)?),
            Command::Deployed(args) => Settings::Deployed(DeployedSettings::resolve(args)?),
            Command::CanIDeploy(args) => Settings::CanIDeploy(CanIDeploySettings::resolve(args)?),
        })
    }
}

/// A flag value that cannot be used (exit 2). Each names the flag and the
/// value, except credentials, which are never repeated.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// `--metadata`, `--property` or `--rule-set` in `check` without
    /// `--subject`: files alone have no data contract to compare.
    #[error(
        "--metadata, --property and --rule-set need --subject: a data contract is compared with the subject's latest version"
    )]
    ContractWithoutSubject,
    /// Neither `--registry` nor `CHARTER_REGISTRY_URL`.
    #[error("no registry given: pass --registry URL or set CHARTER_REGISTRY_URL")]
    NoRegistry,
    /// `--registry` is not an http(s) base URL.
    #[error("--registry `{url}`: {reason}")]
    BadUrl {
        /// As given.
        url: String,
        /// Why.
        reason: String,
    },
    /// `--from` or `--to` of `copy` is not an http(s) base URL.
    #[error("{flag} `{url}`: {reason}")]
    BadEndpoint {
        /// The flag.
        flag: &'static str,
        /// As given.
        url: String,
        /// Why.
        reason: String,
    },
    /// Unusable credentials.
    #[error(transparent)]
    BadAuth(#[from] crate::values::BadAuth),
    /// `--reference NAME=FILE` names no file.
    #[error("--reference `{reference}`: {}: no such file", .reference.file.display())]
    NoReferenceFile {
        /// As given.
        reference: FileReference,
    },
    /// `--proto-path DIR` names no directory.
    #[error("--proto-path {}: no such directory", .0.display())]
    NoProtoPath(PathBuf),
    /// `-` given twice.
    #[error("`-` (stdin) can be given only once")]
    StdinTwice,
    /// `triage --message` without a reader.
    #[error("--message names the reader's Protobuf message: give --reader or --reader-version")]
    MessageWithoutReader,
    /// `get` without `--subject` or `--id` (clap refuses it first).
    #[error("pass --subject SUBJECT or --id ID")]
    NothingToGet,
    /// A certificate or key file that cannot be read.
    #[error("{flag} {}: {reason}", .path.display())]
    TlsFile {
        /// The flag that names it.
        flag: &'static str,
        /// The file.
        path: PathBuf,
        /// Why it cannot be used.
        reason: String,
    },
}

/// How schema files are read: every `--reference` file and `--proto-path`
/// directory checked once.
fn input(args: InputArgs) -> Result<InputSettings, Error> {
    for reference in &args.references {
        if !reference.file.is_file() {
            return Err(Error::NoReferenceFile {
                reference: reference.clone(),
            });
        }
    }
    for dir in &args.proto_paths {
        if !dir.is_dir() {
            return Err(Error::NoProtoPath(dir.clone()));
        }
    }
    Ok(InputSettings {
        schema_type: args.schema_type.schema_type,
        references: args.references,
        proto_paths: args.proto_paths,
        limits: args.limits.limits(),
    })
}

/// `--jobs`, or one worker per core.
fn jobs(args: JobsArgs) -> usize {
    match args.jobs {
        Some(jobs) => usize::from(jobs),
        None => std::thread::available_parallelism().map_or(1, usize::from),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_files_and_proto_paths_are_checked_once_and_named() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("money.json");
        std::fs::write(&file, "{}").unwrap();
        let good = InputArgs {
            references: vec![format!("money.json={}", file.display()).parse().unwrap()],
            proto_paths: vec![dir.path().to_path_buf()],
            ..InputArgs::default()
        };
        let resolved = input(good).unwrap();
        assert_eq!(resolved.references[0].file, file);

        let missing = InputArgs {
            references: vec!["m.json=nowhere/m.json".parse().unwrap()],
            ..InputArgs::default()
        };
        assert_eq!(
            input(missing).unwrap_err().to_string(),
            "--reference `m.json=nowhere/m.json`: nowhere/m.json: no such file"
        );
        let not_a_dir = InputArgs {
            proto_paths: vec![file.clone()],
            ..InputArgs::default()
        };
        assert_eq!(
            input(not_a_dir).unwrap_err().to_string(),
            format!("--proto-path {}: no such directory", file.display())
        );
    }
}
