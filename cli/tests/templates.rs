//! The CI templates under `ci/templates/` are valid YAML, and every
//! `charter` command line in them names a command and flags that exist.

#[allow(dead_code)] // not every helper is used here
mod common;

use serde_json::Value;

/// Every string in the document that holds shell commands: `run` values of
/// GitHub steps, and the items of GitLab `script` and `before_script`.
fn shell(value: &Value, key: Option<&str>, out: &mut Vec<String>) {
    match value {
        Value::String(s) if matches!(key, Some("run" | "script" | "before_script")) => {
            out.push(s.clone());
        }
        Value::Array(items) => {
            for item in items {
                shell(item, key, out);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                shell(v, Some(k), out);
            }
        }
        _ => {}
    }
}

/// The `charter ...` invocations of a template, as words.
fn invocations(file: &str) -> Vec<Vec<String>> {
    let path = common::root().join("ci/templates").join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let yaml: serde_norway::Value =
        serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{file} is not YAML: {e}"));
    let json = serde_json::to_value(&yaml).expect("plain YAML maps to JSON");
    let mut scripts = Vec::new();
    shell(&json, None, &mut scripts);
    assert!(!scripts.is_empty(), "{file}: no commands found");
    scripts
        .iter()
        .flat_map(|s| s.lines())
        .map(str::trim)
        .filter(|line| line.starts_with("charter "))
        .map(|line| {
            line.split_whitespace()
                .take_while(|w| !matches!(*w, ">" | "||" | "&&" | "|"))
                .map(str::to_string)
                .collect()
        })
        .collect()
}

fn check(file: &str) {
    let calls = invocations(file);
    let help = common::charter(&["--help"]).stdout;
    let mut used = Vec::new();
    for words in &calls {
        let command = &words[1];
        assert!(
            help.contains(&format!("\n  {command} ")),
            "{file}: `charter {command}` is not a command"
        );
        let mut command_help = common::charter(&[command, "--help"]).stdout;
        // A command with subcommands (`consumer record`): the subcommand's flags.
        if command_help.contains("\nCommands:") {
            let sub = &words[2];
            assert!(
                command_help.contains(&format!("\n  {sub} ")),
                "{file}: `charter {command} {sub}` is not a command"
            );
            command_help = common::charter(&[command, sub, "--help"]).stdout;
        }
        for flag in words.iter().filter(|w| w.starts_with("--")) {
            assert!(
                command_help.contains(flag.as_str()),
                "{file}: `charter {command}` has no {flag}"
            );
        }
        used.push(command.clone());
    }
    for needed in [
        "check",
        "validate",
        "expect",
        "can-i-deploy",
        "deployed",
        "consumer",
    ] {
        assert!(
            used.iter().any(|c| c == needed),
            "{file} does not run charter {needed}"
        );
    }
}

#[test]
fn github_actions_template_runs_existing_commands() {
    check("github-actions.yml");
}

#[test]
fn gitlab_ci_template_runs_existing_commands() {
    check("gitlab-ci.yml");
}
