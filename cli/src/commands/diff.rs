//! `charter diff OLD NEW`: every change between two files, judged.

use anyhow::Result;
use schemas::CompatReport;

use crate::args::DiffArgs;
use crate::exit::Exit;
use crate::input;

/// Runs `charter diff`.
pub fn run(args: DiffArgs) -> Result<Exit> {
    let old = input::load(&args.old, &args.input)?;
    let new = input::load(&args.new, &args.input)?;
    let mut changes = schemas::diff(&old, &new, args.judge.policy)?;
    schemas::attach_diff_examples(&mut changes, &old, &new);
    let report = CompatReport::new(args.judge.mode, args.judge.policy, changes);
    let old = args.old.display().to_string();
    super::finish(&report, args.output, &args.new, &[old], args.quiet)
}
