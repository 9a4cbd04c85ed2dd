//! One module per command. Each `run` receives its command's settings
//! ([`crate::settings`]), never the raw arguments, and returns the exit.
//! What several commands share is in `report.rs` (a compatibility report
//! printed) and `subject.rs` (schemas read with registry references, a
//! subject's versions fetched); this file only dispatches.

pub mod audit;
pub mod can_i_deploy;
pub mod check;
pub mod consumer;
pub mod copy;
pub mod deployed;
pub mod diff;
pub mod expect;
pub mod get;
pub mod push;
pub mod register;
mod report;
mod subject;
pub mod subjects;
pub mod triage;
pub mod validate;
pub mod versions;

use anyhow::Result;

use crate::exit::Exit;
use crate::settings::Settings;

/// Runs the command `settings` are for.
pub fn run(settings: Settings) -> Result<Exit> {
    match settings {
        Settings::Diff(settings) => diff::run(settings),
        Settings::Check(settings) => check::run(settings),
        Settings::Validate(settings) => validate::run(settings),
        Settings::Expect(settings) => expect::run(settings),
        Settings::Register(settings) => register::run(settings),
        Settings::Push(settings) => push::run(settings),
        Settings::Get(settings) => get::run(settings),
        Settings::Subjects(settings) => subjects::run(settings),
        Settings::Versions(settings) => versions::run(settings),
        Settings::Audit(settings) => audit::run(settings),
        Settings::Triage(settings) => triage::run(settings),
        Settings::Copy(settings) => copy::run(settings),
        Settings::Consumer(settings) => consumer::run(settings),
        Settings::Deployed(settings) => deployed::run(settings),
        Settings::CanIDeploy(settings) => can_i_deploy::run(settings),
    }
}
