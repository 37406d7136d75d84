//! A fuzzing harness for every parser of imported files: text decoding, speaker turns and
//! paragraphs, VTT/SRT captions, `.docx`/`.odt`, and REFI-QDA `.qde`/`.qdc`/`.qdpx`.
//!
//! Each target starts from a small seed in `tests/fixtures/fuzz/` and applies a few mutations
//! drawn by proptest: bit flips, byte overwrites, truncation, insertion of bytes that matter to the
//! format (invalid UTF-8, CR, `<`, `&#…;`, timestamps, deep `<Code>` tags…), deletion and
//! repetition. It asserts that the parser does not panic, that what it returns stays within
//! bounds (offsets inside the text, turns and paragraphs in order, the text under the limit), and
//! that an error names the file. `cargo test` runs a short pass; `FIELDCODE_FUZZ_CASES=200000`
//! runs that many cases per target (see `tests/fixtures/fuzz/README.md`).

use std::fmt::Debug;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use fieldcode::import::decode::{DecodeError, Invalid, decode};
use fieldcode::import::{self, MAX_FILE_BYTES, MAX_PARAGRAPHS, MAX_TURNS, ParsedDocument, paragraphs, speakers};
use fieldcode::refi::positions::{self, Convention};
use fieldcode::refi::qde_read::{self, MAX_XML_DEPTH};
use fieldcode::refi::{ImportQdpxOptions, import_qdpx};
use proptest::prelude::*;
use proptest::test_runner::{FileFailurePersistence, TestCaseError, TestRunner};

/// Largest input a mutation may make (repetition grows inputs; the parsers' limits are tested
/// elsewhere, with generated files).
const MAX_INPUT: usize = 256 * 1024;

/// Cases per target: `FIELDCODE_FUZZ_CASES`, else `short` (sized so the whole file runs in well
/// under 30 seconds in a debug build).
fn cases(short: u32) -> u32 {
    std::env::var("FIELDCODE_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(short)
}

fn seed(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/fuzz/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// One change to an input; positions are taken modulo the input's length.
#[derive(Debug, Clone)]
enum Mutation {
    Flip { at: u32, bit: u8 },
    Set { at: u32, byte: u8 },
    Truncate { at: u32 },
    Insert { at: u32, bytes: Vec<u8> },
    Delete { at: u32, len: u16 },
    Repeat { at: u32, len: u16, times: u16 },
}

/// Byte strings that mean something to one of the formats.
const TOKENS: &[&[u8]] = &[
    b"\xff",
    b"\xfe",
    b"\xc3",
    b"\xe2\x80",
    b"\xed\xa0\x80",
    b"\xf0\x9f\x98\x80",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\0",
    b"\r",
    b"\r\n",
    b"\n\n",
    b"\t",
    b"<",
    b">",
    b"</",
    b"/>",
    b"<![CDATA[",
    b"]]>",
    b"<!DOCTYPE x [<!ENTITY e \"ee\">]>",
    b"&",
    b"&amp;",
    b"&e;",
    b"&#0;",
    b"&#x1F600;",
    b"&#xFFFFFFFF;",
    b"&#55296;",
    b"\"",
    b"=",
    b":",
    b": ",
    b"Speaker: ",
    b"[00:00:01] ",
    b"(1:2) ",
    b"99:99:99,9999 ",
    b"00:00:01.000 --> 00:00:02.000\n",
    b"<v Name>",
    b"---\n",
    b"key: value\n",
    b" startPosition=\"-1\"",
    b" endPosition=\"99999999999999999999\"",
    b" startPosition=\"4294967296\"",
    b"<Code guid=\"x\" name=\"n\">",
    b"</Code>",
    b"<PlainTextSelection startPosition=\"0\" endPosition=\"3\">",
    b" plainTextPath=\"relative://../x.txt\"",
    b" plainTextPath=\"absolute:///dev/zero\"",
    b"<w:p>",
    b"</w:p>",
    b"<w:t>",
    b"<text:p>",
    b"<text:s text:c=\"1000\"/>",
    b"<text:s text:c=\"99999999999999999999\"/>",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    let bytes = prop_oneof![
        3 => proptest::sample::select(TOKENS).prop_map(<[u8]>::to_vec),
        1 => proptest::collection::vec(any::<u8>(), 1..8),
    ];
    prop_oneof![
        (any::<u32>(), 0u8..8).prop_map(|(at, bit)| Mutation::Flip { at, bit }),
        (any::<u32>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Set { at, byte }),
        any::<u32>().prop_map(|at| Mutation::Truncate { at }),
        (any::<u32>(), bytes).prop_map(|(at, bytes)| Mutation::Insert { at, bytes }),
        (any::<u32>(), 1u16..64).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (any::<u32>(), 1u16..256, 1u16..2000).prop_map(|(at, len, times)| Mutation::Repeat { at, len, times }),
    ]
}

/// A seed from `seeds` with up to seven mutations applied.
fn mutated(seeds: &'static [&'static str]) -> impl Strategy<Value = (&'static str, Vec<Mutation>)> {
    (proptest::sample::select(seeds), proptest::collection::vec(mutation(), 0..8))
}

fn apply(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    let at = |at: u32, len: usize| at as usize % (len + 1);
    for m in mutations {
        let len = bytes.len();
        match m {
            Mutation::Flip { at: a, bit } if len > 0 => bytes[*a as usize % len] ^= 1 << bit,
            Mutation::Set { at: a, byte } if len > 0 => bytes[*a as usize % len] = *byte,
            Mutation::Truncate { at: a } => bytes.truncate(at(*a, len)),
            Mutation::Insert { at: a, bytes: new } => {
                let p = at(*a, len);
                bytes.splice(p..p, new.iter().copied());
            }
            Mutation::Delete { at: a, len: n } => {
                let p = at(*a, len);
                bytes.drain(p..(p + *n as usize).min(len));
            }
            Mutation::Repeat { at: a, len: n, times } => {
                let p = at(*a, len);
                let piece = bytes[p..(p + *n as usize).min(len)].to_vec();
                let room = MAX_INPUT.saturating_sub(len) / piece.len().max(1);
                let copies = (*times as usize).min(room);
                bytes.splice(p..p, piece.iter().copied().cycle().take(piece.len() * copies).collect::<Vec<u8>>());
            }
            _ => {}
        }
    }
    bytes
}

/// Runs `check` on `cases(short)` inputs from `strategy` and prints how many were tried.
fn fuzz<S>(target: &str, short: u32, strategy: S, check: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S: Strategy,
    S::Value: Debug,
{
    let config = ProptestConfig {
        cases: cases(short),
        source_file: Some(file!()),
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("proptest-regressions"))),
        ..ProptestConfig::default()
    };
    let tried = AtomicU64::new(0);
    let result = TestRunner::new(config).run(&strategy, |value| {
        tried.fetch_add(1, Ordering::Relaxed);
        check(value)
    });
    eprintln!("fuzz {target}: {} inputs tried", tried.load(Ordering::Relaxed));
    if let Err(err) = result {
        panic!("fuzz {target}: {err}");
    }
}

/// A scratch file for one case.
struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    fn new() -> Scratch {
        Scratch { dir: tempfile::tempdir().expect("temp dir") }
    }

    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, bytes).expect("write case");
        path
    }
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    for (name, bytes) in entries {
        zip.start_file(*name, zip::write::SimpleFileOptions::default()).expect("zip entry");
        zip.write_all(bytes).expect("zip write");
    }
    zip.finish().expect("zip finish");
    out.into_inner()
}

/// The error names the file: its display starts with the path (or the archive's).
fn names(err: &fieldcode::Error, path: &Path) -> Result<(), TestCaseError> {
    let message = err.to_string();
    let file = path.file_name().unwrap_or_default().to_string_lossy();
    prop_assert!(message.contains(&*file), "the error does not name {file}: {message}");
    Ok(())
}

/// What every parsed document must satisfy.
fn document_in_bounds(doc: &ParsedDocument) -> Result<(), TestCaseError> {
    prop_assert!(doc.text.len() as u64 <= MAX_FILE_BYTES + 1);
    prop_assert!(!doc.text.trim().is_empty());
    prop_assert_eq!(doc.char_len, doc.text.chars().count());
    prop_assert!(doc.times.windows(2).all(|w| w[0].offset <= w[1].offset), "time map out of order");
    prop_assert!(doc.times.iter().all(|p| p.offset <= doc.char_len && p.ms >= 0), "time point outside the text");
    turns_and_paragraphs_in_bounds(&doc.turns, &doc.paragraphs, doc.char_len)
}

fn turns_and_paragraphs_in_bounds(
    turns: &[import::ParsedTurn],
    paragraphs: &[fieldcode::model::Span],
    char_len: usize,
) -> Result<(), TestCaseError> {
    prop_assert!(turns.len() <= MAX_TURNS && paragraphs.len() <= MAX_PARAGRAPHS);
    for turn in turns {
        prop_assert!(turn.start <= turn.end && turn.end <= char_len, "turn {turn:?} in {char_len} chars");
        prop_assert!(!turn.speaker.trim().is_empty(), "blank speaker {turn:?}");
    }
    prop_assert!(turns.windows(2).all(|w| w[0].start <= w[1].start), "turns out of order");
    for p in paragraphs {
        prop_assert!(p.start < p.end && p.end <= char_len, "paragraph {p:?} in {char_len} chars");
    }
    prop_assert!(paragraphs.windows(2).all(|w| w[0].end <= w[1].start), "paragraphs overlap: {paragraphs:?}");
    Ok(())
}

#[test]
fn fuzz_text_decoding() {
    const SEEDS: &[&str] = &["transcript.txt", "note-cp1252.txt", "interview-utf16.txt", "captions.srt"];
    fuzz("text decoding", 400, mutated(SEEDS), |(seed_name, mutations)| {
        let bytes = apply(seed(seed_name), &mutations);
        for invalid in [Invalid::Refuse, Invalid::Replace] {
            match decode(&bytes, invalid) {
                Ok(text) => {
                    prop_assert!(!text.trim().is_empty());
                    prop_assert!(text.len() <= 3 * bytes.len(), "{} bytes became {}", bytes.len(), text.len());
                    if let Ok(exact) = std::str::from_utf8(&bytes) {
                        prop_assert_eq!(text.trim_start_matches('\u{feff}'), exact.trim_start_matches('\u{feff}'));
                    }
                }
                Err(DecodeError::BadUtf8 { offset, line, byte, count }) => {
                    prop_assert_eq!(invalid, Invalid::Refuse, "bad bytes are replaced when asked");
                    let first = std::str::from_utf8(&bytes).expect_err("bad UTF-8 is not valid");
                    prop_assert_eq!(offset, first.valid_up_to());
                    prop_assert_eq!(byte, bytes[offset]);
                    prop_assert_eq!(line, bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1);
                    prop_assert!(count >= 1);
                }
                Err(DecodeError::Other(reason)) => prop_assert!(!reason.is_empty()),
            }
        }
        Ok(())
    });
}

#[test]
fn fuzz_speaker_turns_and_paragraphs() {
    const SEEDS: &[&str] = &["transcript.txt", "captions.vtt", "document.xml"];
    fuzz("speaker turns", 400, mutated(SEEDS), |(seed_name, mutations)| {
        let text = String::from_utf8_lossy(&apply(seed(seed_name), &mutations)).replace('\r', "\n");
        let turns = speakers::find_turns(&text);
        let paragraphs = paragraphs::find_paragraphs(&text, &turns);
        turns_and_paragraphs_in_bounds(&turns, &paragraphs, text.chars().count())
    });
}

/// Writes the case as `name` and parses it as an imported file.
fn parse_as(name: &str, bytes: &[u8]) -> Result<(), TestCaseError> {
    let scratch = Scratch::new();
    let path = scratch.write(name, bytes);
    for invalid in [Invalid::Refuse, Invalid::Replace] {
        match import::parse_file_with(&path, invalid) {
            Ok(doc) => document_in_bounds(&doc)?,
            Err(err) => names(&err, &path)?,
        }
    }
    Ok(())
}

#[test]
fn fuzz_text_files_and_captions() {
    const SEEDS: &[&str] = &[
        "transcript.txt",
        "note-cp1252.txt",
        "interview-utf16.txt",
        "captions.vtt",
        "captions.srt",
        "whisperx.json",
        "otter.txt",
    ];
    fuzz("text, VTT, SRT and Whisper files", 200, mutated(SEEDS), |(seed_name, mutations)| {
        let bytes = apply(seed(seed_name), &mutations);
        let named = seed_name.starts_with("captions") || seed_name.ends_with(".json");
        let name = if named { seed_name.to_owned() } else { "case.txt".to_owned() };
        parse_as(&name, &bytes)
    });
}

#[test]
fn fuzz_word_processor_files() {
    const SEEDS: &[&str] = &["document.xml", "content.xml"];
    let strategy = (mutated(SEEDS), any::<bool>(), proptest::collection::vec(mutation(), 0..4));
    fuzz("docx and odt", 200, strategy, |((seed_name, mutations), container, zip_mutations)| {
        let xml = apply(seed(seed_name), &mutations);
        let (name, part) =
            if seed_name == "document.xml" { ("case.docx", "word/document.xml") } else { ("case.odt", "content.xml") };
        let mut bytes = zip_of(&[(part, &xml)]);
        if container {
            bytes = apply(bytes, &zip_mutations);
        }
        parse_as(name, &bytes)
    });
}

/// The depth of the deepest code.
fn depth(codes: &[fieldcode::refi::model::Code]) -> usize {
    let mut deepest = 0;
    let mut stack: Vec<(&fieldcode::refi::model::Code, usize)> = codes.iter().map(|c| (c, 1)).collect();
    while let Some((code, d)) = stack.pop() {
        deepest = deepest.max(d);
        stack.extend(code.children.iter().map(|c| (c, d + 1)));
    }
    deepest
}

#[test]
fn fuzz_qde_and_qdc() {
    const SEEDS: &[&str] = &["project.qde", "codebook.qdc"];
    fuzz("REFI .qde and .qdc", 300, mutated(SEEDS), |(seed_name, mutations)| {
        check_qde(&apply(seed(seed_name), &mutations))
    });
}

/// Reads the bytes as a project and as a codebook.
fn check_qde(bytes: &[u8]) -> Result<(), TestCaseError> {
    let path = Path::new("case.qde");
    match qde_read::read_project(bytes, path) {
        Ok(project) => {
            prop_assert!(depth(&project.codes) <= MAX_XML_DEPTH);
            for source in &project.sources {
                let Some(raw) = &source.inline_text else { continue };
                let chars = fieldcode::text::normalise_newlines(raw).chars().count();
                for convention in [Convention::STANDARD, Convention::NVIVO] {
                    let table = positions::position_table(raw, convention);
                    for sel in &source.selections {
                        if let Some((a, b)) = positions::map_span(&table, sel.start, sel.end) {
                            prop_assert!(a < b && b <= chars, "{a}..{b} of {chars}");
                        }
                    }
                }
            }
        }
        Err(err) => names(&err, path)?,
    }
    let path = Path::new("case.qdc");
    match qde_read::read_codebook(bytes, path) {
        Ok(codes) => prop_assert!(depth(&codes) <= MAX_XML_DEPTH),
        Err(err) => names(&err, path)?,
    }
    Ok(())
}

#[test]
fn fuzz_qdpx_import() {
    const SEEDS: &[&str] = &["project.qde"];
    let strategy = (mutated(SEEDS), any::<bool>(), proptest::collection::vec(mutation(), 0..3));
    fuzz("REFI .qdpx import", 40, strategy, |((seed_name, mutations), container, zip_mutations)| {
        let qde = apply(seed(seed_name), &mutations);
        let second = seed("second.txt");
        let mut bytes = zip_of(&[("project.qde", &qde), ("sources/second.txt", &second)]);
        if container {
            bytes = apply(bytes, &zip_mutations);
        }
        check_qdpx(&bytes)
    });
}

/// Imports the bytes as a `.qdpx` into a new project.
fn check_qdpx(bytes: &[u8]) -> Result<(), TestCaseError> {
    let scratch = Scratch::new();
    let qdpx = scratch.write("case.qdpx", bytes);
    let target = scratch.dir.path().join("case.fieldcode");
    let options = ImportQdpxOptions { skip_missing_sources: true, allow_external_sources: false };
    match import_qdpx(&qdpx, &target, &options) {
        Ok(report) => {
            prop_assert!(target.exists());
            prop_assert!(report.external_sources.is_empty(), "nothing outside the archive is read");
        }
        Err(err) => {
            names(&err, &qdpx)?;
            prop_assert!(!target.exists(), "a failed import left a project: {err}");
        }
    }
    Ok(())
}

/// Every input the fuzzer once failed on, kept in `tests/fixtures/fuzz/regressions/` and checked
/// the same way as the target that found it (by the file's extension).
#[test]
fn fuzz_regressions_stay_fixed() {
    let dir = format!("{}/tests/fixtures/fuzz/regressions", env!("CARGO_MANIFEST_DIR"));
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).expect("regressions folder") {
        let path = entry.expect("entry").path();
        let bytes = std::fs::read(&path).expect("read regression");
        let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let result = match path.extension().and_then(|e| e.to_str()) {
            Some("qde" | "qdc") => check_qde(&bytes),
            Some("qdpx") => check_qdpx(&bytes),
            Some("md") => continue,
            _ => parse_as(&name, &bytes),
        };
        if let Err(err) = result {
            panic!("{name}: {err}");
        }
        checked += 1;
    }
    assert!(checked > 0, "no regression cases in {dir}");
}
