//! Coded excerpts with their full provenance: one [`Excerpt`] per coding with the code path and
//! theme, the document, its kind and every attribute, the speaker (the turn that contains the
//! coding's start) with role and attributes, the coder, offsets, the turn's timestamp, the
//! excerpt's start and end in the recording (from the document's time map, so a span in the
//! middle of a long turn gets its own times), the text, the coding's memos and the codebook
//! snapshot in force when it was coded. Reading them is
//! [`super::excerpt_rows`]; this module chooses a format and writes.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;
use std::path::Path;

use serde::Serialize;

use super::excerpt_rows::ExcerptReader;
use super::html::Html;
use super::markdown::Markdown;
use super::matrix::{Cell, Table};
use super::out_file::{stream_atomically, write_atomically};
use super::report;
use crate::error::{Error, Result};
use crate::model::{CodeId, CodeNode, DocumentKind};
use crate::store::Project;

/// Output formats of an excerpt export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExcerptFormat {
    Csv,
    Xlsx,
    Html,
    Md,
    Docx,
}

impl ExcerptFormat {
    pub const ALL: [ExcerptFormat; 5] =
        [ExcerptFormat::Csv, ExcerptFormat::Xlsx, ExcerptFormat::Html, ExcerptFormat::Md, ExcerptFormat::Docx];

    /// The format's name, which is also its file extension.
    pub fn name(self) -> &'static str {
        match self {
            ExcerptFormat::Csv => "csv",
            ExcerptFormat::Xlsx => "xlsx",
            ExcerptFormat::Html => "html",
            ExcerptFormat::Md => "md",
            ExcerptFormat::Docx => "docx",
        }
    }

    /// Whether rows are written as they are read (memory does not grow with the export).
    pub fn streams(self) -> bool {
        matches!(self, ExcerptFormat::Csv | ExcerptFormat::Html | ExcerptFormat::Md)
    }
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

/// What every excerpt report states besides the excerpts: the project, the codebook they refer
/// to (in tree order, for definitions and grouping) and the attribute columns.
#[derive(Debug, Clone)]
pub struct ExcerptHeader {
    pub project: String,
    pub codes: Vec<CodeNode>,
    pub document_attributes: Vec<String>,
    pub speaker_attributes: Vec<String>,
}

/// The excerpts of one export, gathered in memory (for the formats that cannot stream).
#[derive(Debug, Clone)]
pub struct ExcerptSet {
    pub header: ExcerptHeader,
    pub excerpts: Vec<Excerpt>,
}

/// Reads, filters and writes excerpts; returns how many were written. CSV, HTML and Markdown
/// are written row by row as they are read; every format goes to a temporary file that
/// replaces `out` only when complete.
pub fn export(
    project: &Project,
    filter: &ExcerptFilter,
    format: ExcerptFormat,
    out: &Path,
    bom: bool,
) -> Result<usize> {
    // One read transaction: the counts of a report and its excerpts come from one state.
    let _snapshot = project.conn().unchecked_transaction()?;
    let reader = ExcerptReader::new(project, filter)?;
    match format {
        ExcerptFormat::Csv => stream_atomically(out, |w| write_csv(&reader, w, bom, out)),
        ExcerptFormat::Html => stream_atomically(out, |w| report::write(&reader, &mut Html, w, out)),
        ExcerptFormat::Md => stream_atomically(out, |w| report::write(&reader, &mut Markdown, w, out)),
        ExcerptFormat::Xlsx => {
            let set = collect(reader)?;
            write_atomically(out, |path| super::xlsx::write_workbook(&sheets(&set), path))?;
            Ok(set.excerpts.len())
        }
        ExcerptFormat::Docx => {
            let set = collect(reader)?;
            write_atomically(out, |path| super::docx::excerpts(&set, path))?;
            Ok(set.excerpts.len())
        }
    }
}

/// Every excerpt matching the filter, in codebook order, then document, then position.
pub fn gather(project: &Project, filter: &ExcerptFilter) -> Result<ExcerptSet> {
    let _snapshot = project.conn().unchecked_transaction()?;
    collect(ExcerptReader::new(project, filter)?)
}

fn collect(reader: ExcerptReader<'_>) -> Result<ExcerptSet> {
    let mut excerpts = Vec::new();
    reader.for_each(|e| {
        excerpts.push(e.clone());
        Ok(())
    })?;
    Ok(ExcerptSet { header: reader.header, excerpts })
}

/// The CSV export, one row written per excerpt read.
fn write_csv(reader: &ExcerptReader<'_>, w: &mut dyn Write, bom: bool, out: &Path) -> Result<usize> {
    if bom {
        w.write_all(&[0xEF, 0xBB, 0xBF]).map_err(|e| Error::io(out, e))?;
    }
    let mut writer = csv::Writer::from_writer(w);
    let fail = |e: csv::Error| match e.into_kind() {
        csv::ErrorKind::Io(e) => Error::io(out, e),
        other => Error::invalid(format!("cannot write CSV: {other:?}")),
    };
    writer.write_record(columns(&reader.header)).map_err(fail)?;
    let n = reader.for_each(|e| writer.write_record(row(&reader.header, e).iter().map(Cell::to_text)).map_err(fail))?;
    writer.flush().map_err(|e| Error::io(out, e))?;
    Ok(n)
}

/// The column names of the tabular exports.
pub fn columns(header: &ExcerptHeader) -> Vec<String> {
    let mut cols: Vec<String> = ["code", "theme", "document", "kind", "speaker", "role"].map(String::from).to_vec();
    cols.extend(header.document_attributes.iter().cloned());
    cols.extend(header.speaker_attributes.iter().map(|a| format!("speaker {a}")));
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

/// One excerpt as a row of [`columns`].
pub fn row(header: &ExcerptHeader, e: &Excerpt) -> Vec<Cell> {
    let mut row: Vec<Cell> = vec![
        e.code_path.as_str().into(),
        e.theme.as_str().into(),
        e.document.as_str().into(),
        e.kind.as_str().into(),
        e.speaker.clone().unwrap_or_default().into(),
        e.role.clone().unwrap_or_default().into(),
    ];
    let attribute = |map: &BTreeMap<String, String>, a: &String| Cell::from(map.get(a).cloned().unwrap_or_default());
    row.extend(header.document_attributes.iter().map(|a| attribute(&e.document_attributes, a)));
    row.extend(header.speaker_attributes.iter().map(|a| attribute(&e.speaker_attributes, a)));
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
}

/// Excerpts as a table with [`columns`].
pub fn table(header: &ExcerptHeader, excerpts: &[Excerpt]) -> Table {
    Table { header: columns(header), rows: excerpts.iter().map(|e| row(header, e)).collect() }
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
        sheets.push((theme.to_owned(), table(&set.header, &excerpts)));
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
    for code in &set.header.codes {
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

/// `hh:mm:ss.mmm` for a time in milliseconds: precise enough to play an excerpt from.
pub fn clock_ms(ms: i64) -> String {
    format!("{}.{:03}", crate::import::subtitles::format_clock(ms), ms.rem_euclid(1000))
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
