//! `charter versions --subject S`: a subject's live versions, one per line
//! (or a JSON array). An unknown subject is the registry's error (exit 3).

use anyhow::Result;

use super::subject::print_list;
use crate::client::Client;
use crate::exit::Exit;
use crate::settings::VersionsSettings;

/// Runs `charter versions`.
pub fn run(settings: VersionsSettings) -> Result<Exit> {
    let client = Client::new(settings.client)?;
    print_list(&client.versions(&settings.subject)?, settings.output)?;
    Ok(Exit::Success)
}
