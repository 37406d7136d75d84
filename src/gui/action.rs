//! The one list of things a user can do in the workbench. Menus, keyboard shortcuts, the command
//! palette and the views all emit [`Action`]s into a queue; the app applies them after the frame
//! is drawn, so every change has a single path (and coding changes go through the library's
//! command layer from one place, `edit.rs`).

use std::path::PathBuf;

use egui::{Key, KeyboardShortcut, Modifiers};

use super::chart_png::Chart;
use crate::coding::autocode::Rule;
use crate::coding::units::Unit;
use crate::coding::{MemoId, MemoTarget, SpanRef};
use crate::model::{CodeId, CodingId, DocumentId};

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    // Projects and import
    NewProjectDialog,
    OpenProjectDialog,
    OpenProject(PathBuf),
    CreateProject(PathBuf),
    OpenDemo,
    CloseProject,
    ImportDialog,
    Import(Vec<PathBuf>),
    CancelJob,
    // Reading
    OpenDocument(DocumentId),
    /// Select a span of the open document (code points, end exclusive).
    Select {
        start: usize,
        end: usize,
    },
    ClearSelection,
    /// Open a document and select a span in it, scrolling it into view.
    JumpTo {
        document: DocumentId,
        start: usize,
        end: usize,
    },
    /// Show the codings that cover this offset of the open document.
    InspectAt(usize),
    // Coding
    ApplyCode(CodeId),
    /// Apply the n-th (0-based) code of the quick-code bar.
    QuickCode(usize),
    InVivo,
    CreateCode {
        name: String,
        parent: Option<CodeId>,
    },
    CreateCodeAndApply(String),
    RemoveCoding(CodingId),
    Recode {
        coding: CodingId,
        code: CodeId,
    },
    MergeCodes {
        from: CodeId,
        into: CodeId,
    },
    RenameCode {
        code: CodeId,
        name: String,
    },
    RecolorCode {
        code: CodeId,
        color: String,
    },
    MoveCode {
        code: CodeId,
        parent: Option<CodeId>,
    },
    SetStatus {
        code: CodeId,
        status: crate::model::ReviewStatus,
    },
    /// Ask before deleting a code.
    AskDeleteCode(CodeId),
    DeleteCode(CodeId),
    DismissDelete,
    ShowExcerpts(CodeId),
    // Panels: describe and split a code, memos, search and autocode, history, chart export
    /// Open the "Describe…" dialog of a code, prefilled with its definition.
    DescribeCodeDialog(CodeId),
    /// Set the definition fields that are given (`None` keeps a field as it is).
    DescribeCode {
        code: CodeId,
        description: Option<String>,
        inclusion: Option<String>,
        exclusion: Option<String>,
        example: Option<String>,
    },
    /// Open the "Split…" dialog of a code.
    SplitCodeDialog(CodeId),
    /// Move the chosen codings of `code` to a new sibling code `name`.
    SplitCode {
        code: CodeId,
        name: String,
        codings: Vec<CodingId>,
    },
    ShowMemos,
    /// Create (`memo` is `None`) or edit a memo.
    SaveMemo {
        memo: Option<MemoId>,
        target: MemoTarget,
        title: String,
        body: String,
    },
    DeleteMemo(MemoId),
    ShowSearch,
    /// Search the corpus on a worker thread (words through the index, or a regular expression).
    Search {
        query: String,
        regex: bool,
        ignore_case: bool,
    },
    /// Dry run of an autocode rule on a worker thread: the hits, nothing coded.
    PreviewAutocode {
        rule: Rule,
        unit: Unit,
    },
    /// Code the previewed spans as one undoable step.
    Autocode {
        rule: String,
        spans: Vec<SpanRef>,
    },
    ShowHistory,
    /// Tag the current codebook with a name.
    TakeSnapshot(String),
    /// Compare a snapshot with the current codebook.
    DiffSnapshot(String),
    /// Save a chart of the analysis view as PNG: through a file dialog, or next to the project.
    ExportChartDialog(Chart),
    ExportChart {
        chart: Chart,
        path: PathBuf,
    },
    // Analysis
    /// Show the analysis view in the centre.
    ShowAnalysis,
    /// Show the open document in the centre again.
    ShowDocument,
    /// List the coding pairs behind a matrix cell: group label index, code indexes of the corpus.
    DrillCell {
        group: u32,
        a: u32,
        b: u32,
    },
    /// Export the shown matrices as CSV: through a file dialog, or next to the project without one.
    ExportMatrixDialog,
    ExportMatrix(PathBuf),
    // Team
    /// Show the compare-coders view (Team > Compare coders…).
    ShowCompare,
    /// Resolve one disagreement between coders, as one undoable step.
    ResolveDisagreement {
        disagreement: Box<crate::team::Disagreement>,
        resolution: crate::team::Resolution,
    },
    Undo,
    Redo,
    // Workbench
    FindCode,
    OpenPalette,
    ShowShortcuts,
    ToggleTheme,
    FontBigger,
    FontSmaller,
    DismissMessage,
    Quit,
}

impl Action {
    /// The actions the command palette offers, with their names.
    pub fn palette() -> Vec<(&'static str, Action)> {
        vec![
            ("New project…", Action::NewProjectDialog),
            ("Open project…", Action::OpenProjectDialog),
            ("Open the demo study", Action::OpenDemo),
            ("Import files…", Action::ImportDialog),
            ("Close project", Action::CloseProject),
            ("Code the selection in vivo", Action::InVivo),
            ("Find a code for the selection", Action::FindCode),
            ("Analysis: co-occurrence, crosstab, frequencies", Action::ShowAnalysis),
            ("Back to the document", Action::ShowDocument),
            ("Export the co-occurrence matrix as CSV", Action::ExportMatrixDialog),
            ("Team: compare coders", Action::ShowCompare),
            ("Memos: project, document and code", Action::ShowMemos),
            ("Search the corpus and autocode", Action::ShowSearch),
            ("History, undo/redo and codebook snapshots", Action::ShowHistory),
            ("Export the heatmap as PNG", Action::ExportChartDialog(Chart::Heatmap)),
            ("Export the frequency chart as PNG", Action::ExportChartDialog(Chart::Frequencies)),
            ("Undo", Action::Undo),
            ("Redo", Action::Redo),
            ("Clear the selection", Action::ClearSelection),
            ("Switch light/dark theme", Action::ToggleTheme),
            ("Larger document text", Action::FontBigger),
            ("Smaller document text", Action::FontSmaller),
            ("Keyboard shortcuts", Action::ShowShortcuts),
            ("Quit", Action::Quit),
        ]
    }
}

/// A keyboard shortcut with the action it triggers and how the help window describes it.
pub struct Shortcut {
    pub keys: KeyboardShortcut,
    pub action: Action,
    pub what: &'static str,
}

const fn ctrl(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(Modifiers::COMMAND, key)
}

const fn ctrl_shift(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), key)
}

/// Every global shortcut. Longer modifier sets come first so Ctrl+Shift+Z is not read as Ctrl+Z.
pub fn shortcuts() -> Vec<Shortcut> {
    let mut list = vec![
        Shortcut { keys: ctrl_shift(Key::Z), action: Action::Redo, what: "Redo" },
        Shortcut { keys: ctrl(Key::Y), action: Action::Redo, what: "Redo" },
        Shortcut { keys: ctrl(Key::Z), action: Action::Undo, what: "Undo the last change" },
        Shortcut { keys: ctrl_shift(Key::A), action: Action::ShowAnalysis, what: "Analysis view" },
        Shortcut { keys: ctrl(Key::K), action: Action::OpenPalette, what: "Command palette" },
        Shortcut { keys: ctrl_shift(Key::F), action: Action::ShowSearch, what: "Search and autocode" },
        Shortcut { keys: ctrl_shift(Key::M), action: Action::ShowMemos, what: "Memos" },
        Shortcut { keys: ctrl_shift(Key::H), action: Action::ShowHistory, what: "History and snapshots" },
        Shortcut { keys: ctrl(Key::O), action: Action::OpenProjectDialog, what: "Open a project" },
        Shortcut { keys: ctrl(Key::N), action: Action::NewProjectDialog, what: "New project" },
        Shortcut { keys: ctrl(Key::I), action: Action::InVivo, what: "Code the selection in vivo" },
        Shortcut { keys: ctrl(Key::E), action: Action::FindCode, what: "Find a code for the selection" },
        Shortcut { keys: ctrl(Key::Plus), action: Action::FontBigger, what: "Larger document text" },
        Shortcut { keys: ctrl(Key::Equals), action: Action::FontBigger, what: "Larger document text" },
        Shortcut { keys: ctrl(Key::Minus), action: Action::FontSmaller, what: "Smaller document text" },
        Shortcut {
            keys: KeyboardShortcut::new(Modifiers::NONE, Key::F1),
            action: Action::ShowShortcuts,
            what: "Keyboard shortcuts",
        },
    ];
    list.sort_by_key(|s| std::cmp::Reverse(modifier_count(s.keys.modifiers)));
    list
}

fn modifier_count(m: Modifiers) -> u8 {
    m.alt as u8 + m.ctrl as u8 + m.shift as u8 + m.command as u8 + m.mac_cmd as u8
}

/// The number keys of the quick-code bar, in order.
pub const QUICK_KEYS: [Key; 9] =
    [Key::Num1, Key::Num2, Key::Num3, Key::Num4, Key::Num5, Key::Num6, Key::Num7, Key::Num8, Key::Num9];
