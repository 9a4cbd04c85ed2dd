//! Runs the real `charter` binary and renders what a user sees.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The workspace root, so tests can name fixtures.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// A fixture path relative to `fixtures/`.
pub fn fixture(relative: &str) -> String {
    root().join("fixtures").join(relative).display().to_string()
}

/// The outcome of one run.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Exit code, stdout and stderr, with machine-specific paths filtered.
    pub fn transcript(&self) -> String {
        let root = root().display().to_string();
        let clean = |s: &str| s.replace(&root, "[ROOT]");
        format!(
            "exit: {}\n--- stdout\n{}--- stderr\n{}",
            self.code,
            clean(&self.stdout),
            clean(&self.stderr)
        )
    }

    /// Stdout as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

/// Runs `charter` with `args` in `dir` (the workspace root by default).
pub fn charter(args: &[&str]) -> Run {
    charter_in(&root(), args)
}

/// Runs `charter` with `args` in `dir`.
pub fn charter_in(dir: &Path, args: &[&str]) -> Run {
    charter_with_env(dir, args, &[])
}

/// Runs `charter` with `args` in `dir`, with environment variables `env`.
pub fn charter_with_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CHARTER_REGISTRY_URL")
        .envs(env.iter().copied())
        .output()
        .expect("charter runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs `charter` in `dir` with `input` on stdin.
pub fn charter_with_stdin(dir: &Path, args: &[&str], input: &[u8]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("charter runs");
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        // charter may stop reading early (--max-errors).
        let _ = stdin.write_all(&input);
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// `$CHARTER_PY` (Confluent's Python client, set up by `ci/setup-tools.sh`),
/// or its `bin/python` when it names a virtualenv.
#[allow(dead_code)] // the registry tests use it, the others do not
pub fn python() -> Option<PathBuf> {
    let given = PathBuf::from(std::env::var_os("CHARTER_PY")?);
    Some(if given.is_dir() {
        given.join("bin").join("python")
    } else {
        given
    })
}
