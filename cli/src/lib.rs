//! The `charter` command line: argument definitions, the settings step,
//! command implementations, payload validation and report rendering.
//! `main.rs` only calls [`main`].
//!
//! A run goes one way: clap parses [`args::Cli`]; [`settings::Settings`]
//! resolves it with the environment; `commands::run` runs the command with
//! its settings; the outcome becomes an exit code ([`exit::Exit`]).

pub mod args;
pub mod client;
pub mod commands;
pub mod contract;
pub mod copy;
pub mod exit;
pub mod input;
pub mod manifest;
mod pipeline;
pub mod render;
pub mod settings;
pub mod triage;
pub mod validate;
pub mod values;

use std::process::ExitCode;

use clap::Parser;

use crate::args::Cli;
use crate::exit::Exit;
use crate::settings::Settings;

/// Parses the command line, resolves its settings, runs the command and
/// maps the outcome to an exit code (see [`Exit`]).
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = Settings::resolve(cli.command).and_then(commands::run);
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
