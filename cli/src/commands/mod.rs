//! One module per command.

pub mod check;
pub mod diff;
pub mod expect;
pub mod get;
pub mod push;
pub mod register;
mod subject;
pub mod subjects;
pub mod triage;
pub mod validate;
pub mod versions;

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use schemas::CompatReport;

use crate::args::OutputFormat;
use crate::exit::Exit;
use crate::render::{self, CompatFiles};

/// Prints `report` on `schema` (the new one) judged against the files
/// `against` (oldest first) in `format`, and returns the verdict's exit.
pub(crate) fn finish(
    report: &CompatReport,
    format: OutputFormat,
    schema: &Path,
    against: &[String],
    quiet: bool,
) -> Result<Exit> {
    let mut stdout = anstream::stdout().lock();
    match format {
        OutputFormat::Text => render::text::compat(&mut stdout, report, against, quiet)?,
        OutputFormat::Json => render::json::compat(&mut stdout, report)?,
        OutputFormat::Github | OutputFormat::Junit => {
            let name = schema.display().to_string();
            let text =
                std::fs::read_to_string(schema).with_context(|| format!("{name}: cannot read"))?;
            let files = CompatFiles {
                schema: &name,
                text: &text,
                against,
            };
            if format == OutputFormat::Github {
                render::github::compat(&mut stdout, report, files)?;
            } else {
                render::junit::compat(&mut stdout, report, files)?;
            }
        }
    }
    stdout.flush()?;
    Ok(Exit::from_ok(report.compatible))
}
