//! `charter versions --subject S`: a subject's live versions, one per line
//! (or a JSON array). An unknown subject is the registry's error (exit 3).

use anyhow::Result;

use super::subject::print_list;
use crate::args::VersionsArgs;
use crate::client::Client;
use crate::exit::Exit;

/// Runs `charter versions`.
pub fn run(args: VersionsArgs) -> Result<Exit> {
    let client = Client::from_args(&args.registry)?;
    print_list(&client.versions(&args.subject)?, args.output)?;
    Ok(Exit::Success)
}
