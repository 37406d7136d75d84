//! Helpers for integration tests that run the real `fieldcode` binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A scratch folder that lives as long as the test.
pub struct Scratch {
    pub dir: tempfile::TempDir,
}

impl Default for Scratch {
    fn default() -> Self {
        Scratch::new()
    }
}

impl Scratch {
    pub fn new() -> Scratch {
        Scratch { dir: tempfile::tempdir().expect("create temp dir") }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes a file (creating parent folders) and returns its path.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create parent");
        }
        std::fs::write(&path, contents).expect("write file");
        path
    }
}

/// The result of one run of the binary.
pub struct Run {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn ok(self) -> Run {
        assert_eq!(self.status, 0, "expected success\nstdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
        self
    }

    pub fn fails(self) -> Run {
        assert_eq!(self.status, 1, "expected exit 1\nstdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
        self
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

/// Runs `fieldcode` with arguments in `cwd`, with a fixed coder name and no display.
pub fn fieldcode_in(cwd: &Path, args: &[&str]) -> Run {
    let output: Output = Command::new(env!("CARGO_BIN_EXE_fieldcode"))
        .args(args)
        .current_dir(cwd)
        .env("FIELDCODE_CODER", "tester")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("run fieldcode");
    Run {
        status: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs `fieldcode` with arguments in the current directory.
pub fn fieldcode(args: &[&str]) -> Run {
    fieldcode_in(Path::new("."), args)
}

/// A path as a `&str` for argument lists.
pub fn s(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

/// The bytes of a file, for checking that a failed command changed nothing.
pub fn bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).expect("read file")
}

/// A new empty project `study.fieldcode` in the scratch folder, made by the real binary.
pub fn new_project(scratch: &Scratch) -> PathBuf {
    let project = scratch.path("study.fieldcode");
    fieldcode(&["new", s(&project)]).ok();
    project
}

/// `fieldcode docs --json`, keyed by document name.
pub fn docs_by_name(project: &Path) -> std::collections::BTreeMap<String, serde_json::Value> {
    let run = fieldcode(&["docs", s(project), "--json"]).ok();
    run.json().as_array().expect("array").iter().map(|d| (d["name"].as_str().unwrap().to_owned(), d.clone())).collect()
}

/// SQL that takes a current project file back to version 7, before offsets were stored relative
/// to the edit gap: `coding` and `turn` tables with plain positions (from the views), no
/// `document.gap`. Callers set `user_version` themselves.
pub const BEFORE_V8: &str = r#"
CREATE TEMP TABLE old_coding AS SELECT * FROM coding;
CREATE TEMP TABLE old_turn AS SELECT * FROM turn;
DROP VIEW coding; DROP VIEW turn; DROP TABLE coding_row; DROP TABLE turn_row;
ALTER TABLE document DROP COLUMN gap;
CREATE TABLE turn (
    id             INTEGER PRIMARY KEY,
    document_id    INTEGER NOT NULL REFERENCES document (id) ON DELETE CASCADE,
    participant_id INTEGER REFERENCES participant (id),
    start          INTEGER NOT NULL,
    "end"          INTEGER NOT NULL,
    time_ms        INTEGER,
    CHECK (start <= "end")
);
CREATE INDEX turn_by_document ON turn (document_id);
CREATE TABLE coding (
    id          INTEGER PRIMARY KEY,
    guid        TEXT NOT NULL UNIQUE,
    document_id INTEGER NOT NULL REFERENCES document (id) ON DELETE CASCADE,
    code_id     INTEGER NOT NULL REFERENCES code (id),
    coder_id    INTEGER NOT NULL REFERENCES coder (id),
    start       INTEGER NOT NULL,
    "end"       INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    CHECK (0 <= start AND start < "end"),
    UNIQUE (document_id, code_id, coder_id, start, "end")
);
CREATE INDEX coding_by_code ON coding (code_id);
INSERT INTO turn SELECT * FROM old_turn;
INSERT INTO coding SELECT * FROM old_coding;
DROP TABLE old_turn; DROP TABLE old_coding;
"#;
