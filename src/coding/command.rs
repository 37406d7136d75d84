//! The commands of the coding engine: every change to the codebook, codings and memos is one of
//! these, applied in one transaction and recorded in the history so it can be undone and redone.
//!
//! Commands refer to codes, documents, codings, coders and memos by id; front ends (CLI, GUI)
//! resolve paths and names to ids first. Commands are serde-serialisable: the history stores the
//! forward command of every entry as JSON.

use serde::{Deserialize, Serialize};

use crate::model::{AttributeScope, CodeId, CoderId, CodingId, DocumentId, DocumentKind, ReviewStatus};

/// A memo's id.
pub type MemoId = i64;

/// The coder a command codes for: an existing coder's id, or a name. A name that is new is
/// created inside the command's transaction, so a refused command leaves no coder behind (and
/// undo takes the coder away with the codings).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum CoderRef {
    Id(CoderId),
    Name(String),
}

impl From<CoderId> for CoderRef {
    fn from(id: CoderId) -> CoderRef {
        CoderRef::Id(id)
    }
}

impl From<&str> for CoderRef {
    fn from(name: &str) -> CoderRef {
        CoderRef::Name(name.to_owned())
    }
}

/// One cell of a classification sheet: `owner` is a document's name or a participant's label,
/// `name` the attribute. `value: None` removes the value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttributeCell {
    pub owner: String,
    pub name: String,
    pub value: Option<String>,
}

/// One code of an imported codebook file: its name and parent (an earlier entry of the same
/// list, so the file's tree is kept without repeating paths), and the fields the file sets (an
/// empty field leaves a matched code's field as it is).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncomingCode {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<usize>,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ReviewStatus>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub inclusion: String,
    #[serde(default)]
    pub exclusion: String,
    #[serde(default)]
    pub example: String,
}

/// One span to code: a document, a code and code point offsets (end exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SpanRef {
    pub document: DocumentId,
    pub code: CodeId,
    pub start: usize,
    pub end: usize,
}

/// What a memo is written about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "lowercase")]
pub enum MemoTarget {
    Project,
    Document(DocumentId),
    Participant(crate::model::ParticipantId),
    Code(CodeId),
    Coding(CodingId),
}

impl MemoTarget {
    /// The `memo.target_kind` column value.
    pub fn kind(self) -> &'static str {
        match self {
            MemoTarget::Project => "project",
            MemoTarget::Document(_) => "document",
            MemoTarget::Participant(_) => "participant",
            MemoTarget::Code(_) => "code",
            MemoTarget::Coding(_) => "coding",
        }
    }

    /// The `memo.target_id` column value.
    pub fn id(self) -> Option<i64> {
        match self {
            MemoTarget::Project => None,
            MemoTarget::Document(id) | MemoTarget::Participant(id) | MemoTarget::Code(id) | MemoTarget::Coding(id) => {
                Some(id)
            }
        }
    }

    /// The target stored as `(target_kind, target_id)`, if the pair is valid.
    pub fn from_columns(kind: &str, id: Option<i64>) -> Option<MemoTarget> {
        match (kind, id) {
            ("project", _) => Some(MemoTarget::Project),
            ("document", Some(id)) => Some(MemoTarget::Document(id)),
            ("participant", Some(id)) => Some(MemoTarget::Participant(id)),
            ("code", Some(id)) => Some(MemoTarget::Code(id)),
            ("coding", Some(id)) => Some(MemoTarget::Coding(id)),
            _ => None,
        }
    }
}

/// Every change the command layer can make.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "kebab-case")]
pub enum Command {
    /// Creates the code at `path` (`Code` or `Code/Sub-code`, relative to `parent`), creating
    /// missing intermediate codes. The last part must not exist yet.
    CreateCode {
        parent: Option<CodeId>,
        path: String,
        color: Option<String>,
        description: Option<String>,
    },
    /// Creates the code at `path` (as [`Command::CreateCode`], with the next palette colour) and
    /// codes one span of a document with it for `coder`: an in-vivo code, or a code typed in the
    /// quick bar, as one undoable step.
    CreateCodeAndApply {
        parent: Option<CodeId>,
        path: String,
        coder: CoderRef,
        document: DocumentId,
        start: usize,
        end: usize,
    },
    RenameCode {
        code: CodeId,
        name: String,
    },
    RecolorCode {
        code: CodeId,
        color: String,
    },
    /// Sets whichever of the definition fields are given.
    DescribeCode {
        code: CodeId,
        description: Option<String>,
        inclusion: Option<String>,
        exclusion: Option<String>,
        example: Option<String>,
    },
    SetStatus {
        code: CodeId,
        status: ReviewStatus,
    },
    /// Moves a code (with its sub-codes) under `parent`, or to the top level.
    MoveCode {
        code: CodeId,
        parent: Option<CodeId>,
    },
    /// Moves every coding, sub-code, memo and comment of `from` to `into`, then removes `from`.
    /// A coding that `into` already has (same document, span and coder) is dropped.
    MergeCodes {
        from: CodeId,
        into: CodeId,
    },
    /// Creates a new sibling of `code` called `name` and moves the chosen codings to it.
    SplitCode {
        code: CodeId,
        name: String,
        codings: Vec<CodingId>,
    },
    /// Deletes a code with its sub-codes; their codings are deleted, or reassigned to
    /// `reassign_to` (which must lie outside the deleted subtree).
    DeleteCode {
        code: CodeId,
        reassign_to: Option<CodeId>,
    },
    /// Codes spans for one coder. An identical coding that exists already is skipped.
    AddCodings {
        coder: CoderRef,
        spans: Vec<SpanRef>,
        /// A memo attached to each new coding.
        memo: Option<String>,
    },
    /// Removes codings (with their memos).
    RemoveCodings {
        codings: Vec<CodingId>,
    },
    /// Makes one span of one code coded for the `coded` coders (one new coding each) and
    /// uncoded for the `uncoded` coders (their codings of the code trimmed around it): how a
    /// disagreement between coders is resolved in one step.
    ResolveSpan {
        span: SpanRef,
        coded: Vec<CoderId>,
        uncoded: Vec<CoderId>,
    },
    /// The result of an autocode run: like `AddCodings`, recorded with the rule that found it.
    Autocode {
        coder: CoderRef,
        rule: String,
        spans: Vec<SpanRef>,
    },
    /// Creates a memo (`memo` is `None`) or replaces an existing memo's title and body.
    SetMemo {
        memo: Option<MemoId>,
        target: MemoTarget,
        title: String,
        body: String,
    },
    DeleteMemo {
        memo: MemoId,
    },
    /// Adds a comment to a code's discussion thread; the command's actor is its author.
    AddComment {
        code: CodeId,
        body: String,
    },
    /// Sets (or, with `value: None`, removes) attribute values of documents or participants:
    /// one edit of the classification sheet, or a whole sheet file. Unknown documents are
    /// refused; unknown participants are created (a sheet may list people who never speak).
    SetAttributes {
        scope: AttributeScope,
        cells: Vec<AttributeCell>,
    },
    /// A codebook file (.qdc or .csv), parsed by [`crate::import::codebook`]: codes are matched
    /// by GUID, else by path; matched codes get the file's non-empty fields, the others are
    /// created with any missing parent codes.
    ImportCodebook {
        file: String,
        #[serde(default)]
        codes: Vec<IncomingCode>,
    },
    /// Replaces `[start, end)` of a document's text by `text` (an insertion when they are equal,
    /// a deletion when `text` is empty), moving every coding, speaker turn and paragraph by the
    /// rule of [`crate::coding::shift`]; codings left empty are removed. Refused when
    /// `expect_sha256` is given and the text has changed since (another program edited it).
    EditText {
        doc: DocumentId,
        start: usize,
        end: usize,
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        expect_sha256: Option<String>,
    },
    /// Replaces every match of `find` (a literal, or a regular expression whose `$1`… the
    /// replacement may use) in the named documents, or those of the given kinds, or all.
    ReplaceText {
        find: String,
        #[serde(default)]
        regex: bool,
        #[serde(default)]
        ignore_case: bool,
        #[serde(default)]
        whole_word: bool,
        with: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        documents: Vec<DocumentId>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        kinds: Vec<DocumentKind>,
    },
    /// Renames an attribute of documents or participants (a column of the classification
    /// sheet); every value keeps its owner. Refused when `to` is empty or another attribute of
    /// the scope already has that name (in any case).
    RenameAttribute {
        scope: AttributeScope,
        from: String,
        to: String,
    },
    /// Links a recording to a document, replacing its earlier link (undo brings that back).
    /// `path` is as stored (see [`crate::media::link`]: relative to the project file's folder,
    /// '/' separators); `size` and `sha256` are the file's, computed by the front end with
    /// [`crate::media::link::fingerprint`]; `offset_ms` is added to the document's times to get
    /// the recording's. Refused, with nothing written, when the document does not exist or the
    /// file is not there, has another size or cannot be read as audio. With `embed`, a copy of
    /// the file is also stored in the project and the link plays from it (see `EmbedMedia`).
    LinkMedia {
        document: DocumentId,
        path: String,
        size: u64,
        sha256: String,
        #[serde(default)]
        offset_ms: i64,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        embed: bool,
    },
    /// Stores a copy of a document's linked recording in the project, which then plays from it
    /// (see [`crate::media::store`]). The history records only the link's flag: the bytes, kept
    /// by their SHA-256, stay when this is undone, so redo needs no file. Refused, with nothing
    /// written, when the document has no link or the file is not there, does not decode, or
    /// has other bytes than the link's size and SHA-256 (checked while copying).
    EmbedMedia {
        document: DocumentId,
    },
    /// Plays a document's recording from its linked file again instead of the stored copy (the
    /// copy stays for undo; a release copy drops it). Refused when the file is missing or not
    /// the recording that was linked, since the document would lose its recording.
    UnembedMedia {
        document: DocumentId,
    },
    /// Removes a document's media link (the recording itself is never touched).
    UnlinkMedia {
        document: DocumentId,
    },
    /// Renames a speaker: the participant's label, and the label written at the start of each of
    /// their turns in every document, replaced as text edits (codings stay on their words; one
    /// covering a label covers the new one). Refused when `label` is empty, holds a colon or a
    /// line break, or another participant has it. See [`crate::coding::speaker_ops`].
    RenameParticipant {
        participant: crate::model::ParticipantId,
        label: String,
    },
}

impl Command {
    /// The short name stored in `history.kind`.
    pub fn kind(&self) -> &'static str {
        match self {
            Command::CreateCode { .. } => "create-code",
            Command::CreateCodeAndApply { .. } => "create-code-and-apply",
            Command::RenameCode { .. } => "rename-code",
            Command::RecolorCode { .. } => "recolor-code",
            Command::DescribeCode { .. } => "describe-code",
            Command::SetStatus { .. } => "set-status",
            Command::MoveCode { .. } => "move-code",
            Command::MergeCodes { .. } => "merge-codes",
            Command::SplitCode { .. } => "split-code",
            Command::DeleteCode { .. } => "delete-code",
            Command::AddCodings { .. } => "add-codings",
            Command::RemoveCodings { .. } => "remove-codings",
            Command::ResolveSpan { .. } => "resolve-span",
            Command::Autocode { .. } => "autocode",
            Command::SetMemo { .. } => "set-memo",
            Command::DeleteMemo { .. } => "delete-memo",
            Command::AddComment { .. } => "add-comment",
            Command::SetAttributes { .. } => "set-attributes",
            Command::ImportCodebook { .. } => "import-codebook",
            Command::EditText { .. } => "edit-text",
            Command::ReplaceText { .. } => "replace-text",
            Command::RenameAttribute { .. } => "rename-attribute",
            Command::LinkMedia { .. } => "link-media",
            Command::UnlinkMedia { .. } => "unlink-media",
            Command::EmbedMedia { .. } => "embed-media",
            Command::UnembedMedia { .. } => "unembed-media",
            Command::RenameParticipant { .. } => "rename-participant",
        }
    }
}
