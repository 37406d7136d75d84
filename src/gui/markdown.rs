//! Memo and comment text rendered as Markdown when it is read (egui_commonmark, without image
//! loading, so nothing is ever fetched); it is edited as plain text in the memo editors. The
//! renderer's cache lives once in egui's memory.

use std::sync::{Arc, Mutex};

use egui::{Id, Ui};
use egui_commonmark::{CommonMarkCache, CommonMarkViewer};

type Cache = Arc<Mutex<CommonMarkCache>>;

/// Draws `text` as Markdown; `salt` tells apart several texts in one window.
pub fn show(ui: &mut Ui, salt: impl std::hash::Hash + std::fmt::Debug, text: &str) {
    let key = Id::unique("fieldcode-markdown-cache");
    let cache: Cache = ui.data_mut(|d| d.get_temp_mut_or_default::<Cache>(key).clone());
    ui.push_id(salt, |ui| match cache.lock() {
        Ok(mut cache) => {
            CommonMarkViewer::new().show(ui, &mut cache, text);
        }
        Err(_) => {
            ui.label(text);
        }
    });
}
