//! Per-user preferences kept in eframe storage (never project data): coder name, font size,
//! theme and recently opened projects. Every field has a default so older stored settings load.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// How many recent projects the welcome screen remembers.
const MAX_RECENT: usize = 8;

/// The eframe storage key of [`Settings`].
pub const STORAGE_KEY: &str = "fieldcode-settings";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The name recorded on codings made in this workbench.
    pub coder: String,
    /// Point size of document text in the viewer.
    pub font_size: f32,
    pub dark: bool,
    /// Most recent first.
    pub recent: Vec<PathBuf>,
    /// Widen selections made by dragging to whole words.
    pub snap_words: bool,
    /// The side panels shown (either can be hidden on a small screen).
    pub show_documents: bool,
    pub show_codebook: bool,
    /// Width of the speaker column beside a transcript, in points (dragged by the user).
    pub speaker_width: f32,
    /// Codes pinned to the quick-code keys 1–9, by project file: the codes' GUIDs by slot.
    pub quick_pins: BTreeMap<PathBuf, Vec<Option<String>>>,
    /// Collapsed themes of the codebook, by project file: the codes' GUIDs.
    pub collapsed_codes: BTreeMap<PathBuf, Vec<String>>,
    /// The system's file dialog where the desktop has one, or always Fieldcode's own.
    pub file_chooser: super::file_chooser::ChooserPreference,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            coder: crate::store::default_actor(),
            font_size: 15.0,
            dark: false,
            recent: Vec::new(),
            snap_words: false,
            show_documents: true,
            show_codebook: true,
            speaker_width: 120.0,
            quick_pins: BTreeMap::new(),
            collapsed_codes: BTreeMap::new(),
            file_chooser: Default::default(),
        }
    }
}

impl Settings {
    /// Puts `path` first in the recent list (once), trimming the list.
    pub fn remember(&mut self, path: &Path) {
        if path == Path::new(":memory:") {
            return;
        }
        let path = key(path);
        self.recent.retain(|p| p != &path);
        self.recent.insert(0, path);
        self.recent.truncate(MAX_RECENT);
    }

    /// The quick-code pins kept for a project (codes' GUIDs by slot).
    pub fn pins(&self, project: &Path) -> &[Option<String>] {
        self.quick_pins.get(&key(project)).map_or(&[], Vec::as_slice)
    }

    /// Keeps a project's quick-code pins (none: forgets the project's entry).
    pub fn set_pins(&mut self, project: &Path, pins: &[Option<String>]) {
        if project == Path::new(":memory:") {
            return;
        }
        match pins.iter().any(Option::is_some) {
            true => self.quick_pins.insert(key(project), pins.to_vec()),
            false => self.quick_pins.remove(&key(project)),
        };
    }

    /// The codebook themes kept collapsed for a project (codes' GUIDs).
    pub fn collapsed(&self, project: &Path) -> &[String] {
        self.collapsed_codes.get(&key(project)).map_or(&[], Vec::as_slice)
    }

    /// Keeps a project's collapsed themes (none: forgets the project's entry).
    pub fn set_collapsed(&mut self, project: &Path, guids: Vec<String>) {
        if project == Path::new(":memory:") {
            return;
        }
        match guids.is_empty() {
            true => self.collapsed_codes.remove(&key(project)),
            false => self.collapsed_codes.insert(key(project), guids),
        };
    }

    /// The font size clamped to a readable range.
    pub fn text_size(&self) -> f32 {
        self.font_size.clamp(9.0, 32.0)
    }
}

/// A project's path as settings key it: canonical where it exists.
fn key(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remember_moves_to_front_without_duplicates() {
        let mut s = Settings { recent: vec![PathBuf::from("/a"), PathBuf::from("/b")], ..Settings::default() };
        s.remember(Path::new("/b"));
        assert_eq!(s.recent, vec![PathBuf::from("/b"), PathBuf::from("/a")]);
    }

    #[test]
    fn missing_fields_take_defaults() {
        let s: Settings = serde_json::from_str(r#"{"dark": true}"#).unwrap();
        assert!(s.dark);
        assert_eq!(s.font_size, 15.0);
    }
}
