//! What a freshly opened project shows when the environment asks for it
//! (`FIELDCODE_OPEN_DOCUMENT`, `FIELDCODE_SHOW_CODE`, `FIELDCODE_START_WINDOW`): the screenshot
//! script opens each view this way.

use super::WorkbenchApp;
use crate::gui::action::Action;
use crate::gui::sheet_state::Tab as SheetTab;

impl WorkbenchApp {
    pub(super) fn apply_start_view(&mut self) {
        let start = std::mem::take(&mut self.start);
        let Some(wb) = &self.workbench else { return };
        if let Some(name) = &start.document
            && let Some(doc) = wb.documents.iter().find(|d| &d.name == name)
        {
            self.pending.push(Action::OpenDocument(doc.id));
        }
        if let Some(path) = &start.code
            && let Some(code) = wb.codes.iter().find(|c| &c.path == path)
        {
            self.pending.push(Action::ShowExcerpts(code.id));
        }
        match start.window.as_deref() {
            Some("shortcuts") => self.pending.push(Action::ShowShortcuts),
            Some("palette") => self.pending.push(Action::OpenPalette),
            Some(w) if w.starts_with("compare") => {
                let coders: Vec<String> =
                    w.strip_prefix("compare:").unwrap_or("").split(',').map(str::to_owned).collect();
                self.show_compare(&coders);
            }
            Some("memos") => self.pending.push(Action::ShowMemos),
            Some("review") => self.pending.push(Action::ShowReview),
            Some("edit") => self.pending.extend([Action::ToggleEditMode, Action::EditParagraph(1)]),
            Some(w) if w.starts_with("replace:") => {
                let panel = self.panels.replace.get_or_insert_with(Default::default);
                panel.find = w.trim_start_matches("replace:").to_owned();
                self.pending.push(Action::PreviewReplace);
            }
            Some("export") => self.pending.push(Action::ExportExcerptsDialog),
            Some(w) if w.starts_with("history") => {
                self.pending.push(Action::ShowHistory);
                if let Some(snapshot) = w.strip_prefix("history:") {
                    self.pending.push(Action::DiffSnapshot(snapshot.to_owned()));
                }
            }
            Some(w) if w.starts_with("search:") => {
                let query = w.trim_start_matches("search:").to_owned();
                self.pending.push(Action::ShowSearch);
                self.pending.push(Action::Search { query, regex: false, ignore_case: true });
            }
            Some(w @ ("describe" | "split")) => {
                if let Some(code) = start.code.as_ref().and_then(|p| wb.codes.iter().find(|c| &c.path == p)) {
                    self.pending.push(if w == "split" {
                        Action::SplitCodeDialog(code.id)
                    } else {
                        Action::DescribeCodeDialog(code.id)
                    });
                }
            }
            Some(w) if w.starts_with("analysis") => {
                let grouping = w.strip_prefix("analysis:").map(str::to_owned);
                if let Some(wb) = &mut self.workbench {
                    wb.analysis.options.grouping = grouping;
                }
                self.pending.push(Action::ShowAnalysis);
            }
            Some(w @ ("sheet" | "sheet:participants" | "sheet:documents")) => {
                if let Some(wb) = &mut self.workbench {
                    let documents = w == "sheet:documents";
                    wb.sheet.switch(if documents { SheetTab::Documents } else { SheetTab::Participants });
                }
                self.pending.push(Action::ShowSheet);
            }
            _ => {}
        }
    }
}
