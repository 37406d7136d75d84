//! kill -9 at random points (a fixed seed) of the real binary while it imports, autocodes and
//! merges, and two writers with a reader on one project: after each, the project passes SQLite's
//! integrity and foreign-key checks, every document is whole, every bulk change is all or
//! nothing, and undo/redo still work.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::util::{Scratch, fieldcode, s};

/// A small deterministic generator, so every run kills at the same points.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % below
    }
}

const WORDS: [&str; 12] =
    ["referral", "the", "surgery", "client", "phone", "walking", "group", "café", "waiting", "list", "trust", "visit"];

/// A transcript of about `chars` characters with speaker turns.
fn transcript(rng: &mut Lcg, chars: usize) -> String {
    let mut text = String::new();
    while text.len() < chars {
        text.push_str(&format!("LW{}: ", rng.next(9) + 1));
        for _ in 0..20 + rng.next(40) {
            text.push_str(WORDS[rng.next(WORDS.len() as u64) as usize]);
            text.push(' ');
        }
        text.push_str(".\n\n");
    }
    text
}

fn spawn(args: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_fieldcode"))
        .args(args)
        .env("FIELDCODE_CODER", "tester")
        .env("FIELDCODE_BACKUPS", "off")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn fieldcode")
}

/// Runs `args` and kills it after `delay` (it may have finished already: both are fine).
fn kill_after(args: &[&str], delay: Duration) {
    let mut child = spawn(args);
    std::thread::sleep(delay);
    // The process may have exited on its own before the kill: that is one of the cases too.
    let _ = child.kill();
    child.wait().expect("wait for fieldcode");
}

fn one(conn: &rusqlite::Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// The checks every state must pass; returns (documents, codings).
fn assert_sound(project: &Path) -> (i64, i64) {
    fieldcode(&["check", s(project)]).ok();
    let conn = rusqlite::Connection::open(project).unwrap();
    let problems: i64 = one(&conn, "SELECT count(*) FROM pragma_foreign_key_check");
    assert_eq!(problems, 0, "foreign keys hold");
    let torn = one(
        &conn,
        "SELECT count(*) FROM document d WHERE length(d.text) <> d.char_count
           OR (d.char_count > 0 AND length(d.paragraphs) = 0)
           OR (d.kind IN ('interview', 'focus-group') AND NOT EXISTS (SELECT 1 FROM turn t WHERE t.document_id = d.id))",
    );
    assert_eq!(torn, 0, "every document is whole: its text, length, paragraphs and turns");
    (one(&conn, "SELECT count(*) FROM document"), one(&conn, "SELECT count(*) FROM coding"))
}

fn files(scratch: &Scratch, rng: &mut Lcg, n: usize) -> Vec<PathBuf> {
    (0..n).map(|i| scratch.write(&format!("in/t{i:02}.txt"), transcript(rng, 60_000))).collect()
}

#[test]
fn killed_imports_autocodes_and_merges_leave_a_sound_project() {
    let scratch = Scratch::new();
    let mut rng = Lcg(7);
    let inputs = files(&scratch, &mut rng, 24);
    let project = scratch.path("study.fieldcode");
    fieldcode(&["new", s(&project)]).ok();
    fieldcode(&["add-code", s(&project), "Trust"]).ok();
    let mut import: Vec<&str> = vec!["import", s(&project)];
    import.extend(inputs.iter().map(|p| s(p)));
    for round in 0..4 {
        kill_after(&import, Duration::from_millis(20 + rng.next(400)));
        let (docs, _) = assert_sound(&project);
        assert!(docs <= inputs.len() as i64, "round {round}: {docs} documents");
    }
    fieldcode(&import).ok();
    let (docs, _) = assert_sound(&project);
    assert_eq!(docs, inputs.len() as i64, "a full import after the kills adds the rest, once each");

    let autocode = ["autocode", s(&project), "--code", "Trust", "--words", "trust,waiting", "--unit", "sentence"];
    for _ in 0..4 {
        kill_after(&autocode, Duration::from_millis(20 + rng.next(600)));
        let (_, codings) = assert_sound(&project);
        let done = fieldcode(&["history", s(&project), "--json"]).ok().json();
        let autocodes = done.as_array().unwrap().iter().filter(|e| e["kind"] == "autocode").count();
        assert!(autocodes <= 1, "one autocode at most");
        assert!(autocodes == 1 || codings == 0, "all or nothing: {codings} codings without an autocode entry");
    }
    fieldcode(&autocode).ok();
    let (_, coded) = assert_sound(&project);
    assert!(coded > 0);

    let theirs = scratch.path("theirs.fieldcode");
    std::fs::copy(&project, &theirs).unwrap();
    let words = ["autocode", s(&theirs), "--code", "Trust", "--words", "visit", "--coder", "ben"];
    fieldcode(&words).ok();
    let merge = ["merge", s(&project), s(&theirs)];
    for _ in 0..4 {
        kill_after(&merge, Duration::from_millis(20 + rng.next(500)));
        let (_, codings) = assert_sound(&project);
        let merged = codings > coded;
        let conn = rusqlite::Connection::open(&project).unwrap();
        let ben = one(&conn, "SELECT count(*) FROM coding c JOIN coder k ON k.id = c.coder_id WHERE k.name = 'ben'");
        assert_eq!(merged, ben > 0, "a merge lands whole or not at all");
    }
    fieldcode(&["undo", s(&project)]).ok();
    fieldcode(&["redo", s(&project)]).ok();
    assert_sound(&project);
}

#[test]
fn two_writers_and_a_reader_lose_nothing_and_see_no_error() {
    let scratch = Scratch::new();
    let mut rng = Lcg(3);
    let input = scratch.write("t.txt", transcript(&mut rng, 4_000));
    let project = scratch.path("study.fieldcode");
    fieldcode(&["new", s(&project)]).ok();
    fieldcode(&["import", s(&project), s(&input)]).ok();
    fieldcode(&["add-code", s(&project), "Trust"]).ok();
    let writer = |coder: &'static str, p: PathBuf| {
        std::thread::spawn(move || {
            for i in 0..40 {
                let (start, end) = ((i * 3).to_string(), (i * 3 + 7).to_string());
                let args = ["code", s(&p), "--doc", "t", "--code", "Trust", "--start", &start, "--end", &end];
                let run = fieldcode(&[&args[..], &["--coder", coder]].concat());
                assert_eq!(run.status, 0, "{coder} run {i}: {}", run.stderr);
            }
        })
    };
    let reader = {
        let p = project.clone();
        std::thread::spawn(move || {
            let mut seen = 0;
            for _ in 0..40 {
                let run = fieldcode(&["codings", s(&p), "--json"]);
                assert_eq!(run.status, 0, "reader: {}", run.stderr);
                let now = run.json().as_array().unwrap().len();
                assert!(now >= seen, "codings never go missing: {now} after {seen}");
                seen = now;
            }
        })
    };
    for handle in [writer("ana", project.clone()), writer("ben", project.clone()), reader] {
        handle.join().expect("thread");
    }
    let (_, codings) = assert_sound(&project);
    assert_eq!(codings, 80);
}

#[test]
fn an_import_that_fills_the_disk_stops_with_one_message_naming_the_project() {
    let scratch = Scratch::new();
    let mut rng = Lcg(5);
    let inputs = files(&scratch, &mut rng, 6);
    let path = scratch.path("full.fieldcode");
    let mut project = fieldcode::Project::create(&path).unwrap();
    // SQLite's page limit makes the file "full" just as a full disk does (SQLITE_FULL).
    let pages: i64 = project.conn().query_row("PRAGMA page_count", [], |r| r.get(0)).unwrap();
    project.conn().query_row(&format!("PRAGMA max_page_count = {}", pages + 12), [], |_| Ok(())).unwrap();
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let outcomes = fieldcode::import::import_paths(&mut project, &inputs, &Default::default(), &mut |_| {}, &cancel);
    let failures: Vec<String> = outcomes.iter().filter(|o| o.is_failure()).map(|o| format!("{o:?}")).collect();
    assert_eq!(failures.len(), 1, "one message, not one per file: {failures:?}");
    assert!(failures[0].contains("DiskFull") && failures[0].contains("full.fieldcode"), "{}", failures[0]);
    assert!(outcomes.len() < inputs.len(), "the import stopped at the first full-disk error");
    drop(project);
    let (docs, _) = assert_sound(&path);
    assert!(docs < inputs.len() as i64);
}
