//! `charter diff OLD NEW`: every change between two files, judged.

use anyhow::Result;
use schemas::CompatReport;

use crate::exit::Exit;
use crate::input;
use crate::settings::DiffSettings;

/// Runs `charter diff`.
pub fn run(settings: DiffSettings) -> Result<Exit> {
    let old = input::load(&settings.old, &settings.input)?;
    let new = input::load(&settings.new, &settings.input)?;
    let limits = &settings.input.limits;
    let mut changes = schemas::diff_within(&old, &new, settings.policy, limits)?;
    schemas::attach_diff_examples(&mut changes, &old, &new);
    let mut report = CompatReport::new(settings.mode, settings.policy, changes);
    schemas::note_accepting_policies_within(&mut report, &new, &[&old], limits)?;
    let old = settings.old.display().to_string();
    super::report::finish(&report, settings.report, &settings.new, &[old])
}
