//! `charter register FILE --subject S`: registers a schema and prints its id
//! and version.
//!
//! The file is parsed first (exit 2 when it is not a schema), with the
//! registered schemas it references fetched to read it. `--metadata`,
//! `--property` and `--rule-set` send its data contract with it (read and
//! checked for shape first: exit 2); the same schema with another contract
//! is another version. A schema the subject
//! already holds is reported as such and not registered again. A schema the
//! registry refuses as incompatible (HTTP 409) exits 1 with the registry's
//! reasons.

use std::io::Write;

use anyhow::Result;
use schemas::MapResolver;
use serde_json::json;

use super::subject::{self, json_line};
use crate::client::{Client, NewSchema};
use crate::contract::DataContract;
use crate::exit::Exit;
use crate::input::InputSettings;
use crate::render::{BAD, GOOD};
use crate::settings::RegisterSettings;
use crate::values::DataFormat;

/// Runs `charter register`.
pub fn run(settings: RegisterSettings) -> Result<Exit> {
    let client = Client::new(settings.client)?;
    let resolver: MapResolver = client.resolver(&settings.references)?;
    let input = InputSettings {
        schema_type: settings.schema_type,
        ..InputSettings::default()
    };
    let local = subject::load(&settings.schema, &input, &resolver)?;
    let schema = NewSchema {
        schema: local.text,
        schema_type: local.schema_type,
        references: settings.references,
        contract: DataContract::from_flags(&settings.contract)?,
    };
    let subject = settings.subject.as_str();
    let mut stdout = anstream::stdout().lock();

    if let Some(found) = client.lookup(subject, &schema)? {
        match settings.output {
            DataFormat::Text => writeln!(
                stdout,
                "{GOOD}unchanged{GOOD:#}: `{subject}` already holds this schema as version {} (id {})",
                found.version, found.id
            )?,
            DataFormat::Json => json_line(
                &mut stdout,
                json!({"subject": subject, "registered": false, "version": found.version, "id": found.id}),
            )?,
        }
        return Ok(Exit::Success);
    }

    match client.register(subject, &schema) {
        Ok(registered) => {
            // Registries before Confluent 7.5 answer the id alone.
            let version = match registered.version {
                Some(version) => version,
                None => client
                    .lookup(subject, &schema)?
                    .map(|found| found.version)
                    .unwrap_or_default(),
            };
            match settings.output {
                DataFormat::Text => writeln!(
                    stdout,
                    "{GOOD}registered{GOOD:#} `{subject}` version {version} (id {})",
                    registered.id
                )?,
                DataFormat::Json => json_line(
                    &mut stdout,
                    json!({"subject": subject, "registered": true, "version": version, "id": registered.id}),
                )?,
            }
            Ok(Exit::Success)
        }
        Err(refused) if refused.is_incompatible() => {
            // The verbose check gives the reasons one per line; the 409's
            // own message is the fallback.
            let mut reasons = client.check(subject, &schema)?.reasons();
            if reasons.is_empty() {
                reasons.extend(refused.message().map(str::to_string));
            }
            match settings.output {
                DataFormat::Text => {
                    writeln!(
                        stdout,
                        "{BAD}REJECTED{BAD:#}: registry {} refuses the schema for `{subject}` as incompatible:",
                        client.url()
                    )?;
                    for reason in &reasons {
                        writeln!(stdout, "    {reason}")?;
                    }
                }
                DataFormat::Json => json_line(
                    &mut stdout,
                    json!({"subject": subject, "registered": false, "incompatible": true, "messages": reasons}),
                )?,
            }
            Ok(Exit::Problem)
        }
        Err(e) => Err(e.into()),
    }
}
