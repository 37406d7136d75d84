//! The one list of things a user can do in the workbench. Menus, keyboard shortcuts, the command
//! palette and the views all emit [`Action`]s into a queue; the app applies them after the frame
//! is drawn, in one exhaustive `match` (`app.rs`), so every change has a single path. Changes to
//! the project are [`Action::Edit`] with a library [`Command`], or an action that needs the
//! workbench's state (the selection, the open document) to build its command (`edit.rs`).
//!
//! The argument-free actions ([`Action::ALL_SIMPLE`]) carry their own menu label, palette text
//! and shortcuts ([`Action::offer`]): the menus, the palette, the shortcut handler and the help
//! window all read them from here, so there is no second list to keep in step.

use std::path::PathBuf;

use egui::{Key, KeyboardShortcut, Modifiers};

use super::chart_png::Chart;
use crate::coding::Command;
use crate::coding::SpanRef;
use crate::coding::autocode::Rule;
use crate::coding::units::Unit;
use crate::export::chart_svg::ChartFormat;
use crate::export::codebook::CodebookFormat;
use crate::gui::export_dialog::ExcerptChoice;
use crate::model::{AttributeScope, CodeId, CodingId, DocumentId};
use crate::refi::export::Positions;

/// Declares [`Action`] with its argument-free variants in a `simple { … }` block first, so that
/// [`Action::ALL_SIMPLE`] lists every one of them by construction, in declaration order.
macro_rules! actions {
    (
        $(#[$meta:meta])*
        pub enum Action {
            simple { $( $(#[$simple_meta:meta])* $simple:ident, )* }
            $($rest:tt)*
        }
    ) => {
        $(#[$meta])*
        pub enum Action {
            $( $(#[$simple_meta])* $simple, )*
            $($rest)*
        }

        impl Action {
            /// Every argument-free action, in the order the palette lists them.
            pub const ALL_SIMPLE: &[Action] = &[$(Action::$simple),*];
        }
    };
}

actions! {
    #[derive(Debug, Clone, PartialEq)]
    pub enum Action {
        simple {
            NewProjectDialog,
            OpenProjectDialog,
            OpenDemo,
            ImportDialog,
            /// Write a complete single-file copy of the project (File > Save a copy…).
            SaveCopyDialog,
            CloseProject,
            /// Copy the selected document text to the clipboard.
            CopySelection,
            /// Create a code named after the selected words and apply it to the selection.
            InVivo,
            FindCode,
            /// Show the analysis view in the centre.
            ShowAnalysis,
            /// Show the open document in the centre again.
            ShowDocument,
            /// Export the shown matrices as CSV: through a file dialog, or next to the project without one.
            ExportMatrixDialog,
            /// Save the heatmap of the analysis view as a 300 dpi PNG rendered off screen: through a
            /// file dialog, or next to the project.
            ExportHeatmapDialog,
            /// Save the frequency chart of the analysis view as a 300 dpi PNG.
            ExportFrequenciesDialog,
            /// Save the heatmap of the analysis view as SVG (for papers and posters).
            ExportHeatmapSvgDialog,
            /// Save the frequency chart of the analysis view as SVG.
            ExportFrequenciesSvgDialog,
            /// Show the compare-coders view (Team > Compare coders…).
            ShowCompare,
            /// Turn edit mode on or off: in edit mode a click opens a paragraph for correction.
            ToggleEditMode,
            /// Commit the typing in the paragraph being edited (one `EditText` command).
            CommitTextEdit,
            /// Go ahead with a text change that removes codings, as the edit bar asked.
            ConfirmTextEdit,
            /// Take back the typing not yet committed.
            DiscardTextEdit,
            /// Corpus-wide find and replace with a preview (Edit > Find and replace…).
            ShowReplace,
            /// Dry run of the find and replace window's fields.
            PreviewReplace,
            /// The pseudonymise window: a table of real names and pseudonyms.
            ShowPseudonymise,
            PreviewPseudonyms,
            /// Pseudonymise the project with the previewed table, as one undoable change.
            ApplyPseudonyms,
            LoadNameMapDialog,
            SaveNameMapDialog,
            /// Write a copy for sharing or archiving: current state only, scanned for real names.
            SaveReleaseDialog,
            /// Show the team's review queue: codes not yet agreed, with definitions and comments.
            ShowReview,
            ShowMemos,
            ShowSearch,
            ShowHistory,
            Undo,
            Redo,
            ClearSelection,
            ToggleTheme,
            /// Hide or show the documents panel (remembered).
            ToggleDocumentsPanel,
            /// Hide or show the codebook panel (remembered).
            ToggleCodebookPanel,
            FontBigger,
            FontSmaller,
            ShowSettings,
            ShowShortcuts,
            OpenPalette,
            CancelJob,
            DismissMessage,
            /// Close the "Delete code" question without deleting.
            DismissDelete,
            Quit,
            /// Team > Merge a colleague's copy…: choose their `.fieldcode` file, then a dry run.
            MergeDialog,
            // Exports and imports (File > Export, File > Import, Team)
            /// File > Export > Excerpts…: the dialog with format, codes, coder and attribute filters.
            ExportExcerptsDialog,
            /// File > Export > Codebook…: the dialog with the format.
            ExportCodebookDialog,
            /// File > Export > Project as REFI-QDA (.qdpx)…
            ExportQdpxDialog,
            /// Team > Export agreement table…: asks where to save the CSV.
            ExportAgreementDialog,
            /// File > Import > Codebook…: asks for a .qdc or .csv.
            ImportCodebookDialog,
            /// File > Import > REFI-QDA project as a new project…
            ImportQdpxDialog,
            // The classification sheet
            /// Show the classification sheet (participants or documents × attributes) in the centre.
            ShowSheet,
            /// Ask for a sheet file (CSV, as `fieldcode attributes` reads) and set its values.
            ImportSheetDialog,
            /// Ask where to write the shown sheet as CSV (as `fieldcode attributes --export`).
            ExportSheetDialog,
            /// Show the coded-segments view in the centre (View > Coded segments).
            ShowSegments,
            /// Export the segments the coded-segments view lists, through a file dialog.
            ExportSegmentsDialog,
            // The recording of the open transcript (Media menu, player bar)
            /// Ask for a recording and link it to the open document.
            LinkMediaDialog,
            /// Remove the open document's link to its recording (the file is left alone).
            UnlinkMedia,
            /// Ask, saying the size, before storing a copy of the open transcript's recording in
            /// the project (the Media menu's label carries the size too).
            EmbedMediaDialog,
            /// Play the open transcript's recording from its linked file again, not the stored copy.
            UnembedMedia,
            /// Close the "Store a copy" question without storing anything.
            DismissEmbed,
            /// Play or pause; in edit mode (transcription), pausing rewinds 2 s.
            PlayerToggle,
            PlayerBack,
            PlayerForward,
            /// Play exactly the selection's span, or the clicked coding's.
            PlaySelection,
            /// Transcription: type the playing time as `[h:mm:ss]` at the caret of the paragraph being edited.
            InsertTimestamp,
            /// Scroll the text along with the recording, or stop doing so.
            ToggleFollow,
        }
        // Projects and import
        OpenProject(PathBuf),
        CreateProject(PathBuf),
        Import(Vec<PathBuf>),
        /// Write a copy of the open project to this path.
        SaveCopy(PathBuf),
        // Reading
        OpenDocument(DocumentId),
        /// Select a span of the open document (code points, end exclusive).
        Select {
            start: usize,
            end: usize,
        },
        /// Open a document and select a span in it, scrolling it into view.
        JumpTo {
            document: DocumentId,
            start: usize,
            end: usize,
        },
        /// Fill the pseudonymise table from a `real,pseudonym` CSV.
        LoadNameMap(PathBuf),
        /// Save the pseudonymise table as a CSV (outside the project).
        SaveNameMap(PathBuf),
        /// Write a release copy of the project here.
        SaveRelease(PathBuf),
        /// Open paragraph `n` of the open document for editing (edit mode).
        EditParagraph(usize),
        /// Show the codings that cover this offset of the open document.
        InspectAt(usize),
        ShowExcerpts(CodeId),
        // Changes to the project
        /// A change that is one library command as it stands: create, rename, recolour, move,
        /// merge, split, describe or delete a code, set its status, remove codings, write or
        /// delete a memo, …
        Edit(Command),
        /// Store a copy of this document's recording in the project (the `EmbedMedia` command, on
        /// a worker: a long recording takes seconds to copy).
        StoreRecording(crate::model::DocumentId),
        /// Apply a code to the selection of the open document, for the current coder.
        ApplyCode(CodeId),
        /// Apply the n-th (0-based) code of the quick-code bar.
        QuickCode(usize),
        /// Pin a code to a quick-code key (kept between sessions, per project).
        PinQuickCode {
            slot: usize,
            code: CodeId,
        },
        /// Let a quick-code key be refilled by newly used codes again.
        UnpinQuickCode(usize),
        /// Empty a quick-code key.
        ClearQuickCode(usize),
        /// Collapse or expand a theme in the codebook (remembered per project).
        ToggleCollapsed(CodeId),
        /// The speaker column's new width, dragged in the viewer (remembered).
        SetSpeakerWidth(f32),
        /// Create a top-level code and apply it to the selection.
        CreateCodeAndApply(String),
        /// Move a coding of the open document to another code, keeping its span and coder.
        Recode {
            coding: CodingId,
            code: CodeId,
        },
        /// Code the previewed spans for the current coder as one undoable step.
        Autocode {
            rule: String,
            spans: Vec<SpanRef>,
        },
        /// Resolve one disagreement between coders, as one undoable step.
        ResolveDisagreement {
            disagreement: Box<crate::team::Disagreement>,
            resolution: crate::team::Resolution,
        },
        /// Tag the current codebook with a name.
        TakeSnapshot(String),
        // Dialogs and panels
        /// Ask before deleting a code.
        AskDeleteCode(CodeId),
        /// Open the "Describe…" dialog of a code, prefilled with its definition.
        DescribeCodeDialog(CodeId),
        /// Open the "Split…" dialog of a code.
        SplitCodeDialog(CodeId),
        /// Open the "Rename speaker…" dialog of a participant.
        RenameSpeakerDialog(crate::model::ParticipantId),
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
        /// Compare a snapshot with the current codebook.
        DiffSnapshot(String),
        ExportChart {
            chart: Chart,
            path: PathBuf,
        },
        /// List the coding pairs behind a matrix cell: group label index, code indexes of the corpus.
        DrillCell {
            group: u32,
            a: u32,
            b: u32,
        },
        ExportMatrix(PathBuf),
        // Import with a preview, and merging a colleague's copy
        /// Read picked or dropped files and folders on a worker and show what an import would
        /// do with each, in the import dialog; nothing is written.
        PreviewImport(Vec<PathBuf>),
        /// Import these files with a kind for all (`None`: inferred) and attributes for all.
        ImportFiles {
            files: Vec<PathBuf>,
            kind: Option<crate::model::DocumentKind>,
            attributes: Vec<(String, String)>,
            /// Read text that is UTF-8 but for a few bad bytes with U+FFFD in their place.
            lossy: bool,
        },
        /// A dry run of merging this colleague's copy, shown in the merge dialog.
        PreviewMerge(PathBuf),
        /// Merge this colleague's copy, as one undoable change.
        ApplyMerge(PathBuf),
        // Exports and imports
        /// Ask where to write the excerpts chosen in the export dialog.
        AskExportExcerpts(ExcerptChoice),
        /// Write the chosen excerpts to this path on a worker.
        ExportExcerpts {
            choice: ExcerptChoice,
            path: PathBuf,
        },
        /// Ask where to write the codebook in this format.
        AskExportCodebook(CodebookFormat),
        ExportCodebook {
            format: CodebookFormat,
            path: PathBuf,
        },
        /// Ask where to write the project as REFI-QDA.
        AskExportQdpx(Positions),
        ExportQdpx {
            positions: Positions,
            path: PathBuf,
        },
        /// Write the agreement table (CSV) of the compared coders, or of every coder.
        ExportAgreement(PathBuf),
        /// Import a codebook file as one undoable change.
        ImportCodebook(PathBuf),
        /// A REFI-QDA project was picked: ask where to save the new project.
        ImportQdpxFrom(PathBuf),
        /// Import a REFI-QDA project as a new project file on a worker, then open it.
        ImportQdpx {
            qdpx: PathBuf,
            project: PathBuf,
        },
        /// Open a file or folder with the platform's opener.
        OpenPath(PathBuf),
        // The classification sheet
        /// Set the values of a sheet file, as one undoable step.
        ImportSheet(PathBuf),
        /// Write the sheet of a scope as CSV, byte for byte what `fieldcode attributes --export` writes.
        ExportSheet {
            scope: AttributeScope,
            path: PathBuf,
        },
        /// Show the sheet of a scope with one document's or participant's row selected.
        ShowSheetFor {
            scope: AttributeScope,
            owner: String,
        },
        /// Write the segments the coded-segments view lists (format by the file's extension).
        ExportSegments(PathBuf),
        // The recording of the open transcript
        /// Link this recording to a document (one undoable change).
        LinkMedia {
            document: DocumentId,
            path: PathBuf,
        },
        /// Go to this moment of the recording (milliseconds).
        PlayerSeek(u64),
        /// Playing speed, 0.5–2 (pitch kept).
        PlayerSpeed(f32),
        /// Volume, 0–1.
        PlayerVolume(f32),
        /// Play the recording from the time of the text at this offset of the open document.
        PlayFrom(usize),
        /// Open a document and play the recording for one of its spans (a quote's play button).
        PlaySpan {
            document: DocumentId,
            start: usize,
            end: usize,
        },
    }
}

/// How an argument-free action is offered to the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Offer {
    /// Its label in a menu (where the menu gives the context).
    pub menu: &'static str,
    /// Its entry in the command palette and the help window (`None`: not in the palette).
    pub palette: Option<&'static str>,
    /// Its keyboard shortcuts, the one menus show first.
    pub keys: &'static [KeyboardShortcut],
    /// Whether it only makes sense with a project open (menus grey it out without one).
    pub needs_project: bool,
}

const fn ctrl(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(Modifiers::COMMAND, key)
}

const fn ctrl_shift(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), key)
}

const fn offer(menu: &'static str, palette: &'static str, keys: &'static [KeyboardShortcut]) -> Option<Offer> {
    Some(Offer { menu, palette: Some(palette), keys, needs_project: false })
}

/// [`offer`] for an action that needs an open project.
const fn offer_project(menu: &'static str, palette: &'static str, keys: &'static [KeyboardShortcut]) -> Option<Offer> {
    Some(Offer { menu, palette: Some(palette), keys, needs_project: true })
}

/// An action offered in menus or buttons only, not in the palette.
const fn offer_unlisted(menu: &'static str, keys: &'static [KeyboardShortcut]) -> Option<Offer> {
    Some(Offer { menu, palette: None, keys, needs_project: false })
}

impl Action {
    /// How this action is offered; `None` for actions that carry arguments (views emit those).
    pub fn offer(&self) -> Option<Offer> {
        match self {
            Action::NewProjectDialog => offer("New project…", "New project…", const { &[ctrl(Key::N)] }),
            Action::OpenProjectDialog => offer("Open project…", "Open project…", const { &[ctrl(Key::O)] }),
            Action::OpenDemo => offer("Open the demo study", "Open the demo study", &[]),
            Action::ImportDialog => offer_project("Import files…", "Import files…", &[]),
            Action::CloseProject => offer_project("Close project", "Close project", &[]),
            Action::CopySelection => {
                offer_project("Copy the selected text", "Copy the selected text", const { &[ctrl(Key::C)] })
            }
            Action::InVivo => {
                offer_project("Code the selection in vivo", "Code the selection in vivo", const { &[ctrl(Key::I)] })
            }
            Action::FindCode => offer_project(
                "Find a code for the selection",
                "Find a code for the selection",
                const { &[ctrl(Key::E)] },
            ),
            Action::ShowAnalysis => offer_project(
                "Analysis",
                "Analysis: co-occurrence, crosstab, frequencies",
                const { &[ctrl_shift(Key::A)] },
            ),
            Action::ShowDocument => offer_project("Document", "Back to the document", &[]),
            Action::SaveCopyDialog => {
                offer_project("Save a copy…", "Save a copy of the project as one complete file", &[])
            }
            Action::ExportMatrixDialog => {
                offer_project("Export the matrix as CSV…", "Export the co-occurrence matrix as CSV", &[])
            }
            Action::ExportHeatmapDialog => {
                offer_project("Export the heatmap as PNG…", "Export the heatmap as PNG", &[])
            }
            Action::ExportFrequenciesDialog => {
                offer_project("Export the frequency chart as PNG…", "Export the frequency chart as PNG", &[])
            }
            Action::ExportHeatmapSvgDialog => {
                offer_project("Export the heatmap as SVG…", "Export the heatmap as SVG", &[])
            }
            Action::ExportFrequenciesSvgDialog => {
                offer_project("Export the frequency chart as SVG…", "Export the frequency chart as SVG", &[])
            }
            Action::ShowCompare => offer_project("Compare coders…", "Team: compare coders", &[]),
            Action::ToggleEditMode => offer_project(
                "Edit the document text",
                "Edit the document text: correct a transcript in place",
                const { &[KeyboardShortcut::new(Modifiers::NONE, Key::F2)] },
            ),
            Action::CommitTextEdit => offer_unlisted("Apply the typing", &[]),
            Action::ConfirmTextEdit => offer_unlisted("Remove them and apply", &[]),
            Action::DiscardTextEdit => offer_unlisted("Take my typing back", &[]),
            Action::ShowReplace => {
                offer_project("Find and replace…", "Find and replace in the texts", const { &[ctrl(Key::H)] })
            }
            Action::ShowPseudonymise => {
                offer_project("Pseudonymise…", "Pseudonymise: replace real names everywhere", &[])
            }
            Action::SaveReleaseDialog => offer_project(
                "Save a release copy…",
                "Save a release copy for sharing or archiving (no history, scanned for names)",
                &[],
            ),
            Action::PreviewReplace | Action::PreviewPseudonyms => offer_unlisted("Preview", &[]),
            Action::ApplyPseudonyms => offer_unlisted("Pseudonymise the project", &[]),
            Action::LoadNameMapDialog => offer_unlisted("Load map CSV…", &[]),
            Action::SaveNameMapDialog => offer_unlisted("Save map CSV…", &[]),
            Action::ShowReview => offer_project("Review queue…", "Team: review queue of codes not yet agreed", &[]),
            Action::ShowMemos => {
                offer_project("Memos", "Memos: project, document and code", const { &[ctrl_shift(Key::M)] })
            }
            Action::ShowSearch => {
                offer_project("Search and autocode", "Search the corpus and autocode", const { &[ctrl_shift(Key::F)] })
            }
            Action::ShowHistory => offer_project(
                "History and snapshots",
                "History, undo/redo and codebook snapshots",
                const { &[ctrl_shift(Key::H)] },
            ),
            Action::Undo => offer_project("Undo", "Undo the last change", const { &[ctrl(Key::Z)] }),
            Action::Redo => offer_project("Redo", "Redo", const { &[ctrl_shift(Key::Z), ctrl(Key::Y)] }),
            Action::ClearSelection => offer_project("Clear the selection", "Clear the selection", &[]),
            Action::ToggleTheme => offer("Switch light/dark theme", "Switch light/dark theme", &[]),
            Action::ToggleDocumentsPanel => offer_project(
                "Show or hide the documents panel",
                "Show or hide the documents panel",
                const { &[ctrl_shift(Key::D)] },
            ),
            Action::ToggleCodebookPanel => offer_project(
                "Show or hide the codebook panel",
                "Show or hide the codebook panel",
                const { &[ctrl_shift(Key::B)] },
            ),
            Action::FontBigger => {
                offer("Larger document text", "Larger document text", const { &[ctrl(Key::Plus), ctrl(Key::Equals)] })
            }
            Action::FontSmaller => {
                offer("Smaller document text", "Smaller document text", const { &[ctrl(Key::Minus)] })
            }
            Action::ShowSettings => offer("Settings…", "Settings: coder name, text size, theme", &[]),
            Action::ShowShortcuts => offer(
                "Keyboard shortcuts",
                "Keyboard shortcuts",
                const { &[KeyboardShortcut::new(Modifiers::NONE, Key::F1)] },
            ),
            Action::OpenPalette => offer_unlisted("Command palette…", const { &[ctrl(Key::K)] }),
            Action::CancelJob => offer_unlisted("Cancel", &[]),
            Action::DismissMessage => offer_unlisted("Dismiss", &[]),
            Action::DismissDelete => offer_unlisted("Cancel", &[]),
            Action::Quit => offer("Quit", "Quit", &[]),
            Action::MergeDialog => offer_project("Merge a colleague's copy…", "Team: merge a colleague's copy", &[]),
            Action::ExportExcerptsDialog => {
                offer_project("Excerpts…", "Export coded excerpts (CSV, Excel, HTML, Markdown, Word)…", &[])
            }
            Action::ExportCodebookDialog => {
                offer_project("Codebook…", "Export the codebook (REFI-QDA .qdc, Markdown, CSV, Word)…", &[])
            }
            Action::ExportQdpxDialog => offer_project(
                "Project as REFI-QDA (.qdpx)…",
                "Export the whole project as REFI-QDA (.qdpx) for NVivo, ATLAS.ti, MAXQDA…",
                &[],
            ),
            Action::ExportAgreementDialog => {
                offer_project("Export agreement table…", "Team: export the agreement table as CSV…", &[])
            }
            Action::ImportCodebookDialog => {
                offer_project("Codebook (.qdc, .csv)…", "Import a codebook (REFI-QDA .qdc or CSV)…", &[])
            }
            Action::ImportQdpxDialog => {
                offer("REFI-QDA project as a new project…", "Import a REFI-QDA project (.qdpx) as a new project…", &[])
            }
            Action::ShowSheet => offer_project(
                "Classification sheet",
                "Classification sheet: attributes of participants and documents",
                &[],
            ),
            Action::ImportSheetDialog => {
                offer_project("Import a classification sheet…", "Import a classification sheet (CSV)", &[])
            }
            Action::ExportSheetDialog => {
                offer_project("Export the classification sheet…", "Export the classification sheet as CSV", &[])
            }
            Action::ShowSegments => {
                offer_project("Coded segments", "Coded segments: read everything coded with a code", &[])
            }
            Action::ExportSegmentsDialog => offer_project(
                "Export the coded segments shown…",
                "Export the coded segments shown (CSV, Excel, HTML, Markdown, Word)",
                &[],
            ),
            Action::LinkMediaDialog => {
                offer_project("Link a recording…", "Link a recording (audio or video) to the open transcript…", &[])
            }
            Action::UnlinkMedia => offer_project("Unlink the recording", "Unlink the open transcript's recording", &[]),
            Action::EmbedMediaDialog => offer_project(
                "Store a copy in the project…",
                "Store a copy of the open transcript's recording in the project…",
                &[],
            ),
            Action::UnembedMedia => offer_project(
                "Keep only the linked file",
                "Recording: keep only the linked file (not the copy stored in the project)",
                &[],
            ),
            Action::DismissEmbed => offer_unlisted("Cancel", &[]),
            Action::PlayerToggle => offer_project(
                "Play / pause",
                "Play or pause the recording",
                const { &[KeyboardShortcut::new(Modifiers::NONE, Key::F4)] },
            ),
            Action::PlayerBack => offer_project(
                "Back 5 seconds",
                "Recording: back 5 seconds",
                const { &[KeyboardShortcut::new(Modifiers::ALT, Key::ArrowLeft)] },
            ),
            Action::PlayerForward => offer_project(
                "Forward 5 seconds",
                "Recording: forward 5 seconds",
                const { &[KeyboardShortcut::new(Modifiers::ALT, Key::ArrowRight)] },
            ),
            Action::PlaySelection => offer_project(
                "Play the selection",
                "Play the recording of the selection or the clicked coding",
                const { &[KeyboardShortcut::new(Modifiers::NONE, Key::F5)] },
            ),
            Action::InsertTimestamp => offer_project(
                "Insert the playing time",
                "Transcription: insert the playing time at the caret",
                const { &[KeyboardShortcut::new(Modifiers::NONE, Key::F8)] },
            ),
            Action::ToggleFollow => {
                offer_project("Follow the recording in the text", "Follow the recording in the text", &[])
            }
            Action::OpenProject(_)
            | Action::CreateProject(_)
            | Action::Import(_)
            | Action::OpenDocument(_)
            | Action::Select { .. }
            | Action::JumpTo { .. }
            | Action::InspectAt(_)
            | Action::EditParagraph(_)
            | Action::LoadNameMap(_)
            | Action::SaveNameMap(_)
            | Action::SaveRelease(_)
            | Action::ShowExcerpts(_)
            | Action::Edit(_)
            | Action::StoreRecording(_)
            | Action::ApplyCode(_)
            | Action::QuickCode(_)
            | Action::PinQuickCode { .. }
            | Action::UnpinQuickCode(_)
            | Action::ClearQuickCode(_)
            | Action::ToggleCollapsed(_)
            | Action::SetSpeakerWidth(_)
            | Action::CreateCodeAndApply(_)
            | Action::Recode { .. }
            | Action::Autocode { .. }
            | Action::ResolveDisagreement { .. }
            | Action::TakeSnapshot(_)
            | Action::AskDeleteCode(_)
            | Action::DescribeCodeDialog(_)
            | Action::SplitCodeDialog(_)
            | Action::RenameSpeakerDialog(_)
            | Action::Search { .. }
            | Action::PreviewAutocode { .. }
            | Action::DiffSnapshot(_)
            | Action::ExportChart { .. }
            | Action::DrillCell { .. }
            | Action::ExportMatrix(_)
            | Action::SaveCopy(_)
            | Action::PreviewImport(_)
            | Action::ImportFiles { .. }
            | Action::PreviewMerge(_)
            | Action::ApplyMerge(_) => None,
            Action::AskExportExcerpts(_)
            | Action::ExportExcerpts { .. }
            | Action::AskExportCodebook(_)
            | Action::ExportCodebook { .. }
            | Action::AskExportQdpx(_)
            | Action::ExportQdpx { .. }
            | Action::ExportAgreement(_)
            | Action::ImportCodebook(_)
            | Action::ImportQdpxFrom(_)
            | Action::ImportQdpx { .. }
            | Action::OpenPath(_) => None,
            Action::ImportSheet(_)
            | Action::ExportSheet { .. }
            | Action::ShowSheetFor { .. }
            | Action::ExportSegments(_) => None,
            Action::LinkMedia { .. }
            | Action::PlayerSeek(_)
            | Action::PlayerSpeed(_)
            | Action::PlayerVolume(_)
            | Action::PlayFrom(_)
            | Action::PlaySpan { .. } => None,
        }
    }

    /// The command palette's entry for this action, if it has one.
    pub fn palette_text(&self) -> Option<&'static str> {
        self.offer()?.palette
    }

    /// The label of this action in a menu.
    pub fn menu_text(&self) -> Option<&'static str> {
        Some(self.offer()?.menu)
    }

    /// Every keyboard shortcut of this action (the first is the one menus show).
    pub fn shortcuts(&self) -> &'static [KeyboardShortcut] {
        self.offer().map_or(&[], |o| o.keys)
    }

    /// The shortcut menus show for this action.
    pub fn shortcut(&self) -> Option<KeyboardShortcut> {
        self.shortcuts().first().copied()
    }

    /// Whether the action only makes sense with a project open.
    pub fn needs_project(&self) -> bool {
        self.offer().is_some_and(|o| o.needs_project)
    }

    /// The argument-free actions the palette lists, with their text.
    pub fn palette() -> impl Iterator<Item = (&'static str, &'static Action)> {
        Action::ALL_SIMPLE.iter().filter_map(|a| Some((a.palette_text()?, a)))
    }

    /// The action that saves `chart` as `format` through a file dialog.
    pub fn export_chart_dialog(chart: Chart, format: ChartFormat) -> Action {
        match (chart, format) {
            (Chart::Heatmap, ChartFormat::Png) => Action::ExportHeatmapDialog,
            (Chart::Frequencies, ChartFormat::Png) => Action::ExportFrequenciesDialog,
            (Chart::Heatmap, ChartFormat::Svg) => Action::ExportHeatmapSvgDialog,
            (Chart::Frequencies, ChartFormat::Svg) => Action::ExportFrequenciesSvgDialog,
        }
    }

    /// The chart and format a chart-export dialog action saves.
    pub fn chart_dialog(&self) -> Option<(Chart, ChartFormat)> {
        [Chart::Heatmap, Chart::Frequencies]
            .into_iter()
            .flat_map(|chart| [(chart, ChartFormat::Png), (chart, ChartFormat::Svg)])
            .find(|&(chart, format)| Action::export_chart_dialog(chart, format) == *self)
    }
}

/// Every global shortcut with its action, longer modifier sets first so that Ctrl+Shift+Z is not
/// read as Ctrl+Z.
pub fn shortcuts() -> Vec<(KeyboardShortcut, &'static Action)> {
    let mut list: Vec<(KeyboardShortcut, &'static Action)> =
        Action::ALL_SIMPLE.iter().flat_map(|a| a.shortcuts().iter().map(move |k| (*k, a))).collect();
    list.sort_by_key(|(keys, _)| std::cmp::Reverse(modifier_count(keys.modifiers)));
    list
}

fn modifier_count(m: Modifiers) -> u8 {
    m.alt as u8 + m.ctrl as u8 + m.shift as u8 + m.command as u8 + m.mac_cmd as u8
}

/// The number keys of the quick-code bar, in order.
pub const QUICK_KEYS: [Key; 9] =
    [Key::Num1, Key::Num2, Key::Num3, Key::Num4, Key::Num5, Key::Num6, Key::Num7, Key::Num8, Key::Num9];

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::{Action, shortcuts};

    #[test]
    fn every_simple_action_is_offered_and_no_shortcut_is_taken_twice() {
        for action in Action::ALL_SIMPLE {
            assert!(action.offer().is_some(), "{action:?} has a menu label");
        }
        let mut seen = HashSet::new();
        for (keys, action) in shortcuts() {
            assert!(seen.insert(keys), "{keys:?} of {action:?} is also another action's");
        }
        let texts: Vec<&str> = Action::palette().map(|(text, _)| text).collect();
        assert_eq!(texts.len(), texts.iter().collect::<HashSet<_>>().len(), "palette entries are distinct");
    }

    #[test]
    fn longer_modifier_sets_are_tried_first() {
        let list = shortcuts();
        let redo = list.iter().position(|(k, _)| k.modifiers.shift && k.logical_key == egui::Key::Z).unwrap();
        let undo = list.iter().position(|(k, _)| !k.modifiers.shift && k.logical_key == egui::Key::Z).unwrap();
        assert!(redo < undo);
    }
}
