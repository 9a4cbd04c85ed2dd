//! `charter expect --reader FILE (--subject S | --writer FILE...)`: the
//! consumer-driven contract check.
//!
//! A consumer keeps the schema it reads with in its own repository. Every
//! version it may receive (the latest by default, `--versions all` or a
//! list) must be readable with it: the BACKWARD question with the writer =
//! each version and the reader = the consumer's schema. Each field or value
//! a producer may send that the consumer would reject is named, with an
//! example document. Exit 1 if any version is unreadable.

use std::io::Write;

use anyhow::Result;
use schemas::{CompatibilityMode, Schema};
use serde_json::json;

use super::subject;
use crate::client::Client;
use crate::exit::Exit;
use crate::input;
use crate::render::{BAD, GOOD};
use crate::settings::{ExpectSettings, Writers};
use crate::values::{OutputFormat, VersionRef, VersionSelection};

/// Runs `charter expect`.
pub fn run(settings: ExpectSettings) -> Result<Exit> {
    let reader = input::load(&settings.reader, &settings.input)?;
    let (writers, labels, policy) = match settings.writers {
        Writers::Registry {
            subject,
            versions,
            policy,
            client,
        } => {
            let client = Client::new(*client)?;
            let versions = match versions {
                VersionSelection::Latest => vec![VersionRef::Latest],
                VersionSelection::All => client
                    .versions(&subject)?
                    .into_iter()
                    .map(VersionRef::Number)
                    .collect(),
                VersionSelection::List(list) => list.into_iter().map(VersionRef::Number).collect(),
            };
            let fetched = subject::fetch(&client, &subject, &versions)?;
            let policy = match policy {
                Some(policy) => policy,
                None => client
                    .effective_config(&subject)?
                    .policy
                    .unwrap_or_default(),
            };
            let labels: Vec<String> = fetched.iter().map(subject::Fetched::label).collect();
            let schemas = fetched.into_iter().map(|f| f.schema).collect();
            (schemas, labels, policy)
        }
        Writers::Files { files, policy } => {
            let schemas = files
                .iter()
                .map(|path| input::load(path, &settings.input))
                .collect::<Result<Vec<_>>>()?;
            let labels: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
            (schemas, labels, policy)
        }
    };
    let refs: Vec<&Schema> = writers.iter().collect();
    // The reader is the "new" schema and each writer an "old" one; with
    // several writers every one is checked, as a transitive level does.
    let mode = if refs.len() > 1 {
        CompatibilityMode::BackwardTransitive
    } else {
        CompatibilityMode::Backward
    };
    let mut report = schemas::check_within(&reader, &refs, mode, policy, &settings.input.limits)?;
    schemas::attach_examples(&mut report, &reader, &refs);
    let unreadable: Vec<usize> = (0..labels.len())
        .filter(|i| {
            report
                .breaking()
                .any(|c| c.against.unwrap_or(labels.len() - 1) == *i)
        })
        .collect();

    let how = settings.report;
    match how.output {
        OutputFormat::Json => {
            let mut value = serde_json::to_value(&report)?;
            value["reader"] = json!(settings.reader.display().to_string());
            value["writers"] = labels
                .iter()
                .enumerate()
                .map(|(i, label)| json!({"writer": label, "readable": !unreadable.contains(&i)}))
                .collect();
            subject::json_line(&mut anstream::stdout().lock(), value)?;
        }
        OutputFormat::Text => {
            super::report::finish(&report, how, &settings.reader, &labels)?;
            let mut stdout = anstream::stdout().lock();
            let reader = settings.reader.display();
            if unreadable.is_empty() {
                writeln!(
                    stdout,
                    "{GOOD}READABLE{GOOD:#}: {reader} reads {}",
                    labels.join(", ")
                )?;
            } else {
                let names: Vec<&str> = unreadable.iter().map(|i| labels[*i].as_str()).collect();
                writeln!(
                    stdout,
                    "{BAD}UNREADABLE{BAD:#}: {reader} would reject documents of {}",
                    names.join(", ")
                )?;
            }
        }
        OutputFormat::Github | OutputFormat::Junit => {
            super::report::finish(&report, how, &settings.reader, &labels)?;
        }
    }
    Ok(Exit::from_ok(unreadable.is_empty()))
}
