//! `charter get (--subject S [--version N|latest] | --id ID)`: a registered
//! schema on stdout. `--output text` prints the schema text alone (so it can
//! be redirected to a file), `--output json` the registry's record.

use std::io::Write;

use anyhow::{Result, bail};

use super::subject::json_line;
use crate::args::{DataFormat, GetArgs};
use crate::client::Client;
use crate::exit::Exit;

/// Runs `charter get`.
pub fn run(args: GetArgs) -> Result<Exit> {
    let client = Client::from_args(&args.registry)?;
    let (text, record) = match (args.id, &args.subject) {
        (Some(id), _) => {
            let found = client.schema_by_id(id)?;
            (found.schema.clone(), serde_json::to_value(&found)?)
        }
        (None, Some(subject)) => {
            let found = client.version(subject, args.version)?;
            (found.schema.clone(), serde_json::to_value(&found)?)
        }
        (None, None) => bail!("pass --subject SUBJECT or --id ID"),
    };
    let mut stdout = anstream::stdout().lock();
    match args.output {
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
