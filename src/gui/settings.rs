//! Per-user preferences kept in eframe storage (never project data): coder name, font size,
//! theme and recently opened projects. Every field has a default so older stored settings load.

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
}

impl Default for Settings {
    fn default() -> Self {
        Settings { coder: crate::store::default_actor(), font_size: 15.0, dark: false, recent: Vec::new() }
    }
}

impl Settings {
    /// Puts `path` first in the recent list (once), trimming the list.
    pub fn remember(&mut self, path: &Path) {
        if path == Path::new(":memory:") {
            return;
        }
        let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        self.recent.retain(|p| p != &path);
        self.recent.insert(0, path);
        self.recent.truncate(MAX_RECENT);
    }

    /// The font size clamped to a readable range.
    pub fn text_size(&self) -> f32 {
        self.font_size.clamp(9.0, 32.0)
    }
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
