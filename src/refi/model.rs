//! The in-memory form of a QDA-XML project: what [`super::qde_read`] produces from any tool's
//! file and what [`super::xml_write`] writes. Only the parts Fieldcode models are kept; the rest
//! is listed in `skipped` so an import can say what it left out.

/// A whole project (`project.qde`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RefiProject {
    pub name: String,
    pub origin: Option<String>,
    pub creating_user: Option<String>,
    pub created: Option<String>,
    /// The folder `relative://` paths start from, as the file gives it (`basePath`).
    pub base_path: Option<String>,
    pub users: Vec<User>,
    pub codes: Vec<Code>,
    pub variables: Vec<Variable>,
    pub cases: Vec<Case>,
    pub sources: Vec<Source>,
    /// Recordings (`AudioSource` / `VideoSource`) with their transcripts.
    pub media: Vec<MediaSource>,
    pub notes: Vec<Note>,
    pub links: Vec<Link>,
    pub description: String,
    pub note_refs: Vec<String>,
    /// Human-readable lines about elements that were not kept (pictures, PDFs, sets, graphs…).
    pub skipped: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct User {
    pub guid: String,
    pub name: String,
}

/// A code with its sub-codes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Code {
    pub guid: String,
    pub name: String,
    pub color: Option<String>,
    pub description: String,
    pub note_refs: Vec<String>,
    pub children: Vec<Code>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Variable {
    pub guid: String,
    pub name: String,
    pub description: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct VariableValue {
    pub variable: String,
    pub value: String,
}

/// A case; Fieldcode maps cases to participants.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Case {
    pub guid: String,
    pub name: String,
    pub description: String,
    pub values: Vec<VariableValue>,
    pub source_refs: Vec<String>,
}

/// A text source (document).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Source {
    pub guid: String,
    pub name: String,
    pub description: String,
    pub inline_text: Option<String>,
    pub plain_text_path: Option<String>,
    pub rich_text_path: Option<String>,
    pub created: Option<String>,
    pub creating_user: Option<String>,
    pub selections: Vec<Selection>,
    /// Codings of the whole source.
    pub codings: Vec<Coding>,
    pub note_refs: Vec<String>,
    pub values: Vec<VariableValue>,
}

/// A `PlainTextSelection`: positions as written in the file, in the writer's convention.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Selection {
    pub guid: String,
    pub name: Option<String>,
    pub start: i64,
    pub end: i64,
    pub description: String,
    pub creating_user: Option<String>,
    pub created: Option<String>,
    pub codings: Vec<Coding>,
    pub note_refs: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Coding {
    pub guid: String,
    pub code: String,
    pub creating_user: Option<String>,
    pub created: Option<String>,
    pub note_refs: Vec<String>,
}

/// A note (memo).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Note {
    pub guid: String,
    pub name: String,
    pub inline_text: Option<String>,
    pub plain_text_path: Option<String>,
    pub creating_user: Option<String>,
    pub created: Option<String>,
    pub modified: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Link {
    pub guid: String,
    pub name: String,
    pub origin: Option<String>,
    pub target: Option<String>,
}

/// Whether a recording source is an `AudioSource` or a `VideoSource`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MediaKind {
    #[default]
    Audio,
    Video,
}

impl MediaKind {
    /// How reports name it: `Audio source`, `Video source`.
    pub fn label(self) -> &'static str {
        match self {
            MediaKind::Audio => "Audio source",
            MediaKind::Video => "Video source",
        }
    }

    /// The QDA-XML element name.
    pub fn element(self) -> &'static str {
        match self {
            MediaKind::Audio => "AudioSource",
            MediaKind::Video => "VideoSource",
        }
    }
}

/// An `AudioSource` / `VideoSource`: a recording with its transcripts. Its own selections
/// (times in the recording) are not modelled; they are counted in `skipped` when read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MediaSource {
    pub kind: MediaKind,
    pub guid: String,
    pub name: String,
    /// Where the recording is: `internal://`, `relative://` or an absolute path / `file://` URI.
    pub path: Option<String>,
    pub transcripts: Vec<Transcript>,
}

/// A `Transcript` of a recording: a text (its own, or the same file as a `TextSource`) with the
/// points where text positions meet recording times.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Transcript {
    pub guid: String,
    pub name: String,
    pub inline_text: Option<String>,
    pub plain_text_path: Option<String>,
    pub rich_text_path: Option<String>,
    pub created: Option<String>,
    pub creating_user: Option<String>,
    pub sync_points: Vec<SyncPoint>,
    /// Sync points without a whole-number position and time (not kept).
    pub malformed_sync_points: usize,
    pub selections: Vec<TranscriptSelection>,
    pub note_refs: Vec<String>,
}

/// A `SyncPoint`: the text from `position` (in the writer's position convention) on is spoken
/// `time_ms` milliseconds into the recording.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SyncPoint {
    pub guid: String,
    pub position: i64,
    pub time_ms: i64,
}

/// A `TranscriptSelection`: a stretch of a transcript between two of its sync points.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TranscriptSelection {
    pub guid: String,
    pub name: Option<String>,
    pub from_sync_point: Option<String>,
    pub to_sync_point: Option<String>,
    pub description: String,
    pub creating_user: Option<String>,
    pub created: Option<String>,
    pub codings: Vec<Coding>,
    pub note_refs: Vec<String>,
}
