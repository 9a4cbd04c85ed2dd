//! Rendering reports for people (text) and machines (JSON). Data goes to
//! stdout, diagnostics to stderr; colour only on a terminal (anstream strips
//! it otherwise and honours `NO_COLOR`).

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};
use schemas::{Change, CompatReport};

const BAD: Style = AnsiColor::Red.on_default().bold();
const GOOD: Style = AnsiColor::Green.on_default().bold();
const DIM: Style = Style::new().dimmed();

/// One line for an error: `error: <file>: <problem>`.
pub fn error_line(out: &mut impl Write, error: &anyhow::Error) -> io::Result<()> {
    writeln!(out, "{BAD}error{BAD:#}: {error:#}")
}

/// Names of the files a report's `against` indices point to.
pub type Labels<'a> = &'a [String];

/// The text report: breaking changes (with examples), then the others, then
/// a summary line.
pub fn text(out: &mut impl Write, report: &CompatReport, labels: Labels<'_>) -> io::Result<()> {
    let breaking: Vec<&Change> = report.breaking().collect();
    let other: Vec<&Change> = report
        .changes
        .iter()
        .filter(|c| !breaking.iter().any(|b| std::ptr::eq(*b, *c)))
        .collect();
    for change in &breaking {
        write!(out, "{BAD}BREAKING{BAD:#} ")?;
        line(out, change, labels)?;
        if let Some(example) = &change.example {
            writeln!(
                out,
                "    {DIM}example (writer accepts, reader rejects):{DIM:#} {example}"
            )?;
        }
    }
    if !other.is_empty() {
        if !breaking.is_empty() {
            writeln!(out)?;
        }
        writeln!(out, "Compatible under {}:", report.mode)?;
        for change in &other {
            write!(out, "  ")?;
            line(out, change, labels)?;
        }
    }
    if !report.changes.is_empty() {
        writeln!(out)?;
    }
    let (verdict, style) = if report.compatible {
        ("COMPATIBLE", GOOD)
    } else {
        ("INCOMPATIBLE", BAD)
    };
    writeln!(
        out,
        "{style}{verdict}{style:#} under {} (policy: {}): {}, {}",
        report.mode,
        report.policy,
        count(breaking.len(), "breaking change"),
        count(other.len(), "other change"),
    )
}

fn line(out: &mut impl Write, change: &Change, labels: Labels<'_>) -> io::Result<()> {
    let against = match change.against {
        Some(i) if labels.len() > 1 => format!(
            " {DIM}(against {}){DIM:#}",
            labels.get(i).map_or("?", String::as_str)
        ),
        _ => String::new(),
    };
    writeln!(out, "{}: {}{against}", change.path, change.message)
}

fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// The JSON report: `{"compatible", "mode", "policy", "changes": [...]}`.
pub fn json(out: &mut impl Write, report: &CompatReport) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report).map_err(io::Error::other)?;
    writeln!(out)
}
