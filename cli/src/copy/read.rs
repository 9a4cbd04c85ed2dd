//! A registry read into a [`Snapshot`]: its subjects (soft-deleted ones
//! too), every version with its schema, each subject's own config and mode,
//! and the global ones. Subjects a selected schema references are read too,
//! so that what is copied can be registered.

use std::collections::{BTreeMap, BTreeSet};

use super::{Held, Progress, Snapshot, SubjectState, parallel};
use crate::client::{Client, Error, ScopeConfig};

/// Which subjects to read.
#[derive(Debug, Clone, Copy)]
pub enum Selection<'a> {
    /// Every subject starting with the prefix (all without one).
    Prefix(Option<&'a str>),
    /// These subjects.
    Names(&'a [String]),
}

/// A subject's version numbers, config and mode.
struct Header {
    name: String,
    all: Vec<i32>,
    live: BTreeSet<i32>,
    config: Option<ScopeConfig>,
    mode: Option<String>,
}

/// Reads what `selection` names from `client`, `jobs` requests at a time;
/// the global config and mode too when `global`.
pub fn read(
    client: &Client,
    selection: Selection<'_>,
    global: bool,
    jobs: usize,
    progress: &Progress,
) -> Result<Snapshot, Error> {
    let mut names: Vec<String> = match selection {
        Selection::Prefix(prefix) => {
            let mut names = client.subjects(prefix, true)?;
            // Not every registry filters by prefix itself.
            names.retain(|name| prefix.is_none_or(|p| name.starts_with(p)));
            names
        }
        Selection::Names(names) => names.to_vec(),
    };
    names.sort();
    names.dedup();
    let selected: BTreeSet<String> = names.iter().cloned().collect();
    let mut snapshot = Snapshot::default();
    if global {
        snapshot.config = client.scope_config(None)?;
        snapshot.mode = client.scope_mode(None)?;
    }
    while !names.is_empty() {
        read_subjects(client, &names, jobs, progress, &mut snapshot)?;
        // The subjects referenced but not read yet, until there are none.
        let mut missing: BTreeSet<String> = BTreeSet::new();
        for held in snapshot.held() {
            for reference in &held.version.references {
                if !snapshot.subjects.contains_key(&reference.subject) {
                    missing.insert(reference.subject.clone());
                }
            }
        }
        names = missing.into_iter().collect();
        snapshot
            .referenced
            .extend(names.iter().filter(|n| !selected.contains(*n)).cloned());
    }
    Ok(snapshot)
}

fn read_subjects(
    client: &Client,
    names: &[String],
    jobs: usize,
    progress: &Progress,
    snapshot: &mut Snapshot,
) -> Result<(), Error> {
    progress.phase("reading subjects", names.len());
    let headers = parallel(jobs, names, progress, |name| {
        let all = client.version_numbers(name, true)?;
        let live = client.version_numbers(name, false)?.into_iter().collect();
        Ok::<_, Error>(Header {
            name: name.clone(),
            all,
            config: client.scope_config(Some(name))?,
            mode: client.scope_mode(Some(name))?,
            live,
        })
    })?;
    let wanted: Vec<(String, i32)> = headers
        .iter()
        .flat_map(|h| h.all.iter().map(|v| (h.name.clone(), *v)))
        .collect();
    progress.phase("reading versions", wanted.len());
    let versions = parallel(jobs, &wanted, progress, |(subject, version)| {
        client.exported(subject, *version)
    })?;
    let mut by_subject: BTreeMap<String, BTreeMap<i32, Held>> = BTreeMap::new();
    let live: BTreeMap<&str, &BTreeSet<i32>> =
        headers.iter().map(|h| (h.name.as_str(), &h.live)).collect();
    for version in versions {
        let deleted = !live
            .get(version.subject.as_str())
            .is_some_and(|l| l.contains(&version.version));
        by_subject
            .entry(version.subject.clone())
            .or_default()
            .insert(version.version, Held { version, deleted });
    }
    for header in headers {
        let versions = by_subject.remove(&header.name).unwrap_or_default();
        snapshot.subjects.insert(
            header.name,
            SubjectState {
                versions,
                config: header.config,
                mode: header.mode,
            },
        );
    }
    Ok(())
}
