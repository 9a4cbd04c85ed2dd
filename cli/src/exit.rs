//! The exit-code contract, written down once: [`Exit`], and
//! [`Exit::for_error`] for a run that ended in an error.

use std::process::ExitCode;

/// How `charter` ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: everything checked is fine.
    Success,
    /// 1: a contract or payload problem was found.
    Problem,
    /// 2: usage or input error (missing file, invalid JSON, not a schema).
    Input,
    /// 3: the registry could not be reached or answered an error.
    Registry,
}

impl Exit {
    /// The numeric code.
    pub fn code(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::Problem => 1,
            Exit::Input => 2,
            Exit::Registry => 3,
        }
    }

    /// Success when `ok`, otherwise a problem.
    pub fn from_ok(ok: bool) -> Exit {
        if ok { Exit::Success } else { Exit::Problem }
    }

    /// The exit for an error: registry failures (a [`RegistryFailure`] or a
    /// [`client::Error`](crate::client::Error) anywhere in the chain) are 3,
    /// everything else (usage, files, schemas) 2.
    pub fn for_error(error: &anyhow::Error) -> Exit {
        if error
            .chain()
            .any(|cause| cause.is::<RegistryFailure>() || cause.is::<crate::client::Error>())
        {
            Exit::Registry
        } else {
            Exit::Input
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit.code())
    }
}

/// Marks an error as the registry's (exit code 3) where no client error
/// says so: an answer Charter cannot use.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct RegistryFailure(pub String);

/// The text `charter --help` shows about exit codes.
pub const EXIT_CODES_HELP: &str = "Exit codes:
  0  all good
  1  a contract or payload problem was found
  2  usage or input error (missing file, invalid JSON, not a schema)
  3  the registry could not be reached or answered an error, including
     \"no such subject\" or \"no such version\" for a subject or version
     asked for (`check` and `push` treat a new subject as having no versions)

Registry commands read --registry or CHARTER_REGISTRY_URL, and credentials
from CHARTER_REGISTRY_AUTH: `user:password` (basic) or `Bearer TOKEN` (bearer).";
