//! `charter subjects [--prefix P] [--deleted]`: the registry's subjects, one
//! per line (or a JSON array).

use anyhow::Result;

use super::subject::print_list;
use crate::client::Client;
use crate::exit::Exit;
use crate::settings::SubjectsSettings;

/// Runs `charter subjects`.
pub fn run(settings: SubjectsSettings) -> Result<Exit> {
    let client = Client::new(settings.client)?;
    let mut subjects = client.subjects(settings.prefix.as_deref(), settings.deleted)?;
    subjects.sort();
    print_list(&subjects, settings.output)?;
    Ok(Exit::Success)
}
