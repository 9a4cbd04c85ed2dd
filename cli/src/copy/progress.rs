//! The progress line of a copy on stderr, only when stderr is a terminal:
//! `copy: registering versions 1,234/10,000…`, redrawn in place five times a
//! second after the first second, cleared at the end.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::validate::thousands;

/// Runs shorter than this show no progress at all.
const QUIET_FOR: Duration = Duration::from_secs(1);
/// Time between redraws.
const EVERY: Duration = Duration::from_millis(200);

/// What a copy is doing, and how far it got.
pub struct Progress {
    shown: bool,
    phase: Mutex<&'static str>,
    done: AtomicUsize,
    total: AtomicUsize,
    finished: AtomicBool,
}

impl Progress {
    /// A progress line on stderr when it is a terminal.
    pub fn on_stderr() -> Progress {
        Progress::new(std::io::stderr().is_terminal())
    }

    /// One that is never drawn.
    pub fn hidden() -> Progress {
        Progress::new(false)
    }

    fn new(shown: bool) -> Progress {
        Progress {
            shown,
            phase: Mutex::new(""),
            done: AtomicUsize::new(0),
            total: AtomicUsize::new(0),
            finished: AtomicBool::new(false),
        }
    }

    /// Starts a phase of `total` steps.
    pub fn phase(&self, name: &'static str, total: usize) {
        *self.phase.lock().unwrap_or_else(|p| p.into_inner()) = name;
        self.done.store(0, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
    }

    /// Counts `n` steps done.
    pub fn advance(&self, n: usize) {
        self.done.fetch_add(n, Ordering::Relaxed);
    }

    /// Runs `work` with the line drawn beside it (when shown), then clears it.
    pub fn around<R>(&self, work: impl FnOnce() -> R) -> R {
        if !self.shown {
            return work();
        }
        std::thread::scope(|scope| {
            let drawer = scope.spawn(|| self.draw_until_finished());
            let result = work();
            self.finished.store(true, Ordering::Relaxed);
            let _ = drawer.join();
            result
        })
    }

    fn draw_until_finished(&self) {
        let started = Instant::now();
        let mut stderr = std::io::stderr();
        let mut visible = false;
        while !self.finished.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(50));
            if started.elapsed() < QUIET_FOR {
                continue;
            }
            let _ = write!(stderr, "\r\x1b[2K{}", self.line());
            let _ = stderr.flush();
            visible = true;
            std::thread::sleep(EVERY);
        }
        if visible {
            let _ = write!(stderr, "\r\x1b[2K");
            let _ = stderr.flush();
        }
    }

    fn line(&self) -> String {
        let phase = *self.phase.lock().unwrap_or_else(|p| p.into_inner());
        format!(
            "copy: {phase} {}/{}…",
            thousands(self.done.load(Ordering::Relaxed) as u64),
            thousands(self.total.load(Ordering::Relaxed) as u64)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_names_the_phase_and_counts() {
        let progress = Progress::hidden();
        progress.phase("registering versions", 10_000);
        progress.advance(1234);
        assert_eq!(progress.line(), "copy: registering versions 1,234/10,000…");
        assert_eq!(progress.around(|| 7), 7);
    }
}
