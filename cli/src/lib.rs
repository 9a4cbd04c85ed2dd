//! The `charter` command line: argument definitions, command implementations,
//! payload validation and report rendering. `main.rs` only calls [`main`].

pub mod args;
pub mod client;
pub mod commands;
pub mod exit;
pub mod input;
pub mod manifest;
mod pipeline;
pub mod render;
pub mod triage;
pub mod validate;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};
use crate::exit::Exit;

/// Parses the command line, runs the command and maps the outcome to an exit
/// code (see [`Exit`]).
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Diff(args) => commands::diff::run(args),
        Command::Check(args) => commands::check::run(args),
        Command::Validate(args) => commands::validate::run(args),
        Command::Expect(args) => commands::expect::run(args),
        Command::Register(args) => commands::register::run(args),
        Command::Push(args) => commands::push::run(args),
        Command::Get(args) => commands::get::run(args),
        Command::Subjects(args) => commands::subjects::run(args),
        Command::Versions(args) => commands::versions::run(args),
        Command::Triage(args) => commands::triage::run(args),
    };
    match outcome {
        Ok(exit) => exit.into(),
        Err(error) if is_broken_pipe(&error) => Exit::Success.into(),
        Err(error) => {
            let exit = Exit::for_error(&error);
            let mut stderr = anstream::stderr();
            let _ = render::error_line(&mut stderr, &error);
            exit.into()
        }
    }
}

/// A reader that closed our stdout early (`charter ... | head`) is not an error.
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .chain()
        .filter_map(|cause| cause.downcast_ref::<std::io::Error>())
        .any(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}
