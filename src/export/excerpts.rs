//! Coded excerpts with their full provenance: one [`Excerpt`] per coding with the code path and
//! theme, the document, its kind and every attribute, the speaker (the turn that contains the
//! coding's start) with role and attributes, the coder, offsets, the turn's timestamp, the
//! excerpt's start and end in the recording (from the document's time map, so a span in the
//! middle of a long turn gets its own times), the text, the coding's memos and the codebook
//! snapshot in force when it was coded. Reading them is
//! [`super::excerpt_rows`]; this module chooses a format and writes.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use serde::Serialize;

use super::excerpt_rows::ExcerptReader;
use super::html::Html;
use super::markdown::Markdown;
use super::matrix::{Cell, Table};
use super::out_file::{stream_atomically, write_atomically};
use super::report;
use crate::error::Result;
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
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExcerptFilter {
    /// Code paths; each includes its sub-codes.
    pub codes: Vec<String>,
    /// (attribute, value): document or speaker attributes, or `kind`, `document`, `speaker`.
    /// Values of one attribute are alternatives; different attributes must all match.
    pub wheres: Vec<(String, String)>,
    pub coder: Option<String>,
    /// The named codes only, without their sub-codes.
    pub without_subcodes: bool,
    /// Further coders: a coding by `coder` or any of these is kept (none named: every coder).
    pub coders: Vec<String>,
    /// Coded on or after this moment: a prefix of an ISO 8601 time (`2026-03-01`), compared as text.
    pub coded_from: Option<String>,
    /// Coded on or before this moment, the prefix included whole (`2026-03-31` keeps that day).
    pub coded_to: Option<String>,
    /// Identical spans of one code coded by several coders are one excerpt naming every coder
    /// (`ana, ben`), with every coding's guid (space-separated) and memo.
    pub merge_coders: bool,
    /// Only these codings (by guid): an export of exactly the segments a view shows.
    pub codings: Option<HashSet<String>>,
}

impl ExcerptFilter {
    /// Whether only codes and one coder restrict it (what SQL alone can count).
    pub(super) fn is_plain(&self) -> bool {
        self.wheres.is_empty()
            && !self.without_subcodes
            && self.coders.is_empty()
            && self.coded_from.is_none()
            && self.coded_to.is_none()
            && !self.merge_coders
            && self.codings.is_none()
    }
}

/// One coded excerpt with everything known about where it comes from. The streamed exports
/// borrow what the reader already holds (names, attributes, the document's text) instead of
/// copying it for every row; [`Excerpt::into_owned`] makes one that outlives the reader.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Excerpt<'a> {
    pub coding_guid: Cow<'a, str>,
    pub code_id: CodeId,
    pub code_path: Cow<'a, str>,
    pub theme: Cow<'a, str>,
    pub document: Cow<'a, str>,
    pub kind: DocumentKind,
    pub speaker: Option<Cow<'a, str>>,
    pub role: Option<Cow<'a, str>>,
    pub document_attributes: Cow<'a, BTreeMap<String, String>>,
    pub speaker_attributes: Cow<'a, BTreeMap<String, String>>,
    pub coder: Cow<'a, str>,
    pub start: usize,
    pub end: usize,
    pub timestamp: Option<String>,
    /// When the excerpt starts in the recording (`hh:mm:ss.mmm`), from the time map.
    pub start_time: Option<String>,
    /// When it ends in the recording.
    pub end_time: Option<String>,
    pub text: Cow<'a, str>,
    pub memo: Cow<'a, str>,
    pub coded_at: Cow<'a, str>,
    pub snapshot: Option<Cow<'a, str>>,
    /// The version of the document's text the offsets and quote are from (1 until it is edited;
    /// `fieldcode versions` lists them).
    pub text_version: i64,
}

impl Excerpt<'_> {
    /// The same excerpt owning all its parts.
    pub fn into_owned(self) -> Excerpt<'static> {
        let own = |c: Cow<'_, str>| Cow::Owned(c.into_owned());
        Excerpt {
            coding_guid: own(self.coding_guid),
            code_id: self.code_id,
            code_path: own(self.code_path),
            theme: own(self.theme),
            document: own(self.document),
            kind: self.kind,
            speaker: self.speaker.map(own),
            role: self.role.map(own),
            document_attributes: Cow::Owned(self.document_attributes.into_owned()),
            speaker_attributes: Cow::Owned(self.speaker_attributes.into_owned()),
            coder: own(self.coder),
            start: self.start,
            end: self.end,
            timestamp: self.timestamp,
            start_time: self.start_time,
            end_time: self.end_time,
            text: own(self.text),
            memo: own(self.memo),
            coded_at: own(self.coded_at),
            snapshot: self.snapshot.map(own),
            text_version: self.text_version,
        }
    }
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
    pub excerpts: Vec<Excerpt<'static>>,
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
        ExcerptFormat::Csv => stream_atomically(out, |w| super::excerpt_csv::write(&reader, w, bom, out)),
        ExcerptFormat::Html => stream_atomically(out, |w| report::write(&reader, &mut Html::default(), w, out)),
        ExcerptFormat::Md => stream_atomically(out, |w| report::write(&reader, &mut Markdown::default(), w, out)),
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
        excerpts.push(e.clone().into_owned());
        Ok(())
    })?;
    Ok(ExcerptSet { header: reader.header, excerpts })
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
            "text_version",
        ]
        .map(String::from),
    );
    cols
}

/// One excerpt as a row of [`columns`].
pub fn row(header: &ExcerptHeader, e: &Excerpt<'_>) -> Vec<Cell> {
    let text = |s: Option<&str>| Cell::from(s.unwrap_or_default());
    let mut row: Vec<Cell> = vec![
        text(Some(&e.code_path)),
        text(Some(&e.theme)),
        text(Some(&e.document)),
        text(Some(e.kind.as_str())),
        text(e.speaker.as_deref()),
        text(e.role.as_deref()),
    ];
    row.extend(header.document_attributes.iter().map(|a| text(e.document_attributes.get(a).map(String::as_str))));
    row.extend(header.speaker_attributes.iter().map(|a| text(e.speaker_attributes.get(a).map(String::as_str))));
    row.extend([
        text(Some(&e.coder)),
        e.start.into(),
        e.end.into(),
        text(e.timestamp.as_deref()),
        text(e.start_time.as_deref()),
        text(e.end_time.as_deref()),
        text(Some(&e.text)),
        text(Some(&e.memo)),
        text(e.snapshot.as_deref()),
        text(Some(&e.coded_at)),
        text(Some(&e.coding_guid)),
        Cell::Number(e.text_version as f64),
    ]);
    row
}

/// Excerpts as a table with [`columns`].
pub fn table(header: &ExcerptHeader, excerpts: &[Excerpt<'_>]) -> Table {
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
            let docs: HashSet<&str> = excerpts.iter().map(|e| e.document.as_ref()).collect();
            let coders: HashSet<&str> = excerpts.iter().map(|e| e.coder.as_ref()).collect();
            summary.rows.push(vec![
                code.path.as_str().into(),
                excerpts[0].theme.as_ref().into(),
                excerpts.len().into(),
                docs.len().into(),
                coders.len().into(),
            ]);
        }
    }
    let mut sheets = vec![("Summary".to_owned(), summary)];
    for (theme, codes) in groups {
        let excerpts: Vec<Excerpt<'_>> = codes.iter().flat_map(|(_, e)| e.iter().map(|x| (*x).clone())).collect();
        sheets.push((theme.to_owned(), table(&set.header, &excerpts)));
    }
    sheets
}

/// The excerpts of one code.
pub type CodeGroup<'a> = (&'a CodeNode, Vec<&'a Excerpt<'static>>);
/// The codes of one theme.
pub type ThemeGroup<'a> = (&'a str, Vec<CodeGroup<'a>>);

/// Excerpts grouped by theme, then code (codebook order), skipping codes without excerpts.
pub fn grouped(set: &ExcerptSet) -> Vec<ThemeGroup<'_>> {
    let mut by_code: HashMap<CodeId, Vec<&Excerpt<'static>>> = HashMap::new();
    for e in &set.excerpts {
        by_code.entry(e.code_id).or_default().push(e);
    }
    let mut groups: Vec<ThemeGroup<'_>> = Vec::new();
    for code in &set.header.codes {
        let Some(excerpts) = by_code.remove(&code.id) else { continue };
        let theme = excerpts[0].theme.as_ref();
        match groups.last_mut() {
            Some((t, list)) if *t == theme => list.push((code, excerpts)),
            _ => groups.push((theme, vec![(code, excerpts)])),
        }
    }
    groups
}

/// "LW3 (link worker) · FG02 · site: GP surgery · 00:12:31 · recording 00:12:35.200–00:12:41.000 ·
/// chars 120–180 · coded by ana"
pub fn attribution(e: &Excerpt<'_>) -> String {
    let mut out = String::new();
    attribution_into(&mut out, e);
    out
}

/// [`attribution`] appended to `out`, so that a streamed report reuses one buffer.
pub fn attribution_into(out: &mut String, e: &Excerpt<'_>) {
    use std::fmt::Write as _;
    // Writing to a String cannot fail.
    match (&e.speaker, &e.role) {
        (Some(s), Some(r)) => _ = write!(out, "{s} ({r}) · "),
        (Some(s), None) => _ = write!(out, "{s} · "),
        _ => {}
    }
    _ = write!(out, "{} ({})", e.document, e.kind);
    for (k, v) in e.document_attributes.iter() {
        _ = write!(out, " · {k}: {v}");
    }
    if let Some(t) = &e.timestamp {
        _ = write!(out, " · {t}");
    }
    if let (Some(start), Some(end)) = (&e.start_time, &e.end_time) {
        _ = write!(out, " · recording {start}–{end}");
    }
    _ = write!(out, " · chars {}–{} · coded by {}", e.start, e.end, e.coder);
    if e.text_version > 1 {
        _ = write!(out, " · text version {}", e.text_version);
    }
    if let Some(s) = &e.snapshot {
        _ = write!(out, " · codebook {s}");
    }
}

/// `hh:mm:ss.mmm` for a time in milliseconds: precise enough to play an excerpt from.
pub fn clock_ms(ms: i64) -> String {
    let mut clock = crate::import::subtitles::format_clock(ms);
    clock.push('.');
    crate::import::subtitles::push_digits(&mut clock, ms.rem_euclid(1000), 3);
    clock
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
