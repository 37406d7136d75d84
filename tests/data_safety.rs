//! Data safety (issue 13): hostile or broken input is refused with a message naming the file,
//! never crashes, hangs or fills memory, and nothing outside what the user named is read.
//! Each test is named after what it guards; all run the real binary.

use std::io::Write;
use std::path::Path;

use crate::util::{Run, Scratch, fieldcode, new_project, s};

/// Four times the largest file Fieldcode imports, in KiB: the most memory one import may take.
const MEMORY_BOUND_KIB: u64 = 4 * (fieldcode::import::MAX_FILE_BYTES >> 10);

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// A zip of `(name, bytes)` entries, deflated.
fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    for (name, bytes) in entries {
        zip.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
    out.into_inner()
}

/// A zip with one entry written in pieces, so a large part is never built in memory.
fn zip_streamed(path: &Path, entry: &str, head: &[u8], body: &[u8], times: usize, tail: &[u8]) {
    let file = std::fs::File::create(path).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    zip.start_file(entry, zip::write::SimpleFileOptions::default()).unwrap();
    zip.write_all(head).unwrap();
    for _ in 0..times {
        zip.write_all(body).unwrap();
    }
    zip.write_all(tail).unwrap();
    zip.finish().unwrap();
}

/// A `project.qde` with one user, one code and the given sources.
fn qde(sources: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Safety" origin="test">
<Users><User guid="11111111-2222-3333-4444-555555555555" name="Nadia"/></Users>
<CodeBook><Codes><Code guid="aaaaaaaa-0000-0000-0000-000000000001" name="Buses" isCodable="true"/></Codes></CodeBook>
<Sources>{sources}</Sources></Project>"#
    )
}

fn text_source(name: &str, path: &str) -> String {
    format!(r#"<TextSource guid="bbbbbbbb-0000-0000-0000-000000000001" name="{name}" plainTextPath="{path}"/>"#)
}

fn guid(i: usize) -> String {
    format!("cccccccc-0000-4000-8000-{i:012x}")
}

/// XML with `levels` nested `<Code>` elements, one per line, inside `open` … `close`.
fn nested_codes(open: &str, levels: usize, close: &str) -> String {
    let mut xml = String::from(open);
    for i in 0..levels {
        xml.push_str(&format!("<Code guid=\"{}\" name=\"L{i}\" isCodable=\"true\">\n", guid(i)));
    }
    xml.push_str(&"</Code>".repeat(levels));
    xml.push_str(close);
    xml
}

const CODEBOOK_OPEN: &str =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\">\n<Codes>\n";
const CODEBOOK_CLOSE: &str = "</Codes>\n</CodeBook>\n";
const PROJECT_OPEN: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"Deep\">\n<CodeBook>\n<Codes>\n";
const PROJECT_CLOSE: &str = "</Codes>\n</CodeBook>\n</Project>\n";

#[test]
fn deeply_nested_codes_are_refused_with_the_file_and_line_not_a_stack_overflow() {
    let scratch = Scratch::new();
    let project = new_project(&scratch);
    for levels in [12_000, 100_000] {
        // The first element nested past 1,100 levels is on line 1,102 in both files (the .qdc has
        // two elements around its codes, the .qde three, and one line more before them).
        let qdc = scratch.write(&format!("deep{levels}.qdc"), nested_codes(CODEBOOK_OPEN, levels, CODEBOOK_CLOSE));
        let run = fieldcode(&["import-codebook", s(&project), s(&qdc)]).fails();
        let place = format!("deep{levels}.qdc:1102: elements are nested more than 1100 levels deep");
        assert!(run.stderr.contains(&place), "{}", run.stderr);

        let xml = nested_codes(PROJECT_OPEN, levels, PROJECT_CLOSE);
        let qdpx = scratch.write(&format!("deep{levels}.qdpx"), zip_of(&[("project.qde", xml.as_bytes())]));
        let target = scratch.path(&format!("deep{levels}.fieldcode"));
        let run = fieldcode(&["import-qdpx", s(&qdpx), s(&target)]).fails();
        let place = format!("deep{levels}.qdpx/project.qde:1102: elements are nested more than 1100 levels deep");
        assert!(run.stderr.contains(&place), "{}", run.stderr);
        assert!(!target.exists());
    }
}

#[test]
fn a_codebook_nested_900_levels_still_imports() {
    let scratch = Scratch::new();
    let project = new_project(&scratch);
    let qdc = scratch.write("deep.qdc", nested_codes(CODEBOOK_OPEN, 900, CODEBOOK_CLOSE));
    let run = fieldcode(&["import-codebook", s(&project), s(&qdc), "--json"]).ok();
    assert_eq!(run.json()["added"], 900, "{}", run.stdout);

    let xml = nested_codes(PROJECT_OPEN, 900, PROJECT_CLOSE);
    let qdpx = scratch.write("deep.qdpx", zip_of(&[("project.qde", xml.as_bytes())]));
    let target = scratch.path("deep.fieldcode");
    let run = fieldcode(&["import-qdpx", s(&qdpx), s(&target), "--json"]).ok();
    assert_eq!(run.json()["codes"], 900, "{}", run.stdout);
    let opened = fieldcode::Project::open(&target).unwrap();
    let deepest = (0..900).map(|i| format!("L{i}")).collect::<Vec<_>>().join("/");
    assert!(fieldcode::store::codes::id_by_path(opened.conn(), &deepest).is_ok());
}

#[test]
fn a_hundred_thousand_distinct_speaker_labels_import() {
    let scratch = Scratch::new();
    let project = new_project(&scratch);
    let text: String = (0..100_000).map(|i| format!("Speaker{i}: said something here\n")).collect();
    let file = scratch.write("labels.txt", text);
    let run = fieldcode(&["import", s(&project), s(&file)]).ok();
    assert!(run.stdout.contains("100000 turns, 100000 speakers"), "{}", run.stdout);
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let name = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: `name` is a valid NUL-terminated path that lives across the call.
    assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0, "mkfifo {}", path.display());
}

#[cfg(unix)]
#[test]
fn a_fifo_is_refused_at_once_naming_it_whatever_command_reads_it() {
    let scratch = Scratch::new();
    let project = new_project(&scratch);
    for name in ["pipe.txt", "pipe.qdc", "pipe.qdpx", "pipe.csv"] {
        mkfifo(&scratch.path(name));
    }
    let pipe = |name: &str| scratch.path(name).to_string_lossy().into_owned();
    let runs = [
        fieldcode(&["import", s(&project), &pipe("pipe.txt")]),
        fieldcode(&["import-codebook", s(&project), &pipe("pipe.qdc")]),
        fieldcode(&["import-qdpx", &pipe("pipe.qdpx"), s(&scratch.path("new.fieldcode"))]),
        fieldcode(&["attributes", s(&project), &pipe("pipe.csv")]),
    ];
    for (run, name) in runs.into_iter().zip(["pipe.txt", "pipe.qdc", "pipe.qdpx", "pipe.csv"]) {
        let run = run.fails();
        assert!(run.stderr.contains(name) && run.stderr.contains("not a regular file"), "{}", run.stderr);
    }
}

#[cfg(unix)]
#[test]
fn a_symlink_to_dev_zero_is_refused_not_read() {
    let scratch = Scratch::new();
    let project = new_project(&scratch);
    let link = scratch.path("zero.txt");
    std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
    let run = fieldcode(&["import", s(&project), s(&link)]).fails();
    assert!(run.stderr.contains("zero.txt: it is not a regular file"), "{}", run.stderr);
}

#[cfg(unix)]
#[test]
fn a_refi_source_at_dev_zero_is_refused_not_read() {
    let scratch = Scratch::new();
    let qdpx = scratch
        .write("zero.qdpx", zip_of(&[("project.qde", qde(&text_source("Zeros", "absolute:///dev/zero")).as_bytes())]));
    let target = scratch.path("zero.fieldcode");
    let run = fieldcode(&["import-qdpx", s(&qdpx), s(&target), "--allow-external-sources"]).fails();
    for part in ["zero.qdpx", "source \"Zeros\"", "/dev/zero", "not a regular file"] {
        assert!(run.stderr.contains(part), "{part}: {}", run.stderr);
    }
    let run = fieldcode(&["import-qdpx", s(&qdpx), s(&target)]).fails();
    assert!(run.stderr.contains("outside the archive and was not read"), "{}", run.stderr);
    assert!(!target.exists());
}

/// Runs the binary and returns its outcome and peak resident memory in KiB (Linux: wait4).
#[cfg(target_os = "linux")]
#[allow(clippy::zombie_processes, reason = "the child is reaped by wait4, which also reports its peak memory")]
fn fieldcode_measured(args: &[&str]) -> (Run, u64) {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_fieldcode"))
        .args(args)
        .env("FIELDCODE_CODER", "tester")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run fieldcode");
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut text = String::new();
        stdout.read_to_string(&mut text).map(|_| text)
    });
    let mut err = String::new();
    stderr.read_to_string(&mut err).unwrap();
    let mut status = 0;
    // SAFETY: an all-zero rusage is valid; wait4 writes it and the status for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    // SAFETY: pid is our unwaited child; the pointers are to live locals.
    assert_eq!(unsafe { libc::wait4(pid, &mut status, 0, &mut usage) }, pid);
    let code = if libc::WIFEXITED(status) { libc::WEXITSTATUS(status) } else { -1 };
    let run = Run { status: code, stdout: out.join().unwrap().unwrap(), stderr: err };
    (run, usage.ru_maxrss as u64)
}

#[cfg(target_os = "linux")]
#[test]
fn a_docx_inflating_past_the_text_limit_is_refused_naming_it_within_bounded_memory() {
    let scratch = Scratch::new();
    let project = new_project(&scratch);
    let docx = scratch.path("bomb.docx");
    let run_of_text = format!("<w:p><w:r><w:t>{}</w:t></w:r></w:p>", "a".repeat(1 << 20));
    let head = br#"<?xml version="1.0"?><w:document xmlns:w="urn:w"><w:body>"#;
    zip_streamed(&docx, "word/document.xml", head, run_of_text.as_bytes(), 210, b"</w:body></w:document>");
    assert!(std::fs::metadata(&docx).unwrap().len() < 2 << 20, "a small file on disk");
    let (run, peak_kib) = fieldcode_measured(&["import", s(&project), s(&docx)]);
    let run = run.fails();
    assert!(run.stderr.contains("bomb.docx: its text is over 200 MB"), "{}", run.stderr);
    assert!(peak_kib < MEMORY_BOUND_KIB, "peak {peak_kib} KiB");
}

#[cfg(target_os = "linux")]
#[test]
fn an_odt_of_repeated_spaces_is_refused_naming_it_within_bounded_memory() {
    let scratch = Scratch::new();
    let project = new_project(&scratch);
    let odt = scratch.path("spaces.odt");
    let head = br#"<office:document-content xmlns:office="o" xmlns:text="t"><office:body><office:text><text:p>"#;
    let spaces = br#"<text:s text:c="1000"/>"#.repeat(1000);
    zip_streamed(
        &odt,
        "content.xml",
        head,
        &spaces,
        400,
        b"</text:p></office:text></office:body></office:document-content>",
    );
    let (run, peak_kib) = fieldcode_measured(&["import", s(&project), s(&odt)]);
    let run = run.fails();
    assert!(run.stderr.contains("spaces.odt: its text is over 200 MB"), "{}", run.stderr);
    assert!(peak_kib < MEMORY_BOUND_KIB, "peak {peak_kib} KiB");
}

/// A transcript that is UTF-8 with many `’` and one 0xFF on its third line.
fn transcript_with_a_bad_byte() -> (Vec<u8>, usize) {
    let text = "Interviewer: How are the children\u{2019}s rooms?\nLW1: They\u{2019}re fine, it\u{2019}s \u{2018}ok\u{2019}.\nLW1: but the # bit\n";
    let mut bytes = text.as_bytes().to_vec();
    let at = bytes.iter().position(|&b| b == b'#').unwrap();
    bytes[at] = 0xFF;
    (bytes, at)
}

#[test]
fn one_invalid_byte_in_utf8_is_refused_with_its_offset_and_line_and_lossy_imports_it() {
    let scratch = Scratch::new();
    let project = new_project(&scratch);
    let (bytes, at) = transcript_with_a_bad_byte();
    let file = scratch.write("transcript.txt", bytes);
    let run = fieldcode(&["import", s(&project), s(&file)]).fails();
    let place = format!(
        "transcript.txt: it is UTF-8 except for 1 invalid byte sequence(s); the first, 0xFF, is at byte offset {at} (line 3)"
    );
    assert!(run.stderr.contains(&place), "{}", run.stderr);
    assert!(run.stderr.contains("--lossy"), "the command line offers the way out: {}", run.stderr);

    fieldcode(&["import", s(&project), s(&file), "--lossy"]).ok();
    let opened = fieldcode::Project::open(&project).unwrap();
    let id = fieldcode::store::documents::id_by_name(opened.conn(), "transcript").unwrap();
    let text = fieldcode::store::documents::text(opened.conn(), id).unwrap();
    assert!(text.contains("children\u{2019}s") && text.contains("the \u{fffd} bit"), "{text}");
}

#[test]
fn legacy_encodings_still_import_as_before() {
    let scratch = Scratch::new();
    let project = new_project(&scratch);
    fieldcode(&["import", s(&project), &fixture("note-cp1252.txt"), &fixture("interview-utf16.txt")]).ok();
    let opened = fieldcode::Project::open(&project).unwrap();
    let id = fieldcode::store::documents::id_by_name(opened.conn(), "note-cp1252").unwrap();
    let text = fieldcode::store::documents::text(opened.conn(), id).unwrap();
    assert!(!text.contains('\u{fffd}') && !text.contains("\u{e2}\u{20ac}"), "{text}");
    assert!(!text.is_ascii(), "the Windows-1252 letters decoded: {text}");
}

#[test]
fn codebook_and_sheet_csvs_with_a_bad_byte_are_refused_with_offset_and_line() {
    let scratch = Scratch::new();
    let project = new_project(&scratch);
    let mut codebook = "path,color\nCaf\u{e9}\u{2019}s/Menu\u{2019}s,#ff0000\nBad ".as_bytes().to_vec();
    let at = codebook.len();
    codebook.extend(b"\xff,#00ff00\n");
    let csv = scratch.write("codebook.csv", codebook);
    let run = fieldcode(&["import-codebook", s(&project), s(&csv)]).fails();
    assert!(run.stderr.contains(&format!("codebook.csv: it is UTF-8 except for 1 invalid byte sequence(s); the first, 0xFF, is at byte offset {at} (line 3)")), "{}", run.stderr);

    let mut sheet = "participant,role\nLW1,\u{201c}link\u{201d} worker\u{2019}s\nLW2,".as_bytes().to_vec();
    let at = sheet.len();
    sheet.extend(b"\xfe\n");
    let csv = scratch.write("people.csv", sheet);
    let run = fieldcode(&["attributes", s(&project), s(&csv)]).fails();
    assert!(run.stderr.contains(&format!("people.csv: it is UTF-8 except for 1 invalid byte sequence(s); the first, 0xFE, is at byte offset {at} (line 3)")), "{}", run.stderr);
}

#[test]
fn external_refi_sources_are_read_only_when_allowed_and_each_is_listed() {
    let scratch = Scratch::new();
    let side = scratch.write("side.txt", "Interviewer: read from beside the archive\n");
    let absolute = format!("absolute://{}", side.display());
    let sources = text_source("Beside", &absolute);
    let qdpx = scratch.write("ext.qdpx", zip_of(&[("project.qde", qde(&sources).as_bytes())]));

    let target = scratch.path("refused.fieldcode");
    let run = fieldcode(&["import-qdpx", s(&qdpx), s(&target)]).fails();
    assert!(
        run.stderr.contains("ext.qdpx") && run.stderr.contains("outside the archive and was not read"),
        "{}",
        run.stderr
    );
    assert!(!target.exists());

    let target = scratch.path("skipped.fieldcode");
    let run = fieldcode(&["import-qdpx", s(&qdpx), s(&target), "--skip-missing-sources", "--json"]).ok();
    let report = run.json();
    assert_eq!(report["documents"], 0);
    assert!(report["skipped"].to_string().contains("outside the archive and was not read"), "{report}");
    assert_eq!(report["external_sources"], serde_json::json!([]));

    let target = scratch.path("allowed.fieldcode");
    let run = fieldcode(&["import-qdpx", s(&qdpx), s(&target), "--allow-external-sources", "--json"]).ok();
    let report = run.json();
    assert_eq!(report["documents"], 1);
    assert_eq!(report["external_sources"], serde_json::json!([format!("Beside: {}", side.display())]));

    let target = scratch.path("relative.fieldcode");
    let relative = scratch
        .write("rel.qdpx", zip_of(&[("project.qde", qde(&text_source("Next", "relative://side.txt")).as_bytes())]));
    let run = fieldcode(&["import-qdpx", s(&relative), s(&target), "--allow-external-sources"]).ok();
    assert!(run.stdout.contains("read from outside the archive: Next:"), "{}", run.stdout);
}

#[test]
fn a_path_through_dotdot_is_never_read_even_when_external_sources_are_allowed() {
    let scratch = Scratch::new();
    scratch.write("outer/secret.txt", "Interviewer: a secret\n");
    let qde = qde(&text_source("Up", "relative://../secret.txt"));
    let qdpx = scratch.write("outer/inner/up.qdpx", zip_of(&[("project.qde", qde.as_bytes())]));
    let target = scratch.path("up.fieldcode");
    let run = fieldcode(&["import-qdpx", s(&qdpx), s(&target), "--allow-external-sources"]).fails();
    assert!(run.stderr.contains("through `..`; such a path is never read"), "{}", run.stderr);
    let run = fieldcode(&[
        "import-qdpx",
        s(&qdpx),
        s(&target),
        "--allow-external-sources",
        "--skip-missing-sources",
        "--json",
    ])
    .ok();
    assert_eq!(run.json()["documents"], 0);
    assert_eq!(run.json()["external_sources"], serde_json::json!([]));
}

#[test]
fn a_folder_as_a_refi_source_names_the_archive_and_the_source() {
    let scratch = Scratch::new();
    let folder = scratch.path("folder");
    std::fs::create_dir(&folder).unwrap();
    let qde = qde(&text_source("Shelf", &format!("absolute://{}", folder.display())));
    let qdpx = scratch.write("dir.qdpx", zip_of(&[("project.qde", qde.as_bytes())]));
    let run =
        fieldcode(&["import-qdpx", s(&qdpx), s(&scratch.path("dir.fieldcode")), "--allow-external-sources"]).fails();
    for part in ["dir.qdpx: source \"Shelf\"", "it is a folder, not a file"] {
        assert!(run.stderr.contains(part), "{part}: {}", run.stderr);
    }
}

#[test]
fn unreadable_refi_positions_are_reported_as_the_file_has_them() {
    let scratch = Scratch::new();
    let source = r#"<TextSource guid="bbbbbbbb-0000-0000-0000-000000000001" name="Talk">
        <PlainTextContent>Interviewer: the bus never comes</PlainTextContent>
        <PlainTextSelection guid="dddddddd-0000-0000-0000-000000000001" startPosition="abc" endPosition="12">
          <Coding guid="eeeeeeee-0000-0000-0000-000000000001"><CodeRef targetGUID="aaaaaaaa-0000-0000-0000-000000000001"/></Coding>
        </PlainTextSelection>
        <PlainTextSelection guid="dddddddd-0000-0000-0000-000000000002" startPosition="13">
        </PlainTextSelection>
        </TextSource>"#;
    let qdpx = scratch.write("pos.qdpx", zip_of(&[("project.qde", qde(source).as_bytes())]));
    let run = fieldcode(&["import-qdpx", s(&qdpx), s(&scratch.path("pos.fieldcode"))]).ok();
    assert!(
        run.stdout.contains(r#"selection "abc"–"12" in "Talk" (1 coding(s)): its positions are not whole numbers"#),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains(r#"selection "13"–(none) in "Talk""#), "{}", run.stdout);
    assert!(!run.stdout.contains("selection -1"), "{}", run.stdout);
}

#[test]
fn usage_errors_exit_2_as_the_readme_says_and_help_exits_0() {
    for args in
        [&["--no-such-flag"][..], &["import"][..], &["import", "p.fieldcode"][..], &["no-such-command", "x"][..]]
    {
        let run = fieldcode(args);
        assert_eq!(run.status, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("Usage"), "{args:?}: {}", run.stderr);
    }
    assert!(fieldcode(&["--help"]).ok().stdout.contains("Usage"));
    assert!(fieldcode(&["--version"]).ok().stdout.contains("fieldcode"));
    assert!(fieldcode(&["import", "--help"]).ok().stdout.contains("--lossy"));
}
