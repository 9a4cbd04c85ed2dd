//! Hostile schemas and values against the real `charter` binary (issue #15):
//! each run ends within a stated bound with a clear exit and message, and
//! its peak resident memory (sampled from /proc while it runs) stays under a
//! stated bound. The bounds are safety bounds for a debug build on a loaded
//! CI machine; release figures are in BENCHMARKS.md.

#[allow(dead_code)] // not every helper is used here
mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// A run, how long it took and its peak resident memory in MiB.
struct Measured {
    run: common::Run,
    took: Duration,
    peak_mib: u64,
}

/// Runs `charter` with `args` in `dir`, sampling its peak resident memory
/// (`VmHWM`, which only grows) every few milliseconds until it exits.
fn measured(dir: &Path, args: &[&str]) -> Measured {
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CHARTER_REGISTRY_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("charter runs");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let out = std::thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut text).expect("stdout");
        text
    });
    let err = std::thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut stderr, &mut text).expect("stderr");
        text
    });
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0u64;
    let status = loop {
        if let Some(status) = child.try_wait().expect("waits") {
            break status;
        }
        if let Ok(text) = std::fs::read_to_string(&status_file) {
            let hwm = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok());
            peak_kib = peak_kib.max(hwm.unwrap_or(0));
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    Measured {
        run: common::Run {
            code: status.code().unwrap_or(-1),
            stdout: out.join().expect("stdout"),
            stderr: err.join().expect("stderr"),
        },
        took: start.elapsed(),
        peak_mib: peak_kib / 1024,
    }
}

impl Measured {
    /// Asserts the run ended within `seconds` and under `mib` of memory.
    fn bounded(&self, seconds: u64, mib: u64) {
        let transcript = self.run.transcript();
        assert!(
            self.took < Duration::from_secs(seconds),
            "took {:?}, bound {seconds} s\n{transcript}",
            self.took
        );
        assert!(
            self.peak_mib < mib,
            "peak resident memory {} MiB, bound {mib} MiB\n{transcript}",
            self.peak_mib
        );
    }
}

/// `charter diff` of a chain of 10,000 named Avro records, each holding the
/// next by name in a nullable field (T0 -> T1 -> ... -> T9999, defined one
/// after another, so the text is flat and the types are 10,000 deep): a
/// verdict in bounded time and memory (once 16 s and 813 MB).
#[test]
fn a_ten_thousand_deep_avro_type_chain_is_diffed_in_bounded_time_and_memory() {
    let dir = tempfile::tempdir().expect("temp dir");
    let chain = |added: bool| {
        let n = 10_000;
        let definitions: Vec<Value> = (0..n)
            .rev()
            .map(|i| {
                let mut fields = vec![json!({"name": "value", "type": "int"})];
                if i + 1 < n {
                    let next = format!("T{}", i + 1);
                    fields.push(json!({"name": "next", "type": ["null", next], "default": null}));
                }
                if added && i + 1 == n {
                    fields.push(json!({"name": "added", "type": "int", "default": 0}));
                }
                json!({"name": format!("t{i}"), "type":
                    {"type": "record", "name": format!("T{i}"), "fields": fields}})
            })
            .collect();
        json!({"type": "record", "name": "Chain", "fields": definitions}).to_string()
    };
    std::fs::write(dir.path().join("old.avsc"), chain(false)).expect("writes");
    std::fs::write(dir.path().join("new.avsc"), chain(true)).expect("writes");
    let diff = measured(dir.path(), &["diff", "old.avsc", "new.avsc"]);
    diff.bounded(30, 512);
    assert_eq!(diff.run.code, 0, "{}", diff.run.transcript());
    assert!(
        diff.run.stdout.contains("added"),
        "{}",
        diff.run.transcript()
    );
}

/// `charter validate` of 1,000 records whose values make a backtracking
/// pattern (a back-reference keeps it off the linear-time engine) retry
/// every split before failing: bounded time, each record invalid with the engine's reason
/// (once 48 ms per record).
#[test]
fn values_that_make_a_pattern_backtrack_are_invalid_in_bounded_time() {
    let dir = tempfile::tempdir().expect("temp dir");
    let properties: serde_json::Map<String, Value> = (0..10)
        .map(|i| {
            let schema = json!({"type": "string", "pattern": "^(a|aa)*\\1c$"});
            (format!("p{i}"), schema)
        })
        .collect();
    let schema = json!({"type": "object", "properties": properties});
    std::fs::write(dir.path().join("schema.json"), schema.to_string()).expect("writes");
    let hostile = format!("{}b", "a".repeat(25));
    let record: serde_json::Map<String, Value> =
        (0..10).map(|i| (format!("p{i}"), json!(hostile))).collect();
    let line = Value::Object(record).to_string() + "\n";
    std::fs::write(dir.path().join("records.ndjson"), line.repeat(1_000)).expect("writes");
    let validate = measured(
        dir.path(),
        &[
            "validate",
            "--schema",
            "schema.json",
            "records.ndjson",
            "--output",
            "json",
        ],
    );
    validate.bounded(60, 256);
    assert_eq!(validate.run.code, 1, "{}", validate.run.transcript());
    assert!(
        validate.run.stdout.contains("backtrack"),
        "{}",
        validate.run.transcript()
    );
    let report = validate.run.json();
    assert_eq!(
        report["invalid"],
        json!(1_000),
        "{}",
        validate.run.transcript()
    );
}
