//! The desktop workbench (eframe/egui): a thin layer of views over the library.
//!
//! [`WorkbenchApp`] holds the settings (persisted by eframe) and the runtime state, and draws
//! itself into any `egui::Ui`, so the window (`run`) and headless tests (egui_kittest) drive the
//! same code. Every user intent is an [`Action`]; coding changes go through the library's
//! command layer in `edit.rs`; long work runs in `jobs.rs` threads.

pub mod action;
pub mod analysis;
mod analysis_view;
pub mod app;
pub mod chart_png;
mod code_picker;
mod codebook_panel;
pub mod compare_state;
mod compare_stripes;
mod compare_summary;
mod compare_view;
pub mod describe_dialog;
pub mod document_pane;
pub mod document_patch;
pub mod document_view;
mod documents_panel;
mod edit;
pub mod exchange_jobs;
pub mod exchange_windows;
pub mod export_dialog;
pub mod file_chooser;
mod heatmap_view;
pub mod highlight;
pub mod history_panel;
pub mod jobs;
pub mod markdown;
pub mod memos_panel;
mod menus;
pub mod open_path;
pub mod panels;
mod paragraph_editor;
mod quick_bar;
pub mod quick_slots;
pub mod review_panel;
pub mod search_panel;
pub mod settings;
pub mod speaker_dialog;
pub mod split_dialog;
mod status_bar;
pub mod stripes;
pub mod text_editing;
pub mod text_tools;
pub mod viewer;
mod welcome;
pub mod windows;
pub mod workbench;
// Import with a preview, and merging a colleague's copy
pub mod import_dialog;
pub mod merge_dialog;
// The classification sheet
pub mod classification_sheet;
pub mod sheet_state;
// The coded-segments view.
pub mod retrieval_state;
mod retrieval_view;
// The player bar of a transcript's recording
pub mod player_state;
mod player_view;

use std::path::PathBuf;
use std::process::ExitCode;

pub use action::Action;
pub use app::{StartView, WorkbenchApp};
pub use settings::Settings;
pub use workbench::Workbench;

/// The eframe wrapper: draws the workbench and saves its settings.
struct EframeApp(WorkbenchApp);

impl eframe::App for EframeApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.0.ui(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.0.save(storage);
    }
}

/// True when a window can be opened (an X11 or Wayland display is set).
pub fn has_display() -> bool {
    ["DISPLAY", "WAYLAND_DISPLAY"].iter().any(|k| std::env::var_os(k).is_some_and(|v| !v.is_empty()))
}

/// Opens the workbench, optionally on a project.
pub fn run(project: Option<PathBuf>) -> ExitCode {
    if !has_display() {
        eprintln!(
            "fieldcode: no display is available (DISPLAY and WAYLAND_DISPLAY are unset), so the workbench cannot open; the commands in `fieldcode --help` work without one."
        );
        return ExitCode::FAILURE;
    }
    let viewport = egui::ViewportBuilder::default()
        .with_title("Fieldcode")
        .with_app_id("fieldcode")
        .with_inner_size(window_size_from_env())
        .with_drag_and_drop(true);
    let options = eframe::NativeOptions { viewport, ..Default::default() };
    let result = eframe::run_native(
        "Fieldcode",
        options,
        Box::new(move |cc| {
            let settings: Settings =
                cc.storage.and_then(|s| eframe::get_value(s, settings::STORAGE_KEY)).unwrap_or_default();
            let mut settings = settings;
            if let Ok(theme) = std::env::var("FIELDCODE_THEME") {
                settings.dark = theme.eq_ignore_ascii_case("dark");
            }
            let mut app = WorkbenchApp::new(settings);
            app.start = start_view_from_env();
            if let Some(path) = project {
                app.queue(Action::OpenProject(path));
            }
            Ok(Box::new(EframeApp(app)))
        }),
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!(
                "fieldcode: the workbench window could not be opened ({err}); the commands in `fieldcode --help` still work."
            );
            ExitCode::FAILURE
        }
    }
}

/// The window's first size: `FIELDCODE_WINDOW_SIZE=WxH` (the screenshot script shows laptop
/// screens with it), else 1280×800.
fn window_size_from_env() -> [f32; 2] {
    let parsed = std::env::var("FIELDCODE_WINDOW_SIZE").ok().and_then(|v| {
        let (w, h) = v.split_once('x')?;
        Some([w.trim().parse::<f32>().ok()?, h.trim().parse::<f32>().ok()?])
    });
    parsed.filter(|[w, h]| (320.0..=8192.0).contains(w) && (240.0..=8192.0).contains(h)).unwrap_or([1280.0, 800.0])
}

/// `FIELDCODE_OPEN_DOCUMENT`, `FIELDCODE_SHOW_CODE` (a code path) and `FIELDCODE_START_WINDOW`
/// (`shortcuts`, `palette`, `analysis` or `analysis:ATTRIBUTE` for matrices grouped by it, `memos`,
/// `history` or `history:SNAPSHOT` (compared with now), `search:QUERY`, `describe` or `split` for
/// the code of `FIELDCODE_SHOW_CODE`, `export` for the excerpt export dialog, `sheet` or
/// `sheet:documents`, `review` for the review queue, `edit` for edit mode on the open document's
/// second paragraph, `replace:TEXT` for a find-and-replace preview)
/// pick what a freshly opened project shows, and `FIELDCODE_THEME`
/// (`dark`/`light`) overrides the theme; the screenshot script uses them.
fn start_view_from_env() -> StartView {
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
    StartView {
        document: var("FIELDCODE_OPEN_DOCUMENT"),
        code: var("FIELDCODE_SHOW_CODE"),
        window: var("FIELDCODE_START_WINDOW"),
    }
}
