//! One module per command.

pub mod check;
pub mod diff;

use std::io::Write;

use anyhow::Result;
use schemas::CompatReport;

use crate::args::OutputFormat;
use crate::exit::Exit;
use crate::render;

/// Prints `report` in `format` and returns the verdict's exit.
pub(crate) fn finish(
    report: &CompatReport,
    format: OutputFormat,
    labels: &[String],
) -> Result<Exit> {
    let mut stdout = anstream::stdout().lock();
    match format {
        OutputFormat::Text => render::text(&mut stdout, report, labels)?,
        OutputFormat::Json => render::json(&mut stdout, report)?,
    }
    stdout.flush()?;
    Ok(Exit::from_ok(report.compatible))
}
