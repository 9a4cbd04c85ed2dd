//! `charter audit [--subject S] [--principal P] [--since T] [--until T]
//! [--limit N]`: a Charter registry's audit trail, newest first, one event
//! per line (or the registry's `{"events": [...]}` document with
//! `--output json`).

use std::io::Write;

use anyhow::Result;
use serde_json::json;

use super::subject::{json_line, print_list};
use crate::client::Client;
use crate::exit::Exit;
use crate::settings::AuditSettings;
use crate::values::DataFormat;

/// Runs `charter audit`.
pub fn run(settings: AuditSettings) -> Result<Exit> {
    let client = Client::new(settings.client)?;
    let events = client.audit(&settings.filter)?;
    match settings.output {
        DataFormat::Text => print_list(&events, DataFormat::Text)?,
        DataFormat::Json => {
            let mut stdout = anstream::stdout().lock();
            json_line(&mut stdout, json!({ "events": events }))?;
            stdout.flush()?;
        }
    }
    Ok(Exit::Success)
}
