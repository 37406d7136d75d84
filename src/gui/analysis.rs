//! The analysis view's state: the project's [`Corpus`] (loaded once per project or after an edit,
//! on a worker thread when the project is a file), the options chosen in the view, and the
//! co-occurrence matrices, crosstab and frequencies computed from them (recomputed only when the
//! options change). Everything is computed by `fieldcode::analysis`; nothing here reads SQL.

use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};

use crate::Project;
use crate::analysis::{
    Bucket, Cooccurrence, Corpus, Crosstab, Filter, Frequency, FrequencyBy, Grouping, Options, Passage, Unit, cooccur,
    crosstab, drill, frequencies,
};
use crate::error::{Error, Result};
use crate::export::matrix::{Cell, Table};
use crate::model::{CodeId, CoderId, CodingId, DocumentId};
use crate::store::documents;

/// At most this many items (pairs or units) are listed for a clicked cell.
pub const MAX_DRILL: usize = 300;

/// What the view computes; changed by the controls of the view.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalysisOptions {
    pub unit: Unit,
    pub jaccard: bool,
    /// Only this coder's codings.
    pub coder: Option<CoderId>,
    /// Count each coder's codings separately (else identical spans by several coders once).
    pub per_coder: bool,
    /// Split the matrices by this attribute: `ATTR`, `document:ATTR` or `participant:ATTR`.
    pub grouping: Option<String>,
    /// Show this theme's codes; `None` shows the top-level themes (with their codes rolled up).
    pub theme: Option<CodeId>,
}

impl Default for AnalysisOptions {
    fn default() -> AnalysisOptions {
        AnalysisOptions {
            unit: Unit::Overlap,
            jaccard: false,
            coder: None,
            per_coder: false,
            grouping: None,
            theme: None,
        }
    }
}

/// The results for one set of options.
pub struct Computed {
    pub grouping: Grouping,
    pub selection: Vec<u32>,
    pub cooccurrence: Cooccurrence,
    /// Code indexes shown as rows and columns, in codebook order.
    pub shown: Vec<u32>,
    pub crosstab: Option<Crosstab>,
    pub frequencies: Vec<Frequency>,
}

/// A passage of a drilled item: a coding, its text and every coder who coded it so.
#[derive(Debug, Clone, PartialEq)]
pub struct DrillSide {
    pub coding: CodingId,
    pub code: String,
    /// The coders of the passage (several when identical codings were merged), by name.
    pub coders: Vec<String>,
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// One thing the clicked cell counts: a pair of passages (overlap, near), or a turn, paragraph
/// or document with the passages of both codes inside it.
#[derive(Debug, Clone, PartialEq)]
pub struct DrillRow {
    pub document: DocumentId,
    pub document_name: String,
    /// The turn or paragraph, for those units.
    pub unit: Option<(usize, usize)>,
    pub a: Vec<DrillSide>,
    pub b: Vec<DrillSide>,
}

/// The clicked cell: group label index (the number of labels for the pairs across groups) and
/// the two code indexes, with what it counts.
#[derive(Debug, Clone, PartialEq)]
pub struct Picked {
    pub group: u32,
    pub a: u32,
    pub b: u32,
    pub rows: Vec<DrillRow>,
    /// Items behind the cell in all, the cell's count (the list keeps the first [`MAX_DRILL`]).
    pub total: usize,
}

#[derive(Default)]
pub struct Analysis {
    pub options: AnalysisOptions,
    corpus: Option<Arc<Corpus>>,
    loading: Option<Receiver<Result<Corpus>>>,
    pub computed: Option<Computed>,
    computed_for: Option<AnalysisOptions>,
    pub picked: Option<Picked>,
    pub error: Option<String>,
}

impl Analysis {
    pub fn corpus(&self) -> Option<&Corpus> {
        self.corpus.as_deref()
    }

    pub fn is_loading(&self) -> bool {
        self.loading.is_some()
    }

    /// Forgets the corpus (the project changed); it is loaded again when the view is next shown.
    pub fn invalidate(&mut self) {
        self.corpus = None;
        self.loading = None;
        self.computed = None;
        self.computed_for = None;
        self.picked = None;
    }

    /// Starts loading the corpus if needed, picks up a finished load and recomputes when the
    /// options changed. `wake` asks for a repaint when a worker thread finishes.
    pub fn refresh(&mut self, project: &Project, wake: impl Fn() + Send + 'static) {
        if self.corpus.is_none() && self.loading.is_none() {
            self.start_loading(project, wake);
        }
        if let Some(answer) = self.loading.as_ref().and_then(|rx| rx.try_recv().ok()) {
            self.loading = None;
            match answer {
                Ok(corpus) => self.corpus = Some(Arc::new(corpus)),
                Err(err) => self.error = Some(err.to_string()),
            }
        }
        if self.corpus.is_some() && self.computed_for.as_ref() != Some(&self.options) {
            self.recompute();
        }
    }

    fn start_loading(&mut self, project: &Project, wake: impl Fn() + Send + 'static) {
        let path = project.path().to_path_buf();
        if !path.is_file() {
            self.corpus = match Corpus::load(project) {
                Ok(c) => Some(Arc::new(c)),
                Err(err) => {
                    self.error = Some(err.to_string());
                    None
                }
            };
            return;
        }
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let _ = tx.send(load_from_file(&path));
            wake();
        });
        self.loading = Some(rx);
    }

    fn recompute(&mut self) {
        let Some(corpus) = self.corpus.clone() else { return };
        self.computed_for = Some(self.options.clone());
        self.picked = None;
        match compute(&corpus, &self.options) {
            Ok(c) => {
                self.computed = Some(c);
                self.error = None;
            }
            Err(err) => {
                self.computed = None;
                self.error = Some(err.to_string());
            }
        }
    }

    /// Lists what cell `{a, b}` of group `group` counts (a label index; the number of labels
    /// for the pairs across groups).
    pub fn pick(&mut self, project: &Project, group: u32, a: u32, b: u32) -> Result<()> {
        let (Some(corpus), Some(computed)) = (self.corpus.as_deref(), self.computed.as_ref()) else { return Ok(()) };
        let options = cooccur_options(&self.options);
        let bucket = bucket_of(&computed.grouping, group);
        let items = drill(corpus, &computed.selection, &computed.grouping, bucket, options, a, b);
        let total = items.len();
        let items = &items[..total.min(MAX_DRILL)];
        let wanted: std::collections::HashSet<CodingId> = items
            .iter()
            .flat_map(|item| item.a.iter().chain(&item.b))
            .flat_map(|p| std::iter::once(p.coding).chain(p.merged.iter().copied()))
            .collect();
        let positions: std::collections::HashMap<CodingId, usize> = corpus
            .codings
            .id
            .iter()
            .enumerate()
            .filter(|(_, id)| wanted.contains(id))
            .map(|(i, &id)| (id, i))
            .collect();
        let mut texts: std::collections::HashMap<DocumentId, (String, crate::text::CharIndex)> = Default::default();
        let mut rows = Vec::new();
        for item in items {
            if let std::collections::hash_map::Entry::Vacant(slot) = texts.entry(item.document) {
                let text = documents::text(project.conn(), item.document)?;
                let index = crate::text::CharIndex::new(&text);
                slot.insert((text, index));
            }
            let (text, index) = &texts[&item.document];
            let sides = |passages: &[Passage]| -> Vec<DrillSide> {
                passages.iter().filter_map(|p| side_of(corpus, &positions, p, (text, index))).collect()
            };
            let document_name = corpus.documents.iter().find(|d| d.id == item.document).map(|d| d.name.clone());
            rows.push(DrillRow {
                document: item.document,
                document_name: document_name.unwrap_or_default(),
                unit: item.unit.map(|(s, e)| (s as usize, e as usize)),
                a: sides(&item.a),
                b: sides(&item.b),
            });
        }
        self.picked = Some(Picked { group, a, b, rows, total });
        Ok(())
    }

    /// The shown matrices as one table: a `group` column when grouped, then `code`, then one
    /// column per shown code.
    /// How the shown matrices were counted, as the CLI's CSV states it (`# unit: …; coders: …`).
    pub fn rules_line(&self) -> Option<String> {
        let (corpus, computed) = (self.corpus.as_deref()?, self.computed.as_ref()?);
        let coder = self.options.coder.and_then(|id| corpus.coders.iter().find(|c| c.0 == id)).map(|c| c.1.clone());
        let rules = crate::analysis::Rules::of(coder.as_slice(), &computed.grouping, cooccur_options(&self.options));
        Some(rules.line(if self.options.jaccard { "jaccard" } else { "count" }))
    }

    pub fn matrix_table(&self) -> Option<Table> {
        let (corpus, computed) = (self.corpus.as_deref()?, self.computed.as_ref()?);
        let grouped = computed.grouping.attribute.is_some();
        let mut header = Vec::new();
        if grouped {
            header.push(computed.grouping.attribute.clone().unwrap_or_default());
        }
        header.push("code".to_owned());
        header.extend(computed.shown.iter().map(|&c| corpus.codes[c as usize].path.clone()));
        let mut rows = Vec::new();
        let across = computed.cooccurrence.across.as_ref().filter(|_| !self.options.jaccard);
        for group in computed.cooccurrence.groups.iter().chain(across) {
            for &a in &computed.shown {
                let mut row: Vec<Cell> = Vec::new();
                if grouped {
                    row.push(group.label.clone().into());
                }
                row.push(corpus.codes[a as usize].path.clone().into());
                for &b in &computed.shown {
                    row.push(
                        cell_value(group, a, b, self.options.jaccard).map_or(Cell::Text(String::new()), Cell::Number),
                    );
                }
                rows.push(row);
            }
        }
        Some(Table { header, rows })
    }
}

/// A matrix cell's value under the chosen measure; `None` on the diagonal and for related codes.
pub fn cell_value(group: &crate::analysis::GroupMatrix, a: u32, b: u32, jaccard: bool) -> Option<f64> {
    if a == b {
        return None;
    }
    if jaccard {
        group.jaccard(a, b).map(|j| (j * 1000.0).round() / 1000.0)
    } else {
        Some(f64::from(group.count.get(a, b)))
    }
}

/// The matrix a picked group index stands for: a group, or the pairs across groups.
pub fn bucket_of(grouping: &Grouping, group: u32) -> Bucket {
    if grouping.is_grouped() && group as usize >= grouping.labels.len() { Bucket::Across } else { Bucket::Group(group) }
}

/// A passage's side of a drilled row; `positions` maps the coding ids involved to corpus indexes.
fn side_of(
    corpus: &Corpus,
    positions: &std::collections::HashMap<CodingId, usize>,
    passage: &Passage,
    (text, index): (&str, &crate::text::CharIndex),
) -> Option<DrillSide> {
    let c = &corpus.codings;
    let position = |id: CodingId| positions.get(&id).copied();
    let i = position(passage.coding)?;
    let coder = |k: usize| corpus.coders.get(c.coder[k] as usize).map(|x| x.1.clone()).unwrap_or_default();
    let mut coders: Vec<String> =
        std::iter::once(i).chain(passage.merged.iter().filter_map(|&id| position(id))).map(coder).collect();
    coders.sort_unstable();
    coders.dedup();
    let (start, end) = (c.start[i] as usize, c.end[i] as usize);
    Some(DrillSide {
        coding: passage.coding,
        code: corpus.codes.get(c.code[i] as usize).map(|k| k.path.clone()).unwrap_or_default(),
        coders,
        start,
        end,
        text: index.slice(text, start, end).to_owned(),
    })
}

/// Loads on the worker's own connection. It is opened for writing when the file allows, so the
/// loader can refresh the coding cache (a short write the UI's connection waits for at most
/// its busy timeout); a read-only file is analysed all the same.
fn load_from_file(path: &Path) -> Result<Corpus> {
    use rusqlite::OpenFlags;
    let open = |flags: OpenFlags| rusqlite::Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX);
    let conn = open(OpenFlags::SQLITE_OPEN_READ_WRITE)
        .or_else(|_| open(OpenFlags::SQLITE_OPEN_READ_ONLY))
        .map_err(|e| Error::invalid(format!("could not read {} for analysis: {e}", path.display())))?;
    conn.busy_timeout(std::time::Duration::from_millis(250))?;
    Corpus::load_conn(&conn)
}

pub fn cooccur_options(options: &AnalysisOptions) -> Options {
    Options { unit: options.unit, rollup: true, jaccard: options.jaccard, per_coder: options.per_coder }
}

/// Computes matrices, crosstab and frequencies for one set of options.
pub fn compute(corpus: &Corpus, options: &AnalysisOptions) -> Result<Computed> {
    let filter = Filter { coders: options.coder.map(|c| vec![c]), code: options.theme, ..Filter::default() };
    let selection = filter.select(corpus)?;
    let grouping = match &options.grouping {
        Some(name) => Grouping::by_attribute(corpus, name)?,
        None => Grouping::overall(),
    };
    let cooccurrence = cooccur(corpus, &selection, &grouping, cooccur_options(options));
    let theme = options.theme.and_then(|t| corpus.code_index(t));
    let shown = shown_codes(corpus, theme);
    let crosstab = grouping.attribute.is_some().then(|| crosstab(corpus, &selection, &grouping, true));
    let all = frequencies(corpus, &selection, FrequencyBy::Code, true);
    let frequencies = shown.iter().filter_map(|&c| all.get(c as usize).cloned()).collect();
    Ok(Computed { grouping, selection, cooccurrence, shown, crosstab, frequencies })
}

/// Top-level themes, or the direct children of `theme`.
fn shown_codes(corpus: &Corpus, theme: Option<u32>) -> Vec<u32> {
    let parent = theme.unwrap_or(crate::analysis::NONE);
    (0..corpus.codes.len() as u32).filter(|&c| corpus.codes[c as usize].parent == parent).collect()
}
