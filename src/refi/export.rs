//! A Fieldcode project as a REFI-QDA project: coders → `Users`, the codebook → `CodeBook` (with
//! definitions and review status in descriptions), attributes → `Variables`, participants →
//! `Cases`, documents → `TextSource`s with their text in `sources/GUID.txt`, codings grouped by
//! span → `PlainTextSelection`s with `Coding`s, memos → `Notes`. GUIDs come from the tables (or
//! are derived from stable keys), so exporting twice gives the same GUIDs.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use super::definition::{self, Definition};
use super::guid;
use super::model::*;
use super::qdpx;
use super::xml_write;
use crate::error::Result;
use crate::export::memos::{self, MemoRow};
use crate::model::{AttributeScope, CodeNode, CodingRow};
use crate::store::{Project, attributes, codes, codings, documents, participants};

/// Prefix of the line in a source's description that records the Fieldcode document kind.
pub const KIND_PREFIX: &str = "Fieldcode document kind: ";
/// First line of the project description listing codebook snapshots.
pub const SNAPSHOTS_HEADING: &str = "Fieldcode codebook snapshots:";

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct QdpxSummary {
    pub documents: usize,
    pub codes: usize,
    pub codings: usize,
    pub users: usize,
    pub cases: usize,
    pub notes: usize,
}

/// Exports the project to a `.qdpx` at `out`.
pub fn export_qdpx(project: &Project, out: &Path) -> Result<QdpxSummary> {
    let (refi, files) = build(project)?;
    let summary = QdpxSummary {
        documents: refi.sources.len(),
        codes: count_codes(&refi.codes),
        codings: refi.sources.iter().flat_map(|s| &s.selections).map(|s| s.codings.len()).sum(),
        users: refi.users.len(),
        cases: refi.cases.len(),
        notes: refi.notes.len(),
    };
    qdpx::write(out, &xml_write::write_project(&refi), &files)?;
    Ok(summary)
}

fn count_codes(codes: &[Code]) -> usize {
    codes.iter().map(|c| 1 + count_codes(&c.children)).sum()
}

/// Files to put in `sources/`: (file name, bytes).
pub type SourceFiles = Vec<(String, Vec<u8>)>;

/// The project as a REFI model plus the source files (`GUID.txt`).
pub fn build(project: &Project) -> Result<(RefiProject, SourceFiles)> {
    let conn = project.conn();
    let project_guid = project.info("guid")?.unwrap_or_default();
    let memos = memos::all(conn)?;
    let mut notes_for: HashMap<(String, Option<i64>), Vec<String>> = HashMap::new();
    for m in &memos {
        notes_for.entry((m.target_kind.clone(), m.target_id)).or_default().push(m.guid.clone());
    }
    let users = users(conn, &memos)?;
    let user_guid: HashMap<String, String> = users.iter().map(|u| (u.name.clone(), u.guid.clone())).collect();
    let code_list = codes::list(conn)?;
    let code_guid: HashMap<i64, String> = code_list.iter().map(|c| (c.id, c.guid.clone())).collect();
    let variables = variables(conn, &project_guid)?;
    let var_guid = |scope: AttributeScope, name: &str| variable_guid(&project_guid, scope, name);
    let mut refi = RefiProject {
        name: project.info("name")?.unwrap_or_else(|| "Fieldcode project".into()),
        origin: Some(super::origin()),
        created: project.info("created_at")?,
        codes: code_tree(&code_list, None, &notes_for),
        variables,
        description: snapshot_description(conn)?,
        note_refs: notes_for.get(&("project".to_owned(), None)).cloned().unwrap_or_default(),
        ..RefiProject::default()
    };
    let docs = documents::list(conn)?;
    let doc_guid: HashMap<String, String> = docs.iter().map(|d| (d.name.clone(), d.guid.clone())).collect();
    let mut files = Vec::new();
    for doc in &docs {
        let text = documents::text(conn, doc.id)?;
        let path = format!("{}.txt", doc.guid);
        let doc_codings = codings::for_document(conn, doc.id)?;
        refi.sources.push(Source {
            guid: doc.guid.clone(),
            name: doc.name.clone(),
            description: format!("{KIND_PREFIX}{}", doc.kind),
            plain_text_path: Some(format!("internal://{path}")),
            created: Some(doc.imported_at.clone()),
            selections: selections(&doc.guid, &text, &doc_codings, &code_guid, &user_guid, &notes_for),
            note_refs: notes_for.get(&("document".to_owned(), Some(doc.id))).cloned().unwrap_or_default(),
            values: doc
                .attributes
                .iter()
                .map(|(k, v)| VariableValue { variable: var_guid(AttributeScope::Document, k), value: v.clone() })
                .collect(),
            ..Source::default()
        });
        files.push((path, text.into_bytes()));
    }
    for person in participants::list(conn)? {
        let notes = notes_for.get(&("participant".to_owned(), Some(person.id))).cloned().unwrap_or_default();
        refi.links.extend(notes.into_iter().map(|note| Link {
            guid: guid::derived(&["memo-link", &note]),
            name: "memo".into(),
            origin: Some(note),
            target: Some(person.guid.clone()),
        }));
        refi.cases.push(Case {
            guid: person.guid.clone(),
            name: person.label.clone(),
            values: person
                .attributes
                .iter()
                .map(|(k, v)| VariableValue { variable: var_guid(AttributeScope::Participant, k), value: v.clone() })
                .collect(),
            source_refs: person.documents.iter().filter_map(|d| doc_guid.get(d).cloned()).collect(),
            ..Case::default()
        });
    }
    refi.notes = memos
        .iter()
        .map(|m| Note {
            guid: m.guid.clone(),
            name: m.title.clone(),
            inline_text: Some(m.body.clone()),
            creating_user: user_guid.get(&m.author).cloned(),
            created: Some(m.created_at.clone()),
            modified: Some(m.updated_at.clone()),
            plain_text_path: None,
        })
        .collect();
    refi.users = users;
    Ok((refi, files))
}

/// Coders, then memo authors who are not coders (with a GUID derived from their name).
fn users(conn: &rusqlite::Connection, memos: &[MemoRow]) -> Result<Vec<User>> {
    let mut stmt = conn.prepare("SELECT guid, name FROM coder ORDER BY name")?;
    let mut users: Vec<User> =
        stmt.query_map([], |r| Ok(User { guid: r.get(0)?, name: r.get(1)? }))?.collect::<rusqlite::Result<_>>()?;
    for m in memos {
        if !users.iter().any(|u| u.name == m.author) {
            users.push(User { guid: guid::derived(&["memo-author", &m.author]), name: m.author.clone() });
        }
    }
    Ok(users)
}

/// The stable GUID of an attribute (attributes have no GUID column).
pub fn variable_guid(project_guid: &str, scope: AttributeScope, name: &str) -> String {
    guid::derived(&["variable", project_guid, scope.as_str(), name])
}

fn variables(conn: &rusqlite::Connection, project_guid: &str) -> Result<Vec<Variable>> {
    Ok(attributes::names(conn)?
        .into_iter()
        .map(|(name, scope)| Variable {
            guid: variable_guid(project_guid, scope, &name),
            description: format!("Fieldcode {} attribute", scope.as_str()),
            name,
        })
        .collect())
}

pub(crate) fn code_tree(
    list: &[CodeNode],
    parent: Option<i64>,
    notes: &HashMap<(String, Option<i64>), Vec<String>>,
) -> Vec<Code> {
    list.iter()
        .filter(|c| c.parent_id == parent)
        .map(|c| Code {
            guid: c.guid.clone(),
            name: c.name.clone(),
            color: Some(c.color.clone()),
            description: definition::compose(&Definition {
                description: c.description.clone(),
                inclusion: c.inclusion.clone(),
                exclusion: c.exclusion.clone(),
                example: c.example.clone(),
                status: Some(c.status),
            }),
            note_refs: notes.get(&("code".to_owned(), Some(c.id))).cloned().unwrap_or_default(),
            children: code_tree(list, Some(c.id), notes),
        })
        .collect()
}

/// Codings grouped into one selection per distinct span.
fn selections(
    doc_guid: &str,
    text: &str,
    rows: &[CodingRow],
    code_guid: &HashMap<i64, String>,
    user_guid: &HashMap<String, String>,
    notes: &HashMap<(String, Option<i64>), Vec<String>>,
) -> Vec<Selection> {
    let index = crate::text::CharIndex::new(text);
    let mut spans: BTreeMap<(usize, usize), Vec<&CodingRow>> = BTreeMap::new();
    for row in rows {
        spans.entry((row.start, row.end)).or_default().push(row);
    }
    spans
        .into_iter()
        .map(|((start, end), rows)| {
            let first = rows.iter().min_by(|a, b| a.created_at.cmp(&b.created_at)).copied();
            Selection {
                guid: guid::derived(&["selection", doc_guid, &start.to_string(), &end.to_string()]),
                name: Some(snippet(index.slice(text, start, end))),
                start: start as i64,
                end: end as i64,
                creating_user: first.and_then(|r| user_guid.get(&r.coder).cloned()),
                created: first.map(|r| r.created_at.clone()),
                codings: rows
                    .iter()
                    .map(|r| Coding {
                        guid: r.guid.clone(),
                        code: code_guid.get(&r.code_id).cloned().unwrap_or_default(),
                        creating_user: user_guid.get(&r.coder).cloned(),
                        created: Some(r.created_at.clone()),
                        note_refs: notes.get(&("coding".to_owned(), Some(r.id))).cloned().unwrap_or_default(),
                    })
                    .collect(),
                ..Selection::default()
            }
        })
        .collect()
}

/// The selected text as a selection name: whitespace collapsed, at most 100 characters.
fn snippet(text: &str) -> String {
    let squashed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if squashed.chars().count() <= 100 {
        return squashed;
    }
    squashed.chars().take(100).collect::<String>() + "…"
}

fn snapshot_description(conn: &rusqlite::Connection) -> Result<String> {
    let snapshots = memos::snapshots(conn)?;
    if snapshots.is_empty() {
        return Ok(String::new());
    }
    let lines: Vec<String> = snapshots.iter().map(|(name, at)| format!("- {name} ({at})")).collect();
    Ok(format!("{SNAPSHOTS_HEADING}\n{}", lines.join("\n")))
}
