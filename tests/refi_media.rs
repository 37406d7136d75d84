//! REFI-QDA and recordings: a linked recording is exported as an `AudioSource` with a
//! `Transcript` and one `SyncPoint` per time-map point (schema-valid, the `TextSource` unchanged),
//! an export → import round trip keeps the time map byte for byte and links the recording again,
//! and the spec's example project's transcripts and sync points are read and placed.

use std::io::{Read, Write};
use std::path::Path;

use fieldcode::Project;
use fieldcode::demo::RECORDED_INTERVIEW;
use fieldcode::media::link::{self, LinkState};
use fieldcode::refi::model::MediaKind;
use fieldcode::refi::{ImportQdpxOptions, QdpxReport, import_qdpx, qde_read};
use fieldcode::store::{documents, time_map};

use crate::export_support::assert_valid;
use crate::util::{Scratch, fieldcode, s};

fn qde_of(qdpx: &Path) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(qdpx).unwrap()).unwrap();
    let mut bytes = Vec::new();
    zip.by_name("project.qde").unwrap().read_to_end(&mut bytes).unwrap();
    bytes
}

fn time_map_of(project: &Path, doc: &str) -> Vec<time_map::TimePoint> {
    let p = Project::open(project).unwrap();
    let id = documents::id_by_name(p.conn(), doc).unwrap();
    time_map::load(p.conn(), id).unwrap()
}

/// The demo study, exported: (project, archive).
fn exported_demo(scratch: &Scratch) -> (std::path::PathBuf, std::path::PathBuf) {
    let project = scratch.path("demo.fieldcode");
    fieldcode(&["demo", s(&project), "--no-gui"]).ok();
    let qdpx = scratch.path("demo.qdpx");
    let run = fieldcode(&["export-qdpx", s(&project), "--out", s(&qdpx), "--json"]).ok();
    assert_eq!(run.json()["recordings"], 1, "{}", run.stdout);
    (project, qdpx)
}

#[test]
fn a_linked_recording_is_exported_with_its_transcript_and_sync_points() {
    let scratch = Scratch::new();
    let (project, qdpx) = exported_demo(&scratch);
    let qde = scratch.write("project.qde", qde_of(&qdpx));
    assert_valid(&qde, "Project.xsd");

    let read = qde_read::read_project(&std::fs::read(&qde).unwrap(), &qde).unwrap();
    assert_eq!(read.media.len(), 1, "one linked document, one recording");
    let media = &read.media[0];
    assert_eq!(media.kind, MediaKind::Audio);
    assert_eq!(media.name, fieldcode::demo::RECORDING_FILE);
    let uri = media.path.as_deref().unwrap();
    assert!(uri.starts_with("file:///"), "{uri}");
    let file = fieldcode::refi::export_media::path_of_file_uri(uri).unwrap();
    assert!(file.is_file(), "the URI names the recording: {}", file.display());

    let source = read.sources.iter().find(|s| s.name == RECORDED_INTERVIEW).unwrap();
    let [transcript] = media.transcripts.as_slice() else { panic!("one transcript: {media:?}") };
    assert_eq!(transcript.name, RECORDED_INTERVIEW);
    assert_eq!(transcript.plain_text_path, source.plain_text_path, "the transcript is the TextSource's text");
    assert!(transcript.inline_text.is_none());

    let points = time_map_of(&project, RECORDED_INTERVIEW);
    assert!(points.len() > 3, "the demo interview has a time map");
    assert_eq!(transcript.sync_points.len(), points.len(), "one SyncPoint per time point");
    for (sync, point) in transcript.sync_points.iter().zip(&points) {
        assert_eq!((sync.position, sync.time_ms), (point.offset as i64, point.ms));
    }
    let guids: std::collections::HashSet<&str> = transcript.sync_points.iter().map(|p| p.guid.as_str()).collect();
    assert_eq!(guids.len(), points.len(), "each sync point has its own GUID");
}

#[test]
fn a_round_trip_keeps_the_time_map_and_links_the_recording_again() {
    let scratch = Scratch::new();
    let (project, qdpx) = exported_demo(&scratch);
    let copy = scratch.path("copy.fieldcode");
    let report = import_qdpx(&qdpx, &copy, &ImportQdpxOptions::default()).unwrap();
    let before = time_map_of(&project, RECORDED_INTERVIEW);
    assert_eq!(report.transcripts, 1);
    assert_eq!(report.sync_points, before.len());
    assert_eq!((report.media_links, report.sync_points_skipped), (1, 0));
    assert_eq!(report.skipped, Vec::<String>::new());

    let after = time_map_of(&copy, RECORDED_INTERVIEW);
    assert_eq!(time_map::encode(&after), time_map::encode(&before), "the time map survives byte for byte");

    let original = link::links(Project::open(&project).unwrap().conn()).unwrap();
    let p = Project::open(&copy).unwrap();
    let links = link::links(p.conn()).unwrap();
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].document, RECORDED_INTERVIEW);
    assert_eq!((links[0].size, &links[0].sha256), (original[0].size, &original[0].sha256));
    assert_eq!(links[0].path, fieldcode::demo::RECORDING_FILE, "stored relative to the new project");
    assert_eq!(link::check(&links[0], &copy, true), LinkState::Ok);
}

#[test]
fn a_missing_recording_is_a_report_line_and_the_time_map_still_arrives() {
    let scratch = Scratch::new();
    let (project, qdpx) = exported_demo(&scratch);
    std::fs::remove_file(scratch.path(fieldcode::demo::RECORDING_FILE)).unwrap();
    let copy = scratch.path("copy.fieldcode");
    let report = import_qdpx(&qdpx, &copy, &ImportQdpxOptions::default()).unwrap();
    assert_eq!((report.transcripts, report.media_links), (1, 0));
    assert!(report.skipped.iter().any(|l| l.contains("not found") && l.contains("imported without it")), "{report:?}");
    assert_eq!(time_map_of(&copy, RECORDED_INTERVIEW), time_map_of(&project, RECORDED_INTERVIEW));
    assert!(link::links(Project::open(&copy).unwrap().conn()).unwrap().is_empty());
}

fn sample_qde() -> Vec<u8> {
    std::fs::read(format!("{}/../shared/refi/samples/Project.qde", env!("CARGO_MANIFEST_DIR")))
        .or_else(|_| {
            // The same project as the fixture archive holds it (CRLF line ends).
            let mut zip =
                zip::ZipArchive::new(std::fs::File::open(crate::export_support::fixture("TestProject.qdpx"))?)?;
            let mut bytes = Vec::new();
            zip.by_name("Project.qde")?.read_to_end(&mut bytes)?;
            Ok::<_, Box<dyn std::error::Error>>(bytes)
        })
        .unwrap()
}

#[test]
fn the_spec_example_holds_three_transcripts_with_thirteen_sync_points() {
    let qde = sample_qde();
    let read = qde_read::read_project(&qde, Path::new("Project.qde")).unwrap();
    let kinds: Vec<MediaKind> = read.media.iter().map(|m| m.kind).collect();
    assert_eq!(kinds, [MediaKind::Audio, MediaKind::Video, MediaKind::Video]);
    let transcripts: Vec<_> = read.media.iter().flat_map(|m| &m.transcripts).collect();
    assert_eq!(transcripts.len(), 3);
    assert_eq!(transcripts.iter().map(|t| t.sync_points.len()).collect::<Vec<_>>(), [1, 1, 11]);
    assert!(read.skipped.iter().any(|l| l.contains("Video source") && l.contains("1 coding(s)")), "{:?}", read.skipped);

    // The example's archive carries no source files: give every text source a text of its own.
    let scratch = Scratch::new();
    let qdpx = scratch.path("example.qdpx");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&qdpx).unwrap());
    zip.start_file("project.qde", zip::write::SimpleFileOptions::default()).unwrap();
    zip.write_all(&qde).unwrap();
    for (i, source) in read.sources.iter().enumerate() {
        let path = source.plain_text_path.as_deref().unwrap();
        let name = path.trim_start_matches("internal://");
        let text: String = (0..400).map(|w| format!("source{i} word{w} ")).collect();
        zip.start_file(format!("sources/{name}"), zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap();

    let project = scratch.path("example.fieldcode");
    let options = ImportQdpxOptions { skip_missing_sources: true, ..ImportQdpxOptions::default() };
    let report: QdpxReport = import_qdpx(&qdpx, &project, &options).unwrap();
    assert_eq!((report.transcripts, report.sync_points, report.sync_points_skipped), (3, 13, 0), "{report:?}");
    assert_eq!(report.media_links, 0, "the recordings are not on this machine");
    let not_found = report.skipped.iter().filter(|l| l.starts_with("Video source ") && l.contains("not found")).count();
    assert_eq!(not_found, 2, "{:?}", report.skipped);
    assert!(
        report.skipped.iter().any(|l| l.contains("Audio source \"Jeanine's Breakfast.m4a\": it has no transcript"))
    );
    assert_eq!(report.documents, 6, "the transcripts are the text sources they name, not new documents");

    let diet_coke = time_map_of(&project, "1994 Diet Coke-Diet Coke Break.docx");
    let pairs: Vec<(usize, i64)> = diet_coke.iter().map(|p| (p.offset, p.ms)).collect();
    assert_eq!(pairs[..3], [(0, 0), (20, 2260), (40, 3100)]);
    assert_eq!(pairs.len(), 11);
    assert_eq!(pairs[10], (192, 40348));
}

/// A project with one transcript of its own text: `text` inline, sync points as given.
fn transcript_project(points: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="p">
<CodeBook><Codes><Code guid="00000000-0000-0000-0000-0000000000c1" name="Hope" isCodable="true"/></Codes></CodeBook>
<Sources>
<AudioSource guid="00000000-0000-0000-0000-0000000000a1" name="talk.wav" path="relative://talk.wav">
<Transcript guid="00000000-0000-0000-0000-0000000000b1" name="Talk transcript">
<PlainTextContent>one two three four five six</PlainTextContent>
{points}
<TranscriptSelection guid="00000000-0000-0000-0000-0000000000d1" name="two three" fromSyncPoint="00000000-0000-0000-0000-000000000001" toSyncPoint="00000000-0000-0000-0000-000000000002">
<Coding guid="00000000-0000-0000-0000-0000000000e1"><CodeRef targetGUID="00000000-0000-0000-0000-0000000000c1"/></Coding>
</TranscriptSelection>
</Transcript>
</AudioSource>
</Sources>
</Project>"#
    )
}

fn archive_of(scratch: &Scratch, qde: &str) -> std::path::PathBuf {
    let qdpx = scratch.path("t.qdpx");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&qdpx).unwrap());
    zip.start_file("project.qde", zip::write::SimpleFileOptions::default()).unwrap();
    zip.write_all(qde.as_bytes()).unwrap();
    zip.finish().unwrap();
    qdpx
}

#[test]
fn a_transcript_with_its_own_text_becomes_a_document_and_bad_sync_points_are_counted() {
    let scratch = Scratch::new();
    let points = r#"<SyncPoint guid="00000000-0000-0000-0000-000000000001" position="4" timeStamp="1000"/>
<SyncPoint guid="00000000-0000-0000-0000-000000000002" position="13" timeStamp="2500"/>
<SyncPoint guid="00000000-0000-0000-0000-000000000003" position="999" timeStamp="3000"/>
<SyncPoint guid="00000000-0000-0000-0000-000000000004" position="x" timeStamp="3500"/>
<SyncPoint guid="00000000-0000-0000-0000-000000000005" position="20"/>"#;
    let qdpx = archive_of(&scratch, &transcript_project(points));
    std::fs::write(scratch.path("talk.wav"), b"RIFF not really a wav").unwrap();
    let project = scratch.path("t.fieldcode");
    let report = import_qdpx(&qdpx, &project, &ImportQdpxOptions::default()).unwrap();
    assert_eq!((report.documents, report.transcripts, report.codings), (1, 1, 1), "{report:?}");
    assert_eq!((report.sync_points, report.sync_points_skipped), (2, 3));
    assert!(report.skipped.iter().any(|l| l.starts_with("3 sync point(s) of transcript \"Talk transcript\"")));
    assert_eq!(report.media_links, 1, "relative:// from the archive's folder");

    let map = time_map_of(&project, "Talk transcript");
    assert_eq!(map.iter().map(|p| (p.offset, p.ms)).collect::<Vec<_>>(), [(4, 1000), (13, 2500)]);
    let p = Project::open(&project).unwrap();
    let id = documents::id_by_name(p.conn(), "Talk transcript").unwrap();
    let codings = fieldcode::store::codings::for_document(p.conn(), id).unwrap();
    assert_eq!(codings.iter().map(|c| (c.start, c.end)).collect::<Vec<_>>(), [(4, 13)]);
}

#[test]
fn recordings_inside_the_archive_are_not_copied_out() {
    let scratch = Scratch::new();
    let qde = transcript_project("").replace("relative://talk.wav", "internal://talk.wav");
    let report = import_qdpx(&archive_of(&scratch, &qde), &scratch.path("t.fieldcode"), &Default::default()).unwrap();
    assert_eq!((report.transcripts, report.media_links), (1, 0));
    assert!(report.skipped.iter().any(|l| l.contains("inside the archive")), "{report:?}");
    assert!(report.skipped.iter().any(|l| l.contains("its sync points are missing")), "{report:?}");
}

#[test]
fn a_recording_before_its_text_source_still_gives_the_text_its_times() {
    let scratch = Scratch::new();
    let qde = r#"<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="p">
<Sources>
<VideoSource guid="00000000-0000-0000-0000-0000000000a1" name="talk.mp4" path="file:///nowhere/talk.mp4">
<Transcript guid="00000000-0000-0000-0000-0000000000b1" name="Talk" plainTextPath="internal://T.txt">
<SyncPoint guid="00000000-0000-0000-0000-000000000001" position="0" timeStamp="500"/>
<SyncPoint guid="00000000-0000-0000-0000-000000000002" position="8" timeStamp="1500"/>
</Transcript>
</VideoSource>
<TextSource guid="00000000-0000-0000-0000-0000000000c1" name="Talk text" plainTextPath="internal://t.txt"/>
</Sources>
</Project>"#;
    let qdpx = scratch.path("t.qdpx");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&qdpx).unwrap());
    zip.start_file("project.qde", zip::write::SimpleFileOptions::default()).unwrap();
    zip.write_all(qde.as_bytes()).unwrap();
    zip.start_file("sources/t.txt", zip::write::SimpleFileOptions::default()).unwrap();
    zip.write_all("Première phrase. Second one.".as_bytes()).unwrap();
    zip.finish().unwrap();
    let project = scratch.path("t.fieldcode");
    let report = import_qdpx(&qdpx, &project, &ImportQdpxOptions::default()).unwrap();
    assert_eq!((report.documents, report.transcripts, report.sync_points), (1, 1, 2), "{report:?}");
    assert!(report.skipped.iter().any(|l| l.starts_with("Video source \"talk.mp4\": the recording is not found")));
    let map = time_map_of(&project, "Talk text");
    assert_eq!(map.iter().map(|p| (p.offset, p.ms)).collect::<Vec<_>>(), [(0, 500), (8, 1500)]);
}
