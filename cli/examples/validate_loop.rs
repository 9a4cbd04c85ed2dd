//! The baseline of `ci/bench-validate.sh`: the minimal single-threaded loop a
//! team would write over the `jsonschema` crate. Read a line, parse it, ask
//! `is_valid`, count.
//!
//! ```text
//! cargo run --release -p cli --example validate_loop -- SCHEMA.json RECORDS.ndjson
//! ```
#![allow(clippy::print_stdout)]

use std::error::Error;
use std::fs::File;
use std::io::{BufRead, BufReader};

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [schema, records] = args.as_slice() else {
        return Err("usage: validate_loop SCHEMA.json RECORDS.ndjson".into());
    };
    let schema: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(schema)?)?;
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)?;
    let (mut valid, mut invalid) = (0u64, 0u64);
    for line in BufReader::new(File::open(records)?).lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<serde_json::Value>(&line) {
            Ok(record) if validator.is_valid(&record) => valid += 1,
            _ => invalid += 1,
        }
    }
    println!("{valid} valid, {invalid} invalid");
    Ok(())
}
