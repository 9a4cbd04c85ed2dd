//! What a copy tells a person: what each registry holds, the plan, the
//! conflicts that stopped it, what was written and what the verification
//! found.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::plan::Setting;
use super::verify::Verification;
use super::{Plan, Snapshot, Written};

/// Everything the summary shows.
pub struct Summary<'a> {
    /// The source's URL as shown.
    pub from: &'a str,
    /// The target's URL as shown.
    pub to: &'a str,
    /// What the source holds.
    pub source: &'a Snapshot,
    /// What the target held before.
    pub target: &'a Snapshot,
    /// The plan.
    pub plan: &'a Plan,
    /// Nothing is written.
    pub dry_run: bool,
    /// What was written, when the copy ran.
    pub written: Option<&'a Written>,
    /// What the verification found, when it ran.
    pub verification: Option<&'a Verification>,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn counts(snapshot: &Snapshot) -> String {
    let versions = snapshot.held().count();
    let deleted = snapshot.held().filter(|h| h.deleted).count();
    format!(
        "{}, {} ({deleted} soft-deleted), {}",
        plural(
            snapshot
                .subjects
                .values()
                .filter(|s| !s.versions.is_empty())
                .count(),
            "subject",
            "subjects"
        ),
        plural(versions, "version", "versions"),
        plural(snapshot.ids().len(), "id", "ids")
    )
}

/// `1, 2, 3` of version numbers.
fn numbers(versions: &[i32]) -> String {
    versions
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

impl Summary<'_> {
    /// Writes the summary.
    pub fn write(&self, out: &mut impl Write) -> io::Result<()> {
        writeln!(out, "source {}: {}", self.from, counts(self.source))?;
        writeln!(
            out,
            "target {}: {} before the copy",
            self.to,
            counts(self.target)
        )?;
        if !self.source.referenced.is_empty() {
            let names: Vec<String> = self
                .source
                .referenced
                .iter()
                .map(|s| format!("'{s}'"))
                .collect();
            writeln!(
                out,
                "also copied, as selected subjects reference them: {}",
                names.join(", ")
            )?;
        }
        let plan = self.plan;
        if !plan.conflicts.is_empty() {
            writeln!(
                out,
                "CONFLICT: the target holds other schemas under the source's ids or versions; nothing was written:"
            )?;
            for conflict in &plan.conflicts {
                writeln!(out, "  {conflict}")?;
            }
            return Ok(());
        }
        writeln!(
            out,
            "plan: register {}, soft-delete {}, set {} ({} already as in the source)",
            plural(plan.registrations(), "version", "versions"),
            plural(
                plan.deletions.len() + plan.levels.iter().flatten().filter(|t| t.delete).count(),
                "version",
                "versions"
            ),
            plural(plan.settings.len(), "config or mode", "configs and modes"),
            plural(plan.present, "version", "versions"),
        )?;
        if plan.is_empty() {
            writeln!(
                out,
                "nothing to copy: the target holds everything the source does"
            )?;
        } else if self.dry_run {
            self.write_plan(out)?;
            return writeln!(out, "dry run: nothing was written");
        }
        if let Some(written) = self.written.filter(|_| !plan.is_empty()) {
            writeln!(
                out,
                "copied: {} registered, {} soft-deleted, {} set",
                plural(written.registered, "version", "versions"),
                plural(written.deleted, "version", "versions"),
                plural(written.settings, "config or mode", "configs and modes"),
            )?;
            if written.without_extras > 0 {
                writeln!(
                    out,
                    "note: the target does not keep metadata or rule sets: {} registered without them",
                    plural(written.without_extras, "version was", "versions were")
                )?;
            }
            for (name, n) in &written.dropped_settings {
                writeln!(
                    out,
                    "note: the target does not keep the config setting `{name}`: {} set without it",
                    plural(*n, "config was", "configs were")
                )?;
            }
        }
        if let Some(verification) = self.verification {
            if verification.differences.is_empty() {
                writeln!(
                    out,
                    "verified: {}, {} and the configs and modes of {} read back from both registries: identical",
                    plural(verification.versions, "version", "versions"),
                    plural(verification.ids, "id", "ids"),
                    plural(verification.subjects, "subject", "subjects"),
                )?;
            } else {
                writeln!(
                    out,
                    "DIFFERENT: reading both registries back found {}:",
                    plural(verification.differences.len(), "difference", "differences")
                )?;
                for difference in &verification.differences {
                    writeln!(out, "  {difference}")?;
                }
            }
        }
        Ok(())
    }

    /// The plan, one line per subject it writes to, then the registry's.
    fn write_plan(&self, out: &mut impl Write) -> io::Result<()> {
        #[derive(Default)]
        struct Line {
            register: Vec<i32>,
            delete: Vec<i32>,
            settings: Vec<String>,
        }
        let mut lines: BTreeMap<Option<&str>, Line> = BTreeMap::new();
        for task in self.plan.levels.iter().flatten() {
            let line = lines
                .entry(Some(task.version.subject.as_str()))
                .or_default();
            line.register.push(task.version.version);
            if task.delete {
                line.delete.push(task.version.version);
            }
        }
        for (subject, version) in &self.plan.deletions {
            lines
                .entry(Some(subject.as_str()))
                .or_default()
                .delete
                .push(*version);
        }
        for setting in &self.plan.settings {
            let (scope, said) = match setting {
                Setting::Config(s, Some(c)) => {
                    (s, format!("config {}", c.level().unwrap_or("(settings)")))
                }
                Setting::Config(s, None) => (s, "config removed".to_string()),
                Setting::Mode(s, Some(m)) => (s, format!("mode {m}")),
                Setting::Mode(s, None) => (s, "no mode of its own".to_string()),
            };
            lines
                .entry(scope.as_deref())
                .or_default()
                .settings
                .push(said);
        }
        for (scope, line) in lines {
            let mut parts = Vec::new();
            if scope.is_some_and(|s| {
                self.plan
                    .importing
                    .binary_search_by(|i| i.as_str().cmp(s))
                    .is_ok()
            }) {
                parts.push("IMPORT mode while written".to_string());
            }
            if !line.register.is_empty() {
                let mut sorted = line.register;
                sorted.sort_unstable();
                parts.push(format!("register {}", numbers(&sorted)));
            }
            if !line.delete.is_empty() {
                let mut sorted = line.delete;
                sorted.sort_unstable();
                parts.push(format!("soft-delete {}", numbers(&sorted)));
            }
            parts.extend(line.settings);
            let name = match scope {
                Some(s) => format!("subject '{s}'"),
                None => "the registry".to_string(),
            };
            writeln!(out, "  {name}: {}", parts.join("; "))?;
        }
        Ok(())
    }
}
