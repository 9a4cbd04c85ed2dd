//! A compatibility report printed in the format asked for (`diff`, `check`,
//! `expect`).

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use schemas::CompatReport;

use crate::exit::Exit;
use crate::render::{self, CompatFiles};
use crate::settings::Report;
use crate::values::OutputFormat;

/// Prints `report` on `schema` (the new one) judged against the files
/// `against` (oldest first) as `how` says, and returns the verdict's exit.
pub(crate) fn finish(
    report: &CompatReport,
    how: Report,
    schema: &Path,
    against: &[String],
) -> Result<Exit> {
    let mut stdout = anstream::stdout().lock();
    let format = how.output;
    match format {
        OutputFormat::Text => render::text::compat(&mut stdout, report, against, how.quiet)?,
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
