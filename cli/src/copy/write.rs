//! A plan carried out on the target: the subjects that need writes put in
//! IMPORT mode, the versions registered level by level with their ids (and
//! soft-deleted at once when the source has them so), the remaining soft
//! deletes, then the configs and modes. Whatever fails, each subject still
//! in IMPORT mode is given back the mode it had before the copy.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use anyhow::{Context, Result, anyhow};

use super::plan::{Setting, Task};
use super::{Plan, Progress, Snapshot, parallel};
use crate::client::{Client, Error};

/// The error code of a schema the registry refuses (here: its metadata or
/// rule set, which it does not keep).
const INVALID_SCHEMA: i64 = 42201;
/// The error code of a config the registry refuses.
const INVALID_CONFIG: i64 = 42203;

/// What was written.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Written {
    /// Versions registered.
    pub registered: usize,
    /// Versions soft-deleted.
    pub deleted: usize,
    /// Configs and modes set or removed.
    pub settings: usize,
    /// Versions whose metadata or rule set the target refused, registered
    /// without them.
    pub without_extras: usize,
    /// Config settings the target refused, by name, and how many configs
    /// were set without them.
    pub dropped_settings: BTreeMap<String, usize>,
}

/// Counters the workers share.
#[derive(Default)]
struct Tally {
    registered: AtomicUsize,
    deleted: AtomicUsize,
    settings: AtomicUsize,
    without_extras: AtomicUsize,
    extras_refused: AtomicBool,
    dropped_settings: Mutex<BTreeMap<String, usize>>,
}

/// Carries out `plan` on `client`; `before` is what the target held, whose
/// modes are put back on failure.
pub fn execute(
    client: &Client,
    plan: &Plan,
    before: &Snapshot,
    jobs: usize,
    progress: &Progress,
) -> Result<Written> {
    let tally = Tally::default();
    // Subjects in IMPORT mode because of the copy, with the mode to put back.
    let switched: Mutex<BTreeMap<String, Option<String>>> = Mutex::default();
    let outcome = carry_out(client, plan, before, jobs, progress, &tally, &switched);
    let left: Vec<(String, Option<String>)> =
        std::mem::take(&mut *lock(&switched)).into_iter().collect();
    if let Err(error) = outcome {
        let failed: Vec<String> = left
            .iter()
            .filter(|(subject, mode)| restore(client, subject, mode.as_deref()).is_err())
            .map(|(subject, _)| format!("'{subject}'"))
            .collect();
        let restored = left.len() - failed.len();
        return Err(if failed.is_empty() {
            error.context(format!(
                "the copy stopped ({restored} subjects put back in the mode they had; run it again to resume)"
            ))
        } else {
            error.context(format!(
                "the copy stopped, and these subjects are still in IMPORT mode: {} (set their mode by hand)",
                failed.join(", ")
            ))
        });
    }
    let dropped = std::mem::take(&mut *lock(&tally.dropped_settings));
    Ok(Written {
        registered: tally.registered.into_inner(),
        deleted: tally.deleted.into_inner(),
        settings: tally.settings.into_inner(),
        without_extras: tally.without_extras.into_inner(),
        dropped_settings: dropped,
    })
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn restore(client: &Client, subject: &str, mode: Option<&str>) -> Result<(), Error> {
    match mode {
        Some(mode) => client.put_scope_mode(Some(subject), mode),
        None => client.delete_scope_mode(subject),
    }
}

fn carry_out(
    client: &Client,
    plan: &Plan,
    before: &Snapshot,
    jobs: usize,
    progress: &Progress,
    tally: &Tally,
    switched: &Mutex<BTreeMap<String, Option<String>>>,
) -> Result<()> {
    progress.phase("switching subjects to IMPORT", plan.importing.len());
    parallel(jobs, &plan.importing, progress, |subject| {
        let had = before.subjects.get(subject).and_then(|s| s.mode.clone());
        // Noted first: a switch whose answer is lost may still have happened.
        lock(switched).insert(subject.clone(), had);
        client
            .put_scope_mode(Some(subject), "IMPORT")
            .with_context(|| format!("cannot put subject '{subject}' in IMPORT mode"))
    })?;
    progress.phase("registering versions", plan.registrations());
    for level in &plan.levels {
        parallel(jobs, level, progress, |task| register(client, task, tally))?;
    }
    progress.phase("soft-deleting versions", plan.deletions.len());
    parallel(jobs, &plan.deletions, progress, |(subject, version)| {
        client
            .soft_delete(subject, *version)
            .with_context(|| format!("cannot soft-delete subject '{subject}' version {version}"))?;
        tally.deleted.fetch_add(1, Ordering::Relaxed);
        Ok::<_, anyhow::Error>(())
    })?;
    progress.phase("setting configs and modes", plan.settings.len());
    let (subjects, global): (Vec<&Setting>, Vec<&Setting>) =
        plan.settings.iter().partition(|s| match s {
            Setting::Config(subject, _) | Setting::Mode(subject, _) => subject.is_some(),
        });
    parallel(jobs, &subjects, progress, |setting| {
        apply(client, setting, tally, switched)
    })?;
    // The registry's own last, so a READONLY registry is so only at the end.
    for setting in global {
        apply(client, setting, tally, switched)?;
        progress.advance(1);
    }
    Ok(())
}

/// Registers one version with its id and number, then soft-deletes it if
/// the source has it so.
fn register(client: &Client, task: &Task, tally: &Tally) -> Result<()> {
    let v = &task.version;
    let what = || {
        format!(
            "cannot register subject '{}' version {} (id {})",
            v.subject, v.version, v.id
        )
    };
    let mut extras = v.has_extras() && !tally.extras_refused.load(Ordering::Relaxed);
    let registered = match client.import(v, extras) {
        Err(e) if extras && e.error_code() == Some(INVALID_SCHEMA) => {
            // The target does not keep metadata or rule sets: register the
            // schema without them (they are counted in the summary).
            extras = false;
            let again = client.import(v, false).with_context(what)?;
            tally.extras_refused.store(true, Ordering::Relaxed);
            again
        }
        other => other.with_context(what)?,
    };
    if v.has_extras() && !extras {
        tally.without_extras.fetch_add(1, Ordering::Relaxed);
    }
    if registered.id != v.id || registered.version.is_some_and(|n| n != v.version) {
        return Err(anyhow!(
            "the target registered subject '{}' version {} as id {} version {}, not id {} version {}; is it in IMPORT mode?",
            v.subject,
            v.version,
            registered.id,
            registered
                .version
                .map_or("?".to_string(), |n| n.to_string()),
            v.id,
            v.version
        ));
    }
    tally.registered.fetch_add(1, Ordering::Relaxed);
    if task.delete {
        client.soft_delete(&v.subject, v.version).with_context(|| {
            format!(
                "cannot soft-delete subject '{}' version {}",
                v.subject, v.version
            )
        })?;
        tally.deleted.fetch_add(1, Ordering::Relaxed);
    }
    Ok(())
}

fn apply(
    client: &Client,
    setting: &Setting,
    tally: &Tally,
    switched: &Mutex<BTreeMap<String, Option<String>>>,
) -> Result<()> {
    let scope = |subject: &Option<String>| match subject {
        Some(s) => format!("subject '{s}'"),
        None => "the registry".to_string(),
    };
    match setting {
        Setting::Config(subject, Some(config)) => {
            match client.put_scope_config(subject.as_deref(), config) {
                Err(e) if e.error_code() == Some(INVALID_CONFIG) && !config.others().is_empty() => {
                    // Settings the target does not implement: the level alone.
                    client
                        .put_scope_config(subject.as_deref(), &config.level_only())
                        .with_context(|| format!("cannot set the config of {}", scope(subject)))?;
                    let mut dropped = lock(&tally.dropped_settings);
                    for name in config.others() {
                        *dropped.entry(name.to_string()).or_default() += 1;
                    }
                }
                other => {
                    other.with_context(|| format!("cannot set the config of {}", scope(subject)))?
                }
            }
        }
        Setting::Config(subject, None) => {
            let subject = subject.as_deref().unwrap_or_default();
            client
                .delete_scope_config(subject)
                .with_context(|| format!("cannot remove the config of subject '{subject}'"))?;
        }
        Setting::Mode(subject, mode) => {
            match (subject, mode) {
                (Some(s), None) => client.delete_scope_mode(s),
                (subject, Some(mode)) => client.put_scope_mode(subject.as_deref(), mode),
                (None, None) => Ok(()),
            }
            .with_context(|| format!("cannot set the mode of {}", scope(subject)))?;
            if let Some(subject) = subject {
                lock(switched).remove(subject);
            }
        }
    }
    tally.settings.fetch_add(1, Ordering::Relaxed);
    Ok(())
}
