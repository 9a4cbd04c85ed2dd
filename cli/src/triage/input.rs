//! Message inputs: which files the arguments name, and how each one's
//! records are laid out (told from its first bytes and its name).

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

pub(crate) use crate::validate::Layout;

/// Where messages come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// NDJSON on standard input (`-`).
    Stdin,
    /// A file.
    File(PathBuf),
}

impl Input {
    /// How reports name it: the path as given, `stdin` for `-`.
    pub fn name(&self) -> String {
        match self {
            Input::Stdin => "stdin".to_string(),
            Input::File(path) => path.display().to_string(),
        }
    }
}

/// The inputs the command-line arguments name, in order: `-` is stdin
/// (once at most), a directory is every regular file below it, sorted by
/// path; every file must exist.
pub fn inputs(args: &[PathBuf]) -> Result<Vec<Input>> {
    let mut inputs = Vec::new();
    let mut stdin = false;
    for path in args {
        if path.as_os_str() == "-" {
            if stdin {
                bail!("`-` (stdin) can be given only once");
            }
            stdin = true;
            inputs.push(Input::Stdin);
            continue;
        }
        let display = path.display();
        let metadata =
            std::fs::metadata(path).with_context(|| format!("{display}: cannot read"))?;
        if !metadata.is_dir() {
            inputs.push(Input::File(path.clone()));
            continue;
        }
        let mut files = Vec::new();
        walk(path, &mut files)?;
        if files.is_empty() {
            bail!("{display}: no files in this directory");
        }
        files.sort();
        inputs.extend(files.into_iter().map(Input::File));
    }
    Ok(inputs)
}

/// Every regular file below `dir` (symbolic links followed to files, not
/// to directories, so a link cycle cannot loop).
fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("{}: cannot read", dir.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("{}: cannot read", dir.display()))?;
        let path = entry.path();
        let kind = entry
            .file_type()
            .with_context(|| format!("{}: cannot read", path.display()))?;
        if kind.is_dir() {
            walk(&path, files)?;
        } else if std::fs::metadata(&path).is_ok_and(|m| m.is_file()) {
            files.push(path);
        }
    }
    Ok(())
}

/// Opens `input` and tells its layout from its first bytes and its name.
pub(crate) fn open(input: &Input) -> Result<(Box<dyn Read>, Layout)> {
    let path = match input {
        Input::Stdin => return Ok((Box::new(io::stdin().lock()), Layout::Lines)),
        Input::File(path) => path,
    };
    let file = File::open(path).with_context(|| format!("{}: cannot read", path.display()))?;
    let mut reader = BufReader::new(file);
    let start = reader
        .fill_buf()
        .with_context(|| format!("{}: cannot read", path.display()))?;
    let layout = layout(path, start);
    Ok((Box::new(reader), layout))
}

/// The layout of a file named `path` that starts with `start`: binary when
/// it starts with the magic byte 0; otherwise by its extension: lines for
/// `.ndjson` and `.jsonl`, for `.json` an array or one document (an envelope
/// or a message) by its first character, and binary (one serialized message)
/// for any other. Stdin is always lines.
fn layout(path: &Path, start: &[u8]) -> Layout {
    if start.first() == Some(&schemas::wire::MAGIC) {
        return Layout::Binary;
    }
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("ndjson" | "jsonl") => Layout::Lines,
        Some("json") => {
            let text = start.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(start);
            match text.iter().find(|b| !b.is_ascii_whitespace()) {
                Some(b'[') => Layout::Array,
                _ => Layout::Document,
            }
        }
        _ => Layout::Binary,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(name: &str, start: &[u8], expect: Layout) {
        assert_eq!(layout(Path::new(name), start), expect, "{name}");
    }

    #[test]
    fn the_magic_byte_wins_then_the_extension_decides() {
        check("m.json", b"\x00\x00\x00\x00\x01{}", Layout::Binary);
        check("dlq.ndjson", b"{\"value\":\"AA==\"}\n", Layout::Lines);
        check("dlq.JSONL", b"", Layout::Lines);
        check("m.json", b"{\"id\":1}", Layout::Document);
        check(
            "records.json",
            b"\xEF\xBB\xBF\n  [{\"value\":null}]",
            Layout::Array,
        );
        check("m.bin", b"\x02\x04", Layout::Binary);
        check("m", b"{\"id\":1}", Layout::Binary);
    }

    #[test]
    fn directories_are_walked_recursively_and_sorted() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["b/2.bin", "a.bin", "b/1/x.json", "c.ndjson"] {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, b"x").unwrap();
        }
        let found = inputs(&[dir.path().to_path_buf()]).unwrap();
        let names: Vec<String> = found
            .iter()
            .map(|i| match i {
                Input::File(p) => p.strip_prefix(dir.path()).unwrap().display().to_string(),
                Input::Stdin => "-".to_string(),
            })
            .collect();
        assert_eq!(names, ["a.bin", "b/1/x.json", "b/2.bin", "c.ndjson"]);
    }

    #[test]
    fn a_missing_file_is_one_clear_error() {
        let error = inputs(&[PathBuf::from("no/such.ndjson")]).unwrap_err();
        assert!(format!("{error:#}").starts_with("no/such.ndjson: cannot read: "));
        let twice = inputs(&[PathBuf::from("-"), PathBuf::from("-")]).unwrap_err();
        assert_eq!(twice.to_string(), "`-` (stdin) can be given only once");
    }
}
