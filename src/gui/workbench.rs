//! The runtime state of an open project: the project file, what the panels list (documents,
//! participants, codebook), the open document, the selection and the transient panels. Nothing
//! here is persisted in eframe storage; the project file is the only store of project data.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use egui::Color32;

use super::analysis::Analysis;
use super::document_view::DocumentView;
use super::highlight::{parse_color, shade};
use super::quick_slots::QuickSlots;
use super::stripes::StripeCoders;
use crate::Project;
use crate::error::Result;
use crate::model::{CodeId, CodeNode, CodingId, CodingRow, DocumentId, DocumentSummary, ParticipantSummary, Span};
use crate::store::{codes, codings, documents, participants};

/// At most this many excerpts are listed for a code.
const MAX_EXCERPTS: usize = 500;

/// Filters of the document list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocFilter {
    pub text: String,
    /// (attribute name, value) the documents must have.
    pub attribute: Option<(String, String)>,
}

/// One coded excerpt of a code, for the excerpt list.
#[derive(Debug, Clone, PartialEq)]
pub struct Excerpt {
    pub coding: CodingId,
    pub document: DocumentId,
    pub document_name: String,
    pub start: usize,
    pub end: usize,
    pub coder: String,
    pub text: String,
}

/// The codings under the last click in the text.
#[derive(Debug, Clone, PartialEq)]
pub struct Inspection {
    pub offset: usize,
    pub codings: Vec<CodingRow>,
    /// Memo bodies on those codings, by coding.
    pub memos: HashMap<CodingId, Vec<String>>,
}

/// What the centre of the window shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Centre {
    #[default]
    Document,
    Analysis,
    /// The classification sheet: participants or documents × attributes.
    Sheet,
    /// Everything coded with a code: the coded-segments view.
    Retrieval,
}

pub struct Workbench {
    pub project: Project,
    /// Edit mode: clicks open paragraphs for correction instead of selecting text.
    pub edit_mode: bool,
    /// The paragraph being corrected, with the typing not yet committed.
    pub editing: Option<super::text_editing::ParagraphEdit>,
    pub centre: Centre,
    pub analysis: Analysis,
    pub documents: Vec<DocumentSummary>,
    pub participants: Vec<ParticipantSummary>,
    pub codes: Vec<CodeNode>,
    pub filter: DocFilter,
    pub view: Option<DocumentView>,
    pub selection: Option<Span>,
    /// Codes on keys 1–9: each keeps its slot.
    pub quick: QuickSlots,
    pub excerpts: Option<(CodeId, Vec<Excerpt>)>,
    pub inspection: Option<Inspection>,
    /// The "find a code" box of the quick-code bar.
    pub finder: String,
    pub finder_focus: bool,
    /// The "new code" box of the codebook.
    pub new_code: String,
    /// Themes whose sub-codes the codebook hides.
    pub collapsed: std::collections::HashSet<CodeId>,
    /// A code to scroll into view in the codebook on the next frame (a new code).
    pub reveal: Option<CodeId>,
    /// A theme's excerpt list includes its sub-codes' excerpts.
    pub excerpts_with_subcodes: bool,
    /// Whose codings the stripes beside the document show.
    pub stripe_coders: StripeCoders,
    /// The memo of each coding that has one (for the stripes' hover).
    pub coding_memos: HashMap<CodingId, Vec<String>>,
    colors: HashMap<CodeId, Color32>,
    /// The classification sheet's tab, order, filters and edit.
    pub sheet: super::sheet_state::SheetState,
    /// Counts the re-reads of documents and participants, so views built from them know when
    /// to rebuild.
    pub generation: u64,
    /// The coded-segments view.
    pub retrieval: super::retrieval_state::RetrievalState,
    /// The player bar of the open document's recording, when it has one.
    pub player: Option<super::player_state::PlayerPanel>,
    /// The document the player bar was last opened (or found to have no recording) for.
    pub player_checked: Option<DocumentId>,
    /// The documents with a recording linked (their quotes get a play button).
    pub media_documents: std::collections::HashSet<DocumentId>,
    /// Links may have changed (any change to the project): read them again on the next frame.
    pub media_stale: bool,
}

impl Workbench {
    pub fn new(project: Project) -> Result<Workbench> {
        let mut wb = Workbench {
            project,
            edit_mode: false,
            editing: None,
            centre: Centre::Document,
            analysis: Analysis::default(),
            documents: Vec::new(),
            participants: Vec::new(),
            codes: Vec::new(),
            filter: DocFilter::default(),
            view: None,
            selection: None,
            quick: QuickSlots::default(),
            excerpts: None,
            inspection: None,
            finder: String::new(),
            finder_focus: false,
            new_code: String::new(),
            collapsed: std::collections::HashSet::new(),
            reveal: None,
            excerpts_with_subcodes: true,
            stripe_coders: StripeCoders::default(),
            coding_memos: HashMap::new(),
            colors: HashMap::new(),
            sheet: Default::default(),
            generation: 0,
            retrieval: Default::default(),
            player: None,
            player_checked: None,
            media_documents: Default::default(),
            media_stale: true,
        };
        wb.reload()?;
        wb.fill_quick_slots();
        Ok(wb)
    }

    /// Re-reads documents, participants and the codebook (after an import or an edit).
    pub fn reload(&mut self) -> Result<()> {
        let conn = self.project.conn();
        self.documents = documents::list(conn)?;
        self.participants = participants::list(conn)?;
        self.generation += 1;
        self.reload_codes()
    }

    /// After a text edit: like [`Workbench::reload`] without re-reading the participants (an edit
    /// moves turns, it does not add or remove any).
    pub fn reload_after_text_edit(&mut self) -> Result<()> {
        self.documents = documents::list(self.project.conn())?;
        self.generation += 1;
        self.reload_codes()
    }

    /// Re-reads the codebook, the open document's codings and the excerpt list after an edit.
    pub fn reload_codes(&mut self) -> Result<()> {
        self.reload_codebook()?;
        self.reload_coding_memos()?;
        // A document re-read for its new text comes with its codings: they are not read twice.
        let reread = self.refresh_open_text()?;
        if let Some(view) = &mut self.view
            && !reread
        {
            view.set_codings(codings::for_document(self.project.conn(), view.id)?);
        }
        self.reload_panels()
    }

    /// After codings of one code changed in the open document only (applying a code): re-reads
    /// just that code's codings there instead of the whole document's.
    pub fn reload_after_coding(&mut self, code: CodeId) -> Result<()> {
        self.reload_codebook()?;
        if let Some(view) = &mut self.view {
            let filter = codings::CodingFilter { document: Some(view.id), codes: Some(vec![code]), coder: None };
            let fresh = codings::list(self.project.conn(), &filter)?;
            let mut all = std::mem::take(&mut view.codings);
            all.retain(|c| c.code_id != code);
            all.extend(fresh);
            all.sort_by_key(|c| (c.start, c.end, c.id));
            view.set_codings(all);
        }
        self.reload_panels()
    }

    pub(super) fn reload_codebook(&mut self) -> Result<()> {
        self.analysis.invalidate();
        let conn = self.project.conn();
        self.codes = codes::list(conn)?;
        self.colors = display_colors(&self.codes);
        self.quick.retain(|id| self.colors.contains_key(&id));
        Ok(())
    }

    pub(super) fn reload_panels(&mut self) -> Result<()> {
        self.retrieval.invalidate();
        if let Some((code, _)) = &self.excerpts {
            let code = *code;
            self.excerpts =
                if self.colors.contains_key(&code) { Some((code, self.load_excerpts(code)?)) } else { None };
        }
        if let Some(inspection) = &self.inspection {
            let offset = inspection.offset;
            self.inspect(offset);
        }
        Ok(())
    }

    pub fn code_color(&self, id: CodeId) -> Color32 {
        self.colors.get(&id).copied().unwrap_or(Color32::GRAY)
    }

    pub fn code(&self, id: CodeId) -> Option<&CodeNode> {
        self.codes.iter().find(|c| c.id == id)
    }

    pub fn code_path(&self, id: CodeId) -> String {
        self.code(id).map(|c| c.path.clone()).unwrap_or_else(|| format!("code #{id}"))
    }

    /// Opens a document in the centre (keeping it if it is already open; leaving the analysis
    /// view, if shown).
    pub fn open_document(&mut self, id: DocumentId) -> Result<()> {
        self.centre = Centre::Document;
        if self.view.as_ref().is_some_and(|v| v.id == id) {
            return Ok(());
        }
        let name = self.documents.iter().find(|d| d.id == id).map(|d| d.name.clone()).unwrap_or_default();
        self.view = Some(DocumentView::load(self.project.conn(), id, &name, &self.participants)?);
        self.selection = None;
        self.inspection = None;
        self.editing = None;
        Ok(())
    }

    /// The selected text of the open document.
    pub fn selected_text(&self) -> Option<&str> {
        let (view, span) = (self.view.as_ref()?, self.selection?);
        Some(view.slice(span.start, span.end))
    }

    /// Notes a code's use for the quick-code bar (a code not on it takes a free slot).
    pub fn used(&mut self, code: CodeId) {
        self.quick.used(code);
    }

    /// Fills the empty quick-code slots with leaf codes, then their parents, in codebook order:
    /// what a new project's bar starts with.
    pub fn fill_quick_slots(&mut self) {
        let is_parent = |id: CodeId| self.codes.iter().any(|c| c.parent_id == Some(id));
        let leaves = self.codes.iter().filter(|c| !is_parent(c.id)).map(|c| c.id);
        let parents = self.codes.iter().filter(|c| is_parent(c.id)).map(|c| c.id);
        self.quick.fill_empty(leaves.chain(parents).collect::<Vec<_>>());
    }

    /// Re-reads the memos written on codings (the inspector and the stripes show them).
    pub(super) fn reload_coding_memos(&mut self) -> Result<()> {
        let mut memos: HashMap<CodingId, Vec<String>> = HashMap::new();
        for memo in crate::coding::memos::list(self.project.conn(), None)? {
            if let crate::coding::MemoTarget::Coding(id) = memo.target {
                memos.entry(id).or_default().push(memo.body);
            }
        }
        self.coding_memos = memos;
        Ok(())
    }

    /// Shows the codings under an offset of the open document (none: closes the inspector).
    pub fn inspect(&mut self, offset: usize) {
        let Some(view) = &self.view else { return };
        let codings: Vec<CodingRow> = view.codings_at(offset).into_iter().cloned().collect();
        if codings.is_empty() {
            self.inspection = None;
            return;
        }
        let memos: HashMap<CodingId, Vec<String>> =
            codings.iter().filter_map(|c| Some((c.id, self.coding_memos.get(&c.id)?.clone()))).collect();
        self.inspection = Some(Inspection { offset, codings, memos });
    }

    pub fn show_excerpts(&mut self, code: CodeId) -> Result<()> {
        self.excerpts = Some((code, self.load_excerpts(code)?));
        Ok(())
    }

    fn load_excerpts(&self, code: CodeId) -> Result<Vec<Excerpt>> {
        let conn = self.project.conn();
        let codes = if self.excerpts_with_subcodes { self.subtree(code) } else { vec![code] };
        let filter = codings::CodingFilter { codes: Some(codes), ..Default::default() };
        let rows = codings::list(conn, &filter)?;
        let mut texts: HashMap<DocumentId, (String, crate::text::CharIndex)> = HashMap::new();
        let mut out = Vec::new();
        for row in rows.into_iter().take(MAX_EXCERPTS) {
            let (text, index) = match texts.entry(row.document_id) {
                Entry::Occupied(known) => known.into_mut(),
                Entry::Vacant(slot) => {
                    let text = documents::text(conn, row.document_id)?;
                    let index = crate::text::CharIndex::new(&text);
                    slot.insert((text, index))
                }
            };
            out.push(Excerpt {
                coding: row.id,
                document: row.document_id,
                document_name: self.document_name(row.document_id),
                start: row.start,
                end: row.end,
                coder: row.coder,
                text: index.slice(text, row.start, row.end).to_owned(),
            });
        }
        Ok(out)
    }

    pub fn document_name(&self, id: DocumentId) -> String {
        self.documents.iter().find(|d| d.id == id).map(|d| d.name.clone()).unwrap_or_else(|| format!("#{id}"))
    }

    /// Documents passing the filters, in list order (kind, then name).
    pub fn filtered_documents(&self) -> Vec<&DocumentSummary> {
        let needle = self.filter.text.trim().to_lowercase();
        self.documents
            .iter()
            .filter(|d| needle.is_empty() || d.name.to_lowercase().contains(&needle) || attrs_contain(d, &needle))
            .filter(|d| match &self.filter.attribute {
                Some((name, value)) => d.attributes.get(name) == Some(value),
                None => true,
            })
            .collect()
    }

    /// Total codings in the project (sum of the codebook's counts).
    pub fn coding_count(&self) -> usize {
        self.codes.iter().map(|c| c.codings).sum()
    }

    /// Codes whose path contains `query` (case-insensitive), best (prefix) matches first.
    /// Shows a new code: its themes expanded, scrolled into view, selected (its excerpts listed).
    pub fn reveal_code(&mut self, code: CodeId) -> Result<()> {
        let mut parent = self.code(code).and_then(|c| c.parent_id);
        while let Some(p) = parent {
            self.collapsed.remove(&p);
            parent = self.code(p).and_then(|c| c.parent_id);
        }
        self.reveal = Some(code);
        self.show_excerpts(code)
    }

    /// A code and its descendants (codes are kept in tree order).
    pub fn subtree(&self, code: CodeId) -> Vec<CodeId> {
        let Some(at) = self.codes.iter().position(|c| c.id == code) else { return Vec::new() };
        let depth = self.codes[at].depth;
        let below = self.codes[at + 1..].iter().take_while(|c| c.depth > depth).map(|c| c.id);
        std::iter::once(code).chain(below).collect()
    }

    pub fn find_codes(&self, query: &str) -> Vec<&CodeNode> {
        let q = query.trim().to_lowercase();
        let mut hits: Vec<&CodeNode> = self.codes.iter().filter(|c| c.path.to_lowercase().contains(&q)).collect();
        hits.sort_by_key(|c| !c.name.to_lowercase().starts_with(&q));
        hits
    }
}

fn attrs_contain(d: &DocumentSummary, needle: &str) -> bool {
    d.attributes.values().any(|v| v.to_lowercase().contains(needle))
        || d.speakers.iter().any(|s| s.to_lowercase().contains(needle))
}

/// Each code's colour on screen: its own, except that sub-codes sharing their parent's stored
/// colour get shades of the parent's on-screen colour, so siblings can be told apart.
fn display_colors(codes: &[CodeNode]) -> HashMap<CodeId, Color32> {
    let mut colors: HashMap<CodeId, Color32> = HashMap::with_capacity(codes.len());
    let stored: HashMap<CodeId, &str> = codes.iter().map(|c| (c.id, c.color.as_str())).collect();
    // Codes come in tree order, so a parent's colour is known before its children's.
    for code in codes {
        let own = parse_color(&code.color);
        let inherited = code.parent_id.filter(|p| stored.get(p).is_some_and(|c| c.eq_ignore_ascii_case(&code.color)));
        let color = match inherited.and_then(|p| colors.get(&p).copied()) {
            Some(parent) => {
                let siblings: Vec<CodeId> =
                    codes.iter().filter(|c| c.parent_id == code.parent_id).map(|c| c.id).collect();
                let index = siblings.iter().position(|&id| id == code.id).unwrap_or(0);
                shade(parent, index, siblings.len())
            }
            None => own,
        };
        colors.insert(code.id, color);
    }
    colors
}
