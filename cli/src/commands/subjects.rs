//! `charter subjects [--prefix P] [--deleted]`: the registry's subjects, one
//! per line (or a JSON array).

use anyhow::Result;

use super::subject::print_list;
use crate::args::SubjectsArgs;
use crate::client::Client;
use crate::exit::Exit;

/// Runs `charter subjects`.
pub fn run(args: SubjectsArgs) -> Result<Exit> {
    let client = Client::from_args(&args.registry)?;
    let mut subjects = client.subjects(args.prefix.as_deref(), args.deleted)?;
    subjects.sort();
    print_list(&subjects, args.output)?;
    Ok(Exit::Success)
}
