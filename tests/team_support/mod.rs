//! Builds projects with codes and codings for the team-review tests, written with exact fields
//! through the library's recorder (unrecorded, as an import fills a project).

use std::path::Path;

use fieldcode::Project;
use fieldcode::coding::rows::{CodeRec, CodingRec, Row};
use fieldcode::coding::{Recorder, SpanRef};
use fieldcode::import::{self, Format, ImportOptions};
use fieldcode::store::{codes, documents, new_guid, now_utc};

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
    let row = |id| {
        Row::Code(CodeRec {
            id,
            guid: new_guid(),
            parent_id: parent,
            name: name.into(),
            color: "#808080".into(),
            description: format!("About {name}."),
            inclusion: String::new(),
            exclusion: String::new(),
            example: String::new(),
            status: "proposed".into(),
            position: 0,
            created_at: now_utc(),
        })
    };
    Recorder::unrecorded(project.conn()).insert_new("code", row).expect("insert code")
}

/// Codes `[start, end)` of document `doc` with `code_path` as `coder`.
pub fn coding(project: &Project, doc: &str, code_path: &str, coder: &str, start: usize, end: usize) {
    let conn = project.conn();
    let doc = documents::id_by_name(conn, doc).expect("document");
    let code = code(project, code_path);
    let mut rec = Recorder::unrecorded(conn);
    let coder = rec.coder_named(coder).expect("coder");
    let row =
        |id| Row::Coding(CodingRec::for_span(id, &SpanRef { document: doc, code, start, end }, coder, &now_utc()));
    rec.insert_new("coding", row).expect("insert coding");
}
