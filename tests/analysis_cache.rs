//! The analysis loader's per-document coding cache (`coding_cache`): whatever writes the codings
//! and whatever state the cache is in, a loaded corpus equals one loaded from `coding` alone.

use fieldcode::Project;
use fieldcode::analysis::{Codings, Corpus};
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

#[test]
fn any_change_to_codings_drops_just_that_documents_entry() {
    let dir = tempfile::tempdir().unwrap();
    let path = synth_project(&dir);
    let project = Project::open(&path).unwrap();
    let docs = Corpus::load(&project).unwrap().documents.len() as i64;
    let conn = project.conn();
    // Writers other than Fieldcode's command layer too: the triggers live in the file.
    conn.execute("DELETE FROM coding WHERE id = (SELECT min(id) FROM coding)", []).unwrap();
    assert_eq!(entries(&project), docs - 1);
    conn.execute("UPDATE coding SET \"end\" = \"end\" + 1 WHERE id = (SELECT max(id) FROM coding)", []).unwrap();
    conn.execute(
        "INSERT INTO coding (guid, document_id, code_id, coder_id, start, \"end\", created_at)
         SELECT 'extra', document_id, code_id, coder_id, 0, 1, created_at FROM coding WHERE id = (SELECT max(id) FROM coding)",
        [],
    )
    .unwrap();
    let changed = docs - entries(&project);
    assert!((1..=2).contains(&changed), "{changed} entries dropped");
    let reloaded = Corpus::load(&project).unwrap();
    assert_eq!(entries(&project), docs, "the load re-caches the changed documents");
    assert_eq!(reloaded.codings.len(), 900);
    assert_eq!(uncached(&path), reloaded.codings);
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
