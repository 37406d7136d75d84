//! Plain data types shared by the store, importers, analysis, CLI and GUI.
//!
//! Ids are SQLite row ids; guids are stable identities used for exchange (REFI-QDA, merge).

use serde::{Deserialize, Serialize};

pub type DocumentId = i64;
pub type ParticipantId = i64;
pub type CodeId = i64;
pub type CoderId = i64;
pub type CodingId = i64;

/// What sort of text a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DocumentKind {
    FieldNote,
    Interview,
    FocusGroup,
    Other,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 4] =
        [DocumentKind::FieldNote, DocumentKind::Interview, DocumentKind::FocusGroup, DocumentKind::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::FieldNote => "field-note",
            DocumentKind::Interview => "interview",
            DocumentKind::FocusGroup => "focus-group",
            DocumentKind::Other => "other",
        }
    }

    /// A kind inferred from how many distinct speakers a text has: none → field note,
    /// one or two → interview, three or more → focus group.
    pub fn infer(speakers: usize) -> DocumentKind {
        match speakers {
            0 => DocumentKind::FieldNote,
            1 | 2 => DocumentKind::Interview,
            _ => DocumentKind::FocusGroup,
        }
    }

    /// Human label for lists and headings.
    pub fn plural_label(self) -> &'static str {
        match self {
            DocumentKind::FieldNote => "Field notes",
            DocumentKind::Interview => "Interviews",
            DocumentKind::FocusGroup => "Focus groups",
            DocumentKind::Other => "Other documents",
        }
    }
}

impl std::fmt::Display for DocumentKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for DocumentKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().replace(['_', ' '], "-").as_str() {
            "field-note" | "fieldnote" | "field-notes" | "note" => Ok(DocumentKind::FieldNote),
            "interview" => Ok(DocumentKind::Interview),
            "focus-group" | "focusgroup" => Ok(DocumentKind::FocusGroup),
            "other" => Ok(DocumentKind::Other),
            other => Err(format!("unknown document kind {other:?}; use field-note, interview, focus-group or other")),
        }
    }
}

/// Whether an attribute's values belong to documents or to participants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AttributeScope {
    Document,
    Participant,
}

impl AttributeScope {
    pub fn as_str(self) -> &'static str {
        match self {
            AttributeScope::Document => "document",
            AttributeScope::Participant => "participant",
        }
    }
}

/// A speaker turn as stored: the utterance span after the speaker label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Turn {
    pub id: i64,
    pub document_id: DocumentId,
    pub participant_id: Option<ParticipantId>,
    pub start: usize,
    pub end: usize,
    pub time_ms: Option<i64>,
}

/// A span of text in code points, end exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// One row of `fieldcode docs`: a document with what is known about it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocumentSummary {
    pub id: DocumentId,
    pub guid: String,
    pub name: String,
    pub kind: DocumentKind,
    pub chars: usize,
    pub turns: usize,
    pub speakers: Vec<String>,
    pub attributes: std::collections::BTreeMap<String, String>,
    pub source_path: Option<String>,
    pub imported_at: String,
}

/// One row of `fieldcode speakers`: a participant with attributes and where they speak.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParticipantSummary {
    pub id: ParticipantId,
    pub guid: String,
    pub label: String,
    pub attributes: std::collections::BTreeMap<String, String>,
    pub documents: Vec<String>,
    pub turns: usize,
}

/// Review status of a code in the team workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReviewStatus {
    Proposed,
    Reviewed,
    Agreed,
}

impl ReviewStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewStatus::Proposed => "proposed",
            ReviewStatus::Reviewed => "reviewed",
            ReviewStatus::Agreed => "agreed",
        }
    }
}

impl std::str::FromStr for ReviewStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "proposed" => Ok(ReviewStatus::Proposed),
            "reviewed" => Ok(ReviewStatus::Reviewed),
            "agreed" => Ok(ReviewStatus::Agreed),
            other => Err(format!("unknown review status {other:?}; use proposed, reviewed or agreed")),
        }
    }
}

/// A code of the codebook with its full path (`Theme/Code/Sub-code`) and coding count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CodeNode {
    pub id: CodeId,
    pub guid: String,
    pub parent_id: Option<CodeId>,
    pub name: String,
    pub path: String,
    pub depth: usize,
    pub color: String,
    pub description: String,
    pub inclusion: String,
    pub exclusion: String,
    pub example: String,
    pub status: ReviewStatus,
    pub position: i64,
    /// Codings of this code itself (not of its descendants).
    pub codings: usize,
}

/// A coding as stored, with its coder's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodingRow {
    pub id: CodingId,
    pub guid: String,
    pub document_id: DocumentId,
    pub code_id: CodeId,
    pub coder_id: CoderId,
    pub coder: String,
    pub start: usize,
    pub end: usize,
    pub created_at: String,
}
