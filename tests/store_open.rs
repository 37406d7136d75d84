//! Opening project files: locking, migrations from the first version.

use crate::util::BEFORE_V8;
use fieldcode::Error;
use fieldcode::store::{Project, migrate};

#[test]
fn a_project_locked_by_another_writer_is_reported_as_locked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.fieldcode");
    drop(Project::create(&path).unwrap());
    let holder = rusqlite::Connection::open(&path).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE;").unwrap();
    let err = Project::open(&path).unwrap_err();
    assert!(matches!(err, Error::Locked { .. }), "{err:?}");
    assert!(err.to_string().contains("in use by another program"));
    holder.execute_batch("ROLLBACK;").unwrap();
    Project::open(&path).unwrap();
}

#[test]
fn new_projects_carry_the_application_id_and_current_version() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.fieldcode");
    let project = Project::create(&path).unwrap();
    let conn = project.conn();
    let app: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0)).unwrap();
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    let fk: i64 = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap();
    let journal: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(app, fieldcode::store::APPLICATION_ID);
    assert_eq!(version, migrate::SCHEMA_VERSION);
    assert_eq!((fk, journal.as_str()), (1, "wal"));
    assert_eq!(project.info("name").unwrap().as_deref(), Some("p"));
}

#[test]
fn version_one_fixture_opens_and_is_upgraded() {
    // tests/fixtures/v1.fieldcode was written by the first shipped schema; every later schema must
    // open it, upgrading it in place, and keep its documents.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.fieldcode");
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/v1.fieldcode"), &path).unwrap();
    let project = Project::open(&path).unwrap();
    let version: i64 = project.conn().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, migrate::SCHEMA_VERSION);
    let docs = fieldcode::store::documents::list(project.conn()).unwrap();
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].speakers, ["Facilitator", "LW3", "TL1", "LW4"]);
}

/// Tables, indexes and triggers, with their SQL, whitespace-normalised.
fn schema_objects(conn: &rusqlite::Connection) -> Vec<(String, String, String)> {
    let mut stmt = conn
        .prepare("SELECT type, name, coalesce(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name")
        .unwrap();
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, String>(2)?))).unwrap();
    rows.map(|r| {
        let (kind, name, sql) = r.unwrap();
        (kind, name, sql.split_whitespace().collect::<Vec<_>>().join(" "))
    })
    .collect()
}

#[test]
fn an_upgraded_first_version_has_exactly_the_schema_of_a_new_project() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("v1.fieldcode");
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/v1.fieldcode"), &old).unwrap();
    let upgraded = Project::open(&old).unwrap();
    let new = Project::create(dir.path().join("new.fieldcode")).unwrap();
    let (a, b) = (schema_objects(upgraded.conn()), schema_objects(new.conn()));
    assert!(a.iter().any(|o| o.1 == "coding_cache"), "the v2 step ran");
    assert_eq!(a, b);
}

#[test]
fn an_import_puts_the_connection_back_and_leaves_no_broken_reference() {
    use fieldcode::import::{ImportOptions, import_paths};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.fieldcode");
    let mut files: Vec<_> = (0..3)
        .map(|i| {
            let file = dir.path().join(format!("FG{i}.md"));
            let text = format!("---\nsite: site {i}\n---\nLW{i}: we phoned the surgery.\nTL1: and then?\nLW9: {i}\n");
            std::fs::write(&file, text).unwrap();
            file
        })
        .collect();
    files.push(files[0].clone()); // a duplicate, skipped: its transaction is rolled back
    let mut project = Project::create(&path).unwrap();
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let options = ImportOptions { attributes: vec![("provider".into(), "Northfield".into())], ..Default::default() };
    let outcomes = import_paths(&mut project, &files, &options, &mut |_| {}, &cancel);
    assert!(outcomes.iter().all(|o| !o.is_failure()));
    let pragma = |name: &str| -> i64 { project.conn().query_row(&format!("PRAGMA {name}"), [], |r| r.get(0)).unwrap() };
    assert_eq!(pragma("wal_autocheckpoint"), 1000);
    assert_eq!(pragma("foreign_keys"), 1, "foreign key checks are back on after the import");
    let count = |sql: &str| -> i64 { project.conn().query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(count("SELECT count(*) FROM turn"), 9, "turns were imported");
    assert_eq!(count("SELECT count(*) FROM document_attribute"), 6, "site and provider of each document");
    assert_eq!(count("SELECT count(*) FROM pragma_foreign_key_check"), 0, "every reference points at a row");
    drop(project);
    let reopened = Project::open(&path).unwrap();
    assert_eq!(fieldcode::store::documents::count(reopened.conn()).unwrap(), 3);
}

#[test]
fn a_version_four_project_gets_the_media_link_table_and_keeps_its_documents() {
    // A version-4 file is a current one without what versions 5 and 6 added (media_link, media_chunk).
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("v4.fieldcode");
    drop(fieldcode::demo::build(&old).unwrap());
    let docs_before = {
        let conn = rusqlite::Connection::open(&old).unwrap();
        conn.execute_batch(&format!(
            "{BEFORE_V8} DROP TABLE media_link; DROP TABLE media_chunk; {V5_INDEXES} PRAGMA user_version = 4;"
        ))
        .unwrap();
        let n: i64 = conn.query_row("SELECT count(*) FROM document", [], |r| r.get(0)).unwrap();
        n
    };
    let upgraded = Project::open(&old).unwrap();
    let version: i64 = upgraded.conn().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, migrate::SCHEMA_VERSION);
    let docs: i64 = upgraded.conn().query_row("SELECT count(*) FROM document", [], |r| r.get(0)).unwrap();
    assert_eq!(docs, docs_before);
    let links: i64 = upgraded.conn().query_row("SELECT count(*) FROM media_link", [], |r| r.get(0)).unwrap();
    assert_eq!(links, 0, "an upgraded project has no links yet");
    let new = Project::create(dir.path().join("new.fieldcode")).unwrap();
    assert_eq!(schema_objects(upgraded.conn()), schema_objects(new.conn()));
}

/// The indexes of versions 1 to 5 that version 6 replaced.
/// Takes a current file back to before version 7 (no stored recordings): media_link as version 5
/// made it, its rows kept, and no media_chunk.
const BEFORE_V7: &str = concat!(
    "DROP TABLE media_chunk;
     CREATE TEMP TABLE kept_link AS
         SELECT document_id, path, size, sha256, offset_ms, linked_at, linked_by FROM media_link;
     DROP TABLE media_link;",
    include_str!("../src/store/migrations/v5_media_link.sql"),
    "INSERT INTO media_link SELECT * FROM kept_link; DROP TABLE kept_link;"
);

const V5_INDEXES: &str = "DROP INDEX turn_by_document; CREATE INDEX turn_by_document ON turn (document_id, start);
     CREATE INDEX coding_by_document ON coding (document_id, start);";

#[test]
fn a_version_five_project_gets_the_edit_indexes_and_keeps_its_codings() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("v5.fieldcode");
    drop(fieldcode::demo::build(&old).unwrap());
    let count = |conn: &rusqlite::Connection, sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
    let (codings, turns) = {
        let conn = rusqlite::Connection::open(&old).unwrap();
        conn.execute_batch(&format!("{BEFORE_V8} {BEFORE_V7} {V5_INDEXES} PRAGMA user_version = 5;")).unwrap();
        (count(&conn, "SELECT count(*) FROM coding"), count(&conn, "SELECT count(*) FROM turn"))
    };
    assert!(codings > 0 && turns > 0, "the demo has codings and turns to keep");
    let upgraded = Project::open(&old).unwrap();
    assert_eq!(count(upgraded.conn(), "PRAGMA user_version"), migrate::SCHEMA_VERSION);
    assert_eq!(count(upgraded.conn(), "SELECT count(*) FROM coding"), codings);
    assert_eq!(count(upgraded.conn(), "SELECT count(*) FROM turn"), turns);
    let start_indexes = "SELECT count(*) FROM sqlite_master WHERE name IN ('coding_by_document') \
                         OR (name = 'turn_by_document' AND sql LIKE '%start%')";
    assert_eq!(count(upgraded.conn(), start_indexes), 0, "no index holds a start any more");
    let new = Project::create(dir.path().join("new.fieldcode")).unwrap();
    assert_eq!(schema_objects(upgraded.conn()), schema_objects(new.conn()));
}

#[test]
fn a_version_seven_project_reads_the_same_positions_and_edits_and_undoes_exactly() {
    use fieldcode::coding::{self, Command};
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("v7.fieldcode");
    drop(fieldcode::demo::build(&old).unwrap());
    let rows = |conn: &rusqlite::Connection, table: &str| -> Vec<Vec<rusqlite::types::Value>> {
        let mut stmt = conn.prepare(&format!("SELECT * FROM {table} ORDER BY id")).unwrap();
        let n = stmt.column_count();
        stmt.query_map([], |r| (0..n).map(|i| r.get(i)).collect()).unwrap().map(|r| r.unwrap()).collect()
    };
    let (codings, turns) = {
        let conn = rusqlite::Connection::open(&old).unwrap();
        conn.execute_batch(&format!("BEGIN; {BEFORE_V8} PRAGMA user_version = 7; COMMIT;")).unwrap();
        (rows(&conn, "coding"), rows(&conn, "turn"))
    };
    assert!(codings.len() > 10 && turns.len() > 10, "the demo has codings and turns");
    let mut upgraded = Project::open(&old).unwrap();
    assert_eq!(rows(upgraded.conn(), "coding"), codings, "every coding reads as it was");
    assert_eq!(rows(upgraded.conn(), "turn"), turns);
    let new = Project::create(dir.path().join("new.fieldcode")).unwrap();
    assert_eq!(schema_objects(upgraded.conn()), schema_objects(new.conn()));
    // An edit in the middle of the first transcript, then undo: the rows come back exactly.
    let first = "SELECT id, char_count FROM document d WHERE EXISTS (SELECT 1 FROM turn WHERE document_id = d.id) \
                 ORDER BY id LIMIT 1";
    let (doc, len): (i64, i64) = upgraded.conn().query_row(first, [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    let at = len as usize / 2;
    let edit = Command::EditText { doc, start: at, end: at, text: "[sic] ".into(), expect_sha256: None };
    coding::apply(&mut upgraded, "rosa", edit).unwrap();
    assert!(rows(upgraded.conn(), "turn") != turns, "the turns after the edit moved");
    assert!(coding::undo(&mut upgraded).unwrap().is_some());
    assert!(rows(upgraded.conn(), "coding") == codings, "undo puts every coding back");
    assert!(rows(upgraded.conn(), "turn") == turns, "undo puts every turn back");
    let gap_sql = "SELECT gap FROM document WHERE id = ?1";
    let gap: Option<i64> = upgraded.conn().query_row(gap_sql, [doc], |r| r.get(0)).unwrap();
    assert_eq!(gap, None, "the gap is back past the end");
}
