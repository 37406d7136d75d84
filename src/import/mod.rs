//! Import of field notes and transcripts.
//!
//! Parsing (bytes → [`ParsedDocument`]) is pure and lives in the submodules, one per concern;
//! [`run`] commits parsed files into a project, each file in its own transaction, so one bad file
//! never leaves half a document behind and never stops the others.
//!
//! The format comes from the content as well as the extension ([`parse_owned_with`]): a `.txt`
//! that holds captions, Whisper JSON or an Otter.ai export is read as what it is, and a `.docx`
//! that is a Microsoft Teams transcript gets its speakers. A plain text keeps its `Name:` turns
//! only when it is a transcript at all ([`transcript`]).

pub mod codebook;
pub mod cues;
pub mod decode;
pub mod front_matter;
pub mod headed;
pub mod input;
pub mod lines;
pub mod office;
pub mod paragraphs;
pub mod preview;
pub mod run;
pub mod sheet;
pub mod speakers;
pub mod subtitles;
pub mod text_times;
pub mod transcript;
pub mod whisper;

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::model::{DocumentKind, Span};
use crate::store::time_map::TimePoint;
use decode::{DecodeError, Invalid};
use lines::Lines;

pub use input::read_input;
pub use run::{ImportOptions, ImportOutcome, ImportProgress, Stored, import_paths, store_parsed};

/// Largest file Fieldcode imports, and largest text one document may have.
pub const MAX_FILE_BYTES: u64 = 200 * 1024 * 1024;

/// Most speaker turns one imported document may have. A turn takes 48 bytes while the document
/// is imported and a line of three bytes (`A:` and a newline) can start one, so without a cap a
/// 200 MB file could take 3 GB; a million turns is a 200 MB transcript of 200-byte turns. With
/// [`MAX_PARAGRAPHS`] this keeps the peak memory of importing any one file (its text, turns and
/// paragraphs, and SQLite's copies of the text while it is stored) under four times
/// [`MAX_FILE_BYTES`].
pub const MAX_TURNS: usize = 1_000_000;

/// Most paragraphs one imported document may have (16 bytes each while it is imported, 8 in the
/// project); 2 million is a 200 MB text of 100-byte paragraphs.
pub const MAX_PARAGRAPHS: usize = 2_000_000;

/// Whether a text fits in one document: at most [`MAX_FILE_BYTES`] of text, [`MAX_TURNS`] turns
/// and [`MAX_PARAGRAPHS`] paragraphs; else why not. For texts that do not come through
/// [`parse_file`], such as the sources of a REFI-QDA project.
pub fn check_limits(text: &str) -> Result<(), String> {
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(format!("its text is over {} MB, the limit for one document", MAX_FILE_BYTES >> 20));
    }
    let turns = speakers::find_turns_within(Lines::of(text), MAX_TURNS).ok_or_else(too_many_turns)?;
    paragraphs::find_paragraphs_within(&mut Lines::of(text), &turns, MAX_PARAGRAPHS)
        .map(drop)
        .ok_or_else(too_many_paragraphs)
}

fn too_many_paragraphs() -> String {
    format!("it has more than {MAX_PARAGRAPHS} paragraphs, the most one document may have; split the file")
}

fn too_many_turns() -> String {
    format!("it has more than {MAX_TURNS} speaker turns, the most one document may have; split the file")
}

/// A speaker turn found by a parser (code point offsets into the parsed text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedTurn {
    /// The speaker's label, shared by all of one speaker's turns (see [`SpeakerLabels`]).
    pub speaker: Arc<str>,
    pub start: usize,
    pub end: usize,
    pub time_ms: Option<i64>,
}

/// One shared copy of each speaker label of a document, so that its thousands of turns do not
/// each allocate their label, and turns of one speaker can be matched by pointer. Looking a label
/// up is a hash lookup, so a transcript with 100,000 distinct labels costs no more per line than
/// one with two.
#[derive(Debug, Default)]
pub struct SpeakerLabels {
    labels: HashSet<Arc<str>>,
}

impl SpeakerLabels {
    pub fn intern(&mut self, label: &str) -> Arc<str> {
        if let Some(found) = self.labels.get(label) {
            return Arc::clone(found);
        }
        let label: Arc<str> = Arc::from(label);
        self.labels.insert(Arc::clone(&label));
        label
    }
}

/// Where `label` is in `seen`: by pointer first (labels shared through [`SpeakerLabels`]), then
/// by text, so turns built any other way are matched too. This is a linear search: to number
/// the speakers of a whole document use [`ParsedDocument::speaker_indices`] instead.
pub fn speaker_position(seen: &[&Arc<str>], label: &Arc<str>) -> Option<usize> {
    seen.iter().position(|known| Arc::ptr_eq(known, label)).or_else(|| seen.iter().position(|known| *known == label))
}

/// A file turned into what a document is made of, before it is stored.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedDocument {
    pub name: String,
    pub text: String,
    /// The text's length in code points.
    pub char_len: usize,
    pub turns: Vec<ParsedTurn>,
    pub paragraphs: Vec<Span>,
    pub attributes: Vec<(String, String)>,
    /// The time map: when each stretch of the text was spoken (sorted by offset; empty when the
    /// document has no times). See [`crate::store::time_map`].
    pub times: Vec<TimePoint>,
}

/// The turns of a plain text, if it is a transcript ([`transcript::is_transcript`]); none if it is
/// not; `None` when there are more than `max`.
fn transcript_turns(text: &str, max: usize) -> Option<Vec<ParsedTurn>> {
    let (turns, shape) = speakers::scan_turns_within(Lines::of(text), max)?;
    Some(if transcript::is_transcript(&turns, &shape) { turns } else { Vec::new() })
}

impl ParsedDocument {
    /// A document of `text` with its paragraphs, and its speaker turns and times if it is a
    /// transcript. REFI-QDA import reads its sources through this too.
    pub fn from_text(name: &str, text: String, attributes: Vec<(String, String)>) -> ParsedDocument {
        let turns = transcript_turns(&text, usize::MAX).unwrap_or_default();
        let times = text_times::text_times(&text, &turns);
        let mut lines = Lines::of(&text);
        let paragraphs = paragraphs::find_paragraphs_in(&mut lines, &turns);
        let char_len = lines.char_len();
        ParsedDocument { name: name.to_owned(), text, char_len, turns, paragraphs, attributes, times }
    }

    /// [`ParsedDocument::from_text`] for an imported file: refused, before it takes more memory,
    /// when it has more than [`MAX_TURNS`] turns or [`MAX_PARAGRAPHS`] paragraphs.
    pub fn from_text_within_limits(
        name: &str,
        text: String,
        attributes: Vec<(String, String)>,
    ) -> Result<ParsedDocument, String> {
        let mut turns = transcript_turns(&text, MAX_TURNS).ok_or_else(too_many_turns)?;
        // Vectors grow by doubling; a long transcript's would keep up to half their room unused.
        turns.shrink_to_fit();
        let times = text_times::text_times(&text, &turns);
        ParsedDocument::within_limits(name, text, turns, attributes, times)
    }

    /// A document of `text` whose turns are already known (from captions), with its paragraphs.
    pub fn with_turns(
        name: &str,
        text: String,
        turns: Vec<ParsedTurn>,
        attributes: Vec<(String, String)>,
    ) -> ParsedDocument {
        let mut lines = Lines::of(&text);
        let paragraphs = paragraphs::find_paragraphs_in(&mut lines, &turns);
        let char_len = lines.char_len();
        ParsedDocument { name: name.to_owned(), text, char_len, turns, paragraphs, attributes, times: Vec::new() }
    }

    /// [`ParsedDocument::with_turns`] with a time map, within [`MAX_TURNS`] and [`MAX_PARAGRAPHS`].
    fn within_limits(
        name: &str,
        text: String,
        turns: Vec<ParsedTurn>,
        attributes: Vec<(String, String)>,
        times: Vec<TimePoint>,
    ) -> Result<ParsedDocument, String> {
        if turns.len() > MAX_TURNS {
            return Err(too_many_turns());
        }
        let mut lines = Lines::of(&text);
        let mut paragraphs =
            paragraphs::find_paragraphs_within(&mut lines, &turns, MAX_PARAGRAPHS).ok_or_else(too_many_paragraphs)?;
        paragraphs.shrink_to_fit();
        let char_len = lines.char_len();
        Ok(ParsedDocument { name: name.to_owned(), text, char_len, turns, paragraphs, attributes, times })
    }

    /// Distinct speakers in order of first appearance.
    pub fn speakers(&self) -> Vec<&str> {
        self.speaker_indices().0
    }

    /// Distinct speakers in order of first appearance, and for each turn the index of its speaker
    /// in that list (in time linear in the number of turns).
    pub fn speaker_indices(&self) -> (Vec<&str>, Vec<usize>) {
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut speakers: Vec<&str> = Vec::new();
        let turns = self
            .turns
            .iter()
            .map(|turn| {
                *index.entry(&turn.speaker).or_insert_with(|| {
                    speakers.push(&turn.speaker);
                    speakers.len() - 1
                })
            })
            .collect();
        (speakers, turns)
    }

    /// The kind inferred from the number of speakers; a recording's transcript without speakers
    /// (Whisper, captions without names) is `other`, not a field note.
    pub fn inferred_kind(&self) -> DocumentKind {
        match self.speakers().len() {
            0 if !self.times.is_empty() => DocumentKind::Other,
            speakers => DocumentKind::infer(speakers),
        }
    }
}

/// File formats Fieldcode reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Docx,
    Odt,
    Vtt,
    Srt,
    /// Whisper or WhisperX JSON.
    Json,
}

impl Format {
    /// The format for a path's extension, if it is one Fieldcode imports.
    pub fn of(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "txt" | "text" => Format::Text,
            "md" | "markdown" => Format::Markdown,
            "docx" => Format::Docx,
            "odt" => Format::Odt,
            "vtt" => Format::Vtt,
            "srt" => Format::Srt,
            "json" => Format::Json,
            _ => return None,
        })
    }

    pub const EXTENSIONS: &'static [&'static str] = &["txt", "md", "docx", "odt", "vtt", "srt", "json"];
}

/// Reads and parses one file, refusing invalid bytes in its text.
pub fn parse_file(path: &Path) -> Result<ParsedDocument> {
    parse_file_with(path, Invalid::Refuse)
}

/// Reads and parses one file; `invalid` says what to do with bytes its encoding does not allow.
/// Errors name the file.
pub fn parse_file_with(path: &Path, invalid: Invalid) -> Result<ParsedDocument> {
    let format = importable_format(path)?;
    let bytes = read_input(path, MAX_FILE_BYTES)?;
    parse_read(path, format, bytes, invalid)
}

/// The format of a file Fieldcode imports, or why it does not import it.
pub fn importable_format(path: &Path) -> Result<Format> {
    Format::of(path).ok_or_else(|| {
        Error::import(path, format!("unsupported file type; Fieldcode imports .{}", Format::EXTENSIONS.join(", .")))
    })
}

/// Parses the bytes read from `path` in `format`, as [`parse_file_with`] does; errors name the
/// file.
pub fn parse_read(path: &Path, format: Format, bytes: Vec<u8>, invalid: Invalid) -> Result<ParsedDocument> {
    let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "document".into());
    parse_owned_with(&name, format, bytes, invalid).map_err(|err| match err {
        Failure::Parse(ParseError::Whole(reason)) => Error::import(path, reason),
        Failure::Parse(ParseError::Line(line, reason)) => Error::Parse { path: path.to_path_buf(), line, reason },
        Failure::Decode(err @ DecodeError::BadUtf8 { offset, line, .. }) => {
            Error::InvalidUtf8 { path: path.to_path_buf(), offset, line, reason: err.to_string() }
        }
        Failure::Decode(DecodeError::Other(reason)) => Error::import(path, reason),
    })
}

/// Why bytes could not be parsed: about the whole file, or about one line.
#[derive(Debug, Clone, PartialEq)]
pub enum ParseError {
    Whole(String),
    Line(usize, String),
}

/// Why [`parse_owned_with`] failed: the text did not decode, or did not parse.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    Decode(DecodeError),
    Parse(ParseError),
}

impl From<Failure> for ParseError {
    fn from(failure: Failure) -> ParseError {
        match failure {
            Failure::Decode(err) => ParseError::Whole(err.to_string()),
            Failure::Parse(err) => err,
        }
    }
}

/// Parses a file's bytes in a known format. `name` becomes the document name.
pub fn parse_bytes(name: &str, format: Format, bytes: &[u8]) -> Result<ParsedDocument, ParseError> {
    parse_owned(name, format, bytes.to_vec())
}

/// [`parse_bytes`] taking the bytes by value: a UTF-8 file becomes the document's text without
/// being copied, which matters for the large transcripts of a bulk import.
pub fn parse_owned(name: &str, format: Format, bytes: Vec<u8>) -> Result<ParsedDocument, ParseError> {
    parse_owned_with(name, format, bytes, Invalid::Refuse).map_err(ParseError::from)
}

/// [`parse_owned`] with a choice about invalid bytes in a text format.
pub fn parse_owned_with(
    name: &str,
    format: Format,
    bytes: Vec<u8>,
    invalid: Invalid,
) -> Result<ParsedDocument, Failure> {
    let whole = |reason: String| Failure::Parse(ParseError::Whole(reason));
    let line = |(l, r): (usize, String)| Failure::Parse(ParseError::Line(l, r));
    let timed = |(text, turns, times): Timed| {
        ParsedDocument::within_limits(name, text, turns, Vec::new(), times).map_err(whole)
    };
    let (text, attributes) = match format {
        Format::Docx | Format::Odt => {
            let text = if format == Format::Docx { office::docx_text(&bytes) } else { office::odt_text(&bytes) };
            let text = text.map_err(whole)?;
            // A Microsoft Teams transcript: speaker and time in one paragraph, the words in the next.
            if let Some(parsed) = headed::parse_headed(&text) {
                return timed(parsed.map_err(whole)?);
            }
            (text, Vec::new())
        }
        Format::Vtt | Format::Srt | Format::Json => {
            let decoded = decode::decode_owned(bytes, invalid).map_err(Failure::Decode)?;
            let normalised = crate::text::normalise_newlines_owned(decoded);
            let parsed = if format == Format::Json || whisper::looks_like_json(&normalised) {
                whisper::parse_whisper(&normalised).map_err(whole)?
            } else {
                subtitles::parse_timed_captions(&normalised).map_err(line)?
            };
            return timed(parsed);
        }
        Format::Text | Format::Markdown => {
            let decoded = decode::decode_owned(bytes, invalid).map_err(Failure::Decode)?;
            let mut text = crate::text::normalise_newlines_owned(decoded);
            if let Some(parsed) = sniffed(&text) {
                return timed(parsed.map_err(line)?);
            }
            let (attrs, body) = front_matter::split_front_matter(&text).map_err(line)?;
            let front_len = text.len() - body.len();
            text.drain(..front_len);
            // An Otter.ai export: `Speaker Name  0:02` lines, the words below.
            if let Some(parsed) = headed::parse_headed(&text) {
                let (text, turns, times) = parsed.map_err(whole)?;
                return ParsedDocument::within_limits(name, text, turns, attrs, times).map_err(whole);
            }
            (text, attrs)
        }
    };
    let text = crate::text::normalise_newlines_owned(text);
    if text.trim().is_empty() {
        return Err(whole("the file has no text after its front matter".into()));
    }
    ParsedDocument::from_text_within_limits(name, text, attributes).map_err(whole)
}

/// A transcript's text, turns and time map, as the timed readers return them.
pub type Timed = (String, Vec<ParsedTurn>, Vec<TimePoint>);

/// A text file whose content is captions (`WEBVTT`, or an SRT cue number then a timing line) or
/// Whisper JSON, read as that whatever its extension; `None` for any other text. JSON that is not
/// a transcript is left to be read as text, since the extension said text.
fn sniffed(text: &str) -> Option<Result<Timed, (usize, String)>> {
    let start = text.trim_start_matches('\u{FEFF}').trim_start();
    if start.starts_with("WEBVTT") || subtitles::starts_like_srt(start) {
        return Some(subtitles::parse_timed_captions(text));
    }
    if whisper::looks_like_json(start) {
        return whisper::parse_whisper(text).ok().map(Ok);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_with_front_matter_and_turns() {
        let bytes =
            "---\nsite: GP surgery\n---\n[00:00:01] Interviewer: Hello\n[00:00:05] LW1: Hi\n[00:00:09] LW2: Hey\n"
                .as_bytes();
        let doc = parse_bytes("fg", Format::Text, bytes).unwrap();
        assert_eq!(doc.attributes, vec![("site".to_string(), "GP surgery".to_string())]);
        assert!(doc.text.starts_with("[00:00:01] Interviewer"));
        assert_eq!(doc.speakers(), ["Interviewer", "LW1", "LW2"]);
        assert_eq!(doc.inferred_kind(), DocumentKind::FocusGroup);
        assert_eq!(doc.paragraphs.len(), 3);
    }

    #[test]
    fn crlf_is_normalised_before_offsets_are_taken() {
        let doc = parse_bytes("n", Format::Markdown, b"First para\r\n\r\nSecond\r\n").unwrap();
        assert_eq!(doc.text, "First para\n\nSecond\n");
        assert_eq!(doc.paragraphs, vec![Span { start: 0, end: 10 }, Span { start: 12, end: 18 }]);
        assert_eq!(doc.inferred_kind(), DocumentKind::FieldNote);
    }

    #[test]
    fn front_matter_errors_carry_the_line() {
        let err = parse_bytes("n", Format::Text, b"---\nsite GP\n---\ntext").unwrap_err();
        assert!(matches!(err, ParseError::Line(2, _)), "{err:?}");
    }
}
