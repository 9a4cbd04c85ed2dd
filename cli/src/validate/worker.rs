//! Checking the records of one batch: parse, then the cheap `is_valid` for
//! JSON Schema, and only for a rejected record the walk that explains why;
//! binary records go to [`super::binary`].

use schemas::payload::{JSON_KEYWORD, PayloadIssue};
use serde_json::Value;

use super::source::{Batch, Span};
use super::{Issue, Layout, RecordReport, Validator, binary};

/// What a batch held.
#[derive(Debug, Default)]
pub(crate) struct Checked {
    /// Valid records before each reported one (by index in `reported`), so a
    /// run that stops inside the batch counts exactly up to the stop.
    pub(crate) valid_before: Vec<u64>,
    /// Invalid records, and binary records (whose framing is reported).
    pub(crate) reported: Vec<RecordReport>,
    /// Valid records in the whole batch.
    pub(crate) valid: u64,
}

/// Checks every record of `batch`.
pub(crate) fn check(validator: &Validator, batch: &Batch) -> Checked {
    let mut checked = Checked::default();
    for span in &batch.spans {
        let report = if batch.layout == Layout::Binary {
            Some(binary::record(validator, &batch.buf[span.start..span.end]))
        } else {
            record(validator, &batch.buf, span).map(|issues| RecordReport {
                line: Some(span.line),
                issues,
                binary: None,
            })
        };
        let Some(report) = report else {
            checked.valid += 1;
            continue;
        };
        checked.valid_before.push(checked.valid);
        if !report.is_invalid() {
            checked.valid += 1;
        }
        checked.reported.push(report);
    }
    checked
}

/// The issues of one JSON record, `None` when it is valid.
fn record(validator: &Validator, buf: &[u8], span: &Span) -> Option<Vec<Issue>> {
    if let Some(message) = span.broken {
        return Some(vec![json_issue(span.line, message.to_string())]);
    }
    let bytes = &buf[span.start..span.end];
    // One pass over the whole record is faster than the parser checking
    // UTF-8 string by string.
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let before = &bytes[..e.valid_up_to()];
            let line_start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
            let line = span.line + memchr::memchr_iter(b'\n', before).count() as u64;
            let column = before.len() - line_start + 1;
            return Some(vec![json_issue(
                line,
                format!("invalid UTF-8 at column {column}"),
            )]);
        }
    };
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(e) => {
            // The parser counts lines from the record's first.
            let line = span.line + (e.line() as u64).saturating_sub(1);
            return Some(vec![json_issue(line, parser_message(&e))]);
        }
    };
    let issues = validator.check(&value);
    if issues.is_empty() {
        return None;
    }
    Some(
        issues
            .into_iter()
            .map(|issue| Issue::new(Some(span.line), issue))
            .collect(),
    )
}

fn json_issue(line: u64, message: String) -> Issue {
    Issue::new(
        Some(line),
        PayloadIssue {
            instance_path: String::new(),
            keyword: JSON_KEYWORD.to_string(),
            schema_path: String::new(),
            message,
        },
    )
}

/// serde_json's message, with the column but without the line (reported
/// separately): `expected value at column 7`.
fn parser_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let what = text.split(" at line ").next().unwrap_or(&text);
    if e.column() == 0 {
        what.to_string()
    } else {
        format!("{what} at column {}", e.column())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    use schemas::{NoReferences, Schema, SchemaType};

    /// A batch of `records`, the first on line `first`, one per line.
    fn batch(records: &[&str], first: u64) -> Batch {
        let mut batch = Batch::default();
        for (i, record) in records.iter().enumerate() {
            let start = batch.buf.len();
            batch.buf.extend_from_slice(record.as_bytes());
            batch.spans.push(Span {
                start,
                end: batch.buf.len(),
                line: first + i as u64,
                broken: None,
            });
        }
        batch
    }

    fn validator(schema: &str) -> Validator {
        validator_of(SchemaType::Json, schema, None)
    }

    fn validator_of(schema_type: SchemaType, schema: &str, message: Option<&str>) -> Validator {
        let schema = Schema::parse(schema_type, schema, &NoReferences).unwrap();
        Validator::new(Arc::new(schema), message).unwrap()
    }

    /// Checks `records` (one per line) and returns (line, keyword, pointer,
    /// schema path) per issue.
    fn check_lines(schema: &str, records: &[&str]) -> Vec<(u64, String, String, String)> {
        let checked = check(&validator(schema), &batch(records, 1));
        assert_eq!(
            checked.valid + checked.reported.len() as u64,
            records.len() as u64
        );
        checked
            .reported
            .into_iter()
            .flat_map(|r| r.issues)
            .map(|i| (i.line.unwrap(), i.keyword, i.instance_path, i.schema_path))
            .collect()
    }

    fn issue(
        line: u64,
        keyword: &str,
        pointer: &str,
        schema: &str,
    ) -> (u64, String, String, String) {
        (line, keyword.into(), pointer.into(), schema.into())
    }

    #[test]
    fn numbers_are_judged_exactly() {
        let schema = r#"{"type":"number","multipleOf":0.01}"#;
        assert_eq!(check_lines(schema, &["835.53", "0.07", "19.99", "1e2"]), []);
        assert_eq!(
            check_lines(schema, &["835.531"]),
            [issue(1, "multipleOf", "", "#/multipleOf")]
        );
    }

    #[test]
    fn formats_are_asserted() {
        let schema = r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","properties":{"id":{"format":"uuid"},"at":{"format":"date-time"},"mail":{"format":"email"}}}"#;
        assert_eq!(
            check_lines(
                schema,
                &[
                    r#"{"id":"123e4567-e89b-12d3-a456-426614174000","at":"2024-01-01T00:00:00Z","mail":"a@example.com"}"#,
                    r#"{"id":"nope"}"#,
                    r#"{"at":"2024-13-01T00:00:00Z"}"#,
                    r#"{"mail":"not an address"}"#,
                ]
            ),
            [
                issue(2, "format", "/id", "#/properties/id/format"),
                issue(3, "format", "/at", "#/properties/at/format"),
                issue(4, "format", "/mail", "#/properties/mail/format"),
            ]
        );
    }

    #[test]
    fn schema_paths_are_where_the_keyword_is_written() {
        let schema = r##"{"$defs":{"Money":{"minimum":0}},"properties":{"total":{"$ref":"#/$defs/Money"}}}"##;
        assert_eq!(
            check_lines(schema, &[r#"{"total":-1}"#]),
            [issue(1, "minimum", "/total", "#/$defs/Money/minimum")]
        );
    }

    #[test]
    fn invalid_json_is_reported_at_the_parser_line() {
        let validator = validator("{}");
        let batch = batch(&["{\"a\":\n\n tru}"], 10);
        let checked = check(&validator, &batch);
        let issue = &checked.reported[0].issues[0];
        assert_eq!(checked.reported[0].line, Some(10));
        assert_eq!(
            (
                issue.line.unwrap(),
                issue.keyword.as_str(),
                issue.message.as_str()
            ),
            (12, "json", "expected ident at column 5")
        );
    }

    #[test]
    fn invalid_utf8_is_reported_at_its_line_and_column() {
        let validator = validator("{}");
        let mut batch = batch(&["{\"a\":\n  \"x"], 3);
        batch.buf.extend_from_slice(b"\xff\"}");
        batch.spans[0].end = batch.buf.len();
        let checked = check(&validator, &batch);
        let issue = &checked.reported[0].issues[0];
        assert_eq!(
            (
                issue.line.unwrap(),
                issue.keyword.as_str(),
                issue.message.as_str()
            ),
            (4, "json", "invalid UTF-8 at column 5")
        );
    }

    #[test]
    fn valid_records_before_each_invalid_one_are_counted() {
        let validator = validator(r#"{"type":"integer"}"#);
        let checked = check(&validator, &batch(&["1", "2", "x", "3", "\"y\"", "4"], 1));
        assert_eq!(checked.valid_before, [2, 3]);
        assert_eq!(checked.valid, 4);
    }
}
