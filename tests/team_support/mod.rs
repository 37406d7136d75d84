//! Builds projects with codes and codings for the team-review tests. The coding commands are
//! another part of Fieldcode, so these helpers write codes and codings with plain SQL, exactly
//! as the schema stores them.

use std::path::Path;

use fieldcode::Project;
use fieldcode::import::{self, Format, ImportOptions};
use fieldcode::store::{coders, codes, documents, new_guid, now_utc};

/// A project file at `path` (or in memory) holding the given (name, text) documents.
pub fn project_with(path: Option<&Path>, docs: &[(&str, &str)]) -> Project {
    let mut project = match path {
        Some(p) => Project::create(p).expect("create project"),
        None => Project::in_memory().expect("in-memory project"),
    };
    for (name, text) in docs {
        let parsed = import::parse_bytes(name, Format::Text, text.as_bytes()).expect("parse");
        import::run::store_parsed(&mut project, &parsed, None, &ImportOptions::default()).expect("store");
    }
    project
}

/// The code at `path`, created with its parents if missing.
pub fn code(project: &Project, path: &str) -> i64 {
    if let Ok(id) = codes::id_by_path(project.conn(), path) {
        return id;
    }
    let (parent, name) = match path.rsplit_once('/') {
        Some((parent, name)) => (Some(code(project, parent)), name),
        None => (None, path),
    };
    project
        .conn()
        .execute(
            "INSERT INTO code (guid, parent_id, name, description, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            rusqlite::params![new_guid(), parent, name, format!("About {name}."), now_utc()],
        )
        .expect("insert code");
    project.conn().last_insert_rowid()
}

/// Codes `[start, end)` of document `doc` with `code_path` as `coder`.
pub fn coding(project: &Project, doc: &str, code_path: &str, coder: &str, start: usize, end: usize) {
    let conn = project.conn();
    let doc = documents::id_by_name(conn, doc).expect("document");
    let code = code(project, code_path);
    let coder = coders::id_for_name(conn, coder).expect("coder");
    conn.execute(
        "INSERT INTO coding (guid, document_id, code_id, coder_id, start, \"end\", created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        rusqlite::params![new_guid(), doc, code, coder, start as i64, end as i64, now_utc()],
    )
    .expect("insert coding");
}
