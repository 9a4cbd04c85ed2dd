//! `charter get (--subject S [--version N|latest] | --id ID)`: a registered
//! schema on stdout. `--output text` prints the schema text alone (so it can
//! be redirected to a file), `--output json` the registry's record.

use std::io::Write;

use anyhow::Result;

use super::subject::json_line;
use crate::client::Client;
use crate::exit::Exit;
use crate::settings::{GetSettings, GetTarget};
use crate::values::DataFormat;

/// Runs `charter get`.
pub fn run(settings: GetSettings) -> Result<Exit> {
    let client = Client::new(settings.client)?;
    let (text, record) = match settings.target {
        GetTarget::Id(id) => {
            let found = client.schema_by_id(id)?;
            (found.schema.clone(), serde_json::to_value(&found)?)
        }
        GetTarget::Version { subject, version } => {
            let found = client.version(&subject, version)?;
            (found.schema.clone(), serde_json::to_value(&found)?)
        }
    };
    let mut stdout = anstream::stdout().lock();
    match settings.output {
        DataFormat::Text => {
            stdout.write_all(text.as_bytes())?;
            if !text.ends_with('\n') {
                writeln!(stdout)?;
            }
        }
        DataFormat::Json => json_line(&mut stdout, record)?,
    }
    stdout.flush()?;
    Ok(Exit::Success)
}
