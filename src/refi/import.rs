//! A REFI-QDA project (`.qdpx`) as a new Fieldcode project.
//!
//! The project is built under a temporary name, filled in one transaction and renamed when
//! complete ([`store::build_new`]), so a failed or killed import creates nothing: a malformed
//! `.qde`, a missing source text or any other error part-way removes the half-built file.
//!
//! The `.qde` is streamed ([`qde_read::stream_project`]): each text source is stored (its text
//! found and decoded, its selections placed, its codings inserted) as soon as its element is
//! parsed, so memory holds one source's selections at a time rather than the whole project's
//! (a 200,000-coding project held 350 MB that way). A file whose users, codebook, variables or
//! cases come after its sources, against the schema's order, is read again with its sources
//! held, so such a file imports as it always did. What the report lists keeps the order of a
//! read-everything-first import: what parsing skipped, then what loading the source texts,
//! notes and snapshots skipped, then what filling the project skipped.
//!
//! Recordings (`AudioSource` / `VideoSource`) and their transcripts are placed after the text
//! sources, in [`media`]: time maps from `SyncPoint`s, links to recordings found on disk.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, params};

use super::definition;
use super::export::{KIND_PREFIX, SNAPSHOTS_HEADING, SnapshotEntry};
use super::import_sources::{LoadLog, Loaded, load_notes, load_snapshots, load_source, missing_sources, source_label};
use super::model::*;
use super::positions::{self, Convention, Placement, PositionTable};
use super::qde_read::{self, SourceSink};
use super::qdpx::Archive;
use crate::coding::Recorder;
use crate::coding::rows::{CodeRec, CodingRec, MemoRec, People, Row};
use crate::error::{Error, Result};
use crate::import::ParsedDocument;
use crate::model::{AttributeScope, DocumentKind, ReviewStatus};
use crate::store::{self, Project, bulk_write::NewFileWrite, documents, participants};

#[path = "import_media.rs"]
mod media;

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
    /// `Transcript`s of recordings that gave a document its time map (or became a document).
    pub transcripts: usize,
    /// `SyncPoint`s kept as time-map points.
    pub sync_points: usize,
    /// `SyncPoint`s skipped: a position beyond the text, or not whole numbers.
    pub sync_points_skipped: usize,
    /// Recordings linked to a document (found on disk, readable).
    pub media_links: usize,
}

/// Imports `qdpx` into a new project at `target`.
pub fn import_qdpx(qdpx: &Path, target: &Path, options: &ImportQdpxOptions) -> Result<QdpxReport> {
    if target.exists() {
        return Err(Error::AlreadyExists { path: target.to_path_buf() });
    }
    let mut archive = Archive::open(qdpx)?;
    let qde = archive.qde()?;
    let qde_path = archive.qde_path();
    store::build_new(target, |project| {
        let bulk = NewFileWrite::start(project)?;
        let mut input = Input { archive: &mut archive, qde: &qde, qde_path: &qde_path, options };
        let filled = match fill(project, &mut input, Reading::Streamed) {
            Ok(None) => fill(project, &mut input, Reading::Held),
            other => other,
        };
        let finished = bulk.finish(project);
        let report = filled?.ok_or_else(|| Error::import(qdpx, "the project could not be read"))?;
        finished?;
        Ok(report)
    })
}

/// What an import reads from.
struct Input<'a> {
    archive: &'a mut Archive,
    qde: &'a [u8],
    qde_path: &'a Path,
    options: &'a ImportQdpxOptions,
}

/// How the `.qde` is read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reading {
    /// Each text source stored as soon as it is parsed.
    Streamed,
    /// Every source parsed first, then stored: for files out of the schema's order.
    Held,
}

/// Fills the new project in one transaction. `None` (and nothing written) when a streamed read
/// found the file out of order.
fn fill(project: &mut Project, input: &mut Input<'_>, reading: Reading) -> Result<Option<QdpxReport>> {
    let project_path = project.path().to_path_buf();
    let tx = project.write_transaction()?;
    let mut f = Filler::new(&tx, input.archive, input.options, project_path);
    let refi = match reading {
        Reading::Streamed => {
            let streamed = qde_read::stream_project(input.qde, input.qde_path, &mut f)?;
            if !streamed.in_order {
                return Ok(None);
            }
            streamed.project
        }
        Reading::Held => {
            let mut refi = qde_read::read_project(input.qde, input.qde_path)?;
            for source in std::mem::take(&mut refi.sources) {
                f.source(&refi, source)?;
            }
            refi
        }
    };
    let report = f.finish(&refi)?;
    drop(f);
    tx.commit()?;
    Ok(Some(report))
}

/// What went into the report's `skipped`, by the step that skipped it (see the module docs).
#[derive(Default)]
struct Skips {
    /// Source texts blank, missing or not read.
    load: Vec<String>,
    /// Notes whose text is missing.
    notes: Vec<String>,
    /// Codebook snapshots not readable.
    snapshots: Vec<String>,
    /// Links Fieldcode does not model.
    links: Vec<String>,
    /// Everything else, in the order it was filled in.
    fill: Vec<String>,
}

/// A memo to write once the notes are read: a note by its GUID, or a description kept as a memo
/// (title, text).
enum MemoSource {
    Note(String),
    Text(String, String),
}

/// State while filling the new project: every row goes through the recorder (unrecorded: a new
/// project has no history to undo back to).
struct Filler<'a> {
    tx: &'a Connection,
    rec: Recorder<'a>,
    archive: &'a mut Archive,
    options: &'a ImportQdpxOptions,
    /// Set when the first source arrives (or at the end, for a project without text sources):
    /// the project's name, codebook and cases are stored then.
    started: bool,
    origin: String,
    creating_user: Option<String>,
    users: HashMap<String, String>,
    coders: HashMap<String, i64>,
    codes: HashMap<String, i64>,
    variables: HashMap<String, String>,
    coding_guids: HashSet<String>,
    /// The id the next coding gets: looked up once, then counted (nothing else adds codings).
    next_coding: Option<i64>,
    memo_targets: Vec<(MemoSource, &'static str, Option<i64>)>,
    /// Where the memos of links go in `memo_targets`: after the cases', before the sources'.
    links_at: usize,
    load: LoadLog,
    skips: Skips,
    report: QdpxReport,
    /// The new project's file (its folder is where linked recordings' paths start from).
    project_path: PathBuf,
    /// Each stored text source by its `plainTextPath` (trimmed, lower-case): its document and
    /// how positions in its text map to code points, for the transcripts that name it.
    texts: HashMap<String, (i64, PositionTable)>,
    /// The `plainTextPath` of every text source read, stored or skipped (same form).
    text_paths: HashSet<String>,
}

impl SourceSink for Filler<'_> {
    fn source(&mut self, head: &RefiProject, source: Source) -> Result<()> {
        if !self.started {
            self.start(head)?;
        }
        if let Some(path) = &source.plain_text_path {
            self.text_paths.insert(media::path_key(path));
        }
        let Some(loaded) = load_source(self.archive, &source, self.options, &mut self.skips.load, &mut self.load)?
        else {
            return Ok(());
        };
        if self.load.refuses(self.options) {
            // The import will be refused once every missing source is known: store no more.
            return Ok(());
        }
        let placed = self.insert_source(&source, &loaded)?;
        if let Some(path) = &source.plain_text_path {
            self.texts.insert(media::path_key(path), placed);
        }
        Ok(())
    }
}

impl<'a> Filler<'a> {
    fn new(
        tx: &'a Connection,
        archive: &'a mut Archive,
        options: &'a ImportQdpxOptions,
        project_path: PathBuf,
    ) -> Filler<'a> {
        Filler {
            tx,
            rec: Recorder::unrecorded(tx),
            archive,
            options,
            started: false,
            origin: String::new(),
            creating_user: None,
            users: HashMap::new(),
            coders: HashMap::new(),
            codes: HashMap::new(),
            variables: HashMap::new(),
            coding_guids: HashSet::new(),
            next_coding: None,
            memo_targets: Vec::new(),
            links_at: 0,
            load: LoadLog::default(),
            skips: Skips::default(),
            report: QdpxReport::default(),
            project_path,
            texts: HashMap::new(),
            text_paths: HashSet::new(),
        }
    }
}

impl Filler<'_> {
    /// The project's name, codebook and cases: what every source may refer to.
    fn start(&mut self, head: &RefiProject) -> Result<()> {
        self.started = true;
        let name = if head.name.trim().is_empty() { "Imported project" } else { head.name.trim() };
        self.tx.execute("UPDATE project SET value = ?1 WHERE key = 'name'", [name])?;
        self.report.name = name.to_owned();
        self.origin = head.origin.clone().unwrap_or_default();
        self.report.origin = self.origin.clone();
        self.creating_user = head.creating_user.clone();
        self.users = head.users.iter().map(|u| (u.guid.clone(), u.name.clone())).collect();
        self.variables = head.variables.iter().map(|v| (v.guid.clone(), v.name.clone())).collect();
        self.insert_codes(&head.codes)?;
        self.insert_cases(&head.cases)?;
        self.links_at = self.memo_targets.len();
        Ok(())
    }

    /// Everything after the sources: the refusal when source texts are missing, the notes,
    /// links, users who coded nothing, memos and snapshots; then the report.
    fn finish(&mut self, refi: &RefiProject) -> Result<QdpxReport> {
        if !self.started {
            self.start(refi)?;
        }
        self.insert_media(refi)?;
        if self.load.refuses(self.options) {
            return Err(missing_sources(self.archive.path(), &self.load));
        }
        let notes = load_notes(self.archive, refi, &mut self.skips.notes)?;
        let snapshots = load_snapshots(self.archive, &mut self.skips.snapshots)?;
        self.insert_links(refi)?;
        self.insert_idle_coders(refi)?;
        self.insert_memos(refi, &notes)?;
        self.insert_snapshots(&snapshots)?;
        let mut report = std::mem::take(&mut self.report);
        let skips = std::mem::take(&mut self.skips);
        report.skipped =
            [refi.skipped.clone(), skips.load, skips.notes, skips.snapshots, skips.links, skips.fill].concat();
        report.external_sources = std::mem::take(&mut self.load.external);
        report.coders = count(self.tx, "coder")?;
        report.participants = count(self.tx, "participant")?;
        report.documents = count(self.tx, "document")?;
        Ok(report)
    }
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

/// The participant label of a case: its name, or its GUID when it has none.
fn case_label(case: &Case) -> String {
    if case.name.trim().is_empty() { case.guid.clone() } else { case.name.trim().to_owned() }
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
            self.memo_targets.push((MemoSource::Note(note.clone()), "code", Some(id)));
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

    fn insert_cases(&mut self, cases: &[Case]) -> Result<()> {
        for case in cases {
            let label = case_label(case);
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
            let description = case.description.trim();
            if !description.is_empty() {
                let memo = MemoSource::Text("Case description".into(), description.to_owned());
                self.memo_targets.push((memo, "participant", Some(id)));
            }
        }
        Ok(())
    }

    /// Links from a note to a case become that participant's memo; others are reported. Their
    /// memos go after the cases' (where a read-everything-first import put them).
    fn insert_links(&mut self, refi: &RefiProject) -> Result<()> {
        let mut targets = Vec::new();
        for link in &refi.links {
            let note = link.origin.clone().unwrap_or_default();
            let target = link.target.clone().unwrap_or_default();
            let participant = refi.cases.iter().find(|c| c.guid == target).map(case_label);
            let is_note = refi.notes.iter().any(|n| n.guid == note);
            match participant {
                Some(label) if is_note => {
                    let id = participants::find(self.tx, &label)?;
                    targets.push((MemoSource::Note(note), "participant", id));
                }
                _ => self.skips.links.push(format!("link \"{}\": Fieldcode does not model links", link.name)),
            }
        }
        let at = self.links_at.min(self.memo_targets.len());
        self.memo_targets.splice(at..at, targets);
        Ok(())
    }

    /// Stores a source (or adds its codings to the document with the same text): that
    /// document, and how positions in the source's text map to its code points.
    fn insert_source(&mut self, source: &Source, loaded: &Loaded) -> Result<(i64, PositionTable)> {
        let name = source_label(source);
        let sha = documents::text_sha256(&loaded.text);
        let doc_id = match self
            .tx
            .prepare_cached("SELECT id, name FROM document WHERE sha256 = ?1")?
            .query_row([&sha], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
            .optional()?
        {
            Some((id, existing)) => {
                self.skips.fill.push(format!(
                    "source \"{name}\": same text as \"{existing}\"; its codings were added to that document"
                ));
                id
            }
            None => self.insert_document(source, &name, loaded, &sha)?,
        };
        let table = self.place_codings(source, &name, loaded, doc_id)?;
        Ok((doc_id, table))
    }

    fn insert_document(&mut self, source: &Source, name: &str, loaded: &Loaded, sha: &str) -> Result<i64> {
        let parsed = ParsedDocument::from_text(name, loaded.text.clone(), Vec::new());
        let (kind, description) = kind_and_description(&source.description);
        let kind = kind.unwrap_or_else(|| parsed.inferred_kind());
        let guid = self.fresh_guid("document", &source.guid)?;
        let new = documents::NewDocument {
            parsed: &parsed,
            kind,
            guid: Some(&guid),
            sha256: Some(sha),
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
            self.memo_targets.push((MemoSource::Note(note.clone()), "document", Some(id)));
        }
        if !description.is_empty() {
            self.memo_targets.push((MemoSource::Text("Source description".into(), description), "document", Some(id)));
        }
        Ok(id)
    }

    fn place_codings(&mut self, source: &Source, name: &str, loaded: &Loaded, doc_id: i64) -> Result<PositionTable> {
        let placements: Vec<Placement<'_>> = source
            .selections
            .iter()
            .map(|s| Placement { start: s.start, end: s.end, name: s.name.as_deref() })
            .collect();
        let convention = positions::choose(&loaded.raw, &loaded.text, &placements, &self.origin);
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
                self.skips.fill.push(format!(
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
                self.memo_targets.push((MemoSource::Note(note.clone()), kind, target));
            }
            let description = sel.description.trim();
            if !description.is_empty() {
                let title = sel.name.clone().unwrap_or_else(|| "Selection".into());
                self.memo_targets.push((MemoSource::Text(title, description.to_owned()), kind, target));
            }
        }
        Ok(table)
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
            self.skips
                .fill
                .push(format!("a coding in \"{doc_name}\": it refers to a code that is not in the codebook"));
            return Ok(None);
        };
        let project_user;
        let user = match coding.creating_user.as_deref().or(fallback_user) {
            Some(user) => Some(user),
            None => {
                project_user = self.creating_user.clone();
                project_user.as_deref()
            }
        };
        let coder_id = self.coder(user)?;
        let guid = if self.coding_guids.insert(coding.guid.clone()) { coding.guid.clone() } else { store::new_guid() };
        let id = match self.next_coding {
            Some(id) => id,
            None => self.rec.next_id("coding")?,
        };
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
        let inserted = self.rec.insert_coding_if_new(row)?;
        self.next_coding = Some(if inserted { id + 1 } else { id });
        if !inserted {
            return Ok(None);
        }
        self.report.codings += 1;
        for note in &coding.note_refs {
            self.memo_targets.push((MemoSource::Note(note.clone()), "coding", Some(id)));
        }
        Ok(Some(id))
    }

    /// The coder for a user GUID (created on first use); unknown users fall back to the person
    /// running the import.
    fn coder(&mut self, user: Option<&str>) -> Result<i64> {
        let key = user.unwrap_or("");
        if let Some(&id) = self.coders.get(key) {
            return Ok(id);
        }
        let key = key.to_owned();
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
    fn insert_idle_coders(&mut self, refi: &RefiProject) -> Result<()> {
        let authors: HashSet<&str> = refi.notes.iter().filter_map(|n| n.creating_user.as_deref()).collect();
        for user in &refi.users {
            if is_tool_user(&user.name, &self.origin) {
                if !self.coders.contains_key(&user.guid) && !authors.contains(user.guid.as_str()) {
                    self.skips.fill.push(format!(
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
                self.skips.fill.push(format!("codebook snapshot {:?}: no name, or a name used twice", s.name));
                continue;
            }
            crate::coding::snapshot::restore(self.tx, s.name.trim(), &s.created_at, &s.codebook.to_string())?;
            self.report.snapshots += 1;
        }
        Ok(())
    }

    fn insert_memos(&mut self, refi: &RefiProject, texts: &HashMap<String, String>) -> Result<()> {
        let mut used = HashSet::new();
        let targets = std::mem::take(&mut self.memo_targets);
        for (memo, kind, target) in &targets {
            match memo {
                MemoSource::Note(key) => {
                    let Some(note) = refi.notes.iter().find(|n| &n.guid == key) else { continue };
                    let guid = if used.insert(note.guid.clone()) { note.guid.clone() } else { store::new_guid() };
                    let body = texts.get(&note.guid).cloned().unwrap_or_default();
                    self.insert_memo(&guid, kind, *target, &note.name, &body, note.creating_user.as_deref(), note)?;
                }
                MemoSource::Text(title, body) => {
                    let note = Note::default();
                    self.insert_memo(&store::new_guid(), kind, *target, title, body, None, &note)?;
                }
            }
        }
        for note in &refi.notes {
            if !used.contains(&note.guid) {
                let body = texts.get(&note.guid).cloned().unwrap_or_default();
                self.insert_memo(&note.guid, "project", None, &note.name, &body, note.creating_user.as_deref(), note)?;
            }
        }
        let description = refi.description.trim();
        if !description.is_empty() && !description.starts_with(SNAPSHOTS_HEADING) {
            let note = Note::default();
            self.insert_memo(&store::new_guid(), "project", None, "Project description", description, None, &note)?;
        }
        Ok(())
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
