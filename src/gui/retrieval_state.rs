//! The coded-segments view's state: the codes and filters chosen in its bar, the segments they
//! retrieve (run again only when the query changes or the project does), the order they are
//! listed in, the current segment, the expanded ones with their context, and the row heights for
//! virtual scrolling. The query itself is `fieldcode::analysis::retrieval`; nothing here reads SQL
//! but through it and the store.

use std::collections::{BTreeSet, HashMap};

use crate::Project;
use crate::analysis::retrieval::{Combine, RetrievalQuery, Segment, SortBy, retrieve, sort_order};
use crate::error::Result;
use crate::export::excerpts::ExcerptFilter;
use crate::model::{CodeId, CodeNode, DocumentKind};
use crate::store::{coders, documents};
use crate::text::CharIndex;

/// What the view's bar asks for, in the view's own terms (code ids, not paths).
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    /// The selected codes; none: the view asks for one.
    pub codes: Vec<CodeId>,
    pub combine: Combine,
    pub subcodes: bool,
    pub document: Option<String>,
    pub kind: Option<DocumentKind>,
    /// (attribute, value): a document's or the speaker's.
    pub attribute: Option<(String, String)>,
    /// Coders whose codings are hidden.
    pub hidden_coders: BTreeSet<String>,
    /// Coded on or after / on or before, as typed (`YYYY-MM-DD`).
    pub from: String,
    pub to: String,
    pub per_coder: bool,
}

impl Default for Choice {
    fn default() -> Choice {
        Choice {
            codes: Vec::new(),
            combine: Combine::Any,
            subcodes: true,
            document: None,
            kind: None,
            attribute: None,
            hidden_coders: BTreeSet::new(),
            from: String::new(),
            to: String::new(),
            per_coder: false,
        }
    }
}

/// Row heights for virtual scrolling: estimated until drawn, with prefix sums.
#[derive(Debug, Default)]
pub struct RowHeights {
    heights: Vec<f32>,
    tops: Vec<f32>,
    width: f32,
    dirty: bool,
}

impl RowHeights {
    /// Estimates every row's height for a width (again when the width changes).
    pub fn prepare(&mut self, width: f32, estimate: impl Iterator<Item = f32>) {
        if (width - self.width).abs() < 0.5 && !self.heights.is_empty() && !self.dirty {
            return;
        }
        if (width - self.width).abs() >= 0.5 || self.heights.is_empty() {
            self.heights = estimate.collect();
            self.width = width;
        }
        self.settle();
    }

    /// Forgets the heights (the rows changed).
    pub fn reset(&mut self) {
        self.heights.clear();
        self.tops.clear();
        self.width = -1.0;
    }

    pub fn measure(&mut self, i: usize, height: f32) {
        if let Some(h) = self.heights.get_mut(i)
            && (*h - height).abs() > 0.5
        {
            *h = height;
            self.dirty = true;
        }
    }

    /// Recomputes the tops if a height changed; true if something moved.
    pub fn settle(&mut self) -> bool {
        if !self.dirty && self.tops.len() == self.heights.len() + 1 {
            return false;
        }
        self.tops.clear();
        let mut y = 0.0;
        for h in &self.heights {
            self.tops.push(y);
            y += h;
        }
        self.tops.push(y);
        self.dirty = false;
        true
    }

    pub fn top(&self, i: usize) -> f32 {
        self.tops.get(i).copied().unwrap_or(0.0)
    }

    pub fn total(&self) -> f32 {
        self.tops.last().copied().unwrap_or(0.0)
    }

    pub fn len(&self) -> usize {
        self.heights.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heights.is_empty()
    }

    /// The row at content height `y`.
    pub fn index_at(&self, y: f32) -> usize {
        let n = self.heights.len();
        self.tops.get(..n).unwrap_or_default().partition_point(|&t| t <= y).saturating_sub(1)
    }
}

/// The coded-segments view.
#[derive(Debug, Default)]
pub struct RetrievalState {
    pub choice: Choice,
    pub sort: SortBy,
    /// The segments of the last query, in codebook order.
    pub segments: Vec<Segment>,
    /// The order they are listed in: indexes into `segments`.
    pub order: Vec<usize>,
    /// The current row (a place in `order`): Up/Down move it, Enter opens it.
    pub current: Option<usize>,
    /// Scroll the current row into view on the next frame.
    pub reveal: bool,
    /// Expanded segments (indexes into `segments`) with their context's text once read.
    pub expanded: HashMap<usize, Option<String>>,
    pub heights: RowHeights,
    /// The list's visible content range (top, bottom) on the last frame.
    pub viewport: (f32, f32),
    /// Every coder of the project (for the per-coder toggles).
    pub coders: Vec<String>,
    pub error: Option<String>,
    /// What `segments` answer, and in which order they are listed.
    ran: Option<(RetrievalQuery, SortBy)>,
}

impl RetrievalState {
    /// Shows one code (as a code's "Show coded segments" does), keeping the other filters.
    pub fn show_code(&mut self, code: CodeId) {
        self.choice.codes = vec![code];
    }

    /// The project changed: the query runs again when next shown.
    pub fn invalidate(&mut self) {
        self.ran = None;
        self.coders.clear();
        self.segments.clear();
        self.order.clear();
        self.expanded.clear();
        self.listed_again();
    }

    /// The library query the choice stands for (`None` until a code is chosen, or with every
    /// coder hidden); a date that is not `YYYY-MM-DD` is left out (the view says so).
    pub fn query(&self, codes: &[CodeNode]) -> Option<RetrievalQuery> {
        let paths: Vec<String> = self
            .choice
            .codes
            .iter()
            .filter_map(|id| codes.iter().find(|c| c.id == *id))
            .map(|c| c.path.clone())
            .collect();
        if paths.is_empty() || self.all_coders_hidden() {
            return None;
        }
        let c = &self.choice;
        let mut wheres = Vec::new();
        if let Some(doc) = &c.document {
            wheres.push(("document".to_owned(), doc.clone()));
        }
        if let Some(kind) = c.kind {
            wheres.push(("kind".to_owned(), kind.as_str().to_owned()));
        }
        if let Some((name, value)) = &c.attribute {
            wheres.push((name.clone(), value.clone()));
        }
        let shown: Vec<String> = self.coders.iter().filter(|n| !c.hidden_coders.contains(*n)).cloned().collect();
        let filter = ExcerptFilter {
            codes: paths,
            wheres,
            without_subcodes: !c.subcodes,
            coders: if c.hidden_coders.is_empty() { Vec::new() } else { shown },
            coded_from: valid_date(&c.from),
            coded_to: valid_date(&c.to),
            ..Default::default()
        };
        Some(RetrievalQuery { filter, combine: c.combine, per_coder: c.per_coder })
    }

    /// Runs the query again if the choice or the project changed, re-sorts if the order did, and
    /// reads the context of newly expanded segments.
    pub fn refresh(&mut self, project: &Project, codes: &[CodeNode]) {
        if self.coders.is_empty() {
            match coders::list(project.conn()) {
                Ok(list) => self.coders = list.into_iter().map(|(_, name)| name).collect(),
                Err(err) => self.error = Some(err.to_string()),
            }
        }
        let query = self.query(codes);
        let fresh = match (&query, &self.ran) {
            (Some(q), Some((ran, sort))) if q == ran => {
                if *sort != self.sort {
                    self.order = sort_order(&self.segments, self.sort);
                    self.ran = Some((q.clone(), self.sort));
                    self.listed_again();
                }
                false
            }
            (None, None) => false,
            _ => true,
        };
        if fresh {
            self.run(project, query);
        }
        if let Err(err) = self.read_contexts(project) {
            self.error = Some(err.to_string());
        }
    }

    fn run(&mut self, project: &Project, query: Option<RetrievalQuery>) {
        self.error = None;
        self.segments.clear();
        self.order.clear();
        self.expanded.clear();
        if let Some(q) = &query {
            match retrieve(project, q) {
                Ok(segments) => {
                    self.order = sort_order(&segments, self.sort);
                    self.segments = segments;
                }
                Err(err) => self.error = Some(err.to_string()),
            }
        }
        self.ran = query.map(|q| (q, self.sort));
        self.listed_again();
    }

    fn listed_again(&mut self) {
        self.current = None;
        self.heights.reset();
    }

    fn read_contexts(&mut self, project: &Project) -> Result<()> {
        let wanted: Vec<usize> = self.expanded.iter().filter(|(_, t)| t.is_none()).map(|(i, _)| *i).collect();
        for i in wanted {
            let Some(s) = self.segments.get(i) else { continue };
            let text = documents::text(project.conn(), s.document_id)?;
            let context = CharIndex::new(&text).slice(&text, s.context.start, s.context.end).to_owned();
            self.expanded.insert(i, Some(context));
            self.heights.reset();
        }
        Ok(())
    }

    /// Whether the per-coder toggles hide everyone.
    pub fn all_coders_hidden(&self) -> bool {
        !self.coders.is_empty() && self.coders.iter().all(|n| self.choice.hidden_coders.contains(n))
    }

    /// Shows or hides a segment's context.
    pub fn toggle_context(&mut self, segment: usize) {
        if self.expanded.remove(&segment).is_none() {
            self.expanded.insert(segment, None);
        }
        self.heights.reset();
    }

    /// The listed segments, in order.
    pub fn shown(&self) -> impl Iterator<Item = &Segment> {
        self.order.iter().filter_map(|&i| self.segments.get(i))
    }

    /// The filter that exports exactly the listed segments (`None` before a query ran).
    pub fn export_filter(&self) -> Option<ExcerptFilter> {
        let (query, _) = self.ran.as_ref()?;
        Some(query.export_filter(&self.segments))
    }

    /// How many documents the segments come from.
    pub fn document_count(&self) -> usize {
        self.segments.iter().map(|s| s.document_id).collect::<std::collections::HashSet<_>>().len()
    }

    /// Moves the current row by `step` (clamped to the list).
    pub fn step(&mut self, step: isize) {
        if self.order.is_empty() {
            return;
        }
        let last = self.order.len() - 1;
        self.current = Some(match self.current {
            None if step > 0 => 0,
            None => last,
            Some(at) => at.saturating_add_signed(step).min(last),
        });
        self.reveal = true;
    }

    /// The current row's segment.
    pub fn current_segment(&self) -> Option<&Segment> {
        self.segments.get(*self.order.get(self.current?)?)
    }
}

/// A typed date if it is one (`YYYY-MM-DD`).
pub fn valid_date(text: &str) -> Option<String> {
    let text = text.trim();
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok().map(|_| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(id: CodeId, path: &str) -> CodeNode {
        CodeNode {
            id,
            guid: String::new(),
            parent_id: None,
            name: path.into(),
            path: path.into(),
            depth: 0,
            color: String::new(),
            description: String::new(),
            inclusion: String::new(),
            exclusion: String::new(),
            example: String::new(),
            status: crate::model::ReviewStatus::Proposed,
            position: 0,
            codings: 0,
        }
    }

    #[test]
    fn the_choice_becomes_a_query_with_shown_coders_and_only_real_dates() {
        let codes = [code(1, "A"), code(2, "B")];
        let mut state = RetrievalState { coders: vec!["ana".into(), "ben".into()], ..Default::default() };
        assert_eq!(state.query(&codes), None, "no code chosen");
        state.choice.codes = vec![2, 1];
        state.choice.attribute = Some(("site".into(), "North".into()));
        state.choice.from = "2026-02-30".into();
        state.choice.to = "2026-03-01".into();
        let q = state.query(&codes).unwrap();
        assert_eq!(q.filter.codes, ["B", "A"]);
        assert_eq!(q.filter.wheres, [("site".to_owned(), "North".to_owned())]);
        assert!(q.filter.coders.is_empty(), "every coder");
        assert_eq!((q.filter.coded_from, q.filter.coded_to), (None, Some("2026-03-01".to_owned())));
        state.choice.hidden_coders.insert("ana".into());
        assert_eq!(state.query(&codes).unwrap().filter.coders, ["ben"]);
        state.choice.hidden_coders.insert("ben".into());
        assert!(state.all_coders_hidden() && state.query(&codes).is_none());
    }

    #[test]
    fn up_and_down_stay_in_the_list_and_rows_are_found_by_height() {
        let mut state = RetrievalState { order: vec![0, 1, 2], ..Default::default() };
        state.step(-1);
        assert_eq!(state.current, Some(2), "up from nothing: the last");
        state.step(1);
        assert_eq!(state.current, Some(2));
        state.step(-5);
        assert_eq!(state.current, Some(0));
        let mut heights = RowHeights::default();
        heights.prepare(100.0, [10.0, 20.0, 30.0].into_iter());
        assert_eq!((heights.top(2), heights.total()), (30.0, 60.0));
        assert_eq!((heights.index_at(0.0), heights.index_at(29.0), heights.index_at(31.0)), (0, 1, 2));
        heights.measure(0, 15.0);
        assert!(heights.settle());
        assert_eq!(heights.top(1), 15.0);
    }
}
