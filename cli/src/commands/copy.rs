//! `charter copy --from URL --to URL [--subjects PREFIX] [--dry-run]`: both
//! registries read, the plan made (conflicts stop it before anything is
//! written), carried out, and both registries read back and compared
//! (`crate::copy`).

use std::io::Write;

use anyhow::{Context, Result};

use crate::client::Client;
use crate::copy::{Plan, Progress, Selection, Summary, execute, read, verify};
use crate::exit::Exit;
use crate::settings::CopySettings;

/// Runs `charter copy`: exit 0 when the target holds what the source does,
/// 1 when a conflict stopped the copy or the verification found
/// differences, 3 when a registry failed.
pub fn run(settings: CopySettings) -> Result<Exit> {
    let source = Client::new(settings.from)?;
    let target = Client::new(settings.to)?;
    let prefix = settings.prefix.as_deref();
    let global = prefix.is_none();
    let jobs = settings.jobs;
    let progress = Progress::on_stderr();
    let (from, before, plan, written, verification) = progress.around(|| -> Result<_> {
        let from = read(&source, Selection::Prefix(prefix), global, jobs, &progress)
            .context("reading the source registry")?;
        // Every subject of the target (ids must not collide with any), and
        // the source's too: a subject without versions may still have a
        // config or mode there.
        let before = target
            .subjects(None, true)
            .and_then(|mut names| {
                names.extend(from.subjects.keys().cloned());
                read(&target, Selection::Names(&names), global, jobs, &progress)
            })
            .context("reading the target registry")?;
        let plan = Plan::make(&from, &before, global);
        if !plan.conflicts.is_empty() || settings.dry_run {
            return Ok((from, before, plan, None, None));
        }
        let written = execute(&target, &plan, &before, jobs, &progress)?;
        let verification = verify(&source, &target, prefix, jobs, &progress)
            .context("reading both registries back")?;
        Ok((from, before, plan, Some(written), Some(verification)))
    })?;
    let summary = Summary {
        from: source.url(),
        to: target.url(),
        source: &from,
        target: &before,
        plan: &plan,
        dry_run: settings.dry_run,
        written: written.as_ref(),
        verification: verification.as_ref(),
    };
    let mut stdout = anstream::stdout().lock();
    summary.write(&mut stdout)?;
    stdout.flush()?;
    let differences = verification.is_some_and(|v| !v.differences.is_empty());
    Ok(Exit::from_ok(plan.conflicts.is_empty() && !differences))
}
