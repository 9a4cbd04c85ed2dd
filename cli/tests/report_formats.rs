//! `--output github` and `--output junit` of `charter diff` and `charter check`.

#[allow(dead_code)] // not every helper is used here
mod common;

use common::{charter, charter_in, fixture};

fn contract(version: u8) -> String {
    fixture(&format!("contracts/orders/order-placed.v{version}.json"))
}

/// The parts of a `::level file=F,line=N,title=T::message` line.
#[derive(Debug)]
struct Annotation {
    level: String,
    properties: Vec<(String, String)>,
    message: String,
}

impl Annotation {
    fn parse(line: &str) -> Option<Annotation> {
        let rest = line.strip_prefix("::")?;
        let (head, message) = rest.split_once("::")?;
        let (level, properties) = head.split_once(' ').unwrap_or((head, ""));
        let properties = properties
            .split(',')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').expect("key=value");
                (k.to_string(), v.to_string())
            })
            .collect();
        Some(Annotation {
            level: level.to_string(),
            properties,
            message: message.to_string(),
        })
    }

    fn property(&self, key: &str) -> Option<&str> {
        self.properties
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

#[test]
fn github_annotations_point_at_the_changed_line_of_the_new_schema() {
    let run = charter(&["diff", &contract(2), &contract(3), "--output", "github"]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    let lines: Vec<&str> = run.stdout.lines().collect();
    let annotations: Vec<Annotation> = lines.iter().filter_map(|l| Annotation::parse(l)).collect();
    assert_eq!(annotations.len(), 5, "{}", run.stdout);
    assert_eq!(
        lines.last().unwrap(),
        &"INCOMPATIBLE under BACKWARD (policy: strict): 5 breaking changes, 0 other changes"
    );
    let v3 = std::fs::read_to_string(contract(3)).unwrap();
    let v3_lines: Vec<&str> = v3.lines().collect();
    let mut seen = Vec::new();
    for annotation in &annotations {
        assert_eq!(annotation.level, "error");
        assert_eq!(annotation.property("file"), Some(contract(3).as_str()));
        let title = annotation.property("title").unwrap();
        assert!(title.starts_with("breaking change%3A "), "{title}");
        let line: usize = annotation.property("line").unwrap().parse().unwrap();
        seen.push(v3_lines[line - 1].trim().to_string());
        assert!(!annotation.message.contains('\n'), "newlines are escaped");
    }
    assert_eq!(
        seen,
        [
            "\"eventVersion\": {",
            "\"enum\": [",
            "\"maximum\": 100",
            "\"properties\": {",
            "\"channel\"",
        ],
        "the lines of eventVersion, the currency enum, the quantity maximum, \
         the payload's properties (couponCode is gone) and required `channel`"
    );
}

#[test]
fn github_notices_for_compatible_changes() {
    let run = charter(&["diff", &contract(1), &contract(2), "--output", "github"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let annotations: Vec<Annotation> = run.stdout.lines().filter_map(Annotation::parse).collect();
    assert!(!annotations.is_empty());
    assert!(
        annotations.iter().all(|a| a.level == "notice"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.ends_with(
            "COMPATIBLE under BACKWARD (policy: strict): 0 breaking changes, 5 other changes\n"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn github_escapes_file_names_and_messages() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("old.json"),
        r#"{"type":"object","properties":{"id":{"type":"string"}}}"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("new, v2: 100%.json"),
        "{\"type\":\"object\",\n\"properties\":{\"id\":{\"type\":\"integer\"}}}",
    )
    .unwrap();
    let run = charter_in(
        dir.path(),
        &[
            "diff",
            "old.json",
            "new, v2: 100%.json",
            "--output",
            "github",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.transcript());
    let first = run.stdout.lines().next().unwrap();
    assert!(
        first.starts_with("::error file=new%2C v2%3A 100%25.json,line=2,title="),
        "{first}"
    );
}

#[test]
fn junit_has_a_suite_per_schema_judged_against() {
    let run = charter(&[
        "check",
        &contract(3),
        "--against",
        &contract(1),
        &contract(2),
        "--mode",
        "BACKWARD_TRANSITIVE",
        "--output",
        "junit",
    ]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    let xml = roxmltree::Document::parse(&run.stdout)
        .unwrap_or_else(|e| panic!("not XML ({e}):\n{}", run.stdout));
    let root = xml.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(root.attribute("tests"), Some("10"));
    assert_eq!(root.attribute("failures"), Some("10"));
    let suites: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    let names: Vec<_> = suites
        .iter()
        .map(|s| s.attribute("name").unwrap())
        .collect();
    assert_eq!(
        names,
        [
            format!("{} against {}", contract(3), contract(1)),
            format!("{} against {}", contract(3), contract(2)),
        ]
    );
    for suite in &suites {
        let cases: Vec<_> = suite
            .children()
            .filter(|n| n.has_tag_name("testcase"))
            .collect();
        assert_eq!(cases.len(), 5);
        for case in cases {
            let failure = case.children().find(|n| n.has_tag_name("failure")).unwrap();
            let kind = failure.attribute("type").unwrap();
            assert!(case.attribute("name").unwrap().ends_with(kind));
        }
    }
    let enum_case = suites[0]
        .descendants()
        .find(|n| n.attribute("type") == Some("ENUM_ARRAY_CHANGED"))
        .unwrap();
    assert!(
        enum_case
            .attribute("message")
            .unwrap()
            .contains(r#"["EUR","USD","GBP","CHF","SEK"]"#),
        "quotes survive escaping"
    );
}

#[test]
fn junit_passes_compatible_changes_and_says_when_there_are_none() {
    let run = charter(&["diff", &contract(1), &contract(2), "--output", "junit"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let xml = roxmltree::Document::parse(&run.stdout).unwrap();
    let root = xml.root_element();
    assert_eq!(root.attribute("failures"), Some("0"));
    assert!(!xml.descendants().any(|n| n.has_tag_name("failure")));

    let same = charter(&["diff", &contract(1), &contract(1), "--output", "junit"]);
    assert_eq!(same.code, 0, "{}", same.transcript());
    let xml = roxmltree::Document::parse(&same.stdout).unwrap();
    let cases: Vec<_> = xml
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 1);
    assert_eq!(cases[0].attribute("name"), Some("no changes"));
}
