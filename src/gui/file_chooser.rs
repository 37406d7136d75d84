//! Choosing files: the system's dialog where one can be shown, otherwise Fieldcode's own chooser
//! drawn in the window (the `egui_file` crate), so that Open…, Import… and every Export… button
//! always answer. On Linux the system dialog goes through the desktop portal or `zenity`; when
//! neither is there, `rfd` returns nothing, exactly as if the user had cancelled, so the choice is
//! made beforehand from what the desktop offers ([`system_dialog_available`]), never by waiting.
//!
//! Every file question is one [`FileAsk`] with an answer that turns the chosen paths into an
//! [`Action`]: both choosers deliver through the same queue as a menu click.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::action::Action;

/// What kind of choice a file question asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// One existing file.
    Open,
    /// One or more existing files.
    OpenMany,
    /// A file to write (it may exist; the system dialog asks before replacing).
    Save,
}

/// One file question: its mode, title, starting place and the file types offered.
#[derive(Debug, Clone, PartialEq)]
pub struct FileAsk {
    pub mode: Mode,
    pub title: String,
    /// The folder to start in.
    pub folder: Option<PathBuf>,
    /// The file name proposed when saving.
    pub name: Option<String>,
    /// File types as (name, extensions without the dot); the first is preselected.
    pub filters: Vec<(String, Vec<String>)>,
}

impl FileAsk {
    pub fn open(title: &str) -> FileAsk {
        FileAsk { mode: Mode::Open, title: title.to_owned(), folder: None, name: None, filters: Vec::new() }
    }

    pub fn open_many(title: &str) -> FileAsk {
        FileAsk { mode: Mode::OpenMany, ..FileAsk::open(title) }
    }

    /// Asks where to save, proposing `default` (its folder and its name).
    pub fn save(title: &str, default: &Path) -> FileAsk {
        let folder = default.parent().filter(|p| !p.as_os_str().is_empty()).map(Path::to_path_buf);
        let name = default.file_name().map(|n| n.to_string_lossy().into_owned());
        FileAsk { mode: Mode::Save, folder, name, ..FileAsk::open(title) }
    }

    /// Offers a file type (e.g. `("CSV table", &["csv"])`).
    pub fn filter(mut self, name: &str, extensions: &[&str]) -> FileAsk {
        self.filters.push((name.to_owned(), extensions.iter().map(|e| (*e).to_owned()).collect()));
        self
    }

    /// Starts in this folder.
    pub fn in_folder(mut self, folder: Option<&Path>) -> FileAsk {
        if let Some(folder) = folder.filter(|f| !f.as_os_str().is_empty()) {
            self.folder = Some(folder.to_path_buf());
        }
        self
    }

    /// True when `path` has one of the offered extensions (or nothing is filtered).
    pub fn accepts(&self, path: &Path) -> bool {
        let ext = path.extension().map(|e| e.to_string_lossy().to_lowercase());
        self.filters.is_empty()
            || self.filters.iter().flat_map(|(_, exts)| exts).any(|e| ext.as_deref() == Some(e.as_str()))
    }
}

/// Turns the chosen paths into what the workbench does with them.
pub type Answer = Box<dyn FnOnce(Vec<PathBuf>) -> Action + Send>;

/// Which chooser the user prefers (Settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChooserPreference {
    /// The system's dialog when the desktop has one, else Fieldcode's own.
    #[default]
    Automatic,
    /// Always Fieldcode's own chooser in the window.
    BuiltIn,
}

/// True when the system's file dialog can be shown: always on Windows and macOS; on Linux when a
/// display is set and the desktop portal has a file chooser or `zenity` is installed.
/// `FIELDCODE_FILE_DIALOG=builtin` forces the in-window chooser.
pub fn system_dialog_available() -> bool {
    if std::env::var("FIELDCODE_FILE_DIALOG").is_ok_and(|v| v.eq_ignore_ascii_case("builtin")) {
        return false;
    }
    if !cfg!(target_os = "linux") {
        return true;
    }
    super::has_display() && (on_path("zenity") || portal_has_file_chooser())
}

/// True when an executable called `name` is on `PATH`.
fn on_path(name: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(name).is_file()))
}

/// True when a D-Bus session is running and an installed portal back end offers `FileChooser`
/// (the `.portal` files of xdg-desktop-portal-gtk, -gnome, -kde, … list their interfaces).
fn portal_has_file_chooser() -> bool {
    let has_bus = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some()
        || std::env::var_os("XDG_RUNTIME_DIR").is_some_and(|d| Path::new(&d).join("bus").exists());
    if !has_bus {
        return false;
    }
    let data_dirs = std::env::var("XDG_DATA_DIRS").unwrap_or_else(|_| "/usr/local/share:/usr/share".into());
    data_dirs.split(':').filter(|d| !d.is_empty()).any(|dir| {
        let Ok(entries) = std::fs::read_dir(Path::new(dir).join("xdg-desktop-portal/portals")) else { return false };
        entries.flatten().take(64).any(|entry| {
            std::fs::read_to_string(entry.path())
                .is_ok_and(|text| text.contains("org.freedesktop.impl.portal.FileChooser"))
        })
    })
}

/// Shows the system's dialog (blocking: call it off the UI thread). `None` when cancelled.
pub fn ask_system(ask: &FileAsk) -> Option<Vec<PathBuf>> {
    let mut dialog = rfd::FileDialog::new().set_title(&ask.title);
    for (name, exts) in &ask.filters {
        dialog = dialog.add_filter(name, exts);
    }
    if let Some(folder) = &ask.folder {
        dialog = dialog.set_directory(folder);
    }
    if let Some(name) = &ask.name {
        dialog = dialog.set_file_name(name);
    }
    match ask.mode {
        Mode::Open => dialog.pick_file().map(|f| vec![f]),
        Mode::OpenMany => dialog.pick_files(),
        Mode::Save => dialog.save_file().map(|f| vec![f]),
    }
}

/// Fieldcode's own chooser, drawn as a window inside the workbench.
pub struct InAppChooser {
    ask: FileAsk,
    dialog: egui_file::FileDialog,
    answer: Option<Answer>,
}

impl InAppChooser {
    pub fn new(ask: FileAsk, answer: Answer) -> InAppChooser {
        let folder = ask.folder.clone().or_else(|| std::env::current_dir().ok()).unwrap_or_default();
        let mut dialog = match ask.mode {
            Mode::Open => egui_file::FileDialog::open_file(),
            Mode::OpenMany => egui_file::FileDialog::open_file().multi_select(true),
            Mode::Save => egui_file::FileDialog::save_file(),
        }
        .title(&ask.title)
        .initial_path(folder)
        .default_size([640.0, 420.0])
        .default_pos([80.0, 80.0])
        .show_new_folder(ask.mode == Mode::Save)
        .show_rename(false);
        if let Some(name) = &ask.name {
            dialog = dialog.default_filename(name.clone());
        }
        if ask.mode != Mode::Save && !ask.filters.is_empty() {
            let filter_ask = ask.clone();
            dialog = dialog.show_files_filter(Box::new(move |path: &Path| filter_ask.accepts(path)));
        }
        dialog.open();
        InAppChooser { ask, dialog, answer: Some(answer) }
    }

    pub fn title(&self) -> &str {
        &self.ask.title
    }

    /// Draws the chooser. Returns `Some(action)` once a choice is made (or `Some(None)` when
    /// the chooser was closed without one); `None` while it stays open.
    pub fn show(&mut self, ctx: &egui::Context) -> Option<Option<Action>> {
        self.dialog.show(ctx);
        match self.dialog.state() {
            egui_file::State::Open => None,
            egui_file::State::Selected => {
                let paths = self.chosen();
                let answer = self.answer.take()?;
                Some((!paths.is_empty()).then(|| answer(paths)))
            }
            egui_file::State::Cancelled | egui_file::State::Closed => Some(None),
        }
    }

    /// The chosen paths; a file saved without an extension gets the first offered one.
    fn chosen(&self) -> Vec<PathBuf> {
        let mut paths: Vec<PathBuf> = match self.ask.mode {
            Mode::OpenMany => self.dialog.selection().into_iter().map(Path::to_path_buf).collect(),
            _ => self.dialog.path().map(Path::to_path_buf).into_iter().collect(),
        };
        if self.ask.mode == Mode::Save
            && let (Some(path), Some(ext)) = (paths.first_mut(), self.ask.filters.first().and_then(|f| f.1.first()))
            && path.extension().is_none()
        {
            path.set_extension(ext);
        }
        paths
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn save_splits_the_default_into_folder_and_name() {
        let ask = FileAsk::save("Save", Path::new("/tmp/study-excerpts.csv")).filter("CSV", &["csv"]);
        assert_eq!(ask.folder.as_deref(), Some(Path::new("/tmp")));
        assert_eq!(ask.name.as_deref(), Some("study-excerpts.csv"));
        assert!(ask.accepts(Path::new("a.CSV")));
        assert!(!ask.accepts(Path::new("a.txt")));
    }
}
