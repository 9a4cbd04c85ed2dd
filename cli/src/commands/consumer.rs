//! `charter consumer record|list|forget`: the reader schema each consumer
//! runs with, per subject and environment, kept in Charter's registry, which
//! judges producers' changes against it (`consumerCompatibility`) and
//! answers `can-i-deploy`.

use std::io::Write;

use anyhow::Result;
use serde_json::Value;

use super::subject::{self, json_line};
use crate::client::{Client, ConsumerRecord, NewSchema, Reader};
use crate::contract::DataContract;
use crate::exit::Exit;
use crate::input::InputSettings;
use crate::render::GOOD;
use crate::settings::{ConsumerSettings, ReaderChoice};
use crate::values::DataFormat;

/// The reader to send: a schema file read (and parsed, so that a file that
/// is not a schema exits 2 before anything is sent) or a version.
pub(crate) fn reader(client: &Client, choice: &ReaderChoice) -> Result<Reader> {
    Ok(match choice {
        ReaderChoice::Version(version) => Reader::Version(*version),
        ReaderChoice::File(file) => {
            let resolver = client.resolver(&file.references)?;
            let input = InputSettings {
                schema_type: file.schema_type,
                ..InputSettings::default()
            };
            let local = subject::load(&file.path, &input, &resolver)?;
            Reader::Schema(NewSchema {
                schema: local.text,
                schema_type: local.schema_type,
                references: file.references.clone(),
                contract: DataContract::default(),
            })
        }
    })
}

/// How a recorded reader is shown: `version 3` or `AVRO schema`.
fn describe(reader: &Value) -> String {
    match (reader["version"].as_i64(), reader["schemaType"].as_str()) {
        (Some(version), _) => format!("version {version}"),
        (None, Some(schema_type)) => format!("its own {schema_type} schema"),
        (None, None) => "a reader".to_string(),
    }
}

/// One line per record: `fulfillment reads inventory-value in prod with
/// version 3 (consumer version 1.4.2)`.
fn line(record: &ConsumerRecord) -> String {
    let version = record
        .consumer_version
        .as_deref()
        .map(|v| format!(" (consumer version {v})"))
        .unwrap_or_default();
    format!(
        "{} reads {} in {} with {}{version}",
        record.consumer,
        record.subject,
        record.environment,
        describe(&record.reader)
    )
}

/// Runs `charter consumer ...`.
pub fn run(settings: ConsumerSettings) -> Result<Exit> {
    let mut stdout = anstream::stdout().lock();
    match settings {
        ConsumerSettings::Record {
            consumer,
            subject,
            environment,
            reader: choice,
            consumer_version,
            output,
            client,
        } => {
            let client = Client::new(client)?;
            let reader = reader(&client, &choice)?;
            let record = client.record_consumer(
                &consumer,
                &subject,
                &environment,
                &reader,
                consumer_version.as_deref(),
            )?;
            match output {
                DataFormat::Text => writeln!(stdout, "{GOOD}recorded{GOOD:#}: {}", line(&record))?,
                DataFormat::Json => json_line(&mut stdout, serde_json::to_value(&record)?)?,
            }
        }
        ConsumerSettings::List {
            consumer,
            subject,
            environment,
            output,
            client,
        } => {
            let client = Client::new(client)?;
            let records = match (&consumer, &subject) {
                (Some(consumer), _) => client.consumer(consumer)?,
                (None, Some(subject)) => {
                    client.subject_consumers(subject, environment.as_deref())?
                }
                (None, None) => {
                    let mut all = Vec::new();
                    for name in client.consumer_names()? {
                        all.extend(client.consumer(&name)?);
                    }
                    all
                }
            };
            match output {
                DataFormat::Text => {
                    for record in &records {
                        writeln!(stdout, "{}", line(record))?;
                    }
                }
                DataFormat::Json => json_line(&mut stdout, serde_json::to_value(&records)?)?,
            }
        }
        ConsumerSettings::Forget {
            consumer,
            subject,
            environment,
            client,
        } => {
            let client = Client::new(client)?;
            client.forget_consumer(&consumer, &subject, &environment)?;
            writeln!(
                stdout,
                "{GOOD}forgotten{GOOD:#}: {consumer} no longer reads {subject} in {environment}"
            )?;
        }
    }
    Ok(Exit::Success)
}
