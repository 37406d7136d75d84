//! Dragging files and folders onto the workbench window, through egui's `dropped_files` input as
//! the windowing layer delivers it: a folder of notes is imported into the open project, a
//! `.fieldcode` file is opened, and a drop with no project open is refused with a message.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use egui_kittest::kittest::Queryable;

use crate::gui_support::{H, app, confirm_import, harness, message, settle};

/// A file as eframe hands it over on a native platform.
#[derive(Debug)]
struct Dropped(PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

fn drop_on(h: &mut H, paths: &[&Path]) {
    for path in paths {
        h.input_mut().dropped_files.push(Arc::new(Dropped(path.to_path_buf())));
    }
    h.step();
}

fn document_names(h: &H) -> Vec<String> {
    let wb = h.state().workbench.as_ref().expect("a project is open");
    wb.documents.iter().map(|d| d.name.clone()).collect()
}

#[test]
fn a_dropped_project_file_opens_and_a_dropped_folder_is_imported() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("study.fieldcode");
    drop(fieldcode::Project::create(&project).unwrap());
    let notes = dir.path().join("notes");
    std::fs::create_dir_all(notes.join("week 2")).unwrap();
    std::fs::write(notes.join("FN30-library.md"), "---\nsite: library\n---\nThe link worker met M. in the library.\n")
        .unwrap();
    std::fs::write(
        notes.join("week 2/INT09.txt"),
        "Interviewer: How is it going?\nLW07: Busy. The phones never stop.\n",
    )
    .unwrap();
    std::fs::write(notes.join("photo.jpg"), [0xFF, 0xD8, 0xFF]).unwrap();

    let mut h = harness(app());
    h.run_steps(2);
    drop_on(&mut h, &[&project]);
    settle(&mut h);
    assert_eq!(document_names(&h), Vec::<String>::new(), "the dropped project is open");

    drop_on(&mut h, &[&notes]);
    settle(&mut h);
    confirm_import(&mut h);
    let mut names = document_names(&h);
    names.sort();
    assert_eq!(names, ["FN30-library", "INT09"], "supported files in the folder, recursively");
    let reopened = fieldcode::Project::open(&project).unwrap();
    let docs = fieldcode::store::documents::list(reopened.conn()).unwrap();
    let interview = docs.iter().find(|d| d.name == "INT09").unwrap();
    assert_eq!(interview.speakers, ["Interviewer", "LW07"]);
}

#[test]
fn files_dropped_with_no_project_open_are_refused_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let note = dir.path().join("FN01.md");
    std::fs::write(&note, "A note.\n").unwrap();
    let mut h = harness(app());
    h.run_steps(2);
    drop_on(&mut h, &[&note]);
    h.run_steps(2);
    assert!(h.state().workbench.is_none());
    let message = message(&h);
    assert!(message.contains("Open or create a project first"), "{message}");
    assert!(h.query_by_label_contains("Open or create a project first").is_some(), "shown in the window");
}
