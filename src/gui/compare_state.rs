//! The compare-coders view's state: which coders, code scope, unit and document are chosen, and
//! what the library computed for them — the agreement report (`team::agreement`), every
//! disagreement in scope (`team::disagreements`, by the chosen unit) and the chosen document with each coder's
//! codings. Results are recomputed when a choice changes or the project was written to (a
//! resolution, an undo), never every frame, and on a thread with its own read-only connection:
//! on a large project the whole computation takes long enough to freeze the window. Nothing
//! here reads SQL.

use std::collections::BTreeMap;
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use rusqlite::Connection;

use super::document_view::{DocumentView, stripe_columns};
use super::workbench::Workbench;
use crate::Project;
use crate::error::Result;
use crate::model::{CodeId, CodingRow, DocumentId, ParticipantSummary, Span};
use crate::store::coders;
use crate::team::agreement::BootstrapSettings;
use crate::team::methods_text::methods_paragraph;
use crate::team::{
    AgreementReport, AgreementRequest, Disagreement, DisagreementRequest, Unit, agreement, disagreements,
};

/// The chosen document, with the compared coders' codings of the codes in scope.
pub struct CompareDocument {
    pub view: DocumentView,
    /// For each of `view.codings`: the index of its coder among the compared coders and its
    /// stripe lane in that coder's column, so a coder's overlapping codings sit side by side.
    pub lanes: Vec<(usize, u16)>,
    /// How many lanes each compared coder's column needs.
    pub lane_counts: Vec<usize>,
}

/// What the results were computed for; a change of any part recomputes them.
#[derive(Debug, Clone, PartialEq)]
struct Inputs {
    coders: Vec<String>,
    code: Option<String>,
    unit: Unit,
    changes: u64,
}

pub struct CompareState {
    /// Every coder of the project with whether it is compared.
    pub coders: Vec<(String, bool)>,
    /// The code scope: a code path (the code and its sub-codes), or `None` for the codebook.
    pub code: Option<String>,
    pub unit: Unit,
    /// The document shown.
    pub document: Option<DocumentId>,
    /// A code picked in the agreement table: the lists show only its disagreements.
    pub focus: Option<CodeId>,
    /// The disagreement picked in the list (shown selected in the text).
    pub selected: Option<Disagreement>,
    /// Scroll the text to this offset on the next frame.
    pub scroll_to: Option<usize>,
    pub report: Option<AgreementReport>,
    /// Every disagreement in scope, across documents.
    pub all: Vec<Disagreement>,
    pub doc: Option<CompareDocument>,
    /// Why there are no results (fewer than two coders, a failed read).
    pub error: Option<String>,
    /// The report and disagreements being computed off the UI thread.
    computing: Option<Receiver<std::result::Result<Outcome, String>>>,
    /// A methods paragraph being written off the UI thread (it bootstraps alpha first).
    pub methods: Option<Receiver<String>>,
    computed_for: Option<Inputs>,
    doc_for: Option<(DocumentId, Inputs)>,
}

/// What a computation of the view's results gives.
enum Outcome {
    TooFewCoders,
    Computed(Box<AgreementReport>, Vec<Disagreement>),
}

/// The agreement report and every disagreement in scope for `inputs`.
fn compute(conn: &Connection, inputs: &Inputs) -> Result<Outcome> {
    if inputs.coders.len() < 2 {
        return Ok(Outcome::TooFewCoders);
    }
    let request = AgreementRequest {
        coders: inputs.coders.clone(),
        code: inputs.code.clone(),
        unit: inputs.unit,
        bootstrap: None,
    };
    let report = agreement(conn, &request)?;
    let request = DisagreementRequest {
        coders: inputs.coders.clone(),
        code: inputs.code.clone(),
        document: None,
        // The list follows the chosen unit, so it lines up with the agreement table.
        unit: inputs.unit,
    };
    Ok(Outcome::Computed(Box::new(report), disagreements(conn, &request)?))
}

/// The bootstrap behind the paragraph's alpha interval: cheap enough to wait for after a click,
/// fixed so the same project gives the same paragraph.
pub const METHODS_BOOTSTRAP: BootstrapSettings = BootstrapSettings { replicates: 200, seed: 1 };

impl CompareState {
    /// A new view over the project's coders: `preset` names the coders to compare (every coder
    /// when empty).
    pub fn new(project: &Project, preset: &[String]) -> Result<CompareState> {
        let all = coders::list(project.conn())?;
        let wanted = |name: &str| preset.is_empty() || preset.iter().any(|p| p.trim() == name);
        Ok(CompareState {
            coders: all.into_iter().map(|(_, name)| (name.clone(), wanted(&name))).collect(),
            code: None,
            unit: Unit::Char,
            document: None,
            focus: None,
            selected: None,
            scroll_to: None,
            report: None,
            all: Vec::new(),
            doc: None,
            error: None,
            methods: None,
            computing: None,
            computed_for: None,
            doc_for: None,
        })
    }

    /// The names of the compared coders, in list order.
    pub fn chosen(&self) -> Vec<String> {
        self.coders.iter().filter(|(_, on)| *on).map(|(name, _)| name.clone()).collect()
    }

    fn inputs(&self, project: &Project) -> Inputs {
        Inputs {
            coders: self.chosen(),
            code: self.code.clone(),
            unit: self.unit,
            changes: project.conn().total_changes(),
        }
    }

    /// Recomputes what is out of date: the report and disagreements when a choice changed or the
    /// project was written to, the document when it or those changed.
    pub fn refresh(&mut self, wb: &Workbench) {
        let project = &wb.project;
        self.poll_computed();
        let inputs = self.inputs(project);
        if self.computed_for.as_ref() != Some(&inputs) {
            self.computed_for = Some(inputs.clone());
            self.start_compute(project, inputs.clone());
        }
        let Some(document) = self.document else {
            self.doc = None;
            return;
        };
        if self.doc_for.as_ref() != Some(&(document, inputs.clone())) {
            self.doc_for = Some((document, inputs.clone()));
            let name = wb.document_name(document);
            match self.load_document(project, document, &name, &wb.participants, &inputs) {
                Ok(doc) => self.doc = Some(doc),
                Err(err) => {
                    self.doc = None;
                    self.error = Some(err.to_string());
                }
            }
        }
    }

    /// True while the report and disagreements are being recomputed off the UI thread (the
    /// ones shown are those of the previous choice or project state).
    pub fn is_computing(&self) -> bool {
        self.computing.is_some()
    }

    /// Computes the report and disagreements on a thread with its own read-only connection (the
    /// whole computation takes a second or more on a 200k-coding project); a project with no
    /// file (in memory), or fewer than two coders, is computed at once. A newer start drops the
    /// older one's receiver, so a stale result is never shown.
    fn start_compute(&mut self, project: &Project, inputs: Inputs) {
        self.computing = None;
        let path = project.path().to_path_buf();
        if inputs.coders.len() < 2 || !path.is_file() {
            let outcome = compute(project.conn(), &inputs).map_err(|e| e.to_string());
            self.apply(outcome);
            return;
        }
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let outcome = Project::open_to_read(&path).and_then(|p| compute(p.conn(), &inputs));
            let _ = tx.send(outcome.map_err(|e| e.to_string()));
        });
        self.computing = Some(rx);
    }

    fn poll_computed(&mut self) {
        let Some(rx) = &self.computing else { return };
        let outcome = match rx.try_recv() {
            Ok(outcome) => outcome,
            Err(TryRecvError::Empty) => return,
            Err(TryRecvError::Disconnected) => Err("the agreement computation stopped unexpectedly".to_owned()),
        };
        self.computing = None;
        self.apply(outcome);
    }

    /// Shows a computed outcome and keeps the selection, focus and document where they still apply.
    fn apply(&mut self, outcome: std::result::Result<Outcome, String>) {
        self.error = None;
        match outcome {
            Ok(Outcome::Computed(report, all)) => {
                self.report = Some(*report);
                self.all = all;
            }
            Ok(Outcome::TooFewCoders) => self.clear("Tick at least two coders to compare.".into()),
            Err(err) => self.clear(err),
        }
        if self.selected.as_ref().is_some_and(|s| !self.all.contains(s)) {
            self.selected = None;
        }
        if self.focus.is_some_and(|f| self.report.as_ref().is_none_or(|r| !r.codes.iter().any(|c| c.code_id == f))) {
            self.focus = None;
        }
        self.pick_document();
    }

    fn clear(&mut self, error: String) {
        self.report = None;
        self.all.clear();
        self.error = Some(error);
    }

    /// Starts writing the methods paragraph of the shown report: on a thread that reads the
    /// project file on its own connection and bootstraps alpha ([`METHODS_BOOTSTRAP`]); an
    /// in-memory project, or a failed read, gets the paragraph without the interval. `wake` is
    /// called when it is ready; [`CompareState::poll_methods`] hands it over.
    pub fn start_methods(&mut self, project: &Project, wake: impl Fn() + Send + 'static) {
        let (Some(report), Some(inputs)) = (&self.report, &self.computed_for) else { return };
        let scope = inputs.code.clone();
        let fallback = methods_paragraph(report, scope.as_deref());
        let (tx, rx) = channel();
        self.methods = Some(rx);
        let path = project.path().to_path_buf();
        if !path.is_file() {
            let _ = tx.send(fallback);
            wake();
            return;
        }
        let request = AgreementRequest {
            coders: inputs.coders.clone(),
            code: scope.clone(),
            unit: inputs.unit,
            bootstrap: Some(METHODS_BOOTSTRAP),
        };
        std::thread::spawn(move || {
            let report = Project::open_to_read(&path).and_then(|p| agreement(p.conn(), &request));
            let text = report.map_or(fallback, |r| methods_paragraph(&r, scope.as_deref()));
            let _ = tx.send(text);
            wake();
        });
    }

    /// The methods paragraph once it is written; `None` while it is not (or none was asked for).
    pub fn poll_methods(&mut self) -> Option<String> {
        let rx = self.methods.as_ref()?;
        let text = match rx.try_recv() {
            Ok(text) => Some(text),
            Err(TryRecvError::Empty) => return None,
            Err(TryRecvError::Disconnected) => None,
        };
        self.methods = None;
        text
    }

    /// Keeps the shown document if it still has something to show, else picks the first one
    /// with disagreements (of the focused code, when one is picked).
    fn pick_document(&mut self) {
        let has = |doc: DocumentId| self.shown().any(|d| d.document_id == doc);
        if self.document.is_some_and(has) {
            return;
        }
        let first = self.shown().next().map(|d| d.document_id);
        if first.is_some() {
            self.document = first;
        }
    }

    /// Picks a code in the agreement table (or none) and moves to a document where it differs.
    pub fn set_focus(&mut self, focus: Option<CodeId>) {
        self.focus = focus;
        self.selected = None;
        let doc = self.document;
        if doc.is_none_or(|doc| !self.shown().any(|d| d.document_id == doc)) {
            let first = self.shown().next().map(|d| d.document_id);
            self.document = first.or(doc);
        }
    }

    /// Shows a document (its disagreements are listed, none selected).
    pub fn set_document(&mut self, document: DocumentId) {
        if self.document != Some(document) {
            self.document = Some(document);
            self.selected = None;
            self.scroll_to = Some(0);
        }
    }

    /// Selects a disagreement: its document is shown and scrolled to it.
    pub fn select(&mut self, disagreement: &Disagreement) {
        self.document = Some(disagreement.document_id);
        self.selected = Some(disagreement.clone());
        self.scroll_to = Some(disagreement.start);
    }

    /// Disagreements of the focused code (or all), across documents.
    pub fn shown(&self) -> impl Iterator<Item = &Disagreement> {
        self.all.iter().filter(move |d| self.focus.is_none_or(|f| d.code_id == f))
    }

    /// Disagreements shown for the current document.
    pub fn in_document(&self) -> Vec<&Disagreement> {
        self.shown().filter(|d| Some(d.document_id) == self.document).collect()
    }

    /// Documents with shown disagreements and how many each has, by document name.
    pub fn documents_with_disagreements(&self) -> Vec<(DocumentId, String, usize)> {
        let mut by_doc: BTreeMap<(String, DocumentId), usize> = BTreeMap::new();
        for d in self.shown() {
            *by_doc.entry((d.document.clone(), d.document_id)).or_default() += 1;
        }
        by_doc.into_iter().map(|((name, id), n)| (id, name, n)).collect()
    }

    /// The selected disagreement's span, if it lies in the shown document.
    pub fn selected_span(&self) -> Option<Span> {
        let s = self.selected.as_ref().filter(|s| Some(s.document_id) == self.document)?;
        Some(Span { start: s.start, end: s.end })
    }

    fn load_document(
        &self,
        project: &Project,
        document: DocumentId,
        name: &str,
        people: &[ParticipantSummary],
        inputs: &Inputs,
    ) -> Result<CompareDocument> {
        let conn = project.conn();
        let mut view = DocumentView::load(conn, document, name, people)?;
        let scope: Vec<CodeId> =
            crate::team::scope::codes_in_scope(conn, inputs.code.as_deref())?.iter().map(|c| c.id).collect();
        let keep: Vec<CodingRow> = std::mem::take(&mut view.codings)
            .into_iter()
            .filter(|c| scope.contains(&c.code_id) && inputs.coders.contains(&c.coder))
            .collect();
        view.set_codings(keep);
        let mut lanes = vec![(0, 0); view.codings.len()];
        let mut lane_counts = Vec::with_capacity(inputs.coders.len());
        for (n, coder) in inputs.coders.iter().enumerate() {
            let mine: Vec<usize> = (0..view.codings.len()).filter(|&i| &view.codings[i].coder == coder).collect();
            let rows: Vec<CodingRow> = mine.iter().map(|&i| view.codings[i].clone()).collect();
            let columns = stripe_columns(&rows);
            lane_counts.push(columns.iter().map(|&c| c as usize + 1).max().unwrap_or(0));
            for (i, lane) in mine.into_iter().zip(columns) {
                lanes[i] = (n, lane);
            }
        }
        Ok(CompareDocument { view, lanes, lane_counts })
    }
}
