//! A one-line progress indicator for long runs, redrawn in place. The caller
//! decides whether to show one (only when stderr is a terminal).

use std::io::{self, Write};
use std::time::{Duration, Instant};

use super::{Sink, Tally};

/// Runs shorter than this show no progress at all.
const QUIET_FOR: Duration = Duration::from_secs(1);
/// Time between redraws.
const EVERY: Duration = Duration::from_millis(200);

/// Draws `checked N records (M invalid)` on one line of `out`.
pub struct Progress {
    out: Box<dyn Write>,
    started: Instant,
    drawn: Option<Instant>,
    /// The line shows something.
    visible: bool,
    /// The report goes to the same terminal, so the line is cleared before
    /// each report line.
    shares_terminal: bool,
}

impl Progress {
    /// A progress line on `out`, starting now; `shares_terminal` when the
    /// report is written to the same terminal.
    pub fn new(out: Box<dyn Write>, shares_terminal: bool) -> Progress {
        Progress {
            out,
            started: Instant::now(),
            drawn: None,
            visible: false,
            shares_terminal,
        }
    }

    /// Redraws the line if it is time to: after the first second, then every
    /// [`EVERY`]. The sink is flushed first so its lines come before.
    pub(crate) fn update(&mut self, tally: Tally, sink: &mut dyn Sink) -> io::Result<()> {
        let now = Instant::now();
        if now.duration_since(self.started) < QUIET_FOR
            || self.drawn.is_some_and(|at| now.duration_since(at) < EVERY)
        {
            return Ok(());
        }
        sink.flush()?;
        self.drawn = Some(now);
        self.visible = true;
        write!(self.out, "\r\x1b[2K{}", line(tally))?;
        self.out.flush()
    }

    /// Makes room for a line of the report, if it goes to this terminal.
    pub(crate) fn before_report(&mut self) -> io::Result<()> {
        if self.shares_terminal {
            self.clear()?;
        }
        Ok(())
    }

    /// Removes the line, if shown.
    pub(crate) fn clear(&mut self) -> io::Result<()> {
        if self.visible {
            self.visible = false;
            write!(self.out, "\r\x1b[2K")?;
            self.out.flush()?;
        }
        Ok(())
    }
}

fn line(tally: Tally) -> String {
    format!(
        "checked {} records ({} invalid)…",
        thousands(tally.records()),
        thousands(tally.invalid)
    )
}

/// `1234567` as `1,234,567`.
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_grouped_by_thousands() {
        for (n, text) in [
            (0, "0"),
            (999, "999"),
            (1000, "1,000"),
            (1234567, "1,234,567"),
        ] {
            assert_eq!(thousands(n), text);
        }
        assert_eq!(
            line(Tally {
                valid: 1_000_000,
                invalid: 20_000
            }),
            "checked 1,020,000 records (20,000 invalid)…"
        );
    }
}
