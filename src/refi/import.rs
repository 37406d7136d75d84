//! A REFI-QDA project (`.qdpx`) as a new Fieldcode project.
//!
//! Everything that can fail on bad input happens before the project file exists: the archive is
//! checked, the `.qde` parsed, every source text found and decoded and every selection placed.
//! Then the project is built under a temporary name, filled in one transaction and renamed when
//! complete ([`store::build_new`]), so a failed or killed import creates nothing.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};

use super::definition;
use super::export::{KIND_PREFIX, SNAPSHOTS_HEADING, SnapshotEntry};
use super::import_sources::{Loaded, load_notes, load_snapshots, load_sources, source_label};
use super::model::*;
use super::positions::{self, Convention, Placement};
use super::qde_read;
use super::qdpx::Archive;
use crate::coding::Recorder;
use crate::coding::rows::{CodeRec, CodingRec, MemoRec, People, Row};
use crate::error::{Error, Result};
use crate::import::ParsedDocument;
use crate::model::{AttributeScope, DocumentKind, ReviewStatus};
use crate::store::{self, Project, documents, participants};

/// Choices for one import.
#[derive(Debug, Clone, Default)]
pub struct ImportQdpxOptions {
    /// Import the rest when some source files are missing or not read (those sources are
    /// reported as skipped) instead of refusing the whole archive.
    pub skip_missing_sources: bool,
    /// Read source texts that a `relative://` or `absolute://` path puts outside the archive.
    /// Without it they are treated as missing. A path with a `..` component is never read.
    pub allow_external_sources: bool,
}

/// What an import created and what it left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct QdpxReport {
    pub name: String,
    pub origin: String,
    pub documents: usize,
    pub codes: usize,
    pub codings: usize,
    pub coders: usize,
    pub participants: usize,
    pub memos: usize,
    pub attribute_values: usize,
    pub snapshots: usize,
    /// Sources whose positions were not in the standard convention: "name: convention".
    pub positions: Vec<String>,
    pub skipped: Vec<String>,
    /// Source texts read from outside the archive: "name: path".
    pub external_sources: Vec<String>,
}

/// Imports `qdpx` into a new project at `target`.
pub fn import_qdpx(qdpx: &Path, target: &Path, options: &ImportQdpxOptions) -> Result<QdpxReport> {
    if target.exists() {
        return Err(Error::AlreadyExists { path: target.to_path_buf() });
    }
    let mut archive = Archive::open(qdpx)?;
    let refi = qde_read::read_project(&archive.qde()?, &archive.qde_path())?;
    let mut skipped = refi.skipped.clone();
    let (texts, external) = load_sources(&mut archive, &refi, options, &mut skipped)?;
    let notes = load_notes(&mut archive, &refi, &mut skipped)?;
    let snapshots = load_snapshots(&mut archive, &mut skipped)?;
    let report = store::build_new(target, |project| fill(project, &refi, &texts, &notes, &snapshots, skipped))?;
    Ok(QdpxReport { external_sources: external, ..report })
}

/// State while filling the new project: every row goes through the recorder (unrecorded: a new
/// project has no history to undo back to).
struct Filler<'a> {
    tx: &'a Connection,
    rec: Recorder<'a>,
    refi: &'a RefiProject,
    users: HashMap<String, String>,
    coders: HashMap<String, i64>,
    codes: HashMap<String, i64>,
    variables: HashMap<String, String>,
    coding_guids: HashSet<String>,
    memo_targets: Vec<(String, &'static str, Option<i64>)>,
    report: QdpxReport,
}

fn fill(
    project: &mut Project,
    refi: &RefiProject,
    texts: &[Option<Loaded>],
    notes: &HashMap<String, String>,
    snapshots: &[SnapshotEntry],
    skipped: Vec<String>,
) -> Result<QdpxReport> {
    let tx = project.write_transaction()?;
    let name = if refi.name.trim().is_empty() { "Imported project" } else { refi.name.trim() };
    tx.execute("UPDATE project SET value = ?1 WHERE key = 'name'", [name])?;
    let mut f = Filler {
        tx: &tx,
        rec: Recorder::unrecorded(&tx),
        refi,
        users: refi.users.iter().map(|u| (u.guid.clone(), u.name.clone())).collect(),
        coders: HashMap::new(),
        codes: HashMap::new(),
        variables: refi.variables.iter().map(|v| (v.guid.clone(), v.name.clone())).collect(),
        coding_guids: HashSet::new(),
        memo_targets: Vec::new(),
        report: QdpxReport {
            name: name.to_owned(),
            origin: refi.origin.clone().unwrap_or_default(),
            skipped,
            ..QdpxReport::default()
        },
    };
    f.insert_codes(&refi.codes)?;
    f.insert_cases()?;
    for (source, text) in refi.sources.iter().zip(texts) {
        if let Some(text) = text {
            f.insert_source(source, text)?;
        }
    }
    f.insert_idle_coders()?;
    f.insert_memos(notes)?;
    f.insert_snapshots(snapshots)?;
    let mut report = std::mem::take(&mut f.report);
    report.coders = count(&tx, "coder")?;
    report.participants = count(&tx, "participant")?;
    report.documents = count(&tx, "document")?;
    drop(f);
    tx.commit()?;
    Ok(report)
}

fn count(conn: &Connection, table: &str) -> Result<usize> {
    Ok(conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get::<_, i64>(0))? as usize)
}

/// A code name usable in `Theme/Code` paths: `/` becomes `∕`, blanks get a placeholder.
fn code_name(raw: &str) -> String {
    let name = raw.trim().replace('/', "∕");
    if name.is_empty() { "(unnamed code)".into() } else { name }
}

/// A colour as `#rrggbb` from `#rgb`, `#rrggbb` or `#rrggbbaa`; else grey.
fn color(raw: Option<&str>) -> String {
    let hex = raw.and_then(|c| c.trim().strip_prefix('#')).unwrap_or("");
    let valid = hex.chars().all(|c| c.is_ascii_hexdigit());
    match hex.len() {
        3 if valid => format!("#{}", hex.chars().flat_map(|c| [c, c]).collect::<String>()),
        6 | 8 if valid => format!("#{}", &hex[..6]),
        _ => "#808080".into(),
    }
}

impl Filler<'_> {
    /// The codebook, parents before children, walked with an explicit stack (no recursion, so
    /// a deep tree costs no native stack).
    fn insert_codes(&mut self, codes: &[Code]) -> Result<()> {
        let mut stack: Vec<(&Code, Option<i64>, usize)> =
            codes.iter().enumerate().rev().map(|(i, c)| (c, None, i)).collect();
        while let Some((code, parent, position)) = stack.pop() {
            let id = self.insert_code(code, parent, position)?;
            stack.extend(code.children.iter().enumerate().rev().map(|(i, c)| (c, Some(id), i)));
        }
        Ok(())
    }

    fn insert_code(&mut self, code: &Code, parent: Option<i64>, position: usize) -> Result<i64> {
        let base = code_name(&code.name);
        let mut name = base.clone();
        let mut n = 2;
        while self.sibling_exists(parent, &name)? {
            name = format!("{base} ({n})");
            n += 1;
        }
        let guid = self.fresh_guid("code", &code.guid)?;
        let def = definition::parse(&code.description);
        let id = self.rec.insert_new("code", |id| {
            Row::Code(CodeRec {
                id,
                guid,
                parent_id: parent,
                name,
                color: color(code.color.as_deref()),
                description: def.description,
                inclusion: def.inclusion,
                exclusion: def.exclusion,
                example: def.example,
                status: def.status.unwrap_or(ReviewStatus::Proposed).as_str().to_owned(),
                position: position as i64,
                created_at: store::now_utc(),
            })
        })?;
        self.codes.entry(code.guid.clone()).or_insert(id);
        self.report.codes += 1;
        for note in &code.note_refs {
            self.memo_targets.push((note.clone(), "code", Some(id)));
        }
        Ok(id)
    }

    fn sibling_exists(&self, parent: Option<i64>, name: &str) -> Result<bool> {
        Ok(self
            .tx
            .prepare_cached("SELECT 1 FROM code WHERE coalesce(parent_id, 0) = ?1 AND name = ?2")?
            .exists(params![parent.unwrap_or(0), name])?)
    }

    /// `guid` unless a row of `table` already has it (duplicate GUIDs in a file), else a new one.
    fn fresh_guid(&self, table: &str, guid: &str) -> Result<String> {
        let taken: bool = self.tx.prepare_cached(&format!("SELECT 1 FROM {table} WHERE guid = ?1"))?.exists([guid])?;
        Ok(if taken || guid.is_empty() { store::new_guid() } else { guid.to_owned() })
    }

    fn insert_cases(&mut self) -> Result<()> {
        for case in &self.refi.cases {
            let label = if case.name.trim().is_empty() { case.guid.clone() } else { case.name.trim().to_owned() };
            let id = match participants::find(self.tx, &label)? {
                Some(id) => id,
                None => {
                    let guid = self.fresh_guid("participant", &case.guid)?;
                    self.rec.insert_person(People::Participants, guid, &label)?
                }
            };
            for value in &case.values {
                if let Some(name) = self.variables.get(&value.variable) {
                    self.rec.set_value(AttributeScope::Participant, id, name, Some(&value.value))?;
                    self.report.attribute_values += 1;
                }
            }
            if !case.description.trim().is_empty() {
                self.memo_text_targets(format!("case:{}", case.guid), "participant", Some(id));
            }
        }
        for link in &self.refi.links {
            let note = link.origin.clone().unwrap_or_default();
            let target = link.target.clone().unwrap_or_default();
            let participant = self
                .refi
                .cases
                .iter()
                .find(|c| c.guid == target)
                .map(|c| if c.name.trim().is_empty() { c.guid.clone() } else { c.name.trim().to_owned() });
            let is_note = self.refi.notes.iter().any(|n| n.guid == note);
            match participant {
                Some(label) if is_note => {
                    let id = participants::find(self.tx, &label)?;
                    self.memo_targets.push((note, "participant", id));
                }
                _ => self.report.skipped.push(format!("link \"{}\": Fieldcode does not model links", link.name)),
            }
        }
        Ok(())
    }

    fn memo_text_targets(&mut self, key: String, kind: &'static str, id: Option<i64>) {
        self.memo_targets.push((key, kind, id));
    }

    fn insert_source(&mut self, source: &Source, loaded: &Loaded) -> Result<()> {
        let name = source_label(source);
        let sha = documents::text_sha256(&loaded.text);
        let doc_id = match self
            .tx
            .query_row("SELECT id, name FROM document WHERE sha256 = ?1", [&sha], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
            })
            .optional()?
        {
            Some((id, existing)) => {
                self.report.skipped.push(format!(
                    "source \"{name}\": same text as \"{existing}\"; its codings were added to that document"
                ));
                id
            }
            None => self.insert_document(source, &name, loaded)?,
        };
        self.place_codings(source, &name, loaded, doc_id)
    }

    fn insert_document(&mut self, source: &Source, name: &str, loaded: &Loaded) -> Result<i64> {
        let parsed = ParsedDocument::from_text(name, loaded.text.clone(), Vec::new());
        let (kind, description) = kind_and_description(&source.description);
        let kind = kind.unwrap_or_else(|| parsed.inferred_kind());
        let guid = self.fresh_guid("document", &source.guid)?;
        let new = documents::NewDocument {
            parsed: &parsed,
            kind,
            guid: Some(&guid),
            sha256: None,
            source_path: source.plain_text_path.as_deref(),
            extra_attributes: &[],
        };
        let id = documents::insert(self.tx, &new)?;
        for value in &source.values {
            if let Some(var) = self.variables.get(&value.variable) {
                self.rec.set_value(AttributeScope::Document, id, var, Some(&value.value))?;
                self.report.attribute_values += 1;
            }
        }
        for note in &source.note_refs {
            self.memo_targets.push((note.clone(), "document", Some(id)));
        }
        if !description.is_empty() {
            self.memo_text_targets(format!("source:{}", source.guid), "document", Some(id));
        }
        Ok(id)
    }

    fn place_codings(&mut self, source: &Source, name: &str, loaded: &Loaded, doc_id: i64) -> Result<()> {
        let origin = self.refi.origin.as_deref().unwrap_or("");
        let placements: Vec<Placement<'_>> = source
            .selections
            .iter()
            .map(|s| Placement { start: s.start, end: s.end, name: s.name.as_deref() })
            .collect();
        let convention = positions::choose(&loaded.raw, &loaded.text, &placements, origin);
        if convention != Convention::STANDARD {
            self.report.positions.push(format!("{name}: {}", convention.describe()));
        }
        let table = positions::position_table(&loaded.raw, convention);
        let length = loaded.text.chars().count();
        for coding in &source.codings {
            if length > 0 {
                self.insert_coding(coding, source.creating_user.as_deref(), doc_id, (0, length), name)?;
            }
        }
        for sel in &source.selections {
            let Some(span) = positions::map_span(&table, sel.start, sel.end) else {
                self.report.skipped.push(format!(
                    "selection {}–{} in \"{name}\" ({} coding(s)): outside the text or empty",
                    sel.start,
                    sel.end,
                    sel.codings.len()
                ));
                continue;
            };
            let mut first = None;
            for coding in &sel.codings {
                let id = self.insert_coding(coding, sel.creating_user.as_deref(), doc_id, span, name)?;
                first = first.or(id);
            }
            let (kind, target) = match first {
                Some(id) => ("coding", Some(id)),
                None => ("document", Some(doc_id)),
            };
            for note in &sel.note_refs {
                self.memo_targets.push((note.clone(), kind, target));
            }
            if !sel.description.trim().is_empty() {
                self.memo_text_targets(format!("selection:{}", sel.guid), kind, target);
            }
        }
        Ok(())
    }

    fn insert_coding(
        &mut self,
        coding: &Coding,
        fallback_user: Option<&str>,
        doc_id: i64,
        (start, end): (usize, usize),
        doc_name: &str,
    ) -> Result<Option<i64>> {
        let Some(&code_id) = self.codes.get(&coding.code) else {
            self.report
                .skipped
                .push(format!("a coding in \"{doc_name}\": it refers to a code that is not in the codebook"));
            return Ok(None);
        };
        let user = coding.creating_user.as_deref().or(fallback_user).or(self.refi.creating_user.as_deref());
        let coder_id = self.coder(user)?;
        let guid = if self.coding_guids.insert(coding.guid.clone()) { coding.guid.clone() } else { store::new_guid() };
        let id = self.rec.next_id("coding")?;
        let row = CodingRec {
            id,
            guid,
            document_id: doc_id,
            code_id,
            coder_id,
            start: start as i64,
            end: end as i64,
            created_at: coding.created.clone().unwrap_or_else(store::now_utc),
        };
        if !self.rec.insert_coding_if_new(row)? {
            return Ok(None);
        }
        self.report.codings += 1;
        for note in &coding.note_refs {
            self.memo_targets.push((note.clone(), "coding", Some(id)));
        }
        Ok(Some(id))
    }

    /// The coder for a user GUID (created on first use); unknown users fall back to the person
    /// running the import.
    fn coder(&mut self, user: Option<&str>) -> Result<i64> {
        let key = user.unwrap_or("").to_owned();
        if let Some(&id) = self.coders.get(&key) {
            return Ok(id);
        }
        let id = match self.users.get(&key).cloned() {
            Some(name) => self.coder_named(&key, &name)?,
            None => self.rec.coder_named(&store::default_actor())?,
        };
        self.coders.insert(key, id);
        Ok(id)
    }

    fn coder_named(&mut self, guid: &str, name: &str) -> Result<i64> {
        let name = if name.trim().is_empty() { guid } else { name.trim() };
        if let Some(id) = store::coders::find(self.tx, name)? {
            return Ok(id);
        }
        let guid = self.fresh_guid("coder", guid)?;
        self.rec.insert_person(People::Coders, guid, name)
    }

    /// Users who neither coded nor wrote notes are kept as coders (a team member with no codings
    /// yet), except a tool's built-in user ([`is_tool_user`]); users who only wrote notes stay
    /// memo authors.
    fn insert_idle_coders(&mut self) -> Result<()> {
        let authors: HashSet<&str> = self.refi.notes.iter().filter_map(|n| n.creating_user.as_deref()).collect();
        let origin = self.refi.origin.as_deref().unwrap_or("");
        for user in &self.refi.users {
            if is_tool_user(&user.name, origin) {
                if !self.coders.contains_key(&user.guid) && !authors.contains(user.guid.as_str()) {
                    self.report.skipped.push(format!(
                        "user \"{}\": the tool's built-in user, who coded nothing; not made a coder",
                        user.name.trim()
                    ));
                }
                continue;
            }
            if !self.coders.contains_key(&user.guid) && !authors.contains(user.guid.as_str()) {
                let id = self.coder_named(&user.guid, &user.name)?;
                self.coders.insert(user.guid.clone(), id);
            }
        }
        Ok(())
    }

    /// The codebook snapshots of a Fieldcode export, under their names and dates. They have no
    /// place in the new project's history (it starts empty), so diffs against them name no
    /// merges or splits, only codes added, removed, renamed and moved.
    fn insert_snapshots(&mut self, snapshots: &[SnapshotEntry]) -> Result<()> {
        let mut names = HashSet::new();
        for s in snapshots {
            if s.name.trim().is_empty() || !names.insert(s.name.trim()) {
                self.report.skipped.push(format!("codebook snapshot {:?}: no name, or a name used twice", s.name));
                continue;
            }
            crate::coding::snapshot::restore(self.tx, s.name.trim(), &s.created_at, &s.codebook.to_string())?;
            self.report.snapshots += 1;
        }
        Ok(())
    }

    fn insert_memos(&mut self, texts: &HashMap<String, String>) -> Result<()> {
        let mut used = HashSet::new();
        let targets = std::mem::take(&mut self.memo_targets);
        for (key, kind, target) in &targets {
            if let Some(note) = self.refi.notes.iter().find(|n| &n.guid == key) {
                let guid = if used.insert(note.guid.clone()) { note.guid.clone() } else { store::new_guid() };
                let body = texts.get(&note.guid).cloned().unwrap_or_default();
                self.insert_memo(&guid, kind, *target, &note.name, &body, note.creating_user.as_deref(), note)?;
            } else if let Some((title, body)) = self.description_memo(key) {
                let note = Note::default();
                self.insert_memo(&store::new_guid(), kind, *target, &title, &body, None, &note)?;
            }
        }
        for note in &self.refi.notes {
            if !used.contains(&note.guid) {
                let body = texts.get(&note.guid).cloned().unwrap_or_default();
                self.insert_memo(&note.guid, "project", None, &note.name, &body, note.creating_user.as_deref(), note)?;
            }
        }
        let description = self.refi.description.trim();
        if !description.is_empty() && !description.starts_with(SNAPSHOTS_HEADING) {
            let note = Note::default();
            self.insert_memo(&store::new_guid(), "project", None, "Project description", description, None, &note)?;
        }
        Ok(())
    }

    /// The memo text for a description kept as a memo (`case:`, `source:`, `selection:` keys).
    fn description_memo(&self, key: &str) -> Option<(String, String)> {
        let (kind, guid) = key.split_once(':')?;
        match kind {
            "case" => self
                .refi
                .cases
                .iter()
                .find(|c| c.guid == guid)
                .map(|c| ("Case description".into(), c.description.trim().to_owned())),
            "source" => self
                .refi
                .sources
                .iter()
                .find(|s| s.guid == guid)
                .map(|s| ("Source description".into(), kind_and_description(&s.description).1)),
            "selection" => self
                .refi
                .sources
                .iter()
                .flat_map(|s| &s.selections)
                .find(|s| s.guid == guid)
                .map(|s| (s.name.clone().unwrap_or_else(|| "Selection".into()), s.description.trim().to_owned())),
            _ => None,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn insert_memo(
        &mut self,
        guid: &str,
        kind: &str,
        target: Option<i64>,
        title: &str,
        body: &str,
        author: Option<&str>,
        note: &Note,
    ) -> Result<()> {
        let author = author.and_then(|a| self.users.get(a)).cloned().unwrap_or_else(|| "unknown".into());
        let created = note.created.clone().unwrap_or_else(store::now_utc);
        let updated = note.modified.clone().unwrap_or_else(|| created.clone());
        let guid = self.fresh_guid("memo", guid)?;
        let (target_kind, title, body) = (kind.to_owned(), title.to_owned(), body.to_owned());
        self.rec.insert_new("memo", |id| {
            Row::Memo(MemoRec {
                id,
                guid,
                target_kind,
                target_id: target,
                title,
                body,
                author,
                created_at: created,
                updated_at: updated,
            })
        })?;
        self.report.memos += 1;
        Ok(())
    }
}

/// Names of QDA tools whose projects carry a built-in user.
const TOOL_USERS: [&str; 6] = ["atlas.ti", "nvivo", "maxqda", "qualcoder", "taguette", "fieldcode"];

/// True when a user is a tool's built-in user rather than a person: the user's name is a QDA
/// tool's name, or the name the project's `origin` starts with (ATLAS.ti writes a user "ATLAS.ti"
/// into projects whose origin is "ATLAS.ti for Windows 23.2…"). Such a user is made a coder only
/// when it coded something.
pub fn is_tool_user(name: &str, origin: &str) -> bool {
    let name = name.trim().to_lowercase();
    if name.is_empty() {
        return false;
    }
    let origin = origin.trim().to_lowercase();
    let origin_named = origin
        .strip_prefix(&name)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(|c: char| c.is_whitespace() || c.is_ascii_digit()));
    origin_named || TOOL_USERS.contains(&name.as_str())
}

/// The Fieldcode kind recorded in a source description, and the rest of the description.
fn kind_and_description(description: &str) -> (Option<DocumentKind>, String) {
    let mut kind = None;
    let mut rest = Vec::new();
    for line in description.lines() {
        match line.trim().strip_prefix(KIND_PREFIX) {
            Some(k) => kind = k.parse().ok(),
            None => rest.push(line),
        }
    }
    (kind, rest.join("\n").trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_users_are_told_from_people() {
        assert!(is_tool_user("ATLAS.ti", "ATLAS.ti for Windows 23.2.3.27778"));
        assert!(is_tool_user(" atlas.ti ", ""));
        assert!(is_tool_user("NVivo", "NVivo 12 (Windows)"));
        assert!(!is_tool_user("Enric Llagostera", "ATLAS.ti for Windows 23.2.3.27778"));
        assert!(!is_tool_user("ATLAS", "ATLAS.ti for Windows"), "a prefix of the tool's name is a person's name");
        assert!(!is_tool_user("", "ATLAS.ti"));
    }
}
