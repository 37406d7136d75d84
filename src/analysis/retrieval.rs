//! Retrieval: everything coded with a code, to read (NVivo's node view, MAXQDA's retrieved
//! segments). A [`RetrievalQuery`] is an [`ExcerptFilter`] (codes with or without sub-codes,
//! documents, kinds, attribute values, coders, coding dates) plus how several codes combine and
//! whether identical spans by several coders are one segment. The excerpts come from the same
//! reader the excerpt exports use, so "export what is shown" ([`RetrievalQuery::export_filter`])
//! writes the very rows the view lists.
//!
//! # Definitions
//!
//! * **Any (OR).** One segment per coded span of a selected code (or, with sub-codes, of a code
//!   below it): the codings of one code on an identical span of one document are one segment
//!   naming every coder, unless [`RetrievalQuery::per_coder`] asks for one segment per coding.
//! * **All (AND).** For each selected code, the text its codings cover (sub-codes included when
//!   asked; only codings passing the filters) is the union of their spans. A segment is a
//!   maximal span covered by every selected code, i.e. the intersection of those unions, cut
//!   into its contiguous pieces. Its coders, codings and memos are those of every coding that
//!   overlaps it; its speaker and time are those of the coding holding its start that starts
//!   last. With one code, All is Any.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::error::Result;
use crate::export::excerpt_rows::{ExcerptReader, Place};
use crate::export::excerpts::{Excerpt, ExcerptFilter};
use crate::model::{CodeId, DocumentId, DocumentKind, Span};
use crate::store::{Project, codes, documents};
use crate::text::CharIndex;

/// How several selected codes combine.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Combine {
    /// Segments of any of them.
    #[default]
    Any,
    /// Text every one of them covers.
    All,
}

/// The orders the segments can be listed in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SortBy {
    /// Codebook order, then document name, then position: the exports' order.
    #[default]
    Codebook,
    /// Document name, then position in it.
    Document,
    /// Position in its document (earliest first, across documents), then document name.
    Position,
    /// Longest first, then document name and position.
    Length,
}

impl SortBy {
    pub const ALL: [SortBy; 4] = [SortBy::Codebook, SortBy::Document, SortBy::Position, SortBy::Length];

    pub fn label(self) -> &'static str {
        match self {
            SortBy::Codebook => "codebook",
            SortBy::Document => "document",
            SortBy::Position => "position",
            SortBy::Length => "length",
        }
    }
}

/// What to retrieve.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RetrievalQuery {
    /// Codes (paths), sub-codes, documents, kinds and attributes (`wheres`), coders, dates.
    /// `merge_coders` and `codings` are set by [`retrieve`] and [`Self::export_filter`].
    pub filter: ExcerptFilter,
    pub combine: Combine,
    /// One segment per coding, instead of identical spans by several coders once.
    pub per_coder: bool,
}

/// One retrieved segment with what the view shows of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    /// The code (or, for All, the selected codes) it is coded with.
    pub codes: Vec<CodeId>,
    /// Their paths, joined by " & ".
    pub code: String,
    pub document_id: DocumentId,
    pub document: String,
    pub kind: DocumentKind,
    pub start: usize,
    pub end: usize,
    pub speaker: Option<String>,
    pub role: Option<String>,
    /// The turn's timestamp.
    pub timestamp: Option<String>,
    /// Where the segment starts in the recording.
    pub start_time: Option<String>,
    /// Every coder who coded it, in coding order.
    pub coders: Vec<String>,
    /// The guids of the codings behind it.
    pub codings: Vec<String>,
    /// The memos on those codings, joined.
    pub memo: String,
    /// The segment's whole text.
    pub text: String,
    /// The surrounding turn or paragraph, holding the segment.
    pub context: Span,
    /// When it was first coded.
    pub coded_at: String,
}

impl Segment {
    fn of(e: &Excerpt<'_>, place: &Place) -> Segment {
        Segment {
            codes: vec![e.code_id],
            code: e.code_path.to_string(),
            document_id: place.document,
            document: e.document.to_string(),
            kind: e.kind,
            start: e.start,
            end: e.end,
            speaker: e.speaker.as_deref().map(str::to_owned),
            role: e.role.as_deref().map(str::to_owned),
            timestamp: e.timestamp.clone(),
            start_time: e.start_time.clone(),
            coders: vec![e.coder.to_string()],
            codings: vec![e.coding_guid.to_string()],
            memo: e.memo.to_string(),
            text: e.text.to_string(),
            context: place.context,
            coded_at: e.coded_at.to_string(),
        }
    }

    pub fn has_memo(&self) -> bool {
        !self.memo.trim().is_empty()
    }

    /// Its length in characters.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }

    /// Takes in another coder's coding of the same span.
    fn absorb(&mut self, e: &Excerpt<'_>) {
        if !self.coders.iter().any(|c| c == e.coder.as_ref()) {
            self.coders.push(e.coder.to_string());
        }
        self.codings.push(e.coding_guid.to_string());
        join_memo(&mut self.memo, &e.memo);
        if *e.coded_at < *self.coded_at {
            self.coded_at = e.coded_at.to_string();
        }
    }
}

fn join_memo(memo: &mut String, more: &str) {
    if more.trim().is_empty() || memo.contains(more) {
        return;
    }
    if !memo.is_empty() {
        memo.push_str("\n\n");
    }
    memo.push_str(more);
}

impl RetrievalQuery {
    /// Whether several codes are asked for together (All with two or more codes).
    fn intersects(&self) -> bool {
        self.combine == Combine::All && self.filter.codes.len() > 1
    }

    /// The filter that exports exactly `shown`: the query's filter restricted to their codings,
    /// with identical spans merged unless the view lists each coder's apart. For All, each row is
    /// a whole coding behind a shown segment (the exports' rows are codings, not intersections).
    pub fn export_filter(&self, shown: &[Segment]) -> ExcerptFilter {
        let mut filter = self.filter.clone();
        filter.merge_coders = !self.per_coder;
        filter.codings = Some(shown.iter().flat_map(|s| s.codings.iter().cloned()).collect());
        filter
    }
}

/// The segments of a query, in codebook order (then document name, then position).
pub fn retrieve(project: &Project, query: &RetrievalQuery) -> Result<Vec<Segment>> {
    let _snapshot = project.conn().unchecked_transaction()?;
    let mut filter = query.filter.clone();
    filter.merge_coders = false;
    filter.codings = None;
    let reader = ExcerptReader::new(project, &filter)?;
    let merge = !query.per_coder;
    let mut segments: Vec<Segment> = Vec::new();
    reader.for_each_placed(|e, place| {
        if merge
            && let Some(last) = segments.last_mut()
            && last.codes[0] == e.code_id
            && last.document_id == place.document
            && (last.start, last.end) == (e.start, e.end)
        {
            last.absorb(e);
        } else {
            segments.push(Segment::of(e, place));
        }
        Ok(())
    })?;
    if !query.intersects() {
        return Ok(segments);
    }
    intersect(project, &reader.header.codes, query, segments)
}

/// The All segments made of the Any segments `parts` (see the module's definitions).
fn intersect(
    project: &Project,
    list: &[crate::model::CodeNode],
    query: &RetrievalQuery,
    parts: Vec<Segment>,
) -> Result<Vec<Segment>> {
    let conn = project.conn();
    let mut selected: Vec<CodeId> = Vec::new();
    for path in &query.filter.codes {
        selected.push(codes::id_by_path(conn, path)?);
    }
    let mut counts_for: HashMap<CodeId, Vec<usize>> = HashMap::new();
    for (i, &code) in selected.iter().enumerate() {
        let ids = if query.filter.without_subcodes { vec![code] } else { codes::subtree(list, code) };
        for id in ids {
            counts_for.entry(id).or_default().push(i);
        }
    }
    let label = query.filter.codes.join(" & ");
    let mut by_document: BTreeMap<(String, DocumentId), Vec<Segment>> = BTreeMap::new();
    for part in parts {
        by_document.entry((part.document.clone(), part.document_id)).or_default().push(part);
    }
    let mut out = Vec::new();
    for ((_, document), parts) in by_document {
        let mut covered: Vec<Vec<(usize, usize)>> = vec![Vec::new(); selected.len()];
        for part in &parts {
            for &i in counts_for.get(&part.codes[0]).map(Vec::as_slice).unwrap_or_default() {
                covered[i].push((part.start, part.end));
            }
        }
        let mut common = union(std::mem::take(&mut covered[0]));
        for spans in covered.into_iter().skip(1) {
            common = meet(&common, &union(spans));
        }
        if common.is_empty() {
            continue;
        }
        let text = documents::text(conn, document)?;
        let index = CharIndex::new(&text);
        for (start, end) in common {
            let behind: Vec<&Segment> = parts.iter().filter(|p| p.start < end && start < p.end).collect();
            let holding = behind.iter().filter(|p| p.start <= start).max_by_key(|p| p.start).or(behind.first());
            let Some(base) = holding else { continue };
            let mut segment = Segment {
                codes: selected.clone(),
                code: label.clone(),
                start,
                end,
                text: index.slice(&text, start, end).to_owned(),
                context: Span { start: base.context.start.min(start), end: base.context.end.max(end) },
                coders: Vec::new(),
                codings: Vec::new(),
                memo: String::new(),
                ..(*base).clone()
            };
            let mut seen = HashSet::new();
            for part in &behind {
                for coder in &part.coders {
                    if !segment.coders.contains(coder) {
                        segment.coders.push(coder.clone());
                    }
                }
                segment.codings.extend(part.codings.iter().filter(|g| seen.insert(*g)).cloned());
                join_memo(&mut segment.memo, &part.memo);
                if part.coded_at < segment.coded_at {
                    segment.coded_at = part.coded_at.clone();
                }
            }
            out.push(segment);
        }
    }
    Ok(out)
}

/// Spans merged where they overlap or touch, in order.
fn union(mut spans: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    spans.sort_unstable();
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
    for (start, end) in spans {
        match out.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => out.push((start, end)),
        }
    }
    out
}

/// The non-empty intersections of two ordered lists of disjoint spans.
fn meet(a: &[(usize, usize)], b: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < a.len() && j < b.len() {
        let (start, end) = (a[i].0.max(b[j].0), a[i].1.min(b[j].1));
        if start < end {
            out.push((start, end));
        }
        if a[i].1 < b[j].1 {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// The order to list `segments` in, as indexes into them (they come in codebook order).
pub fn sort_order(segments: &[Segment], by: SortBy) -> Vec<usize> {
    let mut order: Vec<usize> = (0..segments.len()).collect();
    let s = |i: &usize| &segments[*i];
    match by {
        SortBy::Codebook => {}
        SortBy::Document => order.sort_by(|a, b| {
            let (a, b) = (s(a), s(b));
            (&a.document, a.start, a.end).cmp(&(&b.document, b.start, b.end))
        }),
        SortBy::Position => order.sort_by(|a, b| {
            let (a, b) = (s(a), s(b));
            (a.start, &a.document, a.end).cmp(&(b.start, &b.document, b.end))
        }),
        SortBy::Length => order.sort_by(|a, b| {
            let (a, b) = (s(a), s(b));
            (std::cmp::Reverse(a.len()), &a.document, a.start).cmp(&(std::cmp::Reverse(b.len()), &b.document, b.start))
        }),
    }
    order
}

#[cfg(test)]
#[path = "retrieval_tests.rs"]
mod tests;
