//! Gathering coded excerpts with their full provenance: one [`Excerpt`] per coding with the
//! code path and theme, the document, its kind and every attribute, the speaker (the turn that
//! contains the coding's start) with role and attributes, the coder, offsets, the turn's
//! timestamp, the excerpt's start and end in the recording (from the document's time map, so a
//! span in the middle of a long turn gets its own times), the text, the coding's memos and the
//! codebook snapshot in force when it was coded.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;

use serde::Serialize;

use super::matrix::{Cell, Table};
use super::memos;
use crate::error::{Error, Result};
use crate::model::{CodeId, CodeNode, DocumentKind, Turn};
use crate::store::time_map::{self, TimePoint};
use crate::store::{Project, attributes, coders, codes, codings, documents, participants};

/// Output formats of `fieldcode excerpts`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExcerptFormat {
    Csv,
    Xlsx,
    Html,
    Md,
    Docx,
}

/// Which excerpts to export; empty means all.
#[derive(Debug, Clone, Default)]
pub struct ExcerptFilter {
    /// Code paths; each includes its sub-codes.
    pub codes: Vec<String>,
    /// (attribute, value): document or speaker attributes, or `kind`, `document`, `speaker`.
    /// Values of one attribute are alternatives; different attributes must all match.
    pub wheres: Vec<(String, String)>,
    pub coder: Option<String>,
}

/// One coded excerpt with everything known about where it comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Excerpt {
    pub coding_guid: String,
    pub code_id: CodeId,
    pub code_path: String,
    pub theme: String,
    pub document: String,
    pub kind: DocumentKind,
    pub speaker: Option<String>,
    pub role: Option<String>,
    pub document_attributes: BTreeMap<String, String>,
    pub speaker_attributes: BTreeMap<String, String>,
    pub coder: String,
    pub start: usize,
    pub end: usize,
    pub timestamp: Option<String>,
    /// When the excerpt starts in the recording (`hh:mm:ss.mmm`), from the time map.
    pub start_time: Option<String>,
    /// When it ends in the recording.
    pub end_time: Option<String>,
    pub text: String,
    pub memo: String,
    pub coded_at: String,
    pub snapshot: Option<String>,
}

/// The excerpts of one export with the codebook they refer to.
#[derive(Debug, Clone)]
pub struct ExcerptSet {
    pub project: String,
    pub excerpts: Vec<Excerpt>,
    /// The codebook in tree order (for definitions and grouping).
    pub codes: Vec<CodeNode>,
    pub document_attributes: Vec<String>,
    pub speaker_attributes: Vec<String>,
}

/// Gathers, filters and exports excerpts; returns how many were written.
pub fn export(
    project: &Project,
    filter: &ExcerptFilter,
    format: ExcerptFormat,
    out: &Path,
    bom: bool,
) -> Result<usize> {
    let set = gather(project, filter)?;
    match format {
        ExcerptFormat::Csv => super::csv::write_table(&table(&set, &set.excerpts), out, bom)?,
        ExcerptFormat::Xlsx => super::xlsx::write_workbook(&sheets(&set), out)?,
        ExcerptFormat::Html => write(out, super::html::excerpts(&set))?,
        ExcerptFormat::Md => write(out, super::markdown::excerpts(&set))?,
        ExcerptFormat::Docx => super::docx::excerpts(&set, out)?,
    }
    Ok(set.excerpts.len())
}

fn write(path: &Path, text: String) -> Result<()> {
    std::fs::write(path, text).map_err(|e| Error::io(path, e))
}

/// Every excerpt matching the filter, in codebook order, then document, then position.
pub fn gather(project: &Project, filter: &ExcerptFilter) -> Result<ExcerptSet> {
    let conn = project.conn();
    let code_list = codes::list(conn)?;
    let mut coding_filter = codings::CodingFilter::default();
    if !filter.codes.is_empty() {
        let mut ids = BTreeSet::new();
        for path in &filter.codes {
            ids.extend(codes::subtree(&code_list, codes::id_by_path(conn, path)?));
        }
        coding_filter.codes = Some(ids.into_iter().collect());
    }
    if let Some(name) = &filter.coder {
        let Some(id) = coders::find(conn, name)? else {
            return Err(Error::NotFound {
                what: "coder",
                name: name.clone(),
                hint: format!("; coders in this project: {}", coder_names(conn)?),
            });
        };
        coding_filter.coder = Some(id);
    }
    let wheres = check_wheres(conn, &filter.wheres)?;
    let docs: HashMap<i64, _> = documents::list(conn)?.into_iter().map(|d| (d.id, d)).collect();
    let people: HashMap<i64, _> = participants::list(conn)?.into_iter().map(|p| (p.id, p)).collect();
    let code_by_id: HashMap<CodeId, &CodeNode> = code_list.iter().map(|c| (c.id, c)).collect();
    let snapshots = memos::snapshots(conn)?;
    let mut memo_text: HashMap<i64, Vec<String>> = HashMap::new();
    for m in memos::all(conn)?.into_iter().filter(|m| m.target_kind == "coding") {
        let text = if m.title.is_empty() { m.body } else { format!("{}: {}", m.title, m.body) };
        memo_text.entry(m.target_id.unwrap_or(0)).or_default().push(text);
    }
    let mut cache: HashMap<i64, (String, crate::text::CharIndex, Vec<Turn>, Vec<TimePoint>)> = HashMap::new();
    let mut excerpts = Vec::new();
    for row in codings::list(conn, &coding_filter)? {
        let (Some(doc), Some(code)) = (docs.get(&row.document_id), code_by_id.get(&row.code_id)) else { continue };
        if let std::collections::hash_map::Entry::Vacant(slot) = cache.entry(doc.id) {
            let text = documents::text(conn, doc.id)?;
            let index = crate::text::CharIndex::new(&text);
            slot.insert((text, index, documents::turns(conn, doc.id)?, time_map::load(conn, doc.id)?));
        }
        let (text, index, turns, times) = &cache[&doc.id];
        let turn = turn_at(turns, row.start, row.end);
        let person = turn.and_then(|t| t.participant_id).and_then(|p| people.get(&p));
        let speaker_attributes = person.map(|p| p.attributes.clone()).unwrap_or_default();
        let excerpt = Excerpt {
            coding_guid: row.guid.clone(),
            code_id: code.id,
            code_path: code.path.clone(),
            theme: code.path.split('/').next().unwrap_or("").to_owned(),
            document: doc.name.clone(),
            kind: doc.kind,
            speaker: person.map(|p| p.label.clone()),
            role: speaker_attributes.get("role").cloned(),
            document_attributes: doc.attributes.clone(),
            speaker_attributes,
            coder: row.coder.clone(),
            start: row.start,
            end: row.end,
            timestamp: turn.and_then(|t| t.time_ms).map(crate::import::subtitles::format_clock),
            start_time: time_map::start_time(times, row.start).map(clock_ms),
            end_time: time_map::end_time(times, row.end).map(clock_ms),
            text: index.slice(text, row.start, row.end).to_owned(),
            memo: memo_text.get(&row.id).map(|m| m.join("\n\n")).unwrap_or_default(),
            coded_at: row.created_at.clone(),
            snapshot: memos::snapshot_at(&snapshots, &row.created_at).map(str::to_owned),
        };
        if matches_wheres(&excerpt, &wheres) {
            excerpts.push(excerpt);
        }
    }
    let order: HashMap<CodeId, usize> = code_list.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
    excerpts.sort_by(|a, b| {
        order[&a.code_id].cmp(&order[&b.code_id]).then_with(|| a.document.cmp(&b.document)).then(a.start.cmp(&b.start))
    });
    let names = attributes::names(conn)?;
    let of_scope = |scope| names.iter().filter(|(_, s)| *s == scope).map(|(n, _)| n.clone()).collect::<Vec<_>>();
    Ok(ExcerptSet {
        project: project.info("name")?.unwrap_or_default(),
        excerpts,
        codes: code_list,
        document_attributes: of_scope(crate::model::AttributeScope::Document),
        speaker_attributes: of_scope(crate::model::AttributeScope::Participant)
            .into_iter()
            .filter(|n| n != "role")
            .collect(),
    })
}

fn coder_names(conn: &rusqlite::Connection) -> Result<String> {
    Ok(coders::list(conn)?.into_iter().map(|(_, n)| n).collect::<Vec<_>>().join(", "))
}

/// `hh:mm:ss.mmm` for a time in milliseconds: precise enough to play an excerpt from.
pub fn clock_ms(ms: i64) -> String {
    format!("{}.{:03}", crate::import::subtitles::format_clock(ms), ms.rem_euclid(1000))
}

/// The turn containing `start`, else the first turn that begins inside the coding.
fn turn_at(turns: &[Turn], start: usize, end: usize) -> Option<&Turn> {
    turns
        .iter()
        .find(|t| t.start <= start && start < t.end.max(t.start + 1))
        .or_else(|| turns.iter().find(|t| t.start >= start && t.start < end))
}

const SPECIAL: [&str; 3] = ["kind", "document", "speaker"];

/// Groups `--where` values by attribute, refusing attributes the project does not have.
fn check_wheres(conn: &rusqlite::Connection, wheres: &[(String, String)]) -> Result<BTreeMap<String, HashSet<String>>> {
    let known: HashSet<String> = attributes::names(conn)?.into_iter().map(|(n, _)| n).collect();
    let mut grouped: BTreeMap<String, HashSet<String>> = BTreeMap::new();
    for (key, value) in wheres {
        if !known.contains(key) && !SPECIAL.contains(&key.as_str()) {
            let mut all: Vec<&String> = known.iter().collect();
            all.sort();
            return Err(Error::NotFound {
                what: "attribute",
                name: key.clone(),
                hint: format!(
                    "; use kind, document, speaker or one of: {}",
                    all.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
                ),
            });
        }
        grouped.entry(key.clone()).or_default().insert(value.clone());
    }
    Ok(grouped)
}

fn matches_wheres(e: &Excerpt, wheres: &BTreeMap<String, HashSet<String>>) -> bool {
    wheres.iter().all(|(key, values)| {
        let candidates: Vec<Option<&str>> = match key.as_str() {
            "kind" => vec![Some(e.kind.as_str())],
            "document" => vec![Some(e.document.as_str())],
            "speaker" => vec![e.speaker.as_deref()],
            _ => vec![
                e.document_attributes.get(key).map(String::as_str),
                e.speaker_attributes.get(key).map(String::as_str),
            ],
        };
        candidates.into_iter().flatten().any(|v| values.contains(v))
    })
}

/// The column names of the tabular exports.
pub fn columns(set: &ExcerptSet) -> Vec<String> {
    let mut cols: Vec<String> = ["code", "theme", "document", "kind", "speaker", "role"].map(String::from).to_vec();
    cols.extend(set.document_attributes.iter().cloned());
    cols.extend(set.speaker_attributes.iter().map(|a| format!("speaker {a}")));
    cols.extend(
        [
            "coder",
            "start",
            "end",
            "timestamp",
            "start_time",
            "end_time",
            "text",
            "memo",
            "snapshot",
            "coded_at",
            "coding_guid",
        ]
        .map(String::from),
    );
    cols
}

/// Excerpts as a table with [`columns`].
pub fn table(set: &ExcerptSet, excerpts: &[Excerpt]) -> Table {
    let rows = excerpts
        .iter()
        .map(|e| {
            let mut row: Vec<Cell> = vec![
                e.code_path.as_str().into(),
                e.theme.as_str().into(),
                e.document.as_str().into(),
                e.kind.as_str().into(),
                e.speaker.clone().unwrap_or_default().into(),
                e.role.clone().unwrap_or_default().into(),
            ];
            row.extend(
                set.document_attributes
                    .iter()
                    .map(|a| Cell::from(e.document_attributes.get(a).cloned().unwrap_or_default())),
            );
            row.extend(
                set.speaker_attributes
                    .iter()
                    .map(|a| Cell::from(e.speaker_attributes.get(a).cloned().unwrap_or_default())),
            );
            row.extend([
                e.coder.as_str().into(),
                e.start.into(),
                e.end.into(),
                e.timestamp.clone().unwrap_or_default().into(),
                e.start_time.clone().unwrap_or_default().into(),
                e.end_time.clone().unwrap_or_default().into(),
                e.text.as_str().into(),
                e.memo.as_str().into(),
                e.snapshot.clone().unwrap_or_default().into(),
                e.coded_at.as_str().into(),
                e.coding_guid.as_str().into(),
            ]);
            row
        })
        .collect();
    Table { header: columns(set), rows }
}

/// A summary sheet (per code: excerpts, documents, coders) and one sheet per theme.
fn sheets(set: &ExcerptSet) -> Vec<(String, Table)> {
    let mut summary = Table {
        header: ["code", "theme", "excerpts", "documents", "coders"].map(String::from).to_vec(),
        rows: Vec::new(),
    };
    let groups = grouped(set);
    for (_, codes) in &groups {
        for (code, excerpts) in codes {
            let docs: HashSet<&str> = excerpts.iter().map(|e| e.document.as_str()).collect();
            let coders: HashSet<&str> = excerpts.iter().map(|e| e.coder.as_str()).collect();
            summary.rows.push(vec![
                code.path.as_str().into(),
                excerpts[0].theme.as_str().into(),
                excerpts.len().into(),
                docs.len().into(),
                coders.len().into(),
            ]);
        }
    }
    let mut sheets = vec![("Summary".to_owned(), summary)];
    for (theme, codes) in groups {
        let excerpts: Vec<Excerpt> = codes.iter().flat_map(|(_, e)| e.iter().map(|x| (*x).clone())).collect();
        sheets.push((theme.to_owned(), table(set, &excerpts)));
    }
    sheets
}

/// The excerpts of one code.
pub type CodeGroup<'a> = (&'a CodeNode, Vec<&'a Excerpt>);
/// The codes of one theme.
pub type ThemeGroup<'a> = (&'a str, Vec<CodeGroup<'a>>);

/// Excerpts grouped by theme, then code (codebook order), skipping codes without excerpts.
pub fn grouped(set: &ExcerptSet) -> Vec<ThemeGroup<'_>> {
    let mut by_code: HashMap<CodeId, Vec<&Excerpt>> = HashMap::new();
    for e in &set.excerpts {
        by_code.entry(e.code_id).or_default().push(e);
    }
    let mut groups: Vec<ThemeGroup<'_>> = Vec::new();
    for code in &set.codes {
        let Some(excerpts) = by_code.remove(&code.id) else { continue };
        let theme = excerpts[0].theme.as_str();
        match groups.last_mut() {
            Some((t, list)) if *t == theme => list.push((code, excerpts)),
            _ => groups.push((theme, vec![(code, excerpts)])),
        }
    }
    groups
}

/// "LW3 (link worker) · FG02 · site: GP surgery · 00:12:31 · recording 00:12:35.200–00:12:41.000 ·
/// chars 120–180 · coded by ana"
pub fn attribution(e: &Excerpt) -> String {
    let mut parts = Vec::new();
    match (&e.speaker, &e.role) {
        (Some(s), Some(r)) => parts.push(format!("{s} ({r})")),
        (Some(s), None) => parts.push(s.clone()),
        _ => {}
    }
    parts.push(format!("{} ({})", e.document, e.kind));
    parts.extend(e.document_attributes.iter().map(|(k, v)| format!("{k}: {v}")));
    if let Some(t) = &e.timestamp {
        parts.push(t.clone());
    }
    if let (Some(start), Some(end)) = (&e.start_time, &e.end_time) {
        parts.push(format!("recording {start}–{end}"));
    }
    parts.push(format!("chars {}–{}", e.start, e.end));
    parts.push(format!("coded by {}", e.coder));
    if let Some(s) = &e.snapshot {
        parts.push(format!("codebook {s}"));
    }
    parts.join(" · ")
}

/// The definition lines of a code: (label, text) for each non-empty part.
pub fn definition(code: &CodeNode) -> Vec<(&'static str, &str)> {
    [
        ("Definition", code.description.as_str()),
        ("Include when", code.inclusion.as_str()),
        ("Exclude when", code.exclusion.as_str()),
        ("Example", code.example.as_str()),
    ]
    .into_iter()
    .filter(|(_, t)| !t.trim().is_empty())
    .collect()
}
