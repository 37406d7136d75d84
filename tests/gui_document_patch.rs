//! The open document patched in memory after an edit (`gui::document_patch`) must equal the
//! document read again from the project: same text, hash, paragraphs, headings and codings, after
//! many random edits inside paragraphs, some of which remove codings.

use fieldcode::coding::text_ops::{self, EditReport};
use fieldcode::coding::{Command, Mode};
use fieldcode::gui::document_patch::CommittedEdit;
use fieldcode::gui::document_view::DocumentView;
use fieldcode::store::{Project, documents, participants};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const NEW_TEXTS: [&str; 7] = ["", "x", "new words", "é", "line\r\nbreak", "[0:01:07] ", "Ünïcödé ✓"];

fn load(project: &Project, doc: i64) -> DocumentView {
    let name = documents::list(project.conn()).unwrap().into_iter().find(|d| d.id == doc).unwrap().name;
    DocumentView::load(project.conn(), doc, &name, &participants::list(project.conn()).unwrap()).unwrap()
}

/// What the viewer shows of a document, for comparing two views.
fn shown(v: &DocumentView) -> impl PartialEq + std::fmt::Debug + use<> {
    let codings: Vec<(i64, usize, usize)> = v.codings.iter().map(|c| (c.id, c.start, c.end)).collect();
    (
        v.text.clone(),
        v.sha256.clone(),
        v.paragraphs.clone(),
        v.bytes.clone(),
        v.headings.clone(),
        codings,
        v.by_paragraph.clone(),
    )
}

/// A random replacement inside one paragraph of the view (as the paragraph editor makes them).
fn random_edit(rng: &mut StdRng, view: &DocumentView, doc: i64) -> Command {
    let para = view.paragraphs[rng.random_range(0..view.paragraphs.len())];
    let len = para.end - para.start;
    let start = para.start + rng.random_range(0..=len);
    let end = (start + rng.random_range(0..=12)).min(para.end);
    let text = NEW_TEXTS[rng.random_range(0..NEW_TEXTS.len())].to_owned();
    Command::EditText { doc, start, end, text, expect_sha256: Some(view.sha256.clone()) }
}

/// The deletion of the whole text of a coding that lies inside one paragraph (removing it).
fn delete_a_coding(rng: &mut StdRng, view: &DocumentView, doc: i64) -> Option<Command> {
    let inside: Vec<_> =
        view.codings.iter().filter(|c| view.paragraph_of(c.start) == view.paragraph_of(c.end - 1)).collect();
    let c = inside.get(rng.random_range(0..inside.len().max(1)))?;
    let expect_sha256 = Some(view.sha256.clone());
    Some(Command::EditText { doc, start: c.start, end: c.end, text: String::new(), expect_sha256 })
}

fn patch(view: &mut DocumentView, project: &Project, command: &Command, report: &EditReport) -> bool {
    let sha256 = documents::sha256(project.conn(), view.id).unwrap();
    let edit = CommittedEdit::of(command, report, sha256).expect("an edit that changed the text");
    view.patch_edit(&edit)
}

#[test]
fn a_patched_view_equals_the_document_read_again_after_random_edits() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.fieldcode");
    let mut project = fieldcode::demo::build(&path).unwrap();
    let mut rng = StdRng::seed_from_u64(16);
    let (mut edits, mut removals) = (0, 0);
    for doc in documents::list(project.conn()).unwrap().into_iter().map(|d| d.id).take(4) {
        let mut view = load(&project, doc);
        for i in 0..40 {
            let command = match i % 8 {
                0 => delete_a_coding(&mut rng, &view, doc).unwrap_or_else(|| random_edit(&mut rng, &view, doc)),
                _ => random_edit(&mut rng, &view, doc),
            };
            let written = text_ops::run(&mut project, "tester", &command, Mode::Commit).unwrap();
            if written.value.documents.is_empty() {
                continue; // the range already read so
            }
            assert!(patch(&mut view, &project, &command, &written.value), "the edit fits the view");
            edits += 1;
            removals += written.value.removed.len();
            assert_eq!(shown(&view), shown(&load(&project, doc)), "after {command:?}");
        }
    }
    assert!(edits > 100, "most random edits changed something ({edits})");
    assert!(removals > 0, "some edits removed codings, and the view dropped them too");
}

#[test]
fn an_edit_outside_the_view_text_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let project = fieldcode::demo::build(&dir.path().join("demo.fieldcode")).unwrap();
    let doc = documents::list(project.conn()).unwrap()[0].id;
    let mut view = load(&project, doc);
    let chars = view.chars.char_len();
    let before = shown(&view);
    let edit = CommittedEdit { start: chars, end: chars + 1, new: "x".into(), removed: Vec::new(), sha256: "x".into() };
    assert!(!view.patch_edit(&edit));
    assert_eq!(shown(&view), before);
}
