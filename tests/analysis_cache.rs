//! The analysis loader's per-document coding cache (`coding_cache`): whichever command changes
//! the codings (and undo and redo), and whatever state the cache is in, a loaded corpus equals
//! one loaded from `coding` alone.

use fieldcode::Project;
use fieldcode::analysis::{Codings, Corpus};
use fieldcode::coding::{Command, SpanRef, apply, redo, undo};
use fieldcode::synth::{SynthOptions, generate};

fn synth_project(dir: &tempfile::TempDir) -> std::path::PathBuf {
    let path = dir.path().join("synth.fieldcode");
    generate(&path, &SynthOptions { docs: 12, chars: 3_000, codes: 20, codings: 900, seed: 7 }).unwrap();
    path
}

fn entries(project: &Project) -> i64 {
    project.conn().query_row("SELECT count(*) FROM coding_cache", [], |r| r.get(0)).unwrap()
}

/// The codings as loaded with the cache emptied first (straight from `coding`).
fn uncached(path: &std::path::Path) -> Codings {
    let project = Project::open(path).unwrap();
    project.conn().execute("DELETE FROM coding_cache", []).unwrap();
    Corpus::load(&project).unwrap().codings
}

#[test]
fn loading_fills_the_cache_and_a_cached_load_is_identical() {
    let dir = tempfile::tempdir().unwrap();
    let path = synth_project(&dir);
    let project = Project::open(&path).unwrap();
    let first = Corpus::load(&project).unwrap();
    assert_eq!(entries(&project), first.documents.len() as i64);
    let second = Corpus::load(&project).unwrap();
    assert_eq!(second.codings, first.codings);
    assert_eq!(first.codings.len(), 900);
    assert_eq!(uncached(&path), first.codings);
}

/// The first coding of the corpus: its id, document and code.
fn first_coding(corpus: &Corpus) -> (i64, i64, i64) {
    let c = &corpus.codings;
    (c.id[0], corpus.documents[c.doc[0] as usize].id, corpus.codes[c.code[0] as usize].id)
}

#[test]
fn every_change_to_codings_drops_its_documents_entry_and_undo_redo_too() {
    let dir = tempfile::tempdir().unwrap();
    let path = synth_project(&dir);
    let mut project = Project::open(&path).unwrap();
    let corpus = Corpus::load(&project).unwrap();
    let docs = corpus.documents.len() as i64;
    let (coding, document, code) = first_coding(&corpus);
    let coder = corpus.coders[0].0;
    let span = SpanRef { document, code, start: 0, end: 3 };
    let changes = [
        Command::AddCodings { coder: coder.into(), spans: vec![span], memo: None },
        Command::RemoveCodings { codings: vec![coding] },
    ];
    for command in changes {
        apply(&mut project, "test", command).unwrap();
        assert_eq!(entries(&project), docs - 1, "one document's entry is dropped");
        let reloaded = Corpus::load(&project).unwrap();
        assert_eq!(entries(&project), docs, "the load re-caches it");
        assert_eq!(uncached(&path), reloaded.codings);
    }
    for step in [undo, redo, undo] {
        step(&mut project).unwrap();
        assert_eq!(entries(&project), docs - 1);
        assert_eq!(Corpus::load(&project).unwrap().codings, uncached(&path));
    }
}

#[test]
fn a_malformed_entry_is_ignored_and_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let path = synth_project(&dir);
    let project = Project::open(&path).unwrap();
    let good = Corpus::load(&project).unwrap();
    project.conn().execute("UPDATE coding_cache SET codings = x'46434331FF'", []).unwrap();
    assert_eq!(Corpus::load(&project).unwrap().codings, good.codings);
    let sound: i64 = project
        .conn()
        .query_row("SELECT count(*) FROM coding_cache WHERE length(codings) % 32 = 4", [], |r| r.get(0))
        .unwrap();
    assert_eq!(sound, good.documents.len() as i64);
}

#[test]
fn a_read_only_connection_loads_correctly_without_writing() {
    let dir = tempfile::tempdir().unwrap();
    let path = synth_project(&dir);
    let expected = uncached(&path);
    let project = Project::open(&path).unwrap();
    project.conn().execute("DELETE FROM coding_cache", []).unwrap();
    drop(project);
    let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY;
    let conn = rusqlite::Connection::open_with_flags(&path, flags).unwrap();
    assert_eq!(Corpus::load_conn(&conn).unwrap().codings, expected);
    let left: i64 = conn.query_row("SELECT count(*) FROM coding_cache", [], |r| r.get(0)).unwrap();
    assert_eq!(left, 0);
}
